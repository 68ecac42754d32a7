#pragma once

#include <QString>
#include <qcustomplot.h>

// Tick labels in engineering notation with an SI prefix and a unit: 1e-9 s is "1 ns",
// 2.5e-6 s "2.5 µs", 1e-3 V "1 mV". One prefix serves every label of an axis (chosen from
// its largest tick), so the labels of one axis read as one scale, as on a scope. GUI thread
// (QCustomPlot calls it while laying out).
class EngAxisTicker : public QCPAxisTicker {
public:
    explicit EngAxisTicker(const QString& unit = QString());

    void setUnit(const QString& unit) { m_unit = unit; }
    QString unit() const { return m_unit; }

    void generate(const QCPRange& range, const QLocale& locale, QChar formatChar, int precision,
                  QVector<double>& ticks, QVector<double>* subTicks,
                  QVector<QString>* tickLabels) override;

    // Labels for `ticks` spaced by `step`: the prefix of the largest tick, as many decimals
    // as the step needs, trailing zeros dropped.
    static QVector<QString> labels(const QVector<double>& ticks, double step, const QString& unit);
    // One value for a readout: `significant` digits, its own prefix ("1.235 mV"); "—" for
    // NaN.
    static QString format(double value, const QString& unit, int significant = 4);

    // False for dB (dBV, dBm, ...) and degrees, which are shown without SI prefixes.
    static bool unitTakesPrefix(const QString& unit);

protected:
    double getTickStep(const QCPRange& range) override;

private:
    QString m_unit;
    double m_step = 1; // of the last generate(), which the labels' decimals follow
};
