#include "core/store/result_store.h"

#include "core/store/h5_handle.h"
#include "core/store/journal_driver.h"
#include "core/store/measurement_store.h"
#include "core/store/plot_layout.h"
#include "core/store/run_copy.h"
#include "core/store/store_layout.h"
#include "core/store/store_paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace {

Result<H5Handle> openFile(const std::string& path, bool part) {
    h5::silenceErrorStack();
    if (!QFileInfo::exists(QString::fromStdString(path)))
        return Result<H5Handle>::failure(path + ": no such file");
    if (H5Fis_hdf5(path.c_str()) <= 0)
        return Result<H5Handle>::failure(path + ": not a readable HDF5 file");
    if (!part) {
        H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
        if (!file.valid())
            return Result<H5Handle>::failure(path +
                                             ": cannot open (corrupt or locked by a writer)");
        return Result<H5Handle>(std::move(file));
    }
    // A part is read through the driver that writes it, so that one this process is writing
    // is shared with its writer (HDF5 opens a file once per process and driver) and read
    // as it is now; one another process writes is read as it was at its last flush. Its
    // superblock says "open for writing" until it is closed.
    static JournalControl readerControl; // written only on errors, with h5Mutex() held
    auto access = JournalDriver::fileAccess(&readerControl);
    H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.get()));
    if (!file.valid())
        return Result<H5Handle>::failure(path + ": cannot open the run in progress");
    return Result<H5Handle>(std::move(file));
}

Result<H5Handle> openStore(const std::string& path) {
    return openFile(path, false);
}

// A part's plot (PlotLayout) built into the store's layout in memory, for one readRun:
// every step of it reads the run as it was built at the first. With h5Mutex() held.
struct BuiltPart {
    std::string part;
    H5Handle file;
};
BuiltPart& builtPart() {
    static BuiltPart built;
    return built;
}

enum class Reading {
    Attributes, // the run group's attributes (a listing): a part as it is
    Fresh,      // the first step of a read: a part's plot built afresh
    Again,      // a later step: the plot the first step built, if it is still there
};

// The run's group where it is now: in the store once committed, else in its part file.
Result<H5Handle> openRun(const std::string& path, const std::string& runId, H5Handle& file,
                         Reading reading = Reading::Attributes) {
    const std::string groupPath = store_layout::runPath(runId);
    if (runId.empty() || runId.find('/') != std::string::npos)
        return Result<H5Handle>::failure(path + ": no run \"" + runId + "\"");
    auto opened = openStore(path);
    if (opened && h5::exists(opened->get(), groupPath)) {
        file = std::move(opened.value());
        return Result<H5Handle>(H5Handle(H5Gopen2(file.get(), groupPath.c_str(), H5P_DEFAULT)));
    }
    const std::string part = store_paths::partPath(path, runId);
    BuiltPart& built = builtPart();
    if (reading == Reading::Again && built.part == part && built.file.valid()) {
        file = H5Handle(H5Freopen(built.file.get()));
        return Result<H5Handle>(H5Handle(H5Gopen2(file.get(), groupPath.c_str(), H5P_DEFAULT)));
    }
    if (!QFileInfo::exists(QString::fromStdString(part)))
        return Result<H5Handle>::failure(opened ? path + ": no run \"" + runId + "\""
                                                : opened.error());
    if (JournalDriver::partHasWriter(part) && !JournalDriver::partWrittenHere(part))
        return Result<H5Handle>::failure(path + ": run \"" + runId +
                                         "\" is being written by another process; it can be "
                                         "read once it ends");
    auto inPart = openFile(part, true);
    if (!inPart)
        return Result<H5Handle>::failure(inPart.error());
    file = std::move(inPart.value());
    if (!h5::exists(file.get(), groupPath))
        return Result<H5Handle>::failure(part + ": no run \"" + runId + "\"");
    H5Handle group(H5Gopen2(file.get(), groupPath.c_str(), H5P_DEFAULT));
    if (reading == Reading::Attributes || !PlotLayout::heldBy(group.get()))
        return Result<H5Handle>(std::move(group));
    group.reset();
    built = {part, RunCopy::inMemory(file.get(), runId)};
    if (!built.file.valid())
        return Result<H5Handle>::failure(part + ": the plot of run \"" + runId +
                                         "\" cannot be read");
    file = H5Handle(H5Freopen(built.file.get()));
    return Result<H5Handle>(H5Handle(H5Gopen2(file.get(), groupPath.c_str(), H5P_DEFAULT)));
}

