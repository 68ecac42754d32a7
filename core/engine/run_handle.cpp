#include "core/engine/run_handle.h"

#include "core/base/phase_trace.h"
#include "core/design/hierarchy_tree.h"
#include "core/engine/spice_engine.h"
#include "core/engine/stream_queue.h"
#include "core/netlist/ngspice_output.h"
#include "core/store/h5_sink.h"
#include "core/store/run_metadata.h"

#include <QMetaMethod>
#include <algorithm>
#include <cmath>
#include <pthread.h>

namespace {

constexpr int kPoolBatches = 4;
constexpr int kMaxPoolBatches = 16;
constexpr int kBatchDoubles = 1 << 15; // 256 KB a batch
constexpr size_t kExitContextLines = 12;
// What ngspice 39 prints on every controlled exit after an error; says nothing of the cause.
constexpr const char* kExitBoilerplate = "cannot recover and awaits to be detached";

double percentOf(const std::string& status) {
    if (status.find("--ready--") != std::string::npos)
        return 100.0;
    const auto colon = status.rfind(':');
    if (colon == std::string::npos)
        return -1.0;
    char* end = nullptr;
    const double value = std::strtod(status.c_str() + colon + 1, &end);
    return end && *end == '%' ? value : -1.0;
}

// The units of a design's tree. A job's runs share one tree (a GF180 OTA's is 166 KB of
// JSON, 4 ms to parse): the last one is kept, compared by its text.
VectorUnits unitsOf(const std::string& treeJson, const std::string& runId) {
    static std::mutex mutex;
    static std::string lastJson;
    static VectorUnits lastUnits;
    {
        std::lock_guard lock(mutex);
        if (treeJson == lastJson)
            return lastUnits;
    }
    VectorUnits units;
    if (auto tree = HierarchyTree::fromJson(treeJson, runId + "/tree.json"))
        units = VectorUnits(tree.value());
    else
        return units; // not kept: the next run's message names its own tree
    std::lock_guard lock(mutex);
    lastJson = treeJson;
    lastUnits = units;
    return units;
}

} // namespace

RunHandle::RunHandle(std::string runId, ProbeMap probeMap, std::string storePath,
                     std::string netlist)
    : m_runId(std::move(runId)), m_storePath(std::move(storePath)), m_netlist(std::move(netlist)),
      m_resolver(std::move(probeMap)),
      m_queue(std::make_unique<StreamQueue>(kPoolBatches, kMaxPoolBatches, kBatchDoubles)) {
    static const int registered = [] {
        qRegisterMetaType<SampleBlockPtr>();
        qRegisterMetaType<RunStatus>();
        return 0;
    }();
    (void)registered;
}

RunHandle::~RunHandle() {
    if (m_writer.joinable()) {
        m_queue->push(StreamEvent::abort(RunStatus::Interrupted,
                                         "run handle destroyed before the run ended"));
        m_writer.join();
    }
}

QStringList RunHandle::runIds() const {
    std::lock_guard lock(m_mutex);
    QStringList ids;
    for (const auto& id : m_runIds)
        ids << QString::fromStdString(id);
    return ids;
}

std::vector<MeasureResults::Measurement> RunHandle::measurements() const {
    std::lock_guard lock(m_mutex);
    return m_measurements;
}

void RunHandle::keepMeasurements() {
    const auto& stored = m_sink->finishedMeasurements();
    std::lock_guard lock(m_mutex);
    m_measurements.insert(m_measurements.end(), stored.begin(), stored.end());
}

bool RunHandle::hasBlockReceivers() const {
    static const QMetaMethod batchSignal = QMetaMethod::fromSignal(&RunHandle::batchReady);
    return isSignalConnected(batchSignal);
}

void RunHandle::setStopReason(const std::string& reason) {
    std::lock_guard lock(m_mutex);
    m_stopReason = reason;
}

std::string RunHandle::stopReason() const {
    std::lock_guard lock(m_mutex);
    return m_stopReason.empty() ? "stopped by request" : m_stopReason;
}

void RunHandle::setRemotePaused(bool paused) {
    if (m_paused.exchange(paused) != paused)
        emit pausedChanged(paused);
}

void RunHandle::finishRemotely(RunStatus status, const std::string& message,
                               const std::vector<std::string>& runIds,
                               const std::vector<MeasureResults::Measurement>& measurements) {
    {
        std::lock_guard lock(m_mutex);
        if (m_finished)
            return;
        m_status = status;
        m_message = message;
        m_runIds = runIds;
        m_measurements = measurements;
        m_finished = true;
    }
    if (m_paused.exchange(false))
        emit pausedChanged(false);
    m_finishedChanged.notify_all();
    emit finished(status, QString::fromStdString(message));
}

