#pragma once

#include <QObject>
#include <QPoint>

class PlotPanel;
class QCustomPlot;
class QMenu;
class QRect;
class QRubberBand;

// What the mouse and the keys do on a PlotPanel's plot: an event filter on it. Wheel zooms x
// about the cursor (Ctrl+wheel: y of the pane under it); left drag pans (QCustomPlot's own
// range drag); Shift+left drag or right drag zooms to a rubber band; double click fits all and
// resumes autoscroll; a right click opens the menu (cursors, fit, readout, export); the
// crosshair follows the mouse. Keys: A / B set a cursor at the crosshair, Esc clears both,
// Home fits all. GUI thread.
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
