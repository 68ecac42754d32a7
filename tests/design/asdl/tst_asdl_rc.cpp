// A project's .asdlrc read by the compiler's own rules (asdl/cli/config.py): discovery from
// the entry file, an explicit path overriding it, the schema version, ${VAR} expansion in
// config.py's order, and the library search order --lib, rc, ASDL_LIB_PATH.
#include "core/design/asdl/asdl_rc.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

namespace {

void write(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string valueOf(const AsdlRc::Variables& env, const std::string& name) {
    for (const auto& [key, value] : env)
        if (key == name)
            return value;
    return "<unset " + name + ">";
}

} // namespace

class TestAsdlRc : public QObject {
    Q_OBJECT

private slots:
    void discoveryFindsTheNearestAncestor() {
        QTemporaryDir dir;
        const QString root = dir.path();
        write(root + "/.asdlrc", "schema_version: 1\n");
        write(root + "/a/b/design.asdl", "top: x\n");
        const std::string entry = (root + "/a/b/design.asdl").toStdString();
        QCOMPARE(AsdlRc::discover(entry), (root + "/.asdlrc").toStdString());
        write(root + "/a/.asdlrc", "schema_version: 1\n");
        QCOMPARE(AsdlRc::discover(entry), (root + "/a/.asdlrc").toStdString());
        auto rc = AsdlRc::load(entry, {}, {});
        QVERIFY2(rc.ok(), rc.error().c_str());
        QCOMPARE(rc->path, (root + "/a/.asdlrc").toStdString());
    }

    void noRcIsAnEmptyOne() {
        QTemporaryDir dir;
        // /tmp and / hold no .asdlrc on a test machine; a temp folder's design finds none.
        if (!AsdlRc::discover(dir.filePath("d.asdl").toStdString()).empty())
            QSKIP("an .asdlrc above the temporary folder");
        auto rc = AsdlRc::load(dir.filePath("d.asdl").toStdString(), {}, {});
        QVERIFY2(rc.ok(), rc.error().c_str());
        QVERIFY(rc->path.empty());
        QVERIFY(rc->libRoots.empty() && rc->env.empty());
    }

    void anExplicitPathOverridesDiscovery() {
        QTemporaryDir dir;
        write(dir.filePath("project/.asdlrc"), "schema_version: 1\nlib_roots: [near]\n");
        write(dir.filePath("elsewhere/other.rc"), "schema_version: 1\nlib_roots: [far]\n");
        const std::string entry = dir.filePath("project/d.asdl").toStdString();
        auto rc = AsdlRc::load(entry, dir.filePath("elsewhere/other.rc").toStdString(), {});
        QVERIFY2(rc.ok(), rc.error().c_str());
        QCOMPARE(rc->path, dir.filePath("elsewhere/other.rc").toStdString());
        QCOMPARE(rc->libRoots,
                 std::vector<std::string>{dir.filePath("elsewhere/far").toStdString()});
        // A named rc that is not there is an error naming it, not a fallback to discovery.
        auto missing = AsdlRc::load(entry, dir.filePath("nope.rc").toStdString(), {});
        QVERIFY(!missing.ok());
        QVERIFY2(contains(missing.error(), "nope.rc"), missing.error().c_str());
    }

    void aBadSchemaNamesTheFileAndLine() {
        QTemporaryDir dir;
        write(dir.filePath(".asdlrc"), "# project\nlib_roots: []\nschema_version: 2\n");
        auto rc = AsdlRc::parse(dir.filePath(".asdlrc").toStdString(), {});
        QVERIFY(!rc.ok());
        QVERIFY2(contains(rc.error(), dir.filePath(".asdlrc").toStdString() + ":3") &&
                     contains(rc.error(), "schema_version") && contains(rc.error(), "expected 1"),
                 rc.error().c_str());
        write(dir.filePath("none.rc"), "lib_roots: []\n");
        auto none = AsdlRc::parse(dir.filePath("none.rc").toStdString(), {});
        QVERIFY(!none.ok());
        QVERIFY2(contains(none.error(), "none.rc") && contains(none.error(), "missing"),
                 none.error().c_str());
        write(dir.filePath("types.rc"), "schema_version: 1\nenv:\n  - A\n");
        auto types = AsdlRc::parse(dir.filePath("types.rc").toStdString(), {});
        QVERIFY(!types.ok());
        QVERIFY2(contains(types.error(), "types.rc:3") && contains(types.error(), "env must be"),
                 types.error().c_str());
        write(dir.filePath("yaml.rc"), "schema_version: 1\nenv: {A: [\n");
        auto yaml = AsdlRc::parse(dir.filePath("yaml.rc").toStdString(), {});
        QVERIFY(!yaml.ok());
        QVERIFY2(contains(yaml.error(), "yaml.rc:") && contains(yaml.error(), "YAML"),
                 yaml.error().c_str());
    }