RunStatus RunHandle::status() const {
    std::lock_guard lock(m_mutex);
    return m_status;
}

QString RunHandle::message() const {
    std::lock_guard lock(m_mutex);
    return QString::fromStdString(m_message);
}

bool RunHandle::isFinished() const {
    std::lock_guard lock(m_mutex);
    return m_finished;
}

bool RunHandle::waitForFinished(int milliseconds) {
    std::unique_lock lock(m_mutex);
    return m_finishedChanged.wait_for(lock, std::chrono::milliseconds(milliseconds),
                                      [this] { return m_finished; });
}

void RunHandle::addMissing(const std::string& what) {
    std::lock_guard lock(m_mutex);
    m_missing.push_back(what);
}

void RunHandle::startWriter(std::unique_ptr<H5Sink> sink, RunMetadata metadata,
                            std::shared_ptr<const VectorUnits> units) {
    m_sink = std::move(sink);
    {
        std::lock_guard lock(m_mutex);
        m_runIds.push_back(metadata.runId);
    }
    m_writer = std::thread(&RunHandle::writerLoop, this,
                           std::make_unique<RunMetadata>(std::move(metadata)), std::move(units));
}

void RunHandle::finishWithoutStore(RunStatus status, const std::string& message) {
    finalize(status, message);
}

void RunHandle::writerLoop(std::unique_ptr<RunMetadata> metadata,
                           std::shared_ptr<const VectorUnits> units) {
    pthread_setname_np(pthread_self(), "wb-writer"); // for top, perf and gdb
    // The units stored are the design's: from its tree where the request had it, else read
    // from its tree.json on this thread, not the session's.
    if (units)
        m_units = *units;
    else if (!metadata->treeJson.empty())
        m_units = unitsOf(metadata->treeJson, m_runId);
    bool hasStarted = false;
    for (;;) {
        StreamEvent event = m_queue->pop();
        switch (event.kind) {
        case StreamEvent::Kind::PlotStarted:
            phase_trace::mark("writer: plot started");
            onPlotStarted(event, *metadata);
            break;
        case StreamEvent::Kind::Data:
            onData(event);
            m_queue->release(std::move(event.batch));
            break;
        case StreamEvent::Kind::Log:
            if (NgspiceOutput::isProgressNoise(event.text))
                break;
            if (m_sink)
                m_sink->addLog(event.text);
            if (NgspiceOutput::isError(event.text))
                m_errorLines +=
                    (m_errorLines.empty() ? "" : "\n") + NgspiceOutput::text(event.text);
            if (event.text.rfind("stderr ", 0) == 0 &&
                event.text.find(kExitBoilerplate) == std::string::npos) {
                m_recentStderr.push_back(NgspiceOutput::text(event.text));
                if (m_recentStderr.size() > kExitContextLines)
                    m_recentStderr.pop_front();
            }
            m_pendingLog << QString::fromStdString(event.text);
            break;
        case StreamEvent::Kind::Status: {
            const double percent = percentOf(event.text);
            flushLogLines();
            emit progress(percent, QString::fromStdString(event.text));
            break;
        }
        case StreamEvent::Kind::BgStarted:
            if (!hasStarted) {
                hasStarted = true;
                emit started();
            } else if (m_paused.exchange(false)) {
                emit pausedChanged(false);
            }
            break;
        case StreamEvent::Kind::BgEnded: {
            if (event.haltReason == HaltReason::Pause) {
                m_paused = true;
                flushLogLines();
                emit pausedChanged(true);
                break;
            }
            if (event.haltReason == HaltReason::Stop)
                finalize(RunStatus::Interrupted, stopReason() + "; partial data kept");
            else if (!m_errorLines.empty())
                finalize(RunStatus::Failed, m_errorLines);
            else
                finalize(RunStatus::Ok, {});
            return;
        }
        case StreamEvent::Kind::EngineExit: {
            std::string reason;
            for (const auto& line : m_recentStderr)
                reason += (reason.empty() ? "" : "\n") + line;
            if (reason.empty())
                reason = m_errorLines;
            finalize(RunStatus::Failed, "ngspice exited (controlled exit, status " +
                                            std::to_string(event.exitStatus) + ")" +
                                            (reason.empty() ? "" : ": " + reason));
            return;
        }
        case StreamEvent::Kind::Abort:
            finalize(event.abortStatus, event.text);
            return;
        }
    }
}

