#include "ui/plot/plot_panel.h"

#include "ui/plot/decimated_series.h"
#include "ui/plot/eng_axis_ticker.h"

#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QRubberBand>
#include <QSaveFile>
#include <QScopedValueRollback>
#include <QSvgGenerator>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <charconv>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

namespace {

// Distinct on white and from each other; the first ones are the ones seen most.
const QColor kPalette[] = {QColor(31, 119, 180),  QColor(214, 39, 40),   QColor(44, 160, 44),
                           QColor(255, 127, 14),  QColor(148, 103, 189), QColor(140, 86, 75),
                           QColor(227, 119, 194), QColor(23, 190, 207),  QColor(127, 127, 127),
                           QColor(188, 189, 34)};
const QColor kCursorColor(40, 40, 40);
const QColor kCrosshairColor(110, 110, 110);
const QColor kDropHighlight(31, 119, 180, 28);
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kWheelZoomPerNotch = 0.85; // < 1: wheel up zooms in
constexpr int kBandThreshold = 4;           // pixels before a press turns into a box zoom
constexpr int kReadoutMaxRows = 6;          // more traces scroll in the readout

enum ReadoutColumn { ColTrace, ColCrosshair, ColA, ColB, ColDelta, ColCount };

// Shortest text that reads back as the same double, for CSV.
QByteArray csvNumber(double v) {
    if (std::isnan(v))
        return QByteArray();
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return QByteArray(buffer, static_cast<int>(result.ptr - buffer));
}

QByteArray csvField(const QString& text) {
    if (!text.contains(',') && !text.contains('"') && !text.contains('\n'))
        return text.toUtf8();
    QString quoted = text;
    quoted.replace('"', "\"\"");
    return '"' + quoted.toUtf8() + '"';
}

QString withUnit(const QString& name, const QString& unit) {
    return unit.isEmpty() ? name : name + " [" + unit + "]";
}

// Pads a value range so the trace does not touch the pane's frame; a flat trace gets a
// band around its value.
std::pair<double, double> padded(double lo, double hi) {
    if (hi > lo) {
        const double pad = 0.05 * (hi - lo);
        return {lo - pad, hi + pad};
    }
    const double pad = lo == 0 ? 1.0 : 0.1 * std::abs(lo);
    return {lo - pad, hi + pad};
}

// Liang–Barsky: clips the segment to the rectangle; false when nothing of it is inside.
bool clipSegment(QPointF& a, QPointF& b, const QCPRange& xr, const QCPRange& yr) {
    const double dx = b.x() - a.x();
    const double dy = b.y() - a.y();
    const double p[] = {-dx, dx, -dy, dy};
    const double q[] = {a.x() - xr.lower, xr.upper - a.x(), a.y() - yr.lower, yr.upper - a.y()};
    double t0 = 0, t1 = 1;
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return false;
            continue;
        }
        const double r = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, r);
        else
            t1 = std::min(t1, r);
        if (t0 > t1)
            return false;
    }
    const QPointF start = a;
    a = QPointF(start.x() + t0 * dx, start.y() + t0 * dy);
    b = QPointF(start.x() + t1 * dx, start.y() + t1 * dy);
    return true;
}

// The polyline cut to the visible rectangle, with NaN gaps where it leaves and comes back.
// QSvgGenerator (Qt 6.4) writes no clip paths, so an SVG would otherwise show lines running
// over the axes wherever data lies outside the view.
QVector<QCPGraphData> clippedToView(const QCPGraphDataContainer& data, const QCPRange& xr,
                                    const QCPRange& yr) {
    QVector<QPointF> points;
    for (auto it = data.constBegin(); it != data.constEnd(); ++it)
        points.push_back(QPointF(it->key, it->value));
    QVector<QCPGraphData> out;
    if (points.size() == 1 && xr.contains(points[0].x()) && yr.contains(points[0].y()))
        out.push_back(QCPGraphData(points[0].x(), points[0].y()));
    bool connected = false; // does the next piece continue the last one drawn?
    for (int i = 0; i + 1 < points.size(); ++i) {
        QPointF a = points[i], b = points[i + 1];
        if (std::isnan(a.y()) || std::isnan(b.y()) || !clipSegment(a, b, xr, yr)) {
            connected = false;
            continue;
        }
        if (!connected || out.isEmpty() || out.last().key != a.x() || out.last().value != a.y()) {
            if (!out.isEmpty())
                out.push_back(QCPGraphData((out.last().key + a.x()) / 2, kNaN));
            out.push_back(QCPGraphData(a.x(), a.y()));
        }
        out.push_back(QCPGraphData(b.x(), b.y()));
        connected = b == points[i + 1]; // left the view: the next piece starts anew
    }
    return out;
}

QIcon swatch(const QColor& color) {
    QPixmap pixmap(14, 14);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.fillRect(QRect(1, 5, 12, 4), color);
    return QIcon(pixmap);
}

} // namespace

