// Every analysis through the same streaming path, read back from real HDF5 files.
#include "core/engine/sim_session.h"
#include "core/store/result_store.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <complex>

namespace {
const QString kData = QStringLiteral(WAVEBENCH_TEST_DATA) + "/analyses/";
}

class TestAnalyses : public QObject {
    Q_OBJECT

    std::unique_ptr<SimSession> m_session;
    QTemporaryDir m_dir;

    RunData run(const char* netlist, const char* id) {
        RunRequest request;
        request.netlistPath = (kData + netlist).toStdString();
        request.storePath = m_dir.filePath("analyses.h5").toStdString();
        request.runId = id;
        auto handle = m_session->submit(request);
        if (!handle->waitForFinished(30000) || handle->status() != RunStatus::Ok)
            qFatal("run %s: %s", id, qPrintable(handle->message()));
        auto data = ResultStore::readRun(request.storePath, id);
        if (!data)
            qFatal("%s", data.error().c_str());
        return data.value();
    }

private slots:
    void initTestCase() {
        auto session = SimSession::create();
        QVERIFY2(session.ok(), session.error().c_str());
        m_session = std::move(session.value());
    }
    void cleanupTestCase() { m_session.reset(); }

    void acLowPassHasItsCornerAtOneOverTwoPiRC() {
        const auto ac = run("rc_ac.cir", "ac");
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
        const auto dc = run("diode_dc.cir", "dc");
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
        const auto op = run("divider_op.cir", "op");
        QCOMPARE(op.summary.analysis, std::string("op"));
        QVERIFY(op.summary.coordinate.empty());
        QCOMPARE(op.summary.points, 1LL);
        QCOMPARE(op.find("top.nodes.b.v")->values, std::vector<double>{1.0});
        QCOMPARE(op.find("top.v1.i")->values.front(), -1e-3);
    }

    void noiseHasSpectraAndTotals() {
        RunRequest request;
        request.netlistPath = (kData + "rc_noise.cir").toStdString();
        request.storePath = m_dir.filePath("noise.h5").toStdString();
        request.runId = "noise";
        auto handle = m_session->submit(request);
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
