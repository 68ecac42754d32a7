// SpiceReader on real netlist files, and the tree's vectors checked against the real
// libngspice: every vector the tree names (node voltages, branch currents, every op
// parameter of DeviceParameters' tables) must be streamed by a run.
#include "core/crefs/probe_resolver.h"
#include "core/design/device_parameters.h"
#include "core/design/spice_lexer.h"
#include "core/design/spice_reader.h"
#include "tests/support/session_fixture.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <set>

namespace {

const QString kData = QStringLiteral(WAVEBENCH_TEST_DATA);
const QString kSource = QFileInfo(kData + "/../..").absoluteFilePath();
const QString kAsdl = QFileInfo(QStringLiteral(WAVEBENCH_SHARED_ASDL)).absoluteFilePath();

std::string data(const QString& name) {
    return QFileInfo(kData + "/" + name).absoluteFilePath().toStdString();
}

std::string example(const QString& name) {
    return QFileInfo(kSource + "/resources/examples/" + name).absoluteFilePath().toStdString();
}

std::string asdl(const QString& name) {
    return (kAsdl + "/" + name).toStdString();
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> childNames(const HierarchyTree& tree, const std::string& cref,
                                    std::optional<NodeKind> kind = std::nullopt) {
    std::vector<std::string> names;
    for (const auto* node : tree.children(cref))
        if (!kind || node->kind == *kind)
            names.push_back(node->name);
    return names;
}

std::vector<std::string> parameterNames(const std::string& deviceModel) {
    std::vector<std::string> names;
    for (const auto& p : DeviceParameters::parameters(deviceModel))
        names.push_back(p.name);
    return names;
}

using Names = std::vector<std::string>;

} // namespace

#define READ(var, expr)                                                                            \
    auto var##Result = (expr);                                                                     \
    QVERIFY2(var##Result.ok(), var##Result.error().c_str());                                       \
    const HierarchyTree& var = var##Result.value()

// Checks kind, vector and (for nets) the source line of one node.
#define EXPECT_NODE(tree, cref, kindValue, vectorValue)                                            \
    do {                                                                                           \
        const auto* n_ = (tree).find(cref);                                                        \
        QVERIFY2(n_, (std::string("no node ") + (cref)).c_str());                                  \
        QCOMPARE(toString(n_->kind), toString(kindValue));                                         \
        QCOMPARE(n_->vector, std::string(vectorValue));                                            \
    } while (0)

class TestSpiceReader : public QObject {
    Q_OBJECT

private slots:
    void edgeCasesAcrossIncludesAndLibSections() {
        READ(tree, SpiceReader::readFile(data("spice/edge_top.cir")));
        const auto top = data("spice/edge_top.cir");
        const auto cells = data("spice/inc/cells.inc");
        const auto nested = data("spice/inc/nested.inc");

        // Top-level nets: lowercase, in order of first use; gnd and 0 are ground (no vector).
        QCOMPARE(childNames(tree, "top", NodeKind::Net),
                 (Names{"vdda", "0", "in", "out", "mid", "gnd", "bufout"}));
        EXPECT_NODE(tree, "top.nodes.in.v", NodeKind::Net, "in");
        EXPECT_NODE(tree, "top.nodes.gnd.v", NodeKind::Net, "");
        QCOMPARE(tree.find("top.nodes.gnd.v")->detail, std::string("ground"));
        QCOMPARE(tree.find("top.nodes.vdda.v")->detail, std::string("global"));
        QCOMPARE(tree.find("top.nodes.in.v")->source.line, 9); // VIN, its first use
        QVERIFY(tree.find("top.nodes.in.v")->streamedByDefault);
        QCOMPARE(tree.find("top.nodes.in.v")->unit, std::string("V"));

        // Children in netlist order; the .control block and the line after .end are gone.
        QCOMPARE(childNames(tree, "top"),
                 (Names{"vdda", "0", "in", "out", "mid", "gnd", "bufout", "vdda", "vin", "amp",
                        "div", "rload", "d1", "buf"}));
        for (const auto* node : tree.nodes())
            QVERIFY2(!contains(node->cref, "not_an_instance") && !contains(node->cref, "after"),
                     node->cref.c_str());

        // The continuation after a comment line still belongs to XAMP; GAIN=2 and
        // params: w=1u are no ports.
        const auto* amp = tree.find("top.amp");
        QVERIFY(amp);
        QCOMPARE(toString(amp->kind), toString(NodeKind::Instance));
        QCOMPARE(amp->detail, std::string("subckt amp"));
        QCOMPARE(amp->source.file, top);
        QCOMPARE(amp->source.line, 11);
        QCOMPARE(childNames(tree, "top.amp"), (Names{"in", "out", "0", "vdda", "mn", "rl"}));
        EXPECT_NODE(tree, "top.amp.nodes.in.v", NodeKind::Net, "in");
        QCOMPARE(tree.find("top.amp.nodes.in.v")->detail, std::string("port"));
        QCOMPARE(tree.find("top.amp.nodes.in.v")->source.file, cells);
        QCOMPARE(tree.find("top.amp.nodes.in.v")->source.line, 2);        // the .subckt line
        EXPECT_NODE(tree, "top.amp.nodes.vdda.v", NodeKind::Net, "vdda"); // .global VDDA
        QCOMPARE(tree.find("top.amp.nodes.vdda.v")->detail, std::string("global"));
        EXPECT_NODE(tree, "top.amp.nodes.0.v", NodeKind::Net, "");

        // The model comes from the selected .lib section (tt: level 1, so von, not vth).
        const auto* mn = tree.find("top.amp.mn");
        QVERIFY(mn);
        QCOMPARE(toString(mn->kind), toString(NodeKind::Device));
        QCOMPARE(mn->detail, std::string("nmos nch_tt"));
        QCOMPARE(mn->source.file, cells);
        QCOMPARE(mn->source.line, 3);
        QCOMPARE(childNames(tree, "top.amp.mn"), parameterNames("mos1"));
        EXPECT_NODE(tree, "top.amp.mn.op.gm", NodeKind::DeviceParameter, "@m.xamp.mn[gm]");
        QCOMPARE(tree.find("top.amp.mn.op.gm")->unit, std::string("S"));
        QVERIFY(!tree.find("top.amp.mn.op.gm")->streamedByDefault);
        QVERIFY(tree.find("top.amp.mn.op.von"));
        QVERIFY(!tree.find("top.amp.mn.op.vth"));

        // X line with a parameter after the subckt name.
        QCOMPARE(childNames(tree, "top.div", NodeKind::Net), (Names{"a", "b"}));
        EXPECT_NODE(tree, "top.div.nodes.b.v", NodeKind::Net, "mid");
        EXPECT_NODE(tree, "top.div.r1.op.i", NodeKind::DeviceParameter, "@r.xdiv.r1[i]");

        // A model from a file that a section of the library includes, relative to lib/.
        QCOMPARE(tree.find("top.d1")->detail, std::string("diode dcommon"));
        QCOMPARE(childNames(tree, "top.d1"), parameterNames("diode"));

        // Sources: branch current first, then the op parameters.
        EXPECT_NODE(tree, "top.vin.i", NodeKind::BranchCurrent, "vin#branch");
        QCOMPARE(tree.find("top.vin.i")->unit, std::string("A"));
        QVERIFY(tree.find("top.vin.i")->streamedByDefault);
        QCOMPARE(tree.find("top.vin")->detail, std::string("vsource DC 0.9 AC 1"));
        QCOMPARE(childNames(tree, "top.vin"), (Names{"i", "i", "p"}));

        // x_buf: leading x_ dropped; the nested include was resolved relative to inc/; the
        // local subckt stage is elaborated twice.
        const auto* buf = tree.find("top.buf");
        QVERIFY(buf);
        QCOMPARE(buf->detail, std::string("subckt buf"));
        QCOMPARE(childNames(tree, "top.buf"), (Names{"in", "out", "m", "s1", "s2"}));
        EXPECT_NODE(tree, "top.buf.nodes.m.v", NodeKind::Net, "x_buf.m");
        QCOMPARE(tree.find("top.buf.nodes.m.v")->source.file, nested);
        QCOMPARE(tree.find("top.buf.nodes.m.v")->source.line, 2);
        EXPECT_NODE(tree, "top.buf.s1.nodes.a.v", NodeKind::Net, "mid");
        EXPECT_NODE(tree, "top.buf.s1.nodes.y.v", NodeKind::Net, "x_buf.m");
        EXPECT_NODE(tree, "top.buf.s2.nodes.a.v", NodeKind::Net, "x_buf.m");
        EXPECT_NODE(tree, "top.buf.s2.nodes.y.v", NodeKind::Net, "bufout");
        EXPECT_NODE(tree, "top.buf.s1.nodes.vdda.v", NodeKind::Net, "vdda");
        // stage is defined inside buf, so ngspice names its devices m.x_buf.m.xs2.mp.
        EXPECT_NODE(tree, "top.buf.s2.mp.op.gm", NodeKind::DeviceParameter,
                    "@m.x_buf.m.xs2.mp[gm]");
        QCOMPARE(tree.find("top.buf.s2.mp")->detail, std::string("pmos pch_tt"));
        QCOMPARE(tree.find("top.buf.s2.mp")->source.file, nested);
        QCOMPARE(tree.find("top.buf.s2.mp")->source.line, 5);

        // Crefs agree with ProbeResolver for everything whose cref follows its vector (not
        // ports and globals, which carry another net's vector, nor devices below nested
        // definitions, whose ngspice names repeat the type letter).
        for (const auto* node : tree.nodes()) {
            if (node->vector.empty() || contains(node->detail, "port") ||
                contains(node->detail, "global") || contains(node->vector, ".m.xs"))
                continue;
            QCOMPARE(node->cref, ProbeResolver::defaultCref(node->vector));
        }
    }

    void textFormsCommentsAndCase() {
        const std::string text = "title line .include nowhere.lib\n"
                                 "* comment\n"
                                 "   * indented comment\n"
                                 "V1 IN 0 DC 1 ; comment ; more\n"
                                 "R1 IN\n"
                                 "\n"
                                 "+ MID $ comment in a continuation\n"
                                 "* a comment between continuation lines\n"
                                 "+ 1K\n"
                                 "R2 MID 0 'R0 * 2' $ quoted expression\n"
                                 "E1 EO 0 value = { V(MID) * 2 }\n"
                                 "RE EO 0 1k\n"
                                 "H1 HO 0 POLY(1) V1 0 1\n"
                                 "RH HO 0 1k\n"
                                 "B1 BO 0 V = V(MID)\n"
                                 "B2 BI 0 I=V(MID)*1m\n"
                                 "RB BO BI 1k\n"
                                 "RFLOAT dangling1 dangling2 1k\n"
                                 ".end\n";
        READ(tree, SpiceReader::readText(text, "/virtual/forms.cir"));
        QCOMPARE(childNames(tree, "top", NodeKind::Net),
                 (Names{"in", "0", "mid", "eo", "ho", "bo", "bi", "dangling1", "dangling2"}));
        QCOMPARE(tree.find("top.r1")->source.line, 5);
        QCOMPARE(tree.find("top.r1")->detail, std::string("resistor 1K"));
        QCOMPARE(tree.find("top.r2")->detail, std::string("resistor 'R0 * 2'"));
        QCOMPARE(tree.find("top.v1")->source.file, std::string("/virtual/forms.cir"));
        // E with an expression: a branch, two nodes. POLY H: ngspice makes it a code model
        // (no h1 device to ask, no branch). B: a branch only for a voltage.
        EXPECT_NODE(tree, "top.e1.i", NodeKind::BranchCurrent, "e1#branch");
        QCOMPARE(childNames(tree, "top.h1"), Names{});
        QVERIFY(tree.find("top.b1.i"));
        QVERIFY(!tree.find("top.b2.i"));
        QCOMPARE(childNames(tree, "top.b2"), parameterNames("asrc"));
        // A resistor alone between two nets still makes ngspice nodes of them.
        EXPECT_NODE(tree, "top.nodes.dangling1.v", NodeKind::Net, "dangling1");
    }

    void netsWithoutDevicesHaveNoVector() {
        // `unused` is a port nobody inside touches and the parent uses nowhere else:
        // ngspice makes no node for it.
        const std::string text = "t\n"
                                 ".subckt half a unused\n"
                                 "r1 a 0 1k\n"
                                 ".ends\n"
                                 "v1 in 0 1\n"
                                 "x1 in floating half\n"
                                 ".end\n";
        READ(tree, SpiceReader::readText(text, "/virtual/unused.cir"));
        EXPECT_NODE(tree, "top.nodes.floating.v", NodeKind::Net, "");
        EXPECT_NODE(tree, "top.1.nodes.unused.v", NodeKind::Net, "");
        QVERIFY(contains(tree.find("top.1.nodes.unused.v")->detail, "no device connected"));
        QVERIFY(!tree.find("top.1.nodes.unused.v")->streamedByDefault);
        EXPECT_NODE(tree, "top.1.nodes.a.v", NodeKind::Net, "in");
    }

    void nestedSubcktsAreLocal() {
        const std::string nested = data("spice/inc/nested.inc");
        // buf (with its local stage) instantiated twice, and a top-level stage that shadows
        // nothing inside buf.
        const std::string text = "t\n.include " + nested +
                                 "\n"
                                 ".subckt stage a y\n"
                                 "rtop a y 1k\n"
                                 ".ends\n"
                                 "v1 in 0 1\n"
                                 "xb1 in o1 buf\n"
                                 "xst in o2 stage\n"
                                 ".end\n";
        READ(tree, SpiceReader::readText(text, "/virtual/nested.cir"));
        QVERIFY(tree.find("top.b1.s1.mp")); // buf's own stage
        QVERIFY(!tree.find("top.b1.s1.rtop"));
        QVERIFY(tree.find("top.st.rtop")); // the top-level one
        QVERIFY(!tree.find("top.st.mp"));

        // stage of nested.inc alone is invisible at the top level.
        auto unknown = SpiceReader::readText("t\n.include " + nested + "\nxs a b stage\n.end\n",
                                             "/virtual/local.cir");
        QVERIFY(!unknown.ok());
        QVERIFY2(contains(unknown.error(), "/virtual/local.cir:3: unknown subckt \"stage\""),
                 unknown.error().c_str());
    }

    void devicesBelowNestedDefinitionsGetNgspiceNames() {
        READ(tree, SpiceReader::readFile(data("spice/nested_defs.cir")));
        // Checked against ngspice-39's `show` and raw file for this netlist.
        EXPECT_NODE(tree, "top.o.m.l1.r1.op.i", NodeKind::DeviceParameter, "@r.xo.r.xm.xl1.r1[i]");
        EXPECT_NODE(tree, "top.o.m.2.l.r1.op.i", NodeKind::DeviceParameter,
                    "@r.xo.r.xm.x2.xl.r1[i]");
        EXPECT_NODE(tree, "top.o.m.2.rr.op.i", NodeKind::DeviceParameter, "@r.xo.r.xm.r.x2.rr[i]");
        EXPECT_NODE(tree, "top.o.m.g.rg.op.i", NodeKind::DeviceParameter, "@r.xo.xm.xg.rg[i]");
        EXPECT_NODE(tree, "top.o.g2.rg.op.i", NodeKind::DeviceParameter, "@r.xo.xg2.rg[i]");
        EXPECT_NODE(tree, "top.o.p.r1.op.i", NodeKind::DeviceParameter, "@r.xo.r.xp.r1[i]");
        EXPECT_NODE(tree, "top.o.rout.op.i", NodeKind::DeviceParameter, "@r.xo.rout[i]");
        EXPECT_NODE(tree, "top.o.m.2.l.vl.i", NodeKind::BranchCurrent, "v.xo.v.xm.x2.xl.vl#branch");
        EXPECT_NODE(tree, "top.o.m.l1.vl.i", NodeKind::BranchCurrent, "v.xo.v.xm.xl1.vl#branch");
        // Nodes keep the plain path.
        EXPECT_NODE(tree, "top.o.m.2.l.nodes.inner.v", NodeKind::Net, "xo.xm.x2.xl.inner");
        EXPECT_NODE(tree, "top.o.m.nodes.m1.v", NodeKind::Net, "xo.xm.m1");
        EXPECT_NODE(tree, "top.o.m.l1.nodes.q.v", NodeKind::Net, "xo.xm.m1");
    }

    void errorsNameFileAndLine_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        const auto at = [](const char* file, int line) {
            return QString::fromStdString(data(QString("spice/") + file)) + ":" +
                   QString::number(line) + ": ";
        };
        QTest::newRow("missing include")
            << "err_missing_include.cir"
            << at("err_missing_include.cir", 4) + ".include \"no/such/models.lib\": file not found";
        QTest::newRow("missing section")
            << "err_missing_section.cir"
            << at("err_missing_section.cir", 3) + ".lib \"lib/corners.lib\" ss: no section \"ss\"";
        QTest::newRow("unknown subckt")
            << "err_unknown_subckt.cir"
            << at("err_unknown_subckt.cir", 4) + "unknown subckt \"nosuch\" (instance x1)";
        QTest::newRow("port count")
            << "err_ports.cir"
            << at("err_ports.cir", 7) + "xone connects 1 nodes, but subckt \"two\" (" +
                   QString::fromStdString(data("spice/err_ports.cir")) + ":3) has 2 ports";
        QTest::newRow("recursion")
            << "err_recursion.cir"
            << at("err_recursion.cir", 8) + "subckt \"a\" instantiates itself (a -> b -> a)";
        QTest::newRow("include loop")
            << "err_include_loop.cir"
            << at("inc/loop_b.inc", 3) + ".include \"loop_a.inc\" is included recursively";
    }

    void errorsNameFileAndLine() {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        auto tree = SpiceReader::readFile(data("spice/" + file));
        QVERIFY(!tree.ok());
        QVERIFY2(contains(tree.error(), expected.toStdString()),
                 ("got: " + tree.error() + "\nwanted: " + expected.toStdString()).c_str());
    }

    // Found by fuzzing: a subckt chain 5000 levels deep overflowed the stack. Such nesting
    // is an error naming the instance that goes too deep; 256 levels still read, on a
    // thread with a pool thread's stack (a pool thread opens designs in the GUI), in ASan too.
    static std::string chain(int levels) {
        std::string text = "deep chain\n";
        for (int i = 0; i < levels; ++i)
            text +=
                ".subckt s" + std::to_string(i) + " a b\n" +
                (i + 1 < levels ? "x1 a b s" + std::to_string(i + 1) : std::string("r1 a b 1k")) +
                "\n.ends\n";
        return text + "v1 in 0 1\nx0 in 0 s0\n.op\n.end\n";
    }

    // Found by fuzzing: nets named by two different bytes that are not UTF-8 (\xcd, \xb1)
    // became one U+FFFD name in tree.json, so the tree did not read back as itself. Such a
    // name is refused, naming the line and the bytes; UTF-8 names (a µ) read.
    void namesThatAreNotUtf8AreRefused() {
        auto tree = SpiceReader::readText("title\nv1 a 0 1\nr1 a \xcd 1k\nr2 \xcd 0 1k\n.end\n",
                                          "/virtual/latin1.cir");
        QVERIFY(!tree.ok());
        QCOMPARE(tree.error(), std::string("/virtual/latin1.cir:3: \"\\xcd\" is not UTF-8 text "
                                           "(names must be; save the netlist as UTF-8)"));
        READ(utf8, SpiceReader::readText("title \xb5\n* \xb5 in a comment is fine\nv1 a 0 1\n"
                                         "r1 a n\xc2\xb5 1k\nr2 n\xc2\xb5 0 1k\n.op\n.end\n",
                                         "/virtual/utf8.cir"));
        QVERIFY(utf8.find("top.nodes.n\xc2\xb5.v"));
        const auto json = utf8.toJson();
        auto back = HierarchyTree::fromJson(json, "tree.json");
        QVERIFY(back.ok());
        QCOMPARE(back->toJson(), json);
    }

    // Found by fuzzing: a binary file read as a netlist reported `"top.<bytes>" is defined
    // twice`. Binary data is refused as not a netlist, naming the file and line.
    void binaryFilesAreNotNetlists() {
        const std::string binary("title\nr1 a 0 1k\n\x7f"
                                 "ELF\x02\x01\0\0\0junk\n",
                                 30);
        auto tree = SpiceReader::readText(binary, "/virtual/program.cir");
        QVERIFY(!tree.ok());
        QCOMPARE(tree.error(), std::string("/virtual/program.cir:3: not a SPICE netlist (binary "
                                           "data: a NUL byte; is this the right file?)"));
        auto deck = SpiceLexer::expand(binary, "/virtual/program.cir", {});
        QVERIFY(!deck.ok());
        QVERIFY(contains(deck.error(), "not a SPICE netlist"));
    }

    // Found by fuzzing: a current switch with two nodes and a model but no controlling
    // source (`w1 k 0 dm`) read its model past the end of the line (ASan: SEGV). It is an
    // error naming the line. Found reading the code beside it: a POLY count that is no small
    // whole number (`poly(.5)`, 10^20) threw std::invalid_argument or std::out_of_range out of
    // the reader; it is read as no POLY nodes.
    void shortSwitchAndOddPolyLinesAreNotCrashes() {
        auto w = SpiceReader::readText("t\nw1 k 0 dm\n.model dm csw\n.end\n", "/virtual/w.cir");
        QVERIFY(!w.ok());
        QCOMPARE(w.error(), std::string("/virtual/w.cir:2: w1 needs its nodes, a controlling "
                                        "source and a model"));
        auto s = SpiceReader::readText("t\ns1 a 0 c 0\n.end\n", "/virtual/s.cir");
        QVERIFY(!s.ok());
        QCOMPARE(s.error(), std::string("/virtual/s.cir:2: s1 needs its nodes and a model"));
        auto fine = SpiceReader::readText(
            "t\nv1 a 0 1\nvs a b 0\nr1 b 0 1k\nw1 a 0 vs dm\n.model dm csw\n.end\n",
            "/virtual/ok.cir");
        QVERIFY2(fine.ok(), fine.error().c_str());
        QVERIFY(fine->find("top.w1") != nullptr);
        for (const char* count : {"poly(.5)", "poly(99999999999999999999)", "poly(-1)"}) {
            auto poly = SpiceReader::readText(std::string("t\nv1 a 0 1\ne1 b 0 ") + count +
                                                  " a 0 1 2\nr1 b 0 1k\n.end\n",
                                              "/virtual/poly.cir");
            QVERIFY2(poly.ok(), poly.error().c_str());
            QVERIFY(poly->find("top.e1") != nullptr);
        }
    }

    // Found by fuzzing (fuzz_spice_reader ran at 40 inputs a second): collecting a
    // definition's nets searched the list of nets for each one, quadratic in a flat
    // netlist's nets (40,000 took 2.8 s, now 0.6 s, most of it making the nodes). The nets
    // keep their order: ports in .subckt order, then the others in order of first use.
    void manyNetsKeepTheirOrder() {
        constexpr int kResistors = 20000;
        std::string text = "flat\n.subckt cell p q\nr1 q mid 1k\nr2 mid p 1k\nr3 p q 1k\n.ends\n";
        for (int i = 0; i < kResistors; ++i)
            text += "r" + std::to_string(i) + " a" + std::to_string(i) + " b" + std::to_string(i) +
                    " 1k\n";
        text += "x1 a0 b0 cell\n.end\n";
        auto tree = SpiceReader::readText(text, "/virtual/flat.cir");
        QVERIFY2(tree.ok(), tree.error().c_str());
        std::vector<std::string> nets;
        for (const auto* node : tree->children("top"))
            if (node->kind == NodeKind::Net)
                nets.push_back(node->name);
        QCOMPARE(nets.size(), size_t(2 * kResistors));
        QCOMPARE(nets[0], std::string("a0"));
        QCOMPARE(nets[1], std::string("b0"));
        QCOMPARE(nets.back(), "b" + std::to_string(kResistors - 1));
        std::vector<std::string> cellNets;
        for (const auto* node : tree->children("top.1"))
            if (node->kind == NodeKind::Net)
                cellNets.push_back(node->name);
        QCOMPARE(cellNets, (std::vector<std::string>{"p", "q", "mid"}));
    }

    void deepNestingIsAnErrorNotACrash() {
        auto tooDeep = SpiceReader::readText(chain(5000), "/virtual/deep.cir");
        QVERIFY(!tooDeep.ok());
        QVERIFY2(contains(tooDeep.error(), "nests subckt instances more than 256 levels deep"),
                 tooDeep.error().c_str());
        QVERIFY2(contains(tooDeep.error(), "/virtual/deep.cir:"), tooDeep.error().c_str());
        Result<HierarchyTree> deepest = Result<HierarchyTree>::failure("not read");
        QThread reader;
        reader.setStackSize(8 * 1024 * 1024); // a pool thread's default here
        QObject::connect(&reader, &QThread::started, [&] {
            deepest = SpiceReader::readText(chain(256), "/virtual/deepest.cir");
            reader.quit();
        });
        reader.start();
        QVERIFY(reader.wait(60000));
        QVERIFY2(deepest.ok(), deepest.error().c_str());
        QVERIFY(deepest->find("top.0.1.1.1") != nullptr);
    }

    void moreErrors() {
        auto self = SpiceReader::readText("t\n.subckt a in\nxa in a\n.ends\nx1 n a\n.end\n",
                                          "/virtual/self.cir");
        QVERIFY(!self.ok());
        QVERIFY2(contains(self.error(), "/virtual/self.cir:3: subckt \"a\" instantiates itself "
                                        "(a -> a)"),
                 self.error().c_str());
        auto open = SpiceReader::readText("t\n.subckt a in\nr1 in 0 1\n", "/virtual/open.cir");
        QVERIFY(!open.ok());
        QVERIFY2(contains(open.error(), "/virtual/open.cir:2: .subckt a has no .ends"),
                 open.error().c_str());
        auto stray = SpiceReader::readText("t\nr1 a 0 1\n.ends\n", "/virtual/stray.cir");
        QVERIFY(!stray.ok());
        QVERIFY(contains(stray.error(), "/virtual/stray.cir:3: .ends without .subckt"));
        auto control = SpiceReader::readText("t\n.control\nrun\n", "/virtual/control.cir");
        QVERIFY(!control.ok());
        QVERIFY(contains(control.error(), "/virtual/control.cir:2: .control without .endc"));
        auto none = SpiceReader::readFile(data("spice/does_not_exist.cir"));
        QVERIFY(!none.ok());
        QVERIFY(contains(none.error(), "does_not_exist.cir"));
        // xbuf and x_buf both become top.buf: the error names both lines.
        auto collision = SpiceReader::readFile(data("collision.cir"));
        QVERIFY(!collision.ok());
        QVERIFY2(contains(collision.error(), "collision.cir:9") &&
                     contains(collision.error(), "collision.cir:8") &&
                     contains(collision.error(), "top.buf"),
                 collision.error().c_str());
    }

    void missingModelsCanBeTolerated() {
        SpiceReader::Options options;
        options.tolerateMissingModels = true;
        std::vector<std::string> warnings;
        auto tree =
            SpiceReader::readFile(data("spice/err_missing_include.cir"), options, &warnings);
        QVERIFY2(tree.ok(), tree.error().c_str());
        QCOMPARE(warnings.size(), size_t(1));
        QVERIFY(contains(warnings[0], "err_missing_include.cir:4: .include"));
        QVERIFY(tree->find("top.r1"));

        warnings.clear();
        auto section =
            SpiceReader::readFile(data("spice/err_missing_section.cir"), options, &warnings);
        QVERIFY(section.ok());
        QCOMPARE(warnings.size(), size_t(1));

        warnings.clear();
        auto unknown =
            SpiceReader::readFile(data("spice/err_unknown_subckt.cir"), options, &warnings);
        QVERIFY(unknown.ok());
        QCOMPARE(warnings.size(), size_t(1));
        QVERIFY(contains(warnings[0], "err_unknown_subckt.cir:4: unknown subckt \"nosuch\""));
        const auto* leaf = unknown->find("top.1");
        QVERIFY(leaf);
        QCOMPARE(leaf->detail, std::string("subckt nosuch (not defined)"));
        QVERIFY(leaf->children.empty());
        // Its connections count as used: b is a node of the (unavailable) definition.
        EXPECT_NODE(unknown.value(), "top.nodes.b.v", NodeKind::Net, "b");

        // Structural errors stay errors.
        auto ports = SpiceReader::readFile(data("spice/err_ports.cir"), options, &warnings);
        QVERIFY(!ports.ok());
    }

    void otaExample() {
        READ(tree, SpiceReader::readFile(example("ota/tb_ota.spice")));
        QCOMPARE(childNames(tree, "top"), (Names{"vdd", "0", "vss", "in", "vbn", "out", "vdd",
                                                 "vss", "vin", "bias", "ota1", "cl"}));
        QCOMPARE(childNames(tree, "top.ota1"), (Names{"inp", "inn", "out", "vdd", "vss", "vbn", "x",
                                                      "tail", "m1", "m2", "m3", "m4", "m5"}));
        EXPECT_NODE(tree, "top.ota1.nodes.inp.v", NodeKind::Net, "in");
        EXPECT_NODE(tree, "top.ota1.nodes.inn.v", NodeKind::Net, "out");
        EXPECT_NODE(tree, "top.ota1.nodes.x.v", NodeKind::Net, "xota1.x");
        EXPECT_NODE(tree, "top.ota1.nodes.tail.v", NodeKind::Net, "xota1.tail");
        EXPECT_NODE(tree, "top.ota1.m1.op.gm", NodeKind::DeviceParameter, "@m.xota1.m1[gm]");
        EXPECT_NODE(tree, "top.ota1.m1.op.id", NodeKind::DeviceParameter, "@m.xota1.m1[id]");
        QCOMPARE(tree.find("top.ota1.m1")->detail, std::string("nmos nch"));
        QCOMPARE(tree.find("top.ota1.m3")->detail, std::string("pmos pch"));
        QCOMPARE(tree.find("top.ota1.m1")->source.line, 6);
        QCOMPARE(tree.find("top.ota1.nodes.x.v")->source.line, 4);
        QCOMPARE(tree.find("top.ota1")->detail, std::string("subckt ota"));
        QCOMPARE(tree.find("top.ota1")->source.line, 24);
        EXPECT_NODE(tree, "top.bias.ib.op.current", NodeKind::DeviceParameter,
                    "@i.xbias.ib[current]");
        EXPECT_NODE(tree, "top.vdd.i", NodeKind::BranchCurrent, "vdd#branch");
        EXPECT_NODE(tree, "top.cl.op.i", NodeKind::DeviceParameter, "@cl[i]");
        // toProbeMap: the port nets share their parent's vector.
        const auto map = tree.toProbeMap();
        QCOMPARE(map.map.at("top.ota1.nodes.out.v"), std::string("out"));
        QCOMPARE(map.map.at("top.nodes.out.v"), std::string("out"));
        QVERIFY(!map.map.count("top.nodes.0.v"));
    }

    void ringExamples() {
        READ(ring, SpiceReader::readFile(example("ring/ring.cir")));
        QCOMPARE(childNames(ring, "top", NodeKind::Instance),
                 (Names{"s1", "s2", "s3", "s4", "s5", "s6", "s7"}));
        QCOMPARE(childNames(ring, "top.s7"), (Names{"in", "out", "vdd", "0", "inv", "cload"}));
        EXPECT_NODE(ring, "top.s7.nodes.out.v", NodeKind::Net, "n1");
        EXPECT_NODE(ring, "top.s7.inv.nodes.in.v", NodeKind::Net, "n7");
        EXPECT_NODE(ring, "top.s1.inv.mn.op.gm", NodeKind::DeviceParameter, "@m.xs1.xinv.mn[gm]");
        EXPECT_NODE(ring, "top.s1.cload.op.i", NodeKind::DeviceParameter, "@c.xs1.cload[i]");

        READ(hier, SpiceReader::readFile(data("hier_ring.cir")));
        QCOMPARE(childNames(hier, "top.st3"),
                 (Names{"in", "out", "vdd", "mid", "0", "inv", "vm", "c1"}));
        EXPECT_NODE(hier, "top.st3.nodes.mid.v", NodeKind::Net, "xst3.mid");
        EXPECT_NODE(hier, "top.st3.inv.nodes.out.v", NodeKind::Net, "xst3.mid");
        EXPECT_NODE(hier, "top.st3.vm.i", NodeKind::BranchCurrent, "v.xst3.vm#branch");
        EXPECT_NODE(hier, "top.st2.inv.mp.op.gds", NodeKind::DeviceParameter,
                    "@m.xst2.xinv.mp[gds]");
        QCOMPARE(hier.findByVector("xst1.mid").size(), size_t(2));
        QCOMPARE(hier.findByVector("n1").size(), size_t(4)); // top, st1.in, st5.out, st1.inv.in
    }

    void asdlDesigns() {
        if (!QFileInfo(kAsdl).isDir())
            QSKIP("../shared/asdl-examples is not beside this checkout");
        if (!QFileInfo::exists(kAsdl))
            QSKIP("the ASDL examples are not on this machine");
        const auto top = asdl("ASDL/examples/libs/mosbius_devices/top_mosbius_devices_v1_nmos/"
                              "top_mosbius_devices_v1_nmos.spice");
        // By default a PDK device subckt that is defined nowhere is an error at its line.
        auto strict = SpiceReader::readFile(top);
        QVERIFY(!strict.ok());
        QVERIFY2(contains(strict.error(), top + ":28: unknown subckt \"pfet_03v3\""),
                 strict.error().c_str());

        SpiceReader::Options options;
        options.tolerateMissingModels = true;
        std::vector<std::string> warnings;
        auto result = SpiceReader::readFile(top, options, &warnings);
        QVERIFY2(result.ok(), result.error().c_str());
        const auto& tree = result.value();
        QCOMPARE(warnings.size(), size_t(23)); // one per PDK device instance
        // The same hierarchy `asdlc query tree` printed for it.
        QCOMPARE(
            childNames(tree, "top", NodeKind::Instance),
            (Names{"nmos_ota", "nmos_cm_array", "nmos_cm", "mn_dp_1x_a", "mn_dp_1x_b", "mn_dp_4x_a",
                   "mn_dp_4x_b", "mn_cs_4x_a", "mn_cs_4x_b", "inv", "mn_dummy", "mp_dummy"}));
        QCOMPARE(childNames(tree, "top.nmos_ota", NodeKind::Instance),
                 (Names{"mp_ref", "mp_cs", "mn_in_p", "mn_in_n", "mn_tail"}));
        QCOMPARE(childNames(tree, "top.nmos_cm_array", NodeKind::Instance),
                 (Names{"mn_ref", "mn_out1", "mn_out2", "mn_out4", "mn_out8", "mn_out16"}));
        QCOMPARE(childNames(tree, "top.inv", NodeKind::Instance), (Names{"mn", "mp"}));
        QCOMPARE(tree.find("top.nmos_ota.mn_in_p")->detail,
                 std::string("subckt nfet_03v3 (not defined)"));
        EXPECT_NODE(tree, "top.nmos_ota.nodes.vbn.v", NodeKind::Net, "nmos_cm_array_iref");
        EXPECT_NODE(tree, "top.nmos_ota.nodes.tail.v", NodeKind::Net, "xnmos_ota.tail");
        EXPECT_NODE(tree, "top.nmos_ota.nodes.d.v", NodeKind::Net, "xnmos_ota.d");
        EXPECT_NODE(tree, "top.nodes.vss.v", NodeKind::Net, "vss");

        // The cell netlist: its top level is the cell's body.
        warnings.clear();
        auto ota = SpiceReader::readFile(
            asdl("ASDL/examples/libs/mosbius_devices/ota_nmos/ota_nmos.spice"), options, &warnings);
        QVERIFY2(ota.ok(), ota.error().c_str());
        QCOMPARE(warnings.size(), size_t(5));
        QCOMPARE(childNames(ota.value(), "top", NodeKind::Instance),
                 (Names{"mp_ref", "mp_cs", "mn_in_p", "mn_in_n", "mn_tail"}));

        // Every ASDL netlist there reads (testbenches name Xyce and PDK files that are not
        // here: warnings, not errors).
        for (const auto* path :
             {"ASDL/examples/libs/mosbius_devices/inv/inv.spice",
              "ASDL/examples/libs/mosbius_devices/ota_nmos/ota_nmos.lvs.spice",
              "ASDL/examples/libs/tb/tb_inv/tb.spice", "ASDL/examples/libs/tb/tb_ota_5t/tb.spice",
              "ASDL/examples/libs/tb/tb_swmatrix/tb_swmatrix_row.config_0.spice",
              "ASDL/examples/libs/tb/tb_swmatrix/tb_swmatrix_row.config_1.spice",
              "compiler-output/tb_ota.spice", "compiler-output/pattern_render_quirk.spice"}) {
            auto any = SpiceReader::readFile(asdl(path), options, nullptr);
            QVERIFY2(any.ok(), any.error().c_str());
        }
        auto tb = SpiceReader::readFile(asdl("compiler-output/tb_ota.spice"), options, nullptr);
        // Xxota1 keeps one x: ngspice's vector is xxota1.d, its cref top.xota1.nodes.d.v.
        EXPECT_NODE(tb.value(), "top.xota1.nodes.d.v", NodeKind::Net, "xxota1.d");
        EXPECT_NODE(tb.value(), "top.ota.nodes.tail.v", NodeKind::Net, "xota.tail");
        EXPECT_NODE(tb.value(), "top.v_vsrc_vdd.i", NodeKind::BranchCurrent, "v_vsrc_vdd#branch");
        // A subckt port named gnd is ground, as in ngspice.
        auto quirk =
            SpiceReader::readFile(asdl("compiler-output/pattern_render_quirk.spice"), options, {});
        EXPECT_NODE(quirk.value(), "top.lp1.nodes.gnd.v", NodeKind::Net, "");
        EXPECT_NODE(quirk.value(), "top.lp1.nodes.int__xa.v", NodeKind::Net, "xlp1.int__xa");
    }

    void deviceTable() {
        QCOMPARE(DeviceParameters::deviceModel('m', "nmos", 1), std::string("mos1"));
        QCOMPARE(DeviceParameters::deviceModel('m', "pmos", 0), std::string("mos1"));
        QCOMPARE(DeviceParameters::deviceModel('m', "nmos", 49, "3.3.0"), std::string("bsim3"));
        QCOMPARE(DeviceParameters::deviceModel('m', "nmos", 8, "3.1"), std::string("bsim3v1"));
        QCOMPARE(DeviceParameters::deviceModel('m', "nmos", 8, "'3.2.4'"), std::string("bsim3v32"));
        QCOMPARE(DeviceParameters::deviceModel('m', "nmos", 54), std::string("bsim4"));
        QCOMPARE(DeviceParameters::deviceModel('m', "nmos", 14, "4.5"), std::string("bsim4v5"));
        QCOMPARE(DeviceParameters::deviceModel('m', "vdmos"), std::string("vdmos"));
        QCOMPARE(DeviceParameters::deviceModel('m', "nmos", 4), std::string());
        QCOMPARE(DeviceParameters::deviceModel('m', "npn", 1), std::string());
        QCOMPARE(DeviceParameters::deviceModel('q', "pnp"), std::string("bjt"));
        QCOMPARE(DeviceParameters::deviceModel('q', "npn", 4), std::string("vbic"));
        QCOMPARE(DeviceParameters::deviceModel('d', "d"), std::string("diode"));
        QCOMPARE(DeviceParameters::deviceModel('v'), std::string("vsource"));
        QCOMPARE(DeviceParameters::deviceModel('k'), std::string());
        QCOMPARE(DeviceParameters::unitOf("bsim4", "gm"), std::string("S"));
        QCOMPARE(DeviceParameters::unitOf("bsim4", "cgg"), std::string("F"));
        QCOMPARE(DeviceParameters::unitOf("mos1", "von"), std::string("V"));
        QCOMPARE(DeviceParameters::unitOf("inductor", "flux"), std::string("Wb"));
        QCOMPARE(DeviceParameters::unitOf("mos1", "vth"), std::string()); // level 1 has von
        for (const auto& model : DeviceParameters::deviceModels()) {
            std::set<std::string> seen;
            for (const auto& p : DeviceParameters::parameters(model)) {
                QVERIFY2(seen.insert(p.name).second, (model + ": twice " + p.name).c_str());
                QVERIFY2(!p.description.empty(), (model + "." + p.name).c_str());
            }
        }
    }

    // The same vectors through ngspice's own batch mode: one `save` per tree vector, then
    // `display`. A parameter ngspice accepts but computes nothing for shows up there as a
    // zero-length vector (B4SOI's qg did), which a streamed run does not reveal.
    void batchSavesOfTheTreeHoldData() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (const char* name : {"spice/devices.cir", "spice/nested_defs.cir"}) {
            READ(tree, SpiceReader::readFile(data(name)));
            QFile source(QString::fromStdString(data(name)));
            QVERIFY(source.open(QIODevice::ReadOnly));
            QString netlist;
            for (const auto& line : QString::fromUtf8(source.readAll()).split('\n'))
                if (!line.startsWith(".tran") && line.trimmed() != ".end")
                    netlist += line + "\n";
            netlist += ".control\n";
            std::set<std::string> vectors;
            for (const auto* node : tree.nodes())
                if (!node->vector.empty() && vectors.insert(node->vector).second)
                    netlist += "save " + QString::fromStdString(node->vector) + "\n";
            netlist += "tran 0.1n 20n\ndisplay\n.endc\n.end\n";
            const QString path = dir.filePath(QFileInfo(name).fileName());
            QFile out(path);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(netlist.toUtf8());
            out.close();

            QProcess ngspice;
            ngspice.setWorkingDirectory(dir.path()); // BSIM3/B4SOI check logs land here
            ngspice.start("ngspice", {"-b", path});
            QVERIFY(ngspice.waitForFinished(120000));
            const QString shown = QString::fromUtf8(ngspice.readAllStandardOutput());
            // "    @m.x_zoo.m1[gm]     : admittance, real, 201 long" (no blank before the
            // colon once the name is long).
            QHash<QString, long> lengths;
            static const QRegularExpression row(R"(^\s+(\S+?)\s*: .*, (\d+) long)",
                                                QRegularExpression::MultilineOption);
            for (auto it = row.globalMatch(shown); it.hasNext();) {
                const auto match = it.next();
                lengths.insert(QString::fromStdString(
                                   ProbeResolver::normalizeVector(match.captured(1).toStdString())),
                               match.captured(2).toLong());
            }
            QVERIFY2(lengths.size() > 10, qPrintable(shown.right(2000)));
            for (const auto& vector : vectors) {
                const long length = lengths.value(
                    QString::fromStdString(ProbeResolver::normalizeVector(vector)), -1);
                QVERIFY2(length >= 0, (std::string(name) + ": no vector " + vector).c_str());
                QVERIFY2(length > 0, (std::string(name) + ": empty vector " + vector).c_str());
            }
        }
    }

