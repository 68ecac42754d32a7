// The run toolbar: analysis fields and the state of its actions.
#include "ui/window/run_controls.h"

#include <QAction>
#include <QSignalSpy>
#include <QTest>

class TestRunControls : public QObject {
    Q_OBJECT
private slots:
    void tranSpecFromTheFields() {
        RunControls controls;
        QString error;
        QVERIFY(!controls.tranSpec(&error).has_value());
        QVERIFY(error.isEmpty()); // both empty: the netlist's own analyses
        controls.setTranSpec("1n", "");
        QVERIFY(!controls.tranSpec(&error).has_value());
        QVERIFY(error.contains("both"));
        controls.setTranSpec("1n", "10u");
        const auto spec = controls.tranSpec(&error);
        QVERIFY(spec.has_value());
        QCOMPARE(spec->step, std::string("1n"));
        QCOMPARE(spec->stop, std::string("10u"));
    }

    void actionsFollowTheRun() {
        RunControls controls;
        QVERIFY(!controls.runAction()->isEnabled()); // nothing open yet
        controls.setCanRun(true);
        QVERIFY(controls.runAction()->isEnabled());
        QVERIFY(!controls.stopAction()->isEnabled());
        QSignalSpy run(&controls, &RunControls::runRequested);
        controls.runAction()->trigger();
        QCOMPARE(run.size(), 1);

        controls.runStarted("r1");
        QVERIFY(!controls.runAction()->isEnabled());
        QVERIFY(controls.stopAction()->isEnabled() && controls.pauseAction()->isEnabled());
        controls.runProgress(42.5, "tran: 42.5%");
        QCOMPARE(controls.progressPermille(), 425);
        controls.runPaused(true);
        QVERIFY(controls.resumeAction()->isEnabled() && !controls.pauseAction()->isEnabled());
        controls.runPaused(false);
        controls.runFinished(RunStatus::Interrupted, "stopped by request");
        QCOMPARE(controls.statusText(), QString("interrupted"));
        QVERIFY(controls.runAction()->isEnabled());
        QVERIFY(!controls.stopAction()->isEnabled());
    }
};

QTEST_MAIN(TestRunControls)
#include "tst_run_controls.moc"
