#pragma once

#include "core/base/result.h"
#include "core/engine/run_session.h"

#include <memory>

class QThread;
class EngineLink; // the worker-thread side, in the .cpp

// Runs simulations in a wavebench-engine child process: the same core (SimSession, RunHandle,
// H5Sink) on the far side of a pipe (EngineProtocol). The engine writes the run's part file;
// its sample blocks, progress and log lines arrive here and are re-emitted by a RunHandle
// that stands for the run. When the engine dies (ngspice crashed: SIGSEGV, SIGABRT, a stack
// overflow; or exited), the run ends `failed` with "ngspice crashed (SIGSEGV) at t = …" and
// the data its part holds (StoreRecovery); the next run starts a new engine. Stop asks the
// engine, and kills it when it does not answer within two seconds (ngspice loading a huge
// netlist does not listen): that run ends `interrupted`.
//
// Thread: the object belongs to the thread that created it; submit/stop/pause/resume post
// to a worker QThread ("wb-engine-link") that owns the process, reads its frames and emits
// the RunHandles' signals (receivers elsewhere get them queued, as from SimSession's
// writer threads). The destructor asks the engine to quit and joins the worker.
class EngineClient : public RunSession {
    Q_OBJECT
public:
    // `program`: the engine executable; by default $WAVEBENCH_ENGINE, else wavebench-engine
    // beside this program. Starts it and waits for it to load ngspice.
    static Result<std::unique_ptr<EngineClient>> create(const QString& program = {});
    ~EngineClient() override;

    std::shared_ptr<RunHandle>
    submit(RunRequest request, const std::function<void(RunHandle&)>& beforeStart = {}) override;
    void stop() override;
    void pause() override;
    void resume() override;
    QString ngspiceVersion() const override;
    // The engine's process id (0 while none runs): for tests that kill it.
    qint64 enginePid() const;

private:
    EngineClient() = default;
    QThread* m_thread = nullptr;
    EngineLink* m_link = nullptr; // lives on m_thread; deleted there
    QString m_version;
};
