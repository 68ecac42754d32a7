// ASDL designs read into the hierarchy tree and joined with their emitted netlists: the real
// designs of the ASDL project against its compiler's own tree, pattern and import edge
// cases, errors that name the file and line, and the OTA example run in libngspice.
#include "core/crefs/probe_resolver.h"
#include "core/design/asdl/asdl_reader.h"
#include "core/design/asdl/asdl_tree_reader.h"
#include "core/design/spice_reader.h"
#include "tests/support/session_fixture.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <set>

namespace {

const std::string kData = std::string(WAVEBENCH_TEST_DATA) + "/asdl";
const std::string kReal = kData + "/real";
const std::string kMosbius = kReal + "/libs/mosbius_devices";
const std::string kExample =
    std::string(WAVEBENCH_TEST_DATA) + "/../../resources/examples/ota_asdl";

AsdlReadOptions gf180() {
    AsdlReadOptions options;
    options.libRoots = {kReal + "/pdks/gf180mcu/asdl"};
    return options;
}

std::string vectorOf(const HierarchyTree& tree, const std::string& cref) {
    const auto* node = tree.find(cref);
    if (!node)
        return "<no node " + cref + ">";
    return node->vector;
}

// (path, resolved ref), sorted: the compact tree lists children by name.
std::vector<std::pair<std::string, std::string>>
pathsAndRefs(const std::vector<AsdlTreeEntry>& entries) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& e : entries)
        rows.emplace_back(e.path, e.resolvedRef);
    std::sort(rows.begin(), rows.end());
    return rows;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

class TestAsdlReader : public QObject {
    Q_OBJECT

private slots:
    // -- patterns ---------------------------------------------------------------------

    void patternsExpand() {
        using V = std::vector<std::string>;
        QCOMPARE(AsdlReader::expandPattern("mn_in_<p|n>").value(), (V{"mn_in_p", "mn_in_n"}));
        QCOMPARE(AsdlReader::expandPattern("d<3:0>").value(), (V{"d3", "d2", "d1", "d0"}));
        QCOMPARE(AsdlReader::expandPattern("d<0:2>").value(), (V{"d0", "d1", "d2"}));
        QCOMPARE(AsdlReader::expandPattern("net1;net2_<1:0>").value(),
                 (V{"net1", "net2_1", "net2_0"}));
        QCOMPARE(AsdlReader::expandPattern("OUT_<P|N>;CLK_<1:0>").value(),
                 (V{"OUT_P", "OUT_N", "CLK_1", "CLK_0"}));
        // Left to right, the leftmost group outermost; a one-value group is a literal.
        QCOMPARE(AsdlReader::expandPattern("x<a|b>_<1:2>").value(),
                 (V{"xa_1", "xa_2", "xb_1", "xb_2"}));
        QCOMPARE(AsdlReader::expandPattern("Tgate<2>").value(), (V{"Tgate2"}));
        QCOMPARE(AsdlReader::expandPattern("out<@cm>x", {{"cm", "<1|2|4>"}}).value(),
                 (V{"out1x", "out2x", "out4x"}));
        QCOMPARE(AsdlReader::expandPattern("b<@bus>", {{"bus", "<1:0>"}}).value(), (V{"b1", "b0"}));
        QCOMPARE(AsdlReader::expandPattern("m.<d|g|s>").value(), (V{"m.d", "m.g", "m.s"}));
        QCOMPARE(AsdlReader::expandPattern("plain").value(), (V{"plain"}));
    }

    void patternsRenderAsTheCompilerEmits() {
        using V = std::vector<std::string>;
        // The compiler writes the literal text, then the parts (pattern_render_quirk.spice).
        QCOMPARE(AsdlReader::renderPattern("Rx_<a|b>_y").value(), (V{"Rx__ya", "Rx__yb"}));
        QCOMPARE(AsdlReader::renderPattern("NMOS_DP_1X_<A|B>_<D|G>").value(),
                 (V{"NMOS_DP_1X__AD", "NMOS_DP_1X__AG", "NMOS_DP_1X__BD", "NMOS_DP_1X__BG"}));
        QCOMPARE(AsdlReader::renderPattern("lp<3:2>").value(), (V{"lp3", "lp2"}));
        QCOMPARE(AsdlReader::renderPattern("IOUT_<@s>X", {{"s", "<1|2>"}}).value(),
                 (V{"IOUT_X1", "IOUT_X2"}));
    }

