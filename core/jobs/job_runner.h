#pragma once

#include "core/base/result.h"
#include "core/crefs/probe_map.h"
#include "core/engine/run_request.h"
#include "core/jobs/job_summary.h"
#include "core/jobs/sim_job_spec.h"
#include "core/jobs/sim_run.h"

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

class RunHandle;
class RunSession;

// Runs the points of a job (SimJobSpec::expand()) on one or more sessions (workers), each
// point into a run group of its own in the job's store, with the point's netlist (seed,
// corner libraries, .param lines, analysis: see JobNetlist).
//
// - Workers. Worker 0 is the session given; with Options::workers = N > 1, N - 1 more come
//   from the session factory (engine processes: ngspice is one per process). Points are
//   handed out as workers come free, in the job's order. Each run starts from a freshly
//   loaded ngspice, so a point's runs, ids, attributes and values do not depend on N or on
//   which worker ran it. The extra workers are kept for the next job.
// - A point that fails is recorded as failed, and the job goes on with the next one; a
//   worker whose engine crashed is restarted by its session (EngineClient), its point
//   `failed` with the signal.
// - stop() interrupts the running points (status interrupted, partial data kept). Each point
//   not run yet still gets its run group, with no data, status `interrupted` and message
//   "skipped: job stopped", so that the store shows the whole job; in the summary these
//   runs have skipped = true.
// - The measurements of each run are read back from the store (measurements/, written by
//   H5Sink from ngspice's output) into SimRun::measurements.
// - A job whose run ids are already in the store is refused before anything runs: ids are
//   deterministic (see SimJobSpec) and runs are never overwritten. A point whose run there
//   failed or was interrupted is the exception: it runs again, and its commit moves the
//   earlier run to /superseded/<run_id>/<n> (see docs/store.md; --resume).
//
// Thread: lives on the thread that creates it (the GUI or CLI main thread, with an event
// loop); call it there. Signals are emitted there, from its event loop. The session must
// outlive it. Nothing heavy runs on that thread: the pre-flight of start() (expanding the
// spec, which parses and hashes every point's netlist; reading the design; listing the
// store's run ids; starting extra workers) and the groups of skipped points are done on a
// pool thread, and the measurements come from the runs' writers.
class JobRunner : public QObject {
    Q_OBJECT
public:
    // Makes one more worker: called on a pool thread; the session it returns is moved to
    // the JobRunner's thread.
    using SessionFactory = std::function<Result<std::unique_ptr<RunSession>>()>;
    struct Options {
        int workers = 1; // sessions running points at once; more than 1 needs a factory
        // The points to run, as indices into SimJobSpec::expand() (a shard, a resume);
        // empty: every point. The run ids stay the job's.
        std::vector<size_t> points;
    };

    explicit JobRunner(RunSession& session, QObject* parent = nullptr);
    JobRunner(RunSession& session, SessionFactory moreWorkers, QObject* parent = nullptr);
    ~JobRunner() override;

    // Prepares the job on a pool thread, then either emits accepted() and schedules its
    // first run, or emits refused() and runs nothing (a job already running, a spec or
    // probe map that does not load, a store that cannot be read or already holds one of
    // the job's runs). Either signal comes from the event loop, never from within start().
    void start(const SimJobSpec& spec, const Options& options);
    void start(const SimJobSpec& spec); // every point, on one worker
    // A stop while the job is prepared takes effect once it is accepted: every point is
    // then skipped.
    void stop();
    // From start() until finished() or refused(): a second start() is refused meanwhile.
    bool isRunning() const { return m_running; }
    // The run started last of those executing now; null between runs. Valid until its
    // runFinished().
    RunHandle* currentRun() const;
    // The points of the job (of Options::points), in job order.
    const std::vector<SimRun>& runs() const { return m_runs; }
    // Workers of the job running now (or of the last one); the front end's pid is not one.
    int workerCount() const { return static_cast<int>(m_workers.size()); }
    // False without a factory: every job then runs on the one session.
    bool canAddWorkers() const { return static_cast<bool>(m_factory); }
    // Why extra workers of the last job did not start (the job ran on fewer).
    const std::vector<std::string>& workerErrors() const { return m_workerErrors; }
    JobSummary summary() const;

signals:
    // The job will run: runs() holds its `runCount` points. Before the first progress().
    void accepted(int runCount);
    // Nothing of the job ran, and nothing will; `message` says why.
    void refused(const QString& message);
    // Run `runIndex` (from 0, an index into runs()) of `runCount` is about to start.
    // Emitted before the run can start, with currentRun() already set: a directly connected
    // slot can connect to the run's own signals (live plots) without missing any. With
    // several workers, runs start and finish out of order.
    void progress(int runIndex, int runCount, const QString& runId);
    void runFinished(const SimRun& run);
    void finished(const JobSummary& summary);

private:
    struct Prepared;
    struct Worker;
    // On the pool thread; starts `extraWorkers` sessions from `factory`.
    static void prepare(const SimJobSpec& spec, const Options& options, int extraWorkers,
                        const SessionFactory& factory, QThread* home, Prepared& out);
    void onPrepared();
    // The pool thread hands its result over here, under the mutex (which TSan sees, unlike
    // the queued call that follows), and this thread takes it.
    std::mutex m_preparedMutex;
    std::unique_ptr<Prepared> m_prepared;
    void submitNext();             // hands points to the idle workers
    void submitTo(Worker& worker); // the next point, on that worker
    void onRunFinished(Worker& worker, RunStatus status, const QString& message);
    bool anyRunning() const;
    void skipRemainingThenFinish();
    void finish();
    RunRequest requestFor(const SimRun& run) const;

    RunSession& m_session;
    SimJobSpec m_spec;
    std::vector<SimRun> m_runs;
    size_t m_next = 0; // the next run to submit
    SessionFactory m_factory;
    std::vector<std::unique_ptr<Worker>> m_workers; // [0] is the session given
    int m_wantedWorkers = 1;
    Worker* m_lastStarted = nullptr;
    std::vector<std::string> m_workerErrors; // extra workers that did not start
    ProbeMap m_probeMap;
    std::string m_treeJson;
    std::shared_ptr<const VectorUnits> m_units; // of m_treeJson's tree, shared by every run
    std::vector<std::pair<std::string, std::string>> m_environment; // every run's (RunRequest)
    std::string m_baseDir;
    std::string m_netlistPath; // what the points' netlists are made of (ASDL: the compiled one)
    bool m_running = false;
    bool m_stopping = false;
    // Prepares jobs and writes the groups of skipped points; waited for on destruction.
    QThreadPool m_pool;
};
