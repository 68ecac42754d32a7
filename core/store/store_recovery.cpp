#include "core/store/store_recovery.h"

#include "core/store/h5_handle.h"
#include "core/store/h5_writer.h"
#include "core/store/journal_driver.h"
#include "core/store/plot_layout.h"
#include "core/store/store_commit.h"
#include "core/store/store_layout.h"
#include "core/store/store_lock.h"
#include "core/store/store_paths.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <hdf5_hl.h>
#include <map>
#include <sys/stat.h>

namespace {

constexpr const char* kEndedMessage =
    "the process writing this run ended before the run did (it was killed or crashed); "
    "the data it had flushed, up to about a second before, were recovered";

std::string isoNow() {
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString();
}

struct DimensionUse {
    std::string dataset;
    unsigned dim = 0;
};

struct TrimState {
    std::map<haddr_t, std::string> names; // every object of the run, by address
    std::vector<std::pair<std::string, std::vector<haddr_t>>> attached; // dataset, its scales
    std::map<std::string, std::vector<DimensionUse>> uses; // scale -> its datasets' dims
};

// Scales by address, named once the whole run is visited: h5::scalesOf's names cost a
// search of the file each.
herr_t collectUses(hid_t group, const char* name, const H5O_info_t* info, void* data) {
    auto* state = static_cast<TrimState*>(data);
    state->names.emplace(info->addr, name);
    if (info->type != H5O_TYPE_DATASET)
        return 0;
    H5Handle dataset(H5Oopen(group, name, H5P_DEFAULT));
    auto scales = h5::scaleObjectsOf(dataset.get());
    if (!scales.empty())
        state->attached.emplace_back(name, std::move(scales));
    return 0;
}

// A writer that died between two datasets of one flush left some a chunk longer than
// others: every dimension is cut to the length all of its datasets reached.
void trimToCommonLength(hid_t run) {
    TrimState state;
    H5Ovisit2(run, H5_INDEX_NAME, H5_ITER_NATIVE, collectUses, &state, H5O_INFO_BASIC);
    for (const auto& [dataset, scales] : state.attached)
        for (size_t dim = 0; dim < scales.size(); ++dim)
            if (auto scale = state.names.find(scales[dim]); scale != state.names.end())
                state.uses[scale->second].push_back({dataset, static_cast<unsigned>(dim)});
    for (const auto& [scaleName, uses] : state.uses) {
        H5Handle scale(H5Dopen2(run, scaleName.c_str(), H5P_DEFAULT));
        auto scaleDims = h5::datasetExtent(scale.get());
        if (scaleDims.size() != 1)
            continue;
        hsize_t length = scaleDims[0];
        for (const auto& use : uses) {
            H5Handle dataset(H5Dopen2(run, use.dataset.c_str(), H5P_DEFAULT));
            const auto dims = h5::datasetExtent(dataset.get());
            if (use.dim < dims.size())
                length = std::min(length, dims[use.dim]);
        }
        if (length != scaleDims[0])
            H5Dset_extent(scale.get(), &length);
        for (const auto& use : uses) {
            H5Handle dataset(H5Dopen2(run, use.dataset.c_str(), H5P_DEFAULT));
            auto dims = h5::datasetExtent(dataset.get());
            if (use.dim < dims.size() && dims[use.dim] != length) {
                dims[use.dim] = length;
                H5Dset_extent(dataset.get(), dims.data());
            }
        }
    }
    // A row of a part's _steps (PlotLayout) or an element of an older part's step_index, a step.
    const bool rows = h5::exists(run, part_layout::kSteps);
    if (rows || h5::exists(run, store_layout::kStepIndex)) {
        H5Handle steps(
            H5Dopen2(run, rows ? part_layout::kSteps : store_layout::kStepIndex, H5P_DEFAULT));
        const auto dims = h5::datasetExtent(steps.get());
        if (dims.size() == (rows ? 2u : 1u))
            h5::writeInt64Attribute(run, store_layout::kSteps, static_cast<long long>(dims[0]));
    }
}

// Marks the part's run as ended (when it was still running) and makes its datasets agree;
// returns the status it records.
Result<std::string> repairPart(const std::string& partPath, const std::string& runId,
                               RunStatus status, const std::string& message) {
    using R = Result<std::string>;
    std::lock_guard lock(h5Mutex());
    h5::silenceErrorStack();
    JournalControl control;
    auto access = JournalDriver::fileAccess(&control);
    H5Handle file(H5Fopen(partPath.c_str(), H5F_ACC_RDWR, access.get()));
    if (!file.valid())
        return R::failure(control.openError.empty() ? "HDF5 cannot open it" : control.openError);
    const std::string group = store_layout::runPath(runId);
    if (!h5::exists(file.get(), group))
        return R::failure("it holds no run \"" + runId + "\"");
    H5Handle run(H5Gopen2(file.get(), group.c_str(), H5P_DEFAULT));
    std::string recorded = h5::readStringAttribute(run.get(), store_layout::kStatus);
    if (recorded.empty() || recorded == toString(RunStatus::Running)) {
        recorded = toString(status);
        h5::writeStringAttribute(run.get(), store_layout::kStatus, recorded);
        h5::writeStringAttribute(run.get(), store_layout::kMessage, message);
        h5::writeStringAttribute(run.get(), store_layout::kFinished, isoNow());
        trimToCommonLength(run.get());
    }
    run.reset();
    const bool closed = H5Fclose(file.release()) >= 0;
    if (!closed || !control.failure.empty())
        return R::failure(control.failure.empty() ? "cannot write it" : control.failure);
    return recorded;
}

// A part HDF5 cannot read goes where a person can look at it; the store records the run.
Result<std::string> replaceUnreadable(const std::string& store, const std::string& runId,
                                      RunStatus status, const std::string& message,
                                      const std::string& why) {
    using R = Result<std::string>;
    const std::string part = store_paths::partPath(store, runId);
    const std::string dir = store_paths::unreadableDir(store);
    mkdir(dir.c_str(), 0777);
    std::string kept = dir + "/" + runId + ".h5";
    for (int n = 1; QFileInfo::exists(QString::fromStdString(kept)); ++n)
        kept = dir + "/" + runId + "." + std::to_string(n) + ".h5";
    if (rename(part.c_str(), kept.c_str()) != 0)
        return R::failure(part + ": unreadable (" + why +
                          "), and cannot be moved aside: " + std::strerror(errno));
    auto writer = H5Writer::open(part);
    if (!writer)
        return R::failure(writer.error());
    RunMetadata metadata;
    metadata.runId = runId;
    auto created = writer.value()->createRun(metadata);
    if (created)
        created =
            writer.value()->finishRun(status, message + "; its part file could not be read (" +
                                                  why + ") and is kept as " + kept);
    writer.value().reset();
    if (!created)
        return R::failure(created.error());
    return toString(status);
}

Result<RecoveredRun> recoverOne(const std::string& store, const std::string& runId,
                                RunStatus status, const std::string& message) {
    using R = Result<RecoveredRun>;
    const std::string part = store_paths::partPath(store, runId);
    auto recorded = repairPart(part, runId, status, message);
    if (!recorded)
        recorded = replaceUnreadable(store, runId, status, message, recorded.error());
    if (!recorded)
        return R::failure(recorded.error());
    if (auto committed = StoreCommit::commitLocked(store, part, runId); !committed)
        return R::failure(committed.error());
    return RecoveredRun{runId, recorded.value(),
                        recorded.value() == toString(status) ? message
                                                             : "it had ended; now committed"};
}

} // namespace

