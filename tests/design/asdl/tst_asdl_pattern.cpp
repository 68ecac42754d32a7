// ASDL pattern expressions expanded to atoms in both spellings (the ASDL name and the
// compiler's netlist name), the named axes that broadcast binds along, and malformed
// expressions reported at the location the caller names. Pure logic.
#include "core/design/asdl/asdl_pattern.h"

#include <QTest>

namespace {

// "bus=<1:0>,cm=<1|2|4>@col": name=group, an optional @tag for the axis.
AsdlNamedPatterns named(const QString& spec) {
    AsdlNamedPatterns patterns;
    for (const auto& item : spec.split(',', Qt::SkipEmptyParts)) {
        const auto eq = item.indexOf('=');
        const QString name = item.left(eq);
        QString group = item.mid(eq + 1), axis = name;
        if (const auto at = group.indexOf('@', 1); at > 0 && group[at - 1] == '>') {
            axis = group.mid(at + 1);
            group = group.left(at);
        }
        patterns[name.toStdString()] = {group.toStdString(), axis.toStdString(), 0};
    }
    return patterns;
}

QStringList literals(const AsdlExpansion& expansion, bool rendered) {
    QStringList atoms;
    for (const auto& atom : expansion.atoms)
        atoms << QString::fromStdString(rendered ? atom.rendered : atom.literal);
    return atoms;
}

AsdlExpansion expanded(const QString& expression, const QString& patterns = {}) {
    auto result =
        AsdlPattern::expand(expression.toStdString(), named(patterns), "t.asdl:3", "net name");
    if (!result)
        qFatal("%s", result.error().c_str());
    return result.value();
}

} // namespace

class TestAsdlPattern : public QObject {
    Q_OBJECT

private slots:
    void expands_data() {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("patterns");
        QTest::addColumn<QStringList>("atoms");
        QTest::addColumn<QStringList>("rendered");
        QTest::newRow("literal") << "vout"
                                 << "" << QStringList{"vout"} << QStringList{"vout"};
        QTest::newRow("number") << "0"
                                << "" << QStringList{"0"} << QStringList{"0"};
        QTest::newRow("enumeration")
            << "mn_<p|n>"
            << "" << QStringList{"mn_p", "mn_n"} << QStringList{"mn_p", "mn_n"};
        QTest::newRow("range down")
            << "d<3:0>"
            << "" << QStringList{"d3", "d2", "d1", "d0"} << QStringList{"d3", "d2", "d1", "d0"};
        QTest::newRow("range up") << "d<0:2>"
                                  << "" << QStringList{"d0", "d1", "d2"}
                                  << QStringList{"d0", "d1", "d2"};
        QTest::newRow("negative range")
            << "t<-1:1>"
            << "" << QStringList{"t-1", "t0", "t1"} << QStringList{"t-1", "t0", "t1"};
        QTest::newRow("one-value range") << "b<5:5>"
                                         << "" << QStringList{"b5"} << QStringList{"b5"};
        QTest::newRow("one-value group") << "Tgate<2>"
                                         << "" << QStringList{"Tgate2"} << QStringList{"Tgate2"};
        QTest::newRow("leftmost outermost") << "x<a|b>_<1:2>"
                                            << "" << QStringList{"xa_1", "xa_2", "xb_1", "xb_2"}
                                            << QStringList{"x_a1", "x_a2", "x_b1", "x_b2"};
        QTest::newRow("splice") << "net1;net2_<1:0>"
                                << "" << QStringList{"net1", "net2_1", "net2_0"}
                                << QStringList{"net1", "net2_1", "net2_0"};
        QTest::newRow("splice of groups") << "<a|b>;<c|d>_<1:0>"
                                          << "" << QStringList{"a", "b", "c_1", "c_0", "d_1", "d_0"}
                                          << QStringList{"a", "b", "_c1", "_c0", "_d1", "_d0"};
        QTest::newRow("text after the group")
            << "Rx_<a|b>_y"
            << "" << QStringList{"Rx_a_y", "Rx_b_y"} << QStringList{"Rx__ya", "Rx__yb"};
        QTest::newRow("named") << "out<@cm>x"
                               << "cm=<1|2|4>" << QStringList{"out1x", "out2x", "out4x"}
                               << QStringList{"outx1", "outx2", "outx4"};
        QTest::newRow("named range")
            << "b<@bus>"
            << "bus=<1:0>" << QStringList{"b1", "b0"} << QStringList{"b1", "b0"};
        QTest::newRow("two named axes")
            << "c<@row>_<@col>"
            << "row=<0:1>,col=<a|b>" << QStringList{"c0_a", "c0_b", "c1_a", "c1_b"}
            << QStringList{"c_0a", "c_0b", "c_1a", "c_1b"};
        QTest::newRow("endpoint dot")
            << "m.<d|g|s>"
            << "" << QStringList{"m.d", "m.g", "m.s"} << QStringList{"m.d", "m.g", "m.s"};
    }

