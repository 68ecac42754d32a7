// A run's writer without ngspice: RunHandle driven through its StreamQueue with synthetic
// events, as SimSession and ngspice's callbacks drive it, into a real HDF5 store. Its
// signals are received the way the GUI receives them (queued, on this thread) and waited
// for on that state, never on time.
#include "core/engine/run_handle.h"
#include "core/engine/spice_engine.h"
#include "core/engine/stream_queue.h"
#include "core/store/h5_sink.h"
#include "core/store/result_store.h"
#include "core/store/run_metadata.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <functional>

namespace {

using Halt = SpiceEngine::HaltReason;
using Row = std::function<std::vector<double>(long long row)>;

// The events ngspice's callbacks and SimSession push (stream_queue.h says what each carries).
StreamEvent plotStarted(const std::string& type, std::vector<VectorInfo> vectors,
                        Halt halt = Halt::None) {
    return StreamEvent::plotStarted(type, std::move(vectors), halt);
}

StreamEvent textEvent(StreamEvent::Kind kind, const std::string& text) {
    return kind == StreamEvent::Kind::Status ? StreamEvent::status(text) : StreamEvent::log(text);
}

StreamEvent bgStarted() {
    return StreamEvent::bgStarted();
}
StreamEvent bgEnded(Halt halt = Halt::None) {
    return StreamEvent::bgEnded(halt);
}
StreamEvent engineExit(int status) {
    return StreamEvent::engineExit(status);
}
StreamEvent abortRun(RunStatus status, const std::string& message) {
    return StreamEvent::abort(status, message);
}

const std::vector<VectorInfo> kTranVectors = {{"time", false, true}, {"out"}, {"v1#branch"}};

std::vector<double> tranRow(long long i) {
    return {static_cast<double>(i) * 1e-9, static_cast<double>(i) * 0.5,
            -static_cast<double>(i) * 0.25};
}

// What the handle's signals delivered, in order, received through queued connections on
// the test's thread as a widget would receive them.
class Recorder : public QObject {
public:
    explicit Recorder(RunHandle& handle) {
        connect(
            &handle, &RunHandle::started, this,
            [this] {
                note("started");
                ++started;
            },
            Qt::QueuedConnection);
        connect(
            &handle, &RunHandle::progress, this,
            [this](double percent, const QString& text) {
                note("progress");
                progress.emplace_back(percent, text);
            },
            Qt::QueuedConnection);
        connect(
            &handle, &RunHandle::batchReady, this,
            [this](const SampleBlockPtr& block) {
                note("batch");
                blocks.push_back(block);
            },
            Qt::QueuedConnection);
        connect(
            &handle, &RunHandle::logLines, this,
            [this](const QStringList& lines) {
                note("log");
                log << lines;
            },
            Qt::QueuedConnection);
        connect(
            &handle, &RunHandle::pausedChanged, this,
            [this](bool on) {
                note(on ? "paused" : "unpaused");
                paused.push_back(on);
            },
            Qt::QueuedConnection);
        connect(
            &handle, &RunHandle::finished, this,
            [this](RunStatus status, const QString& message) {
                note("finished");
                finished.emplace_back(status, message);
            },
            Qt::QueuedConnection);
        connect(
            &handle, &RunHandle::streamEnded, this, [this] { note("streamEnded"); },
            Qt::QueuedConnection);
        connect(
            &handle, &RunHandle::haltRequested, this,
            [this] {
                note("halt");
                ++haltRequests;
            },
            Qt::QueuedConnection);
    }

    int started = 0;
    int haltRequests = 0;
    std::vector<std::pair<double, QString>> progress;
    std::vector<SampleBlockPtr> blocks;
    QStringList log;
    std::vector<bool> paused;
    std::vector<std::pair<RunStatus, QString>> finished;
    QStringList order; // signal names as they arrived

