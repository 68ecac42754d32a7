// Every run starts clean: design A then design B in one process gives B exactly what B alone
// gives, stored vectors and measurements bit for bit. Real libngspice, real HDF5 files.
#include "core/engine/run_planner.h"
#include "core/netlist/job_netlist.h"
#include "tests/support/session_fixture.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>
#include <cmath>
#include <cstring>
#include <set>

namespace {

const QString kData = QStringLiteral(WAVEBENCH_TEST_DATA);
const QString kExamples = QStringLiteral(WAVEBENCH_EXAMPLES);

std::string data(const char* name) {
    return (kData + "/" + name).toStdString();
}

// Bit for bit: NaN equals NaN, 0.0 differs from -0.0.
bool sameBits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() &&
           (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

bool sameBits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// The lines a design printed with `echo probe: ...` (its view of ngspice's shell state).
std::vector<std::string> probeLines(const std::string& log) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < log.size()) {
        size_t end = log.find('\n', start);
        if (end == std::string::npos)
            end = log.size();
        const std::string line = log.substr(start, end - start);
        if (line.find("probe:") != std::string::npos)
            lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

// A job's point as JobNetlist writes it, in a file of its own: the point run alone.
std::string writePoint(const std::string& folder, const std::string& netlist,
                       const JobNetlist::Point& point, const std::string& name) {
    QFile in(QString::fromStdString(netlist));
    if (!in.open(QIODevice::ReadOnly))
        return {};
    const std::string text = JobNetlist::build(in.readAll().toStdString(), point);
    const std::string path = folder + "/" + name;
    QFile out(QString::fromStdString(path));
    if (!out.open(QIODevice::WriteOnly) ||
        out.write(text.data(), qint64(text.size())) != qint64(text.size()))
        return {};
    return path;
}

bool reloaded(const std::string& log) {
    return log.find("Reset re-loads circuit") != std::string::npos;
}

} // namespace

class TestCleanRuns : public QObject {
    Q_OBJECT

    SessionFixture m_fixture;
    int m_runs = 0;

    std::string store() const { return m_fixture.path("clean.h5"); }

    // Plans a design as the GUI and the CLI do (an ASDL design runs its emitted netlist
    // with its tree's probe map) and runs it to its end; the run id, or "" on failure.
    std::string run(const std::string& design, const char* label) {
        RunPlanner::Options options;
        options.designPath = design;
        options.storePath = store();
        options.runId = std::string(label) + "-" + std::to_string(++m_runs);
        auto plan = RunPlanner::planFile(options);
        if (!plan) {
            qWarning("%s", plan.error().c_str());
            return {};
        }
        auto handle = m_fixture.runToEnd(plan->request);
        if (!handle->isFinished()) {
            qWarning("%s did not finish", options.runId.c_str());
            return {};
        }
        return options.runId;
    }

    // The design run on a library loaded for it alone: `quit` makes the session load
    // libngspice again before the next run, as a new process would. This does not rely on
    // the session starting each run clean, which is what the tests check.
    std::string runAlone(const std::string& design, const char* label) {
        SpiceEngine::Outcome quit;
        // The finished run's handle is released on the session's thread just after
        // finished(); until then cmd() answers that a run is streaming.
        const bool quitted = QTest::qWaitFor([&] {
            quit = m_fixture.session().cmd("quit");
            return quit.message.find("streaming") == std::string::npos;
        });
        if (!quitted || quit.ok)
            qWarning("quit did not make ngspice exit: %s", quit.message.c_str());
        return run(design, label);
    }

