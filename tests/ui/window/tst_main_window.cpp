// The workbench end to end: real widgets, real libngspice, real HDF5 files.
#include "core/design/asdl/asdl_tree_reader.h"
#include "core/engine/engine_client.h"
#include "core/engine/spice_engine.h"
#include "core/store/result_store.h"
#include "ui/design/hierarchy_filter_model.h"
#include "ui/design/hierarchy_model.h"
#include "ui/design/hierarchy_view.h"
#include "ui/plot/decimated_series.h"
#include "ui/plot/plot_panel.h"
#include "ui/runs/runs_browser.h"
#include "ui/runs/runs_model.h"
#include "ui/window/log_pane.h"
#include "ui/window/main_window.h"
#include "ui/window/reload_bar.h"
#include "ui/window/run_controls.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTreeView>
#include <cmath>
#include <csignal>

namespace {

QString screenshotDir() {
    return qEnvironmentVariable("WAVEBENCH_SCREENSHOT_DIR");
}

void screenshot(QWidget& window, const QString& name) {
    if (!screenshotDir().isEmpty())
        QVERIFY(window.grab().save(screenshotDir() + "/" + name + ".png"));
}

// Copies an example (or a test netlist) into a fresh folder: runs write their store beside it.
QString stage(QTemporaryDir& dir, const QString& folder, const QString& file) {
    const QDir source(folder);
    for (const auto& entry : source.entryList(QDir::Files))
        QFile::copy(source.filePath(entry), dir.filePath(entry));
    return dir.filePath(file);
}

void doubleClick(HierarchyView* view, const QString& cref) {
    const auto source = view->model()->indexForCref(cref);
    QVERIFY2(source.isValid(), qPrintable(cref));
    const auto index = view->filterModel()->mapFromSource(source);
    view->treeView()->scrollTo(index);
    // As a person does it: the view acts on a double click only after the press that began it.
    const auto at = view->treeView()->visualRect(index).center();
    QTest::mouseClick(view->treeView()->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(view->treeView()->viewport(), Qt::LeftButton, {}, at);
}

// The window has handled the end of `run`: its toolbar shows the run's final status. The
// window learns it from the run's `finished`, queued after every batch of the run, so the
// plots hold all of them by then.
bool shownFinished(MainWindow& w, const RunHandle& run) {
    return run.isFinished() && !w.runControls()->stopAction()->isEnabled() &&
           w.runControls()->statusText() == QString::fromStdString(toString(run.status()));
}

// Opens a design and waits until it is read (on a worker) and shown.
bool openDesign(MainWindow& w, const QString& path) {
    QSignalSpy opened(&w, &MainWindow::designOpened);
    return w.openDesign(path) && opened.wait(30000) &&
           opened.first().at(0).toString() == QFileInfo(path).absoluteFilePath();
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

    std::unique_ptr<MainWindow> m_window;

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("WavebenchTests"); // keep the user's settings
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1280, 800);
        m_window->show();
    }
    void cleanupTestCase() { m_window.reset(); }

    void liveRunOfTheExamples_data() {
        QTest::addColumn<QString>("example");
        QTest::addColumn<QString>("design");
        QTest::addColumn<QString>("designCref");
        QTest::newRow("spice") << "ota"
                               << "tb_ota.spice"
                               << "top.nodes.out.v";
        QTest::newRow("asdl") << "ota_asdl"
                              << "tb_ota.asdl"
                              << "top.vdd.i"; // ASDL's name
    }
    void liveRunOfTheExamples() {
        QFETCH(QString, example);
        QFETCH(QString, design);
        QFETCH(QString, designCref);
        QTemporaryDir dir;
        auto& w = *m_window;
        QVERIFY(
            openDesign(w, stage(dir, QStringLiteral(WAVEBENCH_EXAMPLES) + "/" + example, design)));
        QVERIFY(!w.probedCrefs().isEmpty()); // the obvious nets are probed on opening
        w.startRun();
        auto run = w.currentRun();
        QVERIFY(run);
        QTRY_VERIFY_WITH_TIMEOUT(shownFinished(w, *run), 30000);
        QCOMPARE(toString(run->status()), std::string("ok"));
        const auto stored =
            ResultStore::readRun(run->storePath().toStdString(), run->runId().toStdString());
        QVERIFY2(stored.ok(), stored.error().c_str());
        QVERIFY2(stored->find(designCref.toStdString()), qPrintable(designCref));
        for (const auto& cref : w.probedCrefs())
            QTRY_COMPARE(static_cast<size_t>(w.plots()->pointCount(cref)),
                         stored->coordinate.size());
        screenshot(w, "main_window_" + example);
    }

