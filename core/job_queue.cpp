#include "job_queue.h"

#include "design_reader.h"
#include "h5_sink.h"
#include "result_store.h"
#include "run_handle.h"
#include "run_metadata.h"
#include "run_netlist.h"
#include "sim_session.h"

#include <QFileInfo>
#include <QMetaObject>
#include <set>

JobQueue::JobQueue(SimSession& session, QObject* parent) : QObject(parent), m_session(session) {
    static const int registered = [] {
        qRegisterMetaType<SimRun>();
        qRegisterMetaType<JobSummary>();
        return 0;
    }();
    (void)registered;
}

JobQueue::~JobQueue() {
    if (m_running && m_current)
        m_session.stop(); // the run's handle outlives us in the session; its signals to us die
}

Result<int> JobQueue::start(const SimJobSpec& spec) {
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
        auto existing = ResultStore::listRuns(spec.storePath());
        if (!existing)
            return R::failure(existing.error());
        std::set<std::string> ids;
        for (const auto& run : existing.value())
            ids.insert(run.runId);
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
    QMetaObject::invokeMethod(this, &JobQueue::submitNext, Qt::QueuedConnection);
    return static_cast<int>(m_runs.size());
}

void JobQueue::stop() {
    if (!m_running || m_stopping)
        return;
    m_stopping = true;
    if (m_current)
        m_session.stop();
}

JobSummary JobQueue::summary() const {
    JobSummary summary;
    summary.job = m_spec.name();
    summary.storePath = m_spec.storePath();
    summary.runs = m_runs;
    summary.stopped = m_stopping;
    return summary;
}

void JobQueue::submitNext() {
    if (!m_running)
        return;
    if (m_stopping) {
        skipRemaining();
        finish();
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
        connect(&handle, &RunHandle::finished, this, &JobQueue::onRunFinished,
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

void JobQueue::onRunFinished(RunStatus status, const QString& message) {
    if (!m_current || m_next == 0)
        return;
    SimRun& run = m_runs[m_next - 1];
    run.status = status;
    run.message = message.toStdString();
    for (const auto& id : m_current->runIds())
        run.runIds.push_back(id.toStdString());
    for (const auto& id : run.runIds) {
        auto measured = ResultStore::readMeasurements(m_spec.storePath(), id);
        if (!measured)
            continue; // the run's message already says why its group is missing
        for (const auto& m : measured.value()) {
            if (run.measurements.count(m.name))
                continue;
            run.measurements[m.name] = m.value;
            if (!m.message.empty())
                run.measurementMessages[m.name] = m.message;
        }
    }
    disconnect(m_current.get(), nullptr, this, nullptr);
    m_current.reset();
    m_currentHandle = nullptr;
    emit runFinished(run);
    submitNext();
}

void JobQueue::skipRemaining() {
    if (m_next >= m_runs.size())
        return;
    const std::string message = "skipped: job stopped";
    auto sink = H5Sink::open(m_spec.storePath());
    const std::string version = m_session.ngspiceVersion().toStdString();
    for (; m_next < m_runs.size(); ++m_next) {
        SimRun& run = m_runs[m_next];
        run.status = RunStatus::Interrupted;
        run.skipped = true;
        run.message = message;
        if (!sink) {
            run.message += " (no run group: " + sink.error() + ")";
            continue;
        }
        // The group records the point as it would have run.
        RunMetadata metadata = requestFor(run).metadata();
        if (auto given =
                RunNetlist::fromText(run.netlistText, m_baseDir, m_spec.netlistPath(), {})) {
            metadata.netlist = given->text();
            metadata.netlistSha256 = given->sha256();
        }
        metadata.ngspiceVersion = version;
        auto created = sink.value()->createRun(metadata);
        if (created)
            created = sink.value()->finishRun(RunStatus::Interrupted, message);
        if (created)
            run.runIds.push_back(run.runId);
        else
            run.message += " (no run group: " + created.error() + ")";
        emit runFinished(run);
    }
}

void JobQueue::finish() {
    m_running = false;
    emit finished(summary());
}

RunRequest JobQueue::requestFor(const SimRun& run) const {
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
