// Which file an ASDL import names, as asdlc finds it, against real files in a temporary
// folder: relative and absolute paths, environment variables, logical paths under the
// library roots and ASDL_LIB_PATH; and the program that loads imports transitively, once,
// refusing cycles. Messages name the importing file and line.
#include "core/design/asdl/asdl_import_resolver.h"
#include "core/design/asdl/asdl_program.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

void write(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

AsdlImportDecl import(const std::string& path) {
    AsdlImportDecl decl;
    decl.ns = "lib";
    decl.path = path;
    decl.line = 4;
    return decl;
}

} // namespace

class TestAsdlImportResolver : public QObject {
    Q_OBJECT

private slots:
    void init() {
        QVERIFY(m_dir.isValid());
        m_root = m_dir.path().toStdString();
        write(m_dir.filePath("design/top.asdl"), "modules: {top: {}}\n");
        write(m_dir.filePath("design/cells.asdl"), "modules: {cell: {}}\n");
        write(m_dir.filePath("shared/cells.asdl"), "modules: {cell: {}}\n");
        write(m_dir.filePath("rootA/pdk/devices.asdl"), "devices: {}\n");
        write(m_dir.filePath("rootB/pdk/devices.asdl"), "devices: {}\n");
        write(m_dir.filePath("rootB/pdk/only_b.asdl"), "devices: {}\n");
        qunsetenv("ASDL_LIB_PATH");
    }

    void cleanup() {
        qunsetenv("ASDL_LIB_PATH");
        qunsetenv("WAVEBENCH_TEST_ASDL_DIR");
    }

