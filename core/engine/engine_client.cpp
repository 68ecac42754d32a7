#include "core/engine/engine_client.h"

#include "core/base/spice_number.h"
#include "core/engine/engine_protocol.h"
#include "core/store/store_recovery.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QThread>
#include <QThreadPool>
#include <QTimer>
#include <csignal>
#include <cstring>
#include <deque>
#include <future>

namespace {

constexpr int kStartTimeoutMs = 60000;
constexpr int kStopGraceMs = 2000;

std::string signalName(int signal) {
    const char* abbreviation = sigabbrev_np(signal);
    return abbreviation ? std::string("SIG") + abbreviation : "signal " + std::to_string(signal);
}

QString defaultProgram() {
    const QByteArray fromEnvironment = qgetenv("WAVEBENCH_ENGINE");
    if (!fromEnvironment.isEmpty())
        return QString::fromLocal8Bit(fromEnvironment);
    return QCoreApplication::applicationDirPath() + "/wavebench-engine";
}

} // namespace

// The worker-thread side: owns the engine process, writes requests, reads frames.
class EngineLink : public QObject {
public:
    explicit EngineLink(QString program) : m_program(std::move(program)) {}

    // Starts the engine (if none runs) and waits for its hello. "" or why it failed.
    std::string ensureEngine();
    void submit(std::shared_ptr<RunHandle> handle, RunRequest request);
    void stop();
    void send(const QJsonObject& message);
    void shutDown();
    QString version() const { return m_version; }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }

private:
    struct Job {
        std::shared_ptr<RunHandle> handle;
        RunRequest request;
    };
    void startNext();
    void onReadable();
    void onMessage(const QJsonObject& message);
    void onExited(int exitCode, QProcess::ExitStatus exitStatus);
    void endCurrent(RunStatus status, const std::string& message);

    QString m_program;
    QProcess* m_process = nullptr; // child of this; replaced when an engine dies
    EngineProtocol::Reader m_reader;
    EngineProtocol::Shared m_sent; // what the current engine process holds
    QString m_version;
    std::deque<Job> m_pending;
    std::optional<Job> m_current;
    SampleBlockPtr m_lastBlock;
    QString m_lastProgress; // ngspice's status ("tran: 45.3%"), where no blocks come
    bool m_recovering = false;
    bool m_killedForStop = false;
    bool m_shuttingDown = false;
    QTimer* m_stopTimer = nullptr;
};

std::string EngineLink::ensureEngine() {
    if (m_process && m_process->state() == QProcess::Running)
        return {};
    if (m_process) {
        m_process->disconnect(this);
        m_process->deleteLater();
    }
    m_reader = EngineProtocol::Reader();
    m_sent = {};
    m_version.clear();
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process->start(m_program, {});
    if (!m_process->waitForStarted(kStartTimeoutMs))
        return m_program.toStdString() +
               ": cannot start the engine process: " + m_process->errorString().toStdString();
    // The hello: ngspice is loaded (or why not).
    QJsonObject hello;
    while (hello.isEmpty()) {
        if (auto frame = m_reader.next()) {
            if (!*frame)
                return frame->error();
            hello = QJsonDocument::fromJson(frame->value().payload).object();
            continue;
        }
        if (!m_process->waitForReadyRead(kStartTimeoutMs))
            return m_program.toStdString() + ": the engine process ended before it was ready" +
                   " (exit status " + std::to_string(m_process->exitCode()) + ")";
        m_reader.feed(m_process->readAllStandardOutput());
    }
    if (hello["ev"].toString() != "hello" || hello.contains("error"))
        return m_program.toStdString() + ": " +
               hello["error"].toString("the engine did not say hello").toStdString();
    m_version = hello["version"].toString();
    connect(m_process, &QProcess::readyReadStandardOutput, this, &EngineLink::onReadable);
    connect(m_process, &QProcess::finished, this, &EngineLink::onExited);
    onReadable(); // anything that came with the hello
    return {};
}

void EngineLink::submit(std::shared_ptr<RunHandle> handle, RunRequest request) {
    m_pending.push_back({std::move(handle), std::move(request)});
    startNext();
}

void EngineLink::startNext() {
    if (m_current || m_recovering || m_pending.empty() || m_shuttingDown)
        return;
    Job job = std::move(m_pending.front());
    m_pending.pop_front();
    if (const std::string error = ensureEngine(); !error.empty()) {
        job.handle->finishRemotely(RunStatus::Failed, error, {}, {});
        startNext();
        return;
    }
    m_current = std::move(job);
    m_lastBlock.reset();
    m_lastProgress.clear();
    m_killedForStop = false;
    // Sample blocks cross the pipe only for a front end that plots them (not the CLI).
    if (m_process && m_process->state() == QProcess::Running)
        m_process->write(EngineProtocol::runFrame(m_current->request,
                                                  m_current->handle->hasBlockReceivers(), &m_sent));
    // What the run needs of its request from now on is its names and paths: its large
    // texts (kept in m_sent for the next run where they are the same) are let go.
    RunRequest& sentRequest = m_current->request;
    sentRequest.netlistText = std::string();
    sentRequest.treeJson = std::string();
    sentRequest.units.reset();
    sentRequest.probeMap = ProbeMap();
}