    void doubleClickProbesAndLiveTraceGrows() {
        QTemporaryDir dir;
        auto& w = *m_window;
        QVERIFY(openDesign(w, stage(dir, QStringLiteral(WAVEBENCH_TEST_DATA), "long_ring.cir")));
        w.hierarchy()->treeView()->expandAll();
        doubleClick(w.hierarchy(), "top.nodes.n5.v");
        QVERIFY(w.probedCrefs().contains("top.nodes.n5.v"));
        QVERIFY(w.hierarchy()
                    ->model()
                    ->indexForCref("top.nodes.n5.v")
                    .data(HierarchyModel::ProbedRole)
                    .toBool());

        w.startRun();
        auto run = w.currentRun();
        QTRY_VERIFY_WITH_TIMEOUT(w.plots()->pointCount("top.nodes.n5.v") > 500, 20000);
        const int early = w.plots()->pointCount("top.nodes.n5.v");
        QVERIFY(!run->isFinished());
        screenshot(w, "main_window_live");

        // Probing mid-run: a node nobody plotted shows its whole history at once.
        w.probe("top.nodes.n17.v", true);
        QVERIFY(w.plots()->hasTrace("top.nodes.n17.v"));
        QVERIFY(w.plots()->pointCount("top.nodes.n17.v") >= early);
        QCOMPARE(w.plots()->paneCount(), 2);

        // A device parameter needs a save line: noted for the next run.
        w.probe("top.i3.mn.op.gm", false);
        QVERIFY(w.probedCrefs().contains("top.i3.mn.op.gm"));
        QVERIFY(!w.plots()->hasTrace("top.i3.mn.op.gm"));

        // Pause holds, resume continues, stop keeps what was computed.
        w.runControls()->pauseAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(run->isPaused(), 10000);
        // Held, shown as a state rather than by watching a clock: ngspice's background
        // thread has ended (it flushed its last rows before the writer saw the pause), so
        // nothing can add a point until resume.
        QTRY_VERIFY_WITH_TIMEOUT(!SpiceEngine::instance().isRunning(), 10000);
        const long long held = run->points();
        QTRY_COMPARE(w.runControls()->statusText(), QString("paused"));
        QVERIFY(w.runControls()->resumeAction()->isEnabled());
        QCOMPARE(run->points(), held);
        w.runControls()->resumeAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(run->points() > held + 500, 20000);
        QVERIFY(w.plots()->pointCount("top.nodes.n5.v") > early);
        w.runControls()->stopAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(shownFinished(w, *run), 20000);
        QCOMPARE(toString(run->status()), std::string("interrupted"));
        const auto stored =
            ResultStore::readRun(run->storePath().toStdString(), run->runId().toStdString());
        QVERIFY(stored.ok());
        QTRY_COMPARE(static_cast<size_t>(w.plots()->pointCount("top.nodes.n5.v")),
                     stored->coordinate.size());
        QCOMPARE(w.runControls()->statusText(), QString("interrupted"));

        // The next run records the parameter probed before.
        w.runControls()->setTranSpec("10p", "2n");
        w.startRun();
        auto second = w.currentRun();
        QTRY_VERIFY_WITH_TIMEOUT(shownFinished(w, *second), 20000);
        QCOMPARE(toString(second->status()), std::string("ok"));
        QTRY_VERIFY(w.plots()->hasTrace("top.i3.mn.op.gm"));
        QTRY_VERIFY(w.plots()->pointCount("top.i3.mn.op.gm") > 10);
        // Labels carry the units the run stored.
        int labelled = 0;
        for (const auto& r : w.plots()->readout()) {
            if (r.cref == "top.i3.mn.op.gm" || r.cref == "top.nodes.n5.v") {
                QCOMPARE(r.unit, QString(r.cref.endsWith(".gm") ? "S" : "V"));
                ++labelled;
            }
        }
        QCOMPARE(labelled, 2);

        // Both runs are in the runs browser; opening the first shows its data again.
        QTRY_COMPARE_WITH_TIMEOUT(w.runsBrowser()->model()->rowCount(), 2, 10000);
        QSignalSpy opened(&w, &MainWindow::runOpened);
        emit w.runsBrowser()->openRunRequested(run->runId());
        QVERIFY(opened.wait(10000));
        QCOMPARE(static_cast<size_t>(w.plots()->pointCount("top.nodes.n5.v")),
                 stored->coordinate.size());
        // It shows what it was probed with (the parameter came only with the second run), not
        // what is probed now.
        QVERIFY(!stored->probes.empty());
        QVERIFY(std::find(stored->probes.begin(), stored->probes.end(), "top.i3.mn.op.gm") ==
                stored->probes.end());
        QStringList recorded;
        for (const auto& cref : stored->probes)
            recorded << QString::fromStdString(cref);
        QCOMPARE(w.probedCrefs(), recorded);
        QVERIFY(!w.plots()->hasTrace("top.i3.mn.op.gm"));
        screenshot(w, "main_window_after");
    }