// The ids of the runs in progress (or left by a dead process): <store>.parts/<id>.h5.
std::vector<std::string> partIds(const std::string& path) {
    std::vector<std::string> ids;
    const QDir dir(QString::fromStdString(store_paths::partsDir(path)));
    for (const QString& name : dir.entryList({"*.h5"}, QDir::Files, QDir::Name))
        if (name != "creating.h5")
            ids.push_back(name.chopped(3).toStdString());
    return ids;
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
    return h5::datasetExtent(set.get());
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
    if (PlotLayout::heldBy(run)) { // a part's plot: its sample rows so far
        const auto rows = dimsOf(run, part_layout::kSamples);
        summary.points = rows.empty() ? 0 : static_cast<long long>(rows[0]);
    }
    if (summary.coordinate.empty() && h5::exists(run, store_layout::kVectors) &&
        summary.analysis == "op")
        summary.points = 1; // an operating point: scalars, no coordinate
    if (const long long steps = h5::readInt64Attribute(run, store_layout::kSteps, 0); steps > 0) {
        // Every step's points (padding included), not one step's: a 2-D coordinate counts
        // them already, a shared one (.dc with two sources) once per step, and a stepped
        // operating point has one per step.
        const auto dims = dimsOf(run, summary.coordinate);
        if (dims.empty())
            summary.points = steps;
        else if (dims.size() == 1)
            summary.points = summary.points > std::numeric_limits<long long>::max() / steps
                                 ? std::numeric_limits<long long>::max() // a damaged file
                                 : summary.points * steps;
    }
    summary.success = h5::exists(run, store_layout::kSuccess);
    return summary;
}

// A dataset's extent is what the file says, not what it stores: a damaged file can claim
// 10^12 points in a few bytes (chunks never written read as the fill value), and reading it
// would take all memory. A run's writer leaves unwritten only the NaN padding of ragged
// steps, and compression stores less than it holds; both stay far within this ratio of the
// bytes stored, plus a slack for small datasets.
constexpr double kMaxUnstoredRatio = 4096;
constexpr double kUnstoredSlack = 1 << 20; // elements

bool plausibleExtent(hid_t set, double elements, double elementSize) {
    const double stored = static_cast<double>(H5Dget_storage_size(set));
    return elements <= kUnstoredSlack + kMaxUnstoredRatio * stored / elementSize;
}

// Reads a dataset of doubles (or {r, i} compounds). With `within`, a dataset of that rank
// that has grown past it (a run still being written, appended to between two datasets of a
// read) is read only up to it, so that every dataset of a read has the same extent.
bool readDoubles(hid_t set, std::vector<double>& out, std::vector<double>* imag = nullptr,
                 const std::vector<hsize_t>& within = {}) {
    H5Handle space(H5Dget_space(set));
    hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n < 0)
        return false;
    hid_t fileSelection = H5S_ALL;
    hid_t memSelection = H5S_ALL;
    H5Handle memSpace;
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank > 0 && static_cast<size_t>(rank) == within.size()) {
        std::vector<hsize_t> dims(static_cast<size_t>(rank));
        H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
        if (!std::equal(dims.begin(), dims.end(), within.begin(),
                        [](hsize_t has, hsize_t limit) { return has <= limit; })) {
            std::vector<hsize_t> count(dims.size()), start(dims.size(), 0);
            n = 1;
            for (size_t i = 0; i < dims.size(); ++i) {
                count[i] = std::min(dims[i], within[i]);
                n *= static_cast<hssize_t>(count[i]);
            }
            H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                                nullptr);
            memSpace = H5Handle(H5Screate_simple(rank, count.data(), nullptr));
            fileSelection = space.get();
            memSelection = memSpace.get();
        }
    }
    H5Handle type(H5Dget_type(set));
    const bool isComplex = H5Tget_class(type.get()) == H5T_COMPOUND;
    if (!plausibleExtent(set, static_cast<double>(n), isComplex ? 16.0 : 8.0))
        return false;
    if (isComplex) {
        std::vector<double> pairs(static_cast<size_t>(n) * 2);
        H5Handle memType = h5::complexType(H5T_NATIVE_DOUBLE);
        if (n > 0 &&
            H5Dread(set, memType.get(), memSelection, fileSelection, H5P_DEFAULT, pairs.data()) < 0)
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
    return n == 0 || H5Dread(set, H5T_NATIVE_DOUBLE, memSelection, fileSelection, H5P_DEFAULT,
                             out.data()) >= 0;
}

