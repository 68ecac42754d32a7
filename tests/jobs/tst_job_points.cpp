// A job's point costs the simulation, not a new ngspice: from the second point on, the
// session reloads ngspice's stored deck (CircuitReload: setseed / alterparam + reset). Each
// point must still equal, bit for bit, its own netlist run alone, planned as
// `wavebench-run run POINT.cir` plans it, on a library loaded for it. Real libngspice, real
// HDF5 stores.
#include "core/engine/run_planner.h"
#include "core/jobs/job_runner.h"
#include "tests/support/session_fixture.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <cstring>

namespace {

std::string jobData(const char* name) {
    return (QStringLiteral(WAVEBENCH_TEST_DATA) + "/jobs/" + name).toStdString();
}

bool sameBits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() &&
           (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

bool sameBits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

class TestJobPoints : public QObject {
    Q_OBJECT

    SessionFixture m_fixture;

    std::string path(const std::string& name) const { return m_fixture.path(name); }

    JobSummary runJob(const std::string& name, const std::string& yaml) {
        QFile file(QString::fromStdString(path(name + ".yaml")));
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(file.fileName()));
        file.write(yaml.c_str());
        file.close();
        auto spec = SimJobSpec::fromFile(path(name + ".yaml"));
        if (!spec)
            qFatal("%s", spec.error().c_str());
        JobRunner runner(m_fixture.session());
        QSignalSpy finished(&runner, &JobRunner::finished);
        QSignalSpy refused(&runner, &JobRunner::refused);
        runner.start(spec.value());
        if (!QTest::qWaitFor([&] { return !finished.isEmpty() || !refused.isEmpty(); }, 180000) ||
            !refused.isEmpty())
            qFatal("job %s did not finish", name.c_str());
        return finished.first().at(0).value<JobSummary>();
    }

    // Every run of the job against its stored netlist run alone (after `quit`, so that the
    // session loads libngspice afresh), into another store.
    void expectEveryPointEqualsItAlone(const JobSummary& job, const std::string& store) {
        QVERIFY(job.allOk());
        QVERIFY(job.runs.size() >= 3);
        for (size_t i = 0; i < job.runs.size(); ++i) {
            const std::string id = job.runs[i].runId;
            READ_RUN(inJob, store, id);
            // The job did reload: only its first point loaded the netlist.
            const bool reloaded = inJob.log.find("Reset re-loads circuit") != std::string::npos;
            QVERIFY2(reloaded == (i > 0), id.c_str());

            const std::string point = path(id + ".cir");
            QFile file(QString::fromStdString(point));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(inJob.netlist.c_str());
            file.close();
            QVERIFY(QTest::qWaitFor([&] {
                return m_fixture.session().cmd("quit").message.find("streaming") ==
                       std::string::npos;
            }));
            RunPlanner::Options options;
            options.designPath = point;
            options.storePath = path("alone.h5");
            options.runId = id + "-alone";
            auto plan = RunPlanner::planFile(options);
            QVERIFY2(plan, plan ? "" : plan.error().c_str());
            auto handle = m_fixture.runToEnd(plan->request);
            QVERIFY(handle->isFinished());
            READ_RUN(alone, path("alone.h5"), options.runId);
            QCOMPARE(alone.summary.status, std::string("ok"));
            QVERIFY(alone.log.find("Reset re-loads circuit") == std::string::npos);
            QVERIFY(sameBits(inJob.coordinate, alone.coordinate));
            QCOMPARE(inJob.vectors.size(), alone.vectors.size());
            for (const auto& expected : alone.vectors) {
                const StoredVector* got = inJob.find(expected.cref);
                QVERIFY2(got, expected.cref.c_str());
                QVERIFY2(sameBits(got->values, expected.values),
                         (id + " " + expected.cref).c_str());
                QVERIFY2(sameBits(got->imag, expected.imag), expected.cref.c_str());
            }
            QCOMPARE(inJob.measurements.size(), alone.measurements.size());
            for (const auto& [name, value] : alone.measurements)
                QVERIFY2(sameBits(inJob.measurements.at(name), value), name.c_str());
        }
    }

private slots:
    void initTestCase() {
        const auto started = m_fixture.start();
        QVERIFY2(started.ok(), started.error().c_str());
    }

    void cleanupTestCase() { m_fixture.stop(); }

    // Monte Carlo: each point's agauss() draw comes from its seed, set with setseed.
    void monteCarloPointsEqualThemselvesAlone() {
        const auto job = runJob("mc", "name: mc\nnetlist: " + jobData("rc_mc.cir") +
                                          "\nmontecarlo: {count: 4, seed: 40}\n");
        expectEveryPointEqualsItAlone(job, path("mc.h5"));
    }

    // A sweep: alterparam on the stored deck, the transient analysis the job gives, and the
    // netlist's measures.
    void sweepPointsEqualThemselvesAlone() {
        const auto job = runJob("sweep", "name: sweep\nnetlist: " + jobData("rc_job.cir") +
                                             "\nanalysis: {type: tran, step: 10n, stop: 10u}\n"
                                             "sweeps:\n  - {param: rval, values: [1k, 1.7k, "
                                             "2.2k]}\n  - {param: cval, values: [1n, 2n]}\n");
        QCOMPARE(job.runs.size(), size_t(6));
        expectEveryPointEqualsItAlone(job, path("sweep.h5"));
    }
};

QTEST_GUILESS_MAIN(TestJobPoints)
#include "tst_job_points.moc"
