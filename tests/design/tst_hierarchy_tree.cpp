// Pure logic: the tree and its tree.json form.
#include "core/design/hierarchy_tree.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <algorithm>

class TestHierarchyTree : public QObject {
    Q_OBJECT

    // tree.json as QJsonDocument writes it: what HierarchyTree::toJson wrote before it wrote
    // by hand, and must still write byte for byte (the store keys a tree by its SHA-256).
    static std::string qtJson(const HierarchyTree& tree) {
        auto q = [](const std::string& text) { return QString::fromStdString(text); };
        QJsonArray list;
        for (const auto* node : tree.nodes()) {
            QJsonObject object{
                {"cref", q(node->cref)},
                {"name", q(node->name)},
                {"kind", q(toString(node->kind))},
                {"parent", node->parent.empty() ? QJsonValue() : q(node->parent)},
                {"vector", q(node->vector)},
                {"unit", q(node->unit)},
                {"streamed", node->streamedByDefault},
                {"detail", q(node->detail)},
            };
            if (!node->source.file.empty())
                object.insert("source", QJsonObject{{"file", q(node->source.file)},
                                                    {"line", node->source.line}});
            list.append(object);
        }
        QJsonObject root{{"format", "wavebench.tree"}, {"version", 1}, {"nodes", list}};
        return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
    }

    static HierarchyTree sample() {
        HierarchyTree tree;
        tree.add({"top.ota1",
                  "ota1",
                  NodeKind::Instance,
                  "",
                  "",
                  false,
                  {"tb.cir", 12},
                  "subckt ota",
                  "top",
                  {}});
        tree.add({"top.nodes.out.v",
                  "out",
                  NodeKind::Net,
                  "out",
                  "V",
                  true,
                  {"tb.cir", 1},
                  "",
                  "top",
                  {}});
        tree.add({"top.ota1.nodes.out.v",
                  "out",
                  NodeKind::Net,
                  "out",
                  "V",
                  true,
                  {"ota.cir", 3},
                  "port",
                  "top.ota1",
                  {}});
        tree.add({"top.ota1.m1",
                  "m1",
                  NodeKind::Device,
                  "",
                  "",
                  false,
                  {"ota.cir", 5},
                  "nmos nch",
                  "top.ota1",
                  {}});
        tree.add({"top.ota1.m1.op.gm",
                  "gm",
                  NodeKind::DeviceParameter,
                  "@m.xota1.m1[gm]",
                  "S",
                  false,
                  {"ota.cir", 5},
                  "",
                  "top.ota1.m1",
                  {}});
        tree.add({"top.vdd",
                  "vdd",
                  NodeKind::Device,
                  "",
                  "",
                  false,
                  {"tb.cir", 2},
                  "vsource",
                  "top",
                  {}});
        tree.add({"top.vdd.i",
                  "i",
                  NodeKind::BranchCurrent,
                  "vdd#branch",
                  "A",
                  true,
                  {"tb.cir", 2},
                  "",
                  "top.vdd",
                  {}});
        return tree;
    }

private slots:
    void buildsAndFinds() {
        const auto tree = sample();
        QCOMPARE(tree.size(), size_t(8));
        QCOMPARE(tree.root().children.size(), size_t(3));
        QCOMPARE(tree.children("top.ota1").size(), size_t(2));
        QCOMPARE(tree.findByVector("v(out)").size(), size_t(2)); // the net and its port alias
        QCOMPARE(tree.findByVector("i(vdd)").front()->cref, std::string("top.vdd.i"));
        QCOMPARE(tree.nodes().front()->cref, std::string("top"));
        const auto map = tree.toProbeMap();
        QCOMPARE(map.map.size(), size_t(4));
        QCOMPARE(map.map.at("top.ota1.m1.op.gm"), std::string("@m.xota1.m1[gm]"));
    }