    void expands() {
        QFETCH(QString, expression);
        QFETCH(QString, patterns);
        QFETCH(QStringList, atoms);
        QFETCH(QStringList, rendered);
        const auto expansion = expanded(expression, patterns);
        QCOMPARE(literals(expansion, false), atoms);
        QCOMPARE(literals(expansion, true), rendered);
    }

    void malformedNamesLocationAndExpression_data() {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("patterns");
        QTest::addColumn<QString>("why");
        QTest::newRow("empty") << ""
                               << ""
                               << "it is empty";
        QTest::newRow("empty group") << "a<>"
                                     << ""
                                     << "empty group <>";
        QTest::newRow("empty alternative") << "a<p||n>"
                                           << ""
                                           << "empty alternative in <p||n>";
        QTest::newRow("range of words") << "a<3:x>"
                                        << ""
                                        << "<3:x> is not a range";
        QTest::newRow("range and enumeration") << "a<1:2|3>"
                                               << ""
                                               << "not a range";
        QTest::newRow("half a range") << "a<-:1>"
                                      << ""
                                      << "not a range";
        QTest::newRow("unclosed") << "a<p|n"
                                  << ""
                                  << "'<' is not closed";
        QTest::newRow("stray close") << "a>b"
                                     << ""
                                     << "'>' without a matching '<'";
        QTest::newRow("nested") << "a<p<q>>"
                                << ""
                                << "groups cannot be nested";
        QTest::newRow("empty splice segment") << "a;;b"
                                              << ""
                                              << "empty splice segment";
        QTest::newRow("trailing splice") << "a;"
                                         << ""
                                         << "empty splice segment";
        QTest::newRow("square brackets") << "d[3:0]"
                                         << ""
                                         << "a range is written <7:0>";
        QTest::newRow("wildcard") << "mn*"
                                  << ""
                                  << "wildcards (*) are not supported";
        QTest::newRow("whitespace") << "a b"
                                    << ""
                                    << "whitespace is not allowed";
        QTest::newRow("duplicate atom") << "a<p|p>"
                                        << ""
                                        << "expands to \"ap\" twice";
        QTest::newRow("duplicate across splice") << "a<1:2>;a1"
                                                 << ""
                                                 << "\"a1\" twice";
        QTest::newRow("unknown named") << "a<@nope>"
                                       << ""
                                       << "no named pattern \"nope\"";
        QTest::newRow("axis twice") << "<@cm><@cm>"
                                    << "cm=<1|2>"
                                    << "axis \"cm\" is used twice";
        QTest::newRow("tagged axis twice") << "<@x>_<@y>"
                                           << "x=<1|2>@t,y=<a|b>@t"
                                           << "axis \"t\" is used twice";
        QTest::newRow("range too long") << "a<0:20000>"
                                        << ""
                                        << "more than 10000 atoms";
        // Found by review: stol threw out_of_range (terminate) and a - b could overflow.
        QTest::newRow("bound beyond long") << "n<99999999999999999999:0>"
                                           << ""
                                           << "<99999999999999999999:0>: a bound beyond";
        QTest::newRow("bounds far apart") << "n<-2000000000:2000000000>"
                                          << ""
                                          << "a bound beyond 1000000000";
        QTest::newRow("product too long") << "<1:100><1:100><1:2>"
                                          << ""
                                          << "more than 10000";
    }

    void malformedNamesLocationAndExpression() {
        QFETCH(QString, expression);
        QFETCH(QString, patterns);
        QFETCH(QString, why);
        const auto result = AsdlPattern::expand(expression.toStdString(), named(patterns),
                                                "cells.asdl:12", "instance name");
        QVERIFY(!result);
        const QString message = QString::fromStdString(result.error());
        QVERIFY2(message.startsWith("cells.asdl:12: malformed pattern in instance name \"" +
                                    expression + "\": "),
                 qPrintable(message));
        QVERIFY2(message.contains(why), qPrintable(message));
    }

    void namedAxesAreRecorded() {
        const auto expansion = expanded("c<@row>_<@col>", "row=<0:1>,col=<a|b|c>@k");
        QVERIFY(!expansion.unnamedGroup);
        QVERIFY(!expansion.spliced);
        using Axes = std::vector<std::pair<std::string, int>>;
        QCOMPARE(expansion.axisLengths, (Axes{{"row", 2}, {"k", 3}}));
        QCOMPARE(expansion.atoms.size(), size_t(6));
        QCOMPARE(expansion.atoms[4].literal, std::string("c1_b"));
        QCOMPARE(expansion.atoms[4].axes, (Axes{{"row", 1}, {"k", 1}}));

        QVERIFY(expanded("d<1:0>").unnamedGroup);
        QVERIFY(expanded("a;b").spliced);
        QVERIFY(expanded("a").axisLengths.empty());
    }

