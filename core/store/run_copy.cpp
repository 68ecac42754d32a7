#include "core/store/run_copy.h"

#include "core/base/run_status.h"
#include "core/store/journal_driver.h"
#include "core/store/store_commit.h"
#include "core/store/store_layout.h"
#include "core/store/store_paths.h"

#include <algorithm>
#include <cstring>
#include <hdf5_hl.h>
#include <set>
#include <vector>

namespace {

constexpr const char* kDimensionList = "DIMENSION_LIST";
constexpr const char* kReferenceList = "REFERENCE_LIST";

bool isScaleReference(const char* name) {
    return std::strcmp(name, kDimensionList) == 0 || std::strcmp(name, kReferenceList) == 0;
}

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
    if (isScaleReference(name))
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

// --- comparing two run groups ---

std::vector<std::string> linkPaths(hid_t group) {
    std::vector<std::string> paths;
    auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
    };
    H5Lvisit(group, H5_INDEX_NAME, H5_ITER_INC, collect, &paths);
    std::sort(paths.begin(), paths.end());
    return paths;
}

std::vector<std::string> attributeNames(hid_t object) {
    std::vector<std::string> names;
    auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
        if (!isScaleReference(name))
            static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
    };
    hsize_t index = 0;
    H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, collect, &names);
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<hsize_t> extentOf(hid_t space) {
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
    if (rank > 0)
        H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return dims;
}

// The values of an attribute or a dataset as comparable bytes: variable-length strings as
// their text, everything else in its native memory layout. Empty optional-like flag on
// failure.
struct Values {
    bool ok = false;
    std::vector<unsigned char> bytes;
    std::vector<std::string> strings;
    bool operator==(const Values& other) const {
        return ok && other.ok && bytes == other.bytes && strings == other.strings;
    }
};

