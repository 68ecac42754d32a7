// The plot area with real widgets (offscreen): panes, the shared time axis, decimated
// redraws, coalescing, autoscroll, cursors, engineering ticks, drops, mouse and export.
#include "ui/plot/decimated_series.h"
#include "ui/plot/eng_axis_ticker.h"
#include "ui/plot/plot_panel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QMimeData>
#include <QPainter>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <functional>
#include <qcustomplot.h>
#include <random>

namespace {

std::shared_ptr<DecimatedSeries> makeSeries(size_t n, const std::function<double(size_t)>& x,
                                            const std::function<double(double)>& y) {
    std::vector<double> xs(n), ys(n);
    for (size_t i = 0; i < n; ++i) {
        xs[i] = x(i);
        ys[i] = y(xs[i]);
    }
    auto series = std::make_shared<DecimatedSeries>();
    series->append(xs.data(), ys.data(), n);
    return series;
}

void appendTo(DecimatedSeries& series, double x0, double dx, size_t n,
              const std::function<double(double)>& y) {
    std::vector<double> xs(n), ys(n);
    for (size_t i = 0; i < n; ++i) {
        xs[i] = x0 + dx * static_cast<double>(i);
        ys[i] = y(xs[i]);
    }
    QVERIFY(series.append(xs.data(), ys.data(), n));
}

void sendMouse(QWidget* widget, QEvent::Type type, QPoint pos, Qt::MouseButton button,
               Qt::MouseButtons buttons, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    QMouseEvent event(type, pos, widget->mapToGlobal(pos), button, buttons, modifiers);
    QApplication::sendEvent(widget, &event);
}

void sendWheel(QWidget* widget, QPoint pos, int notches,
               Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    QWheelEvent event(pos, widget->mapToGlobal(pos), QPoint(), QPoint(0, 120 * notches),
                      Qt::NoButton, modifiers, Qt::NoScrollPhase, false);
    QApplication::sendEvent(widget, &event);
}

bool near(double a, double b, double tolerance) {
    return std::abs(a - b) <= tolerance;
}

QString screenshotDir() {
    return qEnvironmentVariable("WAVEBENCH_SCREENSHOT_DIR");
}

} // namespace

class TestPlotPanel : public QObject {
    Q_OBJECT
private slots:
    void tracesGoToPanes() {
        PlotPanel panel;
        auto ramp = makeSeries(
            100, [](size_t i) { return i * 1e-3; }, [](double x) { return x; });
        QCOMPARE(panel.paneCount(), 0);
        QVERIFY(panel.addTrace("top.a", "a", "V", ramp)); // -1 with no pane: creates one
        QCOMPARE(panel.paneCount(), 1);
        QCOMPARE(panel.addPane(), 1);
        QVERIFY(panel.addTrace("top.b", "", "A", ramp, 1));
        QVERIFY(panel.addTrace("top.c", "c", "V", ramp));      // -1: the last pane
        QVERIFY(!panel.addTrace("top.a", "again", "V", ramp)); // already shown
        QVERIFY(!panel.addTrace("top.d", "d", "V", ramp, 5));  // no such pane
        QVERIFY(!panel.addTrace("top.e", "e", "V", nullptr));
        QCOMPARE(panel.traces(), QStringList({"top.a", "top.b", "top.c"}));
        QCOMPARE(panel.tracePane("top.a"), 0);
        QCOMPARE(panel.tracePane("top.b"), 1);
        QCOMPARE(panel.tracePane("top.c"), 1);
        QCOMPARE(panel.tracePane("top.x"), -1);
        QCOMPARE(panel.pointCount("top.a"), 100);
        QCOMPARE(panel.pointCount("top.x"), -1);
        QVERIFY(panel.hasTrace("top.b"));
        QCOMPARE(panel.graph("top.b")->keyAxis()->axisRect(), panel.paneRect(1));
        QCOMPARE(panel.graph("top.b")->name(), QString("top.b")); // no label: the cref
        QVERIFY(panel.traceColor("top.a") != panel.traceColor("top.b"));
        QVERIFY(panel.traceColor("top.b") != panel.traceColor("top.c"));
        QVERIFY(!panel.graph("top.a")->adaptiveSampling());
        // Each pane has its own legend with its own traces.
        auto* legend1 = qobject_cast<QCPLegend*>(panel.paneRect(1)->insetLayout()->elementAt(0));
        QVERIFY(legend1);
        QCOMPARE(legend1->itemCount(), 2);
        QVERIFY(legend1->hasItemWithPlottable(panel.graph("top.c")));

        QVERIFY(panel.removeTrace("top.c"));
        QVERIFY(!panel.removeTrace("top.c"));
        QCOMPARE(legend1->itemCount(), 1);
        QCOMPARE(panel.plot()->graphCount(), 2);
        panel.removePane(0); // takes top.a with it
        QCOMPARE(panel.paneCount(), 1);
        QCOMPARE(panel.traces(), QStringList({"top.b"}));
        QCOMPARE(panel.tracePane("top.b"), 0);
        panel.clear();
        QCOMPARE(panel.paneCount(), 0);
        QCOMPARE(panel.plot()->graphCount(), 0);
        QCOMPARE(panel.plot()->itemCount(), 0);
    }

