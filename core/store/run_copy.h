#pragma once

#include "core/base/result.h"
#include "core/store/h5_handle.h"

#include <string>

// Puts one run group of an open source file (a part, a shard store) into a store: the copy
// StoreCommit and StoreMerge share. Private to core/store.
//
// The copy is object by object, so that the store holds each dataset at exactly its size
// and each design tree once:
//  - a chunked dataset (a part's appendable vectors) becomes contiguous at its final
//    extent: the part's last, partly filled chunk (up to 16,384 samples per vector) is
//    not carried into the store, nor a chunk index;
//  - inputs/tree.json becomes a hard link to /trees/<sha256 of the text>, copied there
//    only if the store has no such tree yet: the runs of a job share one tree;
//  - hard links inside the run (a cref and its vectors/<cref>/data) stay one object;
//  - attributes are copied one by one, dimension scales attached again in the store in
//    one go (DimensionScales): object references are per file, and HDF5 1.10.8's H5Ocopy
//    of a group whose datasets carry them crashes (a null call in H5T__conv_vlen).
// Data move in slabs of a few MB, so a long transient costs no more memory than a short.
//
// A store that holds the run already keeps it when the source's run is the same, byte for
// byte (a commit or merge that died after the store took the run); a failed or interrupted
// run there is superseded by a different one (moved to /superseded/<run_id>/<n>, in the same
// commit, so that nothing is lost and /runs/<run_id> is the newest attempt); any other run
// there is never replaced (an error naming it).
//
// Thread: any, with h5Mutex() held; the caller holds the store's StoreLock.
class RunCopy {
public:
    enum class Outcome { Copied, AlreadyThere, Superseded };

    // Copies /runs/<runId> of `source` into `store` (created if missing) as one journaled
    // commit: it lands whole or the store stays as it was. `sourceName` names the source in
    // errors.
    static Result<Outcome> intoStore(const std::string& store, hid_t source,
                                     const std::string& sourceName, const std::string& runId);
    // "" when /runs/<runId> of `a` and of `b` hold the same objects, attributes (all but the
    // dimension-scale references, compared as the scales' names instead), dataspaces and data
    // bytes; else the first difference found, naming the object.
    static std::string difference(hid_t a, hid_t b, const std::string& runId);
    // /runs/<runId> of `source` copied into a new HDF5 file in memory (the core driver, no
    // file behind it): a part's plot read, or compared, in the store's layout. Invalid on
    // failure.
    static H5Handle inMemory(hid_t source, const std::string& runId);
    // The copy itself, into an open store; false on any HDF5 failure (the caller drops the
    // whole commit then).
    static bool copy(hid_t source, hid_t storeFile, const std::string& runId);
};
