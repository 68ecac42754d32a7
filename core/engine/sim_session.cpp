#include "core/engine/sim_session.h"

#include "core/base/phase_trace.h"
#include "core/design/spice_reader.h"
#include "core/engine/stream_queue.h"
#include "core/netlist/measure_results.h"
#include "core/store/h5_sink.h"
#include "core/store/run_metadata.h"

#include <QDateTime>
#include <QDir>
#include <QThread>
#include <atomic>
#include <future>
#include <set>

namespace {

std::atomic<bool> g_sessionExists{false};

} // namespace

SimSession::SimSession() = default;

Result<std::unique_ptr<SimSession>> SimSession::create() {
    using R = Result<std::unique_ptr<SimSession>>;
    if (g_sessionExists.exchange(true))
        return R::failure("a SimSession already exists: ngspice is one per process");
    std::unique_ptr<SimSession> session(new SimSession);
    session->m_thread = new QThread;
    session->m_thread->setObjectName("ngspice-session");
    session->moveToThread(session->m_thread);
    session->m_thread->start();
    auto loaded = session->onWorker([] { return SpiceEngine::instance().ensureLoaded(); });
    if (!loaded.ok)
        return R::failure(loaded.message);
    // Recorded now, while the caller waits anyway, so that asking later never blocks. A
    // reload after a controlled exit loads the same library file, of the same version.
    auto version = session->onWorker([] {
        return SpiceEngine::Outcome{true, SpiceEngine::instance().version(), {}};
    });
    session->m_ngspiceVersion = QString::fromStdString(version.message);
    return R(std::move(session));
}

SimSession::~SimSession() {
    std::shared_ptr<RunHandle> current;
    blockOnWorker([this, &current] {
        for (auto& pending : m_pending)
            pending.handle->finishWithoutStore(RunStatus::Interrupted,
                                               "session closed before the run started");
        m_pending.clear();
        current = m_current;
        if (!m_current)
            return;
        auto& engine = SpiceEngine::instance();
        if (engine.isRunning())
            engine.halt(HaltReason::Stop);
        else
            abortRun(m_current, RunStatus::Interrupted, "session closed during the run");
    });
    if (current)
        current->waitForFinished(30000);
    blockOnWorker([this] {
        if (m_current)
            onStreamEnded(m_current.get());
    });
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    g_sessionExists = false;
}

void SimSession::assertWorkerThread() const {
    Q_ASSERT(QThread::currentThread() == m_thread);
}

void SimSession::blockOnWorker(const std::function<void()>& work) {
    if (QThread::currentThread() == m_thread) {
        work();
        return;
    }
    // A std::promise rather than Qt::BlockingQueuedConnection: both wait the same way, but
    // the promise hands back through a std::atomic ThreadSanitizer sees, where Qt's
    // semaphore (in a Qt not built for TSan) hides that everything `work` wrote is ready.
    std::promise<void> done;
    auto finished = done.get_future();
    QMetaObject::invokeMethod(
        this,
        [&work, &done] {
            work();
            done.set_value();
        },
        Qt::QueuedConnection);
    finished.wait();
}

SpiceEngine::Outcome SimSession::onWorker(const std::function<SpiceEngine::Outcome()>& work) {
    SpiceEngine::Outcome outcome;
    blockOnWorker([&] { outcome = work(); });
    return outcome;
}

std::shared_ptr<RunHandle> SimSession::submit(RunRequest request,
                                              const std::function<void(RunHandle&)>& beforeStart) {
    if (request.runId.empty())
        request.runId = RunSession::newRunId();
    const std::uint64_t sequence = ++m_submitted;
    auto handle = std::make_shared<RunHandle>(request.runId, request.probeMap, request.storePath,
                                              request.netlistPath);
    if (beforeStart)
        beforeStart(*handle);
    // The request goes over in a shared_ptr: Qt may destroy the queued lambda on this
    // thread after the session ran it, and the shared count (which TSan sees, where it
    // cannot see Qt's own) orders the session's move out of it before that destruction.
    auto shared = std::make_shared<RunRequest>(std::move(request));
    QMetaObject::invokeMethod(
        this,
        [this, handle, sequence, shared] {
            // Dropped when this returns, after the move: its decrement orders the move
            // before the free, on whichever thread drops the last reference.
            const auto request = shared;
            m_pending.push_back({handle, std::move(*request), sequence});
            startNext();
        },
        Qt::QueuedConnection);
    return handle;
}

void SimSession::startNext() {
    assertWorkerThread();
    if (m_current || m_pending.empty())
        return;
    Pending next = std::move(m_pending.front());
    m_pending.pop_front();
    auto& handle = next.handle;
    m_currentSequence = next.sequence;
    m_current = handle;
    connect(
        handle.get(), &RunHandle::streamEnded, this,
        [this, raw = handle.get()] { onStreamEnded(raw); }, Qt::QueuedConnection);
    connect(
        handle.get(), &RunHandle::haltRequested, this,
        [] { SpiceEngine::instance().halt(HaltReason::Stop); }, Qt::QueuedConnection);
    runNow(handle, std::move(next.request));
}