void RunHandle::onPlotStarted(StreamEvent& event, RunMetadata& metadata) {
    if (m_discard || !m_sink || m_afterStop)
        return;
    if (event.haltReason == HaltReason::Stop) {
        // bg_halt only ends the running analysis: a .control loop starts the next one.
        m_afterStop = true;
        return;
    }
    ++m_plotCount;
    const std::string analysis = NgspiceOutput::analysisOf(event.text);
    if (m_plotCount > 1 && m_step >= 0 && metadata.stepping.kind == RunStepping::Kind::Plots &&
        analysis == m_plotAnalysis && event.vectors.size() == m_vectors.size() &&
        std::equal(event.vectors.begin(), event.vectors.end(), m_vectors.begin(),
                   [](const VectorInfo& a, const VectorInfo& b) { return a.name == b.name; })) {
        // The same analysis again, from a .control loop: the next step of this run.
        nextStep();
        return;
    }
    if (m_plotCount > 1) {
        // A netlist with several analyses: each plot gets a run group of its own.
        m_sink->finishRun(m_errorLines.empty() ? RunStatus::Ok : RunStatus::Failed,
                          naming(m_errorLines));
        keepMeasurements();
        metadata.runId = m_runId + "_" + event.text;
        auto created = m_sink->createRun(metadata);
        if (!created) {
            std::lock_guard lock(m_mutex);
            m_status = RunStatus::Failed;
            m_message = created.error();
            m_discard = true;
            emit haltRequested();
            return;
        }
        std::lock_guard lock(m_mutex);
        m_runIds.push_back(metadata.runId);
    }
    m_stepping = metadata.stepping;
    m_plotAnalysis = analysis;
    m_step = m_stepping.steps(analysis) ? 0 : -1;
    m_hasPreviousSweepValue = false;
    m_vectors = event.vectors;
    auto resolution = m_resolver.resolve(m_vectors);
    if (resolution)
        m_units.fill(resolution.value());
    auto begun = resolution ? m_sink->beginPlot(event.text, m_vectors, resolution.value())
                            : Result<bool>::failure(resolution.error());
    if (!begun) {
        std::lock_guard lock(m_mutex);
        m_status = RunStatus::Failed;
        m_message = begun.error();
        m_discard = true;
        emit haltRequested();
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        for (const auto& missing : resolution->missing)
            m_missing.push_back(missing);
    }
    // Column layout of batches, for the blocks handed to live views.
    auto crefs = std::make_shared<std::vector<std::string>>();
    auto names = std::make_shared<std::vector<std::string>>();
    auto units = std::make_shared<std::vector<std::string>>();
    m_blockColumns.clear();
    m_blockComplex.clear();
    m_scaleColumn = -1;
    m_blockCoordinate = resolution->scaleIndex >= 0
                            ? resolution->vectors[static_cast<size_t>(resolution->scaleIndex)].cref
                            : std::string();
    m_blockCoordinateUnit =
        resolution->scaleIndex >= 0
            ? resolution->vectors[static_cast<size_t>(resolution->scaleIndex)].unit
            : std::string();
    int column = 0;
    for (size_t i = 0; i < m_vectors.size(); ++i) {
        if (static_cast<int>(i) == resolution->scaleIndex) {
            m_scaleColumn = column;
        } else {
            crefs->push_back(resolution->vectors[i].cref);
            names->push_back(resolution->vectors[i].vector);
            units->push_back(resolution->vectors[i].unit);
            m_blockColumns.push_back(column);
            m_blockComplex.push_back(m_vectors[i].isComplex);
        }
        column += m_vectors[i].isComplex ? 2 : 1;
    }
    m_blockCrefs = crefs;
    m_blockVectors = names;
    m_blockUnits = units;
    m_plotRows = 0;
}

void RunHandle::nextStep() {
    m_sink->nextStep();
    ++m_step;
    m_plotRows = 0;
    m_hasPreviousSweepValue = false;
}

void RunHandle::onData(StreamEvent& event) {
    if (m_discard || !m_sink || !event.batch || m_afterStop)
        return;
    const SampleBatch& batch = *event.batch;
    if (m_step < 0 || m_stepping.kind != RunStepping::Kind::DcSecondSource || m_scaleColumn < 0) {
        storeRows(batch, 0, batch.rows);
        return;
    }
    // A .dc with two sources is one plot: the inner sweep restarting marks the next step.
    int first = 0;
    for (int row = 0; row < batch.rows; ++row) {
        const double value =
            batch.values[static_cast<size_t>(row) * static_cast<size_t>(batch.columns) +
                         static_cast<size_t>(m_scaleColumn)];
        if (m_hasPreviousSweepValue &&
            ((value - m_previousSweepValue) * m_stepping.innerDirection < 0 ||
             m_stepping.innerPoints == 1)) {
            storeRows(batch, first, row);
            nextStep();
            first = row;
        }
        m_previousSweepValue = value;
        m_hasPreviousSweepValue = true;
    }
    storeRows(batch, first, batch.rows);
}

