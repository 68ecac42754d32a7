// The window streams a real run of the bundled example and plots it live.
#include "main_window.h"
#include "result_store.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void liveRunGrowsTracesAndMatchesStore_data() {
        QTest::addColumn<QString>("example");
        QTest::addColumn<QString>("design");
        QTest::addColumn<QString>("probe");
        QTest::newRow("spice") << "ota"
                               << "tb_ota.spice"
                               << "top.nodes.out.v";
        QTest::newRow("asdl") << "ota_asdl"
                              << "tb_ota.asdl"
                              << "top.vdd.i"; // ASDL's name
    }
    void liveRunGrowsTracesAndMatchesStore() {
        QFETCH(QString, example);
        QFETCH(QString, design);
        QFETCH(QString, probe);
        QTemporaryDir dir;
        const QDir source(QStringLiteral(WAVEBENCH_EXAMPLES) + "/" + example);
        for (const auto& file : source.entryList(QDir::Files))
            QVERIFY(QFile::copy(source.filePath(file), dir.filePath(file)));
        const QString netlist = dir.filePath(design);
        MainWindow window;
        window.resize(1200, 760);
        window.show();
        QVERIFY(window.openNetlist(netlist, true));
        auto run = window.currentRun();
        QVERIFY(run);
        QTRY_VERIFY_WITH_TIMEOUT(window.plot()->graphCount() > 0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(run->isFinished(), 30000);
        QTest::qWait(200); // let the last queued batches and the redraw arrive
        QCOMPARE(toString(run->status()), std::string("ok"));

        // Every trace holds exactly what the store holds.
        const auto stored =
            ResultStore::readRun(run->storePath().toStdString(), run->runId().toStdString());
        QVERIFY2(stored.ok(), stored.error().c_str());
        QVERIFY2(stored->find(probe.toStdString()), qPrintable(probe));
        QVERIFY(!stored->treeJson.empty());
        int visible = 0;
        for (int i = 0; i < window.plot()->graphCount(); ++i) {
            auto* graph = window.plot()->graph(i);
            QCOMPARE(static_cast<size_t>(graph->data()->size()), stored->coordinate.size());
            visible += graph->visible() ? 1 : 0;
        }
        QVERIFY(visible > 0);
        const QString shots = qEnvironmentVariable("WAVEBENCH_SCREENSHOT_DIR");
        if (!shots.isEmpty())
            QVERIFY(window.grab().save(shots + "/main_window_" + example + ".png"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
