// Pure logic: each measurement against the value the test computes analytically.
#include "core/analysis/measurements.h"

#include <QTest>
#include <cmath>

namespace {

struct Trace {
    std::vector<double> x;
    std::vector<double> y;
    double at(const std::string& name, double x0 = -1e30, double x1 = 1e30) const {
        return Measurements::measure(name, x.data(), y.data(), x.size(), x0, x1, "V").value;
    }
};

// Non-uniform steps, as ngspice's: fine at the start, coarser later.
Trace sampled(double stop, size_t n, const std::function<double(double)>& f) {
    Trace t;
    for (size_t i = 0; i <= n; ++i) {
        const double u = static_cast<double>(i) / static_cast<double>(n);
        const double x = stop * (0.7 * u + 0.3 * u * u);
        t.x.push_back(x);
        t.y.push_back(f(x));
    }
    return t;
}

bool near(double value, double expected, double relative) {
    return std::abs(value - expected) <= relative * std::abs(expected);
}

} // namespace

class TestMeasurements : public QObject {
    Q_OBJECT

private slots:
    void anRcStepRisesInRcLn9() {
        const double tau = 1e-6;
        const auto rc = sampled(10e-6, 20000, [&](double t) { return 1 - std::exp(-t / tau); });
        const double rise = rc.at("rise");
        QVERIFY2(near(rise, tau * std::log(9.0), 1e-3), qPrintable(QString::number(rise)));
        QCOMPARE(rc.at("overshoot"), 0.0);
        // Settled within 2 % at tau*ln(50) after the start, less the final value's own error.
        const double settling = rc.at("settling");
        const double finalValue = 1 - std::exp(-10.0);
        const double expected = -tau * std::log(1 - (1 - Measurements::kSettlingBand) * finalValue);
        const double begun = -tau * std::log(1 - Measurements::kSettlingBand * finalValue);
        QVERIFY2(near(settling, expected - begun, 2e-3), qPrintable(QString::number(settling)));
        auto fall = Measurements::measure("fall", rc.x.data(), rc.y.data(), rc.x.size(), 0, 1);
        QVERIFY(std::isnan(fall.value));
        QVERIFY(fall.reason.find("no falling edge") != std::string::npos);
        QCOMPARE(
            Measurements::measure("rise", rc.x.data(), rc.y.data(), rc.x.size(), 0, 1, "V").unit,
            std::string("s"));
    }

    void aSecondOrderStepOvershootsAsItsDampingSays() {
        const double zeta = 0.3, wn = 2 * M_PI * 1e6;
        const double wd = wn * std::sqrt(1 - zeta * zeta);
        const auto step = sampled(20e-6, 40000, [&](double t) {
            return 1 -
                   std::exp(-zeta * wn * t) *
                       (std::cos(wd * t) + zeta / std::sqrt(1 - zeta * zeta) * std::sin(wd * t));
        });
        const double expected = 100 * std::exp(-zeta * M_PI / std::sqrt(1 - zeta * zeta));
        const double overshoot = step.at("overshoot");
        QVERIFY2(near(overshoot, expected, 2e-3), qPrintable(QString::number(overshoot)));
        // The peak is at pi / wd.
        QVERIFY(near(step.at("tmax"), M_PI / wd, 2e-3));
        // Settling: after it the trace stays within 2 % of the final value, just before it
        // it does not (checked on the data itself).
        // The time is counted from the step's start: where it leaves 2 % of its first value.
        const double finalValue = step.y.back();
        double begun = 0;
        for (size_t i = 0; i < step.x.size() && begun == 0; ++i)
            if (std::abs(step.y[i] - step.y[0]) > 0.02 * finalValue)
                begun = step.x[i];
        const double settled = step.at("settling") + begun;
        QVERIFY(settled > begun);
        for (size_t i = 0; i < step.x.size(); ++i)
            if (step.x[i] > settled + 1e-9)
                QVERIFY(std::abs(step.y[i] - finalValue) <= 0.02 * finalValue + 1e-12);
        bool outsideBefore = false;
        for (size_t i = 0; i < step.x.size(); ++i)
            if (step.x[i] < settled && step.x[i] > settled - 0.2 / (zeta * wn))
                outsideBefore |= std::abs(step.y[i] - finalValue) > 0.02 * finalValue;
        QVERIFY(outsideBefore);
    }

    void aSineHasItsRmsFrequencyAndAverage() {
        const double a = 0.5, f = 1e6, offset = 0.2;
        const auto sine = sampled(
            10e-6, 50000, [&](double t) { return offset + a * std::sin(2 * M_PI * f * t); });
        QVERIFY(near(sine.at("freq"), f, 1e-4));
        QVERIFY(near(sine.at("period"), 1 / f, 1e-4));
        QVERIFY(near(sine.at("avg"), offset, 1e-4));
        QVERIFY(near(sine.at("rms"), std::sqrt(offset * offset + a * a / 2), 1e-4));
        QVERIFY(near(sine.at("pp"), 2 * a, 1e-4));
        QVERIFY(near(sine.at("max"), offset + a, 1e-6));
        QVERIFY(near(sine.at("min"), offset - a, 1e-6));
        QVERIFY(near(sine.at("tmax", 0, 1e-6), 0.25e-6, 1e-3));
        // A periodic signal has both edges: 10-90 % of a sine is asin(0.8)/(pi f).
        const double edge = std::asin(0.8) / (M_PI * f);
        QVERIFY2(near(sine.at("rise"), edge, 1e-3), qPrintable(QString::number(sine.at("rise"))));
        QVERIFY(near(sine.at("fall"), edge, 1e-3));
        QCOMPARE(
            Measurements::measure("freq", sine.x.data(), sine.y.data(), sine.x.size(), 0, 1, "V")
                .unit,
            std::string("Hz"));
    }

    void aRampIntegratesToHalfItsBaseTimesHeight() {
        const auto ramp = sampled(2.0, 100, [](double t) { return 3 * t; });
        QVERIFY(near(ramp.at("integ"), 0.5 * 2 * 6, 1e-12));
        // Between 0.5 and 1.5 (both between samples): the trapezoid there.
        QVERIFY(near(ramp.at("integ", 0.5, 1.5), 3.0, 1e-12));
        QVERIFY(near(ramp.at("avg", 0.5, 1.5), 3.0, 1e-12));
        QVERIFY(near(ramp.at("min", 0.5, 1.5), 1.5, 1e-12));
        QCOMPARE(
            Measurements::measure("integ", ramp.x.data(), ramp.y.data(), ramp.x.size(), 0, 2, "A")
                .unit,
            std::string("A·s"));
    }

    void whatDoesNotApplyIsNanWithAReason() {
        const Trace flat{{0, 1, 2}, {1, 1, 1}};
        auto freq = Measurements::measure("freq", flat.x.data(), flat.y.data(), 3, 0, 2);
        QVERIFY(std::isnan(freq.value));
        QVERIFY(!freq.reason.empty());
        auto empty = Measurements::measure("max", flat.x.data(), flat.y.data(), 3, 5, 6);
        QVERIFY(std::isnan(empty.value));
        auto unknown = Measurements::measure("slew", flat.x.data(), flat.y.data(), 3, 0, 2);
        QVERIFY(unknown.reason.find("slew") != std::string::npos);
        QCOMPARE(Measurements::names().size(), size_t(14));
    }
};

QTEST_APPLESS_MAIN(TestMeasurements)
#include "tst_measurements.moc"
