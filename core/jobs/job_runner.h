#pragma once

#include "core/crefs/probe_map.h"
#include "core/engine/run_request.h"
#include "core/jobs/job_summary.h"
#include "core/jobs/sim_job_spec.h"
#include "core/jobs/sim_run.h"

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

class RunHandle;
class RunSession;

// Runs the points of a job (SimJobSpec::expand()) one after another in the session's single
// ngspice, each into a run group of its own in the job's store, with the point's netlist
// (seed, corner libraries, .param lines, analysis: see JobNetlist).
//
// - A point that fails is recorded as failed, and the job goes on with the next one.
// - stop() interrupts the current run (status interrupted, partial data kept). Each point
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
// store's run ids) and the groups of skipped points are done on a pool thread, and the
// measurements come from the runs' writers.
class JobRunner : public QObject {
    Q_OBJECT
public:
    struct Options {
        int workers = 1;
        std::vector<size_t> points; // indices into expand(); empty = all
    };

    explicit JobRunner(RunSession& session, QObject* parent = nullptr);
    ~JobRunner() override;

    // Prepares the job on a pool thread, then either emits accepted() and schedules its
    // first run, or emits refused() and runs nothing (a job already running, a spec or
    // probe map that does not load, a store that cannot be read or already holds one of
    // the job's runs). Either signal comes from the event loop, never from within start().
    void start(const SimJobSpec& spec);
    // Only the points `options` names (a shard of a job array, what --resume left), each
    // with its index and run id in the whole job: runs() holds those points only.
    void start(const SimJobSpec& spec, const Options& options);
    // A stop while the job is prepared takes effect once it is accepted: every point is
    // then skipped.
    void stop();
    // From start() until finished() or refused(): a second start() is refused meanwhile.
    bool isRunning() const { return m_running; }
    // The run executing now; null between runs. Valid until its runFinished().
    RunHandle* currentRun() const { return m_currentHandle; }
    const std::vector<SimRun>& runs() const { return m_runs; }
    JobSummary summary() const;

signals:
    // The job will run: runs() holds its `runCount` points. Before the first progress().
    void accepted(int runCount);
    // Nothing of the job ran, and nothing will; `message` says why.
    void refused(const QString& message);
    // Run `runIndex` (from 0) of `runCount` is about to start. Emitted before the run can
    // start, with currentRun() already set: a directly connected slot can connect to the
    // run's own signals (live plots) without missing any.
    void progress(int runIndex, int runCount, const QString& runId);
    void runFinished(const SimRun& run);
    void finished(const JobSummary& summary);

private:
    struct Prepared;
    static void prepare(const SimJobSpec& spec, const std::vector<size_t>& points,
                        Prepared& out); // on the pool thread
    void onPrepared();
    // The pool thread hands its result over here, under the mutex (which TSan sees, unlike
    // the queued call that follows), and this thread takes it.
    std::mutex m_preparedMutex;
    std::unique_ptr<Prepared> m_prepared;
    void submitNext();
    void onRunFinished(RunStatus status, const QString& message);
    void skipRemainingThenFinish();
    void finish();
    RunRequest requestFor(const SimRun& run) const;

    RunSession& m_session;
    SimJobSpec m_spec;
    std::vector<SimRun> m_runs;
    size_t m_next = 0; // the next run to submit
    std::shared_ptr<RunHandle> m_current;
    RunHandle* m_currentHandle = nullptr;
    ProbeMap m_probeMap;
    std::string m_treeJson;
    std::string m_baseDir;
    bool m_running = false;
    bool m_stopping = false;
    // Prepares jobs and writes the groups of skipped points; waited for on destruction.
    QThreadPool m_pool;
};
