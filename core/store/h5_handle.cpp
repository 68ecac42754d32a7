#include "core/store/h5_handle.h"

#include <algorithm>
#include <hdf5_hl.h>

std::recursive_mutex& h5Mutex() {
    static std::recursive_mutex mutex;
    return mutex;
}

void H5Handle::reset() {
    if (m_id < 0)
        return;
    switch (H5Iget_type(m_id)) {
    case H5I_FILE:
        H5Fclose(m_id);
        break;
    case H5I_GROUP:
        H5Gclose(m_id);
        break;
    case H5I_DATASET:
        H5Dclose(m_id);
        break;
    case H5I_DATASPACE:
        H5Sclose(m_id);
        break;
    case H5I_DATATYPE:
        H5Tclose(m_id);
        break;
    case H5I_ATTR:
        H5Aclose(m_id);
        break;
    case H5I_GENPROP_LST:
        H5Pclose(m_id);
        break;
    default:
        break;
    }
    m_id = -1;
}

namespace h5 {

H5Handle storeFileAccess() {
    H5Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
    // HDF5 1.10 object formats: appendable datasets get extensible-array chunk indexes
    // (far smaller in memory than 1.8's B-trees when a run has a thousand vectors), and
    // attributes go dense when a coordinate's REFERENCE_LIST grows with every vector.
    // Readable by HDF5 >= 1.10, i.e. every current h5py, h5netcdf and HDFView.
    H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_LATEST);
    // The metadata cache grows to 32 MB by default while a thousand datasets are created
    // and appended to; a few MB keep the hit rate and bound memory per run.
    H5AC_cache_config_t config;
    config.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    if (H5Pget_mdc_config(fapl.get(), &config) >= 0) {
        config.set_initial_size = true;
        config.initial_size = 1 << 20;
        config.min_size = 1 << 20;
        config.max_size = 4 << 20;
        H5Pset_mdc_config(fapl.get(), &config);
    }
    // Writes are whole slabs of a contiguous dataset; HDF5's 64 KB sieve buffer per open
    // dataset would only cost memory (3.5 MB of a commit that builds 64 vectors at a time).
    H5Pset_sieve_buf_size(fapl.get(), 0);
    // Not H5Pset_evict_on_close, though it would save 9 MB of the 1000-node ladder's peak
    // (the writer closes each dataset after its chunk): it writes metadata out between
    // flushes, out of order, and a part killed then holds chunk indexes that point past
    // its end (tests/app/test_crash_proof.py caught it). Between flushes nothing may reach
    // the part.
    return fapl;
}

void allowUncleanClose(hid_t fapl) {
    // A registered property of every file-access list (H5F_ACS_CLEAR_STATUS_FLAGS_NAME).
    hbool_t clear = true;
    H5Pset(fapl, "clear_status_flags", &clear);
}

