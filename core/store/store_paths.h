#pragma once

#include <string>

// Where a store keeps what is not yet in it, beside the store file:
//   <store>.parts/<run_id>.h5     a run being written (or left by a process that died)
//   <store>.parts/<run_id>.json   what that run is (job, analysis, start), for other readers
//   <store>.parts/commit.lock     flock'd by whoever commits into the store or recovers it
//   <store>.parts/commit.journal  the undo journal of a commit in progress
//   <store>.parts/unreadable/     part files recovery could not read, kept for a person
//   <store>.shards/task-<k>.h5    the store of task k of a job array (a store of its own,
//                                 with its own .parts/), merged into <store> by StoreMerge
//
// Thread: pure functions.
namespace store_paths {

inline std::string partsDir(const std::string& store) {
    return store + ".parts";
}
inline std::string partPath(const std::string& store, const std::string& runId) {
    return partsDir(store) + "/" + runId + ".h5";
}
// What a live run's part is (its job, analysis, start), for a reader in another process,
// which must not read the part itself while it is written.
inline std::string partInfoPath(const std::string& store, const std::string& runId) {
    return partsDir(store) + "/" + runId + ".json";
}
inline std::string lockPath(const std::string& store) {
    return partsDir(store) + "/commit.lock";
}
inline std::string journalPath(const std::string& store) {
    return partsDir(store) + "/commit.journal";
}
inline std::string unreadableDir(const std::string& store) {
    return partsDir(store) + "/unreadable";
}

inline std::string shardsDir(const std::string& store) {
    return store + ".shards";
}
inline std::string shardPath(const std::string& store, int task) {
    return shardsDir(store) + "/task-" + std::to_string(task) + ".h5";
}

} // namespace store_paths
