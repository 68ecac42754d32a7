#pragma once

#include "core/base/result.h"
#include "core/engine/run_handle.h"
#include "core/engine/run_request.h"
#include "core/engine/run_session.h"
#include "core/engine/spice_engine.h"
#include "core/netlist/circuit_reload.h"

#include <QObject>
#include <QStringList>
#include <QTemporaryFile>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

class QThread;

// Owns the ngspice engine in this process and runs one simulation at a time, in submission
// order (the in-process RunSession: the C++ API, wavebench-engine itself, --in-process).
//
// Thread: the object lives on a worker QThread it creates ("ngspice-session"); every slot
// and every call into SpiceEngine happens there. The public methods below may be called
// from any thread: submit/stop/pause/resume post to the worker, cmd/sourceNetlist/reset
// block on it, ngspiceVersion() neither. Create and destroy it on one thread with an event
// loop; the destructor blocks until the current run has ended.
class SimSession : public RunSession {
    Q_OBJECT
public:
    // One per process: ngspice is a process-wide singleton.
    static Result<std::unique_ptr<SimSession>> create();
    ~SimSession() override;

    // Queues a run; the handle reports progress and the outcome. Connect to its signals in
    // `beforeStart`: it runs before the run can start, so no signal is missed even when the
    // run fails at once.
    std::shared_ptr<RunHandle>
    submit(RunRequest request, const std::function<void(RunHandle&)>& beforeStart = {}) override;
    // The current run ends as interrupted, partial data kept. While ngspice loads the
    // netlist (ngSpice_Circ cannot be interrupted) it ends when the load returns, before
    // anything is simulated; so does a run submitted before the stop that had not started
    // yet (the clients submit one run at a time, after the one before has finished).
    void stop() override;
    // The same, `reason` opening the run's message instead of "stopped by request".
    void stopBecause(const std::string& reason);
    void pause() override; // halts ngspice's background thread; resume() continues the run
    void resume() override;

    // Synchronous engine access (blocks until the worker answers); refused while a run
    // streams. For scripting and tests.
    SpiceEngine::Outcome sourceNetlist(const QString& path);
    SpiceEngine::Outcome cmd(const QString& command);
    SpiceEngine::Outcome reset();
    // "ngspice-39", as the library announced itself when create() loaded it. Any thread,
    // without blocking: the value is fixed once create() returns.
    QString ngspiceVersion() const override;

private:
    SimSession();
    void assertWorkerThread() const;
    void startNext();
    void runNow(const std::shared_ptr<RunHandle>& handle, RunRequest request);
    void abortRun(const std::shared_ptr<RunHandle>& handle, RunStatus status,
                  const std::string& message);
    void onStreamEnded(RunHandle* handle);
    void validateDeviceSaves(RunHandle& handle, const std::vector<std::string>& saves,
                             std::vector<std::string>& valid);
    // Loads the run's circuit: by commands on the circuit still loaded when they give it
    // exactly (CircuitReload), else into a library loaded afresh. Sets m_reloaded.
    SpiceEngine::Outcome loadFor(RunHandle& handle, const RunNetlist& netlist,
                                 const std::string& origin);
    // Runs `work` on the worker thread and waits for it (directly when already there).
    void blockOnWorker(const std::function<void()>& work);
    SpiceEngine::Outcome onWorker(const std::function<SpiceEngine::Outcome()>& work);

    QThread* m_thread = nullptr; // owned: deleted after join in the destructor
    QString m_ngspiceVersion;    // written by create() before anyone else sees the session
    struct Pending {
        std::shared_ptr<RunHandle> handle;
        RunRequest request;
        std::uint64_t sequence; // its submit(), counted from 1
    };
    std::deque<Pending> m_pending;
    std::shared_ptr<RunHandle> m_current;
    bool m_circuitLoaded = false;
    // The circuit kept loaded after an ok run, for the next run to reload by commands
    // (CircuitReload) instead of a new library and ngSpice_Circ. Worker only. Anything else
    // sent to ngspice in between (cmd()) or a run that did not end ok clears m_reusable.
    std::optional<CircuitReload::Deck> m_loadedDeck;
    std::optional<CircuitReload::Facts> m_loadedFacts; // read when a reload is first asked
    std::string m_loadedText, m_loadedOrigin;
    long long m_loadedAtMs = 0; // when ngSpice_Circ read the files of the loaded circuit
    bool m_reusable = false;
    bool m_reloaded = false; // the current run's circuit came from a reload
    // The device saves checked on the loaded circuit's devices, and what they gave: a
    // reloaded circuit has the same devices.
    std::vector<std::string> m_checkedSaves, m_validSaves, m_missingSaves;
    // stop() also marks the runs submitted before it at once, not only through the queue:
    // the worker may be inside ngSpice_Circ (a huge netlist loads for tens of seconds) and
    // cannot take the queued stop until the load returns; then that run simulates nothing.
    // Runs are told apart by their submit() sequence, counted from 1.
    std::atomic<std::uint64_t> m_submitted{0};
    std::atomic<std::uint64_t> m_stoppedUpTo{0};
    std::uint64_t m_currentSequence = 0; // worker only
    bool m_pausedBySession = false;
    // The current run's .control script, sourced from a file (`*ng_script`) in ngspice's
    // background thread; kept until the run ends.
    std::unique_ptr<QTemporaryFile> m_script;
};