void silenceErrorStack() {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

H5Handle compactGroupCreateList(unsigned creationOrder) {
    constexpr unsigned kCompact = 32;
    H5Handle list(H5Pcreate(H5P_GROUP_CREATE));
    if (creationOrder != 0)
        H5Pset_link_creation_order(list.get(), creationOrder);
    H5Pset_link_phase_change(list.get(), kCompact, kCompact - 8);
    H5Pset_attr_phase_change(list.get(), kCompact, kCompact - 8);
    return list;
}

H5Handle complexType(hid_t member) {
    H5Handle type(H5Tcreate(H5T_COMPOUND, 2 * sizeof(double)));
    H5Tinsert(type.get(), "r", 0, member);
    H5Tinsert(type.get(), "i", sizeof(double), member);
    return type;
}

static H5Handle utf8StringType() {
    H5Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    return type;
}

static void removeAttribute(hid_t object, const std::string& name) {
    if (H5Aexists(object, name.c_str()) > 0)
        H5Adelete(object, name.c_str());
}

bool writeStringAttribute(hid_t object, const std::string& name, const std::string& value) {
    removeAttribute(object, name);
    auto type = utf8StringType();
    H5Handle space(H5Screate(H5S_SCALAR));
    H5Handle attr(
        H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!attr.valid())
        return false;
    const char* data = value.c_str();
    return H5Awrite(attr.get(), type.get(), &data) >= 0;
}

bool addStringAttributes(hid_t object,
                         const std::vector<std::pair<const char*, const std::string*>>& values) {
    auto type = utf8StringType();
    H5Handle space(H5Screate(H5S_SCALAR));
    bool ok = true;
    for (const auto& [name, value] : values) {
        H5Handle attr(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
        const char* data = value->c_str();
        ok = attr.valid() && H5Awrite(attr.get(), type.get(), &data) >= 0 && ok;
    }
    return ok;
}

bool writeStringListAttribute(hid_t object, const std::string& name,
                              const std::vector<std::string>& values) {
    removeAttribute(object, name);
    auto type = utf8StringType();
    hsize_t count = values.size();
    H5Handle space(H5Screate_simple(1, &count, nullptr));
    H5Handle attr(
        H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!attr.valid())
        return false;
    if (values.empty())
        return true;
    std::vector<const char*> pointers;
    pointers.reserve(values.size());
    for (const auto& v : values)
        pointers.push_back(v.c_str());
    return H5Awrite(attr.get(), type.get(), pointers.data()) >= 0;
}

bool writeInt64Attribute(hid_t object, const std::string& name, long long value) {
    removeAttribute(object, name);
    H5Handle space(H5Screate(H5S_SCALAR));
    H5Handle attr(
        H5Acreate2(object, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!attr.valid())
        return false;
    return H5Awrite(attr.get(), H5T_NATIVE_LLONG, &value) >= 0;
}

bool writeStringDataset(hid_t group, const std::string& name, const std::string& value) {
    // A fixed-length string of exactly the text's bytes, stored contiguous: a variable-length
    // one lives in a global heap, which HDF5 reads and writes whole through its cache (a
    // 2.7 MB tree.json cost some 14 MB of a commit's peak), and copies through a conversion.
    H5Handle type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), std::max<size_t>(value.size(), 1));
    H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    H5Handle space(H5Screate(H5S_SCALAR));
    H5Handle set(H5Dcreate2(group, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT,
                            H5P_DEFAULT));
    if (!set.valid())
        return false;
    const char empty = '\0';
    return H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                    value.empty() ? &empty : value.data()) >= 0;
}

// Whether an attribute's or dataset's dataspace holds exactly one value: a read of one value
// into one variable is only safe then (a list of N would be written over N of them).
static bool holdsOneValue(hid_t object, bool isAttribute) {
    H5Handle space(isAttribute ? H5Aget_space(object) : H5Dget_space(object));
    return space.valid() && H5Sget_simple_extent_npoints(space.get()) == 1;
}

bool holdsOneValue(hid_t dataset) {
    return holdsOneValue(dataset, false);
}

// Reads a scalar string whatever its storage (variable or fixed length).
static std::string readString(hid_t object, hid_t fileType, bool isAttribute) {
    std::string result;
    if (H5Tget_class(fileType) != H5T_STRING || !holdsOneValue(object, isAttribute))
        return result;
    if (H5Tis_variable_str(fileType) > 0) {
        auto memType = utf8StringType();
        char* data = nullptr;
        const herr_t rc =
            isAttribute ? H5Aread(object, memType.get(), &data)
                        : H5Dread(object, memType.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data);
        if (rc >= 0 && data) {
            result = data;
            H5free_memory(data);
        }
        return result;
    }
    const size_t size = H5Tget_size(fileType);
    std::vector<char> buffer(size + 1, '\0');
    H5Handle memType(H5Tcopy(fileType));
    const herr_t rc =
        isAttribute ? H5Aread(object, memType.get(), buffer.data())
                    : H5Dread(object, memType.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data());
    if (rc >= 0)
        result.assign(buffer.data());
    return result;
}

std::string readStringAttribute(hid_t object, const std::string& name) {
    if (H5Aexists(object, name.c_str()) <= 0)
        return {};
    H5Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT));
    H5Handle type(H5Aget_type(attr.get()));
    return readString(attr.get(), type.get(), true);
}