    // B after whatever ran before it equals B alone: the same status and message, the same
    // coordinate, crefs and values bit for bit, and the same measurements and reasons.
    static void compareRuns(const std::string& store, const std::string& aloneId,
                            const std::string& afterId) {
        QVERIFY(!aloneId.empty() && !afterId.empty());
        READ_RUN(alone, store, aloneId);
        READ_RUN(after, store, afterId);
        QCOMPARE(after.summary.status, alone.summary.status);
        QCOMPARE(after.summary.message, alone.summary.message);
        QCOMPARE(after.summary.points, alone.summary.points);
        QVERIFY2(sameBits(after.coordinate, alone.coordinate),
                 qPrintable(QString("coordinate: %1 points after, %2 alone")
                                .arg(after.coordinate.size())
                                .arg(alone.coordinate.size())));
        QCOMPARE(after.vectors.size(), alone.vectors.size());
        for (const auto& expected : alone.vectors) {
            const StoredVector* got = after.find(expected.cref);
            QVERIFY2(got, expected.cref.c_str());
            QVERIFY2(sameBits(got->values, expected.values), expected.cref.c_str());
            QVERIFY2(sameBits(got->imag, expected.imag), expected.cref.c_str());
        }
        QCOMPARE(after.measurements.size(), alone.measurements.size());
        for (const auto& [name, value] : alone.measurements) {
            QVERIFY2(after.measurements.count(name), name.c_str());
            QVERIFY2(sameBits(after.measurements.at(name), value),
                     qPrintable(QString("%1: %2 after, %3 alone")
                                    .arg(name.c_str())
                                    .arg(after.measurements.at(name))
                                    .arg(value)));
        }
        QCOMPARE(after.measurementMessages, alone.measurementMessages);
        QCOMPARE(probeLines(after.log), probeLines(alone.log));
    }

    // The points of a job, one after another as JobRunner runs them (from the second on,
    // ngspice reloads its stored deck: CircuitReload), each equal bit for bit to the same
    // point run alone on a library loaded for it.
    void expectPointsEqualAlone(const std::vector<std::string>& points, const char* label) {
        std::vector<std::string> inSequence;
        run(points.front(), "warm-up-other-design"); // whatever ran before the job
        for (const auto& point : points)
            inSequence.push_back(runAlone(point, label));
        // Not alone: each after the one before (the first after a fresh library).
        std::vector<std::string> after;
        for (const auto& point : points)
            after.push_back(run(point, label));
        for (size_t i = 0; i < points.size(); ++i) {
            READ_RUN(alone, store(), inSequence[i]);
            READ_RUN(next, store(), after[i]);
            QVERIFY2(!reloaded(alone.log), inSequence[i].c_str());
            if (i > 0)
                QVERIFY2(reloaded(next.log),
                         qPrintable(QString::fromStdString(after[i] + " was loaded afresh")));
            QCOMPARE(next.summary.status, std::string("ok"));
            compareRuns(store(), inSequence[i], after[i]);
        }
    }

    static void expectMeasured(const std::string& store, const std::string& id) {
        READ_RUN(run, store, id);
        QCOMPARE(run.summary.status, std::string("ok"));
        QVERIFY(!run.measurements.empty());
        for (const auto& [name, value] : run.measurements)
            QVERIFY2(std::isfinite(value),
                     qPrintable(QString::fromStdString(name + ": " +
                                                       (run.measurementMessages.count(name)
                                                            ? run.measurementMessages.at(name)
                                                            : std::string("NaN")))));
    }

private slots:
    void initTestCase() {
        const auto started = m_fixture.start();
        QVERIFY2(started.ok(), started.error().c_str());
    }

    void cleanupTestCase() { m_fixture.stop(); }

    // The reported case: the GUI ran the ASDL OTA example, then rc_mc.cir, whose every
    // .measure was NaN ("out of interval") from then on. A run without measures streams with
    // `save none`, which ngspice 39 latches in a C static that cut every later plot to one
    // point. rc_mc draws agauss() without a seed: a freshly loaded library draws the same
    // values in one process, so even its Monte Carlo resistor compares bit for bit.
    void measuresAfterTheOtaExample() {
        const std::string rcMc = data("jobs/rc_mc.cir");
        const std::string alone = runAlone(rcMc, "rc_mc-alone");
        expectMeasured(store(), alone);
        const std::string ota =
            run((kExamples + "/ota_asdl/tb_ota.asdl").toStdString(), "ota_asdl");
        QVERIFY(!ota.empty());
        const std::string after = run(rcMc, "rc_mc-after-ota");
        expectMeasured(store(), after);
        compareRuns(store(), alone, after);
        // And on every later run, not only the next one.
        const std::string again = run(rcMc, "rc_mc-again");
        compareRuns(store(), alone, again);
    }

    // A run with no measures (save none) before one with them, on the plain SPICE example.
    void measuresAfterARunWithout() {
        const std::string probe = data("clean/probe_state.cir");
        const std::string alone = runAlone(probe, "probe-alone");
        expectMeasured(store(), alone);
        QVERIFY(!run(data("rc_step.cir"), "rc_step").empty());
        compareRuns(store(), alone, run(probe, "probe-after-rc_step"));
    }

