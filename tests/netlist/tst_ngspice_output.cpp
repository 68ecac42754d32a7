// Pure logic: which ngspice lines fail a run.
#include "core/netlist/ngspice_output.h"

#include <QTest>

class TestNgspiceOutput : public QObject {
    Q_OBJECT
private slots:
    void classifiesLines_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("error");
        QTest::addColumn<QString>("severity");
        QTest::newRow("unknown subckt")
            << "stderr Error: unknown subckt: x1 out 0 nosuch" << true << "error";
        QTest::newRow("timestep") << "stderr doAnalyses: TRAN:  Timestep too small; time = 5e-09"
                                  << true << "error";
        QTest::newRow("aborted") << "stderr run simulation(s) aborted" << true << "error";
        QTest::newRow("warning") << "stderr Warning: singular matrix ignored" << false << "warning";
        QTest::newRow("stdout") << "stdout Circuit: rc" << false << "";
        QTest::newRow("stdout error word") << "stdout error tolerance 1e-3" << false << "";
    }
    void classifiesLines() {
        QFETCH(QString, line);
        QFETCH(bool, error);
        QFETCH(QString, severity);
        QCOMPARE(NgspiceOutput::isError(line.toStdString()), error);
        QCOMPARE(QString::fromStdString(NgspiceOutput::severity(line.toStdString())), severity);
    }
    void stripsPrefixAndNoise() {
        QCOMPARE(NgspiceOutput::text("stderr Error: x"), std::string("Error: x"));
        QCOMPARE(NgspiceOutput::text("plain"), std::string("plain"));
        QVERIFY(NgspiceOutput::isProgressNoise(" Reference value :  6.84589e-09"));
        QVERIFY(!NgspiceOutput::isProgressNoise("stdout Circuit: rc"));
    }
};

QTEST_GUILESS_MAIN(TestNgspiceOutput)
#include "tst_ngspice_output.moc"
