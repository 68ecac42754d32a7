#pragma once

#include <QObject>
#include <QPoint>

class PlotPanel;
class QCustomPlot;
class QMenu;
class QRect;
class QRubberBand;

// The mouse and keys of a PlotPanel (its header lists the gestures): an event filter on the
// panel's plot, with the rubber band of a box zoom and the context menu. Left drag pans
// through QCustomPlot's own range drag. GUI thread.
class PlotInteraction : public QObject {
    Q_OBJECT
public:
    static constexpr double kWheelZoomPerNotch = 0.85; // < 1: wheel up zooms in
    static constexpr int kBandThreshold = 4; // pixels before a press turns into a box zoom

    // Filters the plot's events until destroyed; panel owns both.
    PlotInteraction(PlotPanel& panel, QCustomPlot& plot);
    ~PlotInteraction() override;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    bool mouseMove(const QPoint& pos);
    void zoomToBand(const QRect& band, int pane);
    QMenu* createContextMenu(const QPoint& plotPos);

    PlotPanel& m_panel;
    QCustomPlot& m_plot;
    QRubberBand* m_band = nullptr; // the plot's child
    Qt::MouseButton m_bandButton = Qt::NoButton;
    QPoint m_bandOrigin;
    int m_bandPane = -1;
};
