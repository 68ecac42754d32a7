#include "core/store/run_copy.h"

#include "core/base/run_status.h"
#include "core/store/dimension_scales.h"
#include "core/store/h5_handle.h"
#include "core/store/journal_driver.h"
#include "core/store/plot_layout.h"
#include "core/store/store_commit.h"
#include "core/store/store_layout.h"
#include "core/store/store_paths.h"

#include <algorithm>
#include <cstring>
#include <hdf5_hl.h>
#include <map>
#include <set>
#include <vector>

namespace {

constexpr const char* kDimensionList = "DIMENSION_LIST";
constexpr const char* kReferenceList = "REFERENCE_LIST";
constexpr size_t kSlabBytes = 1u << 20; // the commit's whole buffer: a peak of the run's RSS

herr_t copyAttribute(hid_t object, const char* name, const H5A_info_t*, void* data) {
    const hid_t target = *static_cast<hid_t*>(data);
    if (std::strcmp(name, kDimensionList) == 0 || std::strcmp(name, kReferenceList) == 0)
        return 0;
    H5Handle source(H5Aopen(object, name, H5P_DEFAULT));
    H5Handle fileType(H5Aget_type(source.get()));
    H5Handle memoryType(H5Tget_native_type(fileType.get(), H5T_DIR_DEFAULT));
    H5Handle space(H5Aget_space(source.get()));
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    const size_t size = H5Tget_size(memoryType.get());
    if (count < 0 || size == 0)
        return -1;
    std::vector<unsigned char> buffer(static_cast<size_t>(std::max<hssize_t>(count, 1)) * size);
    if (H5Aread(source.get(), memoryType.get(), buffer.data()) < 0)
        return -1;
    H5Handle copied(
        H5Acreate2(target, name, fileType.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    const bool ok = copied.valid() && H5Awrite(copied.get(), memoryType.get(), buffer.data()) >= 0;
    H5Dvlen_reclaim(memoryType.get(), space.get(), H5P_DEFAULT, buffer.data());
    return ok ? 0 : -1;
}

bool copyAttributes(hid_t source, hid_t target) {
    hsize_t index = 0;
    hid_t to = target;
    return H5Aiterate2(source, H5_INDEX_NAME, H5_ITER_NATIVE, &index, copyAttribute, &to) >= 0;
}

// A chunked dataset with data becomes a contiguous one of exactly its extent; the rest
// (strings, an operating point's scalars, a run that never got a point) as it is.
bool copyDataset(hid_t source, hid_t sourceParent, const char* name, hid_t targetParent) {
    H5Handle createList(H5Dget_create_plist(source));
    H5Handle space(H5Dget_space(source));
    const auto dims = h5::extentOf(space.get());
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (H5Pget_layout(createList.get()) != H5D_CHUNKED || count <= 0 || dims.empty()) {
        H5Handle copyList(H5Pcreate(H5P_OBJECT_COPY));
        H5Pset_copy_object(copyList.get(), H5O_COPY_WITHOUT_ATTR_FLAG);
        if (H5Ocopy(sourceParent, name, targetParent, name, copyList.get(), H5P_DEFAULT) < 0)
            return false;
        H5Handle target(H5Dopen2(targetParent, name, H5P_DEFAULT));
        return target.valid() && copyAttributes(source, target.get());
    }
    std::vector<hsize_t> chunk(dims.size());
    H5Pget_chunk(createList.get(), static_cast<int>(chunk.size()), chunk.data());
    H5Handle fileType(H5Dget_type(source));
    H5Handle memoryType(H5Tget_native_type(fileType.get(), H5T_DIR_DEFAULT));
    size_t rowBytes = H5Tget_size(memoryType.get());
    for (size_t d = 1; d < dims.size(); ++d)
        rowBytes *= dims[d];
    // Contiguous at the final extent: no chunk index either (an unlimited dataset's
    // extensible array costs about 450 bytes, a third of a 91-point complex vector).
    H5Handle layout(H5Pcopy(createList.get()));
    H5Pset_layout(layout.get(), H5D_CONTIGUOUS);
    // Every element is written from the source, which reads back the fill value (NaN
    // past a short step) wherever nothing was written: no fill pass first.
    H5Pset_fill_time(layout.get(), H5D_FILL_TIME_NEVER);
    H5Handle fixedSpace(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    H5Handle target(H5Dcreate2(targetParent, name, fileType.get(), fixedSpace.get(), H5P_DEFAULT,
                               layout.get(), H5P_DEFAULT));
    if (!target.valid() || !copyAttributes(source, target.get()))
        return false;

    // Slabs along the first dimension, whole source chunks each.
    const hsize_t step = std::max<hsize_t>(chunk[0], 1);
    hsize_t rows = std::max<hsize_t>(kSlabBytes / std::max<size_t>(rowBytes, 1), 1);
    rows = std::max(step, rows / step * step);
    rows = std::min(rows, dims[0]);
    std::vector<unsigned char> buffer(static_cast<size_t>(rows) * rowBytes);
    H5Handle targetSpace(H5Dget_space(target.get()));
    for (hsize_t first = 0; first < dims[0]; first += rows) {
        std::vector<hsize_t> start(dims.size(), 0), block(dims);
        start[0] = first;
        block[0] = std::min(rows, dims[0] - first);
        H5Handle memorySpace(
            H5Screate_simple(static_cast<int>(block.size()), block.data(), nullptr));
        H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, block.data(),
                            nullptr);
        H5Sselect_hyperslab(targetSpace.get(), H5S_SELECT_SET, start.data(), nullptr, block.data(),
                            nullptr);
        if (H5Dread(source, memoryType.get(), memorySpace.get(), space.get(), H5P_DEFAULT,
                    buffer.data()) < 0 ||
            H5Dwrite(target.get(), memoryType.get(), memorySpace.get(), targetSpace.get(),
                     H5P_DEFAULT, buffer.data()) < 0)
            return false;
    }
    return true;
}

// The run's design tree, stored once per store under /trees/<sha256>. A part names its
// tree's digest (H5Writer), so a tree the store holds already is not even read.
bool linkTree(hid_t sourceParent, const char* name, hid_t source, hid_t targetParent, hid_t store) {
    std::string digest = h5::readStringAttribute(source, store_layout::kTreeSha256);
    if (digest.empty()) // a store's run (a merge) or an older part
        digest = store_layout::treeDigest(h5::readStringDataset(sourceParent, name));
    const std::string shared = std::string("/") + store_layout::kTrees + "/" + digest;
    if (!h5::exists(store, store_layout::kTrees)) {
        H5Handle trees(
            H5Gcreate2(store, store_layout::kTrees, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        if (!trees.valid())
            return false;
    }
    if (!h5::exists(store, shared.substr(1))) {
        H5Handle copyList(H5Pcreate(H5P_OBJECT_COPY));
        H5Pset_copy_object(copyList.get(), H5O_COPY_WITHOUT_ATTR_FLAG);
        if (H5Ocopy(sourceParent, name, store, shared.c_str(), copyList.get(), H5P_DEFAULT) < 0)
            return false;
        // The stored tree names its digest as a part's does: a run in the store is then the
        // same, attribute for attribute, as the part it came from (a commit that died before
        // removing its part is recognised), and a merge from this store need not hash it.
        H5Handle tree(H5Dopen2(store, shared.c_str(), H5P_DEFAULT));
        if (!tree.valid() ||
            !h5::writeStringAttribute(tree.get(), store_layout::kTreeSha256, digest))
            return false;
    }
    return H5Lcreate_hard(store, shared.c_str(), targetParent, name, H5P_DEFAULT, H5P_DEFAULT) >= 0;
}

// A new group's creation list, as the source group's: H5Gget_create_plist carries the
// source's link-info message, heap addresses included, which a group of another file
// must not get (HDF5 1.10.8 then looks for its links in the source's heap).
H5Handle groupCreateList(hid_t source) {
    H5Handle sourceList(H5Gget_create_plist(source));
    unsigned order = 0;
    H5Pget_link_creation_order(sourceList.get(), &order);
    return h5::compactGroupCreateList(order);
}

struct Copier {
    hid_t store = -1;
    std::string sourceRunPath;             // "/runs/<id>"
    std::map<haddr_t, std::string> copied; // source object -> its path in the store
    struct Use {
        std::string dataset;         // relative to the run group
        std::vector<haddr_t> scales; // per dimension, the source object (HADDR_UNDEF: none)
    };
    std::vector<Use> uses;

    bool copyGroup(hid_t source, hid_t target, const std::string& relative);
    bool copyLink(hid_t source, hid_t target, const std::string& relative, const char* name,
                  const H5L_info_t& link);
    void noteScales(hid_t dataset, const std::string& relative);
};

struct Iteration {
    Copier* copier;
    hid_t target;
    std::string relative;
    bool ok = true;
};

herr_t visitLink(hid_t group, const char* name, const H5L_info_t* info, void* data) {
    auto* it = static_cast<Iteration*>(data);
    it->ok = it->copier->copyLink(group, it->target, it->relative, name, *info);
    return it->ok ? 0 : -1;
}

bool Copier::copyGroup(hid_t source, hid_t target, const std::string& relative) {
    if (!copyAttributes(source, target))
        return false;
    Iteration it{this, target, relative};
    // Creation order where the group keeps it (the run group: xarray lists variables so).
    H5Handle createList(H5Gget_create_plist(source));
    unsigned order = 0;
    H5Pget_link_creation_order(createList.get(), &order);
    const H5_index_t index = (order & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
    hsize_t at = 0;
    return H5Literate(source, index, H5_ITER_INC, &at, visitLink, &it) >= 0 && it.ok;
}

// The scales of each dimension, by their objects' addresses in the source (not their names:
// see h5::scalesOf).
void Copier::noteScales(hid_t dataset, const std::string& relative) {
    auto scales = h5::scaleObjectsOf(dataset);
    if (!scales.empty())
        uses.push_back({relative, std::move(scales)});
}

bool Copier::copyLink(hid_t source, hid_t target, const std::string& relative, const char* name,
                      const H5L_info_t& link) {
    const std::string path = relative.empty() ? name : relative + "/" + name;
    // A part's plot: built into the store's layout once (PlotLayout), not copied.
    if (relative.empty() && std::strcmp(name, part_layout::kPlot) == 0)
        return PlotLayout::build(source, target);
    if (relative.empty() && (std::strcmp(name, part_layout::kSamples) == 0 ||
                             std::strcmp(name, part_layout::kSteps) == 0))
        return true;
    if (link.type == H5L_TYPE_SOFT) {
        std::vector<char> value(link.u.val_size + 1, '\0');
        H5Lget_val(source, name, value.data(), value.size(), H5P_DEFAULT);
        return H5Lcreate_soft(value.data(), target, name, H5P_DEFAULT, H5P_DEFAULT) >= 0;
    }
    if (link.type != H5L_TYPE_HARD)
        return true; // an external link would point out of the store: not ours to carry
    H5O_info_t info;
    if (H5Oget_info_by_name2(source, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
        return false;
    if (auto done = copied.find(info.addr); done != copied.end())
        return H5Lcreate_hard(store, done->second.c_str(), target, name, H5P_DEFAULT,
                              H5P_DEFAULT) >= 0;
    const std::string storePath = sourceRunPath + "/" + path; // the same path in the store
    if (info.type == H5O_TYPE_GROUP) {
        H5Handle from(H5Gopen2(source, name, H5P_DEFAULT));
        H5Handle createList = groupCreateList(from.get());
        H5Handle to(H5Gcreate2(target, name, H5P_DEFAULT, createList.get(), H5P_DEFAULT));
        if (!from.valid() || !to.valid())
            return false;
        copied.emplace(info.addr, storePath);
        return copyGroup(from.get(), to.get(), path);
    }
    if (info.type != H5O_TYPE_DATASET)
        return true;
    H5Handle from(H5Dopen2(source, name, H5P_DEFAULT));
    const bool ok =
        from.valid() && (path == std::string(store_layout::kInputs) + "/" + store_layout::kTreeJson
                             ? linkTree(source, name, from.get(), target, store)
                             : copyDataset(from.get(), source, name, target));
    if (!ok)
        return false;
    copied.emplace(info.addr, storePath);
    noteScales(from.get(), path);
    return true;
}

bool isScaleReference(const char* name) {
    return std::strcmp(name, kDimensionList) == 0 || std::strcmp(name, kReferenceList) == 0;
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
    if (h5::extentOf(spaceA.get()) != h5::extentOf(spaceB.get()))
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

bool RunCopy::copy(hid_t source, hid_t store, const std::string& runId) {
    const std::string group = store_layout::runPath(runId);
    H5Handle from(H5Gopen2(source, group.c_str(), H5P_DEFAULT));
    if (!h5::exists(store, store_layout::kRuns)) {
        H5Handle made(
            H5Gcreate2(store, store_layout::kRuns, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        if (!made.valid())
            return false;
    }
    H5Handle runs(H5Gopen2(store, store_layout::kRuns, H5P_DEFAULT));
    if (!from.valid() || !runs.valid())
        return false;
    H5Handle createList = groupCreateList(from.get());
    H5Handle to(H5Gcreate2(runs.get(), runId.c_str(), H5P_DEFAULT, createList.get(), H5P_DEFAULT));
    if (!to.valid())
        return false;
    Copier copier;
    copier.store = store;
    copier.sourceRunPath = "/" + group;
    if (!copier.copyGroup(from.get(), to.get(), ""))
        return false;
    DimensionScales scales;
    const std::string prefix = "/" + group + "/";
    for (const auto& use : copier.uses) {
        std::vector<std::string> paths; // the scales in the store, relative to the run
        bool any = false;
        for (const haddr_t scale : use.scales) {
            const auto found = copier.copied.find(scale);
            const bool inRun = found != copier.copied.end() &&
                               found->second.compare(0, prefix.size(), prefix) == 0;
            paths.push_back(inRun ? found->second.substr(prefix.size()) : std::string());
            any = any || inRun;
        }
        if (!any)
            continue;
        H5Handle dataset(H5Dopen2(to.get(), use.dataset.c_str(), H5P_DEFAULT));
        if (!dataset.valid() || !scales.attach(to.get(), dataset.get(), paths))
            return false;
    }
    return scales.finish(to.get());
}

H5Handle RunCopy::inMemory(hid_t source, const std::string& runId) {
    static int serial = 0; // a core-driver file's name must be unique while it is open
    H5Handle access = h5::storeFileAccess();
    H5Pset_fapl_core(access.get(), 1 << 20, false);
    const std::string name = "wavebench-in-memory-" + std::to_string(++serial) + ".h5";
    H5Handle file(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()));
    if (!file.valid() || !copy(source, file.get(), runId))
        return {};
    return file;
}

std::string RunCopy::difference(hid_t a, hid_t b, const std::string& runId) {
    const std::string group = store_layout::runPath(runId);
    if (!h5::exists(a, group) || !h5::exists(b, group))
        return "run \"" + runId + "\" is missing";
    H5Handle runA(H5Gopen2(a, group.c_str(), H5P_DEFAULT));
    H5Handle runB(H5Gopen2(b, group.c_str(), H5P_DEFAULT));
    if (auto why = attributesDifference(runA.get(), runB.get()); !why.empty())
        return group + ": " + why;
    // A part's plot is compared in the store's layout, built in memory: only when the run's
    // attributes (its start time among them) say it may be the same run.
    const bool builtA = PlotLayout::heldBy(runA.get());
    if (builtA || PlotLayout::heldBy(runB.get())) {
        H5Handle built = inMemory(builtA ? a : b, runId);
        if (!built.valid())
            return group + ": its plot cannot be built";
        return builtA ? difference(built.get(), b, runId) : difference(a, built.get(), runId);
    }
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
            if (!isSupersedable(status))
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
    // Each object's metadata leaves HDF5's cache when the build closes it: decoded, the
    // thousand datasets of a plot and their attributes take some 15 MB there. Safe in a
    // commit (unlike a part, whose metadata must not reach the file between flushes): what
    // it writes past the store's end is dropped, and its old bytes are held, until close.
    H5Pset_evict_on_close(storeAccess.get(), true);
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
