#include "core/store/result_store.h"

#include "core/store/h5_handle.h"
#include "core/store/measurement_store.h"
#include "core/store/store_layout.h"

#include <QFileInfo>
#include <algorithm>
#include <cmath>

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
    const std::string groupPath = store_layout::runPath(runId);
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

std::vector<hsize_t> dimsOf(hid_t group, const std::string& name) {
    if (name.empty() || !h5::exists(group, name))
        return {};
    H5Handle set(H5Dopen2(group, name.c_str(), H5P_DEFAULT));
    H5Handle space(H5Dget_space(set.get()));
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank <= 0)
        return {};
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    return dims;
}

RunSummary summarize(hid_t run, const std::string& runId) {
    RunSummary summary;
    summary.runId = runId;
    summary.job = h5::readStringAttribute(run, store_layout::kJob);
    summary.analysis = h5::readStringAttribute(run, store_layout::kAnalysis);
    summary.status = h5::readStringAttribute(run, store_layout::kStatus);
    summary.message = h5::readStringAttribute(run, store_layout::kMessage);
    summary.started = h5::readStringAttribute(run, store_layout::kStarted);
    summary.finished = h5::readStringAttribute(run, store_layout::kFinished);
    summary.coordinate = h5::readStringAttribute(run, store_layout::kCoordinate);
    summary.points = lengthOf(run, summary.coordinate);
    if (const long long steps = h5::readInt64Attribute(run, store_layout::kSteps, 0); steps > 0) {
        // Every step's points (padding included), not one step's: a 2-D coordinate counts
        // them already, a shared one (.dc with two sources) once per step, and a stepped
        // operating point has one per step.
        const auto dims = dimsOf(run, summary.coordinate);
        if (dims.empty())
            summary.points = steps;
        else if (dims.size() == 1)
            summary.points *= steps;
    }
    if (summary.coordinate.empty() && h5::exists(run, store_layout::kVectors) &&
        summary.analysis == "op")
        summary.points = 1; // an operating point: scalars, no coordinate
    summary.success = h5::exists(run, store_layout::kSuccess);
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

void unstep(hid_t run, RunData& data);

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
    if (!h5::exists(file->get(), store_layout::kRuns))
        return runs;
    H5Handle group(H5Gopen2(file->get(), store_layout::kRuns, H5P_DEFAULT));
    for (const auto& id : h5::childNames(group.get())) {
        H5Handle run(H5Gopen2(group.get(), id.c_str(), H5P_DEFAULT));
        if (run.valid())
            runs.push_back(summarize(run.get(), id));
    }
    std::sort(runs.begin(), runs.end(),
              [](const RunSummary& a, const RunSummary& b) { return a.started < b.started; });
    return runs;
}

Result<std::vector<std::string>> ResultStore::runIds(const std::string& path) {
    using R = Result<std::vector<std::string>>;
    std::lock_guard lock(h5Mutex());
    auto file = openStore(path);
    if (!file)
        return R::failure(file.error());
    if (!h5::exists(file->get(), store_layout::kRuns))
        return std::vector<std::string>{};
    H5Handle group(H5Gopen2(file->get(), store_layout::kRuns, H5P_DEFAULT));
    return h5::childNames(group.get());
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
    data.seed = h5::readInt64Attribute(run->get(), store_layout::kSeed, -1);
    data.ngspiceVersion = h5::readStringAttribute(run->get(), store_layout::kNgspiceVersion);
    data.netlistSha256 = h5::readStringAttribute(run->get(), store_layout::kNetlistSha256);
    data.job = h5::readStringAttribute(run->get(), store_layout::kJob);
    data.corner = h5::readStringAttribute(run->get(), store_layout::kCorner);
    data.sweep = h5::readStringAttribute(run->get(), store_layout::kSweep);
    data.sweepIndex = h5::readInt64Attribute(run->get(), store_layout::kSweepIndex, -1);
    for (const auto& m : MeasurementStore::read(run->get())) {
        data.measurements[m.name] = m.value;
        if (!m.message.empty())
            data.measurementMessages[m.name] = m.message;
    }
    if (h5::exists(run->get(), store_layout::kInputs)) {
        H5Handle inputs(H5Gopen2(run->get(), store_layout::kInputs, H5P_DEFAULT));
        data.netlist = h5::readStringDataset(inputs.get(), store_layout::kNetlist);
        data.probeMapJson = h5::readStringDataset(inputs.get(), store_layout::kProbeMapJson);
        data.treeJson = h5::readStringDataset(inputs.get(), store_layout::kTreeJson);
    }
    if (h5::exists(run->get(), store_layout::kLogs)) {
        H5Handle logs(H5Gopen2(run->get(), store_layout::kLogs, H5P_DEFAULT));
        data.log = h5::readStringDataset(logs.get(), store_layout::kNgspiceLog);
        data.warnings = h5::readStringDataset(logs.get(), store_layout::kWarningsLog);
    }
    if (!data.summary.coordinate.empty() && h5::exists(run->get(), data.summary.coordinate)) {
        H5Handle set(H5Dopen2(run->get(), data.summary.coordinate.c_str(), H5P_DEFAULT));
        if (!readDoubles(set.get(), data.coordinate))
            return R::failure(path + ": run \"" + runId + "\": cannot read its coordinate");
        data.coordinateUnit = h5::readStringAttribute(set.get(), store_layout::kUnit);
    }
    if (h5::exists(run->get(), store_layout::kVectors)) {
        H5Handle vectors(H5Gopen2(run->get(), store_layout::kVectors, H5P_DEFAULT));
        for (const auto& cref : h5::childNames(vectors.get())) {
            const std::string dataPath = cref + "/" + store_layout::kData;
            if (!h5::exists(vectors.get(), dataPath))
                continue;
            H5Handle set(H5Dopen2(vectors.get(), dataPath.c_str(), H5P_DEFAULT));
            StoredVector v;
            v.cref = cref;
            v.unit = h5::readStringAttribute(set.get(), store_layout::kUnit);
            v.sourceVector = h5::readStringAttribute(set.get(), store_layout::kSourceVector);
            v.nodeKind = h5::readStringAttribute(set.get(), store_layout::kNodeKind);
            v.aliases = h5::readStringListAttribute(set.get(), store_layout::kAliases);
            if (!readDoubles(set.get(), v.values, &v.imag))
                return R::failure(path + ": run \"" + runId + "\": cannot read " + cref);
            data.vectors.push_back(std::move(v));
        }
    }
    if (h5::readInt64Attribute(run->get(), store_layout::kSteps, 0) > 0)
        unstep(run->get(), data);
    return data;
}

