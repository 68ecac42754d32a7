// wavebench-engine: ngspice in a process of its own, so that a crash in it (a stack overflow,
// SIGSEGV, SIGABRT) never takes a front end down. The front end (EngineClient) starts it
// and speaks EngineProtocol over its stdin and stdout; the runs go through the same core as
// in-process (SimSession, RunHandle, H5Sink), and the engine writes the run files itself.
#include "core/base/phase_trace.h"
#include "core/engine/engine_protocol.h"
#include "core/engine/sim_session.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <malloc.h>
#include <map>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

// The protocol's own descriptors: stdout and stdin are pointed elsewhere, so that nothing
// ngspice or a library prints can get into the frames.
int g_out = -1;
// How long a run may go on once its front end is gone and it was asked to stop.
constexpr int kOrphanGraceMs = 5000;
constexpr int kPipeBytes = 1 << 20;
bool g_outClosed = false; // the front end is gone; the end of stdin says so too

void writeFrame(const QByteArray& frame) {
    if (g_outClosed)
        return;
    const char* data = frame.constData();
    qsizetype left = frame.size();
    while (left > 0) {
        const ssize_t n = ::write(g_out, data, static_cast<size_t>(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            g_outClosed = true; // nobody listens; the run still lands in the store
            return;
        }
        data += n;
        left -= n;
    }
}

void sendEvent(const std::string& runId, QJsonObject message) {
    message["run"] = QString::fromStdString(runId);
    writeFrame(EngineProtocol::frame(message));
}

} // namespace

