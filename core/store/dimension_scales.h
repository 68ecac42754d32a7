#pragma once

#include "core/store/h5_handle.h"

#include <hdf5.h>
#include <map>
#include <string>
#include <vector>

// Attaches datasets to dimension scales the way H5DSattach_scale does (the same
// DIMENSION_LIST and REFERENCE_LIST attributes, which h5py, h5netcdf and H5DSis_attached
// read), but writes each scale's REFERENCE_LIST once, when every dataset is attached.
// H5DSattach_scale reads, deletes and rewrites that list on every call: a thousand vectors
// on one coordinate cost a million list entries copied and a fractal heap churned.
//
// For datasets that have no dimension-scale attachments yet (a plot being created, a run
// being copied): attach() adds DIMENSION_LIST without looking for one. Thread: as its caller's;
// every call with h5Mutex() held.
class DimensionScales {
public:
    // Scale paths are relative to `location` (a run group). `scales` has one entry per dimension
    // of `dataset`; "" leaves that dimension without a scale. Writes DIMENSION_LIST now.
    // `order` places the dataset in its scales' REFERENCE_LIST (by byte order; equal keys
    // in attach order): a plot built in another order than a copy visits it lists its
    // datasets as the copy does.
    bool attach(hid_t location, hid_t dataset, const std::vector<std::string>& scales,
                const std::string& order = {});
    // Writes every scale's REFERENCE_LIST: the datasets attached to it, by order, then in
    // attach order.
    bool finish(hid_t location);

private:
    struct Use {
        hobj_ref_t dataset;
        int dim;
        std::string order;
    };
    bool referenceOf(hid_t location, const std::string& path, hobj_ref_t* ref);
    std::map<std::string, hobj_ref_t> m_scaleRefs;
    std::vector<std::string> m_order; // scales, in the order of their first attachment
    std::map<std::string, std::vector<Use>> m_uses;
    H5Handle m_listType;                     // vlen of object references
    std::map<size_t, H5Handle> m_listSpaces; // DIMENSION_LIST's dataspace, by rank
};
