#include "ui/plot/plot_traces.h"

#include "ui/plot/decimated_series.h"

#include <cmath>
#include <limits>
#include <qcustomplot.h>

namespace {

// Distinct on white and from each other; the first ones are the ones seen most.
const QColor kPalette[] = {QColor(31, 119, 180),  QColor(214, 39, 40),   QColor(44, 160, 44),
                           QColor(255, 127, 14),  QColor(148, 103, 189), QColor(140, 86, 75),
                           QColor(227, 119, 194), QColor(23, 190, 207),  QColor(127, 127, 127),
                           QColor(188, 189, 34)};

} // namespace

int PlotTraces::indexOf(const QString& cref) const {
    for (size_t i = 0; i < m_traces.size(); ++i)
        if (m_traces[i].cref == cref)
            return static_cast<int>(i);
    return -1;
}

const PlotTraces::Trace* PlotTraces::find(const QString& cref) const {
    const int index = indexOf(cref);
    return index < 0 ? nullptr : &m_traces[static_cast<size_t>(index)];
}

void PlotTraces::add(Trace trace) {
    m_traces.push_back(std::move(trace));
}

void PlotTraces::remove(const QString& cref) {
    const int index = indexOf(cref);
    if (index >= 0)
        m_traces.erase(m_traces.begin() + index);
}

QColor PlotTraces::nextColor() const {
    for (const QColor& color : kPalette) {
        bool used = false;
        for (const auto& t : m_traces)
            used = used || t.color == color;
        if (!used)
            return color;
    }
    return kPalette[m_traces.size() % std::size(kPalette)];
}

bool PlotTraces::setColor(const QString& cref, const QColor& color) {
    const int index = indexOf(cref);
    if (index < 0 || !color.isValid())
        return false;
    auto& trace = m_traces[static_cast<size_t>(index)];
    trace.color = color;
    trace.graph->setPen(QPen(color, 1.5));
    return true;
}

std::pair<double, double> PlotTraces::xExtent() const {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (const auto& t : m_traces)
        if (const auto r = t.series->xRange()) {
            lo = std::min(lo, r->lower);
            hi = std::max(hi, r->upper);
        }
    return {lo, hi};
}

std::pair<double, double> PlotTraces::yExtent(const QCPAxisRect* pane, double xlo,
                                              double xhi) const {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (const auto& t : m_traces)
        if (t.rect == pane)
            if (const auto r = t.series->yRange(xlo, xhi)) {
                lo = std::min(lo, r->lower);
                hi = std::max(hi, r->upper);
            }
    return {lo, hi};
}

QString PlotTraces::paneUnit(const QCPAxisRect* pane) const {
    QString unit;
    bool first = true;
    for (const auto& t : m_traces) {
        if (t.rect != pane)
            continue;
        if (first)
            unit = t.unit;
        else if (unit != t.unit)
            unit.clear();
        first = false;
    }
    return unit;
}

void PlotTraces::feed(QCustomPlot& plot) {
    if (m_traces.empty())
        return;
    // beforeReplot comes before QCustomPlot lays out; lay out now so the widths are the ones
    // about to be drawn (after a resize, say).
    auto* layout = plot.plotLayout();
    layout->update(QCPLayoutElement::upPreparation);
    layout->update(QCPLayoutElement::upMargins);
    layout->update(QCPLayoutElement::upLayout);
    const double ratio = plot.devicePixelRatioF();
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

void PlotTraces::markStale() {
    for (auto& t : m_traces)
        t.fedBuckets = -1;
}