PlotPanel::PlotPanel(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName("plot");
    m_plot->plotLayout()->clear(); // panes come from addPane()
    m_plot->plotLayout()->setRowSpacing(6);
    m_plot->setPlottingHints(QCP::phCacheLabels | QCP::phFastPolylines);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->setInteractions(QCP::iRangeDrag); // wheel and box zoom are ours, see eventFilter
    m_plot->setMouseTracking(true);
    m_plot->setFocusPolicy(Qt::ClickFocus);
    m_plot->setContextMenuPolicy(Qt::PreventContextMenu); // right button: menu or box zoom
    m_plot->installEventFilter(this);
    // Crosshair and cursors get their own buffer, so following the mouse redraws only them.
    m_plot->addLayer("cursors", m_plot->layer("main"), QCustomPlot::limAbove);
    m_cursorLayer = m_plot->layer("cursors");
    m_cursorLayer->setMode(QCPLayer::lmBuffered);
    m_marginGroup = new QCPMarginGroup(m_plot);
    m_xTicker.reset(new EngAxisTicker(m_coordinateUnit));
    m_xLogTicker.reset(new QCPAxisTickerLog);
    m_xLogTicker->setLogBase(10);
    m_xLogTicker->setSubTickCount(8);
    connect(m_plot, &QCustomPlot::beforeReplot, this, &PlotPanel::feedGraphs);

    m_summary = new QLabel(this);
    m_summary->setObjectName("cursorSummary");
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setContentsMargins(6, 2, 6, 2);

    m_readout = new QTableWidget(0, ColCount, this);
    m_readout->setObjectName("readout");
    m_readout->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_readout->setSelectionMode(QAbstractItemView::NoSelection);
    m_readout->setFocusPolicy(Qt::NoFocus);
    m_readout->setShowGrid(false);
    m_readout->setAlternatingRowColors(true);
    m_readout->setWordWrap(false);
    m_readout->verticalHeader()->hide();
    m_readout->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_readout->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_readout->horizontalHeader()->setStretchLastSection(false);
    m_readout->horizontalHeader()->setMinimumSectionSize(110); // values don't jostle the columns
    m_readout->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);

    // The readout is exactly as tall as its rows (see updateReadout); the plot takes the rest.
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_summary);
    layout->addWidget(m_readout);

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(kRefreshIntervalMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &PlotPanel::refresh);

    setAcceptDrops(true);
    setFocusProxy(m_plot);
    updateReadout();
}

PlotPanel::~PlotPanel() {
    // Delete the plot while our members still exist, and deaf to its signals: QWidget would
    // delete it only after m_panes and m_traces are gone.
    m_refreshTimer->stop();
    m_plot->removeEventFilter(this); // its destructor still sends a Leave event
    disconnect(m_plot, nullptr, this, nullptr);
    for (const auto& pane : m_panes)
        for (auto* axis : pane.rect->axes())
            disconnect(axis, nullptr, this, nullptr);
    delete m_plot;
    m_plot = nullptr;
}

// --- panes -------------------------------------------------------------------------------

int PlotPanel::addPane() {
    const auto [lower, upper] = xRange();
    Pane pane;
    pane.rect = new QCPAxisRect(m_plot, true);
    const int index = paneCount();
    m_plot->plotLayout()->addElement(index, 0, pane.rect);
    pane.rect->setMarginGroup(QCP::msLeft | QCP::msRight, m_marginGroup);
    auto* x = pane.rect->axis(QCPAxis::atBottom);
    auto* y = pane.rect->axis(QCPAxis::atLeft);
    if (m_logX) {
        x->setScaleType(QCPAxis::stLogarithmic);
        x->setTicker(m_xLogTicker);
        x->setNumberFormat("eb");
        x->setNumberPrecision(0);
    } else {
        x->setTicker(m_xTicker);
    }
    pane.yTicker.reset(new EngAxisTicker);
    y->setTicker(pane.yTicker);
    for (auto* axis : {x, y}) {
        axis->grid()->setPen(QPen(QColor(0, 0, 0, 28), 1, Qt::SolidLine));
        axis->grid()->setZeroLinePen(QPen(QColor(0, 0, 0, 70), 1));
        axis->setBasePen(QPen(QColor(90, 90, 90), 1));
        axis->setTickPen(QPen(QColor(90, 90, 90), 1));
        axis->setSubTickPen(QPen(QColor(90, 90, 90), 1));
        axis->setTickLabelColor(QColor(50, 50, 50));
    }
    // A frame on the other two sides, without ticks, so stacked panes read as boxes.
    for (auto type : {QCPAxis::atTop, QCPAxis::atRight}) {
        auto* axis = pane.rect->axis(type);
        axis->setVisible(true);
        axis->setTicks(false);
        axis->setTickLabels(false);
        axis->setBasePen(QPen(QColor(90, 90, 90), 1));
    }
    {
        QScopedValueRollback guard(m_programmatic, true);
        x->setRange(lower, upper);
    }
    pane.rect->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    pane.rect->setRangeDragAxes(x, y);

    pane.legend = new QCPLegend;
    pane.rect->insetLayout()->addElement(pane.legend, Qt::AlignTop | Qt::AlignRight);
    pane.legend->setLayer("legend");
    pane.legend->setVisible(true);
    pane.legend->setSelectableParts(QCPLegend::spNone);
    pane.legend->setBrush(QColor(255, 255, 255, 215));
    pane.legend->setBorderPen(QPen(QColor(0, 0, 0, 50)));
    QFont legendFont = font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
    pane.legend->setFont(legendFont);
    pane.legend->setRowSpacing(0);
    pane.legend->setIconSize(18, 8);

    auto makeLine = [&](const QPen& pen) {
        auto* line = new QCPItemStraightLine(m_plot);
        line->setLayer(m_cursorLayer);
        line->setClipAxisRect(pane.rect);
        line->setSelectable(false);
        line->setPen(pen);
        for (auto* position : {line->point1, line->point2}) {
            position->setAxisRect(pane.rect);
            position->setAxes(x, y);
        }
        line->setVisible(false);
        return line;
    };
    auto makeLabel = [&](const QString& text, Qt::Alignment align) {
        auto* label = new QCPItemText(m_plot);
        label->setLayer(m_cursorLayer);
        label->setClipAxisRect(pane.rect);
        label->setSelectable(false);
        label->position->setAxisRect(pane.rect);
        label->position->setAxes(x, y);
        label->position->setTypeX(QCPItemPosition::ptPlotCoords);
        label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        label->setPositionAlignment(align);
        label->setText(text);
        label->setColor(Qt::white);
        label->setBrush(kCursorColor);
        label->setPadding(QMargins(4, 1, 4, 1));
        label->setVisible(false);
        return label;
    };
    pane.crosshairLine = makeLine(QPen(kCrosshairColor, 1, Qt::DotLine));
    pane.cursorLineA = makeLine(QPen(kCursorColor, 1, Qt::DashLine));
    pane.cursorLineB = makeLine(QPen(kCursorColor, 1, Qt::DashDotLine));
    pane.cursorLabelA = makeLabel("A", Qt::AlignTop | Qt::AlignHCenter);
    pane.cursorLabelB = makeLabel("B", Qt::AlignTop | Qt::AlignHCenter);
    // The crosshair's x sits over the tick labels under the bottom pane, like an axis tag.
    pane.crosshairLabel = makeLabel(QString(), Qt::AlignTop | Qt::AlignHCenter);
    pane.crosshairLabel->setClipToAxisRect(false);
    pane.crosshairLabel->setBrush(QColor(255, 255, 240));
    pane.crosshairLabel->setColor(QColor(30, 30, 30));
    pane.crosshairLabel->setPen(QPen(kCrosshairColor));

    QCPAxisRect* rect = pane.rect;
    connect(x, QOverload<const QCPRange&>::of(&QCPAxis::rangeChanged), this,
            [this, x](const QCPRange&) { onXRangeChanged(x); });
    connect(y, QOverload<const QCPRange&>::of(&QCPAxis::rangeChanged), this,
            [this, rect](const QCPRange&) {
                const int p = paneOf(rect);
                if (!m_programmatic && p >= 0)
                    m_panes[static_cast<size_t>(p)].followY = false;
            });
    m_panes.push_back(pane);
    updatePaneAxes();
    updateOverlay();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return index;
}