Values readValues(hid_t object, bool isAttribute) {
    Values values;
    H5Handle fileType(isAttribute ? H5Aget_type(object) : H5Dget_type(object));
    H5Handle space(isAttribute ? H5Aget_space(object) : H5Dget_space(object));
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (!fileType.valid() || count < 0)
        return values;
    auto read = [&](hid_t memoryType, void* buffer) {
        return isAttribute ? H5Aread(object, memoryType, buffer)
                           : H5Dread(object, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
    };
    if (count == 0) {
        values.ok = true;
        return values;
    }
    if (H5Tis_variable_str(fileType.get()) > 0) {
        H5Handle memoryType(H5Tcopy(H5T_C_S1));
        H5Tset_size(memoryType.get(), H5T_VARIABLE);
        H5Tset_cset(memoryType.get(), H5Tget_cset(fileType.get()));
        std::vector<char*> text(static_cast<size_t>(count), nullptr);
        values.ok = read(memoryType.get(), text.data()) >= 0;
        for (char* item : text) {
            values.strings.emplace_back(item ? item : "");
            H5free_memory(item);
        }
        return values;
    }
    if (H5Tdetect_class(fileType.get(), H5T_VLEN) > 0)
        return values; // the store writes none; refuse rather than compare pointers
    H5Handle memoryType(H5Tget_native_type(fileType.get(), H5T_DIR_DEFAULT));
    const size_t size = H5Tget_size(memoryType.get());
    values.bytes.assign(static_cast<size_t>(count) * size, 0);
    values.ok = size > 0 && read(memoryType.get(), values.bytes.data()) >= 0;
    return values;
}

std::string typeAndSpaceDifference(hid_t a, hid_t b, bool isAttribute) {
    H5Handle typeA(isAttribute ? H5Aget_type(a) : H5Dget_type(a));
    H5Handle typeB(isAttribute ? H5Aget_type(b) : H5Dget_type(b));
    if (H5Tequal(typeA.get(), typeB.get()) <= 0)
        return "types differ";
    H5Handle spaceA(isAttribute ? H5Aget_space(a) : H5Dget_space(a));
    H5Handle spaceB(isAttribute ? H5Aget_space(b) : H5Dget_space(b));
    if (extentOf(spaceA.get()) != extentOf(spaceB.get()))
        return "shapes differ";
    return {};
}

std::string attributesDifference(hid_t a, hid_t b) {
    const auto names = attributeNames(a);
    if (names != attributeNames(b))
        return "attribute names differ";
    for (const auto& name : names) {
        H5Handle attrA(H5Aopen(a, name.c_str(), H5P_DEFAULT));
        H5Handle attrB(H5Aopen(b, name.c_str(), H5P_DEFAULT));
        if (!attrA.valid() || !attrB.valid())
            return "attribute " + name + " cannot be read";
        if (auto why = typeAndSpaceDifference(attrA.get(), attrB.get(), true); !why.empty())
            return "attribute " + name + ": " + why;
        if (!(readValues(attrA.get(), true) == readValues(attrB.get(), true)))
            return "attribute " + name + " differs";
    }
    return {};
}

std::vector<std::string> relativeScales(hid_t dataset, unsigned dim, const std::string& prefix) {
    auto scales = h5::scalesOf(dataset, dim);
    for (auto& scale : scales)
        if (scale.compare(0, prefix.size(), prefix) == 0)
            scale = scale.substr(prefix.size());
    return scales;
}

std::string datasetDifference(hid_t a, hid_t b, const std::string& prefixA,
                              const std::string& prefixB) {
    if (auto why = typeAndSpaceDifference(a, b, false); !why.empty())
        return why;
    H5Handle space(H5Dget_space(a));
    const int rank = H5Sget_simple_extent_ndims(space.get());
    for (int dim = 0; dim < rank; ++dim)
        if (relativeScales(a, static_cast<unsigned>(dim), prefixA) !=
            relativeScales(b, static_cast<unsigned>(dim), prefixB))
            return "dimension scales of dimension " + std::to_string(dim) + " differ";
    if (!(readValues(a, false) == readValues(b, false)))
        return "data differ";
    return {};
}

std::string supersededPath(const std::string& runId) {
    return std::string(store_layout::kSuperseded) + "/" + runId;
}

// Moves the store's /runs/<runId> to /superseded/<runId>/<n> (n = 1, 2, ...): a link move,
// so the group keeps its objects and its dimension-scale references stay valid.
bool supersede(hid_t file, const std::string& runId) {
    for (const std::string& group : {std::string(store_layout::kSuperseded), supersededPath(runId)})
        if (!h5::exists(file, group)) {
            H5Handle made(H5Gcreate2(file, group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
            if (!made.valid())
                return false;
        }
    H5Handle attempts(H5Gopen2(file, supersededPath(runId).c_str(), H5P_DEFAULT));
    const std::string n = std::to_string(h5::childNames(attempts.get()).size() + 1);
    return H5Lmove(file, store_layout::runPath(runId).c_str(), attempts.get(), n.c_str(),
                   H5P_DEFAULT, H5P_DEFAULT) >= 0;
}

} // namespace

// Copies the run group. HDF5 1.10.8's H5Ocopy of a group whose datasets carry dimension
// scales crashes (a null call in H5T__conv_vlen, with h5py's Group.copy too), and the
// references would be stale anyway: the objects are copied without attributes, the
// attributes but DIMENSION_LIST and REFERENCE_LIST one by one, and the scales attached
// again in the store.
bool RunCopy::copy(hid_t source, hid_t storeFile, const std::string& runId) {
    const std::string group = store_layout::runPath(runId);
    if (!h5::exists(storeFile, store_layout::kRuns)) {
        H5Handle runs(
            H5Gcreate2(storeFile, store_layout::kRuns, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        if (!runs.valid())
            return false;
    }
    H5Handle storeRuns(H5Gopen2(storeFile, store_layout::kRuns, H5P_DEFAULT));
    H5Handle copyList(H5Pcreate(H5P_OBJECT_COPY));
    H5Pset_copy_object(copyList.get(), H5O_COPY_WITHOUT_ATTR_FLAG);
    if (H5Ocopy(source, group.c_str(), storeRuns.get(), runId.c_str(), copyList.get(),
                H5P_DEFAULT) < 0)
        return false;
    H5Handle partRun(H5Gopen2(source, group.c_str(), H5P_DEFAULT));
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

std::string RunCopy::difference(hid_t a, hid_t b, const std::string& runId) {
    const std::string group = store_layout::runPath(runId);
    if (!h5::exists(a, group) || !h5::exists(b, group))
        return "run \"" + runId + "\" is missing";
    H5Handle runA(H5Gopen2(a, group.c_str(), H5P_DEFAULT));
    H5Handle runB(H5Gopen2(b, group.c_str(), H5P_DEFAULT));
    if (auto why = attributesDifference(runA.get(), runB.get()); !why.empty())
        return group + ": " + why;
    const auto paths = linkPaths(runA.get());
    if (paths != linkPaths(runB.get()))
        return group + ": the objects differ";
    const std::string prefix = "/" + group + "/";
    std::set<haddr_t> seen; // an object under two names (the hard links) is compared once
    for (const auto& path : paths) {
        H5O_info_t infoA{}, infoB{};
        if (H5Oget_info_by_name2(runA.get(), path.c_str(), &infoA, H5O_INFO_BASIC, H5P_DEFAULT) <
                0 ||
            H5Oget_info_by_name2(runB.get(), path.c_str(), &infoB, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
            return prefix + path + ": cannot be read";
        if (infoA.type != infoB.type)
            return prefix + path + ": object types differ";
        if (!seen.insert(infoA.addr).second)
            continue;

        H5Handle objectA(H5Oopen(runA.get(), path.c_str(), H5P_DEFAULT));
        H5Handle objectB(H5Oopen(runB.get(), path.c_str(), H5P_DEFAULT));
        std::string why = attributesDifference(objectA.get(), objectB.get());
        if (why.empty() && infoA.type == H5O_TYPE_DATASET)
            why = datasetDifference(objectA.get(), objectB.get(), prefix, prefix);
        if (!why.empty())
            return prefix + path + ": " + why;
    }
    return {};
}

Result<RunCopy::Outcome> RunCopy::intoStore(const std::string& store, hid_t source,
                                            const std::string& sourceName,
                                            const std::string& runId) {
    using R = Result<Outcome>;
    if (auto undone = JournalDriver::rollBack(store, store_paths::journalPath(store)); !undone)
        return R::failure(undone.error());
    if (auto created = StoreCommit::createIfMissing(store); !created)
        return R::failure(created.error());
    std::lock_guard lock(h5Mutex());
    h5::silenceErrorStack();
    const std::string group = store_layout::runPath(runId);
    // Looked at read-only first: a store that holds this very run is never opened for writing.
    bool supersedes = false;
    {
        auto access = h5::storeFileAccess();
        H5Handle reading(H5Fopen(store.c_str(), H5F_ACC_RDONLY, access.get()));
        if (!reading.valid())
            return R::failure(store + ": cannot be read");
        if (h5::exists(reading.get(), group)) {
            H5Handle held(H5Gopen2(reading.get(), group.c_str(), H5P_DEFAULT));
            const std::string status = h5::readStringAttribute(held.get(), store_layout::kStatus);
            held.reset();
            const std::string why = difference(source, reading.get(), runId);
            if (why.empty())
                return Outcome::AlreadyThere;
            if (status != toString(RunStatus::Failed) && status != toString(RunStatus::Interrupted))
                return R::failure(store + ": already holds a different run \"" + runId +
                                  "\" (status " + status + "; " + why + ") than " + sourceName +
                                  "; runs are never overwritten, only failed or interrupted ones "
                                  "superseded");
            supersedes = true;
        }
    }
    JournalControl storeControl;
    storeControl.mode = JournalControl::Mode::Store;
    storeControl.journalPath = store_paths::journalPath(store);
    auto storeAccess = JournalDriver::fileAccess(&storeControl);
    H5Handle file(H5Fopen(store.c_str(), H5F_ACC_RDWR, storeAccess.get()));
    if (!file.valid())
        return R::failure(storeControl.openError.empty() ? store + ": cannot open for writing"
                                                         : storeControl.openError);
    const bool ok =
        (!supersedes || supersede(file.get(), runId)) && copy(source, file.get(), runId);
    storeControl.abort = !ok;
    const bool closed = H5Fclose(file.release()) >= 0;
    if (!ok || !closed || !storeControl.failure.empty())
        return R::failure(store + ": the run \"" + runId + "\" of " + sourceName +
                          " could not be committed, and the store is as it was" +
                          (storeControl.failure.empty() ? "" : ": " + storeControl.failure));
    return supersedes ? Outcome::Superseded : Outcome::Copied;
}