    void acRunIsABodePlot() {
        QTemporaryDir dir;
        auto& w = *m_window;
        QVERIFY(openDesign(
            w, stage(dir, QStringLiteral(WAVEBENCH_TEST_DATA) + "/analyses", "rc_ac.cir")));
        QVERIFY(w.probedCrefs().contains("top.nodes.out.v"));
        w.startRun();
        auto run = w.currentRun();
        QTRY_VERIFY_WITH_TIMEOUT(shownFinished(w, *run), 20000);
        QCOMPARE(toString(run->status()), std::string("ok"));
        auto* plots = w.plots();
        QTRY_COMPARE(static_cast<long long>(plots->pointCount("top.nodes.out.v")), run->points());
        QVERIFY(plots->hasTrace("top.nodes.out.v"));
        QVERIFY(plots->hasTrace("top.nodes.out.v#phase"));
        QVERIFY(plots->tracePane("top.nodes.out.v#phase") > plots->tracePane("top.nodes.out.v"));
        QVERIFY(plots->logX());
        QCOMPARE(plots->coordinateName(), QString("frequency"));
        // Magnitude in dB and phase in degrees at the corner frequency of the RC.
        const double fc = 1 / (2 * M_PI * 1e3 * 1e-9);
        const auto magnitude = w.traces().find("top.nodes.out.v");
        const auto phase = w.traces().findPhase("top.nodes.out.v");
        QVERIFY(std::abs(magnitude->valueAt(fc) + 3.01) < 0.05);
        QVERIFY(std::abs(phase->valueAt(fc) + 45) < 0.5);
        screenshot(w, "main_window_bode");
    }

    void steppedRunDrawsOneTracePerStep() {
        QTemporaryDir dir;
        auto& w = *m_window;
        QVERIFY(openDesign(
            w, stage(dir, QStringLiteral(WAVEBENCH_TEST_DATA) + "/stepped", "rc_loop.cir")));
        if (!w.probedCrefs().contains("top.nodes.out.v"))
            w.probe("top.nodes.out.v", true);
        w.startRun();
        auto run = w.currentRun();
        QTRY_VERIFY_WITH_TIMEOUT(shownFinished(w, *run), 20000);
        QCOMPARE(toString(run->status()), std::string("ok"));
        auto* plots = w.plots();
        QTRY_COMPARE(w.traces().stepCount(), size_t(3));
        QCOMPARE(w.traces().stepLabel(2), std::string("rv = 4 k"));
        for (const QString id : {"top.nodes.out.v", "top.nodes.out.v #1", "top.nodes.out.v #2"})
            QVERIFY2(plots->hasTrace(id), qPrintable(id));
        // Each step is a curve of its own: the slowest (4k) is the lowest at 1 ms.
        const double fast = w.traces().find("top.nodes.out.v", 0)->valueAt(1e-3);
        const double slow = w.traces().find("top.nodes.out.v", 2)->valueAt(1e-3);
        QVERIFY2(std::abs(fast - (1 - std::exp(-1.0))) < 0.01, qPrintable(QString::number(fast)));
        QVERIFY2(std::abs(slow - (1 - std::exp(-0.25))) < 0.01, qPrintable(QString::number(slow)));
        screenshot(w, "main_window_stepped");

        // Opened again from the store: the same three steps.
        QSignalSpy opened(&w, &MainWindow::runOpened);
        emit w.runsBrowser()->openRunRequested(run->runId());
        QVERIFY(opened.wait(10000));
        QCOMPARE(w.traces().stepCount(), size_t(3));
        QVERIFY(plots->hasTrace("top.nodes.out.v #2"));
        QCOMPARE(w.traces().find("top.nodes.out.v", 2)->valueAt(1e-3), slow);
    }