    // A leaves options (reltol, interp, temp, method), a .param and a .csparam, and from its
    // .control block shell variables (one that changes how netlists are parsed, a seed, a
    // loop variable), a function and an alias. B prints which of them it sees and measures;
    // a third design after both, the Monte Carlo RC, must not see them either.
    void optionsAndVariablesDoNotLeak() {
        const std::string leaky = data("clean/leaky_state.cir");
        const std::string probe = data("clean/probe_state.cir");
        const std::string rcMc = data("jobs/rc_mc.cir");
        const std::string probeAlone = runAlone(probe, "probe-alone");
        const std::string rcMcAlone = runAlone(rcMc, "rc_mc-alone");
        const std::string leakyAlone = runAlone(leaky, "leaky-alone");
        {
            READ_RUN(probeRun, store(), probeAlone);
            QCOMPARE(probeLines(probeRun.log).size(), size_t(1));
            QVERIFY2(probeLines(probeRun.log)
                             .front()
                             .find("myvar=0 rv=0 cspar=0 interp=0 ngbehavior=0") !=
                         std::string::npos,
                     probeLines(probeRun.log).front().c_str());
        }
        QVERIFY(!run(leaky, "leaky").empty());
        const std::string probeAfter = run(probe, "probe-after-leaky");
        compareRuns(store(), probeAlone, probeAfter);
        compareRuns(store(), rcMcAlone, run(rcMc, "rc_mc-after-leaky-probe"));
        // The other order: what B and C leave does not reach A either.
        compareRuns(store(), leakyAlone, run(leaky, "leaky-after-probe-rc_mc"));
    }

    // Monte Carlo points (`setseed` + `reset` on the stored deck) and parameter points
    // (`alterparam` + `reset`) equal the point alone, values and measures bit for bit.
    void jobPointsReloadedEqualThePointAlone() {
        const std::string folder = m_fixture.folder().toStdString();
        std::vector<std::string> seeds, sweep;
        for (long long seed : {11, 12, 13, 12}) {
            JobNetlist::Point point;
            point.label = "seed " + std::to_string(seed);
            point.seed = seed;
            seeds.push_back(writePoint(folder, data("jobs/rc_mc.cir"), point,
                                       "mc_" + std::to_string(seeds.size()) + ".cir"));
            QVERIFY(!seeds.back().empty());
        }
        for (const char* rval : {"1k", "2.2k", "1.5k"}) {
            JobNetlist::Point point;
            point.label = std::string("rval ") + rval;
            point.seed = 7;
            point.parameters = {{"rval", rval}, {"cval", "1n"}};
            sweep.push_back(writePoint(folder, data("jobs/rc_job.cir"), point,
                                       "sweep_" + std::to_string(sweep.size()) + ".cir"));
            QVERIFY(!sweep.back().empty());
        }
        expectPointsEqualAlone(seeds, "mc-point");
        expectPointsEqualAlone(sweep, "sweep-point");
    }