    // Found by fuzzing: a variable defined through itself twice doubles on every pass, and
    // 10 x 10 passes ran out of memory. It is refused, naming the rc, the line and the name.
    void aVariableThatKeepsGrowingIsRefused() {
        QTemporaryDir dir;
        write(dir.filePath(".asdlrc"), "schema_version: 1\nenv:\n  OK: /pdk\n  A: x${A}${A}\n");
        auto rc = AsdlRc::parse(dir.filePath(".asdlrc").toStdString(), {});
        QVERIFY(!rc.ok());
        QVERIFY2(contains(rc.error(), dir.filePath(".asdlrc").toStdString() + ":4") &&
                     contains(rc.error(), "env A expands to more than 64 KB"),
                 rc.error().c_str());
        write(dir.filePath("roots.rc"), "schema_version: 1\nenv: {B: '${B}${B}${B}'}\n"
                                        "lib_roots: [/a, '${B}']\n");
        auto roots = AsdlRc::parse(dir.filePath("roots.rc").toStdString(), {});
        QVERIFY(!roots.ok());
        QVERIFY2(contains(roots.error(), "roots.rc:2"), roots.error().c_str());
        // A name given twice (found by fuzzing): once, with the last value, where it first came,
        // as PyYAML's dict has it for the compiler.
        write(dir.filePath("twice.rc"), "schema_version: 1\nenv:\n  A: 1\n  B: ${A}\n  A: 3\n");
        auto twice = AsdlRc::parse(dir.filePath("twice.rc").toStdString(), {});
        QVERIFY2(twice.ok(), twice.error().c_str());
        QCOMPARE(twice->env, (AsdlRc::Variables{{"A", "3"}, {"B", "3"}}));
        // Growing but bounded, as a project's paths are: accepted.
        write(dir.filePath("fine.rc"), "schema_version: 1\nenv: {P: /opt, Q: '${P}/${P}'}\n");
        auto fine = AsdlRc::parse(dir.filePath("fine.rc").toStdString(), {});
        QVERIFY2(fine.ok(), fine.error().c_str());
        QCOMPARE(fine->env.back().second, std::string("/opt//opt"));
    }

    void anUnknownVariableStaysAsWritten() {
        QTemporaryDir dir;
        write(dir.filePath(".asdlrc"), "schema_version: 1\n"
                                       "lib_roots: ['${NOWHERE}/asdl']\n"
                                       "env:\n  X: ${NOWHERE}/x\n");
        auto rc = AsdlRc::parse(dir.filePath(".asdlrc").toStdString(), {});
        QVERIFY2(rc.ok(), rc.error().c_str());
        QCOMPARE(valueOf(rc->env, "X"), std::string("${NOWHERE}/x"));
        QCOMPARE(rc->libRoots,
                 std::vector<std::string>{dir.filePath("${NOWHERE}/asdl").toStdString()});
    }

    void expansionFollowsTheCompilersOrder() {
        QTemporaryDir dir;
        // B is defined after A uses it: a second pass settles A; ASDLRC_DIR is the rc's
        // folder; the process environment wins over the rc's own value of PDK.
        write(dir.filePath(".asdlrc"), "schema_version: 1\n"
                                       "backend_config: ${ASDLRC_DIR}/cfg/backends.yaml\n"
                                       "lib_roots:\n  - ${PDK_PATH}/asdl\n  - libs\n"
                                       "env:\n"
                                       "  A: ${B}/a\n"
                                       "  B: ${ASDLRC_DIR}/b\n"
                                       "  PDK: gf180mcu\n"
                                       "  PDK_PATH: ${ASDLRC_DIR}/pdks/${PDK}\n");
        const std::string rcPath = dir.filePath(".asdlrc").toStdString();
        const std::string here = QDir(dir.path()).absolutePath().toStdString();
        auto rc = AsdlRc::parse(rcPath, {});
        QVERIFY2(rc.ok(), rc.error().c_str());
        QCOMPARE(valueOf(rc->env, "A"), here + "/b/a");
        QCOMPARE(valueOf(rc->env, "B"), here + "/b");
        QCOMPARE(valueOf(rc->env, "PDK_PATH"), here + "/pdks/gf180mcu");
        QCOMPARE(rc->backendConfig, here + "/cfg/backends.yaml");
        QCOMPARE(rc->libRoots,
                 (std::vector<std::string>{here + "/pdks/gf180mcu/asdl", here + "/libs"}));
        QCOMPARE(rc->env.front().first, std::string("A")); // file order

        auto overridden = AsdlRc::parse(rcPath, {{"PDK", "sky130"}});
        QVERIFY2(overridden.ok(), overridden.error().c_str());
        QCOMPARE(valueOf(overridden->env, "PDK_PATH"), here + "/pdks/sky130");
        QCOMPARE(overridden->libRoots.front(), here + "/pdks/sky130/asdl");
        // The rc still lists its own PDK; what the compiler and ngspice get is the process's.
        QCOMPARE(valueOf(overridden->env, "PDK"), std::string("gf180mcu"));
        QCOMPARE(valueOf(overridden->effectiveEnv({{"PDK", "sky130"}}), "PDK"),
                 std::string("sky130"));
        QCOMPARE(overridden->merged({{"PDK", "sky130"}}).at("PDK"), std::string("sky130"));
        QCOMPARE(overridden->merged({}).at("PDK_PATH"), here + "/pdks/sky130");
    }

