// Pure logic: what the session hands to ngspice.
#include "run_netlist.h"

#include <QTemporaryDir>
#include <QTest>

namespace {
bool hasLine(const RunNetlist& n, const std::string& line) {
    return std::find(n.lines().begin(), n.lines().end(), line) != n.lines().end();
}
} // namespace

class TestRunNetlist : public QObject {
    Q_OBJECT
private slots:
    void includesBecomeAbsolute() {
        auto n = RunNetlist::fromText("title\n.include models.lib\n.lib 'corners.lib' tt\n"
                                      ".include /abs/x.lib\n.tran 1n 10n\n.end\n",
                                      "/work/design", "t.cir", std::nullopt);
        QVERIFY2(n.ok(), n.error().c_str());
        QVERIFY(hasLine(n.value(), ".include /work/design/models.lib"));
        QVERIFY(hasLine(n.value(), ".lib \"/work/design/corners.lib\" tt"));
        QVERIFY(hasLine(n.value(), ".include /abs/x.lib"));
        QCOMPARE(n->lines().front(), std::string("title"));
        QCOMPARE(n->lines().back(), std::string(".end"));
    }

    void tranOverrideCommentsOutAnalyses() {
        auto n = RunNetlist::fromText("t\nr1 a 0 1\n.TRAN 1n 10n\n.ac dec 10 1\n+ 1meg\n.end\n",
                                      "/", "t.cir", TranSpec{"2n", "20n"});
        QVERIFY(n.ok());
        QVERIFY(hasLine(n.value(), "* [wavebench] .TRAN 1n 10n"));
        QVERIFY(hasLine(n.value(), "* [wavebench] + 1meg"));
        QVERIFY(hasLine(n.value(), ".tran 2n 20n"));
    }

    void savesAreTakenOver() {
        auto n = RunNetlist::fromText("t\n.save all @M1[GM] v(out)\n+ @m.x1.m2[id]\n.op\n.end\n",
                                      "/", "t.cir", std::nullopt);
        QVERIFY(n.ok());
        QCOMPARE(n->deviceSaves(), (std::vector<std::string>{"@m.x1.m2[id]", "@m1[gm]"}));
        for (const auto& line : n->lines())
            QVERIFY2(line.find(".save") == std::string::npos, line.c_str());
    }

    void controlBlocksAreSetAside() {
        auto n = RunNetlist::fromText("t\n.tran 1n 10n\n.control\nrun\nplot v(a)\n.endc\n.end\n",
                                      "/", "t.cir", std::nullopt);
        QVERIFY(n.ok());
        QVERIFY(!hasLine(n.value(), "run"));
        QCOMPARE(n->notes().size(), size_t(1));
        QVERIFY(n->notes()[0].find("t.cir:3") != std::string::npos);
    }

    void errorsNameTheFile() {
        auto none = RunNetlist::fromText("t\nr1 a 0 1\n.end\n", "/", "design.cir", std::nullopt);
        QVERIFY(!none.ok());
        QVERIFY(none.error().rfind("design.cir:", 0) == 0);
        auto open =
            RunNetlist::fromText("t\n.tran 1n 1u\n.control\nrun\n", "/", "d.cir", std::nullopt);
        QVERIFY(!open.ok());
        QVERIFY(open.error().find(".endc") != std::string::npos);
        auto missing = RunNetlist::fromFile("/nonexistent/x.cir", std::nullopt);
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().find("/nonexistent/x.cir") != std::string::npos);
    }

    void hashFollowsContent() {
        auto a = RunNetlist::fromText("t\n.op\n.end\n", "/", "a", std::nullopt);
        auto b = RunNetlist::fromText("t\n.op\n.end\n", "/", "b", std::nullopt);
        auto c = RunNetlist::fromText("t2\n.op\n.end\n", "/", "c", std::nullopt);
        QCOMPARE(a->sha256(), b->sha256());
        QVERIFY(a->sha256() != c->sha256());
        QCOMPARE(a->sha256().size(), size_t(64));
    }
};

QTEST_GUILESS_MAIN(TestRunNetlist)
#include "tst_run_netlist.moc"
