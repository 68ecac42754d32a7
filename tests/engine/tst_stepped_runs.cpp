// Sweeps ngspice loops over inside one run (.control loops, .dc with two sources): one run
// group with a step_index dimension, read back from real HDF5 files.
#include "tests/support/session_fixture.h"

#include <QTest>
#include <cmath>
#include <hdf5.h>
#include <set>

namespace {
const QString kData = QStringLiteral(WAVEBENCH_TEST_DATA) + "/stepped/";

// y at x, linearly interpolated over [begin, end) of a stepped run's concatenation.
double valueAt(const std::vector<double>& xs, const std::vector<double>& ys, size_t begin,
               size_t end, double x) {
    for (size_t i = begin + 1; i < end; ++i)
        if (xs[i] >= x)
            return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
    return std::nan("");
}

std::vector<hsize_t> dims(const std::string& path, const std::string& dataset) {
    hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t set = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
    hid_t space = H5Dget_space(set);
    std::vector<hsize_t> out(static_cast<size_t>(std::max(0, H5Sget_simple_extent_ndims(space))));
    H5Sget_simple_extent_dims(space, out.data(), nullptr);
    H5Sclose(space);
    H5Dclose(set);
    H5Fclose(file);
    return out;
}
} // namespace

class TestSteppedRuns : public QObject {
    Q_OBJECT

    SessionFixture m_fixture;

    std::string store() const { return m_fixture.path("stepped.h5"); }

    std::shared_ptr<RunHandle> submit(const char* netlist, const char* id,
                                      std::vector<SampleBlockPtr>* blocks = nullptr) {
        const auto request = SessionFixture::request((kData + netlist).toStdString(), store(), id);
        return m_fixture.submit(request, [blocks](RunHandle& run) {
            if (blocks)
                QObject::connect(
                    &run, &RunHandle::batchReady, &run,
                    [blocks](const SampleBlockPtr& b) { blocks->push_back(b); },
                    Qt::DirectConnection);
        });
    }

private slots:
    void initTestCase() {
        const auto started = m_fixture.start();
        QVERIFY2(started.ok(), started.error().c_str());
    }
    void cleanupTestCase() { m_fixture.stop(); }

    void controlLoopIsOneRunWithSteps() {
        std::vector<SampleBlockPtr> blocks;
        auto handle = submit("rc_loop.cir", "loop", &blocks);
        QVERIFY(handle->waitForFinished(60000));
        QCOMPARE(toString(handle->status()), toString(RunStatus::Ok));
        QCOMPARE(handle->runIds(), QStringList{"loop"}); // not split into runs

        QCOMPARE(dims(store(), "runs/loop/step_index"), std::vector<hsize_t>{3});
        const auto shape = dims(store(), "runs/loop/top.nodes.out.v");
        QCOMPARE(shape.size(), size_t(2));
        QCOMPARE(shape[0], hsize_t(3));
        QCOMPARE(dims(store(), "runs/loop/time"), shape); // each step has its own time axis

        READ_RUN(run, store(), "loop");
        QCOMPARE(run.stepStarts.size(), size_t(3));
        QCOMPARE(run.stepSource, std::string("rv"));
        QCOMPARE(run.stepValues, (std::vector<double>{1e3, 2e3, 4e3}));
        const auto* out = run.find("top.nodes.out.v");
        QVERIFY(out);
        QCOMPARE(out->values.size(), run.coordinate.size());
        for (size_t k = 0; k < 3; ++k) {
            const size_t begin = run.stepStarts[k];
            const size_t end = k + 1 < 3 ? run.stepStarts[k + 1] : run.coordinate.size();
            QVERIFY(end - begin > 10);
            QCOMPARE(run.coordinate[begin], 0.0); // every step starts its own time axis
            // One time constant into the step the output is at 1 - 1/e, for that step's R.
            const double tau = run.stepValues[k] * 1e-6;
            const double v = valueAt(run.coordinate, out->values, begin, end, tau);
            QVERIFY2(std::abs(v - (1 - std::exp(-1.0))) < 0.005,
                     qPrintable(QString("step %1: v(out) at tau = %2").arg(k).arg(v)));
        }
        // Live blocks say which step they belong to; rows restart with each step.
        std::set<long long> steps;
        long long expectedRow = 0, step = 0;
        for (const auto& b : blocks) {
            if (b->step != step) {
                QCOMPARE(b->step, step + 1);
                step = b->step;
                expectedRow = 0;
            }
            QCOMPARE(b->firstRow, expectedRow);
            expectedRow += static_cast<long long>(b->coordinateValues.size());
            steps.insert(b->step);
        }
        QCOMPARE(steps, (std::set<long long>{0, 1, 2}));
        QVERIFY(handle->message().isEmpty() || !handle->message().contains("plot"));
        QVERIFY(QString::fromStdString(run.log).contains("\"plot\" not run"));
    }

