// The unit and node_kind attributes a real run stores (real libngspice, real HDF5 read back
// with ResultStore): from the design's tree when the run has one, else by the device's
// element letter, never a unit of another device type.
#include "core/engine/sim_session.h"
#include "core/store/result_store.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

// A level-1 and a BSIM4 MOSFET, a diode, a HICUM BJT (the table's only one with ft) and a
// MESFET, whose cd is a current where a diode's is a capacitance.
const char* kNetlist = R"(* units of stored vectors
.model nm1 nmos level=1 vto=0.5 kp=100u
.model nb48 nmos (level=54 version=4.8.2)
.model dd d is=1e-14 cjo=1p
.model qh npn level=8
.model zn nmf level=1 vto=-2 beta=1m
vdd vdd 0 1.8
vin in 0 pulse(0 1.2 1n 1n 1n 5n 10n)
m1 vdd in 0 0 nm1 w=1u l=1u
m2 vdd in 0 0 nb48 w=1u l=1u
d1 in dn dd
rdn dn 0 1k
qh qch in qeh qh
rqc vdd qch 1k
rqe qeh 0 1k
z1 zd 0 0 zn
rzd vdd zd 1k
.tran 0.5n 10n
.end
)";

// cref -> (vector, unit expected)
const std::vector<std::tuple<std::string, std::string, std::string>> kProbes = {
    {"top.m1.op.gm", "@m1[gm]", "S"},         {"top.m1.op.von", "@m1[von]", "V"},
    {"top.m2.op.gm", "@m2[gm]", "S"},         {"top.m2.op.cgg", "@m2[cgg]", "F"},
    {"top.m2.op.qg", "@m2[qg]", "C"},         {"top.d1.op.cd", "@d1[cd]", "F"},
    {"top.d1.op.charge", "@d1[charge]", "C"}, {"top.qh.op.ft", "@qh[ft]", "Hz"},
    {"top.z1.op.cd", "@z1[cd]", "A"},
};

} // namespace

class TestStoredUnits : public QObject {
    Q_OBJECT

    std::unique_ptr<SimSession> m_session;
    QTemporaryDir m_dir;
    std::string m_netlist;

    ProbeMap probes() const {
        ProbeMap map;
        for (const auto& [cref, vector, unit] : kProbes)
            map.map[cref] = vector;
        return map;
    }

    RunData runAndRead(RunRequest request) {
        request.storePath = m_dir.filePath("units.h5").toStdString();
        request.probeMap = probes();
        auto handle = m_session->submit(request);
        if (!handle->waitForFinished(120000))
            qFatal("run %s did not finish", request.runId.c_str());
        if (handle->status() != RunStatus::Ok)
            qFatal("run %s: %s", request.runId.c_str(), qPrintable(handle->message()));
        auto data = ResultStore::readRun(request.storePath, request.runId);
        if (!data)
            qFatal("%s", data.error().c_str());
        return data.value();
    }

    void checkStored(const RunData& run) {
        QCOMPARE(run.summary.coordinate, std::string("time"));
        QCOMPARE(run.coordinateUnit, std::string("s"));
        for (const auto& [cref, vector, unit] : kProbes) {
            const auto* stored = run.find(cref);
            QVERIFY2(stored, cref.c_str());
            QVERIFY2(!stored->values.empty(), cref.c_str());
            QCOMPARE(stored->sourceVector, vector);
            QVERIFY2(stored->unit == unit, (cref + ": " + stored->unit + ", not " + unit).c_str());
            QCOMPARE(stored->nodeKind, std::string("device_param"));
        }
        const auto* out = run.find("top.nodes.qch.v");
        QVERIFY(out);
        QCOMPARE(out->unit, std::string("V"));
        QCOMPARE(out->nodeKind, std::string("node_voltage"));
        const auto* supply = run.find("top.vdd.i");
        QVERIFY(supply);
        QCOMPARE(supply->unit, std::string("A"));
        QCOMPARE(supply->nodeKind, std::string("branch_current"));
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_netlist = m_dir.filePath("units.cir").toStdString();
        QFile file(QString::fromStdString(m_netlist));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(kNetlist);
        file.close();
        // BSIM4 writes its parameter-check log into the working directory.
        QDir::setCurrent(m_dir.path());
        auto session = SimSession::create();
        QVERIFY2(session.ok(), session.error().c_str());
        m_session = std::move(session.value());
    }

    void cleanupTestCase() { m_session.reset(); }

    // From a file: the session reads its tree, whose nodes carry the model's units.
    void unitsFromTheDesignTree() {
        RunRequest request;
        request.netlistPath = m_netlist;
        request.runId = "with_tree";
        const auto run = runAndRead(request);
        QVERIFY(!run.treeJson.empty());
        checkStored(run);
    }

    // Lines handed over without a file: no tree, units by the element letter.
    void unitsWithoutADesign() {
        RunRequest request;
        request.netlistText = kNetlist;
        request.baseDir = m_dir.path().toStdString();
        request.runId = "without_tree";
        const auto run = runAndRead(request);
        QVERIFY(run.treeJson.empty());
        checkStored(run);
    }

    // A dc sweep's coordinate is named by its source and keeps the sweep's unit.
    void dcSweepCoordinateUnit() {
        std::string text = kNetlist;
        text.replace(text.find(".tran 0.5n 10n"), std::string(".tran 0.5n 10n").size(),
                     ".dc vin 0 1.2 0.1");
        RunRequest request;
        request.netlistText = text;
        request.baseDir = m_dir.path().toStdString();
        request.runId = "dc";
        const auto run = runAndRead(request);
        QCOMPARE(run.summary.coordinate, std::string("vin"));
        QCOMPARE(run.coordinateUnit, std::string("V"));
        QCOMPARE(run.coordinate.size(), size_t(13));
        QCOMPARE(run.find("top.z1.op.cd")->unit, std::string("A"));
    }
};

QTEST_GUILESS_MAIN(TestStoredUnits)
#include "tst_stored_units.moc"