    void filePathsFromTheImporter_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("found"); // relative to the temporary folder
        QTest::newRow("beside") << "./cells.asdl"
                                << "design/cells.asdl";
        QTest::newRow("up") << "../shared/cells.asdl"
                            << "shared/cells.asdl";
        QTest::newRow("cleaned") << "./../design/./cells.asdl"
                                 << "design/cells.asdl";
        QTest::newRow("variable") << "$WAVEBENCH_TEST_ASDL_DIR/shared/cells.asdl"
                                  << "shared/cells.asdl";
        QTest::newRow("braced variable") << "${WAVEBENCH_TEST_ASDL_DIR}/design/cells.asdl"
                                         << "design/cells.asdl";
    }

    void filePathsFromTheImporter() {
        QFETCH(QString, path);
        QFETCH(QString, found);
        qputenv("WAVEBENCH_TEST_ASDL_DIR", m_dir.path().toLocal8Bit());
        const auto resolved = AsdlImportResolver::resolve(m_root + "/design/top.asdl",
                                                          import(path.toStdString()), {});
        QVERIFY2(resolved.ok(), resolved.error().c_str());
        QCOMPARE(QString::fromStdString(resolved.value()), m_dir.filePath(found));
    }

    void absolutePath() {
        const auto resolved = AsdlImportResolver::resolve(
            m_root + "/design/top.asdl", import(m_root + "/shared/cells.asdl"), {});
        QVERIFY2(resolved.ok(), resolved.error().c_str());
        QCOMPARE(resolved.value(), m_root + "/shared/cells.asdl");
    }

    void logicalPathsUnderTheRoots() {
        const std::string importer = m_root + "/design/top.asdl";
        const auto one =
            AsdlImportResolver::resolve(importer, import("pdk/devices.asdl"), {m_root + "/rootA"});
        QVERIFY2(one.ok(), one.error().c_str());
        QCOMPARE(one.value(), m_root + "/rootA/pdk/devices.asdl");
        // The same root twice is one match, not an ambiguity.
        const auto twice = AsdlImportResolver::resolve(importer, import("pdk/devices.asdl"),
                                                       {m_root + "/rootA", m_root + "/rootA/"});
        QVERIFY2(twice.ok(), twice.error().c_str());
        // ASDL_LIB_PATH is searched after the given roots.
        qputenv("ASDL_LIB_PATH", QByteArray::fromStdString(m_root + "/rootB"));
        const auto fromEnvironment =
            AsdlImportResolver::resolve(importer, import("pdk/only_b.asdl"), {m_root + "/rootA"});
        QVERIFY2(fromEnvironment.ok(), fromEnvironment.error().c_str());
        QCOMPARE(fromEnvironment.value(), m_root + "/rootB/pdk/only_b.asdl");
    }

    void unresolvableImportsNameTheImporterLine_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QStringList>("roots"); // relative to the temporary folder
        QTest::addColumn<QString>("why");
        QTest::newRow("empty") << "" << QStringList{} << "malformed import path \"\" (empty)";
        QTest::newRow("unset variable") << "$WAVEBENCH_NO_SUCH_VAR/x.asdl" << QStringList{}
                                        << "$WAVEBENCH_NO_SUCH_VAR is not set";
        QTest::newRow("unclosed brace") << "${WAVEBENCH" << QStringList{} << "'${' is not closed";
        QTest::newRow("no such file")
            << "./nope.asdl" << QStringList{} << "import \"lib: ./nope.asdl\": no such file ";
        QTest::newRow("no roots") << "pdk/devices.asdl" << QStringList{}
                                  << "not found in the library roots (none: pass lib roots or "
                                     "set ASDL_LIB_PATH)";
        QTest::newRow("not under the roots")
            << "pdk/missing.asdl" << QStringList{"rootA"} << "not found in the library roots (";
        QTest::newRow("ambiguous") << "pdk/devices.asdl" << QStringList{"rootA", "rootB"}
                                   << "import \"pdk/devices.asdl\" is ambiguous: ";
    }

    void unresolvableImportsNameTheImporterLine() {
        QFETCH(QString, path);
        QFETCH(QStringList, roots);
        QFETCH(QString, why);
        std::vector<std::string> libRoots;
        for (const auto& root : roots)
            libRoots.push_back(m_dir.filePath(root).toStdString());
        const std::string importer = m_root + "/design/top.asdl";
        const auto resolved =
            AsdlImportResolver::resolve(importer, import(path.toStdString()), libRoots);
        QVERIFY(!resolved);
        const QString message = QString::fromStdString(resolved.error());
        QVERIFY2(message.startsWith(QString::fromStdString(importer) + ":4: "),
                 qPrintable(message));
        QVERIFY2(message.contains(why), qPrintable(message));
    }

    void programLoadsEachFileOnce() {
        write(m_dir.filePath("p/top.asdl"), "imports: {a: ./a.asdl, b: ./b.asdl}\n"
                                            "modules: {top: {}}\n");
        write(m_dir.filePath("p/a.asdl"), "imports: {c: ./c.asdl}\nmodules: {a: {}}\n");
        write(m_dir.filePath("p/b.asdl"), "imports: {c: ./c.asdl}\nmodules: {b: {}}\n");
        write(m_dir.filePath("p/c.asdl"), "devices:\n  r:\n    ports: [p]\n"
                                          "    backends: {sim.ngspice: {template: x}}\n");
        AsdlProgram program({});
        const auto entry = program.load(m_dir.filePath("p/top.asdl").toStdString());
        QVERIFY2(entry.ok(), entry.error().c_str());
        const AsdlDocument& top = program.document(entry.value());
        const AsdlDocument& a = program.document(top.imports[0].file);
        const AsdlDocument& b = program.document(top.imports[1].file);
        QCOMPARE(a.imports[0].file, b.imports[0].file);
        const AsdlDocument& c = program.document(a.imports[0].file);
        QCOMPARE(c.devices.front().file, a.imports[0].file);

        // Visibility is not transitive: top sees a's modules, not c's devices.
        const auto cell = program.resolve(a, "c.r", "p/a.asdl:9");
        QVERIFY2(cell.ok(), cell.error().c_str());
        QCOMPARE(cell->device, &c.devices.front());
        const auto hidden = program.resolve(top, "c.r", "p/top.asdl:9");
        QVERIFY(!hidden);
        QVERIFY2(QString::fromStdString(hidden.error())
                     .startsWith("p/top.asdl:9: unknown ref \"c.r\": no import namespace \"c\""),
                 hidden.error().c_str());
        QVERIFY2(hidden.error().find("(imports: a, b)") != std::string::npos,
                 hidden.error().c_str());
    }

    void programRefusesImportCycles() {
        write(m_dir.filePath("cy/x.asdl"), "imports: {y: ./y.asdl}\nmodules: {x: {}}\n");
        write(m_dir.filePath("cy/y.asdl"), "modules: {y: {}}\nimports: {x: ./x.asdl}\n");
        AsdlProgram program({});
        const auto entry = program.load(m_dir.filePath("cy/x.asdl").toStdString());
        QVERIFY(!entry);
        const QString message = QString::fromStdString(entry.error());
        QVERIFY2(message.startsWith(m_dir.filePath("cy/y.asdl") + ":2: import cycle " +
                                    m_dir.filePath("cy/x.asdl") + " -> "),
                 qPrintable(message));
    }

private:
    QTemporaryDir m_dir;
    std::string m_root;
};

QTEST_GUILESS_MAIN(TestAsdlImportResolver)
#include "tst_asdl_import_resolver.moc"