    void probeMapForARun() {
        const auto tree = sample();
        const auto plain = tree.probeMapFor({});
        QCOMPARE(plain.map.size(), size_t(3)); // two crefs of net out, vdd's current; no gm
        QVERIFY(!plain.map.count("top.ota1.m1.op.gm"));
        ProbeMap user;
        user.map["top.myout"] = "V(OUT)";
        user.map["top.ota1.m1.op.gm"] = "@m.xota1.m1[gm]";
        const auto merged = tree.probeMapFor(user);
        QCOMPARE(merged.map.at("top.myout"), std::string("V(OUT)"));
        QCOMPARE(merged.aliases.at("top.nodes.out.v"), std::string("top.myout"));
        QCOMPARE(merged.aliases.at("top.ota1.nodes.out.v"), std::string("top.myout"));
        QCOMPARE(merged.map.at("top.vdd.i"), std::string("vdd#branch"));
        QVERIFY(merged.map.count("top.ota1.m1.op.gm"));
    }

    void rejectsDuplicatesAndOrphans() {
        auto tree = sample();
        auto twice = tree.add({"top.ota1",
                               "ota1",
                               NodeKind::Instance,
                               "",
                               "",
                               false,
                               {"other.cir", 7},
                               "",
                               "top",
                               {}});
        QVERIFY(!twice.ok());
        QVERIFY2(twice.error().find("other.cir:7") != std::string::npos, twice.error().c_str());
        QVERIFY(twice.error().find("tb.cir:12") != std::string::npos);
        auto orphan = tree.add({"top.x.y", "y", NodeKind::Net, "", "", false, {}, "", "top.x", {}});
        QVERIFY(!orphan.ok());
        QVERIFY(orphan.error().find("top.x") != std::string::npos);
    }