void SimSession::abortRun(const std::shared_ptr<RunHandle>& handle, RunStatus status,
                          const std::string& message) {
    handle->queue().push(StreamEvent::abort(status, message));
}

void SimSession::runNow(const std::shared_ptr<RunHandle>& handle, RunRequest request) {
    auto& engine = SpiceEngine::instance();
    const std::string origin = request.netlistPath.empty() ? "<netlist>" : request.netlistPath;
    // Before the netlist is read and ngspice loads it: what it reads of the environment.
    for (const auto& [name, value] : request.environment)
        qputenv(name.c_str(), QByteArray::fromStdString(value));
    auto netlist =
        request.netlistText.empty()
            ? RunNetlist::fromFile(request.netlistPath, request.tran)
            : RunNetlist::fromText(request.netlistText, request.baseDir, origin, request.tran);

    phase_trace::mark("engine: runNow");
    auto sink = H5Sink::open(request.storePath);
    if (!sink) {
        handle->finishWithoutStore(RunStatus::Failed, sink.error());
        return;
    }
    // The request's tree.json moves into the metadata, and with it into the writer: one copy
    // of megabytes, not three.
    auto units = std::move(request.units);
    RunMetadata metadata = std::move(request).metadata();
    if (netlist) {
        metadata.netlist = netlist->text();
        metadata.netlistSha256 = netlist->sha256();
        metadata.dcSweepSource = netlist->dcSweepSource();
        metadata.stepping = netlist->stepping();
    }
    metadata.ngspiceVersion = engine.version();
    std::string treeNote;
    if (metadata.treeJson.empty() && !request.netlistPath.empty()) {
        // Every run records the hierarchy it ran, so that a store opened later shows it.
        auto tree = SpiceReader::readFile(request.netlistPath);
        if (tree) {
            metadata.treeJson = tree->toJson();
            if (!units)
                units = std::make_shared<const VectorUnits>(tree.value());
        } else
            treeNote = "wavebench note: no tree.json for this run: " + tree.error();
    }
    if (auto created = sink.value()->createRun(metadata); !created) {
        handle->finishWithoutStore(RunStatus::Failed, created.error());
        return;
    }
    phase_trace::mark("engine: run created");
    handle->startWriter(std::move(sink.value()), std::move(metadata), std::move(units));
    if (!netlist) {
        abortRun(handle, RunStatus::Failed, netlist.error());
        return;
    }
    auto circuit = loadFor(*handle, netlist.value(), origin);
    phase_trace::mark("engine: circuit loaded");
    if (!treeNote.empty())
        handle->queue().push(StreamEvent::log(treeNote));
    for (const auto& note : netlist->notes())
        handle->queue().push(StreamEvent::log("wavebench " + note));
    if (!circuit.ok) {
        abortRun(handle, RunStatus::Failed,
                 m_circuitLoaded ? origin + ": " + circuit.message : circuit.message);
        return;
    }
    if (m_currentSequence <= m_stoppedUpTo.load()) {
        // ngSpice_Circ cannot be interrupted: the stop waited for the load to end.
        abortRun(handle, RunStatus::Interrupted,
                 "stopped while ngspice loaded the netlist; nothing was simulated");
        return;
    }

    // Stream every node and branch without ngspice keeping them in memory, plus the
    // device parameters asked for. A save naming a device ngspice does not know silences
    // the whole data callback, so each one is checked first.
    std::vector<std::string> saves = netlist->deviceSaves();
    for (const auto& v : handle->resolver().deviceParameterVectors())
        if (std::find(saves.begin(), saves.end(), v) == saves.end())
            saves.push_back(v);
    std::vector<std::string> valid;
    if (m_reloaded && saves == m_checkedSaves) {
        valid = m_validSaves;
        for (const auto& missing : m_missingSaves)
            handle->addMissing(missing);
    } else {
        validateDeviceSaves(*handle, saves, valid);
    }
    // .measure reads the plot ngspice keeps in memory, which `save none` leaves empty (every
    // measure then fails "out of interval"). A netlist with measures therefore keeps its plot
    // (`save all` streams the same vectors), and memory grows with the run until the plot is
    // destroyed after it.
    phase_trace::mark("engine: saves checked");
    const bool measures = !MeasureResults::declared(netlist->text()).empty();
    engine.command(measures ? "save all" : "save none");
    for (const auto& command : ProbeResolver::saveCommands(valid))
        engine.command(command);

    m_pausedBySession = false;
    std::string command = "run";
    if (!netlist->controlScript().empty()) {
        // A .control loop must run in ngspice's background thread like `run` does, so that
        // the session stays responsive and bg_halt can stop it. ngspice sources a file
        // starting with *ng_script as commands, keeping the loaded circuit.
        m_script = std::make_unique<QTemporaryFile>(QDir::temp().filePath("wavebench-XXXXXX.sp"));
        bool written = m_script->open();
        if (written) {
            std::string script = "*ng_script\n.control\n";
            for (const auto& line : netlist->controlScript())
                script += line + "\n";
            script += ".endc\n";
            written = m_script->write(script.data(), static_cast<qint64>(script.size())) ==
                          static_cast<qint64>(script.size()) &&
                      m_script->flush();
        }
        if (!written) {
            abortRun(handle, RunStatus::Failed,
                     "cannot write the .control script to " + m_script->fileName().toStdString() +
                         ": " + m_script->errorString().toStdString());
            return;
        }
        // ngspice's source takes the path verbatim: quotes would become part of it.
        const std::string path = m_script->fileName().toStdString();
        if (path.find_first_of(" \t") != std::string::npos) {
            abortRun(handle, RunStatus::Failed,
                     "cannot run the .control script: ngspice cannot source \"" + path +
                         "\" (a space in the path); set TMPDIR to a directory without one");
            return;
        }
        command = "source " + path;
    }
    phase_trace::mark("engine: bg started");
    if (auto started = engine.startBackground(command); !started.ok)
        abortRun(handle, RunStatus::Failed, started.message);
}

