// Pure logic: how live blocks become plot series (steps, the memory budget, the stored units).
#include "ui/plot/decimated_series.h"
#include "ui/plot/trace_data.h"

#include <QTest>

namespace {

// A block of `rows` rows of three vectors, continuing at `firstRow`.
SampleBlock block(long long firstRow, size_t rows, long long step = -1) {
    static const auto crefs = std::make_shared<const std::vector<std::string>>(
        std::vector<std::string>{"top.nodes.a.v", "top.nodes.b.v", "top.nodes.c.v"});
    static const auto vectors =
        std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"a", "b", "c"});
    SampleBlock b;
    b.crefs = crefs;
    b.vectors = vectors;
    b.coordinate = "time";
    b.firstRow = firstRow;
    b.step = step;
    b.stepSource = step >= 0 ? "rv" : "";
    b.stepValue = 1000.0 * static_cast<double>(step + 1);
    for (size_t i = 0; i < rows; ++i)
        b.coordinateValues.push_back(static_cast<double>(firstRow) + static_cast<double>(i));
    b.columns.assign(3, std::vector<double>(rows, 1.0));
    b.imag.assign(3, {});
    return b;
}

} // namespace

class TestTraceData : public QObject {
    Q_OBJECT
private slots:
    // Labels take the units the run stores (VectorUnits), for live blocks and stored runs.
    void unitsAreTheStoredOnes() {
        auto live = block(0, 10);
        live.units = std::make_shared<const std::vector<std::string>>(
            std::vector<std::string>{"V", "S", ""});
        live.coordinateUnit = "s";
        TraceData data;
        data.append(live);
        QCOMPARE(data.unitOf("top.nodes.b.v"), std::string("S"));
        QCOMPARE(data.unitOf("b"), std::string("S"));
        QCOMPARE(data.unitOf("top.nodes.c.v"), std::string());
        QCOMPARE(data.unitOf("nowhere"), std::string());
        QCOMPARE(data.coordinateUnit(), std::string("s"));

        RunData run;
        run.summary.coordinate = "vin";
        run.coordinate = {0, 1};
        run.coordinateUnit = "V";
        StoredVector cd;
        cd.cref = "top.z1.op.cd";
        cd.sourceVector = "@z1[cd]";
        cd.unit = "A";
        cd.aliases = {"top.drain_current"};
        cd.values = {1, 2};
        run.vectors.push_back(cd);
        data.load(run);
        QCOMPARE(data.unitOf("top.z1.op.cd"), std::string("A"));
        QCOMPARE(data.unitOf("top.drain_current"), std::string("A"));
        QCOMPARE(data.unitOf("top.nodes.b.v"), std::string()); // the live run's are gone
        QCOMPARE(data.coordinateUnit(), std::string("V"));
    }

    void everyVectorIsKeptWithinTheBudget() {
        TraceData data;
        data.append(block(0, 100));
        data.append(block(100, 100));
        QVERIFY(!data.overBudget());
        for (const char* cref : {"top.nodes.a.v", "top.nodes.b.v", "top.nodes.c.v"})
            QCOMPARE(data.find(cref)->size(), size_t(200));
        QCOMPARE(data.find("b"), data.find("top.nodes.b.v")); // by vector or by cref
    }

    void pastTheBudgetOnlyTheProbesGrow() {
        TraceData data;
        data.setSampleBudget(1000);
        data.setKept({"top.nodes.a.v", "c"}); // a cref and a vector
        data.append(block(0, 300));           // 900 samples: within
        QVERIFY(!data.overBudget());
        QVERIFY(data.find("top.nodes.b.v"));
        data.append(block(300, 300)); // would be 1800
        QVERIFY(data.overBudget());
        QVERIFY(!data.find("top.nodes.b.v"));                      // dropped, memory and all
        QCOMPARE(data.find("top.nodes.a.v")->size(), size_t(600)); // whole history
        QCOMPARE(data.find("top.nodes.c.v")->size(), size_t(600));
        // A probe added now starts now.
        data.setKept({"top.nodes.a.v", "c", "top.nodes.b.v"});
        data.append(block(600, 50));
        QCOMPARE(data.find("top.nodes.b.v")->size(), size_t(50));
        QCOMPARE(data.find("top.nodes.a.v")->size(), size_t(650));
        data.clear();
        QVERIFY(!data.overBudget());
    }

    void stepsAreSeriesOfTheirOwn() {
        TraceData data;
        data.append(block(0, 10, 0));
        data.append(block(0, 20, 1)); // rows restart with the step
        QVERIFY(data.stepped());
        QCOMPARE(data.stepCount(), size_t(2));
        QCOMPARE(data.find("top.nodes.a.v", 0)->size(), size_t(10));
        QCOMPARE(data.find("top.nodes.a.v", 1)->size(), size_t(20));
        QVERIFY(!data.find("top.nodes.a.v", 2));
        QCOMPARE(data.stepLabel(1), std::string("rv = 2 k"));
    }
};

QTEST_MAIN(TestTraceData)
#include "tst_trace_data.moc"
