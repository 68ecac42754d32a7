#pragma once

#include <hdf5.h>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

// Debian's libhdf5 is built thread-safe, but it serialises every call internally and a
// file must not be opened twice with different intents; holding this lock around each
// sequence of calls (the run writer per batch, ResultStore per read) keeps those sequences
// whole.
std::recursive_mutex& h5Mutex();

// Owns one HDF5 identifier and closes it with the matching H5?close.
// Thread: any, one at a time, with h5Mutex() held while it is opened, used and closed.
class H5Handle {
public:
    H5Handle() = default;
    explicit H5Handle(hid_t id) : m_id(id) {}
    ~H5Handle() { reset(); }
    H5Handle(H5Handle&& other) noexcept : m_id(other.m_id) { other.m_id = -1; }
    H5Handle& operator=(H5Handle&& other) noexcept {
        if (this != &other) {
            reset();
            m_id = other.m_id;
            other.m_id = -1;
        }
        return *this;
    }
    H5Handle(const H5Handle&) = delete;
    H5Handle& operator=(const H5Handle&) = delete;

    hid_t get() const { return m_id; }
    bool valid() const { return m_id >= 0; }
    void reset();
    // Gives the identifier up without closing it (to close it oneself and see the result).
    hid_t release() {
        const hid_t id = m_id;
        m_id = -1;
        return id;
    }

private:
    hid_t m_id = -1;
};

// Small typed helpers; they return false (or empty) on failure rather than throw.
namespace h5 {
void silenceErrorStack();
// The file-access list of every store and part file: HDF5 1.10 formats, a bounded cache.
H5Handle storeFileAccess();
// Opens a file left by a process that died while writing it (HDF5 1.10 marks a file open
// for writing in its superblock): HDF5's own h5clear does the same.
void allowUncleanClose(hid_t fapl);
// Complex samples as the compound {r, i}, which h5py and h5netcdf read as complex128;
// `member` is the file type (H5T_IEEE_F64LE) or the memory type (H5T_NATIVE_DOUBLE).
H5Handle complexType(hid_t member);
// A group's creation list: its links and attributes kept in its object header up to 32
// (a run group has some 15 attributes and as many links besides its crefs; not a B-tree
// and heap of their own, about 4 KB a run, measured); `creationOrder` as
// H5Pset_link_creation_order's flags (0: none).
H5Handle compactGroupCreateList(unsigned creationOrder);
bool writeStringAttribute(hid_t object, const std::string& name, const std::string& value);
// Adds scalar string attributes to an object that has none of these names yet: one type,
// one dataspace and no lookup for all of them (a thousand new datasets each get theirs).
bool addStringAttributes(hid_t object,
                         const std::vector<std::pair<const char*, const std::string*>>& values);
bool writeStringListAttribute(hid_t object, const std::string& name,
                              const std::vector<std::string>& values);
bool writeInt64Attribute(hid_t object, const std::string& name, long long value);
bool writeStringDataset(hid_t group, const std::string& name, const std::string& value);
std::string readStringAttribute(hid_t object, const std::string& name);
std::vector<std::string> readStringListAttribute(hid_t object, const std::string& name);
long long readInt64Attribute(hid_t object, const std::string& name, long long fallback);
std::string readStringDataset(hid_t group, const std::string& name);
bool exists(hid_t location, const std::string& path);
// The paths ("/runs/r1/time") of the dimension scales attached to a dataset's dimension.
// Slow on a big file: H5Iget_name of an object opened through a reference searches the
// whole file for a path (a run of a thousand vectors: seconds). Prefer scaleObjectsOf.
std::vector<std::string> scalesOf(hid_t dataset, unsigned dim);
// The object (its address in the file) of the first scale attached to each dimension of a
// dataset, HADDR_UNDEF where none is; empty when the dataset has no DIMENSION_LIST.
std::vector<haddr_t> scaleObjectsOf(hid_t dataset);
// Whether a dataset holds exactly one value (scalar, or a simple extent of one element).
bool holdsOneValue(hid_t dataset);
std::vector<std::string> childNames(hid_t group);
// A dataspace's extent, dimension by dimension (empty for a scalar); a dataset's.
std::vector<hsize_t> extentOf(hid_t space);
std::vector<hsize_t> datasetExtent(hid_t dataset);
} // namespace h5
