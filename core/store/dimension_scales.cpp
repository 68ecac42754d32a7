#include "core/store/dimension_scales.h"

#include "core/store/h5_handle.h"

#include <algorithm>
#include <cstddef>

namespace {

constexpr const char* kDimensionList = "DIMENSION_LIST";
constexpr const char* kReferenceList = "REFERENCE_LIST";

// The element of REFERENCE_LIST as HDF5's H5DS writes it (ds_list_t in H5DSprivate.h):
// the compound {dataset: object reference, dimension: native int}, 16 bytes.
struct ReferenceEntry {
    hobj_ref_t ref;
    int dim;
};

} // namespace

bool DimensionScales::referenceOf(hid_t location, const std::string& path, hobj_ref_t* ref) {
    if (auto found = m_scaleRefs.find(path); found != m_scaleRefs.end()) {
        *ref = found->second;
        return true;
    }
    if (H5Rcreate(ref, location, path.c_str(), H5R_OBJECT, -1) < 0)
        return false;
    m_scaleRefs.emplace(path, *ref);
    return true;
}

bool DimensionScales::attach(hid_t location, hid_t dataset, const std::vector<std::string>& scales,
                             const std::string& order) {
    hobj_ref_t self;
    // "." names the dataset itself: no lookup of its path through the run's groups.
    if (H5Rcreate(&self, dataset, ".", H5R_OBJECT, -1) < 0)
        return false;
    std::vector<hobj_ref_t> refs(scales.size());
    std::vector<hvl_t> list(scales.size(), hvl_t{0, nullptr});
    for (size_t dim = 0; dim < scales.size(); ++dim) {
        if (scales[dim].empty())
            continue;
        if (!referenceOf(location, scales[dim], &refs[dim]))
            return false;
        list[dim] = hvl_t{1, &refs[dim]};
        if (m_uses.find(scales[dim]) == m_uses.end())
            m_order.push_back(scales[dim]);
        m_uses[scales[dim]].push_back({self, static_cast<int>(dim), order});
    }
    if (!m_listType.valid())
        m_listType = H5Handle(H5Tvlen_create(H5T_STD_REF_OBJ));
    H5Handle& space = m_listSpaces[scales.size()];
    if (!space.valid()) {
        const hsize_t rank = scales.size();
        space = H5Handle(H5Screate_simple(1, &rank, nullptr));
    }
    H5Handle attribute(H5Acreate2(dataset, kDimensionList, m_listType.get(), space.get(),
                                  H5P_DEFAULT, H5P_DEFAULT));
    return attribute.valid() && H5Awrite(attribute.get(), m_listType.get(), list.data()) >= 0;
}

bool DimensionScales::finish(hid_t location) {
    H5Handle type(H5Tcreate(H5T_COMPOUND, sizeof(ReferenceEntry)));
    H5Tinsert(type.get(), "dataset", offsetof(ReferenceEntry, ref), H5T_STD_REF_OBJ);
    H5Tinsert(type.get(), "dimension", offsetof(ReferenceEntry, dim), H5T_NATIVE_INT);
    bool ok = true;
    for (const auto& scalePath : m_order) {
        auto& uses = m_uses[scalePath];
        std::stable_sort(uses.begin(), uses.end(),
                         [](const Use& a, const Use& b) { return a.order < b.order; });
        std::vector<ReferenceEntry> entries;
        entries.reserve(uses.size());
        for (const auto& use : uses)
            entries.push_back({use.dataset, use.dim});
        H5Handle scale(H5Oopen(location, scalePath.c_str(), H5P_DEFAULT));
        if (!scale.valid()) {
            ok = false;
            continue;
        }
        if (H5Aexists(scale.get(), kReferenceList) > 0)
            H5Adelete(scale.get(), kReferenceList);
        const hsize_t count = entries.size();
        H5Handle space(H5Screate_simple(1, &count, nullptr));
        H5Handle attribute(H5Acreate2(scale.get(), kReferenceList, type.get(), space.get(),
                                      H5P_DEFAULT, H5P_DEFAULT));
        ok = attribute.valid() && H5Awrite(attribute.get(), type.get(), entries.data()) >= 0 && ok;
    }
    m_order.clear();
    m_uses.clear();
    m_scaleRefs.clear();
    return ok;
}