    void malformedPatternsAreNamed_data() {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("why");
        QTest::newRow("empty enum") << "a<>"
                                    << "empty group";
        QTest::newRow("empty alternative") << "a<p||n>"
                                           << "empty alternative";
        QTest::newRow("bad range") << "a<3:x>"
                                   << "not a range";
        QTest::newRow("range and enum") << "a<1:2|3>"
                                        << "not a range";
        QTest::newRow("unclosed") << "a<p|n"
                                  << "not closed";
        QTest::newRow("stray close") << "a>b"
                                     << "without a matching";
        QTest::newRow("nested") << "a<p<q>>"
                                << "nested";
        QTest::newRow("empty splice") << "a;;b"
                                      << "empty splice segment";
        QTest::newRow("brackets") << "d[3:0]"
                                  << "square brackets";
        QTest::newRow("wildcard") << "mn*"
                                  << "wildcards";
        QTest::newRow("duplicate") << "a<p|p>"
                                   << "twice";
        QTest::newRow("unknown named") << "a<@nope>"
                                       << "no named pattern";
        QTest::newRow("too many") << "a<0:20000>"
                                  << "10000";
    }

    void malformedPatternsAreNamed() {
        QFETCH(QString, expression);
        QFETCH(QString, why);
        auto result = AsdlReader::expandPattern(expression.toStdString());
        QVERIFY(!result.ok());
        QVERIFY2(contains(result.error(), why.toStdString()), result.error().c_str());
        QVERIFY2(contains(result.error(), expression.toStdString()), result.error().c_str());
    }

    // -- the real designs of the ASDL project ---------------------------------------------

    void mosbiusHierarchyEqualsCompilerTree() {
        const std::string dir = kMosbius + "/top_mosbius_devices_v1_nmos/";
        auto ours = AsdlReader::readHierarchy(dir + "top_mosbius_devices_v1_nmos.asdl", gf180());
        QVERIFY2(ours.ok(), ours.error().c_str());
        auto compiler = AsdlTreeReader::readTreeFile(dir + "top_mosbius_devices_v1_nmos.tree.json");
        QVERIFY2(compiler.ok(), compiler.error().c_str());
        QCOMPARE(compiler->size(), size_t(28));
        QCOMPARE(pathsAndRefs(ours.value()), pathsAndRefs(compiler.value()));

        // Same authored order as the compiler's text tree (the JSON sorts by name).
        QFile text(QString::fromStdString(dir + "top_mosbius_devices_v1_nmos.tree.txt"));
        QVERIFY(text.open(QIODevice::ReadOnly | QIODevice::Text));
        std::vector<std::string> labels;
        for (const auto& line : QString::fromUtf8(text.readAll()).split('\n', Qt::SkipEmptyParts)) {
            const auto at = line.indexOf(QRegularExpression("[A-Za-z_]"));
            labels.push_back(line.mid(at).toStdString());
        }
        std::vector<std::string> ourLabels;
        for (const auto& e : ours.value())
            ourLabels.push_back((e.instance.empty() ? e.path : e.instance) + ":" + e.resolvedRef);
        QCOMPARE(ourLabels, labels);
        QCOMPARE(ours->at(1).authoredRef, std::string("ota_nmos"));
        QCOMPARE(ours->at(1).emittedName, std::string("ota_nmos"));
        QVERIFY(!ours->at(1).isDevice);
        QVERIFY(ours->at(2).isDevice);
    }