    void broadcastBinds_data() {
        QTest::addColumn<QString>("net");
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QString>("patterns");
        QTest::addColumn<QList<int>>("binding");
        QTest::newRow("one net to all") << "vss"
                                        << "m<1:3>.b"
                                        << "" << QList<int>{0, 0, 0};
        QTest::newRow("atom to atom") << "d<1:0>"
                                      << "x<1:0>.d"
                                      << "" << QList<int>{0, 1};
        QTest::newRow("splices of equal length") << "a;b"
                                                 << "x.p;y.p"
                                                 << "" << QList<int>{0, 1};
        QTest::newRow("along the net's axis")
            << "n<@bus>"
            << "c<@cell>.a<@bus>"
            << "bus=<1:0>,cell=<0:2>" << QList<int>{0, 1, 0, 1, 0, 1};
        QTest::newRow("outer axis shared")
            << "n<@cell>"
            << "c<@cell>.a<@bus>"
            << "bus=<1:0>,cell=<0:2>" << QList<int>{0, 0, 1, 1, 2, 2};
        QTest::newRow("tag shared by two patterns")
            << "n<@p>"
            << "m<@q>_<@r>.g"
            << "p=<1|2>@t,q=<a|b>@t,r=<x|y|z>" << QList<int>{0, 0, 0, 1, 1, 1};
    }

    void broadcastBinds() {
        QFETCH(QString, net);
        QFETCH(QString, endpoint);
        QFETCH(QString, patterns);
        QFETCH(QList<int>, binding);
        const auto result =
            AsdlPattern::broadcast(expanded(net, patterns), expanded(endpoint, patterns),
                                   net.toStdString(), endpoint.toStdString(), "t.asdl:9");
        QVERIFY2(result.ok(), result.error().c_str());
        QList<int> actual;
        for (size_t index : result.value())
            actual << static_cast<int>(index);
        QCOMPARE(actual, binding);
    }

    void broadcastRefuses_data() {
        QTest::addColumn<QString>("net");
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QString>("patterns");
        QTest::addColumn<QString>("why");
        QTest::newRow("unnamed groups") << "n<1|2>"
                                        << "i<1|2|3>.p"
                                        << ""
                                        << "(only named patterns <@name> broadcast)";
        QTest::newRow("spliced") << "a;b"
                                 << "x.p;y.p;z.p"
                                 << ""
                                 << "(only named patterns <@name> broadcast)";
        QTest::newRow("axis missing") << "n<@x>"
                                      << "i<@y>.p"
                                      << "x=<1|2>,y=<1|2|3>"
                                      << "its axes do not contain the net's axes in order";
        QTest::newRow("axes out of order") << "n<@x>_<@y>"
                                           << "i<@y>_<@x>_<@z>.p"
                                           << "x=<1|2>,y=<a|b|c>,z=<p|q>"
                                           << "its axes do not contain the net's axes in order";
    }

    void broadcastRefuses() {
        QFETCH(QString, net);
        QFETCH(QString, endpoint);
        QFETCH(QString, patterns);
        QFETCH(QString, why);
        const auto n = expanded(net, patterns), m = expanded(endpoint, patterns);
        const auto result =
            AsdlPattern::broadcast(n, m, net.toStdString(), endpoint.toStdString(), "top.asdl:9");
        QVERIFY(!result);
        const QString message = QString::fromStdString(result.error());
        const QString mismatch = QString("top.asdl:9: net \"%1\" has %2 atoms but endpoint \"%3\" "
                                         "has %4")
                                     .arg(net)
                                     .arg(n.atoms.size())
                                     .arg(endpoint)
                                     .arg(m.atoms.size());
        QVERIFY2(message.startsWith(mismatch), qPrintable(message));
        QVERIFY2(message.contains(why), qPrintable(message));
    }

    void namedPatternsAreSingleGroups() {
        QVERIFY(AsdlPattern::isOneGroup("<a|b>"));
        QVERIFY(AsdlPattern::isOneGroup("<7:0>"));
        for (const char* notOne : {"<>", "a<1>", "<1>x", "<1><2>", "<a", "a|b"})
            QVERIFY2(!AsdlPattern::isOneGroup(notOne), notOne);

        const auto ok = AsdlPattern::namedPatterns({{"bus", "<1:0>"}});
        QVERIFY2(ok.ok(), ok.error().c_str());
        QCOMPARE(ok->at("bus").group, std::string("<1:0>"));
        QCOMPARE(ok->at("bus").axis, std::string("bus"));
        const auto bad = AsdlPattern::namedPatterns({{"bad", "a<1>"}});
        QVERIFY(!bad);
        QVERIFY2(QString::fromStdString(bad.error()).contains("pattern \"bad: a<1>\""),
                 bad.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestAsdlPattern)
#include "tst_asdl_pattern.moc"
