// ASDL modules elaborated from documents on disk: atoms connected pin by pin, broadcast
// along named axes, instance_defaults filling the ports nets left open, and elaboration
// errors (a malformed pattern among them) at the file and line that holds the mistake.
#include "core/design/asdl/asdl_elaborator.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

const char* const kCells = R"(modules:
  cell:
    nets:
      $a: []
      $b: []
)";

} // namespace

class TestAsdlElaborator : public QObject {
    Q_OBJECT

    // Elaborates `top` of a document written beside a `cells.asdl` it may import as `lib`.
    Result<std::string> elaborate(const QByteArray& document,
                                  const AsdlElaboratedModule** result = nullptr) {
        for (const auto& [name, text] :
             {std::pair{QString("cells.asdl"), QByteArray(kCells)}, {"top.asdl", document}}) {
            QFile file(m_dir.filePath(name));
            if (!file.open(QIODevice::WriteOnly))
                return Result<std::string>::failure("cannot write " + name.toStdString());
            file.write(text);
        }
        m_program = std::make_unique<AsdlProgram>(std::vector<std::string>{});
        m_elaborator = std::make_unique<AsdlElaborator>(*m_program);
        const auto entry = m_program->load(m_dir.filePath("top.asdl").toStdString());
        if (!entry)
            return Result<std::string>::failure(entry.error());
        const auto top = AsdlProgram::topModule(m_program->document(entry.value()));
        if (!top)
            return Result<std::string>::failure(top.error());
        const auto elaborated = m_elaborator->elaborate(*top.value());
        if (!elaborated)
            return Result<std::string>::failure(elaborated.error());
        if (result)
            *result = elaborated.value();
        return std::string("ok");
    }

