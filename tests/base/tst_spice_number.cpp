// Pure logic: SPICE numbers read and written in one place, locale-free.
#include "core/base/spice_number.h"

#include <QTest>
#include <clocale>
#include <cmath>
#include <random>
#include <string>

class TestSpiceNumber : public QObject {
    Q_OBJECT

private slots:
    void parsesScaleSuffixesAndUnits() {
        QCOMPARE(*spice_number::parse("4.7k"), 4700.0);
        QCOMPARE(*spice_number::parse("1meg"), 1e6);
        QCOMPARE(*spice_number::parse("1M"), 1e-3); // SPICE: m is milli, whatever the case
        QCOMPARE(*spice_number::parse("10uF"), 10e-6);
        QCOMPARE(*spice_number::parse("1ns"), 1e-9);
        QCOMPARE(*spice_number::parse("2mil"), 2 * 25.4e-6);
        QCOMPARE(*spice_number::parse("-1.5e-3"), -1.5e-3);
        QCOMPARE(*spice_number::parse("3G"), 3e9);
        QCOMPARE(*spice_number::parse("0.05"), 0.05);
        QVERIFY(!spice_number::parse("abc"));
        QVERIFY(!spice_number::parse("1k5"));
        QVERIFY(!spice_number::parse("inf"));
        QVERIFY(!spice_number::parse("0x10"));
        QVERIFY(!spice_number::parse(""));
    }

    void parseAcceptsWhatSpiceWrites() {
        QCOMPARE(*spice_number::parse("  +2.5  "), 2.5);
        QCOMPARE(*spice_number::parse(".5u"), 0.5e-6);
        QCOMPARE(*spice_number::parse("5."), 5.0);
        QCOMPARE(*spice_number::parse("1E3"), 1000.0);
        QCOMPARE(*spice_number::parse("1MEG"), 1e6);
        QCOMPARE(*spice_number::parse("1Mil"), 25.4e-6);
        QCOMPARE(*spice_number::parse("2V"), 2.0);
        QVERIFY(!spice_number::parse("nan"));
        QVERIFY(!spice_number::parse("+"));
        QVERIFY(!spice_number::parse("1.2.3"));
        QVERIFY(!spice_number::parse("1e999")); // out of range, not inf
    }

    void formatIsShortestAndExact() {
        QCOMPARE(QString::fromStdString(spice_number::format(4700)), QString("4700"));
        QCOMPARE(QString::fromStdString(spice_number::format(1e6)), QString("1000000"));
        QCOMPARE(QString::fromStdString(spice_number::format(-3)), QString("-3"));
        QCOMPARE(QString::fromStdString(spice_number::format(0.05)), QString("0.05"));
        QCOMPARE(QString::fromStdString(spice_number::format(1e-9)), QString("1e-09"));
        QCOMPARE(QString::fromStdString(spice_number::format(0.1 + 0.2)),
                 QString("0.30000000000000004"));
        QCOMPARE(QString::fromStdString(spice_number::format(std::nan(""))), QString("nan"));
        QCOMPARE(QString::fromStdString(spice_number::format(-INFINITY)), QString("-inf"));
    }

    void roundTripsEveryDouble() {
        std::mt19937_64 random(7);
        std::uniform_int_distribution<int> exponent(-300, 300);
        std::uniform_real_distribution<double> mantissa(-10, 10);
        for (int i = 0; i < 20000; ++i) {
            const double value = mantissa(random) * std::pow(10.0, exponent(random));
            const auto text = spice_number::format(value);
            const auto back = spice_number::parse(text);
            QVERIFY2(back && *back == value, text.c_str());
        }
    }

    // The process locale must not change what a netlist means: a decimal-comma locale
    // changes strtod and printf, not from_chars and to_chars.
    void ignoresTheProcessLocale() {
        const std::string before = std::setlocale(LC_NUMERIC, nullptr);
        const char* changed = nullptr;
        for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "C.UTF-8"})
            if (std::setlocale(LC_NUMERIC, name)) {
                changed = name;
                break;
            }
        const auto parsed = spice_number::parse("2.5k");
        const auto formatted = spice_number::format(0.25);
        std::setlocale(LC_NUMERIC, before.c_str());
        QCOMPARE(*parsed, 2500.0);
        QCOMPARE(QString::fromStdString(formatted), QString("0.25"));
        if (!changed)
            qInfo("no other locale is installed; checked under the C locale only");
    }
};

QTEST_APPLESS_MAIN(TestSpiceNumber)
#include "tst_spice_number.moc"
