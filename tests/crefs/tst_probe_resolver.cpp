// Pure logic: the cref rules, explicit names, aliases and their errors.
#include "core/crefs/probe_resolver.h"
#include "core/store/store_layout.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <set>

namespace {
std::vector<VectorInfo> plot(std::initializer_list<const char*> names) {
    std::vector<VectorInfo> vectors;
    for (const char* name : names)
        vectors.push_back({name, false, false});
    return vectors;
}
} // namespace

class TestProbeResolver : public QObject {
    Q_OBJECT
private slots:
    void defaultCrefs_data() {
        QTest::addColumn<QString>("vector");
        QTest::addColumn<QString>("cref");
        QTest::newRow("subckt node, v()") << "v(xota1.out)"
                                          << "top.ota1.nodes.out.v";
        QTest::newRow("subckt node, bare") << "xota1.out"
                                           << "top.ota1.nodes.out.v";
        QTest::newRow("x_ prefix") << "x_ota1.out"
                                   << "top.ota1.nodes.out.v";
        QTest::newRow("top node") << "out"
                                  << "top.nodes.out.v";
        QTest::newRow("case") << "V(OUT)"
                              << "top.nodes.out.v";
        QTest::newRow("branch") << "vdd#branch"
                                << "top.vdd.i";
        QTest::newRow("i()") << "i(vdd)"
                             << "top.vdd.i";
        QTest::newRow("raw-file param") << "i(@m.x1.m1[id])"
                                        << "top.1.m1.op.id";
        QTest::newRow("subckt branch") << "v.x1.vs#branch"
                                       << "top.1.vs.i";
        QTest::newRow("device param") << "@m.xota1.m1[gm]"
                                      << "top.ota1.m1.op.gm";
        QTest::newRow("nested device") << "@m.xst1.xinv.mn[id]"
                                       << "top.st1.inv.mn.op.id";
        QTest::newRow("top device") << "@m1[gm]"
                                    << "top.m1.op.gm";
        QTest::newRow("two levels") << "xa.xb.n3"
                                    << "top.a.b.nodes.n3.v";
        QTest::newRow("internal node") << "m1#drain"
                                       << "top.m1.nodes.drain.v";
        QTest::newRow("nested definition") << "@r.xo.r.xm.xl1.r1[i]"
                                           << "top.o.m.l1.r1.op.i";
        QTest::newRow("nested branch") << "v.xo.v.xm.v.xl1.vl#branch"
                                       << "top.o.m.l1.vl.i";
    }
    void defaultCrefs() {
        QFETCH(QString, vector);
        QFETCH(QString, cref);
        QCOMPARE(QString::fromStdString(ProbeResolver::defaultCref(vector.toStdString())), cref);
    }

    // The units moved to VectorUnits (tests/design/tst_vector_units: unitsFromNames).
    void kindsFromNames() {
        QCOMPARE(toString(ProbeResolver::nodeKindOf("time")), std::string("scale"));
        QCOMPARE(toString(ProbeResolver::nodeKindOf("v-sweep")), std::string("scale"));
        QCOMPARE(toString(ProbeResolver::nodeKindOf("@m1[gm]")), std::string("device_param"));
        QCOMPARE(toString(ProbeResolver::nodeKindOf("vdd#branch")), std::string("branch_current"));
        QCOMPARE(toString(ProbeResolver::nodeKindOf("m1#drain")), std::string("internal_node"));
        QCOMPARE(toString(ProbeResolver::nodeKindOf("xota1.out")), std::string("node_voltage"));
        QCOMPARE(toString(ProbeResolver::nodeKindOf("onoise_spectrum")), std::string("noise"));
        QCOMPARE(ProbeResolver::parameterOf("@M.X1.M1[GM]"), std::string("gm"));
        QCOMPARE(ProbeResolver::parameterOf("@r1"), std::string("value"));
        QCOMPARE(ProbeResolver::parameterOf("xota1.out"), std::string());
    }

