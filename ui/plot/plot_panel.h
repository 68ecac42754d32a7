#pragma once

#include "ui/plot/plot_traces.h"

#include <QColor>
#include <QSharedPointer>
#include <QStringList>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

class CursorReadout;
class DecimatedSeries;
class EngAxisTicker;
class PlotInteraction;
class QCPAxisTickerLog;
class QCPAxis;
class QCPAxisRect;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPLayer;
class QCPLegend;
class QCPMarginGroup;
class QCustomPlot;
class QDragEnterEvent;
class QDragLeaveEvent;
class QDragMoveEvent;
class QDropEvent;
class QTimer;

// The plot area: vertically stacked panes sharing one x axis (time, or whatever the run's
// coordinate is), each trace drawn from a DecimatedSeries. Lives on the GUI thread, as do
// the series it draws (their owner appends to them there, then calls dataChanged()).
//
// Redraw cost follows the pixel width, not the stored points: before every replot each
// graph is handed the decimated view (min/max per pixel column) of the visible x range only,
// and only when that range, the width or the series changed. Appended data is drawn through
// a single-shot timer, at most kRefreshIntervalMs apart, however often dataChanged() comes.
//
// Mouse: wheel zooms x about the cursor (Ctrl+wheel: y of the pane under it); left drag
// pans; Shift+left drag or right drag zooms to the rubber band; double click fits all and
// resumes autoscroll; right click opens the menu (cursors, fit, export). Keys: A / B set a
// cursor at the crosshair, Esc clears both, Home fits all. Any pan or zoom of x by the user
// stops autoscroll; a y zoom stops that pane's y from following the data.
//
// The parts it composes: PlotTraces (what is shown and what each graph was fed),
// PlotInteraction (mouse and keys), CursorReadout (the values under the plot) and
// PlotExporter (files).
//
// Drops of `application/x-wavebench-cref` (one cref a line) emit traceDropped(); what to
// plot is the main window's call.
class PlotPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kRefreshIntervalMs = 25; // at most 40 data redraws a second
    static constexpr const char* kCrefMimeType = "application/x-wavebench-cref";

    // What the readout shows for one trace: its value at the crosshair and both cursors
    // (NaN where a position is unset or outside the trace's data).
    struct TraceReadout {
        QString cref;
        QString label;
        QString unit;
        double crosshair;
        double a;
        double b;
    };

    explicit PlotPanel(QWidget* parent = nullptr);
    ~PlotPanel() override;

    // Panes, top to bottom. Removing a pane removes its traces.
    int addPane();
    int paneCount() const { return static_cast<int>(m_panes.size()); }
    void removePane(int pane);
    void clear(); // every trace and pane

    // pane -1 = the last pane (a new one when there is none). False for a cref already
    // shown, a null series or a pane that does not exist. An empty label shows the cref.
    bool addTrace(const QString& cref, const QString& label, const QString& unit,
                  std::shared_ptr<const DecimatedSeries> series, int pane = -1);
    bool removeTrace(const QString& cref);
    bool hasTrace(const QString& cref) const { return m_traces.indexOf(cref) >= 0; }
    QStringList traces() const;                // in the order added
    int tracePane(const QString& cref) const;  // -1 when not shown
    int pointCount(const QString& cref) const; // samples stored in its series; -1 when not shown
    QColor traceColor(const QString& cref) const;
    // Overrides the palette colour addTrace() picked (colour-graded overlays). False when
    // cref is not shown.
    bool setTraceColor(const QString& cref, const QColor& color);

    // The shared x axis: its quantity and unit ("time", "s" by default; "frequency", "Hz").
    // A frequency coordinate (AC, noise) gets a logarithmic axis in every pane.
    void setCoordinate(const QString& name, const QString& unit);
    bool logX() const { return m_logX; }
    QString coordinateName() const { return m_coordinateName; }

    // New samples were appended to some series. Cheap: the redraw is coalesced.
    void dataChanged();
    void fitAll();
    void setAutoScroll(bool on);
    bool autoScroll() const { return m_autoScroll; }
    // A programmatic view change, as if the user had zoomed: stops autoscroll.
    void setXRange(double lower, double upper);
    std::pair<double, double> xRange() const;
    std::pair<double, double> yRange(int pane) const;

    // Crosshair (follows the mouse) and the two cursors, in x coordinates.
    void setCrosshair(double x);
    void hideCrosshair();
    std::optional<double> crosshair() const { return m_crosshair; }
    void setCursorA(double x);
    void setCursorB(double x);
    void clearCursors();
    std::optional<double> cursorA() const { return m_cursorA; }
    std::optional<double> cursorB() const { return m_cursorB; }
    std::vector<TraceReadout> readout() const;
    QString cursorSummary() const; // "A 1 µs   B 3 µs   Δt 2 µs   1/Δt 500 kHz"

    // By file suffix: .png, .pdf, .svg. The plot only, at its on-screen size.
    bool exportImage(const QString& path, QString* error = nullptr);
    // Every trace over the visible x range: the first trace's samples as rows, the others
    // interpolated there. Header: "time [s],<cref> [<unit>],...".
    bool exportCsv(const QString& path, QString* error = nullptr);

    // For tests, the benchmark and callers that style the plot.
    QCustomPlot* plot() const { return m_plot; }
    QCPGraph* graph(const QString& cref) const;
    QCPAxisRect* paneRect(int pane) const;

