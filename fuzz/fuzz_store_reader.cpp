// ResultStore (listRuns, runIds, readRun and its RunData decoding) on stores built from the
// input, structure-aware: mutating the bytes of an HDF5 file mostly exercises libhdf5's own
// decoder (Debian's 1.10, not instrumented, which is known to crash on some corrupt files),
// not ours. So the input is a program: optionally one run written by H5Sink (real layout,
// fuzzed names, analysis, stepping and samples), then raw HDF5 operations that add or
// override what our reader looks at (attributes of any type and shape, datasets of odd
// rank, type and extent, groups where datasets belong, soft, hard and external links). The
// file is then read back as the runs browser and StoredRunLoader read it.
#include "core/crefs/probe_resolver.h"
#include "core/store/h5_sink.h"
#include "core/store/result_store.h"
#include "core/store/sample_batch.h"
#include "fuzz/scratch_dir.h"

#include <cstdlib>
#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>
#include <string>
#include <vector>

namespace {

// The names our reader looks for, so that the fuzzer need not guess them.
const std::vector<std::string> kRunIds = {"r", "ota", "tran-nom-snone-p000-1a2b3c4d", "r_tran1",
                                          ""};
const std::vector<std::string> kAttributes = {
    "run_id", "status",     "message",   "analysis", "started",    "finished",    "coordinate",
    "job",    "corner",     "sweep",     "seed",     "steps",      "step_source", "sweep_index",
    "unit",   "source_vec", "node_kind", "aliases",  "coordinates"};
const std::vector<std::string> kStrings = {
    "",   "tran",       "ac",    "dc", "op",      "noise", "time",    "frequency",      "v1",
    "vg", "step_index", "point", "ok", "running", "V",     "vectors", "vectors/x/data", "/",
    ".",  "a/b"};
const std::vector<std::string> kDatasets = {"time",
                                            "frequency",
                                            "v1",
                                            "vg",
                                            "step_index",
                                            "point",
                                            "vectors/top.nodes.out.v/data",
                                            "vectors/top.v1.i/data",
                                            "vectors/x/data",
                                            "top.nodes.out.v",
                                            "inputs/netlist",
                                            "inputs/tree.json",
                                            "inputs/probe_map.json",
                                            "logs/ngspice.txt",
                                            "logs/warnings.jsonl",
                                            "measurements/tdelay",
                                            "measurements/m",
                                            "_SUCCESS"};
const std::vector<std::string> kGroups = {
    "vectors",      "vectors/x", "vectors/x/data", "inputs",         "logs",
    "measurements", "_SUCCESS",  "time",           "inputs/netlist", "measurements/m"};

std::string pick(FuzzedDataProvider& in, const std::vector<std::string>& names) {
    if (in.ConsumeIntegralInRange(0, 7) == 0)
        return in.ConsumeRandomLengthString(24);
    return names[in.ConsumeIntegralInRange<size_t>(0, names.size() - 1)];
}

hid_t linkCreationPlist() {
    const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    return lcpl;
}

hid_t stringType(bool variable, size_t size) {
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, variable ? H5T_VARIABLE : (size == 0 ? 1 : size));
    H5Tset_cset(type, H5T_CSET_UTF8);
    return type;
}

// A dataspace: scalar, null, or simple with small dims (or, rarely, one huge unlimited one
// that holds no data: a dataset's extent is what the file says, not what it stores).
hid_t makeSpace(FuzzedDataProvider& in, std::vector<hsize_t>& dims, bool& chunked) {
    chunked = false;
    const int shape = in.ConsumeIntegralInRange(0, 9);
    if (shape == 0)
        return H5Screate(H5S_SCALAR);
    if (shape == 1)
        return H5Screate(H5S_NULL);
    const int rank = in.ConsumeIntegralInRange(1, 3);
    dims.assign(static_cast<size_t>(rank), 0);
    std::vector<hsize_t> maxDims(static_cast<size_t>(rank), H5S_UNLIMITED);
    for (auto& d : dims)
        d = in.ConsumeIntegralInRange<hsize_t>(0, 6);
    if (shape == 9)
        dims[0] = hsize_t(1) << in.ConsumeIntegralInRange(10, 40);
    chunked = shape >= 7;
    return H5Screate_simple(rank, dims.data(), chunked ? maxDims.data() : nullptr);
}

size_t elementsOf(const std::vector<hsize_t>& dims, bool simple) {
    if (!simple)
        return 1;
    size_t n = 1;
    for (const auto d : dims)
        n *= static_cast<size_t>(d);
    return n;
}