void EngineLink::send(const QJsonObject& message) {
    if (m_process && m_process->state() == QProcess::Running)
        m_process->write(EngineProtocol::frame(message));
}

void EngineLink::stop() {
    if (!m_current)
        return;
    send(QJsonObject{{"op", "stop"}});
    // ngspice inside ngSpice_Circ (a huge netlist loading) or hung does not listen.
    if (!m_stopTimer) {
        m_stopTimer = new QTimer(this);
        m_stopTimer->setSingleShot(true);
        connect(m_stopTimer, &QTimer::timeout, this, [this] {
            if (m_current && m_process && m_process->state() == QProcess::Running) {
                m_killedForStop = true;
                m_process->kill();
            }
        });
    }
    m_stopTimer->start(kStopGraceMs);
}

void EngineLink::onReadable() {
    if (!m_process)
        return;
    m_reader.feed(m_process->readAllStandardOutput());
    while (auto frame = m_reader.next()) {
        if (!*frame) {
            // Not our protocol any more: nothing after this can be trusted.
            std::fprintf(stderr, "wavebench: %s; restarting the engine\n", frame->error().c_str());
            m_process->kill();
            return;
        }
        if (frame->value().kind != EngineProtocol::Kind::Block) {
            onMessage(QJsonDocument::fromJson(frame->value().payload).object());
            continue;
        }
        std::string runId;
        auto block = EngineProtocol::decodeBlock(frame->value().payload, runId, m_lastBlock.get());
        if (!block || !m_current || runId != m_current->request.runId)
            continue;
        m_lastBlock = block.value();
        m_current->handle->addRemotePoints(
            static_cast<long long>(m_lastBlock->coordinateValues.size()));
        emit m_current->handle->batchReady(m_lastBlock);
    }
}

void EngineLink::onMessage(const QJsonObject& message) {
    if (!m_current || message["run"].toString().toStdString() != m_current->request.runId)
        return;
    RunHandle& handle = *m_current->handle;
    const QString event = message["ev"].toString();
    if (event == "started") {
        emit handle.started();
    } else if (event == "progress") {
        if (message["percent"].toDouble() >= 0)
            m_lastProgress = message["text"].toString();
        emit handle.progress(message["percent"].toDouble(), message["text"].toString());
    } else if (event == "log") {
        QStringList lines;
        for (const auto& line : message["lines"].toArray())
            lines << line.toString();
        emit handle.logLines(lines);
    } else if (event == "paused") {
        handle.setRemotePaused(message["paused"].toBool());
    } else if (event == "finished") {
        std::vector<std::string> runIds;
        for (const auto& id : message["runIds"].toArray())
            runIds.push_back(id.toString().toStdString());
        const auto status = runStatusFromString(message["status"].toString().toStdString());
        handle.addRemotePoints(static_cast<long long>(message["points"].toDouble()) -
                               handle.points());
        handle.finishRemotely(
            status.value_or(RunStatus::Failed), message["message"].toString().toStdString(), runIds,
            EngineProtocol::decodeMeasurements(message["measurements"].toArray()));
        m_current.reset();
        if (m_stopTimer)
            m_stopTimer->stop();
        startNext();
    }
}

void EngineLink::onExited(int exitCode, QProcess::ExitStatus exitStatus) {
    onReadable(); // what it said before it died
    if (m_stopTimer)
        m_stopTimer->stop();
    if (!m_current || m_shuttingDown)
        return;
    std::string where = " while loading the netlist";
    if (m_lastBlock && !m_lastBlock->coordinateValues.empty())
        where = " at " + m_lastBlock->coordinate + " = " +
                spice_number::format(m_lastBlock->coordinateValues.back()) +
                (m_lastBlock->coordinateUnit.empty() ? "" : " " + m_lastBlock->coordinateUnit);
    else if (!m_lastProgress.isEmpty())
        where = " during " + m_lastProgress.toStdString();
    RunStatus status = RunStatus::Failed;
    std::string message;
    if (m_killedForStop) {
        status = RunStatus::Interrupted;
        message = "stopped" + where +
                  ": the engine did not answer within 2 s and was killed; the data it had "
                  "flushed are kept";
    } else if (exitStatus == QProcess::CrashExit) {
        message = "ngspice crashed (" + signalName(exitCode) + ")" + where +
                  "; the engine process was restarted";
    } else {
        message = "the engine process exited (status " + std::to_string(exitCode) + ")" + where +
                  "; it was restarted";
    }
    // Named like every failure message, so that a batch's or a job's tells which design.
    const std::string& netlist = m_current->request.netlistPath;
    endCurrent(status, (netlist.empty() ? std::string("<netlist>") : netlist) + ": " + message);
}

