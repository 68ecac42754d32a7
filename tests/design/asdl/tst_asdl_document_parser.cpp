// One ASDL document read from YAML text into the document model: what each declaration
// holds, with the line it was written on, and every malformed document refused with a
// message that starts with the file and line. Pure logic.
#include "core/design/asdl/asdl_document_parser.h"

#include <QTest>

namespace {

const std::string kPath = "lib/cells.asdl";

const char* const kDocument = R"(imports:
  gf: gf180mcu.asdl
  loc: ./local.asdl
top: tb
modules:
  tb:
    patterns:
      bus: <1:0>
      col: {expr: '<a|b>', tag: k}
    parameters: {vdd: 1.8, on: true, off: False, text: 'true'}
    instances:
      ota<@bus>: amp w=2u l=1u
      cap: {ref: gf.cap_mim, parameters: {c: 1p}}
    nets:
      $out<@bus>: [ota<@bus>.out]
      vss: ['!cap.minus', cap.plus]
    instance_defaults:
      amp: {bindings: {vss: vss, vdd: $vdd}}
  amp@fast: {}
devices:
  res:
    ports: [p, n]
    parameters: {r: 1k}
    backends:
      sim.ngspice:
        template: 'R{name} {ports} {r}'
        parameters: {m: 1}
        kind: resistor
)";

} // namespace

class TestAsdlDocumentParser : public QObject {
    Q_OBJECT

private slots:
    void readsTheDocumentModel() {
        const auto parsed = AsdlDocumentParser::parse(kPath, kDocument);
        QVERIFY2(parsed.ok(), parsed.error().c_str());
        const AsdlDocument& doc = parsed.value();
        QCOMPARE(doc.path, kPath);
        QCOMPARE(doc.top, std::string("tb"));
        QCOMPARE(doc.topLine, 4);

        QCOMPARE(doc.imports.size(), size_t(2));
        QCOMPARE(doc.imports[0].ns, std::string("gf"));
        QCOMPARE(doc.imports[0].path, std::string("gf180mcu.asdl"));
        QCOMPARE(doc.imports[0].line, 2);
        QCOMPARE(doc.imports[1].path, std::string("./local.asdl"));

        QCOMPARE(doc.modules.size(), size_t(2));
        const AsdlModuleDecl& tb = doc.modules[0];
        QCOMPARE(tb.name, std::string("tb"));
        QCOMPARE(tb.line, 6);
        QCOMPARE(tb.patterns.at("bus").group, std::string("<1:0>"));
        QCOMPARE(tb.patterns.at("bus").axis, std::string("bus"));
        QCOMPARE(tb.patterns.at("bus").line, 8);
        QCOMPARE(tb.patterns.at("col").group, std::string("<a|b>"));
        QCOMPARE(tb.patterns.at("col").axis, std::string("k"));
        // Booleans as the compiler writes them; a quoted 'true' stays text.
        QCOMPARE(tb.parameters,
                 (AsdlKeyValues{{"vdd", "1.8"}, {"on", "1"}, {"off", "0"}, {"text", "true"}}));

        QCOMPARE(tb.instances.size(), size_t(2));
        QCOMPARE(tb.instances[0].nameExpr, std::string("ota<@bus>"));
        QCOMPARE(tb.instances[0].ref, std::string("amp"));
        QCOMPARE(tb.instances[0].parameters, (AsdlKeyValues{{"w", "2u"}, {"l", "1u"}}));
        QCOMPARE(tb.instances[0].line, 12);
        QCOMPARE(tb.instances[1].ref, std::string("gf.cap_mim"));
        QCOMPARE(tb.instances[1].parameters, (AsdlKeyValues{{"c", "1p"}}));

        QCOMPARE(tb.nets.size(), size_t(2));
        QCOMPARE(tb.nets[0].nameExpr, std::string("out<@bus>"));
        QVERIFY(tb.nets[0].port);
        QCOMPARE(tb.nets[0].line, 15);
        QCOMPARE(tb.nets[0].endpoints.front().expr, std::string("ota<@bus>.out"));
        QVERIFY(!tb.nets[1].port);
        QCOMPARE(tb.nets[1].endpoints.size(), size_t(2));
        QCOMPARE(tb.nets[1].endpoints[0].expr, std::string("!cap.minus"));
        QCOMPARE(tb.nets[1].endpoints[1].line, 16);

        QCOMPARE(tb.defaults.size(), size_t(1));
        QCOMPARE(tb.defaults[0].ref, std::string("amp"));
        QCOMPARE(tb.defaults[0].bindings, (AsdlKeyValues{{"vss", "vss"}, {"vdd", "$vdd"}}));
        QCOMPARE(doc.modules[1].name, std::string("amp@fast"));
        QVERIFY(doc.modules[1].instances.empty());

        QCOMPARE(doc.devices.size(), size_t(1));
        const AsdlDeviceDecl& res = doc.devices[0];
        QCOMPARE(res.name, std::string("res"));
        QCOMPARE(res.line, 21);
        QCOMPARE(res.ports, (std::vector<std::string>{"p", "n"}));
        QCOMPARE(res.parameters, (AsdlKeyValues{{"r", "1k"}}));
        const AsdlBackendDecl& backend = res.backends.at("sim.ngspice");
        QCOMPARE(backend.templateText, std::string("R{name} {ports} {r}"));
        QCOMPARE(backend.parameters, (AsdlKeyValues{{"m", "1"}}));
        QCOMPARE(backend.props, (AsdlKeyValues{{"kind", "resistor"}}));
        QCOMPARE(backend.line, 25);
    }

