// bench_store_setup: what setting a run up costs the writer, by the number of vectors. For
// each N: H5Sink::createRun (a 166 KB tree.json, as the GF180 OTA's), beginPlot of a
// transient with N vectors (N datasets, their attributes, the time scale attached to all),
// then 1000 points and finishRun with the commit into the store. Prints the best of
// --repeat runs of each phase in ms, CPU time of this process (user+sys) beside wall.
//
//     build/bin/bench_store_setup [--vectors 10,100,1000,2000] [--repeat 5] [--dir /tmp]
#include "core/crefs/probe_resolver.h"
#include "core/design/vector_units.h"
#include "core/store/h5_sink.h"
#include "core/store/run_metadata.h"
#include "core/store/sample_batch.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

double cpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double wallSeconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Phase {
    double wall = std::numeric_limits<double>::infinity();
    double cpu = std::numeric_limits<double>::infinity();
};

std::string treeOfSize(size_t bytes) {
    std::string tree = "{\"format\": \"wavebench.tree\", \"pad\": \"";
    tree.append(bytes, 'x');
    tree += "\"}";
    return tree;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<int> counts = {10, 100, 1000, 2000};
    int repeat = 5;
    std::string dir = "/tmp";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--vectors") == 0) {
            counts.clear();
            std::stringstream list(argv[i + 1]);
            for (std::string item; std::getline(list, item, ',');)
                counts.push_back(std::atoi(item.c_str()));
        } else if (std::strcmp(argv[i], "--repeat") == 0) {
            repeat = std::max(1, std::atoi(argv[i + 1]));
        } else if (std::strcmp(argv[i], "--dir") == 0) {
            dir = argv[i + 1];
        }
    }
    const std::string tree = treeOfSize(166 * 1024);
    std::printf("%8s %14s %14s %14s %14s\n", "vectors", "createRun ms", "beginPlot ms",
                "setup cpu ms", "finish+commit ms");
    for (const int n : counts) {
        Phase create, begin, setupCpu, finish;
        for (int r = 0; r < repeat; ++r) {
            const std::string store =
                dir + "/bench_store_setup_" + std::to_string(getpid()) + ".h5";
            std::remove(store.c_str());
            auto sink = H5Sink::open(store);
            if (!sink) {
                std::fprintf(stderr, "%s\n", sink.error().c_str());
                return 2;
            }
            RunMetadata metadata;
            metadata.runId = "r" + std::to_string(r);
            metadata.netlist = "* bench\n.end\n";
            metadata.treeJson = tree;
            metadata.analysis = "tran";
            std::vector<VectorInfo> vectors{{"time", false, true}};
            for (int k = 0; k < n; ++k)
                vectors.push_back({"n" + std::to_string(k), false, false});
            auto resolution = ProbeResolver().resolve(vectors);
            VectorUnits().fill(resolution.value());

            const double w0 = wallSeconds(), c0 = cpuSeconds();
            if (auto created = sink.value()->createRun(metadata); !created) {
                std::fprintf(stderr, "%s\n", created.error().c_str());
                return 2;
            }
            const double w1 = wallSeconds();
            if (auto begun = sink.value()->beginPlot("tran1", vectors, resolution.value());
                !begun) {
                std::fprintf(stderr, "%s\n", begun.error().c_str());
                return 2;
            }
            const double w2 = wallSeconds(), c2 = cpuSeconds();
            SampleBatch batch;
            batch.columns = n + 1;
            batch.capacity = batch.rows = 100;
            batch.values.assign(static_cast<size_t>(batch.rows * batch.columns), 0.5);
            for (int b = 0; b < 10; ++b)
                sink.value()->append(batch);
            const double w3 = wallSeconds();
            if (auto finished = sink.value()->finishRun(RunStatus::Ok, ""); !finished) {
                std::fprintf(stderr, "%s\n", finished.error().c_str());
                return 2;
            }
            const double w4 = wallSeconds();
            create.wall = std::min(create.wall, w1 - w0);
            begin.wall = std::min(begin.wall, w2 - w1);
            setupCpu.cpu = std::min(setupCpu.cpu, c2 - c0);
            finish.wall = std::min(finish.wall, w4 - w3);
            sink.value().reset();
            std::remove(store.c_str());
            rmdir((store + ".parts").c_str());
        }
        std::printf("%8d %14.1f %14.1f %14.1f %14.1f\n", n, create.wall * 1e3, begin.wall * 1e3,
                    setupCpu.cpu * 1e3, finish.wall * 1e3);
    }
    return 0;
}
