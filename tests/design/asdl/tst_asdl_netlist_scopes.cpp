// The structure the join reads from the netlist the ASDL compiler emits, on real files: the
// scopes, elements, nodes, models and globals, what is left out (the title, comments,
// control blocks, other .lib sections, libraries that are not installed), the cards
// ngspice rejects or ignores (an element or a subckt defined again) and how the join
// answers them, and a netlist that cannot be read named in the message.
#include "core/design/asdl/asdl_netlist_scopes.h"
#include "core/design/asdl/asdl_reader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

using Names = std::vector<std::string>;

void write(const QString& path, const QByteArray& text) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The example design in `dir`, its emitted netlist with `extra` after line `after`.
void copyExample(const QTemporaryDir& dir, int after, const QByteArray& extra) {
    const QString from = QStringLiteral(WAVEBENCH_EXAMPLES) + "/ota_asdl/";
    for (const char* name : {"tb_ota.asdl", "ota.asdl", "devices.asdl", "models.lib"})
        QVERIFY(QFile::copy(from + name, dir.filePath(name)));
    QList<QByteArray> lines = readAll(from + "tb_ota.spice").split('\n');
    QVERIFY(lines.size() > after);
    lines.insert(after, extra);
    write(dir.filePath("tb_ota.spice"), lines.join('\n'));
}

std::string vectorOf(const HierarchyTree& tree, const std::string& cref) {
    const auto* node = tree.find(cref);
    return node ? node->vector : "<no node " + cref + ">";
}

} // namespace

class TestAsdlNetlistScopes : public QObject {
    Q_OBJECT

private slots:
    void readsScopesElementsAndNodes() {
        QTemporaryDir dir;
        write(dir.filePath("tb.spice"), "Xtitle is not an element\n"
                                        "* a comment\n"
                                        ".include models.lib\n"
                                        ".lib corners.lib tt\n"
                                        ".include missing_pdk.lib\n"
                                        "Vvdd VDD 0 DC 1.8 ; trailing comment\n"
                                        "Xota1 in out\n"
                                        "+ vdd 0 ota w=2u\n"
                                        "Rr1 out 0 {rval} $ another comment\n"
                                        "Rr1 dup 0 1\n"
                                        ".control\n"
                                        "Rcontrol a b 1\n"
                                        ".endc\n"
                                        ".subckt ota inp out vdd vss params: w=1u\n"
                                        "Mm1 out inp vss vss nch w={w} l=1u\n"
                                        ".ends ota\n"
                                        ".global VDD\n"
                                        ".end\n"
                                        "Rafter a b 1\n");
        write(dir.filePath("models.lib"), ".model nch nmos (level = 14 version=4.5)\n");
        write(dir.filePath("corners.lib"), ".lib ff\n.model pch pmos level=1\n.endl\n"
                                           ".lib tt\n.model pch pmos level=54\n.endl\n");
        const auto scopes = AsdlNetlistScopes::read(dir.filePath("tb.spice").toStdString());
        QVERIFY2(scopes.ok(), scopes.error().c_str());

        Names top;
        for (const auto& element : scopes->top.elements)
            top.push_back(element.name);
        QCOMPARE(top, (Names{"vvdd", "xota1", "rr1"}));
        const auto* ota = scopes->top.find("xota1");
        QVERIFY(ota);
        QCOMPARE(ota->tokens, (Names{"xota1", "in", "out", "vdd", "0", "ota", "w=2u"}));
        QCOMPARE(ota->at.line, 7);
        // The first element of a name stays; the repeat is recorded, since ngspice refuses it.
        QCOMPARE(scopes->top.find("rr1")->tokens, (Names{"rr1", "out", "0", "{rval}"}));
        QCOMPARE(scopes->top.repeated.size(), size_t(1));
        QVERIFY2(contains(scopes->top.repeated.front(), "tb.spice:10: rr1 is defined again"),
                 scopes->top.repeated.front().c_str());
        QVERIFY(contains(scopes->top.repeated.front(), "tb.spice:9)"));
        QVERIFY(!scopes->top.nodes.count("dup")); // the repeat connects nothing
        QVERIFY(!scopes->top.find("rcontrol"));
        QVERIFY(!scopes->top.find("rafter"));
        QVERIFY(scopes->top.nodes.count("vdd"));
        QVERIFY(!scopes->top.nodes.count("w=2u"));
        QCOMPARE(scopes->top.describe(), std::string("the top level"));

        QCOMPARE(scopes->subckts.size(), size_t(1));
        const auto& sub = scopes->subckts.at("ota");
        QCOMPARE(sub.ports, (Names{"inp", "out", "vdd", "vss"}));
        QCOMPARE(sub.at.line, 14);
        QVERIFY(sub.find("mm1"));
        QVERIFY(sub.repeated.empty());
        QVERIFY(sub.describe().find(".subckt ota (") == 0);

        QCOMPARE(scopes->models.at("nch").type, std::string("nmos"));
        QCOMPARE(scopes->models.at("nch").level, 14);
        QCOMPARE(scopes->models.at("nch").version, std::string("4.5"));
        QCOMPARE(scopes->models.at("pch").level, 54); // the tt section only
        QVERIFY(scopes->globals.count("vdd"));
        QVERIFY(scopes->globals.count("gnd"));
        QCOMPARE(scopes->warnings.size(), size_t(1));
        QVERIFY(contains(scopes->warnings.front(), "missing_pdk.lib"));
        QVERIFY2(contains(scopes->warnings.front(), "tb.spice:5"),
                 scopes->warnings.front().c_str());
    }