void PlotPanel::removePane(int index) {
    if (index < 0 || index >= paneCount())
        return;
    const Pane pane = m_panes[static_cast<size_t>(index)];
    for (int i = static_cast<int>(m_traces.size()) - 1; i >= 0; --i)
        if (m_traces[static_cast<size_t>(i)].rect == pane.rect)
            removeTrace(m_traces[static_cast<size_t>(i)].cref);
    for (QCPAbstractItem* item : std::initializer_list<QCPAbstractItem*>{
             pane.crosshairLine, pane.cursorLineA, pane.cursorLineB, pane.cursorLabelA,
             pane.cursorLabelB, pane.crosshairLabel})
        m_plot->removeItem(item);
    m_panes.erase(m_panes.begin() + index);
    if (m_dropHighlight == index)
        m_dropHighlight = -1;
    else if (m_dropHighlight > index)
        --m_dropHighlight;
    m_plot->plotLayout()->remove(pane.rect); // deletes the rect, its axes and its legend
    m_plot->plotLayout()->simplify();
    updatePaneAxes();
    updateOverlay();
    updateReadout();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotPanel::clear() {
    while (paneCount() > 0)
        removePane(paneCount() - 1);
}

// Only the bottom pane labels the shared x axis; the ones above keep their ticks.
void PlotPanel::updatePaneAxes() {
    for (size_t i = 0; i < m_panes.size(); ++i) {
        auto* x = m_panes[i].rect->axis(QCPAxis::atBottom);
        const bool bottom = i + 1 == m_panes.size();
        x->setTickLabels(bottom);
    }
}

// A pane's y labels carry the unit its traces share; mixed units get the prefix only.
void PlotPanel::updatePaneUnit(int pane) {
    if (pane < 0 || pane >= paneCount())
        return;
    const auto& p = m_panes[static_cast<size_t>(pane)];
    QString unit;
    bool first = true;
    for (const auto& t : m_traces) {
        if (t.rect != p.rect)
            continue;
        if (first)
            unit = t.unit;
        else if (unit != t.unit)
            unit.clear();
        first = false;
    }
    p.yTicker->setUnit(unit);
}

QCPAxisRect* PlotPanel::paneRect(int pane) const {
    if (pane < 0 || pane >= paneCount())
        return nullptr;
    return m_panes[static_cast<size_t>(pane)].rect;
}

QCPAxis* PlotPanel::xAxis(int pane) const {
    auto* rect = paneRect(pane);
    return rect ? rect->axis(QCPAxis::atBottom) : nullptr;
}

QCPAxis* PlotPanel::yAxis(int pane) const {
    auto* rect = paneRect(pane);
    return rect ? rect->axis(QCPAxis::atLeft) : nullptr;
}

int PlotPanel::paneOf(const QCPAxisRect* rect) const {
    for (size_t i = 0; i < m_panes.size(); ++i)
        if (m_panes[i].rect == rect)
            return static_cast<int>(i);
    return -1;
}

int PlotPanel::paneAt(const QPoint& plotPos) const {
    for (size_t i = 0; i < m_panes.size(); ++i)
        if (m_panes[i].rect->outerRect().contains(plotPos))
            return static_cast<int>(i);
    return -1;
}

// --- traces ------------------------------------------------------------------------------

bool PlotPanel::addTrace(const QString& cref, const QString& label, const QString& unit,
                         std::shared_ptr<const DecimatedSeries> series, int pane) {
    if (!series || hasTrace(cref))
        return false;
    if (pane == -1) {
        if (m_panes.empty())
            addPane();
        pane = paneCount() - 1;
    }
    if (pane < 0 || pane >= paneCount())
        return false;
    Trace trace;
    trace.cref = cref;
    trace.label = label.isEmpty() ? cref : label;
    trace.unit = unit;
    trace.series = std::move(series);
    trace.rect = m_panes[static_cast<size_t>(pane)].rect;
    trace.color = nextColor();
    trace.graph = m_plot->addGraph(xAxis(pane), yAxis(pane));
    trace.graph->setName(trace.label);
    trace.graph->setPen(QPen(trace.color, 1.5));
    trace.graph->setLineStyle(QCPGraph::lsLine);
    trace.graph->setAdaptiveSampling(false); // the data is already one min/max per column
    trace.graph->setSelectable(QCP::stNone);
    trace.graph->removeFromLegend();
    trace.graph->addToLegend(m_panes[static_cast<size_t>(pane)].legend);
    m_traces.push_back(trace);
    updatePaneUnit(pane);
    // Show the new trace at once (an export may come before the next refresh).
    if (m_autoScroll)
        followData();
    if (m_panes[static_cast<size_t>(pane)].followY) {
        const auto [lower, upper] = xRange();
        fitY(pane, lower, upper);
    }
    updateReadout();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return true;
}

bool PlotPanel::removeTrace(const QString& cref) {
    const int index = findTrace(cref);
    if (index < 0)
        return false;
    const Trace trace = m_traces[static_cast<size_t>(index)];
    const int pane = paneOf(trace.rect);
    if (pane >= 0)
        trace.graph->removeFromLegend(m_panes[static_cast<size_t>(pane)].legend);
    m_plot->removeGraph(trace.graph);
    m_traces.erase(m_traces.begin() + index);
    updatePaneUnit(pane);
    updateReadout();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return true;
}

int PlotPanel::findTrace(const QString& cref) const {
    for (size_t i = 0; i < m_traces.size(); ++i)
        if (m_traces[i].cref == cref)
            return static_cast<int>(i);
    return -1;
}

QStringList PlotPanel::traces() const {
    QStringList result;
    for (const auto& t : m_traces)
        result << t.cref;
    return result;
}

int PlotPanel::tracePane(const QString& cref) const {
    const int index = findTrace(cref);
    return index < 0 ? -1 : paneOf(m_traces[static_cast<size_t>(index)].rect);
}

int PlotPanel::pointCount(const QString& cref) const {
    const int index = findTrace(cref);
    return index < 0 ? -1 : static_cast<int>(m_traces[static_cast<size_t>(index)].series->size());
}

QColor PlotPanel::traceColor(const QString& cref) const {
    const int index = findTrace(cref);
    return index < 0 ? QColor() : m_traces[static_cast<size_t>(index)].color;
}

bool PlotPanel::setTraceColor(const QString& cref, const QColor& color) {
    const int index = findTrace(cref);
    if (index < 0 || !color.isValid())
        return false;
    auto& trace = m_traces[static_cast<size_t>(index)];
    trace.color = color;
    trace.graph->setPen(QPen(color, 1.5));
    updateReadout(); // its swatches
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return true;
}

QCPGraph* PlotPanel::graph(const QString& cref) const {
    const int index = findTrace(cref);
    return index < 0 ? nullptr : m_traces[static_cast<size_t>(index)].graph;
}

// The first palette colour no trace wears; past ten traces colours repeat.
QColor PlotPanel::nextColor() const {
    for (const QColor& color : kPalette) {
        bool used = false;
        for (const auto& t : m_traces)
            used = used || t.color == color;
        if (!used)
            return color;
    }
    return kPalette[m_traces.size() % std::size(kPalette)];
}

void PlotPanel::setCoordinate(const QString& name, const QString& unit) {
    m_coordinateName = name;
    m_coordinateUnit = unit;
    m_xTicker->setUnit(unit);
    m_logX = name == "frequency";
    for (int p = 0; p < paneCount(); ++p) {
        auto* x = xAxis(p);
        x->setScaleType(m_logX ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
        if (m_logX) {
            x->setTicker(m_xLogTicker);
            x->setNumberFormat("eb"); // 10⁶ rather than 1e+06
            x->setNumberPrecision(0);
        } else {
            x->setTicker(m_xTicker);
        }
    }

    updateOverlay();
    updateReadout();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

// --- drawing -----------------------------------------------------------------------------

// Runs before every replot: hands each graph the min/max-per-column view of its visible range.
void PlotPanel::feedGraphs() {
    if (m_traces.empty())
        return;
    // beforeReplot comes before QCustomPlot lays out; lay out now so the widths are the ones
    // about to be drawn (after a resize, say).
    auto* layout = m_plot->plotLayout();
    layout->update(QCPLayoutElement::upPreparation);
    layout->update(QCPLayoutElement::upMargins);
    layout->update(QCPLayoutElement::upLayout);
    const double ratio = m_plot->devicePixelRatioF();
    for (auto& t : m_traces) {
        const QCPRange range = t.graph->keyAxis()->range();
        const int buckets = std::max(1, static_cast<int>(std::lround(t.rect->width() * ratio)));
        const size_t size = t.series->size();
        if (range.lower == t.fedLower && range.upper == t.fedUpper && buckets == t.fedBuckets &&
            size == t.fedSize)
            continue;
        t.series->decimate(range.lower, range.upper, static_cast<size_t>(buckets), m_xs, m_ys);
        QVector<QCPGraphData> data(static_cast<int>(m_xs.size()));
        for (size_t i = 0; i < m_xs.size(); ++i)
            data[static_cast<int>(i)] = QCPGraphData(m_xs[i], m_ys[i]);
        t.graph->data()->set(data, true);
        t.fedLower = range.lower;
        t.fedUpper = range.upper;
        t.fedBuckets = buckets;
        t.fedSize = size;
    }
}

void PlotPanel::clipGraphsToView() {
    for (auto& t : m_traces) {
        t.graph->data()->set(clippedToView(*t.graph->data(), t.graph->keyAxis()->range(),
                                           t.graph->valueAxis()->range()),
                             true);
        t.fedBuckets = -1;
    }
}

void PlotPanel::dataChanged() {
    // The first call after a redraw arms the timer; the ones until it fires ride along.
    if (!m_refreshTimer->isActive())
        m_refreshTimer->start();
}

void PlotPanel::refresh() {
    if (m_autoScroll)
        followData();
    const auto [lower, upper] = xRange();
    for (int p = 0; p < paneCount(); ++p)
        if (m_panes[static_cast<size_t>(p)].followY)
            fitY(p, lower, upper);
    updateReadout();
    m_plot->replot();
}

// The x extent of all traces' data; lower > upper when there is none.
std::pair<double, double> PlotPanel::dataXRange() const {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (const auto& t : m_traces)
        if (const auto r = t.series->xRange()) {
            lo = std::min(lo, r->lower);
            hi = std::max(hi, r->upper);
        }
    return {lo, hi};
}

// Autoscroll: a view that starts at the data's start grows with it; a zoomed-in view keeps
// its span and slides so the newest sample sits at the right edge.
void PlotPanel::followData() {
    const auto [lo, hi] = dataXRange();
    if (!(hi >= lo) || m_panes.empty())
        return;
    const auto [lower, upper] = xRange();
    const double span = upper - lower;
    if (hi == lo) { // one sample so far: a zero-width range would be refused
        const auto [padLo, padHi] = padded(lo, hi);
        setXRangeInternal(padLo, padHi);
    } else if (lower <= lo || span >= hi - lo) {
        setXRangeInternal(lo, hi);
    } else {
        setXRangeInternal(hi - span, hi);
    }
}

void PlotPanel::fitY(int pane, double xlo, double xhi) {
    const auto* rect = m_panes[static_cast<size_t>(pane)].rect;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (const auto& t : m_traces)
        if (t.rect == rect)
            if (const auto r = t.series->yRange(xlo, xhi)) {
                lo = std::min(lo, r->lower);
                hi = std::max(hi, r->upper);
            }
    if (!(hi >= lo))
        return;
    const auto [padLo, padHi] = padded(lo, hi);
    QScopedValueRollback guard(m_programmatic, true);
    yAxis(pane)->setRange(padLo, padHi);
}

void PlotPanel::fitAll() {
    const auto [lo, hi] = dataXRange();
    if (hi >= lo) {
        if (hi == lo) {
            const auto [padLo, padHi] = padded(lo, hi);
            setXRangeInternal(padLo, padHi);
        } else {
            setXRangeInternal(lo, hi);
        }
        for (int p = 0; p < paneCount(); ++p) {
            m_panes[static_cast<size_t>(p)].followY = true;
            fitY(p, lo, hi);
        }
    }
    updateReadout();
    m_plot->replot();
}

void PlotPanel::setAutoScroll(bool on) {
    if (m_autoScroll == on)
        return;
    m_autoScroll = on;
    emit autoScrollChanged(on);
    if (on)
        dataChanged();
}

void PlotPanel::setXRange(double lower, double upper) {
    setAutoScroll(false);
    setXRangeInternal(lower, upper);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

std::pair<double, double> PlotPanel::xRange() const {
    if (m_panes.empty())
        return {0.0, 1.0};
    const QCPRange r = xAxis(0)->range();
    return {r.lower, r.upper};
}

std::pair<double, double> PlotPanel::yRange(int pane) const {
    auto* axis = yAxis(pane);
    if (!axis)
        return {kNaN, kNaN};
    return {axis->range().lower, axis->range().upper};
}

void PlotPanel::setXRangeInternal(double lower, double upper) {
    if (m_panes.empty())
        return;
    QScopedValueRollback guard(m_programmatic, true);
    xAxis(0)->setRange(lower, upper); // the other panes follow in onXRangeChanged
}

// One x range for all panes, whichever pane the user dragged or zoomed.
void PlotPanel::onXRangeChanged(QCPAxis* source) {
    if (m_syncingX)
        return;
    QScopedValueRollback guard(m_syncingX, true);
    for (int p = 0; p < paneCount(); ++p)
        if (xAxis(p) != source)
            xAxis(p)->setRange(source->range());
    if (!m_programmatic)
        setAutoScroll(false);
}

// --- crosshair and cursors ---------------------------------------------------------------

void PlotPanel::setCrosshair(double x) {
    m_crosshair = x;
    updateOverlay();
    updateReadout();
    replotOverlay();
}

void PlotPanel::hideCrosshair() {
    if (!m_crosshair)
        return;
    m_crosshair.reset();
    updateOverlay();
    updateReadout();
    replotOverlay();
}

void PlotPanel::setCursorA(double x) {
    m_cursorA = x;
    updateOverlay();
    updateReadout();
    replotOverlay();
    emit cursorsChanged();
}

void PlotPanel::setCursorB(double x) {
    m_cursorB = x;
    updateOverlay();
    updateReadout();
    replotOverlay();
    emit cursorsChanged();
}

void PlotPanel::clearCursors() {
    m_cursorA.reset();
    m_cursorB.reset();
    updateOverlay();
    updateReadout();
    replotOverlay();
    emit cursorsChanged();
}

void PlotPanel::updateOverlay() {
    auto place = [](QCPItemStraightLine* line, const std::optional<double>& x) {
        line->setVisible(x.has_value());
        if (x) {
            line->point1->setCoords(*x, 0);
            line->point2->setCoords(*x, 1);
        }
    };
    auto tag = [](QCPItemText* label, const std::optional<double>& x, bool shown, double ratio) {
        label->setVisible(shown && x.has_value());
        if (x)
            label->position->setCoords(*x, ratio);
    };
    for (size_t i = 0; i < m_panes.size(); ++i) {
        const auto& pane = m_panes[i];
        place(pane.crosshairLine, m_crosshair);
        place(pane.cursorLineA, m_cursorA);
        place(pane.cursorLineB, m_cursorB);
        tag(pane.cursorLabelA, m_cursorA, i == 0, 0.0);
        tag(pane.cursorLabelB, m_cursorB, i == 0, 0.0);
        tag(pane.crosshairLabel, m_crosshair, i + 1 == m_panes.size(), 1.0);
        if (m_crosshair)
            pane.crosshairLabel->setText(EngAxisTicker::format(*m_crosshair, m_coordinateUnit, 5));
    }
}

void PlotPanel::replotOverlay() {
    // A buffered layer redraws alone; the graphs' buffer is reused untouched.
    m_cursorLayer->replot();
}

std::vector<PlotPanel::TraceReadout> PlotPanel::readout() const {
    std::vector<TraceReadout> rows;
    for (const auto& t : m_traces) {
        auto at = [&](const std::optional<double>& x) { return x ? t.series->valueAt(*x) : kNaN; };
        rows.push_back({t.cref, t.label, t.unit, at(m_crosshair), at(m_cursorA), at(m_cursorB)});
    }
    return rows;
}

QString PlotPanel::cursorSummary() const {
    const QString& unit = m_coordinateUnit;
    QStringList parts;
    if (m_cursorA)
        parts << "A " + EngAxisTicker::format(*m_cursorA, unit, 5);
    if (m_cursorB)
        parts << "B " + EngAxisTicker::format(*m_cursorB, unit, 5);
    if (m_cursorA && m_cursorB) {
        const QString symbol = m_coordinateName == "time"        ? "t"
                               : m_coordinateName == "frequency" ? "f"
                                                                 : "x";
        const double delta = *m_cursorB - *m_cursorA;
        parts << "Δ" + symbol + " " + EngAxisTicker::format(delta, unit, 5);
        if (unit == "s" && delta != 0)
            parts << "1/Δt " + EngAxisTicker::format(1.0 / std::abs(delta), "Hz", 5);
    }
    return parts.join("     ");
}

void PlotPanel::updateReadout() {
    const auto rows = readout();
    const QString& unit = m_coordinateUnit;
    auto header = [&](const QString& name, const std::optional<double>& x) {
        return x ? name + " @ " + EngAxisTicker::format(*x, unit, 5) : name;
    };
    m_readout->setHorizontalHeaderLabels({"Trace", header("Crosshair", m_crosshair),
                                          header("A", m_cursorA), header("B", m_cursorB), "B − A"});
    for (int column = ColCrosshair; column < ColCount; ++column) // numbers line up right
        m_readout->horizontalHeaderItem(column)->setTextAlignment(Qt::AlignRight |
                                                                  Qt::AlignVCenter);
    m_readout->setRowCount(static_cast<int>(rows.size()));
    auto cell = [&](int row, int column) {
        auto* item = m_readout->item(row, column);
        if (!item) {
            item = new QTableWidgetItem;
            item->setTextAlignment(column == ColTrace ? Qt::AlignLeft | Qt::AlignVCenter
                                                      : Qt::AlignRight | Qt::AlignVCenter);
            m_readout->setItem(row, column, item);
        }
        return item;
    };
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        const int row = static_cast<int>(i);
        auto* name = cell(row, ColTrace);
        name->setText(r.label);
        name->setToolTip(withUnit(r.cref, r.unit));
        name->setIcon(swatch(m_traces[i].color));
        // Below a billionth of the pane's scale a value is rounding, not signal: sin(π) reads
        // "0 V", not "12.25 aV"; 1.5 mA − 1.5 mA reads "0 A".
        const auto [ylo, yhi] = yRange(paneOf(m_traces[i].rect));
        const double noiseFloor = 1e-9 * std::max(std::abs(ylo), std::abs(yhi));
        auto shown = [&](double v) {
            return EngAxisTicker::format(std::abs(v) < noiseFloor ? 0.0 : v, r.unit);
        };
        cell(row, ColCrosshair)->setText(shown(r.crosshair));
        cell(row, ColA)->setText(shown(r.a));
        cell(row, ColB)->setText(shown(r.b));
        cell(row, ColDelta)->setText(shown(r.b - r.a));
    }
    m_readout->setColumnHidden(ColA, !m_cursorA);
    m_readout->setColumnHidden(ColB, !m_cursorB);
    m_readout->setColumnHidden(ColDelta, !(m_cursorA && m_cursorB));
    const QString summary = cursorSummary();
    m_summary->setText(summary);
    m_summary->setVisible(!summary.isEmpty());
    m_readout->setVisible(m_showReadout && !rows.empty());
    // As tall as its rows (up to kReadoutMaxRows), so the plot keeps the rest.
    const int shown = std::min(static_cast<int>(rows.size()), kReadoutMaxRows);
    m_readout->setFixedHeight(m_readout->horizontalHeader()->sizeHint().height() +
                              shown * m_readout->verticalHeader()->defaultSectionSize() +
                              2 * m_readout->frameWidth());
}

// --- mouse and keys ----------------------------------------------------------------------

double PlotPanel::xAtPixel(int px) const {
    auto* axis = xAxis(0); // panes share their left and right margins, so any pane will do
    return axis ? axis->pixelToCoord(px) : kNaN;
}

bool PlotPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched != m_plot)
        return QWidget::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::MouseMove: {
        auto* me = static_cast<QMouseEvent*>(event);
        const QPoint pos = me->position().toPoint();
        if (m_bandButton != Qt::NoButton) {
            if (!m_band)
                m_band = new QRubberBand(QRubberBand::Rectangle, m_plot);
            if (m_band->isVisible() || (pos - m_bandOrigin).manhattanLength() >= kBandThreshold) {
                m_band->setGeometry(QRect(m_bandOrigin, pos).normalized());
                m_band->show();
            }
            return true;
        }
        const int pane = paneAt(pos);
        if (pane >= 0 && m_panes[static_cast<size_t>(pane)].rect->rect().contains(pos))
            setCrosshair(xAtPixel(pos.x()));
        else
            hideCrosshair();
        return false; // QCustomPlot still drags
    }
    case QEvent::MouseButtonPress: {
        auto* me = static_cast<QMouseEvent*>(event);
        if (me->button() == Qt::RightButton ||
            (me->button() == Qt::LeftButton && me->modifiers().testFlag(Qt::ShiftModifier))) {
            m_bandButton = me->button();
            m_bandOrigin = me->position().toPoint();
            m_bandPane = paneAt(m_bandOrigin);
            return true;
        }
        return false;
    }
    case QEvent::MouseButtonRelease: {
        auto* me = static_cast<QMouseEvent*>(event);
        if (m_bandButton == Qt::NoButton || me->button() != m_bandButton)
            return false;
        const bool dragged = m_band && m_band->isVisible();
        const Qt::MouseButton button = m_bandButton;
        m_bandButton = Qt::NoButton;
        if (dragged) {
            m_band->hide();
            zoomToBand(m_band->geometry(), m_bandPane);
        } else if (button == Qt::RightButton) {
            auto* menu = createContextMenu(me->position().toPoint());
            menu->setAttribute(Qt::WA_DeleteOnClose);
            menu->popup(me->globalPosition().toPoint());
        }
        return true;
    }
    case QEvent::MouseButtonDblClick: {
        auto* me = static_cast<QMouseEvent*>(event);
        if (me->button() != Qt::LeftButton)
            return false;
        fitAll();
        setAutoScroll(true);
        return true;
    }
    case QEvent::Wheel: {
        auto* we = static_cast<QWheelEvent*>(event);
        const QPoint pos = we->position().toPoint();
        const int pane = paneAt(pos);
        const double notches = we->angleDelta().y() / 120.0;
        if (pane < 0 || notches == 0)
            return true;
        const double factor = std::pow(kWheelZoomPerNotch, notches);
        if (we->modifiers().testFlag(Qt::ControlModifier)) {
            auto* y = yAxis(pane);
            y->scaleRange(factor, y->pixelToCoord(pos.y())); // stops this pane following y
        } else {
            auto* x = xAxis(pane);
            x->scaleRange(factor, x->pixelToCoord(pos.x())); // stops autoscroll
        }
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return true;
    }
    case QEvent::Leave:
        hideCrosshair();
        return false;
    case QEvent::KeyPress: {
        auto* ke = static_cast<QKeyEvent*>(event);
        switch (ke->key()) {
        case Qt::Key_A:
            if (m_crosshair)
                setCursorA(*m_crosshair);
            return true;
        case Qt::Key_B:
            if (m_crosshair)
                setCursorB(*m_crosshair);
            return true;
        case Qt::Key_Escape:
            clearCursors();
            return true;
        case Qt::Key_Home:
            fitAll();
            return true;
        default:
            return false;
        }
    }
    default:
        return false;
    }
}