    void mosbiusJoinedWithItsNetlist() {
        const std::string asdl =
            kMosbius + "/top_mosbius_devices_v1_nmos/top_mosbius_devices_v1_nmos.asdl";
        auto tree = AsdlReader::readFile(asdl, gf180());
        QVERIFY2(tree.ok(), tree.error().c_str());
        auto entries = AsdlReader::readHierarchy(asdl, gf180());
        QVERIFY(entries.ok());
        // Every instance of the compiler's tree is a node of ours.
        for (const auto& e : entries.value()) {
            if (e.instance.empty())
                continue;
            const auto cref = "top" + e.path.substr(e.path.find('.'));
            const auto* node = tree->find(cref);
            QVERIFY2(node, cref.c_str());
            QCOMPARE(toString(node->kind),
                     toString(e.isDevice ? NodeKind::Device : NodeKind::Instance));
        }
        // A PDK wrapper device: one node, its op point on the primitive inside.
        QCOMPARE(vectorOf(tree.value(), "top.nmos_ota.mn_in_p.op.gm"),
                 std::string("@m.xnmos_ota.xmn_in_p.m0[gm]"));
        QCOMPARE(tree->find("top.nmos_ota.mn_in_p.op.gm")->unit, std::string("S"));
        QVERIFY(!tree->find("top.nmos_ota.mn_in_p.op.gm")->streamedByDefault);
        QCOMPARE(vectorOf(tree.value(), "top.mn_dp_1x_a.op.id"),
                 std::string("@m.xmn_dp_1x_a.m0[id]"));
        QCOMPARE(vectorOf(tree.value(), "top.inv.mp.op.gds"), std::string("@m.xinv.xmp.m0[gds]"));
        // Internal nets, port nets (the parent's vector) and the compiler's pattern rendering.
        QCOMPARE(vectorOf(tree.value(), "top.nmos_ota.nodes.tail.v"),
                 std::string("xnmos_ota.tail"));
        QCOMPARE(vectorOf(tree.value(), "top.nmos_ota.nodes.vbn.v"),
                 std::string("nmos_cm_array_iref"));
        QCOMPARE(vectorOf(tree.value(), "top.nodes.NMOS_DP_1X_A_D.v"),
                 std::string("nmos_dp_1x__ad"));
        QCOMPARE(vectorOf(tree.value(), "top.nodes.NMOS_CM_ARRAY_IOUT_4X.v"),
                 std::string("nmos_cm_array_iout_x4"));
        QCOMPARE(vectorOf(tree.value(), "top.nmos_cm_array.nodes.iout_4x.v"),
                 std::string("nmos_cm_array_iout_x4"));
        QVERIFY(tree->find("top.nodes.VSS.v")->streamedByDefault);
        QCOMPARE(tree->find("top.nmos_ota.mn_in_p")->source.line, 8);
        QVERIFY(contains(tree->find("top.nmos_ota.mn_in_p")->source.file, "ota_nmos.asdl"));
        // Every cref is one the store accepts, and no two nodes share a cref.
        auto resolved = ProbeResolver(tree->toProbeMap()).resolve({});
        QVERIFY2(resolved.ok(), resolved.error().c_str());

        // SpiceReader, reading the same netlist without the PDK, finds every net vector.
        SpiceReader::Options tolerant;
        tolerant.tolerateMissingModels = true;
        std::vector<std::string> warnings;
        auto spice = SpiceReader::readFile(
            kMosbius + "/top_mosbius_devices_v1_nmos/top_mosbius_devices_v1_nmos.spice", tolerant,
            &warnings);
        QVERIFY2(spice.ok(), spice.error().c_str());
        std::set<std::string> vectors;
        for (const auto* node : spice->nodes())
            vectors.insert(ProbeResolver::normalizeVector(node->vector));
        size_t nets = 0;
        for (const auto* node : tree->nodes()) {
            if (node->kind != NodeKind::Net || node->vector.empty())
                continue;
            QVERIFY2(vectors.count(node->vector), (node->cref + " -> " + node->vector).c_str());
            ++nets;
        }
        QCOMPARE(nets, size_t(55)); // 32 at the top, 23 inside
    }

