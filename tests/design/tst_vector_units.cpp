// VectorUnits: the one source of the unit a stored vector gets (the design's tree node,
// else DeviceParameters by the element letter, else the name's rule), and the
// DeviceParameters lookups it uses. Pure logic plus SpiceReader on a real netlist.
#include "core/design/device_parameters.h"
#include "core/design/hierarchy_tree.h"
#include "core/design/spice_reader.h"
#include "core/design/vector_units.h"

#include <QFileInfo>
#include <QTest>
#include <set>

namespace {

const QString kData = QStringLiteral(WAVEBENCH_TEST_DATA);

std::string data(const QString& name) {
    return QFileInfo(kData + "/" + name).absoluteFilePath().toStdString();
}

std::string unit(const std::string& vector) {
    return VectorUnits::withoutDesign(vector);
}

std::vector<VectorInfo> plot(std::initializer_list<const char*> names) {
    std::vector<VectorInfo> vectors;
    for (const char* name : names)
        vectors.push_back({name, false, false});
    return vectors;
}

} // namespace

class TestVectorUnits : public QObject {
    Q_OBJECT

private slots:
    // Moved from tst_probe_resolver's unitsAndKinds, with their subject.
    void unitsFromNames() {
        QCOMPARE(unit("xota1.out"), std::string("V"));
        QCOMPARE(unit("vdd#branch"), std::string("A"));
        QCOMPARE(unit("@m.x1.m1[gm]"), std::string("S"));
        QCOMPARE(unit("@m.x1.m1[vth]"), std::string("V"));
        // Spellings ngspice and raw files use, internal nodes, noise.
        QCOMPARE(unit("V(XOTA1.OUT)"), std::string("V"));
        QCOMPARE(unit("i(vdd)"), std::string("A"));
        QCOMPARE(unit("m1#drain"), std::string("V"));
        QCOMPARE(unit("onoise_spectrum"), std::string("V/sqrt(Hz)"));
        QCOMPARE(unit("onoise_total"), std::string("V"));
        // The scale: ngspice names a dc sweep's by what it sweeps.
        QCOMPARE(unit("time"), std::string("s"));
        QCOMPARE(unit("frequency"), std::string("Hz"));
        QCOMPARE(unit("v-sweep"), std::string("V"));
        QCOMPARE(unit("i-sweep"), std::string("A"));
        QCOMPARE(unit("res-sweep"), std::string("Ohm"));
        QCOMPARE(unit("temp-sweep"), std::string());
    }

    // What ProbeResolver's own table got wrong or did not know.
    void wrongUnitsOfBeforeAreFixed() {
        // A MESFET's cd is its drain current (checked with `show`), a diode's a capacitance.
        QCOMPARE(unit("@z1[cd]"), std::string("A"));
        QCOMPARE(unit("@z.x_zoo.z1[cd]"), std::string("A"));
        QCOMPARE(unit("@d1[cd]"), std::string("F"));
        // No MOSFET table names cd: no unit rather than the old F.
        QCOMPARE(unit("@m1[cd]"), std::string());
        QCOMPARE(unit("@q.x_zoo.qh[ft]"), std::string("Hz"));
        QCOMPARE(unit("@m.x_zoo.msoi[gmids]"), std::string("1/V"));
        QCOMPARE(unit("@d1[charge]"), std::string("C"));
        QCOMPARE(unit("@m1[qg]"), std::string("C"));
        QCOMPARE(unit("@q1[qbe]"), std::string("C"));
        QCOMPARE(unit("@l1[flux]"), std::string("Wb"));
        QCOMPARE(unit("@m1[cgg]"), std::string("F"));
        QCOMPARE(unit("@q1[cpi]"), std::string("F"));
        // Names no table of the letter has get none, not a guess.
        QCOMPARE(unit("@r1[gm]"), std::string());
        QCOMPARE(unit("@m1[nonsense]"), std::string());
        QCOMPARE(unit("@r1"), std::string());
    }

    // Every parameter of every table, asked without a design by its letter: the table's unit,
    // or none where models of the same letter disagree. Never another unit.
    void everyParameterByLetter() {
        std::set<std::string> modelsSeen;
        std::vector<std::string> ambiguous;
        int checked = 0;
        for (char letter = 'a'; letter <= 'z'; ++letter) {
            for (const auto& model : DeviceParameters::deviceModelsOf(letter)) {
                modelsSeen.insert(model);
                for (const auto& p : DeviceParameters::parameters(model)) {
                    const std::string vector =
                        std::string("@") + letter + ".x1." + letter + "1[" + p.name + "]";
                    const auto got = unit(vector);
                    ++checked;
                    if (got.empty() && !p.unit.empty())
                        ambiguous.push_back(model + ":" + p.name);
                    else
                        QVERIFY2(got == p.unit, (vector + " (" + model + "): " + got +
                                                 ", the table says " + p.unit)
                                                    .c_str());
                }
            }
        }
        QVERIFY(checked > 300);
        // Within one letter the tables agree on every name today.
        QCOMPARE(ambiguous, std::vector<std::string>{});
        const auto all = DeviceParameters::deviceModels();
        QCOMPARE(modelsSeen, std::set<std::string>(all.begin(), all.end()));
    }