    static std::string connections(const AsdlElaboratedModule& module) {
        std::string text;
        for (const auto& instance : module.instances)
            for (const auto& [pin, net] : instance.conns)
                text += (text.empty() ? "" : " ") + instance.literal + "." + pin + "=" + net;
        return text;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void connectsAtoms_data() {
        QTest::addColumn<QByteArray>("document");
        QTest::addColumn<QString>("connections");
        QTest::newRow("atom to atom") << QByteArray("imports: {lib: ./cells.asdl}\n"
                                                    "modules:\n  top:\n"
                                                    "    instances: {c<1:0>: lib.cell}\n"
                                                    "    nets:\n"
                                                    "      n<1:0>: [c<1:0>.a]\n"
                                                    "      vss: [c<1:0>.b]\n")
                                      << "c1.a=n1 c1.b=vss c0.a=n0 c0.b=vss";
        QTest::newRow("broadcast along a named axis")
            << QByteArray("modules:\n  top:\n"
                          "    patterns: {bus: <1:0>, row: <0:1>}\n"
                          "    instances: {c<@row>_<@bus>: cell}\n"
                          "    nets:\n"
                          "      n<@bus>: [c<@row>_<@bus>.a]\n"
                          "      $vss: ['!c<@row>_<@bus>.b']\n"
                          "  cell:\n    nets: {$a: [], $b: []}\n"
                          "top: top\n")
            << "c0_1.a=n1 c0_1.b=vss c0_0.a=n0 c0_0.b=vss c1_1.a=n1 c1_1.b=vss c1_0.a=n0 "
               "c1_0.b=vss";
        QTest::newRow("defaults fill what nets leave open")
            << QByteArray("imports: {lib: ./cells.asdl}\n"
                          "modules:\n  top:\n"
                          "    instances: {x: lib.cell, y: lib.cell}\n"
                          "    nets:\n      m: [y.b]\n"
                          "    instance_defaults:\n"
                          "      lib.cell: {bindings: {a: $vin, b: gnd}}\n")
            << "x.a=vin x.b=gnd y.a=vin y.b=m";
    }

    void connectsAtoms() {
        QFETCH(QByteArray, document);
        QFETCH(QString, connections);
        const AsdlElaboratedModule* module = nullptr;
        const auto ok = elaborate(document, &module);
        QVERIFY2(ok.ok(), ok.error().c_str());
        QCOMPARE(QString::fromStdString(TestAsdlElaborator::connections(*module)), connections);
    }

    void defaultsMakePorts() {
        const AsdlElaboratedModule* module = nullptr;
        const auto ok = elaborate("imports: {lib: ./cells.asdl}\n"
                                  "modules:\n  top:\n"
                                  "    instances: {x: lib.cell}\n"
                                  "    nets:\n      $out: [x.b]\n"
                                  "    instance_defaults:\n"
                                  "      lib.cell: {bindings: {a: $vin}}\n",
                                  &module);
        QVERIFY2(ok.ok(), ok.error().c_str());
        QCOMPARE(module->ports, (std::vector<std::string>{"out", "vin"}));
        QCOMPARE(m_elaborator->portsOf(module->instances.front().target),
                 (std::vector<std::string>{"a", "b"}));
    }

    void errorsNameFileAndLine_data() {
        QTest::addColumn<QByteArray>("document");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("why");
        const QByteArray head = "imports: {lib: ./cells.asdl}\nmodules:\n  top:\n";
        QTest::newRow("malformed net pattern")
            << head + "    nets:\n      n<1:x>: []\n"
            << 5 << "malformed pattern in net name \"n<1:x>\": <1:x> is not a range";
        QTest::newRow("malformed instance pattern")
            << head + "    instances:\n      c<a||b>: lib.cell\n"
            << 5 << "malformed pattern in instance name \"c<a||b>\"";
        QTest::newRow("malformed endpoint pattern")
            << head + "    instances: {c: lib.cell}\n    nets:\n      n: [c.<a|b]\n      m: [c.b]\n"
            << 6 << "malformed pattern in endpoint \"c.<a|b\"";
        QTest::newRow("unknown named pattern") << head + "    nets:\n      n<@bus>: []\n"
                                               << 5 << "no named pattern \"bus\"";
        QTest::newRow("broadcast without named axes")
            << head + "    instances: {c<1:3>: lib.cell}\n    nets:\n      n<1|2>: [c<1:3>.a]\n"
            << 6 << "(only named patterns <@name> broadcast)";
        QTest::newRow("unknown namespace")
            << head + "    instances: {c: other.cell}\n"
            << 4 << "unknown ref \"other.cell\": no import namespace \"other\"";
        QTest::newRow("unknown instance") << head + "    nets:\n      n: [ghost.a]\n"
                                          << 5 << "unknown instance \"ghost\"";
        QTest::newRow("unknown pin") << head + "    instances: {c: lib.cell}\n    nets:\n"
                                               "      n: [c.a, c.z]\n      m: [c.b]\n"
                                     << 6 << "cell has no port \"z\" (ports: a, b)";
        QTest::newRow("pin twice") << head + "    instances: {c: lib.cell}\n    nets:\n"
                                             "      n: [c.a]\n      m: [c.a, c.b]\n"
                                   << 7 << "c.a is connected to both \"n\" and \"m\"";
        QTest::newRow("unconnected port") << head + "    instances: {c: lib.cell}\n    nets:\n"
                                                    "      n: [c.a]\n"
                                          << 4 << "instance \"c\" (cell) leaves port \"b\"";
        QTest::newRow("self instance") << QByteArray("modules:\n  top:\n    instances: {t: top}\n")
                                       << 2 << "module \"top\" instantiates itself";
    }

    void errorsNameFileAndLine() {
        QFETCH(QByteArray, document);
        QFETCH(int, line);
        QFETCH(QString, why);
        const auto result = elaborate(document);
        QVERIFY(!result);
        const QString message = QString::fromStdString(result.error());
        QVERIFY2(
            message.startsWith(m_dir.filePath("top.asdl") + ":" + QString::number(line) + ": "),
            qPrintable(message));
        QVERIFY2(message.contains(why), qPrintable(message));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<AsdlProgram> m_program;
    std::unique_ptr<AsdlElaborator> m_elaborator;
};

QTEST_GUILESS_MAIN(TestAsdlElaborator)
#include "tst_asdl_elaborator.moc"