SpiceEngine::Outcome SimSession::loadFor(RunHandle& handle, const RunNetlist& netlist,
                                         const std::string& origin) {
    auto& engine = SpiceEngine::instance();
    const bool reusable = m_reusable;
    m_reusable = false;
    m_reloaded = false;
    CircuitReload::Deck deck = CircuitReload::deckFor(netlist.lines());
    if (reusable && m_loadedDeck && netlist.controlScript().empty() && !engine.isBroken() &&
        !engine.isRunning() && CircuitReload::mayReload(*m_loadedDeck, deck)) {
        if (!m_loadedFacts) // once per loaded circuit: reads its includes (the PDK)
            m_loadedFacts = CircuitReload::factsOf(m_loadedText, m_loadedOrigin);
        // The stored deck holds the files as ngspice read them at the load.
        const bool unchanged = CircuitReload::filesUnchanged(*m_loadedFacts, m_loadedAtMs);
        if (!unchanged)
            m_loadedFacts.reset(); // read them again for the next run
        auto commands =
            unchanged ? CircuitReload::reload(*m_loadedDeck, *m_loadedFacts, deck) : std::nullopt;
        if (commands) {
            // Run before the stream is attached: a command ngspice refuses must not become
            // the run's error; the circuit is then loaded afresh instead.
            std::vector<std::string> output;
            bool ok = true;
            for (const auto& command : *commands) {
                auto done = engine.command(command);
                output.insert(output.end(), done.output.begin(), done.output.end());
                if (!(ok = done.ok))
                    break;
            }
            if (ok) {
                engine.attach(&handle.queue());
                for (auto& line : output) // what the run's log would have said of the load
                    handle.queue().push(StreamEvent::log(std::move(line)));
                m_loadedDeck = std::move(deck);
                m_loadedText = netlist.text();
                m_circuitLoaded = true;
                m_reloaded = true;
                return {true, {}, {}};
            }
        }
    }
    // Every other run starts from a library as a new process has it: B after A gives
    // exactly what B alone gives.
    // The facts hold for every deck reload() compares with this one (they do not depend
    // on the seed, the parameters' values or comments): a sweep that must load each point
    // afresh reads the includes once, not a point.
    if (!m_loadedDeck || !CircuitReload::mayReload(*m_loadedDeck, deck))
        m_loadedFacts.reset();
    m_loadedDeck.reset();
    m_checkedSaves.clear();
    if (auto loaded = engine.ensureFresh(); !loaded.ok)
        return loaded;
    engine.attach(&handle.queue());
    if (deck.seed >= 0) // instead of the deck's seed line: the same draws (CircuitReload)
        if (auto seeded = engine.command("setseed " + std::to_string(deck.seed)); !seeded.ok)
            return seeded;
    m_loadedAtMs = QDateTime::currentMSecsSinceEpoch();
    auto circuit = engine.loadCircuit(deck.lines);
    m_circuitLoaded = true;
    if (circuit.ok) {
        m_loadedText = netlist.text();
        m_loadedOrigin = origin;
        m_loadedDeck = std::move(deck);
    }
    return circuit;
}

