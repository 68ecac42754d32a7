#pragma once

#include "core/base/result.h"
#include "core/engine/sim_session.h"
#include "core/store/result_store.h"

#include <QTemporaryDir>
#include <functional>
#include <memory>
#include <string>

// What the tests that run real libngspice share: the process's one SimSession, a temporary
// folder for their stores, a netlist run to its end, and a run read back from its store.
// Waits are on the run's state (its finished flag, its point count), never on time.
//
// Thread: the test's main thread; the session does its work on its own thread.
class SessionFixture {
public:
    SessionFixture();
    ~SessionFixture();

    // Creates the session (one per process: ngspice is a singleton); the reason on failure.
    Result<bool> start();
    // Ends the session; ngspice stays loaded for a later start().
    void stop();
    SimSession& session() const { return *m_session; }

    // A path in the fixture's temporary folder, for a store or a staged input.
    std::string path(const std::string& name) const;
    QString folder() const { return m_dir.path(); }

    static RunRequest request(const std::string& netlist, const std::string& store,
                              const std::string& runId, ProbeMap map = {});
    // Connect to the run's signals in `beforeStart` (see SimSession::submit).
    std::shared_ptr<RunHandle> submit(const RunRequest& request,
                                      const std::function<void(RunHandle&)>& beforeStart = {});
    // Submits and waits until the run has finished (RunHandle::waitForFinished, a
    // condition variable); `timeoutMs` only bounds a hung run. Check isFinished().
    std::shared_ptr<RunHandle> runToEnd(const RunRequest& request, int timeoutMs = 60000,
                                        const std::function<void(RunHandle&)>& beforeStart = {});
    // Processes events until the run has stored at least `points` points or has ended.
    static bool waitForPoints(const RunHandle& handle, long long points, int timeoutMs = 30000);

    static Result<RunData> read(const std::string& store, const std::string& runId);

private:
    std::unique_ptr<SimSession> m_session;
    QTemporaryDir m_dir;
};

// Declares `const RunData& name` read back from `store`, or fails the test with the
// store's own error (which names the file and the run).
#define READ_RUN(name, store, runId)                                                               \
    const auto name##Read = SessionFixture::read((store), (runId));                                \
    QVERIFY2(name##Read.ok(), name##Read.error().c_str());                                         \
    const RunData& name = name##Read.value()

// The run finished, with `expected` as its status (the message shown when it did not).
#define QVERIFY_RUN_STATUS(handle, expected)                                                       \
    do {                                                                                           \
        QVERIFY2((handle)->isFinished(), "the run did not finish");                                \
        QVERIFY2((handle)->status() == (expected),                                                 \
                 qPrintable(QString::fromStdString(toString((handle)->status())) + ": " +          \
                            (handle)->message()));                                                 \
    } while (0)