void PlotPanel::zoomToBand(const QRect& band, int pane) {
    if (band.width() >= kBandThreshold) {
        const double x0 = xAtPixel(band.left());
        const double x1 = xAtPixel(band.right());
        if (x1 > x0) {
            setAutoScroll(false);
            setXRangeInternal(x0, x1);
        }
    }
    if (pane >= 0 && band.height() >= kBandThreshold) {
        auto* y = yAxis(pane);
        const QRect inner = m_panes[static_cast<size_t>(pane)].rect->rect();
        const QRect clipped = band.intersected(inner);
        if (clipped.height() >= kBandThreshold) {
            y->setRange(y->pixelToCoord(clipped.bottom()), y->pixelToCoord(clipped.top()));
            m_panes[static_cast<size_t>(pane)].followY = false;
        }
    }
    m_plot->replot();
}

QMenu* PlotPanel::createContextMenu(const QPoint& plotPos) {
    auto* menu = new QMenu(this);
    const double x = xAtPixel(plotPos.x());
    const bool inPane = paneAt(plotPos) >= 0 && std::isfinite(x);
    menu->addAction("Set cursor A here", this, [this, x] { setCursorA(x); })->setEnabled(inPane);
    menu->addAction("Set cursor B here", this, [this, x] { setCursorB(x); })->setEnabled(inPane);
    menu->addAction("Clear cursors", this, &PlotPanel::clearCursors)
        ->setEnabled(m_cursorA || m_cursorB);
    menu->addSeparator();
    menu->addAction("Fit all", this, &PlotPanel::fitAll);
    auto* follow = menu->addAction("Autoscroll", this, &PlotPanel::setAutoScroll);
    follow->setCheckable(true);
    follow->setChecked(m_autoScroll);
    auto* readout = menu->addAction("Show readout", this, [this](bool on) {
        m_showReadout = on;
        updateReadout();
    });
    readout->setCheckable(true);
    readout->setChecked(m_showReadout);
    menu->addSeparator();
    menu->addAction("Export image…", this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, "Export plot", "plot.png",
                                                          "Images (*.png *.svg *.pdf)");
        QString error;
        if (!path.isEmpty() && !exportImage(path, &error))
            QMessageBox::warning(this, "Export", error);
    });
    menu->addAction("Export CSV…", this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, "Export visible data", "plot.csv", "CSV (*.csv)");
        QString error;
        if (!path.isEmpty() && !exportCsv(path, &error))
            QMessageBox::warning(this, "Export", error);
    });
    return menu;
}

