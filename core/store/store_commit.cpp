#include "core/store/store_commit.h"

#include "core/store/h5_handle.h"
#include "core/store/journal_driver.h"
#include "core/store/store_layout.h"
#include "core/store/store_lock.h"
#include "core/store/store_paths.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <hdf5_hl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr const char* kDimensionList = "DIMENSION_LIST";
constexpr const char* kReferenceList = "REFERENCE_LIST";

// Which scale each dimension of each dataset of a run group is attached to, as paths
// relative to the group: the part file's references, to be made again in the store.
struct ScaleUse {
    std::string dataset;
    unsigned dim = 0;
    std::string scale;
};

// Copies an object's attributes but the dimension-scale ones, whose object references
// point into their own file.
struct AttributeCopy {
    hid_t target;
    bool ok = true;
};

herr_t copyAttribute(hid_t object, const char* name, const H5A_info_t*, void* data) {
    auto* copy = static_cast<AttributeCopy*>(data);
    if (std::strcmp(name, kDimensionList) == 0 || std::strcmp(name, kReferenceList) == 0)
        return 0;
    H5Handle source(H5Aopen(object, name, H5P_DEFAULT));
    H5Handle fileType(H5Aget_type(source.get()));
    H5Handle memoryType(H5Tget_native_type(fileType.get(), H5T_DIR_DEFAULT));
    H5Handle space(H5Aget_space(source.get()));
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    const size_t size = H5Tget_size(memoryType.get());
    if (count < 0 || size == 0) {
        copy->ok = false;
        return -1;
    }
    std::vector<unsigned char> buffer(static_cast<size_t>(std::max<hssize_t>(count, 1)) * size);
    bool ok = H5Aread(source.get(), memoryType.get(), buffer.data()) >= 0;
    if (ok) {
        if (H5Aexists(copy->target, name) > 0)
            H5Adelete(copy->target, name);
        H5Handle target(
            H5Acreate2(copy->target, name, fileType.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
        ok = target.valid() && H5Awrite(target.get(), memoryType.get(), buffer.data()) >= 0;
        H5Dvlen_reclaim(memoryType.get(), space.get(), H5P_DEFAULT, buffer.data());
    }
    copy->ok = ok && copy->ok;
    return ok ? 0 : -1;
}

struct CopyState {
    hid_t storeRun;
    std::string prefix; // "/runs/<id>/"
    std::vector<ScaleUse> uses;
    bool ok = true;
};

herr_t copyAttributesOf(hid_t partRun, const char* name, const H5O_info_t* info, void* data) {
    auto* state = static_cast<CopyState*>(data);
    H5Handle source(H5Oopen(partRun, name, H5P_DEFAULT));
    H5Handle target(H5Oopen(state->storeRun, name, H5P_DEFAULT));
    if (!source.valid() || !target.valid()) {
        state->ok = false;
        return -1;
    }
    AttributeCopy copy{target.get()};
    hsize_t index = 0;
    H5Aiterate2(source.get(), H5_INDEX_NAME, H5_ITER_NATIVE, &index, copyAttribute, &copy);
    state->ok = copy.ok && state->ok;
    if (info->type != H5O_TYPE_DATASET || H5Aexists(source.get(), kDimensionList) <= 0)
        return copy.ok ? 0 : -1;
    H5Handle space(H5Dget_space(source.get()));
    const int rank = H5Sget_simple_extent_ndims(space.get());
    for (int dim = 0; dim < rank; ++dim) {
        const auto scales = h5::scalesOf(source.get(), static_cast<unsigned>(dim));
        for (const auto& scale : scales)
            if (scale.compare(0, state->prefix.size(), state->prefix) == 0)
                state->uses.push_back(
                    {name, static_cast<unsigned>(dim), scale.substr(state->prefix.size())});
    }
    return copy.ok ? 0 : -1;
}

// Copies the run group. HDF5 1.10.8's H5Ocopy of a group whose datasets carry dimension
// scales crashes (a null call in H5T__conv_vlen, with h5py's Group.copy too), and the
// references would be stale anyway: the objects are copied without attributes, the
// attributes but DIMENSION_LIST and REFERENCE_LIST one by one, and the scales attached
// again in the store.
bool copyRun(hid_t part, hid_t storeRuns, hid_t storeFile, const std::string& runId) {
    const std::string group = store_layout::runPath(runId);
    H5Handle copyList(H5Pcreate(H5P_OBJECT_COPY));
    H5Pset_copy_object(copyList.get(), H5O_COPY_WITHOUT_ATTR_FLAG);
    if (H5Ocopy(part, group.c_str(), storeRuns, runId.c_str(), copyList.get(), H5P_DEFAULT) < 0)
        return false;
    H5Handle partRun(H5Gopen2(part, group.c_str(), H5P_DEFAULT));
    H5Handle storeRun(H5Gopen2(storeFile, group.c_str(), H5P_DEFAULT));
    CopyState state;
    state.storeRun = storeRun.get();
    state.prefix = "/" + group + "/";
    if (H5Ovisit2(partRun.get(), H5_INDEX_NAME, H5_ITER_NATIVE, copyAttributesOf, &state,
                  H5O_INFO_BASIC) < 0 ||
        !state.ok)
        return false;
    for (const auto& use : state.uses) {
        H5Handle dataset(H5Oopen(storeRun.get(), use.dataset.c_str(), H5P_DEFAULT));
        H5Handle scale(H5Oopen(storeRun.get(), use.scale.c_str(), H5P_DEFAULT));
        if (!dataset.valid() || !scale.valid() ||
            H5DSattach_scale(dataset.get(), scale.get(), use.dim) < 0)
            return false;
    }
    return true;
}

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
            H5Handle runs(H5Gopen2(file.get(), store_layout::kRuns, H5P_DEFAULT));
            ok = copyRun(part.get(), runs.get(), file.get(), runId);
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
