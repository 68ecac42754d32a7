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
#include <QThreadPool>
#include <map>
#include <set>

JobRunner::JobRunner(RunSession& session, QObject* parent) : QObject(parent), m_session(session) {
    static const int registered = [] {
        qRegisterMetaType<SimRun>();
        qRegisterMetaType<JobSummary>();
        return 0;
    }();
    (void)registered;
}

JobRunner::~JobRunner() {
    if (m_running && m_current)
        m_session.stop(); // the run's handle outlives us in the session; its signals to us die
    m_pool.waitForDone(); // its tasks refer to us
}

// What the pre-flight found: the job's points and what every run records, or why the job
// is refused.
struct JobRunner::Prepared {
    std::string error;
    std::vector<SimRun> runs;
    ProbeMap probeMap;
    std::string treeJson;
};

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
    // ~JobRunner waits for this task, so `this` is alive when it posts; if it is being
    // destroyed the queued call is dropped with its posted event.
    m_pool.start([this, spec, points = options.points] {
        auto prepared = std::make_unique<Prepared>();
        prepare(spec, points, *prepared);
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
    m_runs = std::move(prepared->runs);
    m_probeMap = std::move(prepared->probeMap);
    m_treeJson = std::move(prepared->treeJson);
    m_baseDir =
        QFileInfo(QString::fromStdString(m_spec.netlistPath())).absolutePath().toStdString();
    m_next = 0;
    emit accepted(static_cast<int>(m_runs.size()));
    // From the event loop, so that whoever was told can connect first.
    QMetaObject::invokeMethod(this, &JobRunner::submitNext, Qt::QueuedConnection);
}

// Pool thread: parses and hashes every point's netlist, reads the design and the store.
void JobRunner::prepare(const SimJobSpec& spec, const std::vector<size_t>& points, Prepared& out) {
    auto runs = spec.expand();
    if (!runs) {
        out.error = runs.error();
        return;
    }
    if (!points.empty()) {
        std::vector<SimRun> chosen;
        for (size_t point : points) {
            if (point >= runs->size()) {
                out.error = spec.origin() + ": the job has " + std::to_string(runs->size()) +
                            " points; there is no point " + std::to_string(point);
                return;
            }
            chosen.push_back(runs.value()[point]);
        }
        runs.value() = std::move(chosen);
    }
    // Every run records the design's hierarchy, and its crefs name the vectors: the same
    // plan a single run of the netlist gets.
    RunPlanner::Options options;
    options.designPath = spec.netlistPath();
    options.storePath = spec.storePath();
    options.probeMapPath = spec.probeMapPath();
    auto plan = RunPlanner::planFile(options);
    if (!plan) {
        out.error = plan.error();
        return;
    }
    out.treeJson = plan->request.treeJson;
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
}

void JobRunner::stop() {
    if (!m_running || m_stopping)
        return;
    m_stopping = true;
    if (m_current)
        m_session.stop();
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
    if (m_stopping) {
        skipRemainingThenFinish();
        return;
    }
    if (m_next >= m_runs.size()) {
        finish();
        return;
    }
    const SimRun& run = m_runs[m_next];
    const RunRequest request = requestFor(run);
    const int index = static_cast<int>(m_next);
    ++m_next;
    m_current = m_session.submit(request, [this, index](RunHandle& handle) {
        connect(&handle, &RunHandle::finished, this, &JobRunner::onRunFinished,
                Qt::QueuedConnection);
        // A stop that came while this run was still queued in the session missed it.
        connect(
            &handle, &RunHandle::started, this,
            [this] {
                if (m_stopping)
                    m_session.stop();
            },
            Qt::QueuedConnection);
        m_currentHandle = &handle;
        emit progress(index, static_cast<int>(m_runs.size()),
                      QString::fromStdString(m_runs[static_cast<size_t>(index)].runId));
    });
}

void JobRunner::onRunFinished(RunStatus status, const QString& message) {
    if (!m_current || m_next == 0)
        return;
    SimRun& run = m_runs[m_next - 1];
    run.status = status;
    run.message = message.toStdString();
    for (const auto& id : m_current->runIds())
        run.runIds.push_back(id.toStdString());
    // As the writer stored them (first group wins a name), without reading the store here.
    for (const auto& m : m_current->measurements()) {
        if (run.measurements.count(m.name))
            continue;
        run.measurements[m.name] = m.value;
        if (!m.message.empty())
            run.measurementMessages[m.name] = m.message;
    }
    disconnect(m_current.get(), nullptr, this, nullptr);
    m_current.reset();
    m_currentHandle = nullptr;
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
                  origin = m_spec.netlistPath()]() mutable {
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
    request.netlistPath = m_spec.netlistPath();
    request.netlistText = run.netlistText;
    request.baseDir = m_baseDir;
    request.probeMap = m_probeMap;
    request.storePath = m_spec.storePath();
    request.runId = run.runId;
    request.paramsYaml = run.paramsYaml;
    request.treeJson = m_treeJson;
    request.job = run.job;
    request.analysis = run.analysis;
    request.corner = run.corner;
    request.sweep = run.sweepJson();
    request.sweepIndex = run.sweepIndex;
    request.seed = run.seed;
    return request;
}