void SimSession::validateDeviceSaves(RunHandle& handle, const std::vector<std::string>& saves,
                                     std::vector<std::string>& valid) {
    auto& engine = SpiceEngine::instance();
    m_checkedSaves = saves;
    m_validSaves.clear();
    m_missingSaves.clear();
    for (const auto& save : saves) {
        // "@m.xota1.m1[gm]" -> show m.xota1.m1 : gm
        const auto open = save.find('[');
        const auto close = save.find(']', open);
        if (open == std::string::npos || close == std::string::npos || save.size() < 4) {
            handle.addMissing(save + " (not of the form @device[parameter])");
            continue;
        }
        const std::string device = save.substr(1, open - 1);
        const std::string parameter = save.substr(open + 1, close - open - 1);
        auto shown = engine.command("show " + device + " : " + parameter);
        bool known = false, unknownParameter = false;
        for (const auto& out : shown.output) {
            if (out.find("No matching") != std::string::npos)
                known = false, unknownParameter = false;
            if (out.find("device") != std::string::npos)
                known = true;
            if (out.find("?????") != std::string::npos)
                unknownParameter = true;
        }
        if (!known)
            m_missingSaves.push_back(save + " (no device " + device + ")");
        else if (unknownParameter)
            m_missingSaves.push_back(save + " (device " + device + " has no parameter " +
                                     parameter + ")");
        else
            valid.push_back(save);
    }
    for (const auto& missing : m_missingSaves)
        handle.addMissing(missing);
    m_validSaves = valid;
}

void SimSession::onStreamEnded(RunHandle* handle) {
    phase_trace::mark("engine: stream ended");
    assertWorkerThread();
    if (!m_current || m_current.get() != handle)
        return;
    auto& engine = SpiceEngine::instance();
    // The writer saw BgEnded, but ngspice's thread may still be returning from that
    // callback: wait for its end. Bounded only for an ngspice that hangs (the session's
    // destructor gives up on such a run); detach() is safe even then, since no callback
    // can reach the queue after it, so the handle and its queue may go.
    const bool ended = engine.waitUntilBackgroundEnded(std::chrono::seconds(5));
    engine.detach();
    if (!ended)
        qWarning("wavebench: ngspice's background thread did not end; its run is detached");
    if (ended && m_circuitLoaded && !engine.isBroken()) {
        // Free the plot so that memory does not grow run after run. The circuit of an ok run
        // stays for the next run to reload by commands (CircuitReload); any other is freed.
        engine.command("destroy all");
        m_reusable = handle->status() == RunStatus::Ok && !m_script && m_loadedDeck;
        if (!m_reusable) {
            engine.command("remcirc");
            m_loadedDeck.reset();
            m_loadedFacts.reset();
        }
    }
    m_circuitLoaded = false;
    m_pausedBySession = false;
    m_script.reset();
    disconnect(handle, nullptr, this, nullptr);
    m_current.reset();
    startNext();
}

void SimSession::stop() {
    stopBecause({});
}

void SimSession::stopBecause(const std::string& reason) {
    m_stoppedUpTo = m_submitted.load();
    QMetaObject::invokeMethod(
        this,
        [this, reason] {
            if (!m_current)
                return;
            if (!reason.empty())
                m_current->setStopReason(reason);
            auto& engine = SpiceEngine::instance();
            if (engine.isRunning())
                engine.halt(HaltReason::Stop);
            else if (m_pausedBySession)
                abortRun(m_current, RunStatus::Interrupted,
                         "stopped while paused; partial data kept");
        },
        Qt::QueuedConnection);
}

void SimSession::pause() {
    QMetaObject::invokeMethod(
        this,
        [this] {
            auto& engine = SpiceEngine::instance();
            if (m_current && m_script) {
                // bg_resume would continue the halted analysis but not the script's loop.
                m_current->queue().push(
                    StreamEvent::log("wavebench: a .control script cannot be paused; "
                                     "stop it instead"));
                return;
            }
            if (m_current && engine.isRunning() && !m_pausedBySession) {
                engine.halt(HaltReason::Pause);
                m_pausedBySession = true;
            }
        },
        Qt::QueuedConnection);
}

void SimSession::resume() {
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_current && m_pausedBySession) {
                m_pausedBySession = false;
                SpiceEngine::instance().resume();
            }
        },
        Qt::QueuedConnection);
}

SpiceEngine::Outcome SimSession::cmd(const QString& command) {
    return onWorker([this, command] {
        if (m_current)
            return SpiceEngine::Outcome{false, "a run is streaming; stop it first", {}};
        m_reusable = false; // what the command changed, the next run must not see
        return SpiceEngine::instance().command(command.toStdString());
    });
}

SpiceEngine::Outcome SimSession::sourceNetlist(const QString& path) {
    return cmd("source " + path);
}

SpiceEngine::Outcome SimSession::reset() {
    return cmd("reset");
}

QString SimSession::ngspiceVersion() const {
    return m_ngspiceVersion;
}
