// Pure logic: the one set of text helpers.
#include "core/base/text.h"

#include <QTest>

using Strings = std::vector<std::string>;

class TestText : public QObject {
    Q_OBJECT

private slots:
    void lowerIsAsciiOnly() {
        QCOMPARE(text::lower("V(XOTA1.Out)"), std::string("v(xota1.out)"));
        QCOMPARE(text::lower("\xc3\x84"), std::string("\xc3\x84")); // UTF-8 left alone
    }

    void trimTakesBlanksTabsAndLineEnds() {
        QCOMPARE(text::trim(" \t r1 a b \r\n"), std::string("r1 a b"));
        QCOMPARE(text::trim(" \t\r\n"), std::string());
        QCOMPARE(text::trim(""), std::string());
    }

    void wordsAndSplit() {
        QCOMPARE(text::words("  r1\ta \f b\n"), (Strings{"r1", "a", "b"}));
        QVERIFY(text::words(" \t ").empty());
        QCOMPARE(text::split("a.b..c", '.'), (Strings{"a", "b", "", "c"}));
        QVERIFY(text::split("", '.').empty());
        QCOMPARE(text::split("a.", '.'), (Strings{"a", ""}));
    }

    void firstWordIsLowerCase() {
        QCOMPARE(text::firstWord("  .TRAN 1n 10n"), std::string(".tran"));
        QCOMPARE(text::firstWord("foreach\trv 1k 2k"), std::string("foreach"));
        QCOMPARE(text::firstWord(" \t "), std::string());
    }

    void joinFromAnIndex() {
        QCOMPARE(text::join({"x1", "a", "b", "sub"}, " ", 1), std::string("a b sub"));
        QCOMPARE(text::join({}, ", "), std::string());
    }

    void prefixesAndSuffixes() {
        QVERIFY(text::startsWith(".include x", ".inc"));
        QVERIFY(!text::startsWith(".in", ".inc"));
        QVERIFY(text::endsWith("out#branch", "#branch"));
        QVERIFY(!text::endsWith("h", "#branch"));
    }
};

QTEST_APPLESS_MAIN(TestText)
#include "tst_text.moc"
