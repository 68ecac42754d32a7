// Pure logic: what the session hands to ngspice.
#include "core/netlist/run_netlist.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>

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

    void cardsSpanTheirContinuations() {
        // Comment and blank lines may sit inside a card: a replaced analysis is set aside
        // whole, a .save is taken over whole, and the comments stay as they were.
        auto n = RunNetlist::fromText("t\nr1 a 0 1\n.tran 1n\n* step\n+ 10n\n.save @m1[gm]\n\n"
                                      "+ @m2[id]\n.lib tt\n.endl\n.end\n",
                                      "/work", "t.cir", TranSpec{"2n", "20n"});
        QVERIFY2(n.ok(), n.ok() ? "" : n.error().c_str());
        QVERIFY(hasLine(n.value(), "* [wavebench] .tran 1n"));
        QVERIFY(hasLine(n.value(), "* step"));
        QVERIFY(hasLine(n.value(), "* [wavebench] + 10n"));
        QCOMPARE(n->deviceSaves(), (std::vector<std::string>{"@m1[gm]", "@m2[id]"}));
        QVERIFY(!hasLine(n.value(), "+ @m2[id]"));
        QVERIFY(hasLine(n.value(), ".lib tt")); // a section definition names no file
        // A .dc line's second source may be on a continuation.
        auto dc = RunNetlist::fromText("t\nv1 a 0 1\nv2 b 0 1\n.dc v1 0 1 0.5 $ inner\n"
                                       "+ v2 0 1 0.5\n",
                                       "/", "t.cir", std::nullopt);
        QVERIFY(dc.ok());
        QVERIFY(dc->stepping().kind == RunStepping::Kind::DcSecondSource);
        QCOMPARE(dc->stepping().values.size(), size_t(3));
    }

    void savesAreTakenOver() {
        auto n = RunNetlist::fromText("t\n.save all @M1[GM] v(out)\n+ @m.x1.m2[id]\n.op\n.end\n",
                                      "/", "t.cir", std::nullopt);
        QVERIFY(n.ok());
        QCOMPARE(n->deviceSaves(), (std::vector<std::string>{"@m.x1.m2[id]", "@m1[gm]"}));
        for (const auto& line : n->lines())
            QVERIFY2(line.find(".save") == std::string::npos, line.c_str());
    }

    void controlBlocksWithoutAnalysisAreSetAside() {
        auto n = RunNetlist::fromText("t\n.tran 1n 10n\n.control\nset x = 1\n.endc\n.end\n", "/",
                                      "t.cir", std::nullopt);
        QVERIFY(n.ok());
        QVERIFY(n->controlScript().empty());
        QVERIFY(!hasLine(n.value(), "set x = 1"));
        QCOMPARE(n->notes().size(), size_t(1));
        QVERIFY(n->notes()[0].find("t.cir:3") != std::string::npos);
        // A replaced analysis replaces the script's too.
        auto replaced = RunNetlist::fromText("t\n.control\ntran 1n 1u\n.endc\n.end\n", "/", "t.cir",
                                             TranSpec{"1n", "10n"});
        QVERIFY(replaced.ok());
        QVERIFY(replaced->controlScript().empty());
        QVERIFY(hasLine(replaced.value(), ".tran 1n 10n"));
    }

    void controlScriptsRunWithoutInteractiveCommands() {
        auto n = RunNetlist::fromText("t\nr1 a 0 1\n.tran 1n 10n\n.control\nrun\nplot v(a)\n"
                                      "quit\n.endc\n.end\n",
                                      "/", "t.cir", std::nullopt);
        QVERIFY2(n.ok(), n.ok() ? "" : n.error().c_str());
        QCOMPARE(n->controlScript(), std::vector<std::string>{"run"});
        QCOMPARE(n->notes().size(), size_t(2));
        QVERIFY(n->notes()[0].find("t.cir:6") != std::string::npos);
        QVERIFY(n->notes()[1].find("quit") != std::string::npos);
        QVERIFY(!n->stepping().stepped()); // one run: no steps
        // A script may be the only place analyses are.
        QVERIFY(
            RunNetlist::fromText("t\nr1 a 0 1\n.control\nop\n.endc\n", "/", "t.cir", std::nullopt)
                .ok());
    }

    void loopsAreStepped() {
        auto n = RunNetlist::fromText("t\nr1 a 0 1\n.control\nforeach rv 1k 2.2k 4.7k\n"
                                      "alter r1 $rv\ntran 1n 10n\nend\n.endc\n.end\n",
                                      "/", "t.cir", std::nullopt);
        QVERIFY(n.ok());
        QVERIFY(n->stepping().kind == RunStepping::Kind::Plots);
        QCOMPARE(n->stepping().source, std::string("rv"));
        QCOMPARE(n->stepping().values, (std::vector<double>{1000, 2200, 4700}));
        // Two loops, or a list of names: steps without a source to label them.
        auto nested = RunNetlist::fromText("t\nr1 a 0 1\n.control\nrepeat 2\nforeach m a b\n"
                                           "op\nend\nend\n.endc\n",
                                           "/", "t.cir", std::nullopt);
        QVERIFY(nested.ok());
        QVERIFY(nested->stepping().kind == RunStepping::Kind::Plots);
        QVERIFY(nested->stepping().source.empty());
        // Two analyses in a row repeat the plot as well.
        auto twice = RunNetlist::fromText("t\nr1 a 0 1\n.control\nop\nalter r1 2\nop\n.endc\n", "/",
                                          "t.cir", std::nullopt);
        QVERIFY(twice.ok() && twice->stepping().kind == RunStepping::Kind::Plots);
    }

    void dcWithTwoSourcesIsStepped() {
        auto n = RunNetlist::fromText("t\nv1 a 0 1\nv2 b 0 1\n.dc v1 0 1.8 0.1 V2 0.6 1.8 0.4\n",
                                      "/", "t.cir", std::nullopt);
        QVERIFY(n.ok());
        const auto& s = n->stepping();
        QVERIFY(s.kind == RunStepping::Kind::DcSecondSource);
        QCOMPARE(s.source, std::string("v2"));
        QCOMPARE(s.unit, std::string("V"));
        QCOMPARE(s.innerPoints, 19LL);
        QCOMPARE(s.values.size(), size_t(4));
        QVERIFY(std::abs(s.values[3] - 1.8) < 1e-12);
        auto down = RunNetlist::fromText("t\nv1 a 0 1\ni2 b 0 1\n.dc v1 1 0 -0.5 i2 1m 1m 1\n", "/",
                                         "t.cir", std::nullopt);
        QVERIFY(down.ok());
        QCOMPARE(down->stepping().innerDirection, -1.0);
        QCOMPARE(down->stepping().innerPoints, 3LL);
        QCOMPARE(down->stepping().values.size(), size_t(1));
        QCOMPARE(down->stepping().unit, std::string("A"));
        // Found by review: a tiny outer step made 10^15 step labels before ngspice started,
        // and 1e-300 an infinite count cast to an integer. Such steps stay unlabelled.
        for (const char* step : {"1e-15", "1e-300"}) {
            auto tiny = RunNetlist::fromText(std::string("t\nv1 a 0 1\nv2 b 0 1\n.dc v1 0 1 0.1 ") +
                                                 "v2 0 1 " + step + "\n",
                                             "/", "t.cir", std::nullopt);
            QVERIFY(tiny.ok());
            QVERIFY(tiny->stepping().kind == RunStepping::Kind::DcSecondSource);
            QVERIFY(tiny->stepping().values.empty());
            QVERIFY(std::isnan(tiny->stepping().valueAt(0)));
            QCOMPARE(tiny->stepping().innerPoints, 11LL);
        }
        auto single =
            RunNetlist::fromText("t\nv1 a 0 1\n.dc v1 0 1 0.1\n", "/", "t.cir", std::nullopt);
        QVERIFY(single.ok() && !single->stepping().stepped());
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

    // Cards that crash ngspice 39 (or make it sweep forever) are errors at their line, found
    // by mutating the project's netlists; the ones next to them, which ngspice takes, pass.
    void cardsNgspiceCannotRunAreErrors_data() {
        QTest::addColumn<QString>("card");
        QTest::addColumn<QString>("why"); // empty: the card runs
        QTest::newRow("bare .model") << ".model"
                                     << ".model needs a name and a type";
        QTest::newRow(".model without type") << ".model nch"
                                             << ".model needs a name and a type";
        QTest::newRow(".model") << ".model nch nmos level=1"
                                << "";
        QTest::newRow(".measure without name") << ".measure tran"
                                               << "needs an analysis, a name";
        QTest::newRow(".measure without what") << ".measure tran vmid"
                                               << "needs an analysis";
        QTest::newRow(".meas without what") << ".meas ac vmid"
                                            << "needs an analysis";
        QTest::newRow("find without at") << ".measure tran x find v(out)"
                                         << "find needs";
        QTest::newRow("find with bare when") << ".measure tran x find v(out) when"
                                             << "find needs";
        QTest::newRow("find at") << ".measure tran x find v(out) at=1u"
                                 << "";
        QTest::newRow("find when") << ".measure tran x find v(out) when v(in)=0.5"
                                   << "";
        QTest::newRow("find when=") << ".measure tran x find v(out) when=0.5"
                                    << "";
        QTest::newRow("avg") << ".measure tran x avg v(out)"
                             << "";
        QTest::newRow("param") << ".measure tran x param='y*2'"
                               << "";
        QTest::newRow(".dc step 0") << ".dc v1 0.1 2 0"
                                    << ".dc step 0 never reaches";
        QTest::newRow(".dc outer step 0") << ".dc v1 0 1 0.1 v2 0 1 0"
                                          << "never reaches";
        QTest::newRow(".dc without step") << ".dc v1 0.1 2"
                                          << ".dc needs a source, start";
        QTest::newRow(".dc second source without step") << ".dc v1 0 1 0.1 v2 0 1"
                                                        << "for each of its two sources";
        QTest::newRow(".dc step a word") << ".dc v1 0 1.8 v2 0.05 0.6 1.8 0.4"
                                         << ".dc step v2 (not a number) never reaches";
        QTest::newRow(".dc step an expression") << ".dc v1 0 1 {0.1*2}"
                                                << "";
        QTest::newRow(".dc") << ".dc v1 0 1 0.1 v2 0 1 0.5"
                             << "";
    }

    void cardsNgspiceCannotRunAreErrors() {
        QFETCH(QString, card);
        QFETCH(QString, why);
        const std::string text =
            "t\nv1 in 0 1\nv2 out 0 1\n.tran 1n 1u\n" + card.toStdString() + "\n.end\n";
        auto netlist = RunNetlist::fromText(text, "/", "mutant.cir", std::nullopt);
        if (why.isEmpty()) {
            QVERIFY2(netlist.ok(), netlist.ok() ? "" : netlist.error().c_str());
            return;
        }
        QVERIFY(!netlist.ok());
        QVERIFY2(netlist.error().rfind("mutant.cir:5: ", 0) == 0, netlist.error().c_str());
        QVERIFY2(netlist.error().find(why.toStdString()) != std::string::npos,
                 netlist.error().c_str());
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