// --- drops -------------------------------------------------------------------------------

void PlotPanel::setDropHighlight(int pane) {
    if (pane == m_dropHighlight)
        return;
    if (auto* old = paneRect(m_dropHighlight))
        old->setBackground(Qt::NoBrush);
    m_dropHighlight = pane;
    if (auto* rect = paneRect(pane))
        rect->setBackground(kDropHighlight);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotPanel::dragEnterEvent(QDragEnterEvent* event) {
    if (!event->mimeData()->hasFormat(kCrefMimeType)) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    setDropHighlight(paneAt(m_plot->mapFrom(this, event->position().toPoint())));
}

void PlotPanel::dragMoveEvent(QDragMoveEvent* event) {
    if (!event->mimeData()->hasFormat(kCrefMimeType)) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    setDropHighlight(paneAt(m_plot->mapFrom(this, event->position().toPoint())));
}

void PlotPanel::dragLeaveEvent(QDragLeaveEvent*) {
    setDropHighlight(-1);
}

void PlotPanel::dropEvent(QDropEvent* event) {
    setDropHighlight(-1);
    if (!event->mimeData()->hasFormat(kCrefMimeType)) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    const int pane = paneAt(m_plot->mapFrom(this, event->position().toPoint()));
    const QString text = QString::fromUtf8(event->mimeData()->data(kCrefMimeType));
    for (const QString& line : text.split('\n', Qt::SkipEmptyParts)) {
        const QString cref = line.trimmed();
        if (!cref.isEmpty())
            emit traceDropped(cref, pane);
    }
}

// --- export ------------------------------------------------------------------------------

bool PlotPanel::exportImage(const QString& path, QString* error) {
    auto fail = [&](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (m_refreshTimer->isActive()) { // export what the next redraw would show
        m_refreshTimer->stop();
        refresh();
    }
    feedGraphs(); // a plot never shown has not been fed yet
    bool ok = false;
    if (suffix == "png") {
        ok = m_plot->savePng(path);
    } else if (suffix == "pdf") {
        ok = m_plot->savePdf(path);
    } else if (suffix == "svg") {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(m_plot->size());
        generator.setViewBox(QRect(QPoint(0, 0), m_plot->size()));
        generator.setTitle("Wavebench plot");
        clipGraphsToView();
        QCPPainter painter;
        if (painter.begin(&generator)) {
            m_plot->toPainter(&painter, m_plot->width(), m_plot->height());
            ok = painter.end();
        }
        for (auto& t : m_traces)
            t.fedBuckets = -1; // back to the plain decimated view
        feedGraphs();
    } else {
        return fail(path + ": unknown image type (use .png, .pdf or .svg)");
    }
    if (!ok || QFileInfo(path).size() == 0)
        return fail("cannot write " + path);
    return true;
}

bool PlotPanel::exportCsv(const QString& path, QString* error) {
    auto fail = [&](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (m_traces.empty())
        return fail("no traces to export");
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail("cannot write " + path + ": " + file.errorString());
    QByteArray header = csvField(withUnit(m_coordinateName, m_coordinateUnit));
    for (const auto& t : m_traces)
        header += ',' + csvField(withUnit(t.cref, t.unit));
    file.write(header + '\n');
    const auto [lower, upper] = xRange();
    const DecimatedSeries& first = *m_traces.front().series;
    const size_t end = first.upperBound(upper);
    QByteArray row;
    for (size_t i = first.lowerBound(lower); i < end; ++i) {
        const double x = first.x(i);
        row = csvNumber(x);
        row += ',' + csvNumber(first.y(i));
        for (size_t t = 1; t < m_traces.size(); ++t)
            row += ',' + csvNumber(m_traces[t].series->valueAt(x));
        row += '\n';
        file.write(row);
    }
    if (!file.commit())
        return fail("cannot write " + path + ": " + file.errorString());
    return true;
}
