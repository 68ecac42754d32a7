#pragma once

#include "core/base/result.h"
#include "core/jobs/sim_run.h"

#include <map>
#include <string>
#include <vector>

// Which points of a job (indices into SimJobSpec::expand()) a run takes on: the shard of one
// task of a job array, and what --resume has left to do. Pure logic, but for
// storedStatuses(), which lists a store; any thread but the GUI's for that one.
//
// Shards are strided: shard k of n takes the k-th, (k+n)-th, (k+2n)-th ... of the given
// points. A job's points are ordered corner, sweep point, seed, so neighbours cost alike
// (the same corner and nearly the same parameters); striding gives every shard a slice of
// each corner and of each end of a sweep, where a block split would give one shard all the
// slow corner. Shard sizes differ by one at most.
class JobSelection {
public:
    struct Shard {
        int index = 0; // k, from 0
        int count = 1; // n
    };
    // "K/N" with 0 <= K < N; errors name the text.
    static Result<Shard> parseShard(const std::string& text);
    // 0 .. count-1.
    static std::vector<size_t> all(size_t count);
    // The points of `points` shard `shard` takes, in their order.
    static std::vector<size_t> shard(const std::vector<size_t>& points, Shard shard);
    // The points to run again: those whose run id `statuses` does not hold, and those it
    // holds as failed or interrupted. `statuses`: run id -> status, as storedStatuses().
    static std::vector<size_t> toResume(const std::vector<SimRun>& runs,
                                        const std::map<std::string, std::string>& statuses);
    // The status of every run a store holds (empty for a store that does not exist yet).
    static Result<std::map<std::string, std::string>> storedStatuses(const std::string& store);
    // Whether a run with this stored status is replaced by running its point again.
    static bool isRerun(const std::string& status);
};
