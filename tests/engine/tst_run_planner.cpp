// RunPlanner: an opened design becomes the request that runs it. Real designs from
// resources/examples and tests/data; one planned request runs in the real libngspice.
#include "core/engine/run_planner.h"
#include "core/engine/sim_session.h"
#include "core/store/result_store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {

const std::string kData = WAVEBENCH_TEST_DATA;
const std::string kExamples = WAVEBENCH_EXAMPLES;

std::string absolute(const std::string& path) {
    return QFileInfo(QString::fromStdString(path)).absoluteFilePath().toStdString();
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

class TestRunPlanner : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string write(const char* name, const char* text) {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(text) < 0)
            qFatal("cannot write %s", qPrintable(path));
        return path.toStdString();
    }

private slots:
    void anAsdlDesignRunsTheNetlistBesideIt() {
        const std::string design = kExamples + "/ota_asdl/tb_ota.asdl";
        QCOMPARE(RunPlanner::netlistFor(design), absolute(kExamples + "/ota_asdl/tb_ota.spice"));
        // Named explicitly, the emitted netlist wins; the suffix is read case-blind.
        QCOMPARE(RunPlanner::netlistFor(design, "/elsewhere/emitted.spice"),
                 std::string("/elsewhere/emitted.spice"));
        QCOMPARE(RunPlanner::netlistFor("/x/Design.ASDL"), std::string("/x/Design.spice"));
    }

    void aNetlistRunsItself() {
        const std::string netlist = kExamples + "/ota/tb_ota.spice";
        QCOMPARE(RunPlanner::netlistFor(netlist), netlist);
        // --emitted means nothing to a netlist.
        QCOMPARE(RunPlanner::netlistFor(netlist, "/elsewhere/emitted.spice"), netlist);
    }

    void theStoreDefaultsToTheDesignsNameBesideIt() {
        QCOMPARE(RunPlanner::defaultStorePath(kExamples + "/ota_asdl/tb_ota.asdl"),
                 absolute(kExamples + "/ota_asdl/tb_ota.h5"));
        QCOMPARE(RunPlanner::defaultStorePath(kData + "/rc_step.cir"),
                 absolute(kData + "/rc_step.h5"));
        RunPlanner::Options options;
        options.designPath = kData + "/rc_step.cir";
        options.storePath = "/tmp/given.h5";
        QCOMPARE(RunPlanner::plan(options, nullptr).storePath, std::string("/tmp/given.h5"));
    }

    void anAsdlDesignIsPlannedWithItsTreeAndCrefs() {
        RunPlanner::Options options;
        options.designPath = kExamples + "/ota_asdl/tb_ota.asdl";
        options.runId = "planned";
        options.tran = TranSpec{"1n", "2u"};
        auto planned = RunPlanner::planFile(options);
        QVERIFY2(planned.ok(), planned.error().c_str());
        const RunRequest& request = planned->request;
        QCOMPARE(request.netlistPath, absolute(kExamples + "/ota_asdl/tb_ota.spice"));
        QCOMPARE(request.storePath, absolute(kExamples + "/ota_asdl/tb_ota.h5"));
        QCOMPARE(request.runId, std::string("planned"));
        QVERIFY(request.tran);
        QCOMPARE(request.tran->step, std::string("1n"));
        QCOMPARE(request.tran->stop, std::string("2u"));
        QVERIFY(planned->tree);
        QVERIFY(planned->treeProblem.empty());

        // The run records the ASDL hierarchy, and the ASDL crefs name the vectors.
        auto stored = HierarchyTree::fromJson(request.treeJson, "tree.json");
        QVERIFY2(stored.ok(), stored.error().c_str());
        QCOMPARE(stored->size(), planned->tree->size());
        QVERIFY(stored->find("top.ota1.mn_in_p.op.gm"));
        QCOMPARE(request.probeMap.map.at("top.ota1.nodes.tail.v"), std::string("xota1.tail"));
        QCOMPARE(request.probeMap.map.at("top.vdd.i"), std::string("vvdd#branch"));
        // Device parameters are not streamed by default: the map does not ask for them.
        QVERIFY(!request.probeMap.map.count("top.ota1.mn_in_p.op.gm"));
    }

    void theGuiAndTheCliPlanAlike() {
        // The GUI has its tree already and calls plan(); the CLI calls planFile().
        RunPlanner::Options options;
        options.designPath = absolute(kExamples + "/ota_asdl/tb_ota.asdl");
        auto fromFile = RunPlanner::planFile(options);
        QVERIFY2(fromFile.ok(), fromFile.error().c_str());
        const RunRequest fromTree = RunPlanner::plan(options, fromFile->tree.get());
        QCOMPARE(fromTree.netlistPath, fromFile->request.netlistPath);
        QCOMPARE(fromTree.storePath, fromFile->request.storePath);
        QCOMPARE(fromTree.treeJson, fromFile->request.treeJson);
        QCOMPARE(fromTree.probeMap.toJson(), fromFile->request.probeMap.toJson());
    }

    void theUsersProbeMapKeepsItsNames() {
        const std::string mapPath =
            write("probes.json",
                  R"json({"map": {"mine.out": "v(out)", "mine.gm": "@m.xota1.mmn_tail[gm]"}})json");
        RunPlanner::Options options;
        options.designPath = kExamples + "/ota_asdl/tb_ota.asdl";
        options.probeMapPath = mapPath;
        auto planned = RunPlanner::planFile(options);
        QVERIFY2(planned.ok(), planned.error().c_str());
        const ProbeMap& map = planned->request.probeMap;
        QCOMPARE(map.map.at("mine.out"), std::string("v(out)"));
        QCOMPARE(map.map.at("mine.gm"), std::string("@m.xota1.mmn_tail[gm]"));
        // The design's crefs for a vector the user named become aliases of the user's cref.
        QCOMPARE(map.aliases.at("top.nodes.out.v"), std::string("mine.out"));
        QVERIFY(!map.map.count("top.nodes.out.v"));
        QCOMPARE(map.map.at("top.ota1.nodes.tail.v"), std::string("xota1.tail"));
    }

    void aNetlistWithoutHierarchyStillRuns() {
        RunPlanner::Options options;
        options.designPath = kData + "/spice/err_include_loop.cir";
        options.probeMap.map["mine.v"] = "v(1)";
        auto planned = RunPlanner::planFile(options);
        QVERIFY2(planned.ok(), planned.error().c_str());
        QVERIFY(!planned->tree);
        QVERIFY2(contains(planned->treeProblem, "included recursively"),
                 planned->treeProblem.c_str());
        QCOMPARE(planned->request.netlistPath, options.designPath);
        QVERIFY(planned->request.treeJson.empty());
        QCOMPARE(planned->request.probeMap.map.size(), size_t(1));
        QCOMPARE(planned->request.probeMap.map.at("mine.v"), std::string("v(1)"));
    }

    void failuresNameTheFile() {
        RunPlanner::Options missing;
        missing.designPath = kData + "/no_such_design.asdl";
        auto planned = RunPlanner::planFile(missing);
        QVERIFY(!planned.ok());
        QCOMPARE(planned.error(), missing.designPath + ": no such file");

        // An ASDL design cannot run without its tree: its emitted netlist must be there.
        RunPlanner::Options noNetlist;
        noNetlist.designPath = kData + "/asdl/edge/chain.asdl";
        noNetlist.emittedNetlist = m_dir.filePath("not_emitted.spice").toStdString();
        planned = RunPlanner::planFile(noNetlist);
        QVERIFY(!planned.ok());
        QVERIFY2(contains(planned.error(), "chain.asdl") &&
                     contains(planned.error(), "not_emitted.spice"),
                 planned.error().c_str());

        RunPlanner::Options badMap;
        badMap.designPath = kData + "/rc_step.cir";
        badMap.probeMapPath = write("bad.json", "{\"map\": {\"x\": 1}}");
        planned = RunPlanner::planFile(badMap);
        QVERIFY(!planned.ok());
        QVERIFY2(contains(planned.error(), "bad.json") && contains(planned.error(), "map.x"),
                 planned.error().c_str());
    }

    void aPlannedRunStoresTheDesign() {
        RunPlanner::Options options;
        options.designPath = kExamples + "/ota_asdl/tb_ota.asdl";
        options.storePath = m_dir.filePath("planned.h5").toStdString();
        options.runId = "planned";
        auto planned = RunPlanner::planFile(options);
        QVERIFY2(planned.ok(), planned.error().c_str());
        auto session = SimSession::create();
        QVERIFY2(session.ok(), session.error().c_str());
        std::unique_ptr<QSignalSpy> finished;
        auto handle = session.value()->submit(planned->request, [&](RunHandle& run) {
            finished = std::make_unique<QSignalSpy>(&run, &RunHandle::finished);
        });
        QTRY_COMPARE_WITH_TIMEOUT(finished->count(), 1, 120000);
        QCOMPARE(toString(handle->status()), toString(RunStatus::Ok));

        auto run = ResultStore::readRun(options.storePath, "planned");
        QVERIFY2(run.ok(), run.error().c_str());
        QCOMPARE(run->treeJson, planned->request.treeJson);
        auto map = ProbeMap::fromJson(run->probeMapJson, "probe_map.json");
        QVERIFY2(map.ok(), map.error().c_str());
        QCOMPARE(map->map.at("top.ota1.nodes.tail.v"), std::string("xota1.tail"));
    }
};

QTEST_GUILESS_MAIN(TestRunPlanner)
#include "tst_run_planner.moc"
