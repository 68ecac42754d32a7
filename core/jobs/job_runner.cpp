#include "core/jobs/job_runner.h"

#include "core/engine/design_reader.h"
#include "core/engine/run_handle.h"
#include "core/engine/sim_session.h"
#include "core/netlist/run_netlist.h"
#include "core/store/h5_sink.h"
#include "core/store/result_store.h"
#include "core/store/run_metadata.h"

#include <QFileInfo>
#include <QMetaObject>
#include <QThreadPool>
#include <set>

JobRunner::JobRunner(SimSession& session, QObject* parent) : QObject(parent), m_session(session) {
    static const int registered = [] {
        qRegisterMetaType<SimRun>();
        qRegisterMetaType<JobSummary>();
        return 0;
    }();
    (void)registered;
}

JobRunner::~JobRunner() {
    if (m_running && m_current)
        m_session.stop();      // the run's handle outlives us in the session; its signals to us die
    m_storePool.waitForDone(); // its task refers to us
}

Result<int> JobRunner::start(const SimJobSpec& spec) {
    using R = Result<int>;
    if (m_running)
        return R::failure("a job is already running (" + m_spec.name() + ")");
    auto runs = spec.expand();
    if (!runs)
        return R::failure(runs.error());

    ProbeMap probeMap;
    if (!spec.probeMapPath().empty()) {
        auto loaded = ProbeMap::loadFile(spec.probeMapPath());
        if (!loaded)
            return R::failure(loaded.error());
        probeMap = loaded.value();
    }
    // Every run records the design's hierarchy, and its crefs name the vectors.
    std::string treeJson;
    if (auto tree = DesignReader::read(spec.netlistPath())) {
        treeJson = tree->toJson();
        probeMap = tree->probeMapFor(probeMap);
    }

    const QString store = QString::fromStdString(spec.storePath());
    if (QFileInfo::exists(store)) {
        // Names only: a store of thousands of runs answers in milliseconds.
        auto existing = ResultStore::runIds(spec.storePath());
        if (!existing)
            return R::failure(existing.error());
        const std::set<std::string> ids(existing->begin(), existing->end());
        for (const auto& run : runs.value())
            if (ids.count(run.runId))
                return R::failure(spec.storePath() + ": already holds run \"" + run.runId +
                                  "\" of job " + spec.name() +
                                  " (the same point of the same netlist); runs are never "
                                  "overwritten: choose another store or change the job");
    }

    m_spec = spec;
    m_runs = std::move(runs.value());
    m_probeMap = std::move(probeMap);
    m_treeJson = std::move(treeJson);
    m_baseDir = QFileInfo(QString::fromStdString(spec.netlistPath())).absolutePath().toStdString();
    m_next = 0;
    m_running = true;
    m_stopping = false;
    // From the event loop, so that whoever started the job can connect first.
    QMetaObject::invokeMethod(this, &JobRunner::submitNext, Qt::QueuedConnection);
    return static_cast<int>(m_runs.size());
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
    // on a pool thread: a stopped job may leave hundreds, and this is the GUI thread.
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
    m_storePool.start([this, store, message, first, groups = std::move(groups), baseDir = m_baseDir,
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
