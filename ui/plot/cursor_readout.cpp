#include "ui/plot/cursor_readout.h"

#include "ui/plot/eng_axis_ticker.h"

#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace {

enum Column { ColTrace, ColCrosshair, ColA, ColB, ColDelta, ColCount };

QIcon swatch(const QColor& color) {
    QPixmap pixmap(14, 14);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.fillRect(QRect(1, 5, 12, 4), color);
    return QIcon(pixmap);
}

} // namespace

CursorReadout::CursorReadout(QWidget* parent) : QWidget(parent) {
    m_summary = new QLabel(this);
    m_summary->setObjectName("cursorSummary");
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setContentsMargins(6, 2, 6, 2);

    m_table = new QTableWidget(0, ColCount, this);
    m_table->setObjectName("readout");
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setMinimumSectionSize(110); // values don't jostle the columns
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_summary);
    layout->addWidget(m_table);
}

QString CursorReadout::summary(const Positions& at, const QString& coordinateName,
                               const QString& coordinateUnit) {
    const QString& unit = coordinateUnit;
    QStringList parts;
    if (at.a)
        parts << "A " + EngAxisTicker::format(*at.a, unit, 5);
    if (at.b)
        parts << "B " + EngAxisTicker::format(*at.b, unit, 5);
    if (at.a && at.b) {
        const QString symbol = coordinateName == "time"        ? "t"
                               : coordinateName == "frequency" ? "f"
                                                               : "x";
        const double delta = *at.b - *at.a;
        parts << "Δ" + symbol + " " + EngAxisTicker::format(delta, unit, 5);
        if (unit == "s" && delta != 0)
            parts << "1/Δt " + EngAxisTicker::format(1.0 / std::abs(delta), "Hz", 5);
    }
    return parts.join("     ");
}

void CursorReadout::showValues(const std::vector<Row>& rows, const Positions& at,
                               const QString& coordinateName, const QString& coordinateUnit) {
    const QString& unit = coordinateUnit;
    auto header = [&](const QString& name, const std::optional<double>& x) {
        return x ? name + " @ " + EngAxisTicker::format(*x, unit, 5) : name;
    };
    m_table->setHorizontalHeaderLabels({"Trace", header("Crosshair", at.crosshair),
                                        header("A", at.a), header("B", at.b), "B − A"});
    for (int column = ColCrosshair; column < ColCount; ++column) // numbers line up right
        m_table->horizontalHeaderItem(column)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_table->setRowCount(static_cast<int>(rows.size()));
    auto cell = [&](int row, int column) {
        auto* item = m_table->item(row, column);
        if (!item) {
            item = new QTableWidgetItem;
            item->setTextAlignment(column == ColTrace ? Qt::AlignLeft | Qt::AlignVCenter
                                                      : Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(row, column, item);
        }
        return item;
    };
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        const int row = static_cast<int>(i);
        auto* name = cell(row, ColTrace);
        name->setText(r.label);
        name->setToolTip(r.toolTip);
        name->setIcon(swatch(r.color));
        // Below a billionth of the pane's scale a value is rounding, not signal: sin(π) reads
        // "0 V", not "12.25 aV"; 1.5 mA − 1.5 mA reads "0 A".
        const double noiseFloor = 1e-9 * r.scale;
        auto shown = [&](double v) {
            return EngAxisTicker::format(std::abs(v) < noiseFloor ? 0.0 : v, r.unit);
        };
        cell(row, ColCrosshair)->setText(shown(r.crosshair));
        cell(row, ColA)->setText(shown(r.a));
        cell(row, ColB)->setText(shown(r.b));
        cell(row, ColDelta)->setText(shown(r.b - r.a));
    }
    m_table->setColumnHidden(ColA, !at.a);
    m_table->setColumnHidden(ColB, !at.b);
    m_table->setColumnHidden(ColDelta, !(at.a && at.b));
    m_summary->setText(summary(at, coordinateName, coordinateUnit));
    // As tall as its rows (up to kMaxRows), so the plot keeps the rest.
    const int shownRows = std::min(static_cast<int>(rows.size()), kMaxRows);
    m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height() +
                            shownRows * m_table->verticalHeader()->defaultSectionSize() +
                            2 * m_table->frameWidth());
    updateVisibility();
}

void CursorReadout::setTableShown(bool on) {
    m_tableShown = on;
    updateVisibility();
}

void CursorReadout::updateVisibility() {
    const bool summaryShown = !m_summary->text().isEmpty();
    const bool tableShown = m_tableShown && m_table->rowCount() > 0;
    m_summary->setVisible(summaryShown);
    m_table->setVisible(tableShown);
    setVisible(summaryShown || tableShown);
}
