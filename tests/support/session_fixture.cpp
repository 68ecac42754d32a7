#include "tests/support/session_fixture.h"

#include <QTest>

SessionFixture::SessionFixture() = default;
SessionFixture::~SessionFixture() = default;

Result<bool> SessionFixture::start() {
    if (!m_dir.isValid())
        return Result<bool>::failure("cannot create a temporary folder: " +
                                     m_dir.errorString().toStdString());
    auto session = SimSession::create();
    if (!session)
        return Result<bool>::failure(session.error());
    m_session = std::move(session.value());
    return true;
}

void SessionFixture::stop() {
    m_session.reset();
}

std::string SessionFixture::path(const std::string& name) const {
    return m_dir.filePath(QString::fromStdString(name)).toStdString();
}

RunRequest SessionFixture::request(const std::string& netlist, const std::string& store,
                                   const std::string& runId, ProbeMap map) {
    RunRequest request;
    request.netlistPath = netlist;
    request.storePath = store;
    request.runId = runId;
    request.probeMap = std::move(map);
    return request;
}

std::shared_ptr<RunHandle>
SessionFixture::submit(const RunRequest& request,
                       const std::function<void(RunHandle&)>& beforeStart) {
    return m_session->submit(request, beforeStart);
}

std::shared_ptr<RunHandle>
SessionFixture::runToEnd(const RunRequest& request, int timeoutMs,
                         const std::function<void(RunHandle&)>& beforeStart) {
    auto handle = submit(request, beforeStart);
    handle->waitForFinished(timeoutMs);
    return handle;
}

bool SessionFixture::waitForPoints(const RunHandle& handle, long long points, int timeoutMs) {
    return QTest::qWaitFor([&] { return handle.points() >= points || handle.isFinished(); },
                           timeoutMs);
}

Result<RunData> SessionFixture::read(const std::string& store, const std::string& runId) {
    return ResultStore::readRun(store, runId);
}