    // The strings tree.json's "kind" and the store's node_kind hold: the file formats.
    void nodeKindStrings() {
        const std::vector<std::pair<NodeKind, std::string>> all = {
            {NodeKind::Instance, "instance"},
            {NodeKind::Net, "net"},
            {NodeKind::Device, "device"},
            {NodeKind::DeviceParameter, "device_param"},
            {NodeKind::BranchCurrent, "branch_current"},
            {NodeKind::NodeVoltage, "node_voltage"},
            {NodeKind::InternalNode, "internal_node"},
            {NodeKind::Noise, "noise"},
            {NodeKind::Scale, "scale"},
        };
        for (const auto& [kind, name] : all) {
            QCOMPARE(toString(kind), name);
            QVERIFY(nodeKindFromString(name) == kind);
            QCOMPARE(isTreeKind(kind),
                     static_cast<int>(kind) <= static_cast<int>(NodeKind::BranchCurrent));
        }
        QVERIFY(!nodeKindFromString("Net"));
        QVERIFY(!nodeKindFromString("device parameter"));
        QVERIFY(!nodeKindFromString(""));
    }

    void scaleIsNotAVector() {
        ProbeResolver resolver;
        auto r = resolver.resolve(plot({"out", "vdd#branch", "time"}));
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->scaleIndex, 2);
        QCOMPARE(r->vectors[0].cref, std::string("top.nodes.out.v"));
        QCOMPARE(r->vectors[1].cref, std::string("top.vdd.i"));
        QCOMPARE(toString(r->vectors[1].nodeKind), std::string("branch_current"));
    }

    void explicitMapWinsAndAliasesAreRecorded() {
        ProbeMap map;
        map.map["top.ota1.vout"] = "v(xota1.out)";
        map.map["top.ota1.out_again"] = "V(XOTA1.OUT)";
        map.map["top.ota1.m1.gm"] = "@m.x_ota1.m1[gm]";
        map.aliases["top.vout"] = "top.ota1.vout";
        map.aliases["top.vout2"] = "top.vout"; // a chain
        ProbeResolver resolver(map);
        auto r = resolver.resolve(plot({"xota1.out", "@m.x_ota1.m1[gm]", "time"}));
        QVERIFY2(r.ok(), r.error().c_str());
        const auto& out = r->vectors[0];
        QCOMPARE(out.cref, std::string("top.ota1.out_again")); // same depth: alphabetical
        QCOMPARE(out.aliases.size(), size_t(3));
        QVERIFY(std::count(out.aliases.begin(), out.aliases.end(), "top.ota1.vout"));
        QVERIFY(std::count(out.aliases.begin(), out.aliases.end(), "top.vout"));
        QVERIFY(std::count(out.aliases.begin(), out.aliases.end(), "top.vout2"));
        QCOMPARE(r->vectors[1].cref, std::string("top.ota1.m1.gm"));
        QCOMPARE(resolver.deviceParameterVectors(), std::vector<std::string>{"@m.x_ota1.m1[gm]"});
        QVERIFY(r->missing.empty());
    }

    void collisionNamesBothVectors() {
        ProbeResolver resolver;
        auto r = resolver.resolve(plot({"xota1.out", "x_ota1.out", "time"}));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find("xota1.out") != std::string::npos, r.error().c_str());
        QVERIFY2(r.error().find("x_ota1.out") != std::string::npos, r.error().c_str());
        QVERIFY(r.error().find("top.ota1.nodes.out.v") != std::string::npos);
    }

    void explicitCrefCollidingWithDefault() {
        ProbeMap map;
        map.map["top.nodes.b.v"] = "a"; // vector "a" takes the cref that "b" would get
        auto r = ProbeResolver(map).resolve(plot({"a", "b"}));
        QVERIFY(!r.ok());
        QVERIFY(r.error().find("\"a\"") != std::string::npos);
        QVERIFY(r.error().find("\"b\"") != std::string::npos);
    }

    void missingVectorsAreListed() {
        ProbeMap map;
        map.map["top.gone"] = "v(nowhere)";
        auto r = ProbeResolver(map).resolve(plot({"out", "time"}));
        QVERIFY(r.ok());
        QCOMPARE(r->missing.size(), size_t(1));
        QVERIFY(r->missing[0].find("nowhere") != std::string::npos);
    }

    void aliasCycleAndDanglingAreErrors() {
        ProbeMap cycle;
        cycle.aliases["top.a"] = "top.b";
        cycle.aliases["top.b"] = "top.a";
        auto r = ProbeResolver(cycle).resolve(plot({"out"}));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find("cycle") != std::string::npos, r.error().c_str());

        ProbeMap dangling;
        dangling.aliases["top.a"] = "top.nothing.here";
        r = ProbeResolver(dangling).resolve(plot({"out"}));
        QVERIFY(!r.ok());
        QVERIFY(r.error().find("top.nothing.here") != std::string::npos);
    }

    // Found by fuzzing: alias chains resolved in cubic time (4000 aliases took 31 s, 20,000
    // never ended). Each link is now walked once; a long chain and a cycle at its end are
    // resolved as before.
    void longAliasChainsResolve() {
        constexpr int kLinks = 20000;
        ProbeMap map;
        map.map["top.out"] = "out";
        auto name = [](int i) { return "top.a" + std::to_string(i); };
        for (int i = 0; i < kLinks; ++i)
            map.aliases[name(i)] = i + 1 < kLinks ? name(i + 1) : "top.out";
        auto r = ProbeResolver(map).resolve(plot({"out"}));
        QVERIFY2(r.ok(), r.error().c_str());
        const auto& aliases = r->vectors.at(0).aliases;
        QCOMPARE(aliases.size(), size_t(kLinks));
        QCOMPARE(std::set<std::string>(aliases.begin(), aliases.end()).size(), size_t(kLinks));
        QCOMPARE(ProbeResolver(map).resolveAlias(name(0)).value(), std::string("top.out"));

        map.aliases[name(kLinks - 1)] = name(kLinks / 2); // the chain's tail loops back
        auto looped = ProbeResolver(map).resolve(plot({"out"}));
        QVERIFY(!looped.ok());
        QVERIFY(looped.error().rfind("probe map: alias cycle top.a0 -> top.a1 -> ", 0) == 0);
        const std::string end = " -> " + name(kLinks - 1) + " -> " + name(kLinks / 2);
        QVERIFY(looped.error().size() > end.size() &&
                looped.error().compare(looped.error().size() - end.size(), end.size(), end) == 0);
    }

    void badCrefsAreRejected() {
        ProbeMap map;
        map.map["top/ota"] = "out";
        auto r = ProbeResolver(map).resolve(plot({"out"}));
        QVERIFY(!r.ok());
        QVERIFY(r.error().find("top/ota") != std::string::npos);
    }

    // A cref is linked into its run group under its own name, so none may be a name the run
    // group uses for itself: a cref "measurements" would take the group's place.
    void runGroupNamesAreReserved() {
        for (const char* name :
             {store_layout::kInputs, store_layout::kVectors, store_layout::kLogs,
              store_layout::kMeasurements, store_layout::kSuccess, store_layout::kStepIndex,
              store_layout::kPoint, "time", "frequency"}) {
            QVERIFY2(!ProbeResolver::crefProblem(name).empty(), name);
            ProbeMap map;
            map.map[name] = "out";
            QVERIFY2(!ProbeResolver(map).resolve(plot({"out"})).ok(), name);
        }
        QVERIFY(ProbeResolver::crefProblem("top.measurements").empty()); // only whole names
    }

    // Found by fuzzing: an empty vector name, from the probe map or from ngspice (a device
    // line without nodes), crashed defaultCref. Now it is an error that says what is wrong.
    void emptyVectorNamesAreErrorsNotCrashes() {
        QCOMPARE(ProbeResolver::defaultCref(""), std::string());
        // No device name before the parameter or the internal node: a cref, not a crash.
        QCOMPARE(ProbeResolver::defaultCref("@[gm]"), std::string("top._.op.gm"));
        QVERIFY(!ProbeResolver::defaultCref("@").empty());
        QCOMPARE(ProbeResolver::defaultCref("#x"), std::string("top._.nodes.x.v"));
        QVERIFY(!ProbeResolver::crefProblem(ProbeResolver::defaultCref("")).empty());
        ProbeMap map;
        map.map["top.x"] = "";
        auto fromMap = ProbeResolver(map).resolve(plot({"out"}));
        QVERIFY(!fromMap.ok());
        QVERIFY2(fromMap.error().find("\"top.x\" names no vector") != std::string::npos,
                 fromMap.error().c_str());
        auto fromNgspice = ProbeResolver().resolve(plot({"out", ""}));
        QVERIFY(!fromNgspice.ok());
        QVERIFY2(fromNgspice.error().find("vector with no name") != std::string::npos,
                 fromNgspice.error().c_str());
    }

    void jsonRoundTripAndErrors() {
        ProbeMap map;
        map.map["top.ota1.nodes.out.v"] = "v(out)";
        map.map["top.ota1.m1.op.gm"] = "@m.x_ota1.m1[gm]";
        map.aliases["top.ota1.vout"] = "top.ota1.nodes.out.v";
        auto back = ProbeMap::fromJson(map.toJson(), "probe_map.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QCOMPARE(back->map, map.map);
        QCOMPARE(back->aliases, map.aliases);

        auto broken = ProbeMap::fromJson("{\n  \"map\": {\n    \"a\": \"b\",,\n  }\n}", "pm.json");
        QVERIFY(!broken.ok());
        QVERIFY2(broken.error().rfind("pm.json:3:", 0) == 0, broken.error().c_str());
        auto wrongType = ProbeMap::fromJson("{\"map\": {\"a\": 3}}", "pm.json");
        QVERIFY(!wrongType.ok());
        QVERIFY(wrongType.error().find("map.a") != std::string::npos);
        auto unknownKey = ProbeMap::fromJson("{\"mapp\": {}}", "pm.json");
        QVERIFY(!unknownKey.ok());
        QVERIFY(unknownKey.error().find("mapp") != std::string::npos);
        auto missingFile = ProbeMap::loadJsonFile("/nonexistent/pm.json");
        QVERIFY(!missingFile.ok());
        QVERIFY(missingFile.error().find("/nonexistent/pm.json") != std::string::npos);
    }

    // Found by fuzzing: an empty probe-map file and one with invalid UTF-8 were accepted
    // silently. Both are errors naming the file (and the line).
    void emptyOrNonUtf8ProbeMapFilesAreErrors() {
        QTemporaryDir dir;
        auto write = [&](const char* name, const QByteArray& bytes) {
            QFile file(dir.filePath(name));
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
                return std::string();
            return dir.filePath(name).toStdString();
        };
        for (const char* name : {"empty.yaml", "empty.json"}) {
            const auto path = write(name, " \n\t\n");
            auto loaded = ProbeMap::loadFile(path);
            QVERIFY(!loaded.ok());
            QCOMPARE(loaded.error(), path + ": the probe map file is empty");
        }
        const auto bad = write("bad.yaml", "map:\n  top.x: \"v(\xff\xfe)\"\n");
        auto loaded = ProbeMap::loadFile(bad);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error(), bad + ":2: not valid UTF-8 text");
        const auto good = write("good.yaml", "map:\n  top.\xc2\xb5: \"v(out)\"\n"); // µ
        QVERIFY2(ProbeMap::loadFile(good).ok(), ProbeMap::loadFile(good).error().c_str());
    }

    // Found by fuzzing: yaml-cpp decodes the escapes \N and \_ (and a NUL byte before an N)
    // to single Latin-1 bytes, so a valid UTF-8 file gave a map whose JSON (and HDF5
    // attributes) said something else. Such an entry is an error naming the line.
    void yamlEscapesThatAreNotUtf8AreErrors() {
        for (const std::string& yaml :
             {std::string("map:\n  top.a: \"v(out)\"\n  top.b: \"v(\\N)\"\n"),
              std::string("map:\n  top.a: \"v(out)\"\n  \"top.\\_\": \"v(x)\"\n"),
              std::string("map:\n  top.a: \"v(out)\"\n  top.\x03\0N4: \"v(x)\"\n", 42)}) {
            auto map = ProbeMap::fromYaml(yaml, "pm.yaml");
            QVERIFY2(!map.ok(), yaml.c_str());
            QCOMPARE(map.error(), std::string("pm.yaml:3: map entry is not valid UTF-8 text (the "
                                              "escapes \\N and \\_ are not supported)"));
        }
        auto fine = ProbeMap::fromYaml("map:\n  top.a: \"v(\\xff)\\L\"\n", "pm.yaml");
        QVERIFY2(fine.ok(), fine.error().c_str());
        QCOMPARE(fine->map.at("top.a"), std::string("v(\u00ff)\u2028"));
        QVERIFY(ProbeMap::fromJson(fine->toJson(), "pm.json").value() == fine.value());
    }

    // Found by fuzzing: a cref longer than YAML's 1024-character limit on implicit keys (a
    // JSON map's key of control characters, escaped four times as long) was written to YAML
    // that yaml-cpp then refused ("illegal map value"). Such keys are written `? key`.
    void longCrefsRoundTripThroughYaml() {
        ProbeMap map;
        map.map["top.a.nodes.out.v"] = "v(out)";
        map.map["top." + std::string(2000, 'x') + ".v"] = "v(x)";
        map.map["top.\x05" + std::string(300, '\0') + ".v"] = "v(y)";
        map.aliases["top.short"] = "top.a.nodes.out.v";
        const auto yaml = map.toYaml();
        auto back = ProbeMap::fromYaml(yaml, "long.yaml");
        QVERIFY2(back.ok(), back.error().c_str());
        QVERIFY(back.value() == map);
        QVERIFY(yaml.find("\n  top.a.nodes.out.v: \"v(out)\"\n") != std::string::npos);
        auto viaJson = ProbeMap::fromJson(map.toJson(), "long.json");
        QVERIFY(viaJson.ok() && viaJson.value() == map);
    }

    void yamlRoundTripAndErrors() {
        const std::string yaml = "map:\n"
                                 "  top.ota1.nodes.out.v: \"v(out)\"\n"
                                 "  top.ota1.m1.op.gm:    \"@m.x_ota1.m1[gm]\"\n"
                                 "aliases:\n"
                                 "  top.ota1.vout:        \"top.ota1.nodes.out.v\"\n";
        auto map = ProbeMap::fromYaml(yaml, "design.yaml");
        QVERIFY2(map.ok(), map.error().c_str());
        QCOMPARE(map->map.at("top.ota1.m1.op.gm"), std::string("@m.x_ota1.m1[gm]"));
        QCOMPARE(map->aliases.at("top.ota1.vout"), std::string("top.ota1.nodes.out.v"));
        // YAML -> map -> YAML -> map, and the same through JSON: nothing changes.
        auto again = ProbeMap::fromYaml(map->toYaml(), "again.yaml");
        QVERIFY(again.ok());
        QVERIFY(again.value() == map.value());
        QCOMPARE(again->toYaml(), map->toYaml());
        auto viaJson = ProbeMap::fromJson(map->toJson(), "x.json");
        QVERIFY(viaJson.ok() && viaJson.value() == map.value());

        QTemporaryDir dir;
        for (const char* name : {"pm.yaml", "pm.json"}) {
            const auto path = dir.filePath(name).toStdString();
            QVERIFY(map->saveFile(path).ok());
            auto loaded = ProbeMap::loadFile(path);
            QVERIFY2(loaded.ok(), loaded.error().c_str());
            QVERIFY(loaded.value() == map.value());
        }

        auto bad = ProbeMap::fromYaml("map:\n  a: [1, 2]\n", "bad.yaml");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().rfind("bad.yaml:2:", 0) == 0, bad.error().c_str());
        auto syntax = ProbeMap::fromYaml("map:\n  a: [1, 2\n", "syn.yaml");
        QVERIFY(!syntax.ok());
        QVERIFY(syntax.error().rfind("syn.yaml:", 0) == 0);
        auto unknown = ProbeMap::fromYaml("mapp: {}\n", "u.yaml");
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.error().find("mapp") != std::string::npos);
        auto duplicate = ProbeMap::fromYaml("map:\n  a: x\n  a: y\n", "d.yaml");
        QVERIFY(!duplicate.ok());
        QVERIFY(duplicate.error().find("d.yaml:3") != std::string::npos);
    }

    void saveCommandsStayUnderTheLimit() {
        std::vector<std::string> vectors;
        for (int i = 0; i < 300; ++i)
            vectors.push_back("@m.xblock" + std::to_string(i) + ".m1[gm]");
        const auto commands = ProbeResolver::saveCommands(vectors);
        QVERIFY(commands.size() > 1);
        size_t count = 0;
        for (const auto& c : commands) {
            QVERIFY(c.size() < 1024);
            QVERIFY(c.rfind("save @", 0) == 0);
            count += static_cast<size_t>(std::count(c.begin(), c.end(), '@'));
        }
        QCOMPARE(count, vectors.size());
    }
};

QTEST_GUILESS_MAIN(TestProbeResolver)
#include "tst_probe_resolver.moc"