    void brokenDesignShowsErrorAndStaysUsable() {
        QTemporaryDir dir;
        auto& w = *m_window;
        QSignalSpy errors(&w, &MainWindow::errorShown);
        QVERIFY(!w.openDesign(dir.filePath("does_not_exist.cir")));
        QCOMPARE(errors.size(), 1);
        QVERIFY(w.lastError().contains("does_not_exist.cir"));

        // A netlist ngspice rejects: the run fails with ngspice's message, shown to the user.
        // The hierarchy reader already names the problem; the netlist can still be run.
        QVERIFY(openDesign(w, stage(dir, QStringLiteral(WAVEBENCH_TEST_DATA), "broken.cir")));
        QVERIFY(w.lastError().contains("broken.cir"));
        QVERIFY(w.lastError().contains("unknown subckt"));
        const int shown = static_cast<int>(errors.size());
        w.startRun();
        auto run = w.currentRun();
        QVERIFY(run);
        QTRY_VERIFY_WITH_TIMEOUT(run->isFinished(), 20000);
        QCOMPARE(toString(run->status()), std::string("failed"));
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(errors.size()), shown + 1, 5000); // "Run failed"
        QVERIFY(w.lastError().contains("unknown subckt"));
        QTRY_VERIFY_WITH_TIMEOUT(w.logPane()->errorCount() >= 1, 5000);