    void compilerTreeForms() {
        auto compact =
            AsdlTreeReader::readTreeFile(kReal + "/compiler-output/tb_ota.tree.compact.json");
        QVERIFY2(compact.ok(), compact.error().c_str());
        auto verbose = AsdlTreeReader::readTreeFile(
            kReal + "/compiler-output/tb_ota.tree.verbose.emitted.json");
        QVERIFY2(verbose.ok(), verbose.error().c_str());
        QCOMPARE(compact->size(), size_t(22));
        QCOMPARE(pathsAndRefs(compact.value()), pathsAndRefs(verbose.value()));
        const auto& ota = *std::find_if(verbose->begin(), verbose->end(),
                                        [](const AsdlTreeEntry& e) { return e.path == "tb.ota"; });
        QCOMPARE(ota.emittedName, std::string("ota_nmos"));
        QCOMPARE(ota.parentPath, std::string("tb"));
        QCOMPARE(ota.depth, 1);
        auto tree = AsdlTreeReader::toHierarchyTree(verbose.value(), "tb_ota.tree.json");
        QVERIFY2(tree.ok(), tree.error().c_str());
        QCOMPARE(toString(tree->find("top.xota1")->kind), toString(NodeKind::Instance));
        QCOMPARE(toString(tree->find("top.xota1.mn_in_p")->kind), toString(NodeKind::Device));
        QCOMPARE(toString(tree->find("top.vsrc_vdd")->kind), toString(NodeKind::Device));

        auto bad =
            AsdlTreeReader::readTreeJson("{\"kind\": \"query.tree\",\n \"schema_version\": 2,"
                                         " \"payload\": {}}",
                                         "t.json");
        QVERIFY(!bad.ok());
        QVERIFY2(contains(bad.error(), "t.json at /schema_version") &&
                     contains(bad.error(), "\"2\" is not supported"),
                 bad.error().c_str());
        auto broken = AsdlTreeReader::readTreeJson("{\"kind\": \n [", "t.json");
        QVERIFY(!broken.ok());
        QVERIFY2(contains(broken.error(), "t.json:2: not valid JSON"), broken.error().c_str());
        // Found by fuzzing: a number out of range threw out of the parser.
        auto huge = AsdlTreeReader::readTreeJson("{\"kind\": 755e555}", "t.json");
        QVERIFY(!huge.ok());
        QVERIFY2(contains(huge.error(), "t.json: not valid JSON"), huge.error().c_str());
        QVERIFY(!AsdlTreeReader::readCompileLog("[1e999]", "log.json").ok());
    }

