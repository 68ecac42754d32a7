#include "core/store/store_merge.h"

#include "core/store/h5_handle.h"
#include "core/store/journal_driver.h"
#include "core/store/run_copy.h"
#include "core/store/store_layout.h"
#include "core/store/store_lock.h"
#include "core/store/store_paths.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace {

H5Handle openForReading(const std::string& path) {
    auto access = h5::storeFileAccess();
    return H5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.get()));
}

// Whether anything of the shard is still to be kept: a part (live, or one recovery could
// not commit) or a file recovery moved aside for a person.
bool shardHasLeftovers(const std::string& shard) {
    const QDir parts(QString::fromStdString(store_paths::partsDir(shard)));
    if (!parts.entryList({"*.h5"}, QDir::Files).isEmpty())
        return true;
    const QDir unreadable(QString::fromStdString(store_paths::unreadableDir(shard)));
    return unreadable.exists() &&
           !unreadable.entryList(QDir::Files | QDir::NoDotAndDotDot).isEmpty();
}

// The runs of one shard into the store; true when every one of them is verified there.
bool mergeShard(const std::string& store, const std::string& shard, MergeReport& report,
                bool& firstDone) {
    auto shardLock = StoreLock::acquire(shard);
    if (!shardLock) {
        report.problems.push_back(shardLock.error());
        return false;
    }
    if (auto recovered = StoreRecovery::recoverLocked(shard); recovered) {
        report.recovered.insert(report.recovered.end(), recovered->begin(), recovered->end());
    } else {
        report.problems.push_back(recovered.error());
        return false;
    }
    std::vector<std::string> ids;
    H5Handle source;
    {
        std::lock_guard lock(h5Mutex());
        h5::silenceErrorStack();
        source = openForReading(shard);
        if (!source.valid()) {
            report.problems.push_back(shard + ": cannot read the shard store");
            return false;
        }
        if (h5::exists(source.get(), store_layout::kRuns)) {
            H5Handle runs(H5Gopen2(source.get(), store_layout::kRuns, H5P_DEFAULT));
            ids = h5::childNames(runs.get());
        }
    }
    bool allVerified = true;
    for (const auto& runId : ids) {
        auto storeLock = StoreLock::acquire(store);
        if (!storeLock) {
            report.problems.push_back(storeLock.error());
            allVerified = false;
            break;
        }
        std::lock_guard lock(h5Mutex());
        auto outcome = RunCopy::intoStore(store, source.get(), shard, runId);
        if (!outcome) {
            report.problems.push_back(outcome.error());
            allVerified = false;
            continue;
        }
        // Read back from the file on disk, after the commit closed it; a run found there
        // already was just compared so, by intoStore.
        std::string why;
        if (outcome.value() != RunCopy::Outcome::AlreadyThere) {
            H5Handle merged = openForReading(store);
            why = merged.valid() ? RunCopy::difference(source.get(), merged.get(), runId)
                                 : store + ": cannot be read back";
        }
        if (!why.empty()) {
            report.problems.push_back(store + ": run \"" + runId + "\" of " + shard +
                                      " does not read back as the shard holds it: " + why);
            allVerified = false;
            continue;
        }
        switch (outcome.value()) {
        case RunCopy::Outcome::Copied:
            ++report.copied;
            break;
        case RunCopy::Outcome::AlreadyThere:
            ++report.alreadyThere;
            break;
        case RunCopy::Outcome::Superseded:
            ++report.superseded;
            break;
        }
        if (!firstDone && outcome.value() != RunCopy::Outcome::AlreadyThere) {
            firstDone = true;
            JournalDriver::faultPoint("merge-after-first-run");
        }
    }
    {
        std::lock_guard lock(h5Mutex());
        source.reset();
    }
    if (!allVerified || shardHasLeftovers(shard))
        return false;
    // The shard file first: a shard folder without its file is only a folder.
    if (unlink(shard.c_str()) != 0) {
        report.problems.push_back(shard +
                                  ": merged, but cannot be removed: " + std::strerror(errno));
        return false;
    }
    QDir(QString::fromStdString(store_paths::partsDir(shard))).removeRecursively();
    JournalDriver::syncFolderOf(shard);
    report.shardsRemoved.push_back(shard);
    return true;
}

} // namespace

Result<MergeReport> StoreMerge::merge(const std::string& store) {
    MergeReport report;
    const QDir dir(QString::fromStdString(store_paths::shardsDir(store)));
    if (!dir.exists())
        return Result<MergeReport>::failure(store + ": no shards to merge (" +
                                            store_paths::shardsDir(store) + " does not exist)");
    bool firstDone = false;
    // A task killed during its first run left a shard of parts only: recovery makes its store.
    QStringList names = dir.entryList({"task-*.h5"}, QDir::Files);
    for (const QString& parts : dir.entryList({"task-*.h5.parts"}, QDir::Dirs))
        if (!names.contains(parts.chopped(6)))
            names << parts.chopped(6);
    // task-2 before task-10: in the order of the tasks
    std::sort(names.begin(), names.end(), [](const QString& a, const QString& b) {
        return a.mid(5).chopped(3).toInt() < b.mid(5).chopped(3).toInt();
    });
    for (const QString& name : names) {
        ++report.shards;
        mergeShard(store, dir.filePath(name).toStdString(), report, firstDone);
    }
    return report;
}
