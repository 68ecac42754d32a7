#include "core/jobs/job_runner.h"

#include "core/engine/run_handle.h"
#include "core/engine/run_planner.h"
#include "core/engine/run_session.h"
#include "core/jobs/job_selection.h"
#include "core/netlist/run_netlist.h"
#include "core/store/h5_sink.h"
#include "core/store/result_store.h"
#include "core/store/run_metadata.h"

#include <QFileInfo>
#include <QMetaObject>
#include <QThread>
#include <QThreadPool>
#include <algorithm>
#include <map>
#include <set>

// A session running the job's points one at a time.
struct JobRunner::Worker {
    RunSession* session = nullptr;
    std::unique_ptr<RunSession> owned; // null for the session JobRunner was given
    std::shared_ptr<RunHandle> current;
    size_t run = 0; // index into m_runs of the current run
};

JobRunner::JobRunner(RunSession& session, QObject* parent)
    : JobRunner(session, SessionFactory{}, parent) {}

JobRunner::JobRunner(RunSession& session, SessionFactory moreWorkers, QObject* parent)
    : QObject(parent), m_session(session), m_factory(std::move(moreWorkers)) {
    static const int registered = [] {
        qRegisterMetaType<SimRun>();
        qRegisterMetaType<JobSummary>();
        return 0;
    }();
    (void)registered;
    auto first = std::make_unique<Worker>();
    first->session = &m_session;
    m_workers.push_back(std::move(first));
}

JobRunner::~JobRunner() {
    // The runs' handles outlive us in the sessions; their signals to us die with us. The
    // extra workers' sessions end their runs (interrupted) as they are destroyed.
    if (m_running && m_workers.front()->current)
        m_session.stop();
    m_pool.waitForDone(); // its tasks refer to us
}

// What the pre-flight found: the job's points and what every run records, or why the job
// is refused; the extra workers it started.
struct JobRunner::Prepared {
    std::string error;
    std::vector<SimRun> runs;
    ProbeMap probeMap;
    std::string treeJson;
    std::shared_ptr<const VectorUnits> units;
    std::string netlistPath; // what ngspice runs: the spec's netlist, or an ASDL design's compiled
    std::vector<std::pair<std::string, std::string>> environment; // the design's .asdlrc env
    std::vector<std::unique_ptr<RunSession>> sessions;
    std::vector<std::string> workerErrors;
};

RunHandle* JobRunner::currentRun() const {
    return m_lastStarted && m_lastStarted->current ? m_lastStarted->current.get() : nullptr;
}

bool JobRunner::anyRunning() const {
    for (const auto& worker : m_workers)
        if (worker->current)
            return true;
    return false;
}

void JobRunner::start(const SimJobSpec& spec) {
    start(spec, Options());
}

void JobRunner::start(const SimJobSpec& spec, const Options& options) {
    if (m_running) {
        const QString why =
            QString::fromStdString("a job is already running (" + m_spec.name() + ")");
        QMetaObject::invokeMethod(
            this, [this, why] { emit refused(why); }, Qt::QueuedConnection);
        return;
    }
    m_spec = spec;
    m_runs.clear();
    m_next = 0;
    m_running = true;
    m_stopping = false;
    m_wantedWorkers = std::max(1, m_factory ? options.workers : 1);
    const int extraWorkers = std::max(0, m_wantedWorkers - static_cast<int>(m_workers.size()));
    // ~JobRunner waits for this task, so `this` is alive when it posts; if it is being
    // destroyed the queued call is dropped with its posted event.
    m_pool.start([this, spec, options, extraWorkers, factory = m_factory, home = thread()] {
        auto prepared = std::make_unique<Prepared>();
        prepare(spec, options, extraWorkers, factory, home, *prepared);
        {
            std::lock_guard lock(m_preparedMutex);
            m_prepared = std::move(prepared);
        }
        QMetaObject::invokeMethod(
            this, [this] { onPrepared(); }, Qt::QueuedConnection);
    });
}

void JobRunner::onPrepared() {
    std::unique_ptr<Prepared> prepared;
    {
        std::lock_guard lock(m_preparedMutex);
        prepared = std::move(m_prepared);
    }
    if (!prepared)
        return;
    if (!prepared->error.empty()) {
        m_running = false;
        m_stopping = false;
        emit refused(QString::fromStdString(prepared->error));
        return;
    }
    for (auto& session : prepared->sessions) {
        auto worker = std::make_unique<Worker>();
        worker->session = session.get();
        worker->owned = std::move(session);
        m_workers.push_back(std::move(worker));
    }
    m_workerErrors = std::move(prepared->workerErrors);
    m_runs = std::move(prepared->runs);
    m_probeMap = std::move(prepared->probeMap);
    m_treeJson = std::move(prepared->treeJson);
    m_units = std::move(prepared->units);
    m_netlistPath = std::move(prepared->netlistPath);
    m_environment = std::move(prepared->environment);
    m_baseDir = QFileInfo(QString::fromStdString(m_netlistPath)).absolutePath().toStdString();
    m_next = 0;
    emit accepted(static_cast<int>(m_runs.size()));
    // From the event loop, so that whoever was told can connect first.
    QMetaObject::invokeMethod(this, &JobRunner::submitNext, Qt::QueuedConnection);
}