    void dcWithTwoSourcesStepsTheOuterOne() {
        auto handle = submit("nmos_dc2.cir", "dc2");
        QVERIFY(handle->waitForFinished(30000));
        QCOMPARE(toString(handle->status()), toString(RunStatus::Ok));
        QCOMPARE(dims(store(), "runs/dc2/top.nodes.d.v"), (std::vector<hsize_t>{4, 37}));
        QCOMPARE(dims(store(), "runs/dc2/vd"), std::vector<hsize_t>{37}); // shared by all steps
        READ_RUN(run, store(), "dc2");
        QCOMPARE(run.summary.coordinate, std::string("vd"));
        QCOMPARE(run.stepSource, std::string("vg"));
        QCOMPARE(run.stepValues.size(), size_t(4));
        const auto* gate = run.find("top.nodes.g.v");
        const auto* drain = run.find("top.vd.i");
        QVERIFY(gate && drain);
        for (size_t k = 0; k < 4; ++k) {
            const size_t begin = run.stepStarts[k];
            QCOMPARE(run.coordinate[begin], 0.0);
            QVERIFY(std::abs(run.coordinate[begin + 36] - 1.8) < 1e-9);
            // The gate sits at the step's vg at every point of the inner sweep.
            for (size_t i = begin; i < begin + 37; ++i)
                QVERIFY(std::abs(gate->values[i] - run.stepValues[k]) < 1e-9);
            // Saturation at vd = 1.8 V: Id = kp/2 · W/L · (vg - vto)^2 (level 1, lambda 0).
            const double vov = run.stepValues[k] - 0.5;
            const double expected = 0.5 * 100e-6 * 10 * vov * vov;
            const double id = -drain->values[begin + 36];
            QVERIFY2(
                std::abs(id - expected) <= 0.01 * expected,
                qPrintable(QString("step %1: Id %2, expected %3").arg(k).arg(id).arg(expected)));
        }
    }

    void operatingPointLoopIsACurveOverTheSteps() {
        auto handle = submit("divider_temp.cir", "temps");
        QVERIFY(handle->waitForFinished(30000));
        QCOMPARE(toString(handle->status()), toString(RunStatus::Ok));
        QCOMPARE(dims(store(), "runs/temps/top.nodes.out.v"), std::vector<hsize_t>{3});
        READ_RUN(run, store(), "temps");
        QCOMPARE(run.summary.coordinate, std::string("t"));
        QCOMPARE(run.coordinate, (std::vector<double>{-40, 27, 125}));
        const auto* out = run.find("top.nodes.out.v");
        QVERIFY(out);
        for (size_t k = 0; k < 3; ++k) {
            const double r1 = 1e3 * (1 + 0.01 * (run.coordinate[k] - 27));
            QVERIFY(std::abs(out->values[k] - 1e3 / (1e3 + r1)) < 1e-6);
        }
    }

    void stoppingALoopStopsItsLaterSteps() {
        std::vector<SampleBlockPtr> blocks;
        auto handle = submit("long_loop.cir", "stopped");
        QTRY_VERIFY_WITH_TIMEOUT(handle->points() > 1000, 30000);
        m_fixture.session().stop();
        QVERIFY(handle->waitForFinished(60000));
        QCOMPARE(toString(handle->status()), toString(RunStatus::Interrupted));
        READ_RUN(run, store(), "stopped");
        QCOMPARE(run.summary.status, std::string("interrupted"));
        // ngspice's loop goes on after bg_halt, each later analysis halting at once; none
        // of those stubs is kept as a step.
        QCOMPARE(run.stepStarts.size(), size_t(1));
        QVERIFY(run.coordinate.size() > 1000);
        // The engine is free for the next run.
        auto next = submit("nmos_dc2.cir", "after_stop");
        QVERIFY(next->waitForFinished(30000));
        QCOMPARE(toString(next->status()), toString(RunStatus::Ok));
    }
};

QTEST_GUILESS_MAIN(TestSteppedRuns)
#include "tst_stepped_runs.moc"