    void jsonRoundTrip() {
        const auto tree = sample();
        auto back = HierarchyTree::fromJson(tree.toJson(), "tree.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QCOMPARE(back->toJson(), tree.toJson());
        const auto* gm = back->find("top.ota1.m1.op.gm");
        QVERIFY(gm);
        QVERIFY(gm->kind == NodeKind::DeviceParameter);
        QCOMPARE(gm->source.line, 5);
        QVERIFY(!gm->streamedByDefault);
        QVERIFY(tree.toText().find(
                    "top.ota1.m1.op.gm  [device_param]  @m.xota1.m1[gm]  (needs save)") !=
                std::string::npos);
    }

    void toJsonIsWhatQtWrites() {
        QCOMPARE(sample().toJson(), qtJson(sample()));
        // Every escape, UTF-8 of each length, and bytes that are not UTF-8 (a lone
        // continuation byte, a truncated sequence, an encoded surrogate, an overlong form,
        // past U+10FFFF), in every string a node has.
        std::vector<std::string> nasty = {"",
                                          "\"quoted\" and \\",
                                          "tab\tnew\nline\rret\bback\fform",
                                          "\x7f del",
                                          std::string("nul\0inside", 11),
                                          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                                          "\xef\xbb\xbf bom",
                                          "lone \x80",
                                          "cut \xc3",
                                          "surrogate \xed\xa0\x80",
                                          "overlong \xc0\xaf",
                                          "past \xf4\x90\x80\x80",
                                          "\xff\xfe"};
        for (char c = 1; c < 0x20; ++c)
            nasty.push_back(std::string("ctl ") + c);
        auto* random = QRandomGenerator::global();
        // Random bytes, and random picks of the bytes that start, continue or break UTF-8
        // sequences (so that many are near-valid).
        using namespace std::string_literals;
        const std::string edges =
            "\x00\x1f\"\\a\x7f\x80\xbf\xc0\xc2\xc3\xe2\xed\xef\xbb\xf0\xf4\x9f\xff"s;
        QCOMPARE(edges.size(), size_t(19)); // the NUL included
        for (int i = 0; i < 600; ++i) {
            std::string bytes(static_cast<size_t>(random->bounded(12)), '\0');
            for (auto& byte : bytes)
                byte = i % 2 ? static_cast<char>(random->bounded(256))
                             : edges[static_cast<size_t>(random->bounded(int(edges.size())))];
            nasty.push_back(bytes);
        }
        HierarchyTree tree;
        for (size_t i = 0; i < nasty.size(); ++i) {
            const auto& text = nasty[i];
            auto added = tree.add({"top.n" + std::to_string(i) + text,
                                   text,
                                   NodeKind::Net,
                                   text,
                                   text,
                                   i % 2 == 0,
                                   {i % 3 ? text : std::string(), static_cast<int>(i) - 5},
                                   text,
                                   "top",
                                   {}});
            QVERIFY2(added.ok(), added.error().c_str());
        }
        QCOMPARE(tree.toJson(), qtJson(tree));
    }

    void jsonErrorsNameTheProblem() {
        auto notJson = HierarchyTree::fromJson("{", "t.json");
        QVERIFY(!notJson.ok() && notJson.error().rfind("t.json:", 0) == 0);
        auto wrongFormat =
            HierarchyTree::fromJson("{\"format\": \"other\", \"version\": 1}", "t.json");
        QVERIFY(!wrongFormat.ok() && wrongFormat.error().find("other") != std::string::npos);
        auto future =
            HierarchyTree::fromJson("{\"format\": \"wavebench.tree\", \"version\": 9}", "t.json");
        QVERIFY(!future.ok() && future.error().find("version 9") != std::string::npos);
        auto badKind = HierarchyTree::fromJson(
            "{\"format\": \"wavebench.tree\", \"version\": 1, \"nodes\": [{\"cref\": \"top.a\", "
            "\"parent\": \"top\", \"kind\": \"gizmo\"}]}",
            "t.json");
        QVERIFY(!badKind.ok() && badKind.error().find("gizmo") != std::string::npos);
    }
    void validatesAgainstTheDesign() {
        HierarchyTree tree;
        HierarchyNode ota{"top.ota1", "ota1", NodeKind::Instance, "", "", false, {}, "", "top", {}};
        QVERIFY(tree.add(ota).ok());
        HierarchyNode out{
            "top.ota1.nodes.out.v", "out", NodeKind::Net, "out", "V", true, {}, "", "top.ota1", {}};
        QVERIFY(tree.add(out).ok());
        HierarchyNode m1{"top.ota1.m1", "m1", NodeKind::Device, "", "", false, {}, "",
                         "top.ota1",    {}};
        QVERIFY(tree.add(m1).ok());
        HierarchyNode gm{"top.ota1.m1.op.gm",
                         "gm",
                         NodeKind::DeviceParameter,
                         "@m.xota1.m1[gm]",
                         "S",
                         false,
                         {},
                         "",
                         "top.ota1.m1",
                         {}};
        QVERIFY(tree.add(gm).ok());

        ProbeMap good;
        good.map["top.ota1.vout"] = "v(out)";
        good.map["top.ota1.m1.op.gm"] = "@M.XOTA1.M1[GM]";
        good.aliases["top.vout"] = "top.ota1.vout";
        good.aliases["top.out2"] = "top.ota1.nodes.out.v"; // a design cref
        QVERIFY(tree.validate(ProbeResolver(good)).empty());

        ProbeMap bad;
        bad.map["top.x"] = "v(nowhere)";
        bad.map["top.ota1.m1.op.gm"] = "@m.xota1.m1[id]";
        bad.aliases["top.a"] = "top.b";
        bad.aliases["top.b"] = "top.a";
        bad.aliases["top.c"] = "top.unknown";
        const auto problems = tree.validate(ProbeResolver(bad));
        QCOMPARE(problems.size(),
                 size_t(5)); // two crefs + the cycle seen from both ends + dangling
        auto mentions = [&](const char* text) {
            return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) {
                return p.find(text) != std::string::npos;
            });
        };
        QVERIFY(mentions("v(nowhere)"));
        QVERIFY(mentions("@m.xota1.m1[id]"));

        ProbeMap renamed;
        renamed.map["top.ota1.m1.op.gm"] = "v(out)"; // a real vector, but not this cref's
        const auto wrong = tree.validate(ProbeResolver(renamed));
        QCOMPARE(wrong.size(), size_t(1));
        QVERIFY2(wrong[0].find("maps it to \"@m.xota1.m1[gm]\"") != std::string::npos,
                 wrong[0].c_str());
        QVERIFY(mentions("cycle"));
        QVERIFY(mentions("top.unknown"));
    }
};

QTEST_GUILESS_MAIN(TestHierarchyTree)
#include "tst_hierarchy_tree.moc"
