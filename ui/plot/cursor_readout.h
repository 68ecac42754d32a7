#pragma once

#include <QColor>
#include <QString>
#include <QWidget>
#include <optional>
#include <vector>

class QLabel;
class QTableWidget;

// The readout under the plot: a summary line (where the cursors are, their distance and, in
// time, its frequency) and a table of each trace's value at the crosshair and at both
// cursors, with B − A. The table is as tall as its rows, so the plot keeps the rest. GUI
// thread.
class CursorReadout : public QWidget {
    Q_OBJECT
public:
    // In x coordinates; unset ones get no column.
    struct Positions {
        std::optional<double> crosshair;
        std::optional<double> a;
        std::optional<double> b;
    };
    // One trace: its values at the positions (NaN where a position is unset or outside the
    // trace's data).
    struct Row {
        QString label;
        QString toolTip;
        QString unit;
        QColor color;
        double crosshair;
        double a;
        double b;
        double scale; // the largest |y| its pane shows: far smaller values are rounding
    };

    static constexpr int kMaxRows = 6; // more traces scroll

    explicit CursorReadout(QWidget* parent = nullptr);

    // "A 1 µs     B 3 µs     Δt 2 µs     1/Δt 500 kHz"; empty without cursors.
    static QString summary(const Positions& at, const QString& coordinateName,
                           const QString& coordinateUnit);
    void showValues(const std::vector<Row>& rows, const Positions& at,
                    const QString& coordinateName, const QString& coordinateUnit);
    // The table can be switched off (the plot's menu); the summary line stays.
    void setTableShown(bool on);
    bool tableShown() const { return m_tableShown; }

private:
    void updateVisibility();

    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
    bool m_tableShown = true;
};