Result<std::vector<RecoveredRun>> StoreRecovery::recover(const std::string& store) {
    auto lock = StoreLock::acquire(store);
    if (!lock)
        return Result<std::vector<RecoveredRun>>::failure(lock.error());
    return recoverLocked(store);
}

Result<std::vector<RecoveredRun>> StoreRecovery::recoverLocked(const std::string& store) {
    using R = Result<std::vector<RecoveredRun>>;
    if (auto undone = JournalDriver::rollBack(store, store_paths::journalPath(store)); !undone)
        return R::failure(undone.error());
    const QDir dir(QString::fromStdString(store_paths::partsDir(store)));
    std::vector<RecoveredRun> recovered;
    std::string errors;
    for (const QString& name : dir.entryList({"*.h5"}, QDir::Files, QDir::Name)) {
        const std::string runId = name.chopped(3).toStdString();
        if (runId == "creating")
            continue; // StoreCommit::createIfMissing's scratch file
        if (JournalDriver::partHasWriter(store_paths::partPath(store, runId)))
            continue; // a live run
        auto one = recoverOne(store, runId, RunStatus::Interrupted, kEndedMessage);
        if (one)
            recovered.push_back(one.value());
        else
            errors += (errors.empty() ? "" : "\n") + one.error();
    }
    if (!errors.empty())
        return R::failure(errors);
    return recovered;
}

Result<RecoveredRun> StoreRecovery::recoverRun(const std::string& store, const std::string& runId,
                                               RunStatus status, const std::string& message) {
    using R = Result<RecoveredRun>;
    auto lock = StoreLock::acquire(store);
    if (!lock)
        return R::failure(lock.error());
    if (auto undone = JournalDriver::rollBack(store, store_paths::journalPath(store)); !undone)
        return R::failure(undone.error());
    const std::string part = store_paths::partPath(store, runId);
    if (!QFileInfo::exists(QString::fromStdString(part)))
        return R::failure(store + ": run \"" + runId + "\" has no part file to recover");
    if (JournalDriver::partHasWriter(part))
        return R::failure(part + ": still being written by a live process");
    return recoverOne(store, runId, status, message);
}