    // Found by fuzzing: a compiler tree whose entry had an empty parent_path (yaml-cpp reads
    // one line of tb_ota.tree.verbose.emitted.json indented a space less so) threw
    // std::out_of_range out of toHierarchyTree. A parent outside the root is an error naming
    // the entry.
    void compilerTreeParentOutsideTheRootIsAnError() {
        auto entries = AsdlTreeReader::readTreeJson(R"({"kind": "query.tree", "schema_version": 1,
 "payload": {"path": "tb", "children": {
   "a": {"path": "tb.a", "parent_path": "tb", "instance": "a"},
   "b": {"path": "tb.a.b", "parent_path": null, "instance": "b"}}}})",
                                                    "t.json");
        QVERIFY2(entries.ok(), entries.error().c_str());
        QCOMPARE(entries->size(), size_t(3));
        auto tree = AsdlTreeReader::toHierarchyTree(entries.value(), "t.json");
        QVERIFY(!tree.ok());
        QCOMPARE(tree.error(), std::string("t.json: the parent \"\" of \"tb.a.b\" is not the "
                                           "root \"tb\" or below it"));
        auto other = entries.value();
        other[2].parentPath = "t"; // a prefix of the root's path, not the root
        tree = AsdlTreeReader::toHierarchyTree(other, "t.json");
        QVERIFY(!tree.ok());
        QVERIFY2(contains(tree.error(), "the parent \"t\" of \"tb.a.b\""), tree.error().c_str());
        other[2].parentPath = "tb.a";
        tree = AsdlTreeReader::toHierarchyTree(other, "t.json");
        QVERIFY2(tree.ok(), tree.error().c_str());
        QCOMPARE(tree->find("top.a.b")->parent, std::string("top.a"));
    }

    void compileLogNameMap() {
        auto names = AsdlTreeReader::readCompileLogFile(
            kMosbius + "/top_mosbius_devices_v1_nmos/top_mosbius_devices_v1_nmos.log.json");
        QVERIFY2(names.ok(), names.error().c_str());
        QCOMPARE(names->size(), size_t(5));
        QCOMPARE(names->at(1).symbol, std::string("ota_nmos"));
        auto views = AsdlTreeReader::readCompileLogFile(
            kReal + "/libs/tb/tb_swmatrix/tb_swmatrix_row.config_1.log.json");
        QVERIFY2(views.ok(), views.error().c_str());
        const auto& last = views->back();
        QCOMPARE(last.symbol, std::string("swmatrix_row_25_w_clkbuf"));
        QCOMPARE(last.emittedName, std::string("swmatrix_row_25_w_clkbuf__2"));
        QVERIFY(last.renamed);
        QCOMPARE(views->at(3).symbol, std::string("ShiftReg_row_25@behave"));
        QCOMPARE(views->at(3).baseName, std::string("ShiftReg_row_25_behave"));
    }

    void patternRenderQuirkDesign() {
        auto tree = AsdlReader::readFile(kReal + "/compiler-output/pattern_render_quirk.asdl");
        QVERIFY2(tree.ok(), tree.error().c_str());
        QCOMPARE(toString(tree->find("top.lp3")->kind), toString(NodeKind::Instance));
        QCOMPARE(vectorOf(tree.value(), "top.lp3.nodes.int_a_x.v"), std::string("xlp3.int__xa"));
        QCOMPARE(vectorOf(tree.value(), "top.lp2.nodes.out.v"), std::string("o1"));
        QCOMPARE(vectorOf(tree.value(), "top.lp2.Rx_b_y.op.i"), std::string("@r.xlp2.rrx__yb[i]"));
        QCOMPARE(vectorOf(tree.value(), "top.vin.i"), std::string("vvin#branch"));
        QCOMPARE(tree->find("top.nodes.0.v")->vector, std::string());
        QCOMPARE(vectorOf(tree.value(), "top.lp1.nodes.gnd.v"), std::string());
    }

    void viewsJoinAndViewConfigsAreRefused() {
        const std::string dir = kReal + "/libs/tb/tb_swmatrix/";
        AsdlReadOptions options;
        options.emittedNetlist = dir + "tb_swmatrix_row.config_0.spice";
        auto tree = AsdlReader::readFile(dir + "tb_swmatrix_row.asdl", options);
        QVERIFY2(tree.ok(), tree.error().c_str());
        QVERIFY(contains(tree->find("top.dut.Tgate_dbg")->detail, "subckt swmatrix_tgate_behave"));
        QCOMPARE(vectorOf(tree.value(), "top.dut.Tgate_dbg.nodes.switch.v"), std::string("dbg"));
        QCOMPARE(vectorOf(tree.value(), "top.dut.Tgate_dbg.R1.op.i"),
                 std::string("@r.xdut.xtgate_dbg.rr1[i]"));
        QCOMPARE(vectorOf(tree.value(), "top.dut.nodes.sr_out.v"), std::string("xdut.sr_out"));
        auto hierarchy = AsdlReader::readHierarchy(dir + "tb_swmatrix_row.asdl");
        QVERIFY(hierarchy.ok());
        QCOMPARE(hierarchy->at(3).path, std::string("tb.dut.SR_row.R1"));
        QCOMPARE(hierarchy->at(4).path, std::string("tb.dut.Tgate2"));
        QCOMPARE(hierarchy->at(4).resolvedRef, std::string("swmatrix_Tgate"));
        QCOMPARE(hierarchy->at(8).resolvedRef, std::string("swmatrix_Tgate@behave"));
        QCOMPARE(hierarchy->at(8).emittedName, std::string("swmatrix_Tgate_behave"));

        // config_1 rebinds Tgate1/2 to the behave view: the netlist no longer matches the
        // authored design, and the reader says why instead of mapping the wrong cells.
        options.emittedNetlist = dir + "tb_swmatrix_row.config_1.spice";
        auto rebound = AsdlReader::readFile(dir + "tb_swmatrix_row.asdl", options);
        QVERIFY(!rebound.ok());
        QVERIFY2(contains(rebound.error(), "view configuration") &&
                     contains(rebound.error(), "tb_swmatrix_row.config_1.spice:"),
                 rebound.error().c_str());
    }

    // -- edge cases ---------------------------------------------------------------------

    void edgeDesign() {
        const std::string asdl = kData + "/edge/chain.asdl";
        auto entries = AsdlReader::readHierarchy(asdl);
        QVERIFY2(entries.ok(), entries.error().c_str());
        std::vector<std::string> paths;
        for (const auto& e : entries.value())
            if (e.depth == 1)
                paths.push_back(e.instance + ":" + e.resolvedRef);
        QCOMPARE(paths,
                 (std::vector<std::string>{"u3:inv", "u2:inv", "u1:inv", "u0:inv", "f0:inv@fast",
                                           "f1:inv@fast", "load:res", "vs:vsrc"}));
        QCOMPARE(entries->at(1).authoredRef, std::string("inv"));

        auto tree = AsdlReader::readFile(asdl);
        QVERIFY2(tree.ok(), tree.error().c_str());
        const auto& t = tree.value();
        QVERIFY(contains(t.find("top.f0")->detail, "inv_fast"));
        QCOMPARE(vectorOf(t, "top.nodes.n2.v"), std::string("n2"));
        QCOMPARE(vectorOf(t, "top.u2.nodes.a.v"), std::string("n2"));
        QCOMPARE(vectorOf(t, "top.u2.nodes.y.v"), std::string("n1"));
        QCOMPARE(vectorOf(t, "top.nodes.fo1.v"), std::string("fo1"));
        QCOMPARE(vectorOf(t, "top.f1.nodes.y.v"), std::string("fo1"));
        QCOMPARE(vectorOf(t, "top.f1.nodes.a.v"), std::string("out"));
        // instance_defaults tied u*.vss to gnd, which ngspice grounds: no vector.
        QVERIFY(t.find("top.u0.nodes.vss.v"));
        QCOMPARE(vectorOf(t, "top.u0.nodes.vss.v"), std::string());
        QCOMPARE(vectorOf(t, "top.u0.r_dn.op.i"), std::string("@r.xu0.rr_dn[i]"));
        QCOMPARE(vectorOf(t, "top.f1.r_up.op.p"), std::string("@r.xf1.rr_up[p]"));
        QCOMPARE(vectorOf(t, "top.load.op.i"), std::string("@rload[i]"));
        QCOMPARE(vectorOf(t, "top.vs.i"), std::string("vvs#branch"));
        QCOMPARE(toString(t.find("top.vs.i")->kind), toString(NodeKind::BranchCurrent));
        QCOMPARE(t.find("top.u1")->source.line, 17);
        QCOMPARE(t.find("top.nodes.fo0.v")->source.line, 25);

        // A netlist that no longer matches the design is named, not mapped.
        AsdlReadOptions stale;
        stale.emittedNetlist = kData + "/edge/chain_stale.spice";
        auto mismatch = AsdlReader::readFile(asdl, stale);
        QVERIFY(!mismatch.ok());
        QVERIFY2(contains(mismatch.error(), "chain_stale.spice:4") &&
                     contains(mismatch.error(), "chain.asdl:17"),
                 mismatch.error().c_str());
        // No netlist at all.
        AsdlReadOptions none;
        none.emittedNetlist = kData + "/edge/nothing.spice";
        auto missing = AsdlReader::readFile(asdl, none);
        QVERIFY(!missing.ok());
        QVERIFY2(contains(missing.error(), "nothing.spice"), missing.error().c_str());
    }

    void namedAxisBroadcast() {
        // n<@bus> binds c<@cell>.a<@bus> by the bus index; the netlist's nodes confirm it.
        auto tree = AsdlReader::readFile(kData + "/edge/broadcast.asdl");
        QVERIFY2(tree.ok(), tree.error().c_str());
        QCOMPARE(vectorOf(tree.value(), "top.nodes.n0.v"), std::string("n0"));
        QCOMPARE(vectorOf(tree.value(), "top.c0.op.i"), std::string("@rc0[i]"));
    }

    void errorsNameFileAndLine_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("location");
        QTest::addColumn<QString>("why");
        QTest::newRow("missing import") << "err_missing_import.asdl"
                                        << "err_missing_import.asdl:2"
                                        << "no_such_lib.asdl";
        QTest::newRow("unknown ref") << "err_unknown_ref.asdl"
                                     << "err_unknown_ref.asdl:7"
                                     << "unknown ref \"lib.capacitor\"";
        QTest::newRow("malformed pattern") << "err_bad_pattern.asdl"
                                           << "err_bad_pattern.asdl:6"
                                           << "malformed pattern";
        QTest::newRow("unknown endpoint instance") << "err_unknown_endpoint.asdl"
                                                   << "err_unknown_endpoint.asdl:10"
                                                   << "unknown instance \"ghost\"";
        QTest::newRow("yaml syntax") << "err_yaml_syntax.asdl"
                                     << "err_yaml_syntax.asdl:"
                                     << "YAML syntax error";
        QTest::newRow("unsupported key") << "err_unsupported_key.asdl"
                                         << "err_unsupported_key.asdl:5"
                                         << "\"exports\"";
    }

    void errorsNameFileAndLine() {
        QFETCH(QString, file);
        QFETCH(QString, location);
        QFETCH(QString, why);
        const std::string path = kData + "/" + file.toStdString();
        for (const bool joined : {false, true}) {
            const std::string error = joined ? AsdlReader::readFile(path).error()
                                             : AsdlReader::readHierarchy(path).error();
            QVERIFY2(contains(error, location.toStdString()), error.c_str());
            QVERIFY2(contains(error, why.toStdString()), error.c_str());
        }
    }

    void logicalImportsNeedLibraryRoots() {
        const std::string asdl = kMosbius + "/inv/inv.asdl";
        auto without = AsdlReader::readHierarchy(asdl);
        QVERIFY(!without.ok());
        QVERIFY2(contains(without.error(), "inv.asdl:6") &&
                     contains(without.error(), "gf180mcu.asdl"),
                 without.error().c_str());
        qputenv("ASDL_LIB_PATH", QByteArray::fromStdString(kReal + "/pdks/gf180mcu/asdl"));
        auto withEnv = AsdlReader::readHierarchy(asdl);
        qunsetenv("ASDL_LIB_PATH");
        QVERIFY2(withEnv.ok(), withEnv.error().c_str());
        QCOMPARE(withEnv->size(), size_t(3));
    }

    // -- the example design -----------------------------------------------------------------

    void exampleMapsEveryNetAndParameter() {
        auto tree = AsdlReader::readFile(kExample + "/tb_ota.asdl");
        QVERIFY2(tree.ok(), tree.error().c_str());
        const auto& t = tree.value();
        // Wrapper subckt (nfet -> Xmn_in_p, transistor m0 inside) and primitive (pch -> M).
        QCOMPARE(vectorOf(t, "top.ota1.mn_in_p.op.gm"), std::string("@m.xota1.xmn_in_p.m0[gm]"));
        QCOMPARE(vectorOf(t, "top.ota1.mp_load_n.op.gm"), std::string("@m.xota1.mmp_load_n[gm]"));
        QCOMPARE(vectorOf(t, "top.ota1.mn_tail.op.von"), std::string("@m.xota1.mmn_tail[von]"));
        QCOMPARE(vectorOf(t, "top.bias.mb.op.id"), std::string("@m.xbias.mmb[id]"));
        QCOMPARE(vectorOf(t, "top.ota1.nodes.tail.v"), std::string("xota1.tail"));
        QCOMPARE(vectorOf(t, "top.ota1.nodes.mirror.v"), std::string("xota1.mirror"));
        QCOMPARE(vectorOf(t, "top.ota1.nodes.inn.v"), std::string("out"));
        QCOMPARE(vectorOf(t, "top.ota1.nodes.vss.v"), std::string("vss"));
        QCOMPARE(vectorOf(t, "top.nodes.out.v"), std::string("out"));
        QCOMPARE(vectorOf(t, "top.vdd.i"), std::string("vvdd#branch"));
        QCOMPARE(vectorOf(t, "top.cl.op.i"), std::string("@ccl[i]"));
        QCOMPARE(toString(t.find("top.models")->kind), toString(NodeKind::Device));
        QVERIFY(t.children("top.models").empty());
        size_t nets = 0, parameters = 0;
        for (const auto* node : t.nodes()) {
            if (node->kind == NodeKind::Net && node->name != "0") {
                ++nets;
                QVERIFY2(!node->vector.empty(), node->cref.c_str());
            }
            if (node->kind == NodeKind::Device && node->name != "models" && node->name != "tran")
                QVERIFY2(!t.children(node->cref).empty(), node->cref.c_str());
            if (node->kind == NodeKind::DeviceParameter)
                ++parameters;
        }
        QCOMPARE(nets, size_t(5 + 3 + 8)); // top, bias, ota
        QVERIFY(parameters > 50);

        // The compiler's view of the same design, as readHierarchy gives it.
        auto entries = AsdlReader::readHierarchy(kExample + "/tb_ota.asdl");
        QVERIFY(entries.ok());
        QCOMPARE(entries->size(), size_t(1 + 8 + 2 + 5));
    }

    void exampleAgreesWithSpiceReader() {
        auto tree = AsdlReader::readFile(kExample + "/tb_ota.asdl");
        QVERIFY2(tree.ok(), tree.error().c_str());
        auto spice = SpiceReader::readFile(kExample + "/tb_ota.spice");
        QVERIFY2(spice.ok(), spice.error().c_str());
        std::set<std::string> vectors;
        for (const auto* node : spice->nodes())
            if (!node->vector.empty())
                vectors.insert(ProbeResolver::normalizeVector(node->vector));
        size_t checked = 0;
        for (const auto* node : tree->nodes()) {
            if (node->vector.empty())
                continue;
            QVERIFY2(vectors.count(ProbeResolver::normalizeVector(node->vector)),
                     (node->cref + " -> " + node->vector).c_str());
            ++checked;
        }
        QVERIFY(checked > 60);
        // Where ASDL and SPICE names agree, so do the crefs.
        QVERIFY(spice->find("top.ota1.nodes.tail.v"));
        QVERIFY(spice->find("top.vvdd.i") || spice->find("top.vdd.i"));
    }

    void exampleRunsWithTheTreeProbeMap() {
        auto tree = AsdlReader::readFile(kExample + "/tb_ota.asdl");
        QVERIFY2(tree.ok(), tree.error().c_str());
        SessionFixture fixture;
        const auto started = fixture.start();
        QVERIFY2(started.ok(), started.error().c_str());
        auto request = SessionFixture::request(kExample + "/tb_ota.spice", fixture.path("ota.h5"),
                                               "asdl", tree->toProbeMap());
        request.treeJson = tree->toJson();
        auto handle = fixture.runToEnd(request, 60000);
        QVERIFY(handle->isFinished());
        QVERIFY2(handle->status() == RunStatus::Ok, qPrintable(handle->message()));
        auto run = SessionFixture::read(request.storePath, "asdl");
        QVERIFY2(run.ok(), run.error().c_str());
        const auto* out = run->find("top.nodes.out.v");
        QVERIFY(out);
        const auto* in = run->find("top.nodes.in.v");
        QVERIFY(in);
        // Unity-gain follower: out tracks the 0.7..1.1 V sine within a few tens of mV.
        double worst = 0, high = 0;
        for (size_t i = 0; i < run->coordinate.size(); ++i) {
            if (run->coordinate[i] < 1e-6)
                continue;
            worst = std::max(worst, std::abs(out->values[i] - in->values[i]));
            high = std::max(high, out->values[i]);
        }
        QVERIFY2(worst < 0.05, qPrintable(QString("worst error %1 V").arg(worst)));
        QVERIFY(high > 1.05);
        const auto* gm = run->find("top.ota1.mn_in_p.op.gm");
        QVERIFY(gm);
        QVERIFY(*std::max_element(gm->values.begin(), gm->values.end()) > 1e-5);
        QVERIFY(run->find("top.ota1.mp_load_n.op.gds"));
        QVERIFY(run->find("top.vdd.i"));
        fixture.stop();
    }
};

QTEST_GUILESS_MAIN(TestAsdlReader)
#include "tst_asdl_reader.moc"