    // The same for the GF180MCU OTA with mismatch on: every transistor's draws come from
    // the PDK's agauss() calls, which the seed sets.
    void gf180MonteCarloReloadedEqualsAlone() {
        const QString pdk = QFileInfo(QStringLiteral(WAVEBENCH_SHARED_ASDL) +
                                      "/ASDL/examples/pdks/gf180mcu/ngspice")
                                .absoluteFilePath();
        if (!QFileInfo::exists(pdk + "/sm141064.ngspice"))
            QSKIP(qPrintable("the GF180MCU PDK is not in " + pdk + " (../shared is absent)"));
        const std::string folder = m_fixture.folder().toStdString();
        const std::string tb = folder + "/ota_mc.spice";
        {
            QFile out(QString::fromStdString(tb));
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(("* 5-transistor OTA, GF180MCU, open-loop AC, mismatch on\n"
                       ".include " +
                       pdk + "/design.ngspice\n" + ".lib " + pdk + "/sm141064.ngspice typical\n" +
                       ".param sw_stat_mismatch=1\n"
                       ".subckt ota_nmos inp inn out vbn vdd vss\n"
                       "xmp_ref d d vdd vdd pfet_03v3 l=0.5u w=30u nf=6 m=3\n"
                       "xmp_cs out d vdd vdd pfet_03v3 l=0.5u w=30u nf=6 m=3\n"
                       "xmn_in_p d inp tail vss nfet_03v3 l=0.5u w=30u nf=6\n"
                       "xmn_in_n out inn tail vss nfet_03v3 l=0.5u w=30u nf=6\n"
                       "xmn_tail tail vbn vss vss nfet_03v3 l=0.5u w=30u nf=6 m=2\n"
                       "xmn_diode vbn vbn vss vss nfet_03v3 l=0.5u w=30u nf=6\n"
                       ".ends ota_nmos\n"
                       "xota inp 0 out vbn vdd 0 ota_nmos\n"
                       "vdd vdd 0 3.3\nvinp inp 0 dc 1.5 ac 1\niref vdd vbn 100u\n"
                       "cl out 0 1p\n.ac dec 10 1 1g\n.end\n")
                          .toUtf8());
        }
        std::vector<std::string> points;
        for (long long seed : {1, 2, 3}) {
            JobNetlist::Point point;
            point.label = "seed " + std::to_string(seed);
            point.seed = seed;
            points.push_back(
                writePoint(folder, tb, point, "ota_" + std::to_string(seed) + ".spice"));
        }
        expectPointsEqualAlone(points, "ota-mc");
        // The seeds drew different transistors: the points are not all one run.
        READ_RUN(first, store(), "ota-mc-" + std::to_string(m_runs - 2));
        READ_RUN(second, store(), "ota-mc-" + std::to_string(m_runs - 1));
        const StoredVector* out1 = first.find("top.nodes.out.v");
        const StoredVector* out2 = second.find("top.nodes.out.v");
        QVERIFY(out1 && out2);
        QVERIFY(!sameBits(out1->values, out2->values));
    }

    // ngspice's stored deck holds the included files as they were read: a file changed
    // since (even to the same size, with an old time) means a new load, not a reload.
    void anIncludedFileThatChangedIsReadAgain() {
        const QString folder = m_fixture.folder();
        const QString inc = folder + "/divider.inc";
        const std::string top = (folder + "/divider.cir").toStdString();
        auto writeFile = [](const QString& path, const QByteArray& text, int minutesAgo) {
            QFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() ||
                !file.flush()) // before the time is set, which a later flush would undo
                return false;
            return minutesAgo == 0 ||
                   file.setFileTime(QDateTime::currentDateTime().addSecs(-60 * minutesAgo),
                                    QFileDevice::FileModificationTime);
        };
        QVERIFY(writeFile(inc, "r1 in out 1k\nr2 out 0 1k\n", 60));
        QVERIFY(writeFile(
            QString::fromStdString(top),
            ("* divider\n.options seed=3\n.include " + inc + "\nv1 in 0 1\n.op\n.end\n").toUtf8(),
            0));
        const std::string first = runAlone(top, "divider");
        const std::string again = run(top, "divider-again");
        QVERIFY(writeFile(inc, "r1 in out 1k\nr2 out 0 3k\n", 30));
        const std::string changed = run(top, "divider-changed");
        READ_RUN(a, store(), first);
        READ_RUN(b, store(), again);
        READ_RUN(c, store(), changed);
        QVERIFY(!reloaded(a.log));
        QVERIFY2(reloaded(b.log), "an unchanged include was loaded afresh");
        QVERIFY2(!reloaded(c.log), "a changed include was reloaded from the stored deck");
        compareRuns(store(), first, again);
        const StoredVector* before = a.find("top.nodes.out.v");
        const StoredVector* after = c.find("top.nodes.out.v");
        QVERIFY(before && after && before->values.size() == 1 && after->values.size() == 1);
        QCOMPARE(before->values[0], 0.5);
        QCOMPARE(after->values[0], 0.75);
    }

    // A failed run, a controlled exit (a formula that names no parameter), does not change
    // the next run either.
    void aRunAfterAControlledExit() {
        const std::string probe = data("clean/probe_state.cir");
        const std::string alone = runAlone(probe, "probe-alone");
        const std::string failed = run(data("clean/unknown_param.cir"), "unknown_param");
        {
            READ_RUN(failedRun, store(), failed);
            QCOMPARE(failedRun.summary.status, std::string("failed"));
        }
        compareRuns(store(), alone, run(probe, "probe-after-exit"));
    }
};

QTEST_GUILESS_MAIN(TestCleanRuns)
#include "tst_clean_runs.moc"