// An attribute of any type the reader may meet where it expects a string or an int64.
void addAttribute(FuzzedDataProvider& in, hid_t object) {
    if (object < 0)
        return;
    const std::string name = pick(in, kAttributes);
    if (name.empty())
        return;
    if (H5Aexists(object, name.c_str()) > 0)
        H5Adelete(object, name.c_str());
    const int kind = in.ConsumeIntegralInRange(0, 7);
    const int count = kind == 2 || kind == 5 ? in.ConsumeIntegralInRange(0, 4) : 1;
    hsize_t dim = static_cast<hsize_t>(count);
    const hid_t space = kind == 6                ? H5Screate(H5S_NULL)
                        : kind == 2 || kind == 5 ? H5Screate_simple(1, &dim, nullptr)
                                                 : H5Screate(H5S_SCALAR);
    switch (kind) {
    case 0:   // variable-length string
    case 2:   // a list of them
    case 6: { // a string with no value at all
        const hid_t type = stringType(true, 0);
        const hid_t attr = H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
        std::vector<std::string> values;
        std::vector<const char*> pointers;
        for (int i = 0; i < count; ++i)
            values.push_back(in.ConsumeBool() ? pick(in, kStrings)
                                              : in.ConsumeRandomLengthString(64));
        for (const auto& v : values)
            pointers.push_back(v.c_str());
        if (attr >= 0 && kind != 6 && !pointers.empty())
            H5Awrite(attr, type, pointers.data());
        H5Aclose(attr);
        H5Tclose(type);
        break;
    }
    case 1: { // fixed-length string, not NUL-terminated when it fills its size
        const std::string value =
            in.ConsumeBool() ? pick(in, kStrings) : in.ConsumeRandomLengthString(64);
        const size_t size = in.ConsumeIntegralInRange<size_t>(1, 40);
        std::string buffer = value;
        buffer.resize(size, in.ConsumeBool() ? '\0' : 'x');
        const hid_t type = stringType(false, size);
        H5Tset_strpad(type, in.ConsumeBool() ? H5T_STR_NULLTERM : H5T_STR_NULLPAD);
        const hid_t attr = H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0)
            H5Awrite(attr, type, buffer.data());
        H5Aclose(attr);
        H5Tclose(type);
        break;
    }
    case 3:   // int64
    case 5: { // a list of them
        std::vector<long long> values;
        for (int i = 0; i < count; ++i)
            values.push_back(in.ConsumeBool() ? in.ConsumeIntegralInRange<long long>(-3, 10)
                                              : in.ConsumeIntegral<long long>());
        const hid_t attr =
            H5Acreate2(object, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0 && !values.empty())
            H5Awrite(attr, H5T_NATIVE_LLONG, values.data());
        H5Aclose(attr);
        break;
    }
    case 4: { // a double where an int64 or a string is expected
        const double value = in.ConsumeFloatingPoint<double>();
        const hid_t attr =
            H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0)
            H5Awrite(attr, H5T_NATIVE_DOUBLE, &value);
        H5Aclose(attr);
        break;
    }
    default: { // a small unsigned integer
        const unsigned char value = in.ConsumeIntegral<unsigned char>();
        const hid_t attr =
            H5Acreate2(object, name.c_str(), H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT);
        if (attr >= 0)
            H5Awrite(attr, H5T_NATIVE_UCHAR, &value);
        H5Aclose(attr);
        break;
    }
    }
    H5Sclose(space);
}

