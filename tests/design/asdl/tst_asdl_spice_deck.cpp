// The tolerant reader of the netlist the ASDL compiler emits, on real files: the scopes,
// elements, nodes, models and globals the join needs, what it skips (the title, comments,
// control blocks, other .lib sections, libraries that are not installed), and a netlist
// that cannot be read named in the message.
#include "core/design/asdl/asdl_spice_deck.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

void write(const QString& path, const QByteArray& text) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

} // namespace

class TestAsdlSpiceDeck : public QObject {
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
        const auto deck = AsdlSpiceDeck::read(dir.filePath("tb.spice").toStdString());
        QVERIFY2(deck.ok(), deck.error().c_str());

        using Names = std::vector<std::string>;
        Names top;
        for (const auto& element : deck->top.elements)
            top.push_back(element.name);
        QCOMPARE(top, (Names{"vvdd", "xota1", "rr1"}));
        const auto* ota = deck->top.find("xota1");
        QVERIFY(ota);
        QCOMPARE(ota->tokens, (Names{"xota1", "in", "out", "vdd", "0", "ota", "w=2u"}));
        QCOMPARE(ota->line, 7);
        // The first element of a name wins.
        QCOMPARE(deck->top.find("rr1")->tokens, (Names{"rr1", "out", "0", "{rval}"}));
        QVERIFY(!deck->top.find("rcontrol"));
        QVERIFY(!deck->top.find("rafter"));
        QVERIFY(deck->top.nodes.count("vdd"));
        QVERIFY(!deck->top.nodes.count("w=2u"));
        QCOMPARE(deck->top.describe(), std::string("the top level"));

        QCOMPARE(deck->subckts.size(), size_t(1));
        const AsdlSpiceScope& sub = deck->subckts.at("ota");
        QCOMPARE(sub.ports, (Names{"inp", "out", "vdd", "vss"}));
        QCOMPARE(sub.line, 14);
        QVERIFY(sub.find("mm1"));
        QVERIFY(sub.describe().find(".subckt ota (") == 0);

        QCOMPARE(deck->models.at("nch").type, std::string("nmos"));
        QCOMPARE(deck->models.at("nch").level, 14);
        QCOMPARE(deck->models.at("nch").version, std::string("4.5"));
        QCOMPARE(deck->models.at("pch").level, 54); // the tt section only
        QVERIFY(deck->globals.count("vdd"));
        QVERIFY(deck->globals.count("gnd"));
        QCOMPARE(deck->skipped.size(), size_t(1));
        QVERIFY(deck->skipped.front().find("missing_pdk.lib") != std::string::npos);
    }

    void unreadableNetlistIsNamed() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("absent.spice").toStdString();
        const auto deck = AsdlSpiceDeck::read(path);
        QVERIFY(!deck);
        QVERIFY2(deck.error().rfind(path + ": cannot read the emitted netlist", 0) == 0,
                 deck.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestAsdlSpiceDeck)
#include "tst_asdl_spice_deck.moc"
