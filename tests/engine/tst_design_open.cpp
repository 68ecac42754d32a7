// DesignReader::open and RunPlanner on real designs: a SPICE netlist and its includes; an
// ASDL project compiled by the real asdlc (PATH, else ../shared/tools/asdlc) into a cache,
// run in libngspice, recompiled when an imported cell's parameter changes (the netlist and
// the run's voltage both show it); the built-in reader as the fallback, given the .asdlrc's
// roots; a design of LVS-only standard cells that browses and says why it cannot run; the
// request's environment applied before the circuit loads.
#include "core/design/asdl/asdl_compiler.h"
#include "core/engine/design_reader.h"
#include "core/engine/run_planner.h"
#include "tests/support/session_fixture.h"
#include "tests/support/test_files.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

namespace {

const QString kShared = QStringLiteral(WAVEBENCH_SHARED_ASDL);
const std::string kData = std::string(WAVEBENCH_TEST_DATA);
const std::string kStdCells = kShared.toStdString() + "/ASDL/examples/pdks/gf180mcu/asdl";

std::string compilerHere() {
    auto found = AsdlCompiler::find();
    if (found.empty())
        found = AsdlCompiler::find((kShared + "/../tools/asdlc").toStdString());
    return found;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

void replaceIn(const QString& path, const QByteArray& from, const QByteArray& to) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray text = file.readAll();
    file.close();
    QVERIFY2(text.contains(from), from.constData());
    text.replace(from, to);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
}

QByteArray readAll(const std::string& path) {
    QFile file(QString::fromStdString(path));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestDesignOpen : public QObject {
    Q_OBJECT

    SessionFixture m_fixture;

    // Runs a planned design and returns the operating-point voltage at `cref`.
    double runOp(const RunRequest& planned, const std::string& runId, const std::string& cref) {
        RunRequest request = planned;
        request.storePath = m_fixture.path("designs.h5");
        request.runId = runId;
        auto handle = m_fixture.runToEnd(request, 60000);
        if (!handle->isFinished() || handle->status() != RunStatus::Ok) {
            qWarning("%s", qPrintable(handle->message()));
            return -1;
        }
        auto run = SessionFixture::read(request.storePath, runId);
        if (!run || !run->find(cref) || run->find(cref)->values.empty())
            return -2;
        return run->find(cref)->values.front();
    }

private slots:
    void initTestCase() {
        const auto started = m_fixture.start();
        QVERIFY2(started.ok(), started.error().c_str());
    }
    void cleanupTestCase() { m_fixture.stop(); }

    void aSpiceNetlistRunsItselfAndListsItsIncludes() {
        const std::string netlist = kData + "/spice/edge_top.cir";
        auto opened = DesignReader::open(netlist, {});
        QVERIFY2(opened.ok(), opened.error().c_str());
        QCOMPARE(opened->netlistPath, netlist);
        QVERIFY(opened->notRunnable.empty() && opened->compiler.empty());
        QVERIFY(has(opened->sources,
                    QFileInfo(QString::fromStdString(netlist)).absoluteFilePath().toStdString()));
        QVERIFY(
            has(opened->sources, QFileInfo(QString::fromStdString(kData + "/spice/inc/cells.inc"))
                                     .absoluteFilePath()
                                     .toStdString()));
    }

    // The compiler's netlist runs; a changed parameter in an imported cell recompiles and
    // changes the run: 1 V over 1k/1k is 0.5 V, over 3k/1k 0.25 V.
    void aCompiledDesignRecompilesWhenAnImportChanges() {
        const std::string asdlc = compilerHere();
        if (asdlc.empty())
            QSKIP("no ASDL compiler: asdlc is not on PATH and ../shared/tools/asdlc is absent");
        QTemporaryDir work, cache;
        test_files::copyTree(QString::fromStdString(kData + "/asdl"), work.path());
        const std::string entry = work.filePath("compiled/tb_divider.asdl").toStdString();
        RunPlanner::Options planning;
        planning.designPath = entry;
        planning.open.asdlcPath = asdlc;
        planning.open.cacheRoot = cache.path().toStdString();

        auto first = RunPlanner::planFile(planning);
        QVERIFY2(first.ok(), first.error().c_str());
        QCOMPARE(first->compiler, asdlc);
        QVERIFY(!first->compileReused);
        const std::string netlist = first->request.netlistPath;
        QVERIFY2(QString::fromStdString(netlist).startsWith(cache.path()), netlist.c_str());
        QVERIFY(!QFileInfo::exists(work.filePath("compiled/tb_divider.spice")));
        QVERIFY(readAll(netlist).contains("Rr_top in mid 1k"));
        QVERIFY(first->tree && first->tree->find("top.div.r_top"));
        QCOMPARE(first->tree->find("top.nodes.out.v")->vector, std::string("out"));
        // The rc's env goes with the run (for ngspice), expanded.
        QVERIFY(std::find(first->request.environment.begin(), first->request.environment.end(),
                          std::make_pair(std::string("NATIVE_DIR"),
                                         work.filePath("compiled/lib").toStdString())) !=
                first->request.environment.end());
        QCOMPARE(runOp(first->request, "r1k", "top.nodes.out.v"), 0.5);
        QCOMPARE(qgetenv("NATIVE_DIR").toStdString(), work.filePath("compiled/lib").toStdString());

        auto again = RunPlanner::planFile(planning);
        QVERIFY2(again.ok(), again.error().c_str());
        QVERIFY(again->compileReused);

        replaceIn(work.filePath("compiled/cells/divider.asdl"), "r_top: nat.res r=1k",
                  "r_top: nat.res r=3k");
        auto changed = RunPlanner::planFile(planning);
        QVERIFY2(changed.ok(), changed.error().c_str());
        QVERIFY(!changed->compileReused);
        QVERIFY(readAll(changed->request.netlistPath).contains("Rr_top in mid 3k"));
        QCOMPARE(runOp(changed->request, "r3k", "top.nodes.out.v"), 0.25);

        // Opened for a file watcher: every file the compile read.
        auto opened = DesignReader::open(entry, planning.open);
        QVERIFY2(opened.ok(), opened.error().c_str());
        QVERIFY(opened->compileReused);
        QVERIFY(has(opened->sources, work.filePath("compiled/cells/divider.asdl").toStdString()));
        QVERIFY(has(opened->sources, work.filePath("compiled/lib/natives.asdl").toStdString()));
        QVERIFY(has(opened->sources, work.filePath("compiled/.asdlrc").toStdString()));
    }

    // The compiled netlist lives in the cache, away from the design: a device template's
    // relative `.include models.lib` (the bundled example's) still means the design's folder.
    // The run finds its models, and the tree knows each device's model (its level-1
    // parameters, as the built-in reader gives them from the netlist beside the design).
    void aCompiledNetlistsRelativeIncludesAreOfTheDesignsFolder() {
        const std::string asdlc = compilerHere();
        if (asdlc.empty())
            QSKIP("no ASDL compiler: asdlc is not on PATH and ../shared/tools/asdlc is absent");
        QTemporaryDir work, cache;
        test_files::copyTree(QStringLiteral(WAVEBENCH_EXAMPLES) + "/ota_asdl", work.path());
        RunPlanner::Options planning;
        planning.designPath = work.filePath("tb_ota.asdl").toStdString();
        planning.open.asdlcPath = asdlc;
        planning.open.cacheRoot = cache.path().toStdString();
        auto plan = RunPlanner::planFile(planning);
        QVERIFY2(plan.ok(), plan.error().c_str());
        QVERIFY(QString::fromStdString(plan->request.netlistPath).startsWith(cache.path()));
        const auto text = readAll(plan->request.netlistPath);
        QVERIFY2(text.contains(".include " + work.filePath("models.lib").toUtf8() + "\n"),
                 text.constData());
        DesignOpenOptions builtIn;
        builtIn.useCompiler = false;
        auto reference = DesignReader::open(planning.designPath, builtIn);
        QVERIFY2(reference.ok(), reference.error().c_str());
        QVERIFY(plan->tree);
        QCOMPARE(plan->tree->size(), reference->tree.size());
        QVERIFY(plan->tree->find("top.ota1.mp_load_n.op.gm"));
        RunRequest request = plan->request;
        request.tran = TranSpec{"10n", "200n"};
        request.storePath = m_fixture.path("designs.h5");
        request.runId = "bundled";
        auto handle = m_fixture.runToEnd(request, 60000);
        QVERIFY(handle->isFinished());
        QVERIFY2(handle->status() == RunStatus::Ok, qPrintable(handle->message()));
    }

    // Without the compiler, the built-in reader finds the library through the .asdlrc; with
    // no emitted netlist the design browses and cannot run.
    void theBuiltInReaderUsesTheRcAndBrowsesWithoutANetlist() {
        QTemporaryDir work;
        test_files::copyTree(QString::fromStdString(kData + "/asdl"), work.path());
        const std::string entry = work.filePath("compiled/tb_divider.asdl").toStdString();
        DesignOpenOptions options;
        options.useCompiler = false;
        auto opened = DesignReader::open(entry, options);
        QVERIFY2(opened.ok(), opened.error().c_str());
        QVERIFY(opened->compiler.empty());
        QVERIFY(opened->netlistPath.empty());
        QVERIFY2(contains(opened->notRunnable, "tb_divider.spice") &&
                     contains(opened->notRunnable, "does not exist"),
                 opened->notRunnable.c_str());
        QVERIFY(opened->tree.find("top.div.r_top"));
        QVERIFY(has(opened->sources, work.filePath("compiled/lib/natives.asdl").toStdString()));
        RunPlanner::Options planning;
        planning.designPath = entry;
        planning.open = options;
        auto plan = RunPlanner::planFile(planning);
        QVERIFY(!plan.ok());
        QCOMPARE(plan.error(), opened->notRunnable);
    }

    void standardCellsBrowseAndSayWhyTheyCannotRun() {
        if (!QFileInfo::exists(QString::fromStdString(kStdCells)))
            QSKIP("../shared/asdl-examples is absent (gf180mcu_std.asdl)");
        const std::string entry = kData + "/asdl/stdcells/inv_chain.asdl";
        DesignOpenOptions options;
        options.libRoots = {kStdCells};
        options.useCompiler = false;
        auto builtIn = DesignReader::open(entry, options);
        QVERIFY2(builtIn.ok(), builtIn.error().c_str());
        QVERIFY(builtIn->tree.find("top.u1") && builtIn->tree.find("top.u2"));
        QVERIFY(builtIn->netlistPath.empty());
        QVERIFY2(contains(builtIn->notRunnable, "device inv_1 has no sim.ngspice backend"),
                 builtIn->notRunnable.c_str());
        RunPlanner::Options planning;
        planning.designPath = entry;
        planning.open = options;
        auto plan = RunPlanner::planFile(planning);
        QVERIFY(!plan.ok());
        QVERIFY2(contains(plan.error(), "inv_1"), plan.error().c_str());

        const std::string asdlc = compilerHere();
        if (asdlc.empty())
            QSKIP("no ASDL compiler: asdlc is not on PATH and ../shared/tools/asdlc is absent");
        QTemporaryDir cache;
        options.useCompiler = true;
        options.asdlcPath = asdlc;
        options.cacheRoot = cache.path().toStdString();
        auto compiled = DesignReader::open(entry, options);
        QVERIFY2(compiled.ok(), compiled.error().c_str());
        QCOMPARE(compiled->compiler, asdlc);
        QVERIFY(!compiled->compileReused);
        QVERIFY(compiled->tree.find("top.u1") && compiled->tree.find("top.u2"));
        QCOMPARE(compiled->tree.size(), builtIn->tree.size());
        QVERIFY(compiled->netlistPath.empty());
        QVERIFY2(contains(compiled->notRunnable, "inv_1") &&
                     contains(compiled->notRunnable, "sim.ngspice"),
                 compiled->notRunnable.c_str());
        // Its stamp holds too: browsing it again runs nothing and says the same.
        auto again = DesignReader::open(entry, options);
        QVERIFY2(again.ok(), again.error().c_str());
        QVERIFY(again->compileReused);
        QCOMPARE(again->notRunnable, compiled->notRunnable);
        QCOMPARE(again->tree.size(), compiled->tree.size());
    }

    void aCompilerThatIsNotThereIsNamed() {
        // The compiler's file:line:column: tst_asdl_compiler (diagnosticsNameFileLineAndColumn).
        const std::string entry = kData + "/asdl/compiled/broken.asdl";
        DesignOpenOptions options;
        // A compiler that is not there is named, not silently replaced by the built-in one.
        options.asdlcPath = "/nonexistent/asdlc";
        auto missing = DesignReader::open(entry, options);
        QVERIFY(!missing.ok());
        QVERIFY2(contains(missing.error(), "/nonexistent/asdlc"), missing.error().c_str());
    }

    void aBadRcIsAnErrorNamingIt() {
        QTemporaryDir work;
        QFile rc(work.filePath(".asdlrc"));
        QVERIFY(rc.open(QIODevice::WriteOnly));
        rc.write("schema_version: 7\n");
        rc.close();
        QFile::copy(QString::fromStdString(kData + "/asdl/edge/chain.asdl"),
                    work.filePath("chain.asdl"));
        auto opened = DesignReader::open(work.filePath("chain.asdl").toStdString(), {});
        QVERIFY(!opened.ok());
        QVERIFY2(contains(opened.error(), work.filePath(".asdlrc").toStdString() + ":1"),
                 opened.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestDesignOpen)
#include "tst_design_open.moc"
