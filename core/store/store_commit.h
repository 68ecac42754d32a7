#pragma once

#include "core/base/result.h"

#include <string>

// Moves a finished run from its part file into the store: the only time the store is
// written. The commit holds the store's StoreLock, copies the run group (RunCopy: each
// dataset at exactly its size, the design tree once per store, the dimension scales
// attached again since their references are per file), and closes the store
// through JournalDriver, so that it either lands whole or the store stays as it was. The
// part is deleted only once the store holds the run.
//
// Thread: any but the GUI thread; takes the StoreLock, then h5Mutex().
class StoreCommit {
public:
    // Commits /runs/<runId> of `partPath` into `store` (created if missing) and removes
    // the part. The same run the store holds already is not copied again (a commit that
    // died after the store took the run only left its part behind); a failed or
    // interrupted one there is superseded (kept under /superseded/<runId>/<n>); any other
    // is never replaced, and the part stays (RunCopy).
    static Result<bool> commit(const std::string& store, const std::string& partPath,
                               const std::string& runId);
    // The same, for a caller that holds the StoreLock already.
    static Result<bool> commitLocked(const std::string& store, const std::string& partPath,
                                     const std::string& runId);
    // Creates an empty store (with /runs) if there is none: written beside it and renamed
    // into place, so that no half-made store is ever seen.
    static Result<bool> createIfMissing(const std::string& store);
};