// The run's part is committed with what the engine flushed, on a pool thread (HDF5), before
// the next run starts (whose store open would otherwise recover it with a vaguer message).
void EngineLink::endCurrent(RunStatus status, const std::string& message) {
    Job job = std::move(*m_current);
    m_current.reset();
    m_recovering = true;
    QThreadPool::globalInstance()->start([this, job, status, message] {
        const std::string store = job.request.storePath, runId = job.request.runId;
        auto recovered = StoreRecovery::recoverRun(store, runId, status, message);
        std::vector<std::string> runIds;
        std::string text = message;
        if (recovered)
            runIds.push_back(runId);
        else if (!QFileInfo::exists(QString::fromStdString(store + ".parts/" + runId + ".h5")))
            text += " (nothing of the run had been stored)";
        else
            text += " (" + recovered.error() + ")";
        StoreRecovery::recover(store); // any other group the run had begun
        job.handle->finishRemotely(status, text, runIds, {});
        QMetaObject::invokeMethod(this, [this] {
            m_recovering = false;
            startNext();
        });
    });
}

void EngineLink::shutDown() {
    m_shuttingDown = true;
    for (auto& job : m_pending)
        job.handle->finishRemotely(RunStatus::Interrupted, "the session closed before it ran", {},
                                   {});
    m_pending.clear();
    if (m_process && m_process->state() == QProcess::Running) {
        if (m_current)
            send(QJsonObject{{"op", "stop"}});
        m_process->closeWriteChannel(); // the engine quits at the end of its input
        if (!m_process->waitForFinished(30000))
            m_process->kill();
        m_process->waitForFinished(5000);
        onReadable();
    }
    if (m_current)
        m_current->handle->finishRemotely(RunStatus::Interrupted,
                                          "the session closed during the run", {}, {});
    while (m_recovering) // a recovery on the pool posts back here: let it land
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
}

Result<std::unique_ptr<EngineClient>> EngineClient::create(const QString& program) {
    using R = Result<std::unique_ptr<EngineClient>>;
    std::unique_ptr<EngineClient> client(new EngineClient);
    client->m_thread = new QThread;
    client->m_thread->setObjectName("wb-engine-link");
    client->m_link = new EngineLink(program.isEmpty() ? defaultProgram() : program);
    client->m_link->moveToThread(client->m_thread);
    client->m_thread->start();
    std::promise<std::string> started;
    auto result = started.get_future();
    QMetaObject::invokeMethod(client->m_link, [link = client->m_link, &started] {
        started.set_value(link->ensureEngine());
    });
    const std::string error = result.get();
    if (!error.empty())
        return R::failure(error); // the destructor joins the worker
    std::promise<QString> version;
    auto versionResult = version.get_future();
    QMetaObject::invokeMethod(
        client->m_link, [link = client->m_link, &version] { version.set_value(link->version()); });
    client->m_version = versionResult.get();
    return R(std::move(client));
}

EngineClient::~EngineClient() {
    if (m_link) {
        QMetaObject::invokeMethod(
            m_link,
            [link = m_link] {
                link->shutDown();
                delete link;
            },
            Qt::BlockingQueuedConnection);
    }
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
    }
}

std::shared_ptr<RunHandle>
EngineClient::submit(RunRequest request, const std::function<void(RunHandle&)>& beforeStart) {
    if (request.runId.empty())
        request.runId = newRunId();
    auto handle = std::make_shared<RunHandle>(request.runId, request.probeMap, request.storePath,
                                              request.netlistPath);
    if (beforeStart)
        beforeStart(*handle);
    QMetaObject::invokeMethod(m_link,
                              [link = m_link, handle, request = std::move(request)]() mutable {
                                  link->submit(handle, std::move(request));
                              });
    return handle;
}

void EngineClient::stop() {
    QMetaObject::invokeMethod(m_link, [link = m_link] { link->stop(); });
}

void EngineClient::pause() {
    QMetaObject::invokeMethod(m_link, [link = m_link] { link->send({{"op", "pause"}}); });
}

void EngineClient::resume() {
    QMetaObject::invokeMethod(m_link, [link = m_link] { link->send({{"op", "resume"}}); });
}

QString EngineClient::ngspiceVersion() const {
    return m_version;
}

qint64 EngineClient::enginePid() const {
    qint64 pid = 0;
    QMetaObject::invokeMethod(
        m_link, [link = m_link, &pid] { pid = link->pid(); }, Qt::BlockingQueuedConnection);
    return pid;
}
