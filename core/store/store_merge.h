#pragma once

#include "core/base/result.h"
#include "core/store/store_recovery.h"

#include <string>
#include <vector>

// How a merge went.
struct MergeReport {
    int shards = 0;       // shard stores found
    int copied = 0;       // runs new to the store
    int alreadyThere = 0; // the same run was there already (an earlier, interrupted merge)
    int superseded = 0;   // replaced a failed or interrupted run (kept under /superseded)
    std::vector<RecoveredRun> recovered;    // from parts a killed task left in its shard
    std::vector<std::string> shardsRemoved; // every run of theirs verified in the store
    std::vector<std::string> problems;      // each names the run and the shard; shard kept
};

// Merges the shard stores of a job array (<store>.shards/task-<k>.h5, store_paths) into the
// store, one journaled commit per run (RunCopy, as StoreCommit does for a part), so that a
// merge cut short leaves whole runs only and merging again finishes it:
// - a shard's dead parts (a task killed) are recovered first (StoreRecovery): their runs
//   arrive as interrupted;
// - each run is copied exactly (ids, attributes, values, dimension scales), then read back
//   from the store and compared with the shard (attributes and data bytes);
// - a run the store holds already and equal is skipped; a failed or interrupted one there is
//   superseded by a different one; any other different run is a problem naming it;
// - a shard is deleted only once every run of it is verified in the store and no live
//   process writes into it.
//
// Thread: any but the GUI thread; takes each shard's StoreLock, then the store's, then
// h5Mutex().
class StoreMerge {
public:
    static Result<MergeReport> merge(const std::string& store);
};
