// Every analysis through the same streaming path, read back from real HDF5 files.
#include "tests/support/session_fixture.h"

#include <QTest>
#include <cmath>
#include <complex>

namespace {
const QString kData = QStringLiteral(WAVEBENCH_TEST_DATA) + "/analyses/";

std::string netlist(const char* name) {
    return (kData + name).toStdString();
}
} // namespace

// Runs a netlist of tests/data/analyses into analyses.h5 and reads it back as `name`, or
// fails the test with the run's or the store's message.
#define RUN_ANALYSIS(name, file, id)                                                               \
    const auto name##Handle = m_fixture.runToEnd(                                                  \
        SessionFixture::request(netlist(file), m_fixture.path("analyses.h5"), id), 30000);         \
    QVERIFY_RUN_STATUS(name##Handle, RunStatus::Ok);                                               \
    READ_RUN(name, m_fixture.path("analyses.h5"), id)

class TestAnalyses : public QObject {
    Q_OBJECT

    SessionFixture m_fixture;

private slots:
    void initTestCase() {
        const auto started = m_fixture.start();
        QVERIFY2(started.ok(), started.error().c_str());
    }
    void cleanupTestCase() { m_fixture.stop(); }

    void acLowPassHasItsCornerAtOneOverTwoPiRC() {
        RUN_ANALYSIS(ac, "rc_ac.cir", "ac");
        QCOMPARE(ac.summary.analysis, std::string("ac"));
        QCOMPARE(ac.summary.coordinate, std::string("frequency"));
        const auto* out = ac.find("top.nodes.out.v");
        QVERIFY(out);
        QCOMPARE(out->imag.size(), out->values.size()); // stored complex
        // Where |H| crosses -3.0103 dB, interpolated in log frequency.
        const double fc = 1 / (2 * M_PI * 1e3 * 1e-9);
        double crossing = 0, phaseThere = 0;
        for (size_t i = 1; i < ac.coordinate.size(); ++i) {
            auto db = [&](size_t k) {
                return 20 *
                       std::log10(std::abs(std::complex<double>(out->values[k], out->imag[k])));
            };
            if (db(i - 1) > -10 * std::log10(2.0) && db(i) <= -10 * std::log10(2.0)) {
                const double a = db(i - 1) + 10 * std::log10(2.0), b = db(i) + 10 * std::log10(2.0);
                const double lf =
                    std::log10(ac.coordinate[i - 1]) +
                    (std::log10(ac.coordinate[i]) - std::log10(ac.coordinate[i - 1])) * a / (a - b);
                crossing = std::pow(10, lf);
                phaseThere =
                    std::arg(std::complex<double>(out->values[i], out->imag[i])) * 180 / M_PI;
                break;
            }
        }
        QVERIFY2(std::abs(crossing - fc) / fc < 0.01,
                 qPrintable(QString("-3 dB at %1 Hz, expected %2 Hz").arg(crossing).arg(fc)));
        QVERIFY2(std::abs(phaseThere + 45) < 1.5, qPrintable(QString("phase %1°").arg(phaseThere)));
    }

    void dcSweepIsItsOwnCoordinate() {
        RUN_ANALYSIS(dc, "diode_dc.cir", "dc");
        QCOMPARE(dc.summary.analysis, std::string("dc"));
        QCOMPARE(dc.summary.coordinate, std::string("v1")); // the swept source, not "v-sweep"
        QCOMPARE(dc.coordinate.size(), size_t(21));
        QCOMPARE(dc.coordinate.front(), 0.0);
        QVERIFY(std::abs(dc.coordinate.back() - 2.0) < 1e-12);
        const auto* k = dc.find("top.nodes.k.v");
        QVERIFY(k);
        QVERIFY(k->values.back() > 0.6 && k->values.back() < 0.9); // a forward-biased diode
        QVERIFY(std::abs(k->values.front()) < 1e-6);
    }

    void operatingPointIsStoredAsScalars() {
        RUN_ANALYSIS(op, "divider_op.cir", "op");
        QCOMPARE(op.summary.analysis, std::string("op"));
        QVERIFY(op.summary.coordinate.empty());
        QCOMPARE(op.summary.points, 1LL);
        QCOMPARE(op.find("top.nodes.b.v")->values, std::vector<double>{1.0});
        QCOMPARE(op.find("top.v1.i")->values.front(), -1e-3);
    }

    void noiseHasSpectraAndTotals() {
        const auto request =
            SessionFixture::request(netlist("rc_noise.cir"), m_fixture.path("noise.h5"), "noise");
        auto handle = m_fixture.submit(request);
        QVERIFY(handle->waitForFinished(30000));
        QCOMPARE(toString(handle->status()), std::string("ok"));
        QCOMPARE(handle->runIds(), (QStringList{"noise", "noise_noise2"}));
        const auto spectrum = ResultStore::readRun(request.storePath, "noise");
        QVERIFY(spectrum.ok());
        const auto* onoise = spectrum->find("top.noise.onoise_spectrum");
        QVERIFY(onoise);
        QCOMPARE(onoise->unit, std::string("V/sqrt(Hz)"));
        // Thermal noise of 1 kOhm at low frequency: sqrt(4kTR) = 4.07 nV/sqrt(Hz).
        QVERIFY2(std::abs(onoise->values.front() - 4.07e-9) < 0.1e-9,
                 qPrintable(QString::number(onoise->values.front())));
        const auto total = ResultStore::readRun(request.storePath, "noise_noise2");
        QVERIFY(total.ok() && total->find("top.noise.onoise_total"));
    }
};

QTEST_GUILESS_MAIN(TestAnalyses)
#include "tst_analyses.moc"