        // ... and the next design runs fine.
        QVERIFY(openDesign(w, stage(dir, QStringLiteral(WAVEBENCH_TEST_DATA), "rc_step.cir")));
        w.startRun();
        auto good = w.currentRun();
        QTRY_VERIFY_WITH_TIMEOUT(good->isFinished(), 20000);
        QCOMPARE(toString(good->status()), std::string("ok"));
    }

    // ngspice runs in an engine process: a netlist that crashes ngspice, or a kill -9 of
    // the engine, fails one run; the window lives on and the next run is ok.
    void anEngineCrashFailsOneRunAndTheWindowLivesOn() {
        QTemporaryDir dir;
        auto& w = *m_window;
        auto* engine = dynamic_cast<EngineClient*>(w.runSession());
        QVERIFY2(engine, "the window runs ngspice in a wavebench-engine process");
        QVERIFY(openDesign(w, stage(dir, QStringLiteral(WAVEBENCH_TEST_DATA) + "/robust",
                                    "ngspice_crash_recursive_func.cir")));
        w.startRun();
        auto crashed = w.currentRun();
        QVERIFY(crashed);
        QTRY_VERIFY_WITH_TIMEOUT(shownFinished(w, *crashed), 60000);
        QCOMPARE(toString(crashed->status()), std::string("failed"));
        QVERIFY2(crashed->message().contains("ngspice crashed (SIGSEGV)"),
                 qPrintable(crashed->message()));

        QVERIFY(openDesign(w, stage(dir, QStringLiteral(WAVEBENCH_TEST_DATA), "long_ring.cir")));
        w.startRun();
        auto killed = w.currentRun();
        QTRY_VERIFY_WITH_TIMEOUT(killed->points() > 1000, 60000);
        QCOMPARE(::kill(static_cast<pid_t>(engine->enginePid()), SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(shownFinished(w, *killed), 60000);
        QCOMPARE(toString(killed->status()), std::string("failed"));
        QVERIFY2(killed->message().contains("SIGKILL"), qPrintable(killed->message()));
        QVERIFY(w.isVisible());

        QVERIFY(openDesign(w, stage(dir, QStringLiteral(WAVEBENCH_TEST_DATA), "rc_step.cir")));
        w.startRun();
        auto next = w.currentRun();
        QTRY_VERIFY_WITH_TIMEOUT(shownFinished(w, *next), 60000);
        QCOMPARE(toString(next->status()), std::string("ok"));
        QVERIFY(next->points() > 100);
    }

    void aDesignStillBeingReadIsReplacedByANewerOne() {
        QTemporaryDir dir;
        auto& w = *m_window;
        const QString first = stage(dir, QStringLiteral(WAVEBENCH_TEST_DATA), "long_ring.cir");
        const QString second = dir.filePath("rc_step.cir");
        QSignalSpy opened(&w, &MainWindow::designOpened);
        QVERIFY(w.openDesign(first));
        // Read on a worker: the status bar says so, and the window still shows the last one.
        QVERIFY2(w.statusBar()->currentMessage().startsWith("Reading long_ring.cir"),
                 qPrintable(w.statusBar()->currentMessage()));
        QVERIFY(w.designPath() != first);
        QVERIFY(!w.runControls()->runAction()->isEnabled());
        const auto before = w.currentRun();
        w.startRun(); // refused: it would run the design shown before
        QCOMPARE(w.currentRun(), before);
        QVERIFY(w.openDesign(second));
        QVERIFY(opened.wait(30000));
        // Once the first read has ended too, only the newer design was shown.
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.first().at(0).toString(), second);
        QCOMPARE(w.designPath(), second);
        QVERIFY(w.statusBar()->currentMessage().startsWith("Opened rc_step.cir"));
        QVERIFY(w.runControls()->runAction()->isEnabled());
    }

    // Real ASDL projects in the window, from nothing but their checkout and .asdlrc: the
    // ASDL examples' mosbius top design and the 30,000-instance switch matrix, compiled by the
    // real asdlc; every instance path of the compiler's own `query tree` is in the tree the
    // window shows (its model answers for the cref).
    void realAsdlProjectsShowTheCompilersWholeTree_data() {
        QTest::addColumn<QString>("design");
        QTest::addColumn<bool>("needsShared");
        QTest::newRow("mosbius") << QStringLiteral(WAVEBENCH_EXAMPLES) +
                                        "/../../../shared/asdl-examples/ASDL/examples/libs/"
                                        "mosbius_devices/top_mosbius_devices_v1_nmos/"
                                        "top_mosbius_devices_v1_nmos.asdl"
                                 << true;
        QTest::newRow("swmatrix") << QStringLiteral(WAVEBENCH_TEST_DATA) +
                                         "/asdl/swmatrix/swmatrix.asdl"
                                  << false;
    }
    void realAsdlProjectsShowTheCompilersWholeTree() {
        QFETCH(QString, design);
        QFETCH(bool, needsShared);
        const QString shared = QStringLiteral(WAVEBENCH_EXAMPLES) + "/../../../shared";
        if (needsShared && !QFileInfo::exists(design))
            QSKIP("no ASDL checkout in ../shared/asdl-examples");
        QString asdlc = QStandardPaths::findExecutable("asdlc");
        if (asdlc.isEmpty() && QFileInfo(shared + "/tools/asdlc").isExecutable())
            asdlc = QFileInfo(shared + "/tools/asdlc").absoluteFilePath();
        if (asdlc.isEmpty())
            QSKIP("the ASDL compiler asdlc is neither on PATH nor in ../shared/tools");
        QTemporaryDir cache;
        qputenv("XDG_CACHE_HOME", cache.path().toUtf8());
        QSettings().setValue("asdl/asdlc", asdlc);
        auto& w = *m_window;
        QSignalSpy errors(&w, &MainWindow::errorShown);
        QVERIFY(openDesign(w, design));
        QVERIFY2(errors.isEmpty(), qPrintable(w.lastError()));
        // The compiler's own tree, asked for here as a user would in a terminal.
        QProcess compiler;
        compiler.start(asdlc, {"query", "tree", design, "--json"});
        QVERIFY(compiler.waitForFinished(120000));
        QCOMPARE(compiler.exitCode(), 0);
        auto entries = AsdlTreeReader::readTreeJson(compiler.readAllStandardOutput().toStdString(),
                                                    "asdlc query tree");
        QVERIFY2(entries.ok(), entries.error().c_str());
        QVERIFY(entries->size() > (needsShared ? 10u : 29000u));
        const std::string root = entries->front().path;
        int missing = 0;
        QString first;
        for (const auto& entry : entries.value()) {
            const QString cref = QString::fromStdString("top" + entry.path.substr(root.size()));
            if (!w.hierarchy()->model()->indexForCref(cref).isValid() && missing++ == 0)
                first = cref;
        }
        QVERIFY2(missing == 0, qPrintable(QString("%1 of %2 paths missing, the first %3")
                                              .arg(missing)
                                              .arg(entries->size())
                                              .arg(first)));
        QSettings().remove("asdl/asdlc");
        qunsetenv("XDG_CACHE_HOME");
    }

    // The GF180 OTA ASDL testbench through the real compiler, as a user opens it: the
    // compiler's tree, a transistor's gm probed by double-click (its BSIM4 operating point),
    // a run; then the design's file changes on disk, the window offers to re-run, and the
    // re-run compiles the changed design first (twice the bias current: a larger gm).
    void anAsdlDesignCompilesRunsAndReRunsWhenItChanges() {
        const QString shared = QStringLiteral(WAVEBENCH_EXAMPLES) + "/../../../shared";
        const QString asdlRoot = QDir(shared).absoluteFilePath("asdl-examples/ASDL");
        if (!QFileInfo::exists(asdlRoot + "/examples/pdks/gf180mcu/ngspice/design.ngspice"))
            QSKIP("no ASDL checkout with the GF180 PDK in ../shared/asdl-examples");
        QString asdlc = QStandardPaths::findExecutable("asdlc");
        if (asdlc.isEmpty() && QFileInfo(shared + "/tools/asdlc").isExecutable())
            asdlc = QFileInfo(shared + "/tools/asdlc").absoluteFilePath();
        if (asdlc.isEmpty())
            QSKIP("the ASDL compiler asdlc is neither on PATH nor in ../shared/tools");
        QTemporaryDir dir, cache;
        const QDir example(QStringLiteral(WAVEBENCH_EXAMPLES) + "/gf180_ota_asdl");
        for (const auto& entry : example.entryList(QDir::Files | QDir::Hidden))
            QVERIFY(QFile::copy(example.filePath(entry), dir.filePath(entry)));
        qputenv("ASDL_ROOT", asdlRoot.toUtf8());
        qputenv("XDG_CACHE_HOME", cache.path().toUtf8());
        QSettings().setValue("asdl/asdlc", asdlc); // the GUI's setting for the compiler
        auto& w = *m_window;
        const QString design = dir.filePath("tb_ota_tran.asdl");
        QVERIFY(openDesign(w, design));
        QVERIFY2(w.notRunnable().isEmpty(), qPrintable(w.notRunnable()));
        const QString gm = "top.ota.mn_in_p.op.gm";
        QVERIFY(w.hierarchy()->model()->indexForCref(gm).isValid());
        QVERIFY(w.hierarchy()->model()->indexForCref("top.ota.nodes.tail.v").isValid());
        w.hierarchy()->treeView()->expand(w.hierarchy()->filterModel()->mapFromSource(
            w.hierarchy()->model()->indexForCref("top.ota")));
        // gm in a pane of its own (Shift+Enter), mp_cs's gm beside it by double-click.
        auto* view = w.hierarchy()->treeView();
        const auto gmRow =
            w.hierarchy()->filterModel()->mapFromSource(w.hierarchy()->model()->indexForCref(gm));
        view->scrollTo(gmRow);
        view->setCurrentIndex(gmRow);
        QTest::keyClick(view, Qt::Key_Return, Qt::ShiftModifier);
        QVERIFY(w.probedCrefs().contains(gm));
        w.hierarchy()->treeView()->expand(w.hierarchy()->filterModel()->mapFromSource(
            w.hierarchy()->model()->indexForCref("top.ota.mp_cs")));
        doubleClick(w.hierarchy(), "top.ota.mp_cs.op.gm");
        QVERIFY(w.probedCrefs().contains("top.ota.mp_cs.op.gm"));
        view->scrollTo(gmRow);
        w.startRun();
        auto run = w.currentRun();
        QVERIFY(run);
        QTRY_VERIFY_WITH_TIMEOUT(shownFinished(w, *run), 60000);
        QCOMPARE(toString(run->status()), std::string("ok"));
        QTRY_VERIFY(w.plots()->pointCount(gm) > 100);
        auto stored =
            ResultStore::readRun(run->storePath().toStdString(), run->runId().toStdString());
        QVERIFY2(stored.ok(), stored.error().c_str());
        const auto* first = stored->find(gm.toStdString());
        QVERIFY(first);
        QCOMPARE(first->sourceVector, std::string("@m.xota.xmn_in_p.m0[gm]"));
        const double gmBefore = first->values.back();
        QVERIFY2(gmBefore > 1e-5, qPrintable(QString::number(gmBefore)));
        w.plots()->fitAll();
        screenshot(w, "main_window_gf180_ota_asdl");

        // An edit on disk: the bar offers to re-run; the re-run compiles the new design.
        QFile file(design);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString text = QString::fromUtf8(file.readAll());
        file.close();
        QVERIFY(text.contains("ibias: sim.idc dc=20u"));
        text.replace("ibias: sim.idc dc=20u", "ibias: sim.idc dc=40u");
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text.toUtf8());
        file.close();
        // ... and in an imported file: one more .measure in sim_ngspice.asdl.
        QFile imported(dir.filePath("sim_ngspice.asdl"));
        QVERIFY(imported.open(QIODevice::ReadOnly));
        QString library = QString::fromUtf8(imported.readAll());
        imported.close();
        const QString peak = ".measure tran v_peak max v({out})";
        QVERIFY(library.contains(peak));
        library.replace(peak, peak + "\n          .measure tran v_low min v({out})");
        QVERIFY(imported.open(QIODevice::WriteOnly | QIODevice::Truncate));
        imported.write(library.toUtf8());
        imported.close();
        QVERIFY(!stored->measurements.count("v_low"));
        QTRY_VERIFY_WITH_TIMEOUT(w.reloadBar()->isVisible(), 10000);
        // Both files, once the burst of saves has settled (the bar may first name one).
        QTRY_VERIFY2(w.reloadBar()->message().contains("tb_ota_tran.asdl") &&
                         w.reloadBar()->message().contains("sim_ngspice.asdl") &&
                         w.reloadBar()->message().contains("changed on disk"),
                     qPrintable(w.reloadBar()->message()));
        screenshot(w, "main_window_reload_bar");
        QSignalSpy opened(&w, &MainWindow::designOpened);
        QTest::mouseClick(w.reloadBar()->rerunButton(), Qt::LeftButton);
        QVERIFY(opened.wait(60000));
        QVERIFY(w.probedCrefs().contains(gm)); // the probe stays through the reload
        auto second = w.currentRun();
        QVERIFY(second && second != run);
        QTRY_VERIFY_WITH_TIMEOUT(shownFinished(w, *second), 60000);
        QCOMPARE(toString(second->status()), std::string("ok"));
        stored =
            ResultStore::readRun(second->storePath().toStdString(), second->runId().toStdString());
        QVERIFY2(stored.ok(), stored.error().c_str());
        QVERIFY(stored->find(gm.toStdString()));
        const double gmAfter = stored->find(gm.toStdString())->values.back();
        QVERIFY2(gmAfter > gmBefore * 1.2,
                 qPrintable(QString("gm %1 -> %2").arg(gmBefore).arg(gmAfter)));
        QVERIFY(stored->measurements.count("v_low")); // the imported file's change ran too
        QVERIFY(std::abs(stored->measurements.at("v_low") - 1.4) < 0.05);
        QSettings().remove("asdl/asdlc");
        qunsetenv("XDG_CACHE_HOME");
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