signals:
    void traceDropped(const QString& cref, int pane);
    void autoScrollChanged(bool on);
    void cursorsChanged();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dragLeaveEvent(QDragLeaveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    friend class PlotInteraction; // the gestures drive the panes directly

    struct Pane {
        QCPAxisRect* rect = nullptr;
        QCPLegend* legend = nullptr;
        QSharedPointer<EngAxisTicker> yTicker;
        QCPItemStraightLine* crosshairLine = nullptr;
        QCPItemStraightLine* cursorLineA = nullptr;
        QCPItemStraightLine* cursorLineB = nullptr;
        QCPItemText* cursorLabelA = nullptr;
        QCPItemText* cursorLabelB = nullptr;
        QCPItemText* crosshairLabel = nullptr;
        bool followY = true; // y follows the data until the user zooms it
    };

    int paneOf(const QCPAxisRect* rect) const;
    int paneAt(const QPoint& plotPos) const; // -1 outside every pane
    QCPAxis* xAxis(int pane) const;
    QCPAxis* yAxis(int pane) const;
    void stopFollowingY(int pane);
    CursorReadout* cursorReadout() const { return m_readout; }
    void feedGraphs();
    void refresh();
    void flushRefresh();
    void followData();
    void fitY(int pane, double xlo, double xhi);
    void setXRangeInternal(double lower, double upper);
    void onXRangeChanged(QCPAxis* source);
    void updatePaneAxes();
    void updatePaneUnit(int pane);
    void updateOverlay();
    void updateReadout();
    void replotOverlay();
    double xAtPixel(int px) const;
    void setDropHighlight(int pane);

    QCustomPlot* m_plot = nullptr;
    PlotInteraction* m_interaction = nullptr;
    CursorReadout* m_readout = nullptr;
    QCPLayer* m_cursorLayer = nullptr;
    QCPMarginGroup* m_marginGroup = nullptr;
    QSharedPointer<EngAxisTicker> m_xTicker;
    QSharedPointer<QCPAxisTickerLog> m_xLogTicker;
    bool m_logX = false;
    QTimer* m_refreshTimer = nullptr;
    std::vector<Pane> m_panes;
    PlotTraces m_traces;
    QString m_coordinateName = "time";
    QString m_coordinateUnit = "s";
    bool m_autoScroll = true;
    bool m_programmatic = false; // range changes we make, not the user
    bool m_syncingX = false;
    std::optional<double> m_crosshair;
    std::optional<double> m_cursorA;
    std::optional<double> m_cursorB;
    int m_dropHighlight = -1;
};