int main(int argc, char** argv) {
    phase_trace::mark("engine: main");
    // glibc's defaults keep what a run freed: an arena per thread (ngspice's, the writer's,
    // the pipe's) and up to 32 MB of free top before trimming. Measured on the 101-stage
    // ring (bench/bench_headless.py): peak RSS 65 -> 51.5 MB, CPU time unchanged.
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_TRIM_THRESHOLD, 128 << 10);
    mallopt(M_MMAP_THRESHOLD, 128 << 10);
    g_out = dup(STDOUT_FILENO);
    const int in = dup(STDIN_FILENO);
    // A request carries its tree.json (megabytes): through a pipe of 1 MB rather than the
    // default 64 KB it crosses in a few writes, not one front end wake-up per 64 KB. Not a
    // pipe, or a lower limit (/proc/sys/fs/pipe-max-size): the default stays.
    for (const int fd : {in, g_out})
        (void)fcntl(fd, F_SETPIPE_SZ, kPipeBytes);
    dup2(STDERR_FILENO, STDOUT_FILENO);
    if (FILE* null = std::fopen("/dev/null", "r")) {
        dup2(fileno(null), STDIN_FILENO);
        std::fclose(null);
    }
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGXFSZ, SIG_IGN); // a file-size limit is an error naming the file
    QCoreApplication app(argc, argv);
    std::setlocale(LC_NUMERIC, "C"); // ngspice parses numbers with the C locale

    auto session = SimSession::create();
    if (!session) {
        writeFrame(EngineProtocol::frame(
            QJsonObject{{"ev", "hello"}, {"error", QString::fromStdString(session.error())}}));
        return 1;
    }
    phase_trace::mark("engine: ngspice ready");
    writeFrame(EngineProtocol::frame(
        QJsonObject{{"ev", "hello"}, {"version", session.value()->ngspiceVersion()}}));

    std::map<std::string, std::shared_ptr<RunHandle>> running;
    bool frontEndGone = false;
    EngineProtocol::Shared received; // the tree and probe map the front end sent last
    auto onMessage = [&](const QJsonObject& message, std::vector<std::string>& texts) {
        const QString op = message["op"].toString();
        if (op == "stop")
            session.value()->stop();
        else if (op == "pause")
            session.value()->pause();
        else if (op == "resume")
            session.value()->resume();
        if (op != "run")
            return;
        phase_trace::mark("engine: run received");
        RunRequest request = EngineProtocol::decodeRequest(message, std::move(texts), &received);
        const std::string id = request.runId;
        const bool blocks = message["blocks"].toBool(true);
        running[id] = session.value()->submit(std::move(request), [&, id, blocks](RunHandle& run) {
            // Emitted on the run's writer thread; written to the pipe from this one.
            QObject::connect(&run, &RunHandle::started, &app, [id] {
                sendEvent(id, {{"ev", "started"}});
            });
            QObject::connect(
                &run, &RunHandle::progress, &app,
                [id, last = QElapsedTimer()](double percent, const QString& text) mutable {
                    // ngspice reports progress about every time point: a few a second
                    // are all a progress bar shows, and all the pipe should carry.
                    if (percent >= 0 && last.isValid() && last.elapsed() < 50)
                        return;
                    last.start();
                    sendEvent(id, {{"ev", "progress"}, {"percent", percent}, {"text", text}});
                });
            QObject::connect(&run, &RunHandle::logLines, &app, [id](const QStringList& lines) {
                sendEvent(id, {{"ev", "log"}, {"lines", QJsonArray::fromStringList(lines)}});
            });
            QObject::connect(&run, &RunHandle::pausedChanged, &app, [id](bool paused) {
                sendEvent(id, {{"ev", "paused"}, {"paused", paused}});
            });
            if (blocks)
                QObject::connect(&run, &RunHandle::batchReady, &app, [id](SampleBlockPtr block) {
                    writeFrame(EngineProtocol::frame(*block, id));
                });
            QObject::connect(
                &run, &RunHandle::finished, &app,
                [&, id, raw = &run](RunStatus status, const QString& text) {
                    QJsonArray ids;
                    for (const auto& runId : raw->runIds())
                        ids.append(runId);
                    sendEvent(id, {{"ev", "finished"},
                                   {"status", QString::fromStdString(toString(status))},
                                   {"message", text},
                                   {"runIds", ids},
                                   {"points", double(raw->points())},
                                   {"measurements", EngineProtocol::encode(raw->measurements())}});
                    running.erase(id);
                    if (frontEndGone && running.empty())
                        QCoreApplication::quit();
                });
        });
    };

    // Requests are read on a thread of their own (a blocking read of the pipe) and handled
    // on this one; the end of the input is the front end's "quit".
    std::thread reader([&, in] {
        EngineProtocol::Reader frames;
        std::vector<char> buffer(kPipeBytes);
        for (;;) {
            const ssize_t n = ::read(in, buffer.data(), buffer.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            frames.feed(buffer.data(), static_cast<qsizetype>(n));
            while (auto frame = frames.next()) {
                if (!*frame || frame->value().kind == EngineProtocol::Kind::Block)
                    continue;
                const QJsonObject message =
                    QJsonDocument::fromJson(frame->value().payload).object();
                // The texts (a request's tree.json, megabytes) are moved, not copied, across.
                auto texts =
                    std::make_shared<std::vector<std::string>>(std::move(frame->value().texts));
                QMetaObject::invokeMethod(
                    &app, [&onMessage, message, texts] { onMessage(message, *texts); });
            }
        }
        QMetaObject::invokeMethod(&app, [&] {
            // The front end is gone (it quit, or was killed): its run ends interrupted and is
            // committed with all its data, and then this engine goes too.
            frontEndGone = true;
            if (running.empty())
                app.quit();
            else {
                session.value()->stopBecause("stopped: the front end that started this run "
                                             "went away (it was killed or crashed)");
                // ngspice does not always listen (a netlist still loading, a phase that never
                // polls for a halt): an orphaned engine must not simulate on for ever. Its
                // part stays beside the store, and the next process to open the store
                // recovers it as interrupted.
                QTimer::singleShot(kOrphanGraceMs, [] {
                    std::fprintf(stderr,
                                 "wavebench-engine: the run did not stop within %d s "
                                 "of its front end going away; exiting\n",
                                 kOrphanGraceMs / 1000);
                    std::_Exit(4);
                });
            }
        });
    });
    reader.detach(); // blocked in read() until the pipe closes; the process ends with it
    const int status = app.exec();
    session.value().reset(); // waits for the current run to end, stopped
    return status;
}
