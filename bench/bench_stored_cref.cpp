// bench_stored_cref: the first plot of one cref from a big stored run (the 1,000-node RC
// ladder of bench_stream.py: 1,002 vectors x 20k points). Times, best of --repeat:
//   read all    ResultStore::readRun of the whole run (what opening a run did before);
//   read one    readRun with a VectorFilter of the one cref;
//   first plot  the filtered read, TraceData::load and a PlotPanel's first paint, offscreen.
// bench/bench_stored_cref.py makes the store and runs this.
//
//     bench_stored_cref STORE RUN_ID CREF [--repeat 5]
#include "core/store/result_store.h"
#include "ui/plot/plot_panel.h"
#include "ui/plot/trace_data.h"

#include <QApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <string>

namespace {

double bestMs(int repeat, const std::function<bool()>& once) {
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < repeat; ++i) {
        QElapsedTimer timer;
        timer.start();
        if (!once())
            return -1;
        best = std::min(best, timer.nsecsElapsed() / 1e6);
    }
    return best;
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_stored_cref STORE RUN_ID CREF [--repeat N]\n");
        return 2;
    }
    const std::string store = argv[1], runId = argv[2], cref = argv[3];
    int repeat = 5;
    for (int i = 4; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--repeat") == 0)
            repeat = std::max(1, std::atoi(argv[i + 1]));

    size_t vectors = 0, points = 0;
    const double all = bestMs(repeat, [&] {
        auto run = ResultStore::readRun(store, runId);
        if (!run) {
            std::fprintf(stderr, "%s\n", run.error().c_str());
            return false;
        }
        vectors = run->vectors.size();
        points = run->coordinate.size();
        return true;
    });
    const auto filter = ResultStore::VectorFilter::only({cref});
    const double one =
        bestMs(repeat, [&] { return ResultStore::readRun(store, runId, filter).ok(); });
    const double plot = bestMs(repeat, [&] {
        auto run = ResultStore::readRun(store, runId, filter);
        if (!run)
            return false;
        TraceData traces;
        traces.load(run.value());
        PlotPanel panel;
        panel.resize(1200, 800);
        panel.addTrace(QString::fromStdString(cref), "", "", traces.find(cref));
        panel.show();
        panel.fitAll();
        panel.grab(); // paints it
        return panel.pointCount(QString::fromStdString(cref)) > 0;
    });
    if (all < 0 || one < 0 || plot < 0)
        return 1;
    std::printf("run %s: %zu vectors x %zu points\n", runId.c_str(), vectors, points);
    std::printf("read all vectors        %8.1f ms\n", all);
    std::printf("read %-18s  %8.1f ms  (%.0fx less)\n", cref.c_str(), one, all / one);
    std::printf("first plot of that cref %8.1f ms  (read, load, first paint)\n", plot);
    return 0;
}
