#include "ui/plot/plot_interaction.h"

#include "ui/plot/cursor_readout.h"
#include "ui/plot/plot_panel.h"

#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QMouseEvent>
#include <QRubberBand>
#include <cmath>
#include <qcustomplot.h>

PlotInteraction::PlotInteraction(PlotPanel& panel, QCustomPlot& plot)
    : QObject(&panel), m_panel(panel), m_plot(plot) {
    m_plot.installEventFilter(this);
}

PlotInteraction::~PlotInteraction() {
    m_plot.removeEventFilter(this);
}

bool PlotInteraction::eventFilter(QObject* watched, QEvent* event) {
    if (watched != &m_plot)
        return QObject::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::MouseMove:
        return mouseMove(static_cast<QMouseEvent*>(event)->position().toPoint());
    case QEvent::MouseButtonPress: {
        auto* me = static_cast<QMouseEvent*>(event);
        if (me->button() == Qt::RightButton ||
            (me->button() == Qt::LeftButton && me->modifiers().testFlag(Qt::ShiftModifier))) {
            m_bandButton = me->button();
            m_bandOrigin = me->position().toPoint();
            m_bandPane = m_panel.paneAt(m_bandOrigin);
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
        m_panel.fitAll();
        m_panel.setAutoScroll(true);
        return true;
    }
    case QEvent::Wheel: {
        auto* we = static_cast<QWheelEvent*>(event);
        const QPoint pos = we->position().toPoint();
        const int pane = m_panel.paneAt(pos);
        const double notches = we->angleDelta().y() / 120.0;
        if (pane < 0 || notches == 0)
            return true;
        const double factor = std::pow(kWheelZoomPerNotch, notches);
        if (we->modifiers().testFlag(Qt::ControlModifier)) {
            auto* y = m_panel.yAxis(pane);
            y->scaleRange(factor, y->pixelToCoord(pos.y())); // stops this pane following y
        } else {
            auto* x = m_panel.xAxis(pane);
            x->scaleRange(factor, x->pixelToCoord(pos.x())); // stops autoscroll
        }
        m_plot.replot(QCustomPlot::rpQueuedReplot);
        return true;
    }
    case QEvent::Leave:
        m_panel.hideCrosshair();
        return false;
    case QEvent::KeyPress: {
        auto* ke = static_cast<QKeyEvent*>(event);
        switch (ke->key()) {
        case Qt::Key_A:
            if (const auto x = m_panel.crosshair())
                m_panel.setCursorA(*x);
            return true;
        case Qt::Key_B:
            if (const auto x = m_panel.crosshair())
                m_panel.setCursorB(*x);
            return true;
        case Qt::Key_Escape:
            m_panel.clearCursors();
            return true;
        case Qt::Key_Home:
            m_panel.fitAll();
            return true;
        default:
            return false;
        }
    }
    default:
        return false;
    }
}

// Grows the rubber band while a box zoom is under way; otherwise moves the crosshair and
// lets QCustomPlot drag.
bool PlotInteraction::mouseMove(const QPoint& pos) {
    if (m_bandButton != Qt::NoButton) {
        if (!m_band)
            m_band = new QRubberBand(QRubberBand::Rectangle, &m_plot);
        if (m_band->isVisible() || (pos - m_bandOrigin).manhattanLength() >= kBandThreshold) {
            m_band->setGeometry(QRect(m_bandOrigin, pos).normalized());
            m_band->show();
        }
        return true;
    }
    const int pane = m_panel.paneAt(pos);
    if (pane >= 0 && m_panel.paneRect(pane)->rect().contains(pos))
        m_panel.setCrosshair(m_panel.xAtPixel(pos.x()));
    else
        m_panel.hideCrosshair();
    return false;
}

void PlotInteraction::zoomToBand(const QRect& band, int pane) {
    if (band.width() >= kBandThreshold) {
        const double x0 = m_panel.xAtPixel(band.left());
        const double x1 = m_panel.xAtPixel(band.right());
        if (x1 > x0) {
            m_panel.setAutoScroll(false);
            m_panel.setXRangeInternal(x0, x1);
        }
    }
    if (pane >= 0 && band.height() >= kBandThreshold) {
        auto* y = m_panel.yAxis(pane);
        const QRect inner = m_panel.paneRect(pane)->rect();
        const QRect clipped = band.intersected(inner);
        if (clipped.height() >= kBandThreshold) {
            y->setRange(y->pixelToCoord(clipped.bottom()), y->pixelToCoord(clipped.top()));
            m_panel.stopFollowingY(pane);
        }
    }
    m_plot.replot();
}

QMenu* PlotInteraction::createContextMenu(const QPoint& plotPos) {
    PlotPanel* panel = &m_panel;
    auto* menu = new QMenu(panel);
    const double x = panel->xAtPixel(plotPos.x());
    const bool inPane = panel->paneAt(plotPos) >= 0 && std::isfinite(x);
    menu->addAction("Set cursor A here", panel, [panel, x] { panel->setCursorA(x); })
        ->setEnabled(inPane);
    menu->addAction("Set cursor B here", panel, [panel, x] { panel->setCursorB(x); })
        ->setEnabled(inPane);
    menu->addAction("Clear cursors", panel, &PlotPanel::clearCursors)
        ->setEnabled(panel->cursorA() || panel->cursorB());
    menu->addSeparator();
    menu->addAction("Fit all", panel, &PlotPanel::fitAll);
    auto* follow = menu->addAction("Autoscroll", panel, &PlotPanel::setAutoScroll);
    follow->setCheckable(true);
    follow->setChecked(panel->autoScroll());
    CursorReadout* readout = panel->cursorReadout();
    auto* showReadout = menu->addAction("Show readout", readout, &CursorReadout::setTableShown);
    showReadout->setCheckable(true);
    showReadout->setChecked(readout->tableShown());
    menu->addSeparator();
    menu->addAction("Export image…", panel, [panel] {
        const QString path = QFileDialog::getSaveFileName(panel, "Export plot", "plot.png",
                                                          "Images (*.png *.svg *.pdf)");
        QString error;
        if (!path.isEmpty() && !panel->exportImage(path, &error))
            QMessageBox::warning(panel, "Export", error);
    });
    menu->addAction("Export CSV…", panel, [panel] {
        const QString path =
            QFileDialog::getSaveFileName(panel, "Export visible data", "plot.csv", "CSV (*.csv)");
        QString error;
        if (!path.isEmpty() && !panel->exportCsv(path, &error))
            QMessageBox::warning(panel, "Export", error);
    });
    return menu;
}
