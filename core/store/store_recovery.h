#pragma once

#include "core/base/result.h"
#include "core/base/run_status.h"

#include <string>
#include <vector>

struct RecoveredRun {
    std::string runId;
    std::string status;  // as the store now records it
    std::string message; // what happened to it
};

// Puts back what a process that died left: undoes an unfinished commit (the store's
// journal) and commits every part file no live process writes. A run still marked running
// gets the status and message given (by default `interrupted`, "the process writing it
// ended"), its datasets cut to the length they all reached, so that it reads like any
// other run. A part HDF5 cannot read is moved to <store>.parts/unreadable/ and the store
// records the run as interrupted with a message saying where it went.
//
// Thread: any but the GUI thread; takes the StoreLock, then h5Mutex().
class StoreRecovery {
public:
    static Result<std::vector<RecoveredRun>> recover(const std::string& store);
    // The same, for a caller that holds the StoreLock already.
    static Result<std::vector<RecoveredRun>> recoverLocked(const std::string& store);
    // One run whose writer the caller saw die (an engine process), with what it knows of
    // how (a signal, the simulated time reached).
    static Result<RecoveredRun> recoverRun(const std::string& store, const std::string& runId,
                                           RunStatus status, const std::string& message);
};
