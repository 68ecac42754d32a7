#include "core/store/run_copy.h"

#include "core/store/dimension_scales.h"
#include "core/store/h5_handle.h"
#include "core/store/store_layout.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <vector>

namespace {

constexpr const char* kDimensionList = "DIMENSION_LIST";
constexpr const char* kReferenceList = "REFERENCE_LIST";
constexpr size_t kSlabBytes = 1u << 20; // the commit's whole buffer: a peak of the run's RSS
constexpr unsigned kCompactLinks = 32;
constexpr unsigned kCompactAttributes = 32;

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

std::vector<hsize_t> dimsOf(hid_t space) {
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
    if (rank > 0)
        H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return dims;
}

// A chunked dataset with data becomes a contiguous one of exactly its extent; the rest
// (strings, an operating point's scalars, a run that never got a point) as it is.
bool copyDataset(hid_t source, hid_t sourceParent, const char* name, hid_t targetParent) {
    H5Handle createList(H5Dget_create_plist(source));
    H5Handle space(H5Dget_space(source));
    const auto dims = dimsOf(space.get());
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
    H5Handle list(H5Pcreate(H5P_GROUP_CREATE));
    if (order != 0)
        H5Pset_link_creation_order(list.get(), order);
    // A run group has some 15 attributes and as many links besides its crefs: kept in its
    // object header, not in a B-tree and heap of their own (about 4 KB a run, measured).
    H5Pset_link_phase_change(list.get(), kCompactLinks, kCompactLinks - 8);
    H5Pset_attr_phase_change(list.get(), kCompactAttributes, kCompactAttributes - 8);
    return list;
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

} // namespace

bool RunCopy::copy(hid_t source, hid_t store, const std::string& runId) {
    const std::string group = store_layout::runPath(runId);
    H5Handle from(H5Gopen2(source, group.c_str(), H5P_DEFAULT));
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
        if (!dataset.valid() || !scales.attach(to.get(), dataset.get(), use.dataset, paths))
            return false;
    }
    return scales.finish(to.get());
}