    void libraryRootsComeExplicitThenRcThenAsdlLibPath() {
        QTemporaryDir dir;
        write(dir.filePath(".asdlrc"),
              "schema_version: 1\nlib_roots: [rc_lib]\n"
              "env:\n  ASDL_LIB_PATH: ${ASDLRC_DIR}/env_a:${ASDLRC_DIR}/env_b\n");
        const std::string here = QDir(dir.path()).absolutePath().toStdString();
        auto rc = AsdlRc::parse(dir.filePath(".asdlrc").toStdString(), {});
        QVERIFY2(rc.ok(), rc.error().c_str());
        QCOMPARE(rc->searchRoots({"/explicit"}, {}),
                 (std::vector<std::string>{"/explicit", here + "/rc_lib", here + "/env_a",
                                           here + "/env_b"}));
        // The process's ASDL_LIB_PATH wins over the rc's (os.environ.setdefault).
        QCOMPARE(rc->searchRoots({}, {{"ASDL_LIB_PATH", "/process"}}),
                 (std::vector<std::string>{here + "/rc_lib", "/process"}));
    }

    // Found by fuzzing: Qt calls ":x" a resource path and absolute, so a root written ":lib"
    // stayed ":lib". For the compiler (pathlib) it is relative to the rc's folder, as here.
    void aColonPathIsRelativeToTheRcNotAQtResource() {
        QTemporaryDir dir;
        write(dir.filePath(".asdlrc"),
              "schema_version: 1\nlib_roots: [':/lib', ':x']\nbackend_config: ':b.yaml'\n");
        const std::string here = QDir(dir.path()).absolutePath().toStdString();
        auto rc = AsdlRc::parse(dir.filePath(".asdlrc").toStdString(), {});
        QVERIFY2(rc.ok(), rc.error().c_str());
        QCOMPARE(rc->libRoots, (std::vector<std::string>{here + "/:/lib", here + "/:x"}));
        QCOMPARE(rc->backendConfig, here + "/:b.yaml");
        QVERIFY(rc->searchRoots({":e"}, {}).front().front() == '/');
    }

    void theAsdlProjectsOwnRc() {
        const QString rcPath = QStringLiteral(WAVEBENCH_SHARED_ASDL) + "/ASDL/.asdlrc";
        if (!QFileInfo::exists(rcPath))
            QSKIP("../shared/asdl-examples is absent (the ASDL project's .asdlrc)");
        const std::string root = QFileInfo(rcPath).absolutePath().toStdString();
        auto rc = AsdlRc::parse(rcPath.toStdString(), {});
        QVERIFY2(rc.ok(), rc.error().c_str());
        QCOMPARE(valueOf(rc->env, "PDK_PATH"), root + "/examples/pdks/gf180mcu");
        QCOMPARE(valueOf(rc->env, "ASDL_LIB_PATH"), root + "/examples/pdks/gf180mcu/asdl:" + root +
                                                        "/examples/libs_common:" + root +
                                                        "/examples/libs");
        QCOMPARE(rc->libRoots,
                 (std::vector<std::string>{root + "/examples/pdks/gf180mcu/asdl", root + "/libs"}));
        QCOMPARE(rc->backendConfig, root + "/examples/config/backends.yaml");
    }
};

QTEST_GUILESS_MAIN(TestAsdlRc)
#include "tst_asdl_rc.moc"
