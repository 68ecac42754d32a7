// The job panel end to end: a Monte Carlo job typed into the editor, run by real libngspice
// into a real HDF5 store, its table, histogram, CSV and colour-graded overlay.
#include "core/jobs/job_runner.h"
#include "core/store/result_store.h"
#include "ui/jobs/job_panel.h"
#include "ui/jobs/job_spec_form.h"
#include "ui/plot/plot_panel.h"
#include "ui/runs/runs_browser.h"
#include "ui/runs/runs_model.h"
#include "ui/window/main_window.h"

#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>
#include <set>

namespace {

constexpr int kRuns = 8;

void screenshot(QWidget& window, const QString& name) {
    const QString dir = qEnvironmentVariable("WAVEBENCH_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(window.grab().save(dir + "/" + name + ".png"));
}

} // namespace

class TestJobPanel : public QObject {
    Q_OBJECT

    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_dir;

    JobPanel* panel() const { return m_window->jobPanel(); }

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("WavebenchTests"); // keep the user's settings
        QVERIFY(m_dir.isValid());
        QVERIFY(QFile::copy(QStringLiteral(WAVEBENCH_TEST_DATA) + "/jobs/rc_mc.cir",
                            m_dir.filePath("rc_mc.cir")));
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1400, 900);
        m_window->show();
        QVERIFY2(panel(), "no job panel: libngspice missing?");
        // The design's folder is where a job typed by hand resolves its paths.
        QSignalSpy opened(m_window.get(), &MainWindow::designOpened);
        QVERIFY(m_window->openDesign(m_dir.filePath("rc_mc.cir")));
        QVERIFY(opened.wait(30000)); // read on a worker
    }
    void cleanupTestCase() { m_window.reset(); }

    void parseErrorsNameTheLine() {
        panel()->setText("name: bad\nnetlist: rc_mc.cir\nmontecarlo: {count: 2, sed: 1}\n");
        QVERIFY(!panel()->startJob());
        const QString message = panel()->messageLabel()->text();
        QVERIFY2(message.contains("job.yaml:3"), qPrintable(message));
        QVERIFY(!m_window->jobQueue()->isRunning());
    }

    void formAndYamlStayInStep() {
        if (auto* dock = qobject_cast<QDockWidget*>(panel()->parentWidget()))
            dock->raise();
        panel()->setText("# rc sweep\nname: form_job\nnetlist: rc_mc.cir\n"
                         "analysis: {type: tran, step: 10n, stop: 2u}\n"
                         "sweeps:\n  - {param: rval, values: [1k, 2k]}\n");
        panel()->specTabs()->setCurrentIndex(0);
        auto* form = panel()->form();
        QVERIFY(form->isEnabled());
        QCOMPARE(form->nameEdit()->text(), QString("form_job"));
        QCOMPARE(form->analysisCombo()->currentText(), QString("tran"));
        QCOMPARE(form->analysisField("stop")->text(), QString("2u"));
        QCOMPARE(form->sweepsTable()->rowCount(), 1);
        QCOMPARE(form->sweepsTable()->item(0, 2)->text(), QString("1k, 2k"));
        QVERIFY(panel()->findChild<QLabel*>("jobFormNote")->text().contains("comments"));

        // Edits in the form become the YAML: a log sweep nested inside, Monte Carlo on.
        form->addSweep();
        auto* sweeps = form->sweepsTable();
        qobject_cast<QComboBox*>(sweeps->cellWidget(1, 1))->setCurrentText("log");
        sweeps->setItem(1, 0, new QTableWidgetItem("cval"));
        sweeps->item(1, 3)->setText("1n");
        sweeps->item(1, 4)->setText("4n");
        sweeps->item(1, 5)->setText("3");
        QVERIFY(!(sweeps->item(1, 2)->flags() & Qt::ItemIsEditable)); // values unused for log
        form->monteCarloBox()->setChecked(true);
        QTest::keyClicks(form->countEdit(), "2");
        auto spec = panel()->parse();
        QVERIFY2(spec.ok(), spec.ok() ? "" : spec.error().c_str());
        auto runs = spec->expand();
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), size_t(2 * 3 * 2));
        QVERIFY(panel()->text().contains("log: {start: 1n, stop: 4n, points: 3}"));
        QVERIFY(!panel()->text().contains("# rc sweep"));
        if (auto* dock = qobject_cast<QDockWidget*>(panel()->parentWidget())) {
            // Floated and large, as a user would to edit a long job.
            dock->setFloating(true);
            dock->resize(1300, 760);
            QTRY_COMPARE(dock->size(), QSize(1300, 760)); // floated: a window of its own now
            screenshot(*dock, "job_form");
            dock->setFloating(false);
        }

        // Edits in the YAML show in the form when it is shown again.
        panel()->specTabs()->setCurrentIndex(1);
        panel()->editor()->setPlainText(panel()->text().replace("form_job", "renamed"));
        panel()->specTabs()->setCurrentIndex(0);
        QCOMPARE(form->nameEdit()->text(), QString("renamed"));
        QCOMPARE(form->sweepsTable()->rowCount(), 2);
        QCOMPARE(form->countEdit()->text(), QString("2"));

        // YAML the form cannot show: the form is disabled and says where.
        panel()->specTabs()->setCurrentIndex(1);
        panel()->editor()->setPlainText("name: x\nsweeps: [{param: a, values: [1\n");
        panel()->specTabs()->setCurrentIndex(0);
        QVERIFY(!form->isEnabled());
        const QString note = panel()->findChild<QLabel*>("jobFormNote")->text();
        QVERIFY2(note.contains("job.yaml:"), qPrintable(note));
    }

    void refusedWhileASingleRunStreams() {
        panel()->setText("name: mc_gui\nnetlist: rc_mc.cir\nmontecarlo: {count: 2, seed: 7}\n");
        m_window->startRun();
        QVERIFY(m_window->currentRun());
        QVERIFY(!panel()->startJob());
        QVERIFY2(panel()->messageLabel()->text().contains("streaming"),
                 qPrintable(panel()->messageLabel()->text()));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->currentRun()->isFinished(), 60000);
    }

    void monteCarloJob() {
        // Saved beside the netlist, then loaded back: relative paths resolve against it.
        panel()->setText(QString("name: mc_gui\nnetlist: rc_mc.cir\nstore: mc_gui.h5\n"
                                 "montecarlo: {count: %1, seed: 100}\n")
                             .arg(kRuns));
        QString error;
        QVERIFY2(panel()->saveFile(m_dir.filePath("mc_gui.yaml"), &error), qPrintable(error));
        panel()->setText({});
        QVERIFY2(panel()->loadFile(m_dir.filePath("mc_gui.yaml"), &error), qPrintable(error));
        QVERIFY2(panel()->messageLabel()->text().contains(QString("%1 runs").arg(kRuns)),
                 qPrintable(panel()->messageLabel()->text()));

        QSignalSpy finished(panel(), &JobPanel::jobFinished);
        QSignalSpy started(panel(), &JobPanel::jobStarted);
        // Two engine processes run the points (the window runs ngspice in an engine).
        QVERIFY2(m_window->jobQueue()->canAddWorkers() && panel()->workersBox()->isEnabled(),
                 "the job panel offers engine workers");
        panel()->workersBox()->setValue(2);
        const auto singleRun = m_window->currentRun();
        QVERIFY2(panel()->startJob(), qPrintable(panel()->messageLabel()->text()));
        m_window->startRun(); // refused while the job is prepared, too
        QCOMPARE(m_window->currentRun(), singleRun);
        // Prepared on a pool thread; accepted before any run starts.
        QVERIFY2(started.wait(60000), qPrintable(panel()->messageLabel()->text()));
        QCOMPARE(started.first().at(0).toString(), m_dir.filePath("mc_gui.h5"));
        QCOMPARE(panel()->storePath(), m_dir.filePath("mc_gui.h5"));
        m_window->startRun(); // refused: the job has the session
        QCOMPARE(m_window->currentRun(), singleRun);
        QVERIFY(panel()->progressLabel()->text().contains("of " + QString::number(kRuns)) ||
                panel()->progressLabel()->text().startsWith("Starting"));
        QVERIFY(finished.wait(120000));
        QCOMPARE(m_window->jobQueue()->workerCount(), 2);

        auto* table = panel()->table();
        QCOMPARE(table->rowCount(), kRuns);
        int rmeas = -1;
        for (int c = 0; c < table->columnCount(); ++c)
            if (table->horizontalHeaderItem(c)->text() == "rmeas")
                rmeas = c;
        QVERIFY(rmeas >= JobPanel::FixedColumns);
        std::set<QString> seeds;
        for (int r = 0; r < kRuns; ++r) {
            QCOMPARE(table->item(r, JobPanel::StatusColumn)->text(), QString("ok"));
            QVERIFY(!table->item(r, rmeas)->text().isEmpty());
            seeds.insert(table->item(r, JobPanel::SeedColumn)->text());
        }
        QCOMPARE(static_cast<int>(seeds.size()), kRuns);
        QVERIFY2(panel()->progressLabel()->text().startsWith(QString("%1 of %1").arg(kRuns)),
                 qPrintable(panel()->progressLabel()->text()));

        // The histogram counts every run; mean and sigma of a 1 k +- 100 resistor.
        panel()->measurementCombo()->setCurrentText("rmeas");
        double entries = 0;
        for (auto it = panel()->histogramBars()->data()->constBegin();
             it != panel()->histogramBars()->data()->constEnd(); ++it)
            entries += it->value;
        QCOMPARE(entries, double(kRuns));
        QVERIFY2(panel()->statsLabel()->text().contains("mean") &&
                     panel()->statsLabel()->text().contains("σ"),
                 qPrintable(panel()->statsLabel()->text()));

        // One CSV line per run under the header.
        const QString csv = m_dir.filePath("mc_gui.csv");
        QVERIFY2(panel()->exportCsv(csv, &error), qPrintable(error));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto lines = QString::fromUtf8(file.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), kRuns + 1);
        QVERIFY(lines.first().contains("rmeas"));

        // The runs browser shows the job's store, its runs under the job's name.
        auto* model = m_window->runsBrowser()->view()->model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), kRuns, 10000);
        for (int r = 0; r < kRuns; ++r)
            QCOMPARE(model->index(r, RunsModel::Job).data().toString(), QString("mc_gui"));
    }

    void refusedByTheStoreShowsWhyAndKeepsTheTable() {
        // The same job into the same store again: refused once prepared, nothing ran, and
        // the panel still shows (and overlays from) the job that did run.
        QSignalSpy started(panel(), &JobPanel::jobStarted);
        QSignalSpy progress(m_window->jobQueue(), &JobRunner::progress);
        QVERIFY(panel()->startJob());
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->jobQueue()->isRunning(), 60000);
        const QString message = panel()->messageLabel()->text();
        QVERIFY2(message.contains("already holds run"), qPrintable(message));
        QCOMPARE(started.size(), 0);
        QCOMPARE(progress.size(), 0);
        QCOMPARE(panel()->storePath(), m_dir.filePath("mc_gui.h5"));
        QCOMPARE(panel()->table()->rowCount(), kRuns);
    }

    void overlayIsColourGraded() {
        auto* plots = m_window->plots();
        QVERIFY2(!panel()->crefCombo()->currentText().isEmpty(), "no default cref");
        panel()->crefCombo()->setCurrentText("v(out)");
        QSignalSpy shown(m_window.get(), &MainWindow::overlayShown);
        panel()->overlay();
        QVERIFY(shown.wait(30000));
        QCOMPARE(shown.first().first().toInt(), kRuns);
        QCOMPARE(plots->traces().size(), kRuns);
        std::set<QRgb> colours;
        for (const auto& cref : plots->traces()) {
            QVERIFY(plots->pointCount(cref) > 10);
            colours.insert(plots->traceColor(cref).rgb());
        }
        QCOMPARE(static_cast<int>(colours.size()), kRuns);
        QVERIFY(panel()->findChild<QLabel*>("jobColourScale")->text().contains("rmeas"));

        auto* jobsDock = m_window->findChild<QDockWidget*>("jobsDock");
        jobsDock->raise();
        m_window->resizeDocks({jobsDock}, {330}, Qt::Vertical);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest); // laid out now
        screenshot(*m_window, "job_monte_carlo");
        screenshot(*panel(), "job_panel");
    }

    // The panel submits a job to a real (single-node, the tests' own) Slurm, shows the
    // array's progress and, once it is done, the runs merged into the store.
    void slurmJobIsMergedIntoTheStore() {
        const QString fixture =
            QStringLiteral(WAVEBENCH_TEST_DATA) + "/../support/slurm_cluster.sh";
        const QString cluster = m_dir.filePath("slurm");
        QProcess start;
        start.start("bash", {fixture, "start", cluster});
        QVERIFY(start.waitForFinished(120000));
        if (start.exitCode() == 77)
            QSKIP(qPrintable("no test Slurm: " + QString::fromUtf8(start.readAllStandardError())));
        QVERIFY2(start.exitCode() == 0, start.readAllStandardError().constData());
        qputenv("SLURM_CONF", (cluster + "/slurm.conf").toUtf8()); // for sbatch and squeue
        auto stopCluster = qScopeGuard([&] {
            QProcess::execute("bash", {fixture, "stop", cluster});
            qunsetenv("SLURM_CONF");
        });

        panel()->setText("name: mc_slurm\nnetlist: rc_mc.cir\nstore: mc_slurm.h5\n"
                         "montecarlo: {count: 4, seed: 300}\n");
        panel()->whereCombo()->setCurrentIndex(1);
        QVERIFY(panel()->slurmArgsEdit()->isVisibleTo(panel()));
        panel()->workersBox()->setValue(1);
        QSignalSpy started(panel(), &JobPanel::jobStarted);
        QSignalSpy finished(panel(), &JobPanel::jobFinished);
        QVERIFY2(panel()->startJob(), qPrintable(panel()->messageLabel()->text()));
        QVERIFY2(started.wait(60000), qPrintable(panel()->messageLabel()->text()));
        QVERIFY2(panel()->progressLabel()->text().startsWith("Slurm array "),
                 qPrintable(panel()->progressLabel()->text()));
        QCOMPARE(panel()->table()->rowCount(), 4);
        QVERIFY(finished.wait(180000));
        const auto summary = finished.first().at(0).value<JobSummary>();
        QString why;
        for (const auto& run : summary.runs)
            why += QString::fromStdString(run.runId + ": " + toString(run.status) + " " +
                                          run.message + "\n");
        QVERIFY2(summary.allOk(), qPrintable(why + panel()->messageLabel()->text()));
        QVERIFY2(panel()->progressLabel()->text().contains("merged: 4 of 4 runs ok"),
                 qPrintable(panel()->progressLabel()->text()));
        for (int r = 0; r < 4; ++r)
            QCOMPARE(panel()->table()->item(r, JobPanel::StatusColumn)->text(), QString("ok"));
        const auto stored = ResultStore::runIds(m_dir.filePath("mc_slurm.h5").toStdString());
        QVERIFY(stored.ok());
        QCOMPARE(stored->size(), size_t(4));
        QVERIFY(QDir(m_dir.filePath("mc_slurm.h5.shards")).entryList({"task-*.h5"}).isEmpty());
        screenshot(*m_window, "job_slurm");
        panel()->whereCombo()->setCurrentIndex(0);
    }
};

QTEST_MAIN(TestJobPanel)
#include "tst_job_panel.moc"
