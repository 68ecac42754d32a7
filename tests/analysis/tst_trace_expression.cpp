// Pure logic: trace expressions against values the test computes from the same samples.
#include "core/analysis/trace_expression.h"

#include <QTest>
#include <cmath>

namespace {

struct Data {
    std::vector<double> x, a, b, re, im;
    TraceExpression::Inputs inputs() const {
        return {{"top.nodes.a.v", {a.data(), nullptr, "V"}},
                {"top.nodes.b.v", {b.data(), nullptr, "V"}},
                {"top.v1.i", {b.data(), nullptr, "A"}},
                {"top.nodes.ac.v", {re.data(), im.data(), "V"}}};
    }
};

Data data() {
    Data d;
    for (int i = 0; i < 500; ++i) {
        const double t = 1e-8 * i + 2e-11 * i * i; // non-uniform steps
        d.x.push_back(t);
        d.a.push_back(std::sin(1e6 * t) + 1.5);
        d.b.push_back(0.3 * std::cos(3e5 * t));
        const double phase = -0.02 * i; // passes through +-180 several times
        d.re.push_back((1 + i) * std::cos(phase * 10));
        d.im.push_back((1 + i) * std::sin(phase * 10));
    }
    return d;
}

std::vector<double> run(const std::string& text, const Data& d) {
    auto e = TraceExpression::parse(text);
    if (!e)
        qFatal("%s", e.error().c_str());
    auto out = e->append(d.x.data(), d.x.size(), d.inputs());
    if (!out)
        qFatal("%s", out.error().c_str());
    return out.value();
}

bool same(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

} // namespace

class TestTraceExpression : public QObject {
    Q_OBJECT

private slots:
    void arithmeticAndSuffixes() {
        const auto d = data();
        const auto out = run("top.nodes.a.v - top.nodes.b.v * 2.2k / 1meg + 10m", d);
        for (size_t i = 0; i < d.x.size(); ++i)
            QVERIFY(same(out[i], d.a[i] - d.b[i] * 2200 / 1e6 + 0.01));
        auto e = TraceExpression::parse("top.nodes.a.v - top.nodes.b.v + top.nodes.a.v");
        QCOMPARE(e->crefs(), (std::vector<std::string>{"top.nodes.a.v", "top.nodes.b.v"}));
        QVERIFY(!e->isPlainCref());
        QVERIFY(TraceExpression::parse(" top.nodes.a.v ")->isPlainCref());
    }

    void muparsersFunctions() {
        const auto d = data();
        const auto out = run("abs(top.nodes.b.v) + sqrt(top.nodes.a.v) + exp(top.nodes.b.v) + "
                             "log10(top.nodes.a.v) + min(top.nodes.a.v, top.nodes.b.v) + "
                             "max(top.nodes.a.v, top.nodes.b.v)",
                             d);
        for (size_t i = 0; i < d.x.size(); ++i) {
            const double a = d.a[i], b = d.b[i];
            QVERIFY(same(out[i], std::abs(b) + std::sqrt(a) + std::exp(b) + std::log10(a) +
                                     std::min(a, b) + std::max(a, b)));
        }
    }

    void seriesFunctions() {
        const auto d = data();
        const auto deriv = run("deriv(top.nodes.a.v)", d);
        const auto integ = run("integ(top.nodes.a.v)", d);
        const auto avg = run("avg(top.nodes.a.v)", d);
        const auto rms = run("rms(top.nodes.b.v)", d);
        QVERIFY(std::isnan(deriv[0]));
        double integral = 0, squares = 0;
        for (size_t i = 1; i < d.x.size(); ++i) {
            const double dx = d.x[i] - d.x[i - 1];
            QVERIFY(same(deriv[i], (d.a[i] - d.a[i - 1]) / dx));
            integral += (d.a[i] + d.a[i - 1]) / 2 * dx;
            squares += (d.b[i] * d.b[i] + d.b[i] * d.b[i - 1] + d.b[i - 1] * d.b[i - 1]) / 3 * dx;
            QVERIFY(same(integ[i], integral));
            QVERIFY(same(avg[i], integral / (d.x[i] - d.x[0])));
            QVERIFY(same(rms[i], std::sqrt(squares / (d.x[i] - d.x[0]))));
        }
        QCOMPARE(integ[0], 0.0);
        // Nested, and inside arithmetic.
        const auto nested = run("2 * deriv(integ(top.nodes.a.v)) - 1", d);
        for (size_t i = 1; i < d.x.size(); ++i)
            QVERIFY(same(nested[i], 2 * (integ[i] - integ[i - 1]) / (d.x[i] - d.x[i - 1]) - 1));
    }