namespace {

// Lays a stepped run's 2-D datasets out as consecutive steps (RunData::stepStarts).
void unstep(hid_t run, RunData& data) {
    const auto stepDims = dimsOf(run, store_layout::kStepIndex);
    const size_t steps = stepDims.empty() ? 0 : static_cast<size_t>(stepDims[0]);
    data.stepSource = h5::readStringAttribute(run, store_layout::kStepSource);
    std::string stepUnit;
    if (!data.stepSource.empty() && h5::exists(run, data.stepSource)) {
        H5Handle set(H5Dopen2(run, data.stepSource.c_str(), H5P_DEFAULT));
        readDoubles(set.get(), data.stepValues);
        stepUnit = h5::readStringAttribute(set.get(), store_layout::kUnit);
    }
    if (steps == 0)
        return;
    if (data.summary.coordinate.empty()) {
        // A stepped operating point: one value per step, a curve over what was stepped.
        data.summary.coordinate =
            data.stepValues.size() == steps ? data.stepSource : store_layout::kStepIndex;
        if (data.stepValues.size() == steps) {
            data.coordinate = data.stepValues;
            data.coordinateUnit = stepUnit;
        } else {
            data.coordinate.resize(steps);
            for (size_t k = 0; k < steps; ++k)
                data.coordinate[k] = static_cast<double>(k);
        }
        return;
    }
    const auto coordinateDims = dimsOf(run, data.summary.coordinate);
    if (coordinateDims.size() == 1) {
        // Every step sweeps the same values (.dc with a second source).
        const std::vector<double> sweep = data.coordinate;
        data.coordinate.clear();
        for (size_t k = 0; k < steps; ++k) {
            data.stepStarts.push_back(data.coordinate.size());
            data.coordinate.insert(data.coordinate.end(), sweep.begin(), sweep.end());
        }
        return;
    }
    // Each step has an axis of its own, NaN past its end: keep each step's real points.
    const size_t width = coordinateDims.size() == 2 ? static_cast<size_t>(coordinateDims[1]) : 0;
    std::vector<std::pair<size_t, size_t>> kept; // (offset in the 2-D layout, length)
    for (size_t k = 0; k < steps && width > 0; ++k) {
        size_t length = 0;
        while (length < width && k * width + length < data.coordinate.size() &&
               !std::isnan(data.coordinate[k * width + length]))
            ++length;
        kept.emplace_back(k * width, length);
    }
    auto compact = [&kept](std::vector<double>& values) {
        if (values.empty())
            return;
        std::vector<double> out;
        for (const auto& [offset, length] : kept)
            if (offset + length <= values.size())
                out.insert(out.end(), values.begin() + static_cast<std::ptrdiff_t>(offset),
                           values.begin() + static_cast<std::ptrdiff_t>(offset + length));
        values = std::move(out);
    };
    size_t start = 0;
    for (const auto& step : kept) {
        data.stepStarts.push_back(start);
        start += step.second;
    }
    compact(data.coordinate);
    for (auto& v : data.vectors) {
        compact(v.values);
        compact(v.imag);
    }
}

} // namespace