void RunHandle::storeRows(const SampleBatch& batch, int first, int last) {
    if (first >= last)
        return;
    m_sink->append(batch, first, last);
    if (!m_sink->failure().empty()) {
        // A full disk or a quota: nothing more can be stored, so the run stops here. The
        // sink's finishRun() says why and that the store is unchanged.
        std::lock_guard lock(m_mutex);
        m_status = RunStatus::Failed;
        m_discard = true;
        emit haltRequested();
        return;
    }
    m_points += last - first;
    static const QMetaMethod batchSignal = QMetaMethod::fromSignal(&RunHandle::batchReady);
    if (isSignalConnected(batchSignal) && m_blockCrefs) {
        auto block = std::make_shared<SampleBlock>();
        block->crefs = m_blockCrefs;
        block->vectors = m_blockVectors;
        block->units = m_blockUnits;
        block->firstRow = m_plotRows;
        block->step = m_step;
        if (m_step >= 0) {
            block->stepSource = m_stepping.source;
            block->stepValue = m_stepping.valueAt(m_step);
        }
        block->coordinate = m_blockCoordinate;
        block->coordinateUnit = m_blockCoordinateUnit;
        const size_t rows = static_cast<size_t>(last - first);
        block->coordinateValues.resize(rows);
        block->columns.assign(m_blockColumns.size(), std::vector<double>(rows));
        block->imag.assign(m_blockColumns.size(), {});
        for (size_t c = 0; c < m_blockColumns.size(); ++c)
            if (m_blockComplex[c])
                block->imag[c].resize(rows);
        for (size_t row = 0; row < rows; ++row) {
            const double* source = batch.values.data() + (static_cast<size_t>(first) + row) *
                                                             static_cast<size_t>(batch.columns);
            block->coordinateValues[row] =
                m_scaleColumn >= 0 ? source[m_scaleColumn]
                                   : static_cast<double>(m_plotRows + static_cast<long long>(row));
            for (size_t c = 0; c < m_blockColumns.size(); ++c) {
                block->columns[c][row] = source[m_blockColumns[c]];
                if (m_blockComplex[c])
                    block->imag[c][row] = source[m_blockColumns[c] + 1];
            }
        }
        flushLogLines();
        emit batchReady(std::move(block));
    }
    m_plotRows += last - first;
}

void RunHandle::flushLogLines() {
    if (m_pendingLog.isEmpty())
        return;
    emit logLines(m_pendingLog);
    m_pendingLog.clear();
}

std::string RunHandle::naming(const std::string& message) const {
    if (m_netlist.empty() || message.empty() || message.find(m_netlist) != std::string::npos)
        return message;
    return m_netlist + ": " + message;
}

void RunHandle::finalize(RunStatus status, std::string message) {
    RunStatus final;
    {
        std::lock_guard lock(m_mutex);
        final = worseOf(m_status == RunStatus::Running ? RunStatus::Ok : m_status, status);
        if (!m_message.empty())
            message = m_message + (message.empty() ? "" : "\n" + message);
        if (!m_missing.empty()) {
            final = worseOf(final, RunStatus::Missing);
            std::string list;
            for (const auto& m : m_missing)
                list += (list.empty() ? "" : ", ") + m;
            message +=
                (message.empty() ? "" : "\n") + std::string("not produced by ngspice: ") + list;
        }
        // A stop is not the netlist's failure; every other outcome but ok names it.
        if (final == RunStatus::Failed || final == RunStatus::Missing)
            message = naming(message);
    }
    if (m_sink) {
        if (m_sink->hasRun()) {
            if (auto done = m_sink->finishRun(final, message); !done) {
                final = RunStatus::Failed;
                message = naming(message + (message.empty() ? "" : "\n") + done.error());
            }
            keepMeasurements();
        }
        m_sink.reset(); // closes the file, so that readers see the finished run
    }
    flushLogLines();
    if (m_paused.exchange(false)) // stopped while paused: the run is not paused any more
        emit pausedChanged(false);
    {
        std::lock_guard lock(m_mutex);
        m_status = final;
        m_message = message;
        m_finished = true;
    }
    m_finishedChanged.notify_all();
    emit finished(final, QString::fromStdString(message));
    emit streamEnded();
}
