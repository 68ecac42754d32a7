#pragma once

#include "core/base/run_status.h"
#include "core/crefs/probe_resolver.h"
#include "core/design/vector_units.h"
#include "core/engine/sample_block.h"
#include "core/netlist/measure_results.h"
#include "core/netlist/run_stepping.h"

#include <QObject>
#include <QStringList>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

class H5Sink;
struct SampleBatch;
class StreamQueue;
struct RunMetadata;
struct StreamEvent;

// One run: its id, probe map, sink and status. SimSession creates it; the run's writer
// thread (owned here) drains the StreamQueue that ngspice's callbacks fill, resolves crefs,
// appends to HDF5 and emits the signals below.
//
// Thread: the object belongs to the thread that submitted the run (SimSession::submit
// creates it there); its signals are emitted on the writer thread ("wb-writer"), so
// receivers elsewhere get them through queued connections. The public accessors lock
// m_mutex (or read atomics) and may be called from any thread; the writer-thread state
// below is touched only by the writer. The destructor joins the writer.
class RunHandle : public QObject {
    Q_OBJECT
public:
    // `netlist` is the file the run runs; a failure message names it (when it does not
    // already), so that a message read from a batch, a job or a store tells which design.
    RunHandle(std::string runId, ProbeMap probeMap, std::string storePath,
              std::string netlist = {});
    ~RunHandle() override;

    QString runId() const { return QString::fromStdString(m_runId); }
    QString storePath() const { return QString::fromStdString(m_storePath); }
    const ProbeResolver& resolver() const { return m_resolver; }
    // Every run group this run wrote: one per ngspice plot (".op" then ".tran" makes two).
    QStringList runIds() const;
    // The .measure results stored with the run's groups (all of them, in order), captured
    // by the writer as it stored them: no need to read the store back.
    std::vector<MeasureResults::Measurement> measurements() const;
    RunStatus status() const;
    QString message() const;
    long long points() const { return m_points.load(); }
    bool isFinished() const;
    bool isPaused() const { return m_paused.load(); }
    // Someone is connected to batchReady: blocks are worth building (and, from an engine
    // process, sending).
    bool hasBlockReceivers() const;
    // Blocks the calling thread (not the writer) until finished; false on time-out.
    bool waitForFinished(int milliseconds);

signals:
    void started();
    void progress(double percent, const QString& text);
    void batchReady(SampleBlockPtr block);
    void logLines(const QStringList& lines);
    void pausedChanged(bool paused);
    void finished(RunStatus status, const QString& message);
    // For SimSession: the stream ended, ngspice can be cleaned up. haltRequested: the
    // writer found a fatal problem and wants ngspice stopped.
    void streamEnded();
    void haltRequested();

private:
    friend class SimSession;
    // A run in an engine process (EngineClient's worker): what the engine's own handle
    // reported, or what the worker saw of the engine's death.
    friend class EngineLink;
    void addRemotePoints(long long points) { m_points += points; }
    void setRemotePaused(bool paused);
    void finishRemotely(RunStatus status, const std::string& message,
                        const std::vector<std::string>& runIds,
                        const std::vector<MeasureResults::Measurement>& measurements);
    // Test seam: tests/engine/tst_run_handle.cpp plays SimSession's part (startWriter, then
    // synthetic events into queue()) to drive the writer without ngspice.
    friend class TestRunHandle;
    StreamQueue& queue() { return *m_queue; }
    // Why a stop ends the run, for its message ("stopped by request" unless set).
    void setStopReason(const std::string& reason);
    std::string stopReason() const;
    void addMissing(const std::string& what);
    // Hands the sink (with its run group created) to the writer thread and starts it. Without
    // `units` the writer reads them from the metadata's tree.json.
    void startWriter(std::unique_ptr<H5Sink> sink, RunMetadata metadata,
                     std::shared_ptr<const VectorUnits> units = nullptr);
    // Finishes without a store (it could not be opened).
    void finishWithoutStore(RunStatus status, const std::string& message);

    void writerLoop(std::unique_ptr<RunMetadata> metadata,
                    std::shared_ptr<const VectorUnits> units);
    void onPlotStarted(StreamEvent& event, RunMetadata& metadata);
    void onData(StreamEvent& event);
    // Stores rows [first, last) of a batch and hands them to live views.
    void storeRows(const SampleBatch& batch, int first, int last);
    void nextStep();
    void finalize(RunStatus status, std::string message);
    void flushLogLines();
    std::string naming(const std::string& message) const; // "netlist: message"
    void keepMeasurements(); // writer thread, after the sink finished a run group

    const std::string m_runId;
    const std::string m_storePath;
    const std::string m_netlist;
    const ProbeResolver m_resolver;
    std::unique_ptr<StreamQueue> m_queue;
    std::unique_ptr<H5Sink> m_sink;
    std::thread m_writer;

    mutable std::mutex m_mutex; // guards the fields below and m_finished
    std::condition_variable m_finishedChanged;
    RunStatus m_status = RunStatus::Running;
    std::string m_message;
    std::string m_stopReason;
    std::vector<std::string> m_missing;
    std::vector<std::string> m_runIds;
    std::vector<MeasureResults::Measurement> m_measurements;
    bool m_finished = false;
    std::atomic<long long> m_points{0};
    std::atomic<bool> m_paused{false};

    // Writer-thread state.
    VectorUnits m_units; // from the run's tree.json, when it has one
    std::vector<VectorInfo> m_vectors;
    bool m_discard = false; // a fatal problem was found; keep draining, store nothing more
    int m_plotCount = 0;
    std::shared_ptr<const std::vector<std::string>> m_blockCrefs;
    std::shared_ptr<const std::vector<std::string>> m_blockVectors;
    std::shared_ptr<const std::vector<std::string>> m_blockUnits;
    std::string m_blockCoordinateUnit;
    int m_scaleColumn = -1;
    std::vector<int> m_blockColumns;
    std::vector<char> m_blockComplex;
    std::string m_blockCoordinate;
    long long m_plotRows = 0;
    // The last lines ngspice printed on stderr: a controlled exit's reason ("Undefined
    // parameter [nosuch]") is there, not in a line that reads as an error.
    std::deque<std::string> m_recentStderr;
    // Stepped runs (RunStepping): several sweeps ngspice loops over inside the run.
    RunStepping m_stepping;
    std::string m_plotAnalysis;
    long long m_step = -1; // -1: the current plot is not stepped
    bool m_hasPreviousSweepValue = false;
    double m_previousSweepValue = 0;
    bool m_afterStop = false; // a stopped .control loop goes on; its later plots are dropped
    QStringList m_pendingLog;
    std::string m_errorLines;
};
