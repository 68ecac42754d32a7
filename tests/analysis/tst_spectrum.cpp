// Pure logic: spectra (FFTW) of sines against what the test computes: the peak's bin, the THD
// of a clipped sine from its Fourier coefficients, the SNR of a sine in known noise.
#include "core/analysis/spectrum.h"

#include <QTest>
#include <cmath>
#include <random>

namespace {

// A transient's non-uniform steps over [0, stop].
void sampled(double stop, size_t n, const std::function<double(double)>& f, std::vector<double>& x,
             std::vector<double>& y) {
    for (size_t i = 0; i <= n; ++i) {
        const double u = static_cast<double>(i) / static_cast<double>(n);
        const double t = stop * (0.8 * u + 0.2 * u * u);
        x.push_back(t);
        y.push_back(f(t));
    }
}

double clipped(double phase, double limit) {
    return std::clamp(std::sin(phase), -limit, limit);
}

// b_h of the clipped unit sine, by the Fourier integral at a resolution the FFT does not use.
double harmonic(int h, double limit) {
    const int steps = 200000;
    double sum = 0;
    for (int i = 0; i < steps; ++i) {
        const double phase = 2 * M_PI * (i + 0.5) / steps;
        sum += clipped(phase, limit) * std::sin(h * phase);
    }
    return 2 * sum / steps;
}

} // namespace

class TestSpectrum : public QObject {
    Q_OBJECT

private slots:
    void aSinePeaksAtItsFrequency() {
        for (const char* window : {"rectangular", "hann", "blackman-harris"}) {
            const double f = 1.234e6, a = 0.3;
            std::vector<double> x, y;
            sampled(
                20e-6, 30000, [&](double t) { return a * std::sin(2 * M_PI * f * t); }, x, y);
            Spectrum::Options options;
            options.window = window;
            auto s = Spectrum::compute(x.data(), y.data(), x.size(), 0, 20e-6, options);
            QVERIFY2(s.ok(), s.error().c_str());
            QVERIFY2(std::abs(s->fundamental - f) <= s->binWidth,
                     qPrintable(QString("%1: %2 Hz").arg(window).arg(s->fundamental)));
            QCOMPARE(s->binWidth, 1 / 20e-6);
            QCOMPARE(s->points, size_t(32768)); // 30,001 samples: the next power of two
        }
    }

    void aCoherentSineReadsItsAmplitude() {
        const double f = 1e6, a = 0.25;
        std::vector<double> x, y;
        sampled(
            16e-6, 40000, [&](double t) { return a * std::sin(2 * M_PI * f * t); }, x, y);
        auto s = Spectrum::compute(x.data(), y.data(), x.size(), 0, 16e-6, Spectrum::Options{});
        QVERIFY2(s.ok(), s.error().c_str());
        QVERIFY(std::abs(s->fundamental - f) < 1e-6 * f);
        QVERIFY2(std::abs(s->fundamentalDb - 20 * std::log10(a)) < 0.01,
                 qPrintable(QString::number(s->fundamentalDb)));
    }