    void complexVectorsKeepTheirPhase() {
        const auto d = data();
        const auto db = run("db(top.nodes.ac.v)", d);
        const auto mag = run("mag(top.nodes.ac.v)", d);
        const auto ph = run("ph(top.nodes.ac.v)", d);
        const auto plain = run("top.nodes.ac.v * 1", d);
        for (size_t i = 0; i < d.x.size(); ++i) {
            const double m = std::hypot(d.re[i], d.im[i]);
            QVERIFY(same(mag[i], m));
            QVERIFY(same(plain[i], m)); // elsewhere, its magnitude
            QVERIFY(same(db[i], 20 * std::log10(m)));
            // Unwrapped: -0.2 rad a sample, in degrees.
            QVERIFY2(same(ph[i], -0.2 * static_cast<double>(i) * 180 / M_PI),
                     qPrintable(QString("%1: %2").arg(i).arg(ph[i])));
        }
    }

    void piecesGiveWhatTheWholeGives() {
        const auto d = data();
        const std::string text = "integ(top.nodes.a.v) + deriv(top.nodes.b.v) + rms(top.nodes.a.v)"
                                 " + ph(top.nodes.ac.v)";
        const auto whole = run(text, d);
        auto live = TraceExpression::parse(text);
        std::vector<double> pieces;
        for (size_t from = 0; from < d.x.size();) {
            const size_t n = std::min<size_t>(1 + from % 37, d.x.size() - from);
            TraceExpression::Inputs inputs;
            for (const auto& [cref, input] : d.inputs())
                inputs[cref] = {input.y + from, input.imag ? input.imag + from : nullptr,
                                input.unit};
            auto out = live->append(d.x.data() + from, n, inputs);
            QVERIFY2(out.ok(), out.error().c_str());
            pieces.insert(pieces.end(), out->begin(), out->end());
            from += n;
        }
        QCOMPARE(pieces.size(), whole.size());
        for (size_t i = 0; i < whole.size(); ++i)
            QVERIFY(same(pieces[i], whole[i]));
    }

    void unitsAreDerived() {
        const std::map<std::string, std::string> units = {
            {"top.nodes.a.v", "V"}, {"top.nodes.b.v", "V"}, {"top.v1.i", "A"}};
        auto unit = [&](const std::string& text) {
            return TraceExpression::parse(text)->unit(units, "s");
        };
        QCOMPARE(unit("top.nodes.a.v - top.nodes.b.v"), std::string("V"));
        QCOMPARE(unit("top.nodes.a.v / top.v1.i"), std::string("Ω"));
        QCOMPARE(unit("top.nodes.a.v * top.v1.i"), std::string("W"));
        QCOMPARE(unit("deriv(top.nodes.a.v)"), std::string("V/s"));
        QCOMPARE(unit("integ(top.v1.i)"), std::string("C"));
        QCOMPARE(unit("db(top.nodes.a.v)"), std::string("dB"));
        QCOMPARE(unit("ph(top.nodes.a.v)"), std::string("deg"));
        QCOMPARE(unit("top.nodes.a.v / top.nodes.b.v"), std::string(""));
        QCOMPARE(unit("top.nodes.a.v + top.v1.i"), std::string("?"));
        QCOMPARE(unit("sqrt(top.nodes.a.v * top.nodes.b.v)"), std::string("V"));
        QCOMPARE(unit("2.2k * top.v1.i"), std::string("A"));
    }

    void mistakesAreNamed() {
        auto unclosed = TraceExpression::parse("deriv(top.nodes.a.v");
        QVERIFY(!unclosed.ok());
        QVERIFY2(unclosed.error().find("never closed") != std::string::npos,
                 unclosed.error().c_str());
        auto unknownFunction = TraceExpression::parse("slew(top.nodes.a.v)");
        QVERIFY(!unknownFunction.ok());
        QVERIFY2(unknownFunction.error().find("slew") != std::string::npos,
                 unknownFunction.error().c_str());
        QVERIFY(!TraceExpression::parse("top.nodes.a.v +").ok());
        QVERIFY(!TraceExpression::parse("   ").ok());
        QVERIFY(!TraceExpression::parse("deriv()").ok());
        std::string deep = "top.nodes.a.v";
        for (int i = 0; i < 40; ++i)
            deep = "integ(" + deep + ")";
        auto nested = TraceExpression::parse(deep);
        QVERIFY(!nested.ok());
        QVERIFY2(nested.error().find("nested more than") != std::string::npos,
                 nested.error().c_str());
        const auto d = data();
        auto e = TraceExpression::parse("top.nodes.a.v - top.nodes.nowhere.v");
        QVERIFY(e.ok());
        auto out = e->append(d.x.data(), d.x.size(), d.inputs());
        QVERIFY(!out.ok());
        QVERIFY2(out.error().find("top.nodes.nowhere.v") != std::string::npos, out.error().c_str());
    }
};

QTEST_APPLESS_MAIN(TestTraceExpression)
#include "tst_trace_expression.moc"
