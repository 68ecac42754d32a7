// The runs browser lists a real store, read on a worker thread.
#include "core/crefs/probe_resolver.h"
#include "core/engine/sim_session.h"
#include "core/store/h5_sink.h"
#include "core/store/sample_batch.h"
#include "ui/runs/runs_browser.h"
#include "ui/runs/runs_model.h"
#include "ui/runs/status_colors.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QFile>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

class TestRunsBrowser : public QObject {
    Q_OBJECT
private slots:
    // A process killed mid-run left its part file: opening the store in the browser
    // commits it, and it is listed as interrupted with the data it had flushed.
    void recoversWhatAKilledRunLeft() {
        QTemporaryDir dir;
        const auto store = dir.filePath("killed.h5").toStdString();
        const pid_t pid = fork();
        if (pid == 0) {
            auto sink = H5Sink::open(store);
            RunMetadata metadata;
            metadata.runId = "killed";
            const std::vector<VectorInfo> vectors{{"time", false, true}, {"out"}};
            auto resolution = ProbeResolver().resolve(vectors);
            if (!sink || !resolution || !sink.value()->createRun(metadata) ||
                !sink.value()->beginPlot("tran1", vectors, resolution.value()))
                _exit(3);
            SampleBatch batch;
            batch.columns = 2;
            batch.rows = batch.capacity = 1000;
            batch.values.assign(2000, 1.0);
            for (int i = 0; i < 20; ++i)
                sink.value()->append(batch);
            std::this_thread::sleep_for(std::chrono::milliseconds(1100));
            sink.value()->append(batch); // past the flush interval
            raise(SIGKILL);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        QVERIFY(WIFSIGNALED(status));
        RunsBrowser browser;
        QSignalSpy refreshed(&browser, &RunsBrowser::refreshed);
        browser.setStorePath(QString::fromStdString(store));
        QVERIFY(refreshed.wait(10000));
        auto* model = browser.model();
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->index(0, RunsModel::Status).data().toString(), QString("interrupted"));
        QVERIFY(model->index(0, RunsModel::Points).data().toLongLong() >= 20000);
        QVERIFY(!QFile::exists(QString::fromStdString(store + ".parts/killed.h5")));
    }

    void listsRunsOfAStore() {
        QTemporaryDir dir;
        const auto store = dir.filePath("runs.h5");
        {
            auto session = SimSession::create();
            QVERIFY2(session.ok(), session.error().c_str());
            for (const char* name : {"rc_step.cir", "broken.cir"}) {
                RunRequest request;
                request.netlistPath =
                    (QStringLiteral(WAVEBENCH_TEST_DATA) + "/" + name).toStdString();
                request.storePath = store.toStdString();
                request.runId = QString(name).section('.', 0, 0).toStdString();
                QVERIFY(session.value()->submit(request)->waitForFinished(30000));
            }
        }
        RunsBrowser browser;
        QAbstractItemModelTester tester(browser.model(),
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy refreshed(&browser, &RunsBrowser::refreshed);
        browser.setStorePath(store);
        QVERIFY(refreshed.wait(10000));
        auto* model = browser.model();
        QCOMPARE(model->rowCount(), 2);
        const int ok = model->rowOf("rc_step");
        const int failed = model->rowOf("broken");
        QVERIFY(ok >= 0 && failed >= 0);
        QCOMPARE(model->index(ok, RunsModel::Status).data().toString(), QString("ok"));
        QCOMPARE(model->index(ok, RunsModel::Analysis).data().toString(), QString("tran"));
        QVERIFY(model->index(ok, RunsModel::Points).data().toLongLong() > 100);
        QCOMPARE(model->index(failed, RunsModel::Status).data().toString(), QString("failed"));
        // In the colours every other view of a status uses.
        auto colourOf = [&](int row) {
            return model->index(row, RunsModel::Status)
                .data(Qt::ForegroundRole)
                .value<QBrush>()
                .color();
        };
        QCOMPARE(colourOf(ok), status_colors::ok());
        QCOMPARE(colourOf(failed), status_colors::failed());
        QVERIFY(status_colors::ok() != status_colors::failed());
        QCOMPARE(status_colors::of(RunStatus::Interrupted), status_colors::warning());
        QCOMPARE(status_colors::of(RunStatus::Missing), status_colors::warning());
        QCOMPARE(status_colors::of(RunStatus::Running), status_colors::pending());
        QVERIFY(model->index(failed, RunsModel::Message)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains("unknown subckt"));

        QSignalSpy open(&browser, &RunsBrowser::openRunRequested);
        emit browser.view()->doubleClicked(model->index(ok, 0));
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.first().first().toString(), QString("rc_step"));

        // A file that is not a store: an error in the status line, no rows, no crash.
        const auto bogus = dir.filePath("bogus.h5");
        QFile file(bogus);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("nope");
        file.close();
        browser.setStorePath(bogus);
        QVERIFY(refreshed.wait(10000));
        QCOMPARE(model->rowCount(), 0);
    }
};

QTEST_MAIN(TestRunsBrowser)
#include "tst_runs_browser.moc"
