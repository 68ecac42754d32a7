// The readout under the plot, as a real widget (offscreen): the summary line for each kind of
// coordinate, the table's values, columns and rounding, and switching the table off.
#include "ui/plot/cursor_readout.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QTest>
#include <cmath>

namespace {

CursorReadout::Row row(const QString& label, const QString& unit, double crosshair, double a,
                       double b, double scale) {
    return {label, label + " [" + unit + "]", unit, QColor(31, 119, 180), crosshair, a, b, scale};
}

} // namespace

class TestCursorReadout : public QObject {
    Q_OBJECT
private slots:
    void summaryNamesTheCoordinate() {
        QCOMPARE(CursorReadout::summary({std::nullopt, 1e-6, 3e-6}, "time", "s"),
                 QString("A 1 µs     B 3 µs     Δt 2 µs     1/Δt 500 kHz"));
        QCOMPARE(CursorReadout::summary({std::nullopt, 1e3, 1e6}, "frequency", "Hz"),
                 QString("A 1 kHz     B 1 MHz     Δf 999 kHz"));
        QCOMPARE(CursorReadout::summary({std::nullopt, 0.5, 1.5}, "vg", "V"),
                 QString("A 500 mV     B 1.5 V     Δx 1 V"));
        QCOMPARE(CursorReadout::summary({0.5, 0.25, std::nullopt}, "time", "s"),
                 QString("A 250 ms"));
        // Both cursors on one spot: no frequency for a zero distance.
        QCOMPARE(CursorReadout::summary({std::nullopt, 2.0, 2.0}, "time", "s"),
                 QString("A 2 s     B 2 s     Δt 0 s"));
        QVERIFY(CursorReadout::summary({1.0, std::nullopt, std::nullopt}, "time", "s").isEmpty());
    }

    void tableShowsValuesAndHidesUnsetColumns() {
        CursorReadout readout;
        readout.resize(800, 200);
        readout.show();
        QVERIFY(QTest::qWaitForWindowExposed(&readout));
        auto* summary = readout.findChild<QLabel*>("cursorSummary");
        auto* table = readout.findChild<QTableWidget*>("readout");
        QVERIFY(summary && table);
        // Nothing to show: the whole readout gives its room to the plot.
        readout.showValues({}, {}, "time", "s");
        QVERIFY(!readout.isVisible());

        const double nan = std::nan("");
        readout.showValues({row("vout", "V", 0.9, 0.5, 1.5, 2.0),
                            row("i(vdd)", "A", 1.5e-3, 1.5e-3, 1.5e-3 + 1e-13, 2e-3)},
                           {0.4e-3, 0.25e-3, 0.6e-3}, "time", "s");
        QVERIFY(readout.isVisible());
        QVERIFY(summary->isVisible());
        QCOMPARE(summary->text(),
                 QString("A 250 µs     B 600 µs     Δt 350 µs     1/Δt 2.8571 kHz"));
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 0)->text(), QString("vout"));
        QCOMPARE(table->item(0, 0)->toolTip(), QString("vout [V]"));
        QVERIFY(!table->item(0, 0)->icon().isNull());
        QCOMPARE(table->item(0, 1)->text(), QString("900 mV"));
        QCOMPARE(table->item(0, 4)->text(), QString("1 V"));
        QCOMPARE(table->horizontalHeaderItem(2)->text(), QString("A @ 250 µs"));
        // A difference a billion times below the pane's scale is rounding: it reads 0.
        QCOMPARE(table->item(1, 4)->text(), QString("0 A"));
        for (int column = 1; column <= 4; ++column)
            QVERIFY(!table->isColumnHidden(column));

        // Only the crosshair: no cursor columns, no summary; NaN reads as a dash.
        readout.showValues({row("vout", "V", nan, nan, nan, 2.0)},
                           {0.1, std::nullopt, std::nullopt}, "time", "s");
        QVERIFY(!summary->isVisible());
        QVERIFY(table->isVisible());
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 1)->text(), QString("—"));
        QVERIFY(table->isColumnHidden(2) && table->isColumnHidden(3) && table->isColumnHidden(4));
        // As tall as its rows.
        const int oneRow = table->height();
        readout.showValues({row("a", "V", 1, 1, 1, 1), row("b", "V", 1, 1, 1, 1)}, {1.0, {}, {}},
                           "time", "s");
        QCOMPARE(table->height(), oneRow + table->verticalHeader()->defaultSectionSize());

        // Switched off, the table hides; the summary line stays.
        readout.setTableShown(false);
        QVERIFY(!readout.tableShown());
        QVERIFY(!table->isVisible());
        QVERIFY(!readout.isVisible()); // no cursors: nothing left to show
        readout.showValues({row("a", "V", 1, 1, 1, 1)}, {1.0, 0.5, {}}, "time", "s");
        QVERIFY(summary->isVisible());
        QVERIFY(!table->isVisible());
        readout.setTableShown(true);
        QVERIFY(table->isVisible());
    }
};

QTEST_MAIN(TestCursorReadout)
#include "tst_cursor_readout.moc"