    // deviceModelsOf(letter) holds whatever deviceModel() can pick for that letter.
    void deviceModelsOfCoverDeviceModel() {
        const std::vector<std::string> types = {"",    "nmos", "pmos", "vdmos", "d",  "npn", "pnp",
                                                "njf", "pjf",  "nmf",  "pmf",   "sw", "csw"};
        const std::vector<std::string> versions = {"",    "3.0", "3.1", "3.2.4", "3.3",
                                                   "4.5", "4.6", "4.7", "4.8.2"};
        int picked = 0;
        for (char letter = 'a'; letter <= 'z'; ++letter) {
            const auto models = DeviceParameters::deviceModelsOf(letter);
            for (const auto& type : types)
                for (int level = 0; level <= 80; ++level)
                    for (const auto& version : versions) {
                        const auto model =
                            DeviceParameters::deviceModel(letter, type, level, version);
                        if (model.empty())
                            continue;
                        ++picked;
                        QVERIFY2(std::find(models.begin(), models.end(), model) != models.end(),
                                 (std::string(1, letter) + " picks " + model).c_str());
                    }
        }
        QVERIFY(picked > 100);
    }

    // The new path with a design: every parameter node SpiceReader makes for devices.cir
    // (every model of the tables) gets its model's unit, the MESFET's cd and the diode's
    // cd told apart by the model the reader found.
    void everyParameterThroughTheTree() {
        auto tree = SpiceReader::readFile(data("spice/devices.cir"));
        QVERIFY2(tree.ok(), tree.error().c_str());
        const VectorUnits units(tree.value());
        int parameters = 0;
        for (const auto* node : tree->nodes()) {
            if (node->kind != NodeKind::DeviceParameter)
                continue;
            ++parameters;
            QVERIFY2(units.unitOf(node->vector) == node->unit,
                     (node->cref + ": " + units.unitOf(node->vector)).c_str());
        }
        size_t tabled = 0;
        for (const auto& model : DeviceParameters::deviceModels())
            tabled += DeviceParameters::parameters(model).size();
        QVERIFY2(static_cast<size_t>(parameters) >= tabled, std::to_string(parameters).c_str());
        const auto check = [&](const std::string& cref, const std::string& expected) {
            const auto* node = tree->find(cref);
            QVERIFY2(node, cref.c_str());
            QCOMPARE(units.unitOf(node->vector), expected);
        };
        check("top.zoo.z1.op.cd", "A");
        check("top.zoo.d1.op.cd", "F");
        check("top.zoo.qh.op.ft", "Hz");
        check("top.zoo.msoi.op.gmids", "1/V");
        check("top.zoo.d1.op.charge", "C");
        check("top.zoo.l1.op.flux", "Wb");
        check("top.zoo.m1.op.von", "V");
        // Nets and branch currents of the tree too.
        check("top.zoo.nodes.qe4.v", "V");
        check("top.zoo.l1.i", "A");
    }

    // The tree's unit wins over the rules (an ASDL design may state its own), and a vector
    // the tree does not know falls back to them.
    void treeWinsThenRules() {
        HierarchyTree tree;
        QVERIFY(tree.add({"top.a1", "a1", NodeKind::Device, "", "", false, {}, "", "top", {}}));
        QVERIFY(tree.add({"top.a1.op.gain",
                          "gain",
                          NodeKind::DeviceParameter,
                          "@a1[gain]",
                          "V/V",
                          false,
                          {},
                          "",
                          "top.a1",
                          {}}));
        QVERIFY(tree.add({"top.a1.op.cd",
                          "cd",
                          NodeKind::DeviceParameter,
                          "@z.xa.z1[cd]",
                          "A",
                          false,
                          {},
                          "",
                          "top.a1",
                          {}}));
        const VectorUnits units(tree);
        QCOMPARE(units.unitOf("@A1[GAIN]"), std::string("V/V"));
        QCOMPARE(units.unitOf("@z.xa.z1[cd]"), std::string("A"));
        QCOMPARE(units.unitOf("@d1[cd]"), std::string("F"));
        QCOMPARE(units.unitOf("out"), std::string("V"));
        QCOMPARE(VectorUnits().unitOf("@a1[gain]"), std::string());

        ProbeResolver resolver;
        auto resolution = resolver.resolve(plot({"out", "@a1[gain]", "vdd#branch", "time"}));
        QVERIFY2(resolution.ok(), resolution.error().c_str());
        for (const auto& v : resolution->vectors)
            QCOMPARE(v.unit, std::string()); // names only, until the design's units fill them
        units.fill(resolution.value());
        QCOMPARE(resolution->vectors[0].unit, std::string("V"));
        QCOMPARE(resolution->vectors[1].unit, std::string("V/V"));
        QCOMPARE(resolution->vectors[2].unit, std::string("A"));
        QCOMPARE(resolution->vectors[3].unit, std::string("s"));
    }

    // Kinds a stored vector has are no tree kinds: tree.json stays as it is.
    void treeKeepsTreeKinds() {
        HierarchyTree tree;
        auto added = tree.add(
            {"top.nodes.out.v", "out", NodeKind::NodeVoltage, "out", "V", true, {}, "", "top", {}});
        QVERIFY(!added.ok());
        QVERIFY2(added.error().find("node_voltage") != std::string::npos, added.error().c_str());
        const std::string json = R"({"format": "wavebench.tree", "version": 1, "nodes": [
            {"cref": "top.nodes.out.v", "name": "out", "kind": "node_voltage", "parent": "top"}]})";
        auto read = HierarchyTree::fromJson(json, "run/tree.json");
        QVERIFY(!read.ok());
        QVERIFY2(read.error().find("run/tree.json") != std::string::npos &&
                     read.error().find("unknown kind \"node_voltage\"") != std::string::npos,
                 read.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestVectorUnits)
#include "tst_vector_units.moc"
