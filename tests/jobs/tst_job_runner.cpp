// Jobs end to end: real libngspice runs of sweeps, corners and Monte Carlo seeds, each into
// its own run group of a real HDF5 store, with the .measure results read back.
#include "core/base/spice_number.h"
#include "core/engine/engine_client.h"
#include "core/engine/run_handle.h"
#include "core/jobs/job_runner.h"
#include "tests/support/session_fixture.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <cmath>
#include <set>

namespace {

const QString kData = QStringLiteral(WAVEBENCH_TEST_DATA);

std::string jobData(const char* name) {
    return (kData + "/jobs/" + name).toStdString();
}

bool contains(const std::string& haystack, const std::string& needle) {
    return QString::fromStdString(haystack).contains(QString::fromStdString(needle),
                                                     Qt::CaseInsensitive);
}

// |value - expected| within `fraction` of |expected|.
bool near(double value, double expected, double fraction) {
    return std::abs(value - expected) <= fraction * std::abs(expected);
}

} // namespace

class TestJobRunner : public QObject {
    Q_OBJECT

    SessionFixture m_fixture;
    SimSession* m_session = nullptr;

    std::string path(const std::string& name) const { return m_fixture.path(name); }

    // Writes <tmp>/<name>.yaml; a relative store lands beside it in the temporary directory.
    SimJobSpec spec(const std::string& name, const std::string& yaml) {
        QFile file(QString::fromStdString(path(name + ".yaml")));
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(file.fileName()));
        file.write(yaml.c_str());
        file.close();
        auto parsed = SimJobSpec::fromFile(path(name + ".yaml"));
        if (!parsed)
            qFatal("%s", parsed.error().c_str());
        return parsed.value();
    }

    JobSummary run(JobRunner& queue, const SimJobSpec& job) {
        QSignalSpy finished(&queue, &JobRunner::finished);
        QSignalSpy refused(&queue, &JobRunner::refused);
        queue.start(job);
        const bool answered =
            QTest::qWaitFor([&] { return !finished.isEmpty() || !refused.isEmpty(); }, 180000);
        if (!refused.isEmpty())
            qFatal("%s", qPrintable(refused.first().at(0).toString()));
        if (!answered || finished.isEmpty())
            qFatal("job %s did not finish", job.name().c_str());
        return finished.first().at(0).value<JobSummary>();
    }

