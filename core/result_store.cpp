#include "result_store.h"

#include "h5_handle.h"

#include <QFileInfo>
#include <algorithm>

namespace {

Result<H5Handle> openStore(const std::string& path) {
    h5::silenceErrorStack();
    if (!QFileInfo::exists(QString::fromStdString(path)))
        return Result<H5Handle>::failure(path + ": no such file");
    if (H5Fis_hdf5(path.c_str()) <= 0)
        return Result<H5Handle>::failure(path + ": not a readable HDF5 file");
    H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!file.valid())
        return Result<H5Handle>::failure(path + ": cannot open (corrupt or locked by a writer)");
    return Result<H5Handle>(std::move(file));
}

// Opens the store read-only and the group of one run; `file` keeps the file open.
Result<H5Handle> openRun(const std::string& path, const std::string& runId, H5Handle& file) {
    auto opened = openStore(path);
    if (!opened)
        return Result<H5Handle>::failure(opened.error());
    file = std::move(opened.value());
    const std::string groupPath = "runs/" + runId;
    if (runId.empty() || runId.find('/') != std::string::npos || !h5::exists(file.get(), groupPath))
        return Result<H5Handle>::failure(path + ": no run \"" + runId + "\"");
    return Result<H5Handle>(H5Handle(H5Gopen2(file.get(), groupPath.c_str(), H5P_DEFAULT)));
}

long long lengthOf(hid_t group, const std::string& name) {
    if (name.empty() || !h5::exists(group, name))
        return 0;
    H5Handle set(H5Dopen2(group, name.c_str(), H5P_DEFAULT));
    H5Handle space(H5Dget_space(set.get()));
    return set.valid() ? H5Sget_simple_extent_npoints(space.get()) : 0;
}

RunSummary summarize(hid_t run, const std::string& runId) {
    RunSummary summary;
    summary.runId = runId;
    summary.job = h5::readStringAttribute(run, "job");
    summary.analysis = h5::readStringAttribute(run, "analysis");
    summary.status = h5::readStringAttribute(run, "status");
    summary.message = h5::readStringAttribute(run, "message");
    summary.started = h5::readStringAttribute(run, "started");
    summary.finished = h5::readStringAttribute(run, "finished");
    summary.coordinate = h5::readStringAttribute(run, "coordinate");
    summary.points = lengthOf(run, summary.coordinate);
    if (summary.coordinate.empty() && h5::exists(run, "vectors") && summary.analysis == "op")
        summary.points = 1; // an operating point: scalars, no coordinate
    summary.success = h5::exists(run, "_SUCCESS");
    return summary;
}

bool readDoubles(hid_t set, std::vector<double>& out, std::vector<double>* imag = nullptr) {
    H5Handle space(H5Dget_space(set));
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n < 0)
        return false;
    H5Handle type(H5Dget_type(set));
    if (H5Tget_class(type.get()) == H5T_COMPOUND) {
        std::vector<double> pairs(static_cast<size_t>(n) * 2);
        H5Handle memType = h5::complexType(H5T_NATIVE_DOUBLE);
        if (n > 0 && H5Dread(set, memType.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pairs.data()) < 0)
            return false;
        out.resize(static_cast<size_t>(n));
        if (imag)
            imag->resize(static_cast<size_t>(n));
        for (hssize_t i = 0; i < n; ++i) {
            out[static_cast<size_t>(i)] = pairs[static_cast<size_t>(2 * i)];
            if (imag)
                (*imag)[static_cast<size_t>(i)] = pairs[static_cast<size_t>(2 * i + 1)];
        }
        return true;
    }
    out.resize(static_cast<size_t>(n));
    return n == 0 ||
           H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) >= 0;
}

} // namespace

const StoredVector* RunData::find(const std::string& cref) const {
    for (const auto& v : vectors) {
        if (v.cref == cref ||
            std::find(v.aliases.begin(), v.aliases.end(), cref) != v.aliases.end())
            return &v;
    }
    return nullptr;
}

