// Which next runs CircuitReload lets ngspice reload by commands on its stored deck, and with
// which commands. Pure logic; the exactness of each choice is checked against real ngspice
// in tests/engine/tst_clean_runs.cpp.
#include "core/netlist/circuit_reload.h"
#include "core/netlist/job_netlist.h"

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        const size_t end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return lines;
}

const std::string kRc = "* rc\n.param rval=1k cval=1n\nr1 in out {rval}\nc1 out 0 {cval}\n"
                        "v1 in 0 pwl(0 0 1n 1)\n.tran 10n 10u\n.end\n";

CircuitReload::Deck point(const std::string& netlist, long long seed,
                          std::vector<std::pair<std::string, std::string>> parameters = {},
                          std::vector<std::pair<std::string, std::string>> libs = {}) {
    JobNetlist::Point p;
    p.label = "point " + std::to_string(seed);
    p.seed = seed;
    p.parameters = std::move(parameters);
    p.libs = std::move(libs);
    return CircuitReload::deckFor(linesOf(JobNetlist::build(netlist, p)));
}

} // namespace

class TestCircuitReload : public QObject {
    Q_OBJECT

private slots:
    void theSeedLineBecomesSetseed() {
        const auto deck = point(kRc, 17);
        QCOMPARE(deck.seed, 17LL);
        for (const auto& line : deck.lines)
            QVERIFY2(line.find("seed") == std::string::npos, line.c_str());
        QCOMPARE(deck.lines.front(), std::string("* rc"));
    }

    void aNetlistWithItsOwnSeedKeepsBoth() {
        const auto deck = point("* rc\n.option seed=5\n" + kRc.substr(5), 3);
        QCOMPARE(deck.seed, -1LL);
        int seeds = 0;
        for (const auto& line : deck.lines)
            seeds += line.find("seed") != std::string::npos;
        QCOMPARE(seeds, 2);
    }

    void anotherSeedIsSetseedThenReset() {
        CircuitReload::Facts facts;
        facts.draws = true;
        const auto commands = CircuitReload::reload(point(kRc, 1), facts, point(kRc, 2));
        QVERIFY(commands);
        QCOMPARE(*commands, (std::vector<std::string>{"setseed 2", "reset"}));
    }

    void anotherParameterIsAlterparam() {
        const auto loaded = point(kRc, 1, {{"rval", "1k"}});
        const auto next = point(kRc, 2, {{"rval", "2.5K"}});
        const auto commands = CircuitReload::reload(loaded, {}, next);
        QVERIFY(commands);
        QCOMPARE(*commands,
                 (std::vector<std::string>{"setseed 2", "alterparam rval=2.5k", "reset"}));
    }

    void withoutASeedOnlyADeckThatDrawsNothing() {
        const auto loaded = point(kRc, -1, {{"rval", "1k"}});
        const auto next = point(kRc, -1, {{"rval", "2k"}});
        QVERIFY(CircuitReload::reload(loaded, {}, next));
        CircuitReload::Facts draws;
        draws.draws = true;
        QVERIFY(!CircuitReload::reload(loaded, draws, next));
    }

    void whatOnlyANewLoadGives() {
        const auto loaded = point(kRc, 1, {{"rval", "1k"}});
        // An expression, another parameter, a corner library, a subcircuit's own .param,
        // trnoise or .if, another netlist.
        QVERIFY(!CircuitReload::reload(loaded, {}, point(kRc, 1, {{"rval", "{2*cval}"}})));
        QVERIFY(!CircuitReload::reload(loaded, {}, point(kRc, 1, {{"cval", "1n"}})));
        QVERIFY(!CircuitReload::reload(loaded, {},
                                       point(kRc, 1, {{"rval", "1k"}}, {{"/abs/c.lib", "ff"}})));
        CircuitReload::Facts subcircuit;
        subcircuit.subcircuitParameters = {"rval"};
        QVERIFY(!CircuitReload::reload(loaded, subcircuit, point(kRc, 1, {{"rval", "2k"}})));
        QVERIFY(CircuitReload::reload(loaded, subcircuit, point(kRc, 2, {{"rval", "1k"}})));
        CircuitReload::Facts unsafe;
        unsafe.unsafe = true;
        QVERIFY(!CircuitReload::reload(loaded, unsafe, point(kRc, 2, {{"rval", "1k"}})));
        QVERIFY(!CircuitReload::mayReload(loaded, point(kRc + "* more\n", 1, {{"rval", "1k"}})));
        std::string other = kRc;
        other.replace(other.find("c1 out 0"), 8, "c1 out 9");
        QVERIFY(!CircuitReload::reload(loaded, {}, point(other, 1, {{"rval", "1k"}})));
    }

    void factsReadTheIncludes() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string models = dir.filePath("models.inc").toStdString();
        QFile file(QString::fromStdString(models));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(".subckt cell a b\n.param Wx=1u mis=agauss(0, 1, 1)\nr1 a b {wx}\n.ends\n");
        file.close();
        const auto facts =
            CircuitReload::factsOf("* top\n.include " + models + "\nx1 1 0 cell\n.op\n.end\n",
                                   dir.filePath("top.cir").toStdString());
        QVERIFY(!facts.unsafe);
        QVERIFY(facts.draws);
        QCOMPARE(facts.subcircuitParameters, (std::set<std::string>{"mis", "wx"}));
        QCOMPARE(facts.files.size(), size_t(1));
        QCOMPARE(facts.files.front().path, models);
        const long long now = QDateTime::currentMSecsSinceEpoch();
        // Just written: ngspice may have read it in the same second as it changed.
        QVERIFY(!CircuitReload::filesUnchanged(facts, now));
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(QDateTime::currentDateTime().addSecs(-3600),
                                 QFileDevice::FileModificationTime));
        file.close();
        const auto old =
            CircuitReload::factsOf("* top\n.include " + models + "\nx1 1 0 cell\n.op\n.end\n",
                                   dir.filePath("top.cir").toStdString());
        QVERIFY(CircuitReload::filesUnchanged(old, now));
        QVERIFY(file.open(QIODevice::Append));
        file.write("* changed\n");
        file.close();
        QVERIFY(!CircuitReload::filesUnchanged(old, now + 10000));
        QVERIFY(CircuitReload::factsOf("* t\nv1 1 0 trnoise(1m 1n 0 0)\n.end\n", "t.cir").unsafe);
        QVERIFY(CircuitReload::factsOf("* t\n.include /no/such.inc\n.end\n", "t.cir").unsafe);
        QVERIFY(!CircuitReload::factsOf(kRc, "rc.cir").draws);
    }
};

QTEST_GUILESS_MAIN(TestCircuitReload)
#include "tst_circuit_reload.moc"