    long long blockRows() const {
        long long rows = 0;
        for (const auto& b : blocks)
            rows += static_cast<long long>(b->coordinateValues.size());
        return rows;
    }

private:
    void note(const char* what) { order << QString::fromLatin1(what); }
};

RunMetadata metadata(const std::string& runId) {
    RunMetadata m;
    m.runId = runId;
    m.netlist = "* " + runId + "\n.end\n";
    m.analysis = "tran";
    return m;
}

RunData read(const QString& store, const std::string& runId) {
    auto data = ResultStore::readRun(store.toStdString(), runId);
    if (!data)
        qWarning("%s", data.error().c_str());
    return data ? data.value() : RunData{};
}

} // namespace

class TestRunHandle : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString store(const char* name) const { return m_dir.filePath(name); }

    // SimSession's part: the run group is created, then the writer starts draining.
    static bool startWriter(RunHandle& handle, const RunMetadata& metadata) {
        auto sink = H5Sink::open(handle.storePath().toStdString());
        if (!sink) {
            qWarning("%s", sink.error().c_str());
            return false;
        }
        if (auto created = sink.value()->createRun(metadata); !created) {
            qWarning("%s", created.error().c_str());
            return false;
        }
        handle.startWriter(std::move(sink.value()), metadata);
        return true;
    }

    static void push(RunHandle& handle, StreamEvent event) {
        handle.queue().push(std::move(event));
    }

    // ngspice's part: rows [first, first + rows) in batches from the handle's own pool.
    static void pushRows(RunHandle& handle, long long first, long long rows, const Row& row) {
        const int columns = static_cast<int>(row(first).size());
        handle.queue().configure(columns);
        for (long long at = first; at < first + rows;) {
            auto batch = handle.queue().acquire();
            while (batch->rows < batch->capacity && at < first + rows) {
                const auto values = row(at++);
                std::copy(values.begin(), values.end(),
                          batch->values.begin() +
                              static_cast<std::ptrdiff_t>(batch->rows * batch->columns));
                ++batch->rows;
            }
            handle.queue().push(StreamEvent::data(std::move(batch)));
        }
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void tranRunReachesSignalsAndStore() {
        RunHandle handle("live", {}, store("live.h5").toStdString());
        Recorder seen(handle);
        QVERIFY(startWriter(handle, metadata("live")));
        QVERIFY(!handle.waitForFinished(0)); // nothing ends it before BgEnded
        push(handle, bgStarted());
        push(handle, plotStarted("tran1", kTranVectors));
        pushRows(handle, 0, 10, tranRow);
        push(handle, textEvent(StreamEvent::Kind::Log, "stdout first note"));
        push(handle, textEvent(StreamEvent::Kind::Log, "stdout Reference value : 1.0e-09"));
        push(handle, textEvent(StreamEvent::Kind::Log, "stdout second note"));
        push(handle, textEvent(StreamEvent::Kind::Status, "tran: 12.5%"));
        pushRows(handle, 10, 15, tranRow);
        push(handle, textEvent(StreamEvent::Kind::Status, "--ready--"));
        push(handle, textEvent(StreamEvent::Kind::Status, "loading"));
        push(handle, bgEnded());
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QTRY_VERIFY(seen.order.contains("streamEnded"));

        QCOMPARE(seen.started, 1);
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Ok));
        QCOMPARE(seen.finished[0].second, QString());
        QVERIFY(handle.isFinished());
        QVERIFY(handle.waitForFinished(0));
        QCOMPARE(toString(handle.status()), toString(RunStatus::Ok));
        QCOMPARE(handle.points(), 25LL);
        QCOMPARE(handle.runIds(), QStringList{"live"});
        QCOMPARE(seen.haltRequests, 0);
        // Progress: a percentage, 100 when ngspice is ready, -1 when the text has none.
        QCOMPARE(seen.progress.size(), size_t(3));
        QCOMPARE(seen.progress[0], (std::pair<double, QString>(12.5, "tran: 12.5%")));
        QCOMPARE(seen.progress[1], (std::pair<double, QString>(100.0, "--ready--")));
        QCOMPARE(seen.progress[2], (std::pair<double, QString>(-1.0, "loading")));
        // Log lines come in one burst before the progress that followed them; ngspice's
        // progress indicator is not one of them.
        QCOMPARE(seen.log, (QStringList{"stdout first note", "stdout second note"}));
        QVERIFY(seen.order.indexOf("log") < seen.order.indexOf("progress"));
        QCOMPARE(seen.order.last(), QString("streamEnded"));
        QCOMPARE(seen.order[seen.order.size() - 2], QString("finished"));
        // Blocks: the run's crefs, ngspice's names, rows continuing where the last ended.
        QVERIFY(seen.blocks.size() >= 2);
        QCOMPARE(seen.blockRows(), 25LL);
        long long row = 0;
        for (const auto& block : seen.blocks) {
            QCOMPARE(*block->crefs, (std::vector<std::string>{"top.nodes.out.v", "top.v1.i"}));
            QCOMPARE(*block->vectors, (std::vector<std::string>{"out", "v1#branch"}));
            QCOMPARE(block->coordinate, std::string("time"));
            QCOMPARE(block->step, -1LL);
            QCOMPARE(block->firstRow, row);
            QCOMPARE(block->columns.size(), size_t(2));
            QVERIFY(block->imag[0].empty() && block->imag[1].empty());
            for (size_t r = 0; r < block->coordinateValues.size(); ++r, ++row) {
                QCOMPARE(block->coordinateValues[r], tranRow(row)[0]);
                QCOMPARE(block->columns[0][r], tranRow(row)[1]);
                QCOMPARE(block->columns[1][r], tranRow(row)[2]);
            }
        }
        // The store holds the same rows and the log without the progress noise.
        const auto run = read(store("live.h5"), "live");
        QCOMPARE(run.summary.status, std::string("ok"));
        QVERIFY(run.summary.success);
        QCOMPARE(run.coordinate.size(), size_t(25));
        QCOMPARE(run.find("top.nodes.out.v")->values.back(), tranRow(24)[1]);
        QVERIFY(run.log.find("stdout second note") != std::string::npos);
        QVERIFY(run.log.find("Reference value") == std::string::npos);
    }

    void complexBlocksCarryTheImaginaryPart() {
        RunHandle handle("ac", {}, store("ac.h5").toStdString());
        Recorder seen(handle);
        QVERIFY(startWriter(handle, metadata("ac")));
        push(handle, plotStarted("ac1", {{"frequency", true, true}, {"out", true, false}}));
        pushRows(handle, 0, 20, [](long long i) {
            return std::vector<double>{1e3 * static_cast<double>(i + 1), 0,
                                       1.0 / static_cast<double>(i + 1), -0.5};
        });
        push(handle, bgEnded());
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Ok));
        QCOMPARE(seen.blockRows(), 20LL);
        const auto& block = *seen.blocks.front();
        QCOMPARE(block.coordinate, std::string("frequency"));
        QCOMPARE(block.coordinateValues[1], 2e3);
        QCOMPARE(block.columns[0][1], 0.5);
        QCOMPARE(block.imag[0].size(), block.columns[0].size());
        QCOMPARE(block.imag[0][1], -0.5);
        const auto run = read(store("ac.h5"), "ac");
        QCOMPARE(run.find("top.nodes.out.v")->imag.size(), size_t(20));
    }

    void eachPlotGetsItsRunGroup() {
        RunHandle handle("multi", {}, store("multi.h5").toStdString());
        Recorder seen(handle);
        QVERIFY(startWriter(handle, metadata("multi")));
        push(handle, plotStarted("op1", {{"out"}, {"v1#branch"}}));
        pushRows(handle, 0, 1, [](long long) { return std::vector<double>{0.0, -1e-3}; });
        push(handle, plotStarted("tran1", kTranVectors));
        pushRows(handle, 0, 30, tranRow);
        push(handle, bgEnded());
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Ok));
        QCOMPARE(handle.runIds(), (QStringList{"multi", "multi_tran1"}));
        // The operating point has no coordinate: its block counts rows instead.
        QCOMPARE(seen.blocks.front()->coordinate, std::string());
        QCOMPARE(seen.blocks.front()->coordinateValues, std::vector<double>{0.0});
        // A new plot starts its rows again.
        QCOMPARE(seen.blocks[1]->firstRow, 0LL);
        QCOMPARE(seen.blocks[1]->coordinate, std::string("time"));
        const auto op = read(store("multi.h5"), "multi");
        const auto tran = read(store("multi.h5"), "multi_tran1");
        QCOMPARE(op.summary.analysis, std::string("op"));
        QVERIFY(op.summary.success);
        QCOMPARE(op.find("top.v1.i")->values, std::vector<double>{-1e-3});
        QCOMPARE(tran.summary.analysis, std::string("tran"));
        QVERIFY(tran.summary.success);
        QCOMPARE(tran.coordinate.size(), size_t(30));
    }

    void repeatedPlotsOfALoopAreSteps() {
        RunHandle handle("loop", {}, store("loop.h5").toStdString());
        Recorder seen(handle);
        auto m = metadata("loop");
        m.stepping.kind = RunStepping::Kind::Plots;
        m.stepping.source = "rv";
        m.stepping.values = {1e3, 2e3, 4e3};
        QVERIFY(startWriter(handle, m));
        const std::vector<long long> rows = {5, 7, 3};
        for (size_t k = 0; k < rows.size(); ++k) {
            push(handle,
                 plotStarted("tran" + std::to_string(k + 1), {{"time", false, true}, {"out"}}));
            pushRows(handle, 0, rows[k], [k](long long i) {
                return std::vector<double>{static_cast<double>(i) * 1e-6,
                                           static_cast<double>(k) * 10 + static_cast<double>(i)};
            });
        }
        push(handle, bgEnded());
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Ok));
        QCOMPARE(handle.runIds(), QStringList{"loop"}); // one group, not three
        std::vector<long long> stepRows(3, 0);
        for (const auto& block : seen.blocks) {
            QVERIFY(block->step >= 0 && block->step < 3);
            const auto k = static_cast<size_t>(block->step);
            QCOMPARE(block->firstRow, stepRows[k]); // rows restart with each step
            QCOMPARE(block->stepSource, std::string("rv"));
            QCOMPARE(block->stepValue, m.stepping.values[k]);
            stepRows[k] += static_cast<long long>(block->coordinateValues.size());
        }
        QCOMPARE(stepRows, rows);
        const auto run = read(store("loop.h5"), "loop");
        QCOMPARE(run.stepStarts, (std::vector<size_t>{0, 5, 12}));
        QCOMPARE(run.stepValues, m.stepping.values);
    }

    void restartOfTheInnerDcSweepIsTheNextStep() {
        RunHandle handle("dc2", {}, store("dc2.h5").toStdString());
        Recorder seen(handle);
        auto m = metadata("dc2");
        m.dcSweepSource = "vd";
        m.stepping.kind = RunStepping::Kind::DcSecondSource;
        m.stepping.source = "vg";
        m.stepping.unit = "V";
        m.stepping.values = {0.5, 1.0};
        m.stepping.innerPoints = 3;
        m.stepping.innerDirection = 1;
        QVERIFY(startWriter(handle, m));
        push(handle, plotStarted("dc1", {{"v-sweep", false, true}, {"d"}}));
        // Both steps in one batch: the writer splits it where the sweep falls back.
        pushRows(handle, 0, 6, [](long long i) {
            const double vd = static_cast<double>(i % 3) * 0.5;
            return std::vector<double>{vd, static_cast<double>(i / 3) + vd};
        });
        push(handle, bgEnded());
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Ok));
        QCOMPARE(seen.blocks.size(), size_t(2));
        for (size_t k = 0; k < 2; ++k) {
            const auto& block = *seen.blocks[k];
            QCOMPARE(block.step, static_cast<long long>(k));
            QCOMPARE(block.firstRow, 0LL);
            QCOMPARE(block.stepSource, std::string("vg"));
            QCOMPARE(block.stepValue, m.stepping.values[k]);
            QCOMPARE(block.coordinateValues, (std::vector<double>{0, 0.5, 1.0}));
        }
        const auto run = read(store("dc2.h5"), "dc2");
        QCOMPARE(run.summary.coordinate, std::string("vd"));
        QCOMPARE(run.stepStarts, (std::vector<size_t>{0, 3}));
        QCOMPARE(run.find("top.nodes.d.v")->values,
                 (std::vector<double>{0, 0.5, 1.0, 1.0, 1.5, 2.0}));
    }

    // bg_halt ends only the running analysis; a .control loop announces its next plot
    // after the stop, and that plot is not kept.
    void stopIsInterruptedAndDropsLaterPlots() {
        RunHandle handle("stop", {}, store("stop.h5").toStdString());
        Recorder seen(handle);
        auto m = metadata("stop");
        m.stepping.kind = RunStepping::Kind::Plots;
        QVERIFY(startWriter(handle, m));
        push(handle, bgStarted());
        push(handle, plotStarted("tran1", kTranVectors));
        pushRows(handle, 0, 12, tranRow);
        push(handle, plotStarted("tran2", kTranVectors, Halt::Stop));
        pushRows(handle, 0, 5, tranRow);
        push(handle, bgEnded(Halt::Stop));
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Interrupted));
        QCOMPARE(seen.finished[0].second, QString("stopped by request; partial data kept"));
        QCOMPARE(toString(handle.status()), toString(RunStatus::Interrupted));
        QCOMPARE(handle.points(), 12LL);
        QCOMPARE(seen.blockRows(), 12LL);
        QCOMPARE(handle.runIds(), QStringList{"stop"});
        const auto run = read(store("stop.h5"), "stop");
        QCOMPARE(run.summary.status, std::string("interrupted"));
        QVERIFY(!run.summary.success);
        QCOMPARE(run.coordinate.size(), size_t(12)); // partial data kept
        QCOMPARE(run.stepStarts.size(), size_t(1));
    }

    void pauseHoldsAndResumeContinues() {
        RunHandle handle("pause", {}, store("pause.h5").toStdString());
        Recorder seen(handle);
        QVERIFY(startWriter(handle, metadata("pause")));
        push(handle, bgStarted());
        push(handle, plotStarted("tran1", kTranVectors));
        pushRows(handle, 0, 10, tranRow);
        push(handle, textEvent(StreamEvent::Kind::Log, "stdout before the pause"));
        push(handle, bgEnded(Halt::Pause));
        QTRY_COMPARE(seen.paused, std::vector<bool>{true});
        QVERIFY(handle.isPaused());
        QVERIFY(!handle.isFinished()); // a pause is not the end of the run
        QCOMPARE(seen.log, QStringList{"stdout before the pause"}); // flushed when pausing
        push(handle, bgStarted()); // bg_resume: the same run goes on
        QTRY_COMPARE(seen.paused, (std::vector<bool>{true, false}));
        QVERIFY(!handle.isPaused());
        pushRows(handle, 10, 10, tranRow);
        push(handle, bgEnded());
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(seen.started, 1);
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Ok));
        QCOMPARE(handle.points(), 20LL);
        const auto run = read(store("pause.h5"), "pause");
        QCOMPARE(run.coordinate.size(), size_t(20));
        for (size_t i = 1; i < run.coordinate.size(); ++i)
            QVERIFY(run.coordinate[i] > run.coordinate[i - 1]); // no gap, no repeat
    }

    void stopWhilePausedClearsPaused() {
        RunHandle handle("pause_stop", {}, store("pause_stop.h5").toStdString());
        Recorder seen(handle);
        QVERIFY(startWriter(handle, metadata("pause_stop")));
        push(handle, bgStarted());
        push(handle, plotStarted("tran1", kTranVectors));
        pushRows(handle, 0, 8, tranRow);
        push(handle, bgEnded(Halt::Pause));
        QTRY_VERIFY(handle.isPaused());
        // What SimSession pushes for a stop while ngspice's thread is halted.
        push(handle, abortRun(RunStatus::Interrupted, "stopped while paused; partial data kept"));
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Interrupted));
        QCOMPARE(seen.finished[0].second, QString("stopped while paused; partial data kept"));
        QCOMPARE(seen.paused, (std::vector<bool>{true, false}));
        QVERIFY(!handle.isPaused());
        QVERIFY(seen.order.indexOf("unpaused") < seen.order.indexOf("finished"));
        QCOMPARE(read(store("pause_stop.h5"), "pause_stop").coordinate.size(), size_t(8));
    }

    void ngspiceErrorsFailTheRun() {
        RunHandle handle("broken", {}, store("broken.h5").toStdString());
        Recorder seen(handle);
        QVERIFY(startWriter(handle, metadata("broken")));
        push(handle, textEvent(StreamEvent::Kind::Log, "stderr Error: unknown subckt: x1 a b sub"));
        push(handle, textEvent(StreamEvent::Kind::Log, "stderr Warning: not an error"));
        push(handle, bgEnded());
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Failed));
        QCOMPARE(seen.finished[0].second, QString("Error: unknown subckt: x1 a b sub"));
        QCOMPARE(seen.log.size(), 2); // flushed with the end of the run
        const auto run = read(store("broken.h5"), "broken");
        QCOMPARE(run.summary.status, std::string("failed"));
        QVERIFY(!run.summary.success);
        QCOMPARE(run.summary.message, std::string("Error: unknown subckt: x1 a b sub"));
    }

    void engineExitFailsNamingTheStatus() {
        RunHandle handle("exit", {}, store("exit.h5").toStdString());
        Recorder seen(handle);
        QVERIFY(startWriter(handle, metadata("exit")));
        push(handle, plotStarted("tran1", kTranVectors));
        pushRows(handle, 0, 4, tranRow);
        push(handle, textEvent(StreamEvent::Kind::Log, "stderr Error: internal"));
        push(handle, engineExit(1));
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Failed));
        QCOMPARE(seen.finished[0].second,
                 QString("ngspice exited (controlled exit, status 1): Error: internal"));
        const auto run = read(store("exit.h5"), "exit");
        QCOMPARE(run.summary.status, std::string("failed"));
        QCOMPARE(run.coordinate.size(), size_t(4));
    }

    void abortBeforeStreamingIsRecorded() {
        RunHandle handle("aborted", {}, store("aborted.h5").toStdString());
        Recorder seen(handle);
        QVERIFY(startWriter(handle, metadata("aborted")));
        push(handle, abortRun(RunStatus::Failed, "netlist.cir:3: unknown subckt"));
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(seen.started, 0);
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Failed));
        QCOMPARE(seen.finished[0].second, QString("netlist.cir:3: unknown subckt"));
        QVERIFY(seen.blocks.empty());
        const auto run = read(store("aborted.h5"), "aborted");
        QCOMPARE(run.summary.status, std::string("failed"));
        QCOMPARE(run.summary.message, std::string("netlist.cir:3: unknown subckt"));
    }

    void missingProbesAreNamed() {
        ProbeMap map;
        map.map["top.ghost"] = "v(ghost)";
        map.map["top.out_alias"] = "v(out)";
        RunHandle handle("missing", map, store("missing.h5").toStdString());
        Recorder seen(handle);
        handle.addMissing("@m.x1.m1[nosuch]"); // a device save the session found invalid
        QVERIFY(startWriter(handle, metadata("missing")));
        push(handle, plotStarted("tran1", kTranVectors));
        pushRows(handle, 0, 6, tranRow);
        push(handle, bgEnded());
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Missing));
        const QString message = seen.finished[0].second;
        QVERIFY2(message.startsWith("not produced by ngspice: "), qPrintable(message));
        QVERIFY2(message.contains("@m.x1.m1[nosuch]"), qPrintable(message));
        QVERIFY2(message.contains("ghost"), qPrintable(message));
        QCOMPARE(toString(handle.status()), toString(RunStatus::Missing));
        QCOMPARE(handle.message(), message);
        // The probes that exist still stream, under the map's cref.
        QVERIFY(std::find(seen.blocks.front()->crefs->begin(), seen.blocks.front()->crefs->end(),
                          "top.out_alias") != seen.blocks.front()->crefs->end());
        const auto run = read(store("missing.h5"), "missing");
        QCOMPARE(run.summary.status, std::string("missing"));
        QVERIFY(!run.summary.success);
        QCOMPARE(run.find("top.out_alias")->values.size(), size_t(6));
    }

    void crefCollisionFailsAndAsksForAHalt() {
        RunHandle handle("collision", {}, store("collision.h5").toStdString());
        Recorder seen(handle);
        QVERIFY(startWriter(handle, metadata("collision")));
        push(handle, plotStarted("tran1", {{"time", false, true}, {"xbuf.mid"}, {"x_buf.mid"}}));
        pushRows(handle, 0, 5, tranRow);
        QTRY_COMPARE(seen.haltRequests, 1);
        push(handle, bgEnded(Halt::Stop)); // what the session's halt brings
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Failed));
        const QString message = seen.finished[0].second;
        QVERIFY2(message.contains("xbuf.mid") && message.contains("x_buf.mid"),
                 qPrintable(message));
        QCOMPARE(handle.points(), 0LL); // nothing stored after the problem
        QVERIFY(seen.blocks.empty());
        QCOMPARE(read(store("collision.h5"), "collision").summary.status, std::string("failed"));
    }

    void storeThatCannotOpenFinishesWithoutOne() {
        RunHandle handle("nostore", {}, store("nowhere/x.h5").toStdString());
        Recorder seen(handle);
        handle.finishWithoutStore(RunStatus::Failed, "nowhere/x.h5: cannot create HDF5 file");
        QVERIFY(handle.isFinished());
        QTRY_COMPARE(seen.finished.size(), size_t(1));
        QCOMPARE(toString(seen.finished[0].first), toString(RunStatus::Failed));
        QCOMPARE(seen.finished[0].second, QString("nowhere/x.h5: cannot create HDF5 file"));
        QTRY_VERIFY(seen.order.contains("streamEnded"));
        QVERIFY(handle.runIds().isEmpty());
    }

    void handleDestroyedMidRunLeavesAnInterruptedRun() {
        auto handle =
            std::make_unique<RunHandle>("dropped", ProbeMap{}, store("dropped.h5").toStdString());
        QVERIFY(startWriter(*handle, metadata("dropped")));
        push(*handle, plotStarted("tran1", kTranVectors));
        pushRows(*handle, 0, 9, tranRow);
        handle.reset(); // the destructor ends the writer and joins it
        const auto run = read(store("dropped.h5"), "dropped");
        QCOMPARE(run.summary.status, std::string("interrupted"));
        QCOMPARE(run.summary.message, std::string("run handle destroyed before the run ended"));
        QCOMPARE(run.coordinate.size(), size_t(9));
    }
};

QTEST_GUILESS_MAIN(TestRunHandle)
#include "tst_run_handle.moc"
