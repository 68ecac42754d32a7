#include "ui/plot/eng_axis_ticker.h"

#include <algorithm>
#include <cmath>

namespace {

constexpr int kMinExponent = -18;
constexpr int kMaxExponent = 18;

QString prefixFor(int exponent) {
    static const char* const prefixes[] = {"a", "f", "p", "n", "µ", "m", "",
                                           "k", "M", "G", "T", "P", "E"};
    return QString::fromUtf8(prefixes[(exponent - kMinExponent) / 3]);
}

// The multiple of 3 at or below log10(magnitude). For ticks, `widen` keeps
// 0.0009999999999999998 (a tick computed as 10 × 1e-4) on the millisecond side instead of
// printing "1000 µs"; a readout rounds its own digits instead.
int engineeringExponent(double magnitude, bool widen) {
    if (!(magnitude > 0) || !std::isfinite(magnitude))
        return 0;
    const double widened = widen ? magnitude * (1 + 1e-9) : magnitude;
    const int decade = static_cast<int>(std::floor(std::log10(widened)));
    const int exponent = decade >= 0 ? decade / 3 * 3 : -((-decade + 2) / 3 * 3);
    return std::clamp(exponent, kMinExponent, kMaxExponent);
}

QString trimZeros(QString text) {
    if (text.contains('.')) {
        while (text.endsWith('0'))
            text.chop(1);
        if (text.endsWith('.'))
            text.chop(1);
    }
    if (text == "-0")
        text = "0";
    return text;
}

QString withUnit(const QString& number, const QString& prefix, const QString& unit) {
    if (prefix.isEmpty() && unit.isEmpty())
        return number;
    return number + ' ' + prefix + unit;
}

// Decibels and angles are not scaled by SI prefixes: "-880 mdB" and "1.2 k°" read as
// nonsense to a designer, who expects "-0.88 dB" and "1200 °".
bool takesNoPrefix(const QString& unit) {
    const QString u = unit.trimmed().toLower();
    return u.startsWith("db") || u == QStringLiteral("°") || u == "deg" || u == "degree" ||
           u == "degrees";
}

} // namespace

bool EngAxisTicker::unitTakesPrefix(const QString& unit) {
    return !takesNoPrefix(unit);
}

EngAxisTicker::EngAxisTicker(const QString& unit) : m_unit(unit) {}

double EngAxisTicker::getTickStep(const QCPRange& range) {
    m_step = QCPAxisTicker::getTickStep(range);
    return m_step;
}

void EngAxisTicker::generate(const QCPRange& range, const QLocale& locale, QChar formatChar,
                             int precision, QVector<double>& ticks, QVector<double>* subTicks,
                             QVector<QString>* tickLabels) {
    // The base class places the ticks; the labels need all of them at once (one prefix).
    QCPAxisTicker::generate(range, locale, formatChar, precision, ticks, subTicks, nullptr);
    if (tickLabels)
        *tickLabels = labels(ticks, m_step, m_unit);
}

QVector<QString> EngAxisTicker::labels(const QVector<double>& ticks, double step,
                                       const QString& unit) {
    double largest = 0;
    for (double t : ticks)
        largest = std::max(largest, std::abs(t));
    if (largest == 0)
        largest = std::abs(step);
    const int exponent = takesNoPrefix(unit) ? 0 : engineeringExponent(largest, true);
    const double scale = std::pow(10.0, exponent);
    // Decimals: as many as the step needs in the chosen prefix (0.25 ms → 2).
    const double scaledStep = std::abs(step) / scale;
    int decimals = 0;
    while (decimals < 15 && scaledStep > 0) {
        const double shifted = scaledStep * std::pow(10.0, decimals);
        if (std::abs(shifted - std::round(shifted)) <= 1e-6 * std::max(1.0, shifted))
            break;
        ++decimals;
    }
    QVector<QString> result;
    result.reserve(ticks.size());
    for (double t : ticks) {
        // A tick within rounding noise of zero is zero: "0 s", not "-1.2e-22 s".
        if (std::abs(t) < std::abs(step) * 1e-9) {
            result.push_back(withUnit("0", QString(), unit));
            continue;
        }
        result.push_back(withUnit(trimZeros(QString::number(t / scale, 'f', decimals)),
                                  prefixFor(exponent), unit));
    }
    return result;
}

QString EngAxisTicker::format(double value, const QString& unit, int significant) {
    if (std::isnan(value))
        return QStringLiteral("—");
    if (std::isinf(value))
        return withUnit(value > 0 ? "∞" : "-∞", QString(), unit);
    if (value == 0)
        return withUnit("0", QString(), unit);
    significant = std::max(1, significant);
    if (takesNoPrefix(unit)) {
        const int digits = static_cast<int>(std::floor(std::log10(std::abs(value)))) + 1;
        const int decimals = std::clamp(significant - digits, 0, 12);
        return withUnit(trimZeros(QString::number(value, 'f', decimals)), QString(), unit);
    }
    int exponent = engineeringExponent(std::abs(value), false);
    const double mantissa = value / std::pow(10.0, exponent);
    const double magnitude = std::abs(mantissa);
    if (magnitude < 1 || magnitude >= 1000) // beyond the prefixes: plain exponent form
        return withUnit(QString::number(value, 'g', significant), QString(), unit);
    const int integerDigits = static_cast<int>(std::floor(std::log10(magnitude))) + 1;
    QString text = QString::number(mantissa, 'f', std::max(0, significant - integerDigits));
    // 999.96 mV at 4 digits rounds to "1000.0": say "1 V" instead.
    if (std::abs(text.toDouble()) >= 1000 && exponent + 3 <= kMaxExponent) {
        exponent += 3;
        text = QString::number(value / std::pow(10.0, exponent), 'f', significant - 1);
    }
    return withUnit(trimZeros(text), prefixFor(exponent), unit);
}
