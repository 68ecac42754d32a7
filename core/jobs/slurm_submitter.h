#pragma once

#include "core/base/result.h"

#include <QStringList>
#include <string>

// Runs a job on a Slurm cluster as one job array: writes the batch script into
// <store>.shards/, submits it with `sbatch --parsable --array=0-(N-1)`, and tells how the
// array is doing (squeue for its tasks, the shard stores for the runs that landed). Task k
// runs `wavebench-run job SPEC --shard k/N --out <store>.shards/task-k.h5` (JobSelection
// strides the points); StoreMerge then merges the shards into the store.
//
// Thread: any but the GUI thread: submit() and poll() block on sbatch and squeue (QProcess,
// bounded by their timeouts) and poll() reads the shard stores. Plain values otherwise.
class SlurmSubmitter {
public:
    struct Request {
        std::string wavebenchRun; // absolute path of the wavebench-run the tasks run
        std::string specPath;     // absolute
        std::string store;        // absolute: the job's store; shards go beside it
        int shards = 1;           // array tasks
        // Tasks run only what the store misses or holds as failed or interrupted
        // (--resume-from STORE): the store must not change until the array is merged.
        bool resume = false;
        // > 0: each task asks for this many cores (--cpus-per-task) and runs that many
        // engine workers (wavebench-run's --jobs); 0: one core and one engine (a task never
        // sizes itself by the node's cores: it has the CPUs Slurm gave it).
        int workersPerTask = 0;
        QStringList slurmArgs; // given to sbatch before the script
        // How each task opens an ASDL design (--asdlrc FILE, --asdlc PATH, --lib DIR, ...),
        // passed on to every task's wavebench-run job.
        QStringList designArgs;
        std::string sbatch = "sbatch"; // program names, found on PATH
        std::string squeue = "squeue";
        int timeoutSeconds = 60; // for each sbatch or squeue call
    };
    struct Submitted {
        std::string arrayId; // Slurm's job id of the array
        std::string script;  // the batch script written
        int shards = 0;
    };
    struct Progress {
        int runsLanded = 0;    // runs committed into the shard stores so far
        int pending = 0;       // tasks squeue lists as pending
        int running = 0;       // ... as running (or completing)
        bool finished = false; // squeue no longer lists the array
    };

    // min(points, 64): a task per point for small jobs; for large ones few enough that the
    // array stays small for the scheduler and the merge (one shard store per task), and
    // each task runs many points on the engine it started once.
    static int defaultShards(size_t points);
    // `--slurm-args` split as a shell would (QProcess::splitCommand); errors name the text.
    static Result<QStringList> splitArguments(const std::string& text);
    static std::string batchScript(const Request& request);
    static Result<Submitted> submit(const Request& request);
    static Result<Progress> poll(const Request& request, const Submitted& submitted);
};
