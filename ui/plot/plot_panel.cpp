#include "ui/plot/plot_panel.h"

#include "ui/plot/cursor_readout.h"
#include "ui/plot/decimated_series.h"
#include "ui/plot/eng_axis_ticker.h"
#include "ui/plot/plot_exporter.h"
#include "ui/plot/plot_interaction.h"

#include <QDragEnterEvent>
#include <QMimeData>
#include <QScopedValueRollback>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

namespace {

const QColor kCursorColor(40, 40, 40);
const QColor kCrosshairColor(110, 110, 110);
const QColor kDropHighlight(31, 119, 180, 28);
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Errors at the panel's API are out-parameters, as its callers expect.
bool reported(const Result<bool>& result, QString* error) {
    if (!result && error)
        *error = QString::fromStdString(result.error());
    return result.ok();
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

} // namespace

PlotPanel::PlotPanel(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName("plot");
    m_plot->plotLayout()->clear(); // panes come from addPane()
    m_plot->plotLayout()->setRowSpacing(6);
    m_plot->setPlottingHints(QCP::phCacheLabels | QCP::phFastPolylines);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->setInteractions(QCP::iRangeDrag); // wheel and box zoom: PlotInteraction
    m_plot->setMouseTracking(true);
    m_plot->setFocusPolicy(Qt::ClickFocus);
    m_plot->setContextMenuPolicy(Qt::PreventContextMenu); // right button: menu or box zoom
    m_interaction = new PlotInteraction(*this, *m_plot);
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

    // The readout is exactly as tall as its rows; the plot takes the rest.
    m_readout = new CursorReadout(this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_plot, 1);
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
    delete m_interaction; // the plot's destructor still sends a Leave event
    m_interaction = nullptr;
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
    p.yTicker->setUnit(m_traces.paneUnit(p.rect));
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
    PlotTraces::Trace trace;
    trace.cref = cref;
    trace.label = label.isEmpty() ? cref : label;
    trace.unit = unit;
    trace.series = std::move(series);
    trace.rect = m_panes[static_cast<size_t>(pane)].rect;
    trace.color = m_traces.nextColor();
    trace.graph = m_plot->addGraph(xAxis(pane), yAxis(pane));
    trace.graph->setName(trace.label);
    trace.graph->setPen(QPen(trace.color, 1.5));
    trace.graph->setLineStyle(QCPGraph::lsLine);
    trace.graph->setAdaptiveSampling(false); // the data is already one min/max per column
    trace.graph->setSelectable(QCP::stNone);
    trace.graph->removeFromLegend();
    trace.graph->addToLegend(m_panes[static_cast<size_t>(pane)].legend);
    m_traces.add(trace);
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
    const auto* shown = m_traces.find(cref);
    if (!shown)
        return false;
    const PlotTraces::Trace trace = *shown;
    const int pane = paneOf(trace.rect);
    if (pane >= 0)
        trace.graph->removeFromLegend(m_panes[static_cast<size_t>(pane)].legend);
    m_plot->removeGraph(trace.graph);
    m_traces.remove(cref);
    updatePaneUnit(pane);
    updateReadout();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return true;
}

QStringList PlotPanel::traces() const {
    QStringList result;
    for (const auto& t : m_traces)
        result << t.cref;
    return result;
}

int PlotPanel::tracePane(const QString& cref) const {
    const auto* trace = m_traces.find(cref);
    return trace ? paneOf(trace->rect) : -1;
}

int PlotPanel::pointCount(const QString& cref) const {
    const auto* trace = m_traces.find(cref);
    return trace ? static_cast<int>(trace->series->size()) : -1;
}

QColor PlotPanel::traceColor(const QString& cref) const {
    const auto* trace = m_traces.find(cref);
    return trace ? trace->color : QColor();
}

bool PlotPanel::setTraceColor(const QString& cref, const QColor& color) {
    if (!m_traces.setColor(cref, color))
        return false;
    updateReadout(); // its swatches
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return true;
}

QCPGraph* PlotPanel::graph(const QString& cref) const {
    const auto* trace = m_traces.find(cref);
    return trace ? trace->graph : nullptr;
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
    m_traces.feed(*m_plot);
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

// Export what the next redraw would show.
void PlotPanel::flushRefresh() {
    if (m_refreshTimer->isActive()) {
        m_refreshTimer->stop();
        refresh();
    }
}

// Autoscroll: a view that starts at the data's start grows with it; a zoomed-in view keeps
// its span and slides so the newest sample sits at the right edge.
void PlotPanel::followData() {
    const auto [lo, hi] = m_traces.xExtent();
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
    const auto [lo, hi] = m_traces.yExtent(m_panes[static_cast<size_t>(pane)].rect, xlo, xhi);
    if (!(hi >= lo))
        return;
    const auto [padLo, padHi] = padded(lo, hi);
    QScopedValueRollback guard(m_programmatic, true);
    yAxis(pane)->setRange(padLo, padHi);
}

void PlotPanel::fitAll() {
    const auto [lo, hi] = m_traces.xExtent();
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
    return CursorReadout::summary({m_crosshair, m_cursorA, m_cursorB}, m_coordinateName,
                                  m_coordinateUnit);
}

void PlotPanel::updateReadout() {
    const auto values = readout();
    std::vector<CursorReadout::Row> rows;
    for (size_t i = 0; i < values.size(); ++i) {
        const auto& v = values[i];
        const auto [ylo, yhi] = yRange(paneOf(m_traces[i].rect));
        rows.push_back({v.label, withUnit(v.cref, v.unit), v.unit, m_traces[i].color, v.crosshair,
                        v.a, v.b, std::max(std::abs(ylo), std::abs(yhi))});
    }
    m_readout->showValues(rows, {m_crosshair, m_cursorA, m_cursorB}, m_coordinateName,
                          m_coordinateUnit);
}

// --- mouse and keys: PlotInteraction -----------------------------------------------------

double PlotPanel::xAtPixel(int px) const {
    auto* axis = xAxis(0); // panes share their left and right margins, so any pane will do
    return axis ? axis->pixelToCoord(px) : kNaN;
}

void PlotPanel::stopFollowingY(int pane) {
    m_panes[static_cast<size_t>(pane)].followY = false;
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
    flushRefresh();
    return reported(PlotExporter::writeImage(*m_plot, m_traces, path), error);
}

bool PlotPanel::exportCsv(const QString& path, QString* error) {
    const auto [lower, upper] = xRange();
    return reported(
        PlotExporter::writeCsv(m_traces, m_coordinateName, m_coordinateUnit, lower, upper, path),
        error);
}
