#include "core/store/store_commit.h"

#include "core/store/h5_handle.h"
#include "core/store/journal_driver.h"
#include "core/store/run_copy.h"
#include "core/store/store_layout.h"
#include "core/store/store_lock.h"
#include "core/store/store_paths.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

bool removePart(const std::string& partPath) {
    if (unlink(partPath.c_str()) != 0 && errno != ENOENT)
        return false;
    // and what a reader elsewhere was told of it (store_paths::partInfoPath)
    unlink((partPath.substr(0, partPath.size() - 3) + ".json").c_str());
    JournalDriver::syncFolderOf(partPath);
    return true;
}

} // namespace

Result<bool> StoreCommit::commit(const std::string& store, const std::string& partPath,
                                 const std::string& runId) {
    auto lock = StoreLock::acquire(store);
    if (!lock)
        return Result<bool>::failure(lock.error());
    return commitLocked(store, partPath, runId);
}

Result<bool> StoreCommit::createIfMissing(const std::string& store) {
    using R = Result<bool>;
    struct stat info {};
    if (stat(store.c_str(), &info) == 0)
        return true;
    const std::string creating = store_paths::partsDir(store) + "/creating.h5";
    std::lock_guard lock(h5Mutex());
    h5::silenceErrorStack();
    {
        auto fapl = h5::storeFileAccess();
        H5Handle file(H5Fcreate(creating.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()));
        if (!file.valid())
            return R::failure(store + ": cannot create the store (" + creating +
                              "): " + std::strerror(errno));
        H5Handle runs(
            H5Gcreate2(file.get(), store_layout::kRuns, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        if (!runs.valid() || H5Fflush(file.get(), H5F_SCOPE_LOCAL) < 0) {
            unlink(creating.c_str());
            return R::failure(store + ": cannot create the store: no space left, or not "
                                      "writable");
        }
    }
    const int fd = open(creating.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = fd >= 0 && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    // link() never replaces: a store another process made meanwhile wins.
    const bool linked = synced && (link(creating.c_str(), store.c_str()) == 0 || errno == EEXIST);
    const int error = errno;
    unlink(creating.c_str());
    if (!linked)
        return R::failure(store + ": cannot create the store: " + std::strerror(error));
    JournalDriver::syncFolderOf(store);
    return true;
}

Result<bool> StoreCommit::commitLocked(const std::string& store, const std::string& partPath,
                                       const std::string& runId) {
    using R = Result<bool>;
    const std::string keptIn =
        "; the run stays in " + partPath + " and `wavebench-run recover " + store + "` commits it";
    if (auto undone = JournalDriver::rollBack(store, store_paths::journalPath(store)); !undone)
        return R::failure(undone.error() + keptIn);
    if (auto created = createIfMissing(store); !created)
        return R::failure(created.error() + keptIn);

    std::lock_guard lock(h5Mutex());
    h5::silenceErrorStack();
    JournalControl partControl;
    auto partAccess = JournalDriver::fileAccess(&partControl);
    H5Handle part(H5Fopen(partPath.c_str(), H5F_ACC_RDONLY, partAccess.get()));
    if (!part.valid())
        return R::failure(
            partPath + ": cannot read the run's part file" +
            (partControl.openError.empty() ? "" : " (" + partControl.openError + ")"));
    const std::string group = store_layout::runPath(runId);
    if (!h5::exists(part.get(), group))
        return R::failure(partPath + ": holds no run \"" + runId + "\"");

    JournalControl storeControl;
    storeControl.mode = JournalControl::Mode::Store;
    storeControl.journalPath = store_paths::journalPath(store);
    auto storeAccess = JournalDriver::fileAccess(&storeControl);
    H5Handle file(H5Fopen(store.c_str(), H5F_ACC_RDWR, storeAccess.get()));
    if (!file.valid())
        return R::failure((storeControl.openError.empty() ? store + ": cannot open for writing"
                                                          : storeControl.openError) +
                          keptIn);

    bool ok = true;
    bool already = false;
    {
        if (!h5::exists(file.get(), store_layout::kRuns)) {
            H5Handle runs(
                H5Gcreate2(file.get(), store_layout::kRuns, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
            ok = runs.valid();
        }
        already = ok && h5::exists(file.get(), group);
        if (ok && !already) {
            ok = RunCopy::copy(part.get(), file.get(), runId);
        }
    }
    part.reset();
    // A store that already holds the run stays untouched, byte for byte.
    storeControl.abort = !ok || already;
    const bool closed = H5Fclose(file.release()) >= 0;
    if (!ok || !storeControl.failure.empty() || (!closed && !already))
        return R::failure(store + ": the run \"" + runId +
                          "\" could not be committed, and the store is as it was" +
                          (storeControl.failure.empty() ? "" : ": " + storeControl.failure) +
                          keptIn);
    if (!removePart(partPath))
        return R::failure(partPath +
                          ": committed, but cannot remove the part file: " + std::strerror(errno));
    return true;
}