    void theThdOfAClippedSineIsItsAnalyticValue() {
        const double f = 1e6, limit = 0.7;
        double harmonics = 0;
        for (int h = 2; h <= 9; ++h)
            harmonics += std::pow(harmonic(h, limit), 2);
        const double expectedDb = 10 * std::log10(harmonics / std::pow(harmonic(1, limit), 2));
        for (const char* window : {"hann", "blackman-harris"}) {
            std::vector<double> x, y;
            sampled(
                20e-6, 100000, [&](double t) { return clipped(2 * M_PI * f * t, limit); }, x, y);
            Spectrum::Options options;
            options.window = window;
            auto s = Spectrum::compute(x.data(), y.data(), x.size(), 0, 20e-6, options);
            QVERIFY2(s.ok(), s.error().c_str());
            QVERIFY2(std::abs(s->thdDb - expectedDb) < 0.5,
                     qPrintable(QString("%1: %2 dB, analytic %3 dB")
                                    .arg(window)
                                    .arg(s->thdDb)
                                    .arg(expectedDb)));
            QVERIFY(std::abs(s->thdPercent - 100 * std::pow(10, expectedDb / 20)) <
                    0.06 * s->thdPercent);
        }
        // A picked fundamental gives the same.
        std::vector<double> x, y;
        sampled(
            20e-6, 100000, [&](double t) { return clipped(2 * M_PI * f * t, limit); }, x, y);
        Spectrum::Options picked;
        picked.fundamental = 1.02e6; // rough: refined onto the peak
        auto s = Spectrum::compute(x.data(), y.data(), x.size(), 0, 20e-6, picked);
        QVERIFY2(s.ok(), s.error().c_str());
        QCOMPARE(s->fundamental, f);
    }

    void theSnrOfASineInNoiseIsItsPowerRatio() {
        // Uniform samples on the FFT's own grid, so that resampling does not filter the noise.
        const size_t n = 1 << 15;
        const double dt = 1e-9, f = 64 / (n * dt), a = 1, sigma = 0.01;
        std::mt19937 random(7);
        std::normal_distribution<double> noise(0, sigma);
        std::vector<double> x(n + 1), y(n + 1);
        for (size_t i = 0; i <= n; ++i) {
            x[i] = static_cast<double>(i) * dt;
            y[i] = a * std::sin(2 * M_PI * f * x[i]) + noise(random);
        }
        Spectrum::Options options;
        options.points = n;
        options.window = "rectangular";
        auto s = Spectrum::compute(x.data(), y.data(), x.size(), 0, n * dt, options);
        QVERIFY2(s.ok(), s.error().c_str());
        const double expected = 10 * std::log10((a * a / 2) / (sigma * sigma));
        QVERIFY2(std::abs(s->snrDb - expected) < 0.5,
                 qPrintable(QString("%1 dB, expected %2 dB").arg(s->snrDb).arg(expected)));
    }

    // Five periods under Blackman-Harris: the harmonics' lobes would take in the fundamental's
    // skirt, so THD is not given, with the reason (found when a workbook plotted 5 us).
    void tooFewPeriodsForTheWindowGiveNoThd() {
        std::vector<double> x, y;
        sampled(
            5e-6, 5000, [](double t) { return clipped(2 * M_PI * 1e6 * t, 0.7); }, x, y);
        Spectrum::Options options;
        options.window = "blackman-harris";
        auto s = Spectrum::compute(x.data(), y.data(), x.size(), 0, 5e-6, options);
        QVERIFY2(s.ok(), s.error().c_str());
        QCOMPARE(s->fundamental, 1e6);
        QVERIFY(std::isnan(s->thdDb));
        QVERIFY2(s->problem.find("widen the range") != std::string::npos, s->problem.c_str());
        options.window = "rectangular"; // a narrow lobe: enough
        auto narrow = Spectrum::compute(x.data(), y.data(), x.size(), 0, 5e-6, options);
        QVERIFY(narrow.ok() && !std::isnan(narrow->thdDb) && narrow->problem.empty());
    }

    void badInputIsAnErrorNotACrash() {
        std::vector<double> x{0, 1, 2}, y{0, 1, NAN};
        QVERIFY(!Spectrum::compute(x.data(), y.data(), 3, 0, 2, {}).ok());
        QVERIFY(!Spectrum::compute(x.data(), y.data(), 1, 0, 2, {}).ok());
        QVERIFY(!Spectrum::compute(x.data(), y.data(), 3, 5, 6, {}).ok());
        Spectrum::Options hamming;
        hamming.window = "hamming";
        auto bad = Spectrum::compute(x.data(), y.data(), 3, 0, 2, hamming);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().find("hamming") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestSpectrum)
#include "tst_spectrum.moc"