void unstep(hid_t run, RunData& data);

// Datasets (or run summaries) read in one step: few enough that a writer waits for little,
// enough that opening the file per step costs little.
constexpr size_t kPerStep = 16;

// One step of a read: opens the store, with h5Mutex() held, and closes it again before the
// lock is released. A file this process held open read-only between steps could not be
// opened for writing by a run starting meanwhile (HDF5 opens a file once per process).
template <typename Step> Result<bool> inStore(const std::string& path, const Step& step) {
    std::lock_guard lock(h5Mutex());
    auto file = openStore(path);
    if (!file)
        return Result<bool>::failure(file.error());
    return step(file->get());
}

template <typename Step>
Result<bool> inRun(const std::string& path, const std::string& runId, const Step& step,
                   Reading reading = Reading::Again) {
    std::lock_guard lock(h5Mutex());
    H5Handle file;
    auto run = openRun(path, runId, file, reading);
    if (!run)
        return Result<bool>::failure(run.error());
    return step(run->get());
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

// Each step below holds h5Mutex() only for its own HDF5 calls, a few run groups or datasets
// at a time: a run writing into the same file meanwhile waits for a step, not for the whole
// read (and ngspice, through the stream's back-pressure, not for it either).

Result<std::vector<RunSummary>> ResultStore::listRuns(const std::string& path) {
    using R = Result<std::vector<RunSummary>>;
    std::vector<std::string> ids;
    auto listed = inStore(path, [&](hid_t file) {
        if (h5::exists(file, store_layout::kRuns)) {
            H5Handle group(H5Gopen2(file, store_layout::kRuns, H5P_DEFAULT));
            ids = h5::childNames(group.get());
        }
        return Result<bool>(true);
    });
    if (!listed)
        return R::failure(listed.error());
    std::vector<RunSummary> runs;
    for (size_t first = 0; first < ids.size(); first += kPerStep) {
        auto read = inStore(path, [&](hid_t file) {
            H5Handle group(H5Gopen2(file, store_layout::kRuns, H5P_DEFAULT));
            for (size_t i = first; i < std::min(ids.size(), first + kPerStep); ++i) {
                H5Handle run(H5Gopen2(group.get(), ids[i].c_str(), H5P_DEFAULT));
                if (run.valid())
                    runs.push_back(summarize(run.get(), ids[i]));
            }
            return Result<bool>(true);
        });
        if (!read)
            return R::failure(read.error());
    }
    for (const auto& id : partIds(path)) {
        if (std::find(ids.begin(), ids.end(), id) != ids.end())
            continue; // committed since: the store's copy is listed
        std::lock_guard lock(h5Mutex());
        H5Handle file;
        auto run = openRun(path, id, file);
        if (run && run->valid()) {
            runs.push_back(summarize(run->get(), id));
        } else {
            RunSummary summary;
            summary.runId = id;
            QFile info(QString::fromStdString(store_paths::partInfoPath(path, id)));
            if (info.open(QIODevice::ReadOnly)) {
                const QJsonObject object = QJsonDocument::fromJson(info.readAll()).object();
                summary.job = object["job"].toString().toStdString();
                summary.analysis = object["analysis"].toString().toStdString();
                summary.started = object["started"].toString().toStdString();
            }
            summary.status = "running";
            summary.message = "being written by another process; readable once it ends";
            runs.push_back(summary);
        }
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
    std::vector<std::string> ids;
    if (h5::exists(file->get(), store_layout::kRuns)) {
        H5Handle group(H5Gopen2(file->get(), store_layout::kRuns, H5P_DEFAULT));
        ids = h5::childNames(group.get());
    }
    for (auto& id : partIds(path))
        if (std::find(ids.begin(), ids.end(), id) == ids.end())
            ids.push_back(std::move(id));
    return ids;
}

Result<RunData> ResultStore::readRun(const std::string& path, const std::string& runId,
                                     const ReadProgress& progress) {
    return readRun(path, runId, VectorFilter{}, progress);
}

Result<RunData> ResultStore::readRun(const std::string& path, const std::string& runId,
                                     const VectorFilter& filter, const ReadProgress& progress) {
    using R = Result<RunData>;
    RunData data;
    std::vector<std::string> crefs;
    // The extent of each rank's datasets when the read began (the coordinate's; for another
    // rank its first vector's): a run still being written is read as it was then.
    std::map<size_t, std::vector<hsize_t>> extents;
    std::vector<hsize_t> coordinateExtent;
    bool stepped = false;
    // A part's plot built for this read goes with it (another read builds its own).
    struct Release {
        ~Release() {
            std::lock_guard lock(h5Mutex());
            builtPart() = {};
        }
    } release;
    auto began = inRun(
        path, runId,
        [&](hid_t run) {
            data.summary = summarize(run, runId);
            coordinateExtent = dimsOf(run, data.summary.coordinate);
            if (!coordinateExtent.empty())
                extents[coordinateExtent.size()] = coordinateExtent;
            // Written when the run finished: a stepped run is unstepped only when complete.
            stepped = h5::readInt64Attribute(run, store_layout::kSteps, 0) > 0;
            data.seed = h5::readInt64Attribute(run, store_layout::kSeed, -1);
            data.ngspiceVersion = h5::readStringAttribute(run, store_layout::kNgspiceVersion);
            data.netlistSha256 = h5::readStringAttribute(run, store_layout::kNetlistSha256);
            data.job = h5::readStringAttribute(run, store_layout::kJob);
            data.corner = h5::readStringAttribute(run, store_layout::kCorner);
            data.sweep = h5::readStringAttribute(run, store_layout::kSweep);
            data.sweepIndex = h5::readInt64Attribute(run, store_layout::kSweepIndex, -1);
            if (H5Aexists(run, store_layout::kProbes) > 0)
                data.probes = h5::readStringListAttribute(run, store_layout::kProbes);
            for (const auto& m : MeasurementStore::read(run)) {
                data.measurements[m.name] = m.value;
                if (!m.message.empty())
                    data.measurementMessages[m.name] = m.message;
            }
            if (h5::exists(run, store_layout::kVectors)) {
                H5Handle vectors(H5Gopen2(run, store_layout::kVectors, H5P_DEFAULT));
                crefs = h5::childNames(vectors.get());
            }
            return Result<bool>(true);
        },
        Reading::Fresh);
    if (!began)
        return R::failure(began.error());

    // The names asked for, and which of them a vector answered (a cref or one of its aliases).
    std::vector<std::string> asked = filter.crefs;
    if (filter.probes)
        asked.insert(asked.end(), data.probes.begin(), data.probes.end());
    std::set<std::string> answered;
    auto wanted = [&](const StoredVector& v) {
        if (filter.all)
            return true;
        bool hit = false;
        for (const auto& name : asked)
            if (name == v.cref ||
                std::find(v.aliases.begin(), v.aliases.end(), name) != v.aliases.end()) {
                answered.insert(name);
                hit = true;
            }
        return hit;
    };

    const int total = 2 + static_cast<int>((crefs.size() + kPerStep - 1) / kPerStep);
    int done = 0;
    auto step = [&](const auto& read) {
        auto result = inRun(path, runId, read);
        if (result && progress)
            progress(++done, total);
        return result;
    };
    auto read = step([&](hid_t run) {
        if (h5::exists(run, store_layout::kInputs)) {
            H5Handle inputs(H5Gopen2(run, store_layout::kInputs, H5P_DEFAULT));
            data.netlist = h5::readStringDataset(inputs.get(), store_layout::kNetlist);
            data.probeMapJson = h5::readStringDataset(inputs.get(), store_layout::kProbeMapJson);
            data.treeJson = h5::readStringDataset(inputs.get(), store_layout::kTreeJson);
        }
        if (h5::exists(run, store_layout::kLogs)) {
            H5Handle logs(H5Gopen2(run, store_layout::kLogs, H5P_DEFAULT));
            data.log = h5::readStringDataset(logs.get(), store_layout::kNgspiceLog);
            data.warnings = h5::readStringDataset(logs.get(), store_layout::kWarningsLog);
        }
        return Result<bool>(true);
    });
    if (read)
        read = step([&](hid_t run) {
            if (data.summary.coordinate.empty() || !h5::exists(run, data.summary.coordinate))
                return Result<bool>(true);
            H5Handle set(H5Dopen2(run, data.summary.coordinate.c_str(), H5P_DEFAULT));
            data.coordinateUnit = h5::readStringAttribute(set.get(), store_layout::kUnit);
            if (!readDoubles(set.get(), data.coordinate, nullptr, coordinateExtent))
                return Result<bool>::failure(path + ": run \"" + runId +
                                             "\": cannot read its coordinate");
            return Result<bool>(true);
        });
    for (size_t first = 0; read && first < crefs.size(); first += kPerStep)
        read = step([&](hid_t run) {
            H5Handle vectors(H5Gopen2(run, store_layout::kVectors, H5P_DEFAULT));
            for (size_t i = first; i < std::min(crefs.size(), first + kPerStep); ++i) {
                const std::string dataPath = crefs[i] + "/data";
                if (!h5::exists(vectors.get(), dataPath))
                    continue;
                H5Handle set(H5Dopen2(vectors.get(), dataPath.c_str(), H5P_DEFAULT));
                StoredVector v;
                v.cref = crefs[i];
                v.unit = h5::readStringAttribute(set.get(), store_layout::kUnit);
                v.sourceVector = h5::readStringAttribute(set.get(), store_layout::kSourceVector);
                v.nodeKind = h5::readStringAttribute(set.get(), store_layout::kNodeKind);
                v.aliases = h5::readStringListAttribute(set.get(), store_layout::kAliases);
                if (!wanted(v)) {
                    data.unread.push_back(std::move(v));
                    continue;
                }
                const auto dims = h5::datasetExtent(set.get());
                const auto known = extents.emplace(dims.size(), dims).first;
                if (!readDoubles(set.get(), v.values, &v.imag, known->second))
                    return Result<bool>::failure(path + ": run \"" + runId + "\": cannot read " +
                                                 crefs[i]);
                data.vectors.push_back(std::move(v));
            }
            return Result<bool>(true);
        });
    if (read && stepped)
        read = inRun(path, runId, [&](hid_t run) {
            unstep(run, data);
            return Result<bool>(true);
        });
    if (!read)
        return R::failure(read.error());
    // The run's probes may name what a later probe map no longer stores: only the crefs asked
    // for by name must be there.
    for (const auto& name : filter.crefs)
        if (!filter.all && !answered.count(name))
            return R::failure(path + ": run \"" + runId + "\" has no vector " + name);
    return data;
}

namespace {

// Lays a stepped run's 2-D datasets out as consecutive steps (RunData::stepStarts).
void unstep(hid_t run, RunData& data) {
    // The step count is step_index's extent; one the file does not store (a damaged file
    // claiming 10^12 steps) is no stepping at all.
    size_t steps = 0;
    if (h5::exists(run, store_layout::kStepIndex)) {
        H5Handle set(H5Dopen2(run, store_layout::kStepIndex, H5P_DEFAULT));
        const auto stepDims = h5::datasetExtent(set.get());
        if (!stepDims.empty() && plausibleExtent(set.get(), static_cast<double>(stepDims[0]), 8))
            steps = static_cast<size_t>(stepDims[0]);
    }
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
        // Every step sweeps the same values (.dc with a second source). The vectors hold
        // steps x sweep values; a damaged file's step count is not repeated past them.
        const std::vector<double> sweep = data.coordinate;
        size_t held = 0;
        for (const auto& v : data.vectors)
            held = std::max(held, v.values.size());
        if (!sweep.empty())
            steps = std::min(steps, std::max<size_t>(1, held / sweep.size()));
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
