#pragma once

#include <hdf5.h>
#include <string>

// Copies /runs/<id> from one file (a part, or another store) into a store, object by
// object, so that the store holds each dataset at exactly its size and each design tree
// once:
//  - a chunked dataset (a part's appendable vectors) becomes contiguous at its final
//    extent: the part's last, partly filled chunk (up to 16,384 samples per vector) is
//    not carried into the store, nor a chunk index;
//  - inputs/tree.json becomes a hard link to /trees/<sha256 of the text>, copied there
//    only if the store has no such tree yet: the runs of a job share one tree;
//  - hard links inside the run (a cref and its vectors/<cref>/data) stay one object;
//  - attributes are copied one by one, dimension scales attached again in the store in
//    one go (DimensionScales): object references are per file, and HDF5 1.10.8's H5Ocopy
//    of a group whose datasets carry them crashes (a null call in H5T__conv_vlen).
// Data move in slabs of 1 MB, so a long transient costs no more memory than a short.
//
// Thread: as its caller's (a commit or a merge), with h5Mutex() held.
class RunCopy {
public:
    // False on any HDF5 failure; the caller drops the whole commit then.
    static bool copy(hid_t source, hid_t store, const std::string& runId);
};