// Pool thread: parses and hashes every point's netlist, reads the design and the store,
// starts the extra workers.
void JobRunner::prepare(const SimJobSpec& spec, const Options& options, int extraWorkers,
                        const SessionFactory& factory, QThread* home, Prepared& out) {
    // Every run records the design's hierarchy, and its crefs name the vectors: the same
    // plan a single run of the netlist gets. An ASDL design compiles here (or comes from the
    // compiler's cache), and its netlist is what every point's netlist is made of.
    RunPlanner::Options planning;
    planning.designPath = spec.netlistPath();
    planning.storePath = spec.storePath();
    planning.probeMapPath = spec.probeMapPath();
    planning.open = spec.designOptions();
    auto plan = RunPlanner::planFile(planning);
    if (!plan) {
        out.error = plan.error();
        return;
    }
    out.netlistPath = plan->request.netlistPath;
    out.environment = plan->request.environment;
    auto runs = spec.expand(out.netlistPath);
    if (!runs) {
        out.error = runs.error();
        return;
    }
    if (!options.points.empty()) {
        std::vector<SimRun> selected;
        selected.reserve(options.points.size());
        for (size_t point : options.points) {
            if (point >= runs->size()) {
                out.error = spec.origin() + ": point " + std::to_string(point) + " is not in job " +
                            spec.name() + ", which has " + std::to_string(runs->size()) +
                            " points (0 to " + std::to_string(runs->size() - 1) + ")";
                return;
            }
            selected.push_back(runs.value()[point]);
        }
        runs.value() = std::move(selected);
    }
    out.treeJson = plan->request.treeJson;
    out.units = plan->request.units;
    ProbeMap probeMap = plan->request.probeMap;
    if (QFileInfo::exists(QString::fromStdString(spec.storePath()))) {
        // Names only: a store of thousands of runs answers in milliseconds.
        auto existing = ResultStore::runIds(spec.storePath());
        if (!existing) {
            out.error = existing.error();
            return;
        }
        const std::set<std::string> ids(existing->begin(), existing->end());
        std::map<std::string, std::string> statuses; // read only when an id is there
        for (const auto& run : runs.value())
            if (ids.count(run.runId)) {
                if (statuses.empty()) {
                    auto stored = JobSelection::storedStatuses(spec.storePath());
                    if (!stored) {
                        out.error = stored.error();
                        return;
                    }
                    statuses = std::move(stored.value());
                }
                if (JobSelection::isRerun(statuses[run.runId]))
                    continue; // superseded when its new run is committed
                out.error = spec.storePath() + ": already holds run \"" + run.runId + "\" of job " +
                            spec.name() +
                            " (the same point of the same netlist); runs are never "
                            "overwritten (only failed or interrupted ones run again): choose "
                            "another store, change the job, or --resume";
                return;
            }
    }
    out.runs = std::move(runs.value());
    out.probeMap = std::move(probeMap);
    // No more workers than points; each waits for its engine to load ngspice.
    const int wanted = std::min(extraWorkers, std::max(0, static_cast<int>(out.runs.size()) - 1));
    for (int i = 0; i < wanted; ++i) {
        auto session = factory();
        if (!session) {
            out.workerErrors.push_back(session.error());
            continue;
        }
        session.value()->moveToThread(home);
        out.sessions.push_back(std::move(session.value()));
    }
}

void JobRunner::stop() {
    if (!m_running || m_stopping)
        return;
    m_stopping = true;
    for (auto& worker : m_workers)
        if (worker->current)
            worker->session->stop();
}

JobSummary JobRunner::summary() const {
    JobSummary summary;
    summary.job = m_spec.name();
    summary.storePath = m_spec.storePath();
    summary.runs = m_runs;
    summary.stopped = m_stopping;
    return summary;
}

void JobRunner::submitNext() {
    if (!m_running)
        return;
    if (m_stopping || m_next >= m_runs.size()) {
        if (anyRunning())
            return; // the last run to end comes back here
        if (m_stopping)
            skipRemainingThenFinish();
        else
            finish();
        return;
    }
    const size_t workers = std::min(m_workers.size(), static_cast<size_t>(m_wantedWorkers));
    for (size_t i = 0; i < workers && m_next < m_runs.size(); ++i)
        if (!m_workers[i]->current)
            submitTo(*m_workers[i]);
}