Result<std::vector<RunSummary>> ResultStore::listRuns(const std::string& path) {
    using R = Result<std::vector<RunSummary>>;
    std::lock_guard lock(h5Mutex());
    auto file = openStore(path);
    if (!file)
        return R::failure(file.error());
    std::vector<RunSummary> runs;
    if (!h5::exists(file->get(), "runs"))
        return runs;
    H5Handle group(H5Gopen2(file->get(), "runs", H5P_DEFAULT));
    for (const auto& id : h5::childNames(group.get())) {
        H5Handle run(H5Gopen2(group.get(), id.c_str(), H5P_DEFAULT));
        if (run.valid())
            runs.push_back(summarize(run.get(), id));
    }
    std::sort(runs.begin(), runs.end(),
              [](const RunSummary& a, const RunSummary& b) { return a.started < b.started; });
    return runs;
}

Result<RunData> ResultStore::readRun(const std::string& path, const std::string& runId) {
    using R = Result<RunData>;
    std::lock_guard lock(h5Mutex());
    H5Handle file;
    auto run = openRun(path, runId, file);
    if (!run)
        return R::failure(run.error());
    RunData data;
    data.summary = summarize(run->get(), runId);
    data.seed = h5::readInt64Attribute(run->get(), "seed", -1);
    data.ngspiceVersion = h5::readStringAttribute(run->get(), "ngspice_version");
    data.netlistSha256 = h5::readStringAttribute(run->get(), "netlist_sha256");
    data.job = h5::readStringAttribute(run->get(), "job");
    data.corner = h5::readStringAttribute(run->get(), "corner");
    data.sweep = h5::readStringAttribute(run->get(), "sweep");
    data.sweepIndex = h5::readInt64Attribute(run->get(), "sweep_index", -1);
    for (const auto& m : MeasureResults::read(run->get())) {
        data.measurements[m.name] = m.value;
        if (!m.message.empty())
            data.measurementMessages[m.name] = m.message;
    }
    if (h5::exists(run->get(), "inputs")) {
        H5Handle inputs(H5Gopen2(run->get(), "inputs", H5P_DEFAULT));
        data.netlist = h5::readStringDataset(inputs.get(), "netlist");
        data.probeMapJson = h5::readStringDataset(inputs.get(), "probe_map.json");
        data.treeJson = h5::readStringDataset(inputs.get(), "tree.json");
    }
    if (h5::exists(run->get(), "logs")) {
        H5Handle logs(H5Gopen2(run->get(), "logs", H5P_DEFAULT));
        data.log = h5::readStringDataset(logs.get(), "ngspice.txt");
        data.warnings = h5::readStringDataset(logs.get(), "warnings.jsonl");
    }
    if (!data.summary.coordinate.empty() && h5::exists(run->get(), data.summary.coordinate)) {
        H5Handle set(H5Dopen2(run->get(), data.summary.coordinate.c_str(), H5P_DEFAULT));
        if (!readDoubles(set.get(), data.coordinate))
            return R::failure(path + ": run \"" + runId + "\": cannot read its coordinate");
    }
    if (h5::exists(run->get(), "vectors")) {
        H5Handle vectors(H5Gopen2(run->get(), "vectors", H5P_DEFAULT));
        for (const auto& cref : h5::childNames(vectors.get())) {
            const std::string dataPath = cref + "/data";
            if (!h5::exists(vectors.get(), dataPath))
                continue;
            H5Handle set(H5Dopen2(vectors.get(), dataPath.c_str(), H5P_DEFAULT));
            StoredVector v;
            v.cref = cref;
            v.unit = h5::readStringAttribute(set.get(), "unit");
            v.sourceVector = h5::readStringAttribute(set.get(), "source_vec");
            v.nodeKind = h5::readStringAttribute(set.get(), "node_kind");
            v.aliases = h5::readStringListAttribute(set.get(), "aliases");
            if (!readDoubles(set.get(), v.values, &v.imag))
                return R::failure(path + ": run \"" + runId + "\": cannot read " + cref);
            data.vectors.push_back(std::move(v));
        }
    }
    return data;
}

Result<std::vector<MeasureResults::Measurement>>
ResultStore::readMeasurements(const std::string& path, const std::string& runId) {
    using R = Result<std::vector<MeasureResults::Measurement>>;
    std::lock_guard lock(h5Mutex());
    H5Handle file;
    auto run = openRun(path, runId, file);
    if (!run)
        return R::failure(run.error());
    return MeasureResults::read(run->get());
}