    void panesShareTheXRange() {
        PlotPanel panel;
        panel.resize(800, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        for (int i = 0; i < 3; ++i)
            panel.addPane();
        QVERIFY(panel.autoScroll());
        // The user drags pane 1: every pane follows, autoscroll stops.
        panel.paneRect(1)->axis(QCPAxis::atBottom)->setRange(2.0, 3.0);
        for (int p = 0; p < 3; ++p) {
            QCOMPARE(panel.paneRect(p)->axis(QCPAxis::atBottom)->range().lower, 2.0);
            QCOMPARE(panel.paneRect(p)->axis(QCPAxis::atBottom)->range().upper, 3.0);
        }
        QVERIFY(!panel.autoScroll());
        // Only the bottom pane labels the time axis.
        QVERIFY(!panel.paneRect(0)->axis(QCPAxis::atBottom)->tickLabels());
        QVERIFY(!panel.paneRect(1)->axis(QCPAxis::atBottom)->tickLabels());
        QVERIFY(panel.paneRect(2)->axis(QCPAxis::atBottom)->tickLabels());
        panel.removePane(2);
        QVERIFY(panel.paneRect(1)->axis(QCPAxis::atBottom)->tickLabels());
        // A new pane starts on the shared range.
        panel.addPane();
        QCOMPARE(panel.paneRect(2)->axis(QCPAxis::atBottom)->range().lower, 2.0);
        panel.plot()->replot();
        // Panes line up: same left and right edges whatever their y labels.
        QCOMPARE(panel.paneRect(0)->left(), panel.paneRect(2)->left());
        QCOMPARE(panel.paneRect(0)->right(), panel.paneRect(2)->right());
    }

    void decimatedPointsFollowWidth() {
        const size_t n = 1000000;
        auto series = makeSeries(
            n, [](size_t i) { return i * 1e-9; },
            [](double t) {
                return std::sin(2 * M_PI * 3e4 * t) + 0.2 * std::sin(2 * M_PI * 7e6 * t);
            });
        PlotPanel panel;
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.addTrace("top.v", "v", "V", series));
        panel.fitAll();
        panel.plot()->replot();
        auto* graph = panel.graph("top.v");
        const int width = panel.plot()->width();
        const int columns = panel.paneRect(0)->width();
        const int held = graph->data()->size();
        QVERIFY2(held <= 2 * width + 4, qPrintable(QString::number(held)));
        QVERIFY2(held >= columns, qPrintable(QString::number(held)));
        // The envelope is the data's: the extremes survive decimation.
        double lo = INFINITY, hi = -INFINITY, dlo = INFINITY, dhi = -INFINITY;
        for (size_t i = 0; i < n; ++i) {
            lo = std::min(lo, series->y(i));
            hi = std::max(hi, series->y(i));
        }
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
            dlo = std::min(dlo, it->value);
            dhi = std::max(dhi, it->value);
        }
        QCOMPARE(dlo, lo);
        QCOMPARE(dhi, hi);
        // Zoomed in to 100 samples: the raw samples plus one neighbour each side.
        panel.setXRange(series->x(500000), series->x(500099));
        panel.plot()->replot();
        QCOMPARE(graph->data()->size(), 100 + 2);
        QCOMPARE(graph->data()->at(1)->key, series->x(500000));
        // A narrower window gets fewer points.
        panel.resize(500, 600);
        panel.setXRange(0, 1e-3);
        QTRY_VERIFY(panel.plot()->width() <= 500); // the layout has applied the new width
        panel.plot()->replot();
        QVERIFY(graph->data()->size() <= 2 * panel.plot()->width() + 4);
        QVERIFY(graph->data()->size() <= 2 * 500 + 4);
    }

    void dataChangedCoalescesRedraws() {
        auto series = std::make_shared<DecimatedSeries>();
        appendTo(*series, 0, 1e-6, 10, [](double t) { return std::sin(1e4 * t); });
        PlotPanel panel;
        panel.resize(800, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy replots(panel.plot(), &QCustomPlot::afterReplot);
        QVERIFY(panel.addTrace("top.v", "v", "V", series));
        QVERIFY(replots.wait()); // the new trace's own redraw, before counting data redraws
        QCoreApplication::sendPostedEvents();
        replots.clear();
        // Bursts of appends, each followed by dataChanged() and the delivery of every posted
        // event (what a stream of queued batches brings), but no timer: however many calls
        // come, they only arm the refresh timer, and its one firing redraws them all.
        constexpr int kBursts = 5, kCallsPerBurst = 50;
        int calls = 0;
        double next = 10e-6;
        for (int burst = 0; burst < kBursts; ++burst) {
            for (int i = 0; i < kCallsPerBurst; ++i) {
                appendTo(*series, next, 1e-6, 50, [](double t) { return std::sin(1e4 * t); });
                next += 50e-6;
                panel.dataChanged();
                ++calls;
                QCoreApplication::sendPostedEvents();
            }
            QCOMPARE(replots.count(), burst);     // no redraw per call
            QVERIFY(replots.wait());              // the refresh timer fired ...
            QCOMPARE(replots.count(), burst + 1); // ... once for the whole burst
            // And the redraw shows the burst's last sample.
            QCOMPARE(panel.xRange().second, series->x(series->size() - 1));
        }
        const int limit = 1000 / PlotPanel::kRefreshIntervalMs + 3;
        QVERIFY2(calls > 200, qPrintable(QString::number(calls)));
        QVERIFY2(replots.count() <= limit,
                 qPrintable(QString("%1 replots for %2 calls").arg(replots.count()).arg(calls)));
        QVERIFY2(replots.count() >= 5, qPrintable(QString::number(replots.count())));
        QCOMPARE(replots.count(), kBursts);
        QCOMPARE(panel.xRange().second, series->x(series->size() - 1));
        QCOMPARE(panel.pointCount("top.v"), static_cast<int>(series->size()));
    }

    void autoScrollFollowsAppendedData() {
        auto series = std::make_shared<DecimatedSeries>();
        auto wave = [](double t) { return 2.0 + std::sin(2 * M_PI * 1e3 * t); };
        appendTo(*series, 0, 1e-6, 1000, wave);
        PlotPanel panel;
        panel.resize(800, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy autoScrollChanges(&panel, &PlotPanel::autoScrollChanged);
        QVERIFY(panel.addTrace("top.v", "v", "V", series));
        // A view that starts at the data's start grows with it.
        QTRY_VERIFY(panel.xRange().second == series->x(999));
        QCOMPARE(panel.xRange().first, 0.0);
        appendTo(*series, 1000e-6, 1e-6, 1000, wave);
        panel.dataChanged();
        QTRY_VERIFY(panel.xRange().second == series->x(1999));
        QCOMPARE(panel.xRange().first, 0.0);
        // y follows the data (with some headroom).
        QVERIFY(panel.yRange(0).first < 1.0 && panel.yRange(0).first > 0.8);
        QVERIFY(panel.yRange(0).second > 3.0 && panel.yRange(0).second < 3.2);
        // The user zooms: autoscroll stops, the view stays put.
        panel.setXRange(1.5e-3, 1.9e-3);
        QVERIFY(!panel.autoScroll());
        QCOMPARE(autoScrollChanges.count(), 1);
        appendTo(*series, 2000e-6, 1e-6, 1000, wave);
        QSignalSpy replots(panel.plot(), &QCustomPlot::afterReplot);
        panel.dataChanged();
        QVERIFY(replots.wait()); // the data were redrawn, and the view stayed where it was
        QCOMPARE(panel.xRange().first, 1.5e-3);
        // Back on: a zoomed view keeps its span and slides to the newest sample.
        panel.setAutoScroll(true);
        QTRY_VERIFY(panel.xRange().second == series->x(2999));
        QVERIFY(near(panel.xRange().second - panel.xRange().first, 0.4e-3, 1e-12));
        appendTo(*series, 3000e-6, 1e-6, 500, wave);
        panel.dataChanged();
        QTRY_VERIFY(panel.xRange().second == series->x(3499));
        QVERIFY(near(panel.xRange().first, series->x(3499) - 0.4e-3, 1e-12));
    }

    void cursorReadoutInterpolates() {
        // A ramp on a fine grid and a parabola on a coarse one: the readout must be the
        // series' own linear interpolation, not the decimated graph's.
        auto ramp = makeSeries(
            1001, [](size_t i) { return i * 1e-3; }, [](double t) { return 3 * t - 1; });
        auto parabola = makeSeries(
            11, [](size_t i) { return i * 0.1; }, [](double t) { return t * t; });
        PlotPanel panel;
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.addTrace("top.ramp", "ramp", "V", ramp));
        panel.addPane();
        QVERIFY(panel.addTrace("top.sq", "square", "A", parabola, 1));
        QSignalSpy cursorChanges(&panel, &PlotPanel::cursorsChanged);
        panel.setCursorA(0.25);
        panel.setCursorB(0.75);
        panel.setCrosshair(0.33);
        QCOMPARE(cursorChanges.count(), 2);
        const auto rows = panel.readout();
        QCOMPARE(rows.size(), size_t(2));
        QCOMPARE(rows[0].cref, QString("top.ramp"));
        QVERIFY(near(rows[0].a, -0.25, 1e-12));
        QVERIFY(near(rows[0].b, 1.25, 1e-12));
        QVERIFY(near(rows[0].crosshair, -0.01, 1e-12));
        QVERIFY(near(rows[1].a, 0.065, 1e-12)); // between 0.2 → 0.04 and 0.3 → 0.09
        QVERIFY(near(rows[1].b, 0.565, 1e-12)); // between 0.7 → 0.49 and 0.8 → 0.64
        QCOMPARE(rows[1].a, parabola->valueAt(0.25));
        QCOMPARE(rows[1].crosshair, parabola->valueAt(0.33));
        QCOMPARE(panel.cursorSummary(), QString("A 250 ms     B 750 ms     Δt 500 ms     "
                                                "1/Δt 2 Hz"));
        // What a person reads: the summary line and the table.
        auto* summary = panel.findChild<QLabel*>("cursorSummary");
        QVERIFY(summary && summary->isVisible());
        QCOMPARE(summary->text(), panel.cursorSummary());
        auto* table = panel.findChild<QTableWidget*>("readout");
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 0)->text(), QString("ramp"));
        QCOMPARE(table->item(0, 2)->text(), QString("-250 mV"));
        QCOMPARE(table->item(0, 3)->text(), QString("1.25 V"));
        QCOMPARE(table->item(0, 4)->text(), QString("1.5 V"));
        QCOMPARE(table->item(1, 2)->text(), QString("65 mA"));
        QCOMPARE(table->horizontalHeaderItem(1)->text(), QString("Crosshair @ 330 ms"));
        // Keys: A and B take the crosshair's position, Esc clears.
        panel.setCrosshair(0.5);
        QTest::keyClick(panel.plot(), Qt::Key_A);
        QCOMPARE(*panel.cursorA(), 0.5);
        QTest::keyClick(panel.plot(), Qt::Key_Escape);
        QVERIFY(!panel.cursorA() && !panel.cursorB());
        QVERIFY(!summary->isVisible());
        QVERIFY(table->isColumnHidden(2));
        // The mouse moves the crosshair.
        panel.fitAll();
        panel.plot()->replot();
        const QRect inner = panel.paneRect(0)->rect();
        sendMouse(panel.plot(), QEvent::MouseMove, inner.center(), Qt::NoButton, Qt::NoButton);
        QVERIFY(panel.crosshair());
        QVERIFY(near(*panel.crosshair(),
                     panel.paneRect(0)->axis(QCPAxis::atBottom)->pixelToCoord(inner.center().x()),
                     1e-12));
    }

    void engineeringTickLabels() {
        auto labelsFor = [](const QString& unit, double lo, double hi) {
            EngAxisTicker ticker(unit);
            QVector<double> ticks;
            QVector<QString> labels;
            ticker.generate(QCPRange(lo, hi), QLocale::c(), 'g', 6, ticks, nullptr, &labels);
            return QStringList(labels.begin(), labels.end());
        };
        QVERIFY2(labelsFor("s", 0, 5e-9).contains("1 ns"),
                 qPrintable(labelsFor("s", 0, 5e-9).join('|')));
        QVERIFY2(labelsFor("s", 0, 600e-6).contains("500 µs"),
                 qPrintable(labelsFor("s", 0, 600e-6).join('|')));
        QVERIFY2(labelsFor("V", 0, 5e-3).contains("2 mV"),
                 qPrintable(labelsFor("V", 0, 5e-3).join('|')));
        QVERIFY(labelsFor("V", 0, 5e-3).contains("0 V"));
        QCOMPARE(labelsFor("s", 0, 1e-3).last(), QString("1 ms")); // not "1000 µs"
        QVERIFY(labelsFor("A", -3e-6, 3e-6).contains("-2 µA"));
        QVERIFY(labelsFor("Ω", 0, 20e3).contains("10 kΩ"));
        QVERIFY(labelsFor("Hz", 1e6, 3e6).contains("2 MHz"));
        const QStringList quarter = labelsFor("s", 0, 1.2e-3); // 0.25 ms steps
        QVERIFY2(quarter.contains("0.25 ms") || quarter.contains("0.2 ms"),
                 qPrintable(quarter.join('|')));
        QCOMPARE(EngAxisTicker::format(1e-9, "s"), QString("1 ns"));
        QCOMPARE(EngAxisTicker::format(2.5e-6, "s"), QString("2.5 µs"));
        QCOMPARE(EngAxisTicker::format(1e-3, "V"), QString("1 mV"));
        QCOMPARE(EngAxisTicker::format(1.23456e-3, "V"), QString("1.235 mV"));
        QCOMPARE(EngAxisTicker::format(0.99996, "V"), QString("1 V"));
        QCOMPARE(EngAxisTicker::format(-4.7e3, "Ω"), QString("-4.7 kΩ"));
        QCOMPARE(EngAxisTicker::format(12e-12, "F"), QString("12 pF"));
        QCOMPARE(EngAxisTicker::format(3.3e-3, "S"), QString("3.3 mS"));
        QCOMPARE(EngAxisTicker::format(0, "V"), QString("0 V"));
        QCOMPARE(EngAxisTicker::format(NAN, "V"), QString("—"));
        // dB and degrees take no SI prefix (a user read "-880 mdB" off the crosshair).
        QCOMPARE(EngAxisTicker::format(-0.88, "dB"), QString("-0.88 dB"));
        QCOMPARE(EngAxisTicker::format(-1234.5, "deg"), QString("-1235 deg"));
        QCOMPARE(EngAxisTicker::format(0.5, "°"), QString("0.5 °"));
        QVERIFY(!EngAxisTicker::unitTakesPrefix("dBV"));
        QVERIFY(EngAxisTicker::unitTakesPrefix("V"));
        const QStringList decibels = labelsFor("dB", -0.9, 0.1);
        QVERIFY2(!decibels.join('|').contains("mdB") && decibels.contains("-0.4 dB"),
                 qPrintable(decibels.join('|')));
        const QStringList degrees = labelsFor("deg", -3000, 0);
        QVERIFY2(!degrees.join('|').contains("k") && degrees.contains("-2000 deg"),
                 qPrintable(degrees.join('|')));
        // On a real panel the bottom axis speaks seconds, the pane's y axis its unit.
        PlotPanel panel;
        panel.resize(800, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto series = makeSeries(
            1001, [](size_t i) { return i * 1e-9; }, [](double t) { return 2e-3 * t / 1e-6; });
        QVERIFY(panel.addTrace("top.v", "v", "V", series));
        panel.fitAll();
        panel.plot()->replot();
        const auto xLabels = panel.paneRect(0)->axis(QCPAxis::atBottom)->tickVectorLabels();
        QVERIFY2(xLabels.contains("0.4 µs") && xLabels.contains("1 µs"),
                 qPrintable(QStringList(xLabels.begin(), xLabels.end()).join('|')));
        const auto yLabels = panel.paneRect(0)->axis(QCPAxis::atLeft)->tickVectorLabels();
        QVERIFY2(yLabels.contains("1 mV"),
                 qPrintable(QStringList(yLabels.begin(), yLabels.end()).join('|')));
    }

    void dropEmitsTraceDropped() {
        PlotPanel panel;
        panel.resize(800, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.addPane();
        panel.addPane();
        panel.plot()->replot();
        QSignalSpy dropped(&panel, &PlotPanel::traceDropped);
        auto dropAt = [&](const QPoint& pos, QMimeData* mime) {
            QDragEnterEvent enter(pos, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
            QApplication::sendEvent(&panel, &enter);
            if (!enter.isAccepted())
                return false;
            QDropEvent drop(QPointF(pos), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
            QApplication::sendEvent(&panel, &drop);
            return drop.isAccepted();
        };
        QMimeData crefs;
        crefs.setData(PlotPanel::kCrefMimeType, "top.nodes.out.v\ntop.vdd.i\n");
        const QPoint inPane1 = panel.plot()->mapTo(&panel, panel.paneRect(1)->rect().center());
        QVERIFY(dropAt(inPane1, &crefs));
        QCOMPARE(dropped.count(), 2);
        QCOMPARE(dropped[0][0].toString(), QString("top.nodes.out.v"));
        QCOMPARE(dropped[0][1].toInt(), 1);
        QCOMPARE(dropped[1][0].toString(), QString("top.vdd.i"));
        QCOMPARE(dropped[1][1].toInt(), 1);
        const QPoint inPane0 = panel.plot()->mapTo(&panel, panel.paneRect(0)->rect().center());
        QVERIFY(dropAt(inPane0, &crefs));
        QCOMPARE(dropped.last()[1].toInt(), 0);
        // Plain text is not a cref list.
        QMimeData text;
        text.setText("top.nodes.out.v");
        QVERIFY(!dropAt(inPane0, &text));
        QCOMPARE(dropped.count(), 4);
        QVERIFY(panel.acceptDrops());
    }

    void mouseZoomsAndPans() {
        auto sine = makeSeries(
            10001, [](size_t i) { return i * 1e-7; }, [](double t) { return std::sin(2e4 * t); });
        PlotPanel panel;
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.addTrace("top.a", "a", "V", sine));
        panel.addPane();
        QVERIFY(panel.addTrace("top.b", "b", "V", sine, 1));
        panel.fitAll();
        panel.plot()->replot();
        QWidget* plot = panel.plot();
        const QRect pane0 = panel.paneRect(0)->rect();
        const QRect pane1 = panel.paneRect(1)->rect();
        const auto full = panel.xRange();
        const auto y0 = panel.yRange(0);
        const auto y1 = panel.yRange(1);

        // Wheel: x zooms about the cursor, in every pane; autoscroll stops.
        sendWheel(plot, pane0.center(), 1);
        const auto zoomed = panel.xRange();
        QVERIFY(near(zoomed.second - zoomed.first, 0.85 * (full.second - full.first), 1e-12));
        QCOMPARE(panel.paneRect(1)->axis(QCPAxis::atBottom)->range().lower, zoomed.first);
        QVERIFY(!panel.autoScroll());
        QCOMPARE(panel.yRange(0), y0);
        // Ctrl+wheel: y of the pane under the cursor only.
        sendWheel(plot, pane1.center(), 1, Qt::ControlModifier);
        QCOMPARE(panel.yRange(0), y0);
        QVERIFY(panel.yRange(1).second - panel.yRange(1).first < y1.second - y1.first);
        QCOMPARE(panel.xRange(), zoomed);

        // Shift+drag: box zoom to the band.
        panel.plot()->replot();
        const QPoint from(pane0.left() + pane0.width() / 4, pane0.top() + 10);
        const QPoint to(pane0.left() + pane0.width() / 2, pane0.bottom() - 10);
        auto* x = panel.paneRect(0)->axis(QCPAxis::atBottom);
        const double expectLo = x->pixelToCoord(from.x());
        const double expectHi = x->pixelToCoord(to.x());
        sendMouse(plot, QEvent::MouseButtonPress, from, Qt::LeftButton, Qt::LeftButton,
                  Qt::ShiftModifier);
        sendMouse(plot, QEvent::MouseMove, (from + to) / 2, Qt::NoButton, Qt::LeftButton,
                  Qt::ShiftModifier);
        sendMouse(plot, QEvent::MouseMove, to, Qt::NoButton, Qt::LeftButton, Qt::ShiftModifier);
        sendMouse(plot, QEvent::MouseButtonRelease, to, Qt::LeftButton, Qt::NoButton,
                  Qt::ShiftModifier);
        QVERIFY(near(panel.xRange().first, expectLo, 1e-12));
        QVERIFY(near(panel.xRange().second, expectHi, 1e-12));

        // Right drag does the same.
        panel.plot()->replot();
        const auto beforeRight = panel.xRange();
        sendMouse(plot, QEvent::MouseButtonPress, from, Qt::RightButton, Qt::RightButton);
        sendMouse(plot, QEvent::MouseMove, to, Qt::NoButton, Qt::RightButton);
        sendMouse(plot, QEvent::MouseButtonRelease, to, Qt::RightButton, Qt::NoButton);
        QVERIFY(panel.xRange().second - panel.xRange().first <
                beforeRight.second - beforeRight.first);

        // Left drag pans x (every pane) by the dragged distance.
        panel.plot()->replot();
        const auto beforePan = panel.xRange();
        const double perPixel = (beforePan.second - beforePan.first) / pane0.width();
        sendMouse(plot, QEvent::MouseButtonPress, pane0.center(), Qt::LeftButton, Qt::LeftButton);
        sendMouse(plot, QEvent::MouseMove, pane0.center() + QPoint(100, 0), Qt::NoButton,
                  Qt::LeftButton);
        sendMouse(plot, QEvent::MouseButtonRelease, pane0.center() + QPoint(100, 0), Qt::LeftButton,
                  Qt::NoButton);
        QVERIFY(near(panel.xRange().first, beforePan.first - 100 * perPixel, 2 * perPixel));
        QCOMPARE(panel.paneRect(1)->axis(QCPAxis::atBottom)->range().lower, panel.xRange().first);

        // Double click: everything, and autoscroll resumes.
        sendMouse(plot, QEvent::MouseButtonDblClick, pane0.center(), Qt::LeftButton,
                  Qt::LeftButton);
        QCOMPARE(panel.xRange(), full);
        QVERIFY(panel.autoScroll());
    }

    void exportsFiles() {
        // Exactly representable samples, so the CSV can be compared value for value.
        auto ramp = makeSeries(
            65, [](size_t i) { return i / 64.0; }, [](double t) { return 2 * t; });
        auto coarse = makeSeries(
            11, [](size_t i) { return i / 10.0; }, [](double t) { return 1e-3 * t * t; });
        PlotPanel panel;
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.addTrace("top.ramp", "ramp", "V", ramp));
        panel.addPane();
        QVERIFY(panel.addTrace("top.vdd.i", "i(vdd)", "A", coarse, 1));
        panel.setXRange(0.25, 0.5);
        QTemporaryDir dir;
        QString error;
        const QByteArray magic[] = {"\x89PNG", "%PDF", "<?xml"};
        const QString names[] = {"plot.png", "plot.pdf", "plot.svg"};
        for (int i = 0; i < 3; ++i) {
            const QString path = dir.filePath(names[i]);
            QVERIFY2(panel.exportImage(path, &error), qPrintable(error));
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray content = file.readAll();
            QVERIFY2(content.size() > 1000, qPrintable(names[i]));
            QVERIFY2(content.startsWith(magic[i]), qPrintable(names[i]));
        }
        QVERIFY(!panel.exportImage(dir.filePath("plot.bmpx"), &error));
        QVERIFY(error.contains("unknown image type"));
        QVERIFY(QSvgRenderer(dir.filePath("plot.svg")).isValid());
        // SVG has no clipping here: no trace colour may show outside the panes, even where
        // the data leaves the view (x: the neighbour samples; y: the zoom below).
        panel.paneRect(0)->axis(QCPAxis::atLeft)->setRange(0.6, 0.9);
        QVERIFY2(panel.exportImage(dir.filePath("clipped.svg"), &error), qPrintable(error));
        QSvgRenderer renderer(dir.filePath("clipped.svg"));
        QImage image(panel.plot()->size(), QImage::Format_ARGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        renderer.render(&painter);
        painter.end();
        const QRect pane0 = panel.paneRect(0)->rect().adjusted(-2, -2, 2, 2);
        const QRect pane1 = panel.paneRect(1)->rect().adjusted(-2, -2, 2, 2);
        int inside = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const QColor c = image.pixelColor(x, y);
                if (std::abs(c.red() - 31) + std::abs(c.green() - 119) + std::abs(c.blue() - 180) >
                    60)
                    continue; // not the ramp's blue
                if (pane0.contains(x, y) || pane1.contains(x, y))
                    ++inside;
                else
                    QFAIL(qPrintable(
                        QString("trace colour outside the panes at %1,%2").arg(x).arg(y)));
            }
        QVERIFY(inside > 100);
        // The on-screen graph is back to the plain decimated view afterwards.
        panel.plot()->replot();
        QCOMPARE(panel.graph("top.ramp")->data()->size(), 17 + 2);

        const QString csvPath = dir.filePath("visible.csv");
        QVERIFY2(panel.exportCsv(csvPath, &error), qPrintable(error));
        QFile csv(csvPath);
        QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.first(), QString("time [s],top.ramp [V],top.vdd.i [A]"));
        QCOMPARE(lines.size(), 1 + 17); // x = 16/64 … 32/64
        for (int row = 1; row < lines.size(); ++row) {
            const QStringList fields = lines[row].split(',');
            QCOMPARE(fields.size(), 3);
            const double x = fields[0].toDouble();
            QCOMPARE(x, (15 + row) / 64.0);
            QCOMPARE(fields[1].toDouble(), 2 * x);
            QCOMPARE(fields[2].toDouble(), coarse->valueAt(x));
        }
        QVERIFY(!panel.exportCsv(dir.filePath("missing/dir/x.csv"), &error));
        QVERIFY(!error.isEmpty());
        PlotPanel empty;
        QVERIFY(!empty.exportCsv(dir.filePath("none.csv"), &error));
        if (!screenshotDir().isEmpty()) {
            for (const char* suffix : {"png", "svg", "pdf"}) {
                const QString target = screenshotDir() + "/plot_panel_export." + suffix;
                QFile::remove(target);
                QVERIFY(QFile::copy(dir.filePath(QString("plot.") + suffix), target));
            }
            QSvgRenderer renderer(dir.filePath("plot.svg"));
            QImage image(renderer.defaultSize(), QImage::Format_ARGB32);
            image.fill(Qt::white);
            QPainter painter(&image);
            renderer.render(&painter);
            painter.end();
            QVERIFY(image.save(screenshotDir() + "/plot_panel_export_svg.png"));
        }
    }

    // What a designer sees: two panes (a sine with a slower one, a fast square current),
    // both cursors and the crosshair; then a zoom into a few samples, then 8 × 1 M points.
    void screenshots() {
        const size_t n = 200000;
        const double dt = 5e-9; // 1 ms
        std::mt19937 rng(1);
        std::normal_distribution<double> noise(0, 0.01);
        auto vout = makeSeries(
            n, [dt](size_t i) { return i * dt; },
            [&](double t) { return 0.9 + 0.6 * std::sin(2 * M_PI * 3e3 * t) + noise(rng); });
        auto vin = makeSeries(
            n, [dt](size_t i) { return i * dt; },
            [](double t) { return 0.9 + 0.25 * std::sin(2 * M_PI * 3e3 * t + 0.6); });
        auto idd = makeSeries(
            n, [dt](size_t i) { return i * dt; },
            [](double t) { return std::fmod(t * 1e5, 1.0) < 0.5 ? 1.5e-3 : -0.4e-3; });
        PlotPanel panel;
        panel.resize(1100, 720);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.addTrace("top.ota1.nodes.out.v", "vout", "V", vout));
        QVERIFY(panel.addTrace("top.nodes.in.v", "vin", "V", vin));
        panel.addPane();
        QVERIFY(panel.addTrace("top.vdd.i", "i(vdd)", "A", idd, 1));
        panel.fitAll();
        panel.setCursorA(0.25e-3);
        panel.setCursorB(0.6e-3);
        panel.setCrosshair(0.4e-3);
        panel.plot()->replot();
        QApplication::processEvents();
        const QString dir = screenshotDir();
        if (!dir.isEmpty())
            QVERIFY(panel.grab().save(dir + "/plot_panel_two_panes.png"));
        // Zoomed to about 60 samples: raw points, lines reach both edges.
        panel.setXRange(0.3e-3, 0.3e-3 + 300e-9);
        panel.fitAll();
        panel.setXRange(0.3e-3, 0.3e-3 + 300e-9);
        panel.plot()->replot();
        QVERIFY(panel.graph("top.vdd.i")->data()->size() <= 63);
        if (!dir.isEmpty())
            QVERIFY(panel.grab().save(dir + "/plot_panel_zoomed.png"));

        // Eight traces of a million points each in one pane, redrawn while panning.
        PlotPanel big;
        big.resize(1100, 720);
        big.show();
        QVERIFY(QTest::qWaitForWindowExposed(&big));
        for (int k = 0; k < 8; ++k) {
            auto s = makeSeries(
                1000000, [](size_t i) { return i * 1e-9; },
                [k](double t) { return 0.2 * k + 0.1 * std::sin(2 * M_PI * (k + 1) * 1e3 * t); });
            QVERIFY(big.addTrace(QString("top.n%1.v").arg(k), QString("n%1").arg(k), "V", s,
                                 k < 4 ? -1 : (k == 4 ? big.addPane() : 1)));
        }
        big.fitAll();
        // What keeps panning fast is asserted, not a time: whatever the 8 M points, each
        // redraw hands every graph at most two points per pixel column. The time is shown
        // for information only (a loaded machine must not fail the test).
        qint64 replotNs = 0;
        for (int i = 0; i < 10; ++i) {
            big.setXRange(i * 1e-5, 0.9e-3 + i * 1e-5);
            QElapsedTimer clock;
            clock.start();
            big.plot()->replot(QCustomPlot::rpImmediateRefresh);
            replotNs += clock.nsecsElapsed();
            for (int k = 0; k < 8; ++k) {
                const int held = big.graph(QString("top.n%1.v").arg(k))->data()->size();
                QVERIFY2(held > 0 && held <= 2 * big.plot()->width() + 4,
                         qPrintable(QString("trace %1: %2 points").arg(k).arg(held)));
            }
        }
        qInfo("8 x 1M points, panning: %.1f ms per replot", replotNs / 10 / 1e6);
        big.setCrosshair(0.5e-3);
        QApplication::processEvents(); // the readout's new height takes a layout pass
        if (!dir.isEmpty())
            QVERIFY(big.grab().save(dir + "/plot_panel_8x1M.png"));
    }
};

QTEST_MAIN(TestPlotPanel)
#include "tst_plot_panel.moc"