std::vector<std::string> readStringListAttribute(hid_t object, const std::string& name) {
    std::vector<std::string> values;
    if (H5Aexists(object, name.c_str()) <= 0)
        return values;
    H5Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT));
    H5Handle type(H5Aget_type(attr.get()));
    H5Handle space(H5Aget_space(attr.get()));
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (count <= 0 || H5Tis_variable_str(type.get()) <= 0)
        return values;
    auto memType = utf8StringType();
    std::vector<char*> data(static_cast<size_t>(count), nullptr);
    if (H5Aread(attr.get(), memType.get(), data.data()) >= 0) {
        for (char* item : data) {
            values.emplace_back(item ? item : "");
            H5free_memory(item);
        }
    }
    return values;
}

long long readInt64Attribute(hid_t object, const std::string& name, long long fallback) {
    if (H5Aexists(object, name.c_str()) <= 0)
        return fallback;
    H5Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT));
    long long value = fallback;
    if (!holdsOneValue(attr.get(), true) || H5Aread(attr.get(), H5T_NATIVE_LLONG, &value) < 0)
        return fallback;
    return value;
}

std::string readStringDataset(hid_t group, const std::string& name) {
    if (!exists(group, name))
        return {};
    H5Handle set(H5Dopen2(group, name.c_str(), H5P_DEFAULT));
    H5Handle type(H5Dget_type(set.get()));
    return readString(set.get(), type.get(), false);
}

bool exists(hid_t location, const std::string& path) {
    // H5Lexists needs every intermediate link to exist, so walk the path.
    size_t start = 0;
    while (true) {
        const auto slash = path.find('/', start);
        const std::string prefix = path.substr(0, slash);
        if (H5Lexists(location, prefix.c_str(), H5P_DEFAULT) <= 0)
            return false;
        if (slash == std::string::npos)
            return true;
        start = slash + 1;
    }
}

static herr_t collectName(hid_t, const char* name, const H5L_info_t*, void* data) {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
}

std::vector<hsize_t> extentOf(hid_t space) {
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
    if (rank > 0)
        H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return dims;
}

std::vector<hsize_t> datasetExtent(hid_t dataset) {
    H5Handle space(H5Dget_space(dataset));
    return extentOf(space.get());
}

std::vector<std::string> childNames(hid_t group) {
    std::vector<std::string> names;
    hsize_t index = 0;
    H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &index, collectName, &names);
    return names;
}

} // namespace h5

namespace h5 {

std::vector<std::string> scalesOf(hid_t dataset, unsigned dim) {
    std::vector<std::string> names;
    auto collect = [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
        const ssize_t size = H5Iget_name(scale, nullptr, 0);
        std::string name(static_cast<size_t>(std::max<ssize_t>(size, 0)), '\0');
        if (size > 0)
            H5Iget_name(scale, name.data(), static_cast<size_t>(size) + 1);
        static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
    };
    H5DSiterate_scales(dataset, dim, nullptr, collect, &names);
    return names;
}

std::vector<haddr_t> scaleObjectsOf(hid_t dataset) {
    std::vector<haddr_t> scales;
    if (H5Aexists(dataset, "DIMENSION_LIST") <= 0)
        return scales;
    H5Handle attribute(H5Aopen(dataset, "DIMENSION_LIST", H5P_DEFAULT));
    H5Handle space(H5Aget_space(attribute.get()));
    const hssize_t rank = H5Sget_simple_extent_npoints(space.get());
    H5Handle type(H5Tvlen_create(H5T_STD_REF_OBJ));
    std::vector<hvl_t> list(static_cast<size_t>(std::max<hssize_t>(rank, 0)));
    if (rank <= 0 || H5Aread(attribute.get(), type.get(), list.data()) < 0)
        return scales;
    for (const auto& entry : list) {
        haddr_t address = HADDR_UNDEF;
        if (entry.len > 0) {
            H5Handle object(H5Rdereference2(dataset, H5P_DEFAULT, H5R_OBJECT,
                                            static_cast<const hobj_ref_t*>(entry.p)));
            H5O_info_t info;
            if (object.valid() && H5Oget_info2(object.get(), &info, H5O_INFO_BASIC) >= 0)
                address = info.addr;
        }
        scales.push_back(address);
    }
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, list.data());
    return scales;
}

} // namespace h5