    // The key check: every vector in the tree is really produced by ngspice. One SimSession
    // per process, so every netlist runs in this one function.
    void treeVectorsAreProducedByNgspice() {
        SessionFixture fixture;
        // BSIM3/B4SOI write their parameter-check logs into the working directory.
        const QString previous = QDir::currentPath();
        QDir::setCurrent(fixture.folder());
        const auto started = fixture.start();
        QVERIFY2(started.ok(), started.error().c_str());

        // devices.cir instantiates every device model of the table: the tree gives each
        // device exactly its model's table, and all of it streams.
        const std::vector<std::pair<std::string, std::string>> zoo = {
            {"top.zoo.m1", "mos1"},        {"top.zoo.m2", "mos2"},
            {"top.zoo.m3", "mos3"},        {"top.zoo.m6", "mos6"},
            {"top.zoo.m9", "mos9"},        {"top.zoo.m30", "bsim3v0"},
            {"top.zoo.m31", "bsim3v1"},    {"top.zoo.m32", "bsim3v32"},
            {"top.zoo.m33", "bsim3"},      {"top.zoo.m45", "bsim4v5"},
            {"top.zoo.m46", "bsim4v6"},    {"top.zoo.m47", "bsim4v7"},
            {"top.zoo.m48", "bsim4"},      {"top.zoo.msoi", "b4soi"},
            {"top.zoo.mhisim", "hisim2"},  {"top.zoo.mhv", "hisimhv2"},
            {"top.zoo.mvd", "vdmos"},      {"top.zoo.d1", "diode"},
            {"top.zoo.q1", "bjt"},         {"top.zoo.q4", "bjt"},
            {"top.zoo.qv", "vbic"},        {"top.zoo.qh", "hicum2"},
            {"top.zoo.j1", "jfet"},        {"top.zoo.j2", "jfet2"},
            {"top.zoo.z1", "mes"},         {"top.zoo.c1", "capacitor"},
            {"top.zoo.l1", "inductor"},    {"top.zoo.i1", "isource"},
            {"top.zoo.vsense", "vsource"}, {"top.zoo.e1", "vcvs"},
            {"top.zoo.e2", "vcvs"},        {"top.zoo.g1", "vccs"},
            {"top.zoo.f1", "cccs"},        {"top.zoo.h1", "ccvs"},
            {"top.zoo.b1", "asrc"},        {"top.zoo.b2", "asrc"},
            {"top.zoo.s1", "sw"},          {"top.zoo.w1", "csw"},
            {"top.zoo.rsx", "resistor"},   {"top.mtop", "bsim4"},
            {"top.htop", "ccvs"},
        };
        {
            READ(devices, SpiceReader::readFile(data("spice/devices.cir")));
            std::set<std::string> covered;
            for (const auto& [cref, model] : zoo) {
                covered.insert(model);
                QVERIFY2(devices.find(cref), cref.c_str());
                QCOMPARE(childNames(devices, cref, NodeKind::DeviceParameter),
                         parameterNames(model));
            }
            for (const auto& model : DeviceParameters::deviceModels())
                QVERIFY2(covered.count(model), ("not exercised: " + model).c_str());
            // Node counts ngspice decides by model lookup, and the branch rules.
            // Ports in and vdd, ground, and the 28 internal nets ngspice lists for x_zoo (a1's
            // aout reaches the tree through raout; ngspice's own e2_int1 is no net of the
            // netlist).
            QCOMPARE(childNames(devices, "top.zoo", NodeKind::Net).size(), size_t(31));
            EXPECT_NODE(devices, "top.zoo.nodes.qe4.v", NodeKind::Net, "x_zoo.qe4");
            QVERIFY(devices.find("top.zoo.e2.i") && devices.find("top.zoo.h1.i") &&
                    devices.find("top.zoo.l1.i") && devices.find("top.zoo.b1.i") &&
                    devices.find("top.htop.i"));
            QVERIFY(!devices.find("top.zoo.b2.i") && !devices.find("top.zoo.e3.i") &&
                    !devices.find("top.zoo.f1.i") && !devices.find("top.zoo.g1.i"));
            QCOMPARE(childNames(devices, "top.zoo.e3"), Names{}); // POLY: a code model
            QCOMPARE(childNames(devices, "top.zoo.k1"), Names{});
            QCOMPARE(devices.find("top.zoo.m48")->detail, std::string("nmos nb48"));
            QCOMPARE(devices.find("top.zoo.q4")->detail, std::string("npn qn"));
        }

        struct Case {
            std::string netlist;
            std::string runId;
        };
        const std::vector<Case> cases = {
            {data("hier_ring.cir"), "hier"},        {example("ota/tb_ota.spice"), "ota"},
            {example("ring/ring.cir"), "ring"},     {data("spice/edge_top.cir"), "edge"},
            {data("spice/devices.cir"), "devices"}, {data("spice/nested_defs.cir"), "nested"},
        };
        const std::string store = fixture.path("tree.h5");
        for (const auto& c : cases) {
            auto read = SpiceReader::readFile(c.netlist);
            QVERIFY2(read.ok(), read.error().c_str());
            const HierarchyTree& tree = read.value();
            auto request = SessionFixture::request(c.netlist, store, c.runId, tree.toProbeMap());
            request.treeJson = tree.toJson();
            auto handle = fixture.runToEnd(request, 240000);
            QVERIFY(handle->isFinished());
            QVERIFY2(handle->status() == RunStatus::Ok,
                     qPrintable(QString::fromStdString(c.netlist) + ": " +
                                QString::fromStdString(toString(handle->status())) + ": " +
                                handle->message()));
            auto run = SessionFixture::read(store, c.runId);
            QVERIFY2(run.ok(), run.error().c_str());
            size_t withVector = 0;
            for (const auto* node : tree.nodes()) {
                if (node->vector.empty())
                    continue;
                ++withVector;
                const auto* stored = run->find(node->cref);
                QVERIFY2(stored, (c.runId + ": not stored: " + node->cref).c_str());
                QCOMPARE(ProbeResolver::normalizeVector(stored->sourceVector),
                         ProbeResolver::normalizeVector(node->vector));
                QCOMPARE(stored->values.size(), run->coordinate.size());
            }
            QVERIFY(withVector > 10);
            QVERIFY(run->treeJson.find("wavebench.tree") != std::string::npos);
        }

        // Spot checks that the streamed op values are the real thing.
        READ_RUN(ota, store, "ota");
        const auto* gm = ota.find("top.ota1.m1.op.gm");
        QVERIFY(gm);
        QVERIFY(*std::max_element(gm->values.begin(), gm->values.end()) > 1e-5);
        const auto* tailCurrent = ota.find("top.ota1.m5.op.id");
        QVERIFY(tailCurrent);
        QVERIFY(tailCurrent->values.back() > 5e-6 && tailCurrent->values.back() < 100e-6);
        READ_RUN(zooRun, store, "devices");
        const auto* vth = zooRun.find("top.zoo.m48.op.vth");
        QVERIFY(vth);
        QVERIFY(vth->values.back() > 0.1 && vth->values.back() < 1.0);

        fixture.stop();
        QDir::setCurrent(previous);
    }
};

QTEST_GUILESS_MAIN(TestSpiceReader)
#include "tst_spice_reader.moc"
