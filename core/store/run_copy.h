#pragma once

#include "core/base/result.h"
#include "core/store/h5_handle.h"

#include <string>

// Puts one run group of an open source file (a part, a shard store) into a store: the copy
// StoreCommit and StoreMerge share. Private to core/store.
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
    // The copy itself, into an open store (without attributes by H5Ocopy, then the attributes
    // and dimension scales: see the .cpp).
    static bool copy(hid_t source, hid_t storeFile, const std::string& runId);
};