void JobRunner::submitTo(Worker& worker) {
    const size_t index = m_next++;
    const RunRequest request = requestFor(m_runs[index]);
    worker.run = index;
    worker.current = worker.session->submit(request, [this, &worker, index](RunHandle& handle) {
        connect(
            &handle, &RunHandle::finished, this,
            [this, &worker](RunStatus status, const QString& message) {
                onRunFinished(worker, status, message);
            },
            Qt::QueuedConnection);
        // A stop that came while this run was still queued in the session missed it.
        connect(
            &handle, &RunHandle::started, this,
            [this, &worker] {
                if (m_stopping)
                    worker.session->stop();
            },
            Qt::QueuedConnection);
        m_lastStarted = &worker;
        emit progress(static_cast<int>(index), static_cast<int>(m_runs.size()),
                      QString::fromStdString(m_runs[index].runId));
    });
}

void JobRunner::onRunFinished(Worker& worker, RunStatus status, const QString& message) {
    if (!worker.current)
        return;
    SimRun& run = m_runs[worker.run];
    run.status = status;
    run.message = message.toStdString();
    for (const auto& id : worker.current->runIds())
        run.runIds.push_back(id.toStdString());
    // As the writer stored them (first group wins a name), without reading the store here.
    for (const auto& m : worker.current->measurements()) {
        if (run.measurements.count(m.name))
            continue;
        run.measurements[m.name] = m.value;
        if (!m.message.empty())
            run.measurementMessages[m.name] = m.message;
    }
    disconnect(worker.current.get(), nullptr, this, nullptr);
    worker.current.reset();
    if (m_lastStarted == &worker) {
        m_lastStarted = nullptr;
        for (auto& other : m_workers)
            if (other->current)
                m_lastStarted = other.get();
    }
    emit runFinished(run);
    submitNext();
}

void JobRunner::skipRemainingThenFinish() {
    if (m_next >= m_runs.size()) {
        finish();
        return;
    }
    // Each point not run still gets its run group (status interrupted), prepared and written
    // on a pool thread: a stopped job may leave hundreds, and this is the GUI thread. The
    // version was recorded when the session loaded ngspice: asking does not block.
    const std::string message = "skipped: job stopped";
    const std::string version = m_session.ngspiceVersion().toStdString();
    std::vector<std::pair<RunMetadata, std::string>> groups; // and the point's netlist
    const size_t first = m_next;
    for (; m_next < m_runs.size(); ++m_next) {
        SimRun& run = m_runs[m_next];
        run.status = RunStatus::Interrupted;
        run.skipped = true;
        run.message = message;
        RunMetadata metadata = requestFor(run).metadata();
        metadata.ngspiceVersion = version;
        groups.emplace_back(std::move(metadata), run.netlistText);
    }
    const std::string store = m_spec.storePath();
    m_pool.start([this, store, message, first, groups = std::move(groups), baseDir = m_baseDir,
                  origin = m_netlistPath]() mutable {
        std::vector<std::string> errors(groups.size()); // "" when the group was written
        {
            auto sink = H5Sink::open(store);
            for (size_t i = 0; i < groups.size(); ++i) {
                if (!sink) {
                    errors[i] = sink.error();
                    continue;
                }
                // The group records the point as it would have run.
                auto& [metadata, netlistText] = groups[i];
                if (auto given = RunNetlist::fromText(netlistText, baseDir, origin, {})) {
                    metadata.netlist = given->text();
                    metadata.netlistSha256 = given->sha256();
                }
                auto created = sink.value()->createRun(metadata);
                if (created)
                    created = sink.value()->finishRun(RunStatus::Interrupted, message);
                if (!created)
                    errors[i] = created.error();
            }
        } // the store is closed before the runs are reported
        // ~JobRunner waits for this task, so `this` is alive; if it is being destroyed the
        // queued call is dropped with its posted event.
        QMetaObject::invokeMethod(
            this,
            [this, first, errors] {
                for (size_t i = 0; i < errors.size(); ++i) {
                    SimRun& run = m_runs[first + i];
                    if (errors[i].empty())
                        run.runIds.push_back(run.runId);
                    else
                        run.message += " (no run group: " + errors[i] + ")";
                    emit runFinished(run);
                }
                finish();
            },
            Qt::QueuedConnection);
    });
}

void JobRunner::finish() {
    m_running = false;
    emit finished(summary());
}

RunRequest JobRunner::requestFor(const SimRun& run) const {
    RunRequest request;
    request.netlistPath = m_netlistPath;
    request.netlistText = run.netlistText;
    request.environment = m_environment;
    request.baseDir = m_baseDir;
    request.probeMap = m_probeMap;
    request.storePath = m_spec.storePath();
    request.runId = run.runId;
    request.paramsYaml = run.paramsYaml;
    request.treeJson = m_treeJson;
    request.units = m_units;
    request.job = run.job;
    request.analysis = run.analysis;
    request.corner = run.corner;
    request.sweep = run.sweepJson();
    request.sweepIndex = run.sweepIndex;
    request.seed = run.seed;
    return request;
}
