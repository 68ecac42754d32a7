#pragma once

#include "core/engine/run_handle.h"
#include "core/engine/run_request.h"

#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <string>

// What a front end (the GUI, wavebench-run, JobRunner) runs simulations through: runs one
// at a time, in submission order, each reported by a RunHandle. SimSession runs ngspice in
// this process; EngineClient runs it in a wavebench-engine child process, which an ngspice
// crash cannot take the front end down with.
//
// Thread: see each implementation; both take submit/stop/pause/resume from the thread that
// created them.
class RunSession : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~RunSession() override = default;

    // Queues a run; the handle reports progress and the outcome. Connect to its signals in
    // `beforeStart`: it runs before the run can start, so no signal is missed even when the
    // run fails at once.
    virtual std::shared_ptr<RunHandle>
    submit(RunRequest request, const std::function<void(RunHandle&)>& beforeStart = {}) = 0;
    virtual void stop();  // the current run ends as interrupted, partial data kept
    virtual void pause(); // halts the running analysis; resume() continues the same run
    virtual void resume();
    // "ngspice-39", as the library announced itself.
    virtual QString ngspiceVersion() const = 0;

    // "run-20261202T101500123-1": unique within the process and the millisecond.
    static std::string newRunId();
};