    void malformedDocumentsNameFileAndLine_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<int>("line"); // 0: the message names the file alone
        QTest::addColumn<QString>("why");
        auto row = [](const char* name, const char* yaml, int line, const char* why) {
            QTest::newRow(name) << QString(yaml) << line << QString(why);
        };
        row("yaml syntax", "modules:\n  a: {\n  b: ]\n", 3, "YAML syntax error");
        row("not a mapping", "- a\n- b\n", 0, "not an ASDL document");
        row("nothing declared", "top: x\n", 0, "needs modules or devices");
        row("unsupported key", "modules:\n  a: {}\nfoo: 1\n", 3,
            "the document has an unsupported key \"foo\" (supported: imports, top, modules, "
            "devices)");
        row("two modules, no top", "modules:\n  a: {}\n  b: {}\n", 0, "top is required");
        row("module name", "modules:\n  1a: {}\n", 2, "module name \"1a\" is not `cell`");
        row("module not a mapping", "modules:\n  a: [1, 2]\n", 2, "module \"a\" must be a mapping");
        row("module key", "modules:\n  a:\n    wires: {}\n", 3,
            "module \"a\" has an unsupported key \"wires\"");
        row("patterns not a mapping", "modules:\n  a:\n    patterns: [1]\n", 3,
            "patterns must be a mapping");
        row("pattern name", "modules:\n  a:\n    patterns:\n      1x: <a|b>\n", 4,
            "pattern name \"1x\" is not an identifier");
        row("pattern without expr", "modules:\n  a:\n    patterns:\n      p: {tag: t}\n", 4,
            "pattern \"p\" needs expr");
        row("pattern tag", "modules:\n  a:\n    patterns:\n      p: {expr: '<a|b>', tag: 1t}\n", 4,
            "pattern tag \"1t\" is not an identifier");
        row("pattern not one group", "modules:\n  a:\n    patterns:\n      p: x<a|b>\n", 4,
            "malformed pattern \"p: x<a|b>\": a named pattern is one group");
        row("pattern naming a pattern", "modules:\n  a:\n    patterns:\n      p: <@q>\n", 4,
            "a named pattern is one group");
        row("pattern group malformed", "modules:\n  a:\n    patterns:\n      p: <a||b>\n", 4,
            "malformed pattern in pattern \"<a||b>\": empty alternative");
        row("axis lengths differ",
            "modules:\n  a:\n    patterns:\n      p: {expr: '<a|b>', tag: t}\n"
            "      q: {expr: '<1:3>', tag: t}\n",
            5, "pattern \"q\" has 3 values but axis \"t\" has 2");
        row("parameters not a mapping", "modules:\n  a:\n    parameters: [1]\n", 3,
            "module parameter must be a mapping");
        row("parameter twice", "modules:\n  a:\n    parameters: {w: 1, w: 2}\n", 3,
            "module parameter \"w\" is given twice");
        row("parameter not a value", "modules:\n  a:\n    parameters: {w: [1]}\n", 3,
            "module parameter \"w\" must be a single value");
        row("instances not a mapping", "modules:\n  a:\n    instances: [1]\n", 3,
            "instances must be a mapping");
        row("instance without ref", "modules:\n  a:\n    instances:\n      i: {parameters: {}}\n",
            4, "instance \"i\" needs ref");
        row("instance names no ref", "modules:\n  a:\n    instances:\n      i: ''\n", 4,
            "instance \"i\" names no ref");
        row("instance parameter", "modules:\n  a:\n    instances:\n      i: r w=1 junk\n", 4,
            "\"junk\" is not a key=value parameter");
        row("instance key", "modules:\n  a:\n    instances:\n      i: {ref: r, x: 1}\n", 4,
            "instance \"i\" has an unsupported key \"x\"");
        row("ref with a pattern", "modules:\n  a:\n    instances:\n      i: r<1>\n", 4,
            "ref \"r<1>\" cannot hold pattern syntax");
        row("ref with two dots", "modules:\n  a:\n    instances:\n      i: a.b.c\n", 4,
            "ref \"a.b.c\" is not `symbol`, `cell@view` or `ns.symbol`");
        row("nets not a mapping", "modules:\n  a:\n    nets: [1]\n", 3, "nets must be a mapping");
        row("port net spliced", "modules:\n  a:\n    nets:\n      $a;b: [x.y]\n", 4,
            "port net \"$a;b\" cannot splice");
        row("endpoints not a list", "modules:\n  a:\n    nets:\n      n: x.y\n", 4,
            "endpoints must be a YAML list");
        row("unquoted tag endpoint", "modules:\n  a:\n    nets:\n      n: [!x.y]\n", 4,
            "YAML reads !x.y as a tag; quote the endpoint");
        row("defaults not a mapping", "modules:\n  a:\n    instance_defaults: [1]\n", 3,
            "instance_defaults must be a mapping");
        row("defaults without bindings", "modules:\n  a:\n    instance_defaults:\n      r: {}\n", 4,
            "instance_defaults \"r\" needs bindings");
        row("defaults ref", "modules:\n  a:\n    instance_defaults:\n      r<1>: {bindings: {}}\n",
            4, "ref \"r<1>\" cannot hold pattern syntax");
        row("device not a mapping", "devices:\n  d: 1\n", 2, "device \"d\" must be a mapping");
        row("device name", "devices:\n  d-x: {}\n", 2, "device name \"d-x\" is not an identifier");
        row("module and device",
            "modules:\n  d: {}\ndevices:\n  d: {backends: {sim.ngspice: {template: x}}}\n", 4,
            "\"d\" is both a module (line 2) and a device");
        row("device ports", "devices:\n  d:\n    ports: a\n    backends: {s: {template: x}}\n", 3,
            "ports of device \"d\" must be a list");
        row("device without backends", "devices:\n  d:\n    ports: [a]\n", 2,
            "device \"d\" needs a non-empty backends mapping");
        row("backend without template", "devices:\n  d:\n    backends: {sim.ngspice: {x: 1}}\n", 3,
            "backend \"sim.ngspice\" of device \"d\" needs a template");
        row("backend params", "devices:\n  d:\n    backends: {s: {template: x, params: {}}}\n", 3,
            "use \"parameters\" instead of \"params\"");
        row("device key", "devices:\n  d:\n    pins: [a]\n    backends: {s: {template: x}}\n", 3,
            "device \"d\" has an unsupported key \"pins\"");
        row("imports not a mapping", "imports: [a]\nmodules:\n  a: {}\n", 1,
            "imports must be a mapping ns: path");
        row("namespace", "imports: {1a: x.asdl}\nmodules:\n  a: {}\n", 1,
            "namespace \"1a\" is not an identifier");
    }

    void malformedDocumentsNameFileAndLine() {
        QFETCH(QString, yaml);
        QFETCH(int, line);
        QFETCH(QString, why);
        const auto parsed = AsdlDocumentParser::parse(kPath, yaml.toStdString());
        QVERIFY(!parsed);
        const QString message = QString::fromStdString(parsed.error());
        const QString where =
            QString::fromStdString(kPath) + (line > 0 ? ":" + QString::number(line) : "") + ": ";
        QVERIFY2(message.startsWith(where), qPrintable(message));
        QVERIFY2(message.contains(why), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestAsdlDocumentParser)
#include "tst_asdl_document_parser.moc"