    // Where the old tolerant reader and ngspice differ, the scopes follow ngspice.
    void cardsAsNgspiceReadsThem() {
        QTemporaryDir dir;
        write(dir.filePath("tb.spice"), "title\n"
                                        "Vin in 0 DC 0.9\n"
                                        "* a comment between a card and its continuation\n"
                                        "+ AC 1\n"
                                        "B1 0 out I = {k}*v(in)\n"
                                        ".lib unselected\n"
                                        "Rhidden a b 1\n"
                                        ".endl\n"
                                        ".subckt amp a b\n"
                                        ".include body.inc\n"
                                        ".ends\n"
                                        ".subckt amp a b c\n"
                                        "Rsecond a c 1\n"
                                        ".ends\n"
                                        ".include twice.inc\n"
                                        ".include twice.inc\n"
                                        ".lib corners.lib nosuch\n");
        write(dir.filePath("body.inc"), "Rbody a b 1\n");
        write(dir.filePath("twice.inc"), "Rtwice in 0 1\n");
        write(dir.filePath("corners.lib"), ".lib tt\n.endl\n");
        const auto scopes = AsdlNetlistScopes::read(dir.filePath("tb.spice").toStdString());
        QVERIFY2(scopes.ok(), scopes.error().c_str());

        QCOMPARE(scopes->top.find("vin")->tokens,
                 (Names{"vin", "in", "0", "dc", "0.9", "ac", "1"}));
        // `I = expr` is one word, not a node.
        QCOMPARE(scopes->top.find("b1")->tokens, (Names{"b1", "0", "out", "i={k}*v(in)"}));
        QVERIFY(!scopes->top.nodes.count("i"));
        // A section definition is read only where a .lib card selects it.
        QVERIFY(!scopes->top.find("rhidden"));
        // An include inside a subckt is part of it; a subckt defined again is ignored whole.
        const auto& amp = scopes->subckts.at("amp");
        QCOMPARE(amp.ports, (Names{"a", "b"}));
        QVERIFY(amp.find("rbody"));
        QVERIFY(!amp.find("rsecond"));
        QVERIFY(!scopes->top.find("rbody"));
        QVERIFY(!scopes->top.find("rsecond"));
        // A file included twice is read twice, so its element is defined again.
        QVERIFY(scopes->top.find("rtwice"));
        QCOMPARE(scopes->top.repeated.size(), size_t(1));
        QVERIFY2(contains(scopes->top.repeated.front(), "twice.inc:1: rtwice is defined again"),
                 scopes->top.repeated.front().c_str());

        QCOMPARE(scopes->warnings.size(), size_t(2));
        QVERIFY2(contains(scopes->warnings[0], "tb.spice:17") &&
                     contains(scopes->warnings[0], "no section \"nosuch\""),
                 scopes->warnings[0].c_str());
        QVERIFY2(contains(scopes->warnings[1], "tb.spice:12: .subckt amp is defined again") &&
                     contains(scopes->warnings[1], "tb.spice:9"),
                 scopes->warnings[1].c_str());
    }

    void recursiveIncludeIsAnError() {
        QTemporaryDir dir;
        write(dir.filePath("tb.spice"), "title\n.include a.inc\n");
        write(dir.filePath("a.inc"), "Ra x 0 1\n.include b.inc\n");
        write(dir.filePath("b.inc"), ".include a.inc\n");
        const auto scopes = AsdlNetlistScopes::read(dir.filePath("tb.spice").toStdString());
        QVERIFY(!scopes);
        QVERIFY2(contains(scopes.error(), "b.inc:1: .include \"a.inc\" is included recursively"),
                 scopes.error().c_str());
    }

    void unreadableNetlistIsNamed() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("absent.spice").toStdString();
        const auto scopes = AsdlNetlistScopes::read(path);
        QVERIFY(!scopes);
        QVERIFY2(scopes.error().rfind(path + ": cannot open the netlist", 0) == 0,
                 scopes.error().c_str());
    }

    // -- the join on such netlists ----------------------------------------------------------

    void joinRefusesAnElementDefinedAgain() {
        QTemporaryDir dir;
        copyExample(dir, 19, "Mmp_load_n out2 mirror vdd vdd pch w=8u l=0.5u");
        const auto tree = AsdlReader::readFile(dir.filePath("tb_ota.asdl").toStdString());
        QVERIFY(!tree);
        QVERIFY2(contains(tree.error(), "tb_ota.spice:20: mmp_load_n is defined again (first at "),
                 tree.error().c_str());
        QVERIFY2(contains(tree.error(), "tb_ota.spice:19); ngspice refuses"), tree.error().c_str());
    }

    void joinIgnoresRepeatsNgspiceNeverReads() {
        QTemporaryDir dir;
        // An unused subckt, and a second definition of the wrapper with another transistor.
        copyExample(dir, 9,
                    ".subckt unused a\nR1 a 0 1\nR1 a 0 2\n.ends\n"
                    ".subckt nfet_wrap d g s b w=1 l=1\nMother d g s b nch w=w l=l\n.ends");
        const auto tree = AsdlReader::readFile(dir.filePath("tb_ota.asdl").toStdString());
        QVERIFY2(tree.ok(), tree.error().c_str());
        QCOMPARE(vectorOf(tree.value(), "top.ota1.mn_in_p.op.gm"),
                 std::string("@m.xota1.xmn_in_p.m0[gm]"));
    }
};

QTEST_GUILESS_MAIN(TestAsdlNetlistScopes)
#include "tst_asdl_netlist_scopes.moc"