// A dataset of any type, rank and extent where the reader expects doubles, complex {r, i}
// compounds or strings. Returns it open (or -1).
hid_t addDataset(FuzzedDataProvider& in, hid_t run) {
    const std::string path = pick(in, kDatasets);
    if (path.empty())
        return -1;
    std::vector<hsize_t> dims;
    bool chunked = false;
    const hid_t space = makeSpace(in, dims, chunked);
    const bool simple = H5Sget_simple_extent_type(space) == H5S_SIMPLE;
    const int typeKind = in.ConsumeIntegralInRange(0, 7);
    hid_t fileType = -1;
    hid_t memType = -1;
    size_t elementSize = 8;
    switch (typeKind) {
    case 0:
    case 1:
        fileType = H5Tcopy(H5T_IEEE_F64LE);
        memType = H5Tcopy(H5T_NATIVE_DOUBLE);
        break;
    case 2:
        fileType = H5Tcopy(H5T_IEEE_F32LE);
        memType = H5Tcopy(H5T_NATIVE_DOUBLE);
        break;
    case 3:
        fileType = H5Tcopy(H5T_STD_I64LE);
        memType = H5Tcopy(H5T_NATIVE_DOUBLE);
        break;
    case 4: { // complex as H5Sink writes it
        fileType = H5Tcreate(H5T_COMPOUND, 16);
        H5Tinsert(fileType, "r", 0, H5T_IEEE_F64LE);
        H5Tinsert(fileType, "i", 8, H5T_IEEE_F64LE);
        memType = H5Tcopy(fileType);
        elementSize = 16;
        break;
    }
    case 5: { // a compound that is not {r, i}
        fileType = H5Tcreate(H5T_COMPOUND, 8);
        H5Tinsert(fileType, in.ConsumeBool() ? "r" : "x", 0, H5T_IEEE_F64LE);
        memType = H5Tcopy(fileType);
        break;
    }
    case 6: // a string where numbers are expected, or a netlist
        fileType = stringType(true, 0);
        memType = H5Tcopy(fileType);
        elementSize = sizeof(char*);
        break;
    default: { // fixed-length strings
        const size_t size = in.ConsumeIntegralInRange<size_t>(1, 16);
        fileType = stringType(false, size);
        memType = H5Tcopy(fileType);
        elementSize = size;
        break;
    }
    }
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (chunked) {
        std::vector<hsize_t> chunk(dims.size(), 4);
        H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
    }
    const hid_t lcpl = linkCreationPlist();
    const hid_t set = H5Dcreate2(run, path.c_str(), fileType, space, lcpl, dcpl, H5P_DEFAULT);
    const size_t n = elementsOf(dims, simple);
    if (set >= 0 && H5Sget_simple_extent_type(space) != H5S_NULL && n <= 512) {
        // Values from the input; strings point into one buffer of text.
        std::vector<unsigned char> bytes(n * elementSize, 0);
        std::vector<std::string> texts;
        std::vector<const char*> pointers;
        if (typeKind == 6) {
            for (size_t i = 0; i < n; ++i)
                texts.push_back(in.ConsumeRandomLengthString(32));
            for (const auto& t : texts)
                pointers.push_back(t.c_str());
            H5Dwrite(set, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data());
        } else if (typeKind <= 3) {
            std::vector<double> values(n);
            for (auto& v : values)
                v = in.ConsumeBool() ? static_cast<double>(in.ConsumeIntegralInRange(-2, 9))
                                     : in.ConsumeFloatingPoint<double>();
            H5Dwrite(set, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
        } else {
            const auto given = in.ConsumeBytes<unsigned char>(bytes.size());
            std::copy(given.begin(), given.end(), bytes.begin());
            H5Dwrite(set, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
        }
    }
    H5Pclose(lcpl);
    H5Pclose(dcpl);
    H5Tclose(memType);
    H5Tclose(fileType);
    H5Sclose(space);
    return set;
}

// One run written the way a simulation writes it, with fuzzed names and numbers.
void writeSinkRun(FuzzedDataProvider& in, const std::string& path) {
    auto opened = H5Sink::open(path);
    if (!opened)
        return;
    H5Sink& sink = *opened.value();
    RunMetadata metadata;
    metadata.runId = pick(in, kRunIds);
    metadata.analysis = pick(in, kStrings);
    metadata.treeJson = in.ConsumeRandomLengthString(64);
    metadata.dcSweepSource = in.ConsumeBool() ? "v1" : "";
    const int stepping = in.ConsumeIntegralInRange(0, 2);
    metadata.stepping.kind = static_cast<RunStepping::Kind>(stepping);
    if (metadata.stepping.kind == RunStepping::Kind::DcSecondSource) {
        metadata.stepping.source = pick(in, kStrings);
        metadata.stepping.innerPoints = in.ConsumeIntegralInRange(0, 8);
        for (int i = in.ConsumeIntegralInRange(0, 4); i > 0; --i)
            metadata.stepping.values.push_back(in.ConsumeFloatingPoint<double>());
    }
    if (!sink.createRun(metadata))
        return;
    std::vector<VectorInfo> vectors;
    const std::vector<std::string> names = {"time",      "frequency", "v1",     "out",
                                            "v1#branch", "@m1[gm]",   "xa.mid", "onoise_spectrum"};
    for (int i = in.ConsumeIntegralInRange(1, 4); i > 0; --i) {
        VectorInfo v;
        v.name = pick(in, names);
        v.isComplex = in.ConsumeBool();
        v.isScale = in.ConsumeIntegralInRange(0, 3) == 0;
        vectors.push_back(v);
    }
    const auto resolution = ProbeResolver().resolve(vectors);
    if (!resolution)
        return;
    const int plots = in.ConsumeIntegralInRange(1, 3);
    for (int p = 0; p < plots && in.remaining_bytes() > 0; ++p) {
        if (p == 0 && !sink.beginPlot(metadata.analysis, vectors, resolution.value()))
            return;
        if (p > 0)
            sink.nextStep();
        SampleBatch batch;
        for (const auto& v : vectors)
            batch.columns += v.isComplex ? 2 : 1;
        batch.rows = batch.capacity = in.ConsumeIntegralInRange(0, 6);
        batch.values.resize(static_cast<size_t>(batch.rows * batch.columns));
        for (auto& value : batch.values)
            value = in.ConsumeBool() ? static_cast<double>(in.ConsumeIntegralInRange(0, 9))
                                     : in.ConsumeFloatingPoint<double>();
        sink.append(batch);
    }
    sink.addLog(in.ConsumeRandomLengthString(32));
    (void)sink.finishRun(in.ConsumeBool() ? RunStatus::Ok : RunStatus::Failed, "");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    FuzzedDataProvider in(data, size);
    auto& dir = ScratchDir::instance();
    const std::string path = dir.path("store.h5");

    if (in.ConsumeBool())
        writeSinkRun(in, path);

    hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (file < 0)
        file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t run = -1;     // the run group the operations below work in
    hid_t current = -1; // the object attributes go to: the run or its last dataset
    auto closeObjects = [&] {
        if (current >= 0 && current != run)
            H5Oclose(current);
        if (run >= 0)
            H5Oclose(run);
        run = current = -1;
    };
    const hid_t lcpl = linkCreationPlist();
    for (int op = 0; op < 64 && in.remaining_bytes() > 0; ++op) {
        switch (in.ConsumeIntegralInRange(0, 7)) {
        case 0: { // open (or create) a run group
            closeObjects();
            const std::string name = "runs/" + pick(in, kRunIds);
            run = H5Lexists(file, "runs", H5P_DEFAULT) > 0 &&
                          H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0
                      ? H5Oopen(file, name.c_str(), H5P_DEFAULT)
                      : H5Gcreate2(file, name.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT);
            current = run;
            break;
        }
        case 1:
            addAttribute(in, current);
            break;
        case 2:
            if (run >= 0) {
                if (current >= 0 && current != run)
                    H5Oclose(current);
                current = addDataset(in, run);
                if (current < 0)
                    current = run;
            }
            break;
        case 3: // a group where the reader may expect a dataset
            if (run >= 0)
                H5Gclose(
                    H5Gcreate2(run, pick(in, kGroups).c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT));
            break;
        case 4: // a soft link, dangling, to something else, or to itself
            if (run >= 0) {
                const std::string at = pick(in, kDatasets);
                const std::string to = in.ConsumeBool() ? at : "/runs/r/" + pick(in, kDatasets);
                H5Lcreate_soft(to.c_str(), run, at.c_str(), lcpl, H5P_DEFAULT);
            }
            break;
        case 5: // a hard link, as H5Sink links <cref> to vectors/<cref>/data
            if (run >= 0)
                H5Lcreate_hard(run, pick(in, kDatasets).c_str(), run, pick(in, kDatasets).c_str(),
                               lcpl, H5P_DEFAULT);
            break;
        case 6: // an external link to a file that is not there
            if (run >= 0)
                H5Lcreate_external("missing.h5", "/x", run, pick(in, kDatasets).c_str(), lcpl,
                                   H5P_DEFAULT);
            break;
        default: // delete what is there
            if (run >= 0) {
                const std::string name = pick(in, kDatasets);
                if (H5Lexists(run, name.c_str(), H5P_DEFAULT) > 0)
                    H5Ldelete(run, name.c_str(), H5P_DEFAULT);
            }
            break;
        }
    }
    H5Pclose(lcpl);
    closeObjects();
    H5Fclose(file);

    // Read back as the runs browser (listRuns) and StoredRunLoader (readRun) do.
    (void)ResultStore::runIds(path);
    if (const auto runs = ResultStore::listRuns(path)) {
        for (const auto& summary : runs.value()) {
            int calls = 0;
            const auto read = ResultStore::readRun(path, summary.runId, [&](int done, int total) {
                ++calls;
                if (done > total || done < 1)
                    abort();
            });
            if (!read)
                continue;
            // RunData's contract: steps start in order, inside the coordinate.
            size_t previous = 0;
            for (const auto start : read->stepStarts) {
                if (start < previous || start > read->coordinate.size())
                    abort();
                previous = start;
            }
            for (const auto& v : read->vectors)
                (void)read->find(v.cref);
        }
    }
    (void)ResultStore::readRun(path, "../x");
    dir.clear();
    return 0;
}
