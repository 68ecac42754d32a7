#pragma once

#include "core/base/result.h"
#include "core/jobs/sim_job_spec.h"
#include "core/jobs/sim_run.h"
#include "core/jobs/slurm_submitter.h"
#include "core/store/store_merge.h"

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QTimer>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

// One job run as a Slurm job array from start to merged store, for a front end: plan()
// decides what to submit (what the CLI's --slurm and the GUI's job panel both do), and an
// object of the class submits it, polls the array and the shard stores every two seconds,
// and merges the shards when the array is done.
//
// Thread: an object lives on the thread that creates it (the GUI thread, with an event loop);
// its signals are emitted there. plan(), the submission, every poll and the merge run on its
// pool thread (they block on sbatch/squeue and HDF5). The static plan() runs on the caller's
// thread: never the GUI's.
class SlurmJob : public QObject {
    Q_OBJECT
public:
    struct Choice {
        bool resume = false;      // only the points missing, failed or interrupted
        int shards = 0;           // 0: SlurmSubmitter::defaultShards
        int workersPerTask = 0;   // SlurmSubmitter::Request::workersPerTask
        std::string slurmArgs;    // for sbatch, split as a shell would
        std::string wavebenchRun; // the program the tasks run (absolute)
    };
    struct Plan {
        std::vector<SimRun> runs;   // every point of the job
        std::vector<size_t> points; // the ones to submit; empty: nothing to do
        SlurmSubmitter::Request request;
        // An earlier array's shards, merged first, so that the new tasks start from empty
        // shards and --resume sees what they had done.
        std::optional<MergeReport> earlierMerge;
    };
    // Merges an earlier array's shards, expands the job, reads the store's statuses and
    // picks the points. Refuses a job whose ok runs the store already holds, unless resumed.
    static Result<Plan> plan(const SimJobSpec& spec, const Choice& choice);

    struct Outcome {
        std::string arrayId;
        Result<MergeReport> merge = Result<MergeReport>::failure("not merged");
        std::map<std::string, int> counts; // status (or "absent") -> points of the job
        // Every point of the job as the merged store holds it (status, message); a point
        // not in the store is `failed`, with why (its task failed or was killed).
        std::vector<SimRun> runs;
    };

    // Every point of `runs` as `store` holds it, into outcome.counts and outcome.runs; an
    // unreadable store is an error, with every point counted absent.
    static Result<bool> standing(const std::string& store, const std::vector<SimRun>& runs,
                                 Outcome& outcome);

    explicit SlurmJob(QObject* parent = nullptr);
    ~SlurmJob() override; // waits for the pool: a poll in flight ends first

    // From the event loop: planned() or failed(), then submitted(), progress()..., finished().
    void start(const SimJobSpec& spec, const Choice& choice);
    bool isRunning() const { return m_running; }
    int pointCount() const { return static_cast<int>(m_points); }
    // Every point of the job submitted last, in job order (statuses as planned).
    const std::vector<SimRun>& runs() const { return m_runs; }

signals:
    void submitted(const QString& arrayId, int tasks, int points);
    void progress(const SlurmSubmitter::Progress& progress);
    void finished(const SlurmJob::Outcome& outcome);
    void failed(const QString& message); // nothing submitted, or polling failed

private:
    void poll();
    void merge();
    template <typename Work, typename Then> void offload(Work work, Then then);

    SimJobSpec m_spec;
    std::vector<SimRun> m_runs;
    SlurmSubmitter::Request m_request;
    SlurmSubmitter::Submitted m_submitted;
    size_t m_points = 0;
    bool m_running = false;
    QTimer m_pollTimer;
    QThreadPool m_pool;
};

Q_DECLARE_METATYPE(SlurmSubmitter::Progress)
Q_DECLARE_METATYPE(SlurmJob::Outcome)
