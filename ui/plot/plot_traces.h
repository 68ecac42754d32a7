#pragma once

#include <QColor>
#include <QString>
#include <memory>
#include <utility>
#include <vector>

class DecimatedSeries;
class QCPAxisRect;
class QCPGraph;
class QCustomPlot;

// The traces a PlotPanel shows, in the order added: each cref's series, the graph drawing it
// (owned by the plot), its pane and colour, and what the graph was last fed, so that a replot
// decimates again only the traces whose view, width or data changed. Not TraceData: that one
// holds a run's vectors, while these are what is on screen, overlays of other runs included.
// GUI thread.
class PlotTraces {
public:
    struct Trace {
        QString cref;
        QString label;
        QString unit;
        std::shared_ptr<const DecimatedSeries> series;
        QCPGraph* graph = nullptr;
        QCPAxisRect* rect = nullptr; // its pane
        QColor color;
        // What the graph holds now; refeeding is skipped while these match.
        double fedLower = 0;
        double fedUpper = -1;
        int fedBuckets = -1;
        size_t fedSize = 0;
    };
    using const_iterator = std::vector<Trace>::const_iterator;

    bool empty() const { return m_traces.empty(); }
    size_t size() const { return m_traces.size(); }
    const Trace& operator[](size_t i) const { return m_traces[i]; }
    const_iterator begin() const { return m_traces.begin(); }
    const_iterator end() const { return m_traces.end(); }

    int indexOf(const QString& cref) const; // -1 when not shown
    const Trace* find(const QString& cref) const;
    void add(Trace trace);
    void remove(const QString& cref);
    // The first palette colour no trace wears; past ten traces colours repeat.
    QColor nextColor() const;
    bool setColor(const QString& cref, const QColor& color);

    // The x extent of all traces' data; lower > upper when there is none.
    std::pair<double, double> xExtent() const;
    // The y extent of the pane's traces over [xlo, xhi]; lower > upper when there is none.
    std::pair<double, double> yExtent(const QCPAxisRect* pane, double xlo, double xhi) const;
    // The unit the pane's traces share; empty when they mix units.
    QString paneUnit(const QCPAxisRect* pane) const;

    // Hands each graph the min/max-per-pixel-column view of its visible x range.
    void feed(QCustomPlot& plot);
    // The graphs hold something else now (an export's clipped lines): the next feed
    // refeeds them all.
    void markStale();

private:
    std::vector<Trace> m_traces;
    std::vector<double> m_xs; // decimation scratch, reused by every replot
    std::vector<double> m_ys;
};