private slots:
    void initTestCase() {
        const auto started = m_fixture.start();
        QVERIFY2(started.ok(), started.error().c_str());
        m_session = &m_fixture.session();
    }

    void cleanupTestCase() { m_fixture.stop(); }

    // 3 resistances x 2 corners (the capacitance comes from the corner's .lib section).
    void sweepTimesCornersGivesSixRuns() {
        const auto job = spec("corners", "name: corners\nnetlist: " + jobData("rc_job.cir") +
                                             "\nsweeps:\n  - {param: rval, values: [1k, 2k, "
                                             "4k]}\ncorners:\n  - {name: tt, lib: [{file: " +
                                             jobData("rc_corners.lib") +
                                             ", section: tt}]}\n  - {name: ss, lib: [{file: " +
                                             jobData("rc_corners.lib") + ", section: ss}]}\n");
        JobRunner queue(*m_session);
        QSignalSpy progress(&queue, &JobRunner::progress);
        QSignalSpy finishedRuns(&queue, &JobRunner::runFinished);
        const auto summary = run(queue, job);
        QCOMPARE(summary.runs.size(), size_t(6));
        QVERIFY(summary.allOk());
        QVERIFY(!summary.stopped);
        QCOMPARE(progress.size(), 6);
        QCOMPARE(finishedRuns.size(), 6);

        const std::string store = path("corners.h5");
        QCOMPARE(summary.storePath, store);
        QCOMPARE(ResultStore::listRuns(store)->size(), size_t(6));
        std::set<std::string> ids;
        int index = 0;
        for (const char* corner : {"tt", "ss"}) {
            const double c = std::string(corner) == "tt" ? 1e-9 : 1.2e-9;
            int point = 0;
            for (double r : {1e3, 2e3, 4e3}) {
                const SimRun& simRun = summary.runs[static_cast<size_t>(index)];
                QCOMPARE(progress[index].at(0).toInt(), index);
                QCOMPARE(progress[index].at(1).toInt(), 6);
                QCOMPARE(progress[index].at(2).toString().toStdString(), simRun.runId);
                QCOMPARE(finishedRuns[index].at(0).value<SimRun>().runId, simRun.runId);
                QCOMPARE(toString(simRun.status), std::string("ok"));
                const std::string prefix =
                    std::string("tran-") + corner + "-snone-p00" + std::to_string(point) + "-";
                QVERIFY2(simRun.runId.rfind(prefix, 0) == 0, simRun.runId.c_str());
                ids.insert(simRun.runId);

                READ_RUN(data, store, simRun.runId);
                QCOMPARE(data.summary.status, std::string("ok"));
                QVERIFY(data.summary.success);
                QCOMPARE(data.summary.analysis, std::string("tran"));
                QCOMPARE(data.corner, std::string(corner));
                QCOMPARE(data.sweep, "{\"rval\": " + std::to_string(static_cast<int>(r)) + "}");
                QCOMPARE(data.sweepIndex, static_cast<long long>(point));
                QCOMPARE(data.job, std::string("corners"));
                QCOMPARE(data.seed, -1LL);
                QCOMPARE(simRun.runId.substr(simRun.runId.size() - 8),
                         data.netlistSha256.substr(0, 8));
                QVERIFY(contains(data.netlist,
                                 std::string(".lib ") + jobData("rc_corners.lib") + " " + corner));
                QVERIFY(
                    contains(data.netlist, ".param rval=" + std::to_string(static_cast<int>(r))));

                // The corner's capacitance and the swept resistance reached ngspice.
                const double rc = r * c;
                const double tdelay = data.measurements.at("tdelay");
                const double vfinal = data.measurements.at("vfinal");
                QVERIFY2(near(tdelay, rc * std::log(2.0), 0.01),
                         qPrintable(QString("%1: tdelay %2").arg(index).arg(tdelay)));
                QVERIFY2(near(vfinal, 1 - std::exp(-(9e-6 - 0.5e-9) / rc), 0.01),
                         qPrintable(QString("%1: vfinal %2").arg(index).arg(vfinal)));
                QCOMPARE(simRun.measurements.at("tdelay"), tdelay);
                QCOMPARE(simRun.measurements.at("vfinal"), vfinal);
                ++index;
                ++point;
            }
        }
        QCOMPARE(ids.size(), size_t(6));
    }

    void measuresLandInTheStore() {
        const auto job = spec("measures", "name: measures\nnetlist: " + jobData("rc_job.cir") +
                                              "\nanalysis: {type: tran, step: 10n, stop: 10u}\n"
                                              "parameters: {rval: 1.5k}\n");
        JobRunner queue(*m_session);
        const auto summary = run(queue, job);
        QCOMPARE(summary.runs.size(), size_t(1));
        QVERIFY(summary.allOk());
        READ_RUN(data, path("measures.h5"), summary.runs.front().runId);
        const double rc = 1.5e3 * 1e-9;
        // v1 ramps 0 -> 1 V in 1 ns: v(out) = 1 - exp(-(t - 0.5 ns)/RC); v(in) crosses 0.5 V
        // at 0.5 ns and v(out) at 0.5 ns + RC ln 2.
        const double vfinal = data.measurements.at("vfinal");
        const double tdelay = data.measurements.at("tdelay");
        QVERIFY2(near(vfinal, 1 - std::exp(-(9e-6 - 0.5e-9) / rc), 0.01),
                 qPrintable(QString::number(vfinal)));
        QVERIFY2(near(tdelay, rc * std::log(2.0), 0.01), qPrintable(QString::number(tdelay)));
        QVERIFY(data.measurementMessages.count("vfinal") == 0);
        // A measure outside the simulated time fails: NaN, with ngspice's reason.
        QVERIFY(std::isnan(data.measurements.at("vlate")));
        QVERIFY2(contains(data.measurementMessages.at("vlate"), "out of interval"),
                 data.measurementMessages.at("vlate").c_str());
        QVERIFY(contains(data.measurementMessages.at("vlate"), "vlate find v(out) at=20u"));
        QVERIFY(std::isnan(summary.runs.front().measurements.at("vlate")));

        // Keeping the plot for the measures does not change what is streamed.
        const auto* out = data.find("top.nodes.out.v");
        QVERIFY(out);
        QCOMPARE(out->values.size(), data.coordinate.size());
        QVERIFY(near(out->values.back(), 1 - std::exp(-(10e-6 - 0.5e-9) / rc), 0.001));
        QVERIFY(contains(data.netlist, "* [wavebench job] .tran 10n 10u"));

        const auto csv = summary.measurementsCsv();
        QVERIFY2(contains(csv, "index,run_id,analysis,corner,seed,status,tdelay,vfinal,vlate\n"),
                 csv.c_str());
        QVERIFY(contains(csv, ",ok," + spice_number::format(tdelay) + "," +
                                  spice_number::format(vfinal) + ",nan\n"));
    }

    void monteCarloRepeatsForASeedAndVariesAcrossSeeds() {
        auto mc = [&](const std::string& name, int seed) {
            return spec(name, "name: mc\nnetlist: " + jobData("rc_mc.cir") +
                                  "\nmontecarlo: {count: 4, seed: " + std::to_string(seed) + "}\n");
        };
        JobRunner queue(*m_session);
        const auto a = run(queue, mc("mc_a", 100));
        const auto b = run(queue, mc("mc_b", 100));
        const auto c = run(queue, mc("mc_c", 200));
        QCOMPARE(a.runs.size(), size_t(4));
        QVERIFY(a.allOk() && b.allOk() && c.allOk());
        std::set<double> drawn;
        for (size_t k = 0; k < 4; ++k) {
            const auto& ra = a.runs[k];
            QCOMPARE(ra.seed, static_cast<long long>(100 + k));
            QVERIFY2(contains(ra.runId, "-s" + std::to_string(100 + k) + "-p000-"),
                     ra.runId.c_str());
            READ_RUN(stored, path("mc_a.h5"), ra.runId);
            QCOMPARE(stored.seed, static_cast<long long>(100 + k));
            QCOMPARE(stored.measurements.at("rmeas"), ra.measurements.at("rmeas"));
            // The same seed draws the same resistor, bit for bit ...
            QCOMPARE(b.runs[k].runId, ra.runId);
            QCOMPARE(b.runs[k].measurements.at("rmeas"), ra.measurements.at("rmeas"));
            QCOMPARE(b.runs[k].measurements.at("vfinal"), ra.measurements.at("vfinal"));
            // ... and another seed another one.
            QVERIFY(c.runs[k].measurements.at("rmeas") != ra.measurements.at("rmeas"));
            const double r = ra.measurements.at("rmeas");
            drawn.insert(r);
            QVERIFY2(r > 500 && r < 1500, qPrintable(QString::number(r))); // 1 k +- 5 sigma
            QVERIFY2(r != 1000, "agauss() did not vary");
            // The drawn resistor is the one ngspice simulated.
            const double vfinal = ra.measurements.at("vfinal");
            QVERIFY2(near(vfinal, 1 - std::exp(-(1e-6 - 0.5e-9) / (r * 1e-9)), 0.01),
                     qPrintable(QString("R %1, vfinal %2").arg(r).arg(vfinal)));
        }
        QCOMPARE(drawn.size(), size_t(4)); // every run of a job draws anew
    }

    void failingPointIsRecordedAndTheJobGoesOn() {
        // kick = 1 makes b1 run away: "Timestep too small".
        const auto job = spec("failing", "name: failing\nnetlist: " + jobData("rc_job.cir") +
                                             "\nsweeps:\n  - {param: rval, values: [1k, 2k]}\n"
                                             "  - {param: kick, values: [0, 1]}\n");
        JobRunner queue(*m_session);
        const auto summary = run(queue, job);
        QCOMPARE(summary.runs.size(), size_t(4));
        QCOMPARE(summary.count(RunStatus::Ok), 2);
        QCOMPARE(summary.count(RunStatus::Failed), 2);
        for (const auto& simRun : summary.runs) {
            const bool kicked = simRun.sweep.at(1).second == 1;
            READ_RUN(data, path("failing.h5"), simRun.runId);
            if (kicked) {
                QCOMPARE(toString(simRun.status), std::string("failed"));
                QVERIFY2(contains(simRun.message, "timestep too small"), simRun.message.c_str());
                QCOMPARE(data.summary.status, std::string("failed"));
                QVERIFY(!data.summary.success);
                QVERIFY(std::isnan(simRun.measurements.at("vfinal")));
            } else {
                QCOMPARE(toString(simRun.status), std::string("ok"));
                QCOMPARE(data.summary.status, std::string("ok"));
                const double rc = simRun.sweep.at(0).second * 1e-9;
                QVERIFY(near(simRun.measurements.at("tdelay"), rc * std::log(2.0), 0.01));
            }
        }
    }

    void stopInterruptsTheCurrentRunAndSkipsTheRest() {
        const auto job = spec("stop", "name: stop\nnetlist: " + jobData("ring_job.cir") +
                                          "\nsweeps:\n  - {param: vddval, values: [1.8, 1.7, "
                                          "1.6]}\n");
        JobRunner queue(*m_session);
        QSignalSpy finished(&queue, &JobRunner::finished);
        QSignalSpy finishedRuns(&queue, &JobRunner::runFinished);
        QSignalSpy accepted(&queue, &JobRunner::accepted);
        QSignalSpy refused(&queue, &JobRunner::refused);
        queue.start(job);
        QVERIFY(accepted.wait(30000));
        QVERIFY(refused.isEmpty());
        QCOMPARE(accepted.first().at(0).toInt(), 3);
        QCOMPARE(queue.runs().size(), size_t(3));
        QVERIFY(queue.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(queue.currentRun() && queue.currentRun()->points() > 1000, 30000);
        queue.stop();
        QVERIFY(finished.wait(30000));
        const auto summary = finished.first().at(0).value<JobSummary>();
        QVERIFY(!queue.isRunning());
        QVERIFY(summary.stopped);
        QCOMPARE(finishedRuns.size(), 3);
        QCOMPARE(summary.runs.size(), size_t(3));
        QCOMPARE(toString(summary.runs[0].status), std::string("interrupted"));
        QVERIFY(!summary.runs[0].skipped);
        QCOMPARE(summary.skipped(), 2);

        const std::string store = path("stop.h5");
        READ_RUN(first, store, summary.runs[0].runId);
        QCOMPARE(first.summary.status, std::string("interrupted"));
        QVERIFY(first.coordinate.size() > 1000); // partial data kept
        QVERIFY(first.coordinate.back() < 1e-6); // ... and it did stop early
        for (size_t i = 1; i < 3; ++i) {
            const auto& skipped = summary.runs[i];
            QVERIFY(skipped.skipped);
            QCOMPARE(toString(skipped.status), std::string("interrupted"));
            QCOMPARE(skipped.message, std::string("skipped: job stopped"));
            READ_RUN(data, store, skipped.runId);
            QCOMPARE(data.summary.status, std::string("interrupted"));
            QCOMPARE(data.summary.message, std::string("skipped: job stopped"));
            QCOMPARE(data.summary.points, 0LL);
            QCOMPARE(data.summary.analysis, std::string("tran"));
            QCOMPARE(data.sweepIndex, static_cast<long long>(i));
            QCOMPARE(data.job, std::string("stop"));
            QVERIFY(contains(data.netlist, i == 1 ? ".param vddval=1.7" : ".param vddval=1.6"));
            QCOMPARE(skipped.runId.substr(skipped.runId.size() - 8),
                     data.netlistSha256.substr(0, 8));
        }
        QCOMPARE(ResultStore::listRuns(store)->size(), size_t(3));

        // The engine takes the next job at once.
        const auto next =
            run(queue, spec("after_stop", "netlist: " + jobData("rc_job.cir") + "\n"));
        QVERIFY(next.allOk());
    }

    void jobIsRefusedBeforeAnythingRuns() {
        JobRunner queue(*m_session);
        QSignalSpy refused(&queue, &JobRunner::refused);
        QSignalSpy accepted(&queue, &JobRunner::accepted);
        QSignalSpy progress(&queue, &JobRunner::progress);
        QSignalSpy finished(&queue, &JobRunner::finished);
        // The same points of the same netlist are already in the store: runs are never
        // overwritten, so the job is refused whole instead of failing run by run.
        queue.start(spec("measures", "name: measures\nnetlist: " + jobData("rc_job.cir") +
                                         "\nanalysis: {type: tran, step: 10n, "
                                         "stop: 10u}\nparameters: {rval: 1.5k}\n"));
        QVERIFY(refused.isEmpty()); // the store is read on a pool thread, not in start()
        QVERIFY(refused.wait(30000));
        const std::string again = refused.first().at(0).toString().toStdString();
        QVERIFY2(contains(again, "already holds run \"tran-nom-snone-p000-"), again.c_str());
        QVERIFY(!queue.isRunning());

        QFile notHdf5(QString::fromStdString(path("not_hdf5.h5")));
        QVERIFY(notHdf5.open(QIODevice::WriteOnly));
        notHdf5.write("not HDF5\n");
        notHdf5.close();
        queue.start(
            spec("bad_store", "netlist: " + jobData("rc_job.cir") + "\nstore: not_hdf5.h5\n"));
        QVERIFY(refused.wait(30000));
        const std::string bad = refused.at(1).at(0).toString().toStdString();
        QVERIFY2(contains(bad, path("not_hdf5.h5")), bad.c_str());
        QVERIFY(!queue.isRunning());
        // Nothing ran: no run was announced or finished, no job was accepted.
        QTest::qWait(0);
        QCOMPARE(accepted.size(), 0);
        QCOMPARE(progress.size(), 0);
        QCOMPARE(finished.size(), 0);
    }

    // A shard or a resume runs some points of a job: with the job's own ids, in the order
    // given; a point the job does not have is refused before anything runs.
    void selectedPointsRunWithTheJobsIds() {
        const auto job = spec("some", "name: some\nnetlist: " + jobData("rc_job.cir") +
                                          "\nsweeps:\n  - {param: rval, values: [1k, 2k, 3k, "
                                          "4k]}\n");
        const auto all = job.expand();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), size_t(4));
        JobRunner queue(*m_session);
        JobRunner::Options options;
        options.points = {3, 1};
        QSignalSpy finished(&queue, &JobRunner::finished);
        queue.start(job, options);
        QVERIFY(finished.wait(60000));
        const auto summary = finished.first().at(0).value<JobSummary>();
        QCOMPARE(summary.runs.size(), size_t(2));
        QCOMPARE(summary.runs[0].runId, all.value()[3].runId);
        QCOMPARE(summary.runs[1].runId, all.value()[1].runId);
        QCOMPARE(summary.runs[0].index, 3);
        QVERIFY(summary.allOk());
        const auto stored = ResultStore::runIds(path("some.h5"));
        QVERIFY(stored.ok());
        QCOMPARE(std::set<std::string>(stored->begin(), stored->end()),
                 (std::set<std::string>{all.value()[1].runId, all.value()[3].runId}));

        QSignalSpy refused(&queue, &JobRunner::refused);
        options.points = {0, 7};
        queue.start(spec("some_more", "name: some\nnetlist: " + jobData("rc_job.cir") +
                                          "\nsweeps:\n  - {param: rval, values: [1k, 2k, 3k, "
                                          "4k]}\n"),
                    options);
        QVERIFY(refused.wait(30000));
        const std::string why = refused.first().at(0).toString().toStdString();
        QVERIFY2(contains(why, "point 7 is not in job some, which has 4 points"), why.c_str());
        QVERIFY(!QFile::exists(QString::fromStdString(path("some_more.h5"))));
    }

    // Two engine processes run a Monte Carlo job as one session does: the same runs, with
    // the same values, whichever engine ran which point.
    void twoEnginesGiveTheRunsOfOne() {
        auto primary = EngineClient::create();
        QVERIFY2(primary.ok(), primary.ok() ? "" : primary.error().c_str());
        JobRunner::SessionFactory more = []() -> Result<std::unique_ptr<RunSession>> {
            auto engine = EngineClient::create();
            if (!engine)
                return Result<std::unique_ptr<RunSession>>::failure(engine.error());
            return std::unique_ptr<RunSession>(std::move(engine.value()));
        };
        const std::string body =
            "netlist: " + jobData("rc_mc.cir") + "\nmontecarlo: {count: 5, seed: 40}\n";
        JobRunner queue(*primary.value(), more);
        QVERIFY(queue.canAddWorkers());
        JobRunner::Options two;
        two.workers = 2;
        QSignalSpy finished(&queue, &JobRunner::finished);
        QSignalSpy progress(&queue, &JobRunner::progress);
        queue.start(spec("engines2", "name: engines\nstore: engines2.h5\n" + body), two);
        QVERIFY(finished.wait(120000));
        QCOMPARE(queue.workerCount(), 2);
        QCOMPARE(progress.size(), 5);
        const auto parallel = finished.first().at(0).value<JobSummary>();
        QVERIFY(parallel.allOk());

        JobRunner alone(m_fixture.session()); // in this process, one at a time
        QSignalSpy aloneFinished(&alone, &JobRunner::finished);
        alone.start(spec("engines1", "name: engines\nstore: engines1.h5\n" + body));
        QVERIFY(aloneFinished.wait(120000));
        const auto serial = aloneFinished.first().at(0).value<JobSummary>();
        QCOMPARE(serial.runs.size(), parallel.runs.size());
        for (size_t i = 0; i < serial.runs.size(); ++i) {
            QCOMPARE(parallel.runs[i].runId, serial.runs[i].runId);
            QCOMPARE(parallel.runs[i].measurements, serial.runs[i].measurements);
            READ_RUN(a, path("engines2.h5"), parallel.runs[i].runId);
            READ_RUN(b, path("engines1.h5"), serial.runs[i].runId);
            QCOMPARE(a.coordinate, b.coordinate);
            QCOMPARE(a.vectors.size(), b.vectors.size());
            for (size_t v = 0; v < a.vectors.size(); ++v) {
                QCOMPARE(a.vectors[v].cref, b.vectors[v].cref);
                QVERIFY(a.vectors[v].values == b.vectors[v].values); // bit for bit
            }
        }
    }

    void secondStartIsRefusedAndAStopWhilePreparingSkipsEveryPoint() {
        const auto job = spec("prep_stop", "name: prep_stop\nnetlist: " + jobData("rc_job.cir") +
                                               "\nsweeps:\n  - {param: rval, values: [1k, 2k]}\n");
        JobRunner queue(*m_session);
        QSignalSpy refused(&queue, &JobRunner::refused);
        QSignalSpy accepted(&queue, &JobRunner::accepted);
        QSignalSpy progress(&queue, &JobRunner::progress);
        QSignalSpy finished(&queue, &JobRunner::finished);
        queue.start(job);
        // start() returned before the spec was expanded: that happens on a pool thread.
        QVERIFY(queue.isRunning());
        QVERIFY(queue.runs().empty());
        QCOMPARE(accepted.size(), 0);
        queue.start(job);
        queue.stop();
        QVERIFY(finished.wait(60000));
        QCOMPARE(refused.size(), 1);
        QVERIFY(refused.first().at(0).toString().contains("already running (prep_stop)"));
        QCOMPARE(accepted.size(), 1);
        QCOMPARE(progress.size(), 0); // stopped before its first run: nothing ran
        const auto summary = finished.first().at(0).value<JobSummary>();
        QVERIFY(summary.stopped);
        QCOMPARE(summary.runs.size(), size_t(2));
        QCOMPARE(summary.skipped(), 2);
        for (const auto& skipped : summary.runs) {
            READ_RUN(data, path("prep_stop.h5"), skipped.runId);
            QCOMPARE(data.summary.status, std::string("interrupted"));
            QCOMPARE(data.summary.message, std::string("skipped: job stopped"));
            QVERIFY(data.ngspiceVersion.rfind("ngspice-", 0) == 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_job_runner.moc"
