// The log pane counts, colours and finds what ngspice said.
#include "ui/window/log_pane.h"

#include <QPlainTextEdit>
#include <QSyntaxHighlighter>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

class TestLogPane : public QObject {
    Q_OBJECT
private slots:
    void countsHighlightsAndFinds() {
        LogPane pane;
        pane.appendLines({"stdout Circuit: rc", "stderr Error: unknown subckt: x1 out 0 nosuch",
                          "stderr Warning: gmin stepping", "stdout No. of Data Rows : 12"});
        QCOMPARE(pane.errorCount(), 1);
        QCOMPARE(pane.warningCount(), 1);
        QVERIFY(pane.text().contains("unknown subckt"));

        // The error line carries a red format, the plain line none.
        const auto errorBlock = pane.editor()->document()->findBlockByNumber(1);
        const auto plainBlock = pane.editor()->document()->findBlockByNumber(0);
        QVERIFY(!errorBlock.layout()->formats().isEmpty());
        QCOMPARE(errorBlock.layout()->formats().first().format.foreground().color(),
                 QColor(200, 30, 30));
        QVERIFY(plainBlock.layout()->formats().isEmpty());

        QVERIFY(pane.find("Data Rows"));
        QCOMPARE(pane.editor()->textCursor().selectedText(), QString("Data Rows"));
        QVERIFY(pane.find("Circuit")); // wraps around
        QCOMPARE(pane.editor()->textCursor().blockNumber(), 0);
        QVERIFY(!pane.find("not in the log"));

        pane.clear();
        QCOMPARE(pane.errorCount(), 0);
        QVERIFY(pane.text().isEmpty());
    }
};

QTEST_MAIN(TestLogPane)
#include "tst_log_pane.moc"
