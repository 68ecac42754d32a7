// Pure logic: the one CSV field quoting, shared by the job table and the plot export.
#include "core/base/csv.h"

#include <QTest>

class TestCsv : public QObject {
    Q_OBJECT

private slots:
    void plainTextStaysAsItIs() {
        QCOMPARE(csv::field("top.ota1.m1.op.gm [S]"), std::string("top.ota1.m1.op.gm [S]"));
        QCOMPARE(csv::field(""), std::string());
    }

    void separatorsQuotesAndLineBreaksAreQuoted() {
        QCOMPARE(csv::field("tran,odd"), std::string("\"tran,odd\""));
        QCOMPARE(csv::field("say \"hi\""), std::string("\"say \"\"hi\"\"\""));
        QCOMPARE(csv::field("two\nlines"), std::string("\"two\nlines\""));
        QCOMPARE(csv::field("cr\r"), std::string("\"cr\r\""));
        QCOMPARE(csv::field("\""), std::string("\"\"\"\""));
    }
};

QTEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"
