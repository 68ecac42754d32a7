// Pure logic: SPICE text into cards, by ngspice 39's rules (each row states the rule; the
// rules were checked against ngspice 39.3 in batch mode).
#include "core/design/spice_lexer.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

// "2,4: r1 a 0 1k": a card's physical lines and its words.
QStringList describe(const std::vector<SpiceLexer::Card>& cards, bool withFile = false) {
    QStringList out;
    for (const auto& card : cards) {
        QStringList lines;
        for (int line : card.lines)
            lines << QString::number(line);
        QString words;
        for (const auto& token : card.tokens)
            words += (words.isEmpty() ? "" : " ") + QString::fromStdString(token);
        const QString file =
            withFile ? QFileInfo(QString::fromStdString(card.at.file)).fileName() + ":" : "";
        out << file + lines.join(',') + ": " + words;
    }
    return out;
}

QStringList words(const std::string& line) {
    QStringList out;
    for (const auto& word : SpiceLexer::words(line))
        out << QString::fromStdString(word);
    return out;
}

bool contains(const std::string& haystack, const QString& needle) {
    return haystack.find(needle.toStdString()) != std::string::npos;
}

} // namespace

class TestSpiceLexer : public QObject {
    Q_OBJECT
private slots:
    // One physical line: where ngspice's end-of-line comment starts, and the words left.
    void endOfLineComments_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QStringList>("words");
        using L = QStringList;
        QTest::newRow("semicolon") << "r1 a 0 1k;x" << L{"r1", "a", "0", "1k"};
        QTest::newRow("semicolon, blanks, twice") << "r1 a 0 1k ; x ; y" << L{"r1", "a", "0", "1k"};
        // Known disagreement: SpiceReader wanted a blank on both sides of `$`, the old ASDL
        // SpiceDeck one before it; ngspice 39 wants a blank, tab or comma before it only.
        QTest::newRow("dollar after a blank") << "r1 a 0 1k $x" << L{"r1", "a", "0", "1k"};
        QTest::newRow("dollar between blanks") << "r1 a 0 1k $ x" << L{"r1", "a", "0", "1k"};
        QTest::newRow("dollar after a tab") << "r1 a 0 1k\t$x" << L{"r1", "a", "0", "1k"};
        QTest::newRow("dollar after a comma") << "r1 a 0 1k,$x" << L{"r1", "a", "0", "1k"};
        QTest::newRow("dollar inside a name") << "r1 a b$c 1k" << L{"r1", "a", "b$c", "1k"};
        QTest::newRow("double slash") << "r1 a 0 1k//x" << L{"r1", "a", "0", "1k"};
        QTest::newRow("double dash is no comment")
            << "r1 a 0 1k --x" << L{"r1", "a", "0", "1k", "--x"};
        QTest::newRow("single slash is no comment") << "b1 a 0 v=1/2" << L{"b1", "a", "0", "v=1/2"};
        // ngspice cuts inside quotes and braces too (`'1k;2k'` is a syntax error there).
        QTest::newRow("quotes do not protect") << "r1 a 0 '1k;2k'" << L{"r1", "a", "0", "'1k"};
        QTest::newRow("braces do not protect") << "r1 a 0 {1k $x}" << L{"r1", "a", "0", "{1k"};
        QTest::newRow("no comment") << "  r1 a 0 1k  " << L{"r1", "a", "0", "1k"};
    }
    void endOfLineComments() {
        QFETCH(QString, line);
        QFETCH(QStringList, words);
        QCOMPARE(::words(SpiceLexer::withoutComment(line.toStdString())), words);
    }

    // Words of a card: blanks and commas separate them.
    void words_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("words");
        using L = QStringList;
        // Known disagreement: the old ASDL SpiceDeck (now gone) split at commas, SpiceReader did
        // not; ngspice does
        // (`xr a b,0 div` connects three nodes).
        QTest::newRow("commas separate") << "xr a b,0 div" << L{"xr", "a", "b", "0", "div"};
        QTest::newRow("commas in parentheses stay")
            << ".save v(a,b) i(v1)" << L{".save", "v(a,b)", "i(v1)"};
        QTest::newRow("pwl pairs stay")
            << "v1 a 0 pwl(0,0 1n,1)" << L{"v1", "a", "0", "pwl(0,0", "1n,1)"};
        QTest::newRow("comma in a model's parentheses")
            << "(level=1, vto=0.7)" << L{"(level=1,", "vto=0.7)"};
        QTest::newRow("comma between parameters") << "level=1, vto=0.7" << L{"level=1", "vto=0.7"};
        QTest::newRow("name = value is one word")
            << "r1 a 0 r = 1k tc=1" << L{"r1", "a", "0", "r=1k", "tc=1"};
        QTest::newRow("quotes keep blanks") << "r2 a 0 'r0 * 2'" << L{"r2", "a", "0", "'r0 * 2'"};
        QTest::newRow("braces keep blanks")
            << "e1 a 0 value = { v(b) * 2 }" << L{"e1", "a", "0", "value={ v(b) * 2 }"};
        QTest::newRow("tabs") << "r1\ta\t0" << L{"r1", "a", "0"};
        QTest::newRow("empty") << "" << L{};
    }
    void words() {
        QFETCH(QString, text);
        QFETCH(QStringList, words);
        QCOMPARE(::words(text.toStdString()), words);
    }

    // Whole texts: which lines make which cards, the title, continuations, .end.
    void cards_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("included"); // no title, read past .end
        QTest::addColumn<QStringList>("cards");
        QTest::addColumn<int>("warnings");
        QTest::addColumn<int>("endLine");
        using L = QStringList;
        QTest::newRow("title is no card") << "r1 a 0 1k .include x\nr2 a 0 1k\n"
                                          << false << L{"2: r2 a 0 1k"} << 0 << 0;
        QTest::newRow("included files have no title")
            << "r1 a 0 1k\nr2 a 0 1k\n"
            << true << L{"1: r1 a 0 1k", "2: r2 a 0 1k"} << 0 << 0;
        QTest::newRow("whole-line comments") << "t\n* a\n   * b\n$ c\n# d\n// e\n\n  \nr1 a 0 1\n"
                                             << false << L{"9: r1 a 0 1"} << 0 << 0;
        QTest::newRow("continuation") << "t\nr1 a 0\n+ 1k\n"
                                      << false << L{"2,3: r1 a 0 1k"} << 0 << 0;
        QTest::newRow("indented continuation") << "t\nr1 a 0\n\t  + 1k\n"
                                               << false << L{"2,3: r1 a 0 1k"} << 0 << 0;
        // Known disagreement: the old ASDL SpiceDeck (now gone) dropped these continuations, and
        // RunNetlist set aside only the part of a commented analysis above a comment.
        QTest::newRow("continuation after a comment line")
            << "t\nr1 a 0\n* note\n+ 1k\n"
            << false << L{"2,4: r1 a 0 1k"} << 0 << 0;
        QTest::newRow("continuation after a blank line") << "t\nr1 a 0\n\n+ 1k\n"
                                                         << false << L{"2,4: r1 a 0 1k"} << 0 << 0;
        QTest::newRow("continuation after $, # and // lines")
            << "t\nr1 a\n$ x\n+ 0\n# y\n+ 1k\n// z\n+ tc=1\n"
            << false << L{"2,4,6,8: r1 a 0 1k tc=1"} << 0 << 0;
        QTest::newRow("comments inside continuations") << "t\nr1 a ; x\n+ 0 $ y\n+ 1k // z\n"
                                                       << false << L{"2,3,4: r1 a 0 1k"} << 0 << 0;
        // ngspice keeps a line starting with `;` as a card it ignores; a `+` line after it
        // continues that one (and is ignored too), not the card before.
        QTest::newRow("continuation after a ; line") << "t\nr1 a 0 1k\n; note\n+ tc=1\n"
                                                     << false << L{"2: r1 a 0 1k"} << 1 << 0;
        QTest::newRow("; line, then a comment, then a continuation")
            << "t\nr1 a 0 1k\n  ;note\n* c\n+ tc=1\nr2 a 0 1\n"
            << false << L{"2: r1 a 0 1k", "6: r2 a 0 1"} << 1 << 0;
        QTest::newRow("continuation with no card before it")
            << "t\n+ 5k\nr1 a 0 1k\n"
            << false << L{"3: r1 a 0 1k"} << 1 << 0;
        QTest::newRow("empty continuation") << "t\nr1 a 0 1k\n+\n"
                                            << false << L{"2,3: r1 a 0 1k"} << 0 << 0;
        QTest::newRow("CR LF line ends") << "t\r\nr1 a 0\r\n+ 1k\r\n"
                                         << false << L{"2,3: r1 a 0 1k"} << 0 << 0;
        QTest::newRow("top file ends at .end") << "t\nr1 a 0 1\n.END ; done\nr2 a 0 1\n"
                                               << false << L{"2: r1 a 0 1"} << 0 << 3;
        QTest::newRow(".ends and .endl are not .end")
            << "t\n.subckt s a\n.ends\n.endl\n"
            << false << L{"2: .subckt s a", "3: .ends", "4: .endl"} << 0 << 0;
        QTest::newRow("included files are read past .end")
            << "r1 a 0 1\n.end\nr2 a 0 1\n"
            << true << L{"1: r1 a 0 1", "2: .end", "3: r2 a 0 1"} << 0 << 0;
        QTest::newRow("case is kept") << "t\n.INCLUDE Models/A.lib\n"
                                      << false << L{"2: .INCLUDE Models/A.lib"} << 0 << 0;
    }
    void cards() {
        QFETCH(QString, text);
        QFETCH(bool, included);
        QFETCH(QStringList, cards);
        QFETCH(int, warnings);
        QFETCH(int, endLine);
        const auto lexed = SpiceLexer::lex(text.toStdString(), "/virtual/f.cir",
                                           SpiceLexer::Options{!included, !included});
        QCOMPARE(describe(lexed.cards), cards);
        QCOMPARE(static_cast<int>(lexed.warnings.size()), warnings);
        for (const auto& warning : lexed.warnings)
            QVERIFY2(contains(warning, "/virtual/f.cir:") && contains(warning, "ngspice ignores"),
                     warning.c_str());
        QCOMPARE(lexed.endLine, endLine);
        for (const auto& card : lexed.cards)
            QCOMPARE(card.at.file, std::string("/virtual/f.cir"));
        // Every physical line is kept, line ends removed, for rewriters.
        QCOMPARE(lexed.lines.size(), size_t(text.count('\n')));
        for (const auto& line : lexed.lines)
            QVERIFY(line.find('\r') == std::string::npos);
    }

    void heads_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("head");
        QTest::addColumn<bool>("analysis");
        QTest::newRow("tran") << ".TRAN 1n 1u"
                              << ".tran" << true;
        QTest::newRow("op") << ".op"
                            << ".op" << true;
        QTest::newRow("dc") << ".dc v1 0 1 0.1"
                            << ".dc" << true;
        QTest::newRow("noise") << ".noise v(out) vin dec 10 1 1g"
                               << ".noise" << true;
        QTest::newRow("measure") << ".meas tran x max v(a)"
                                 << ".meas" << false;
        QTest::newRow("element") << "R1 a 0 1"
                                 << "r1" << false;
    }
    void heads() {
        QFETCH(QString, text);
        QFETCH(QString, head);
        QFETCH(bool, analysis);
        const auto lexed = SpiceLexer::lex("t\n" + text.toStdString() + "\n", "f");
        QCOMPARE(lexed.cards.size(), size_t(1));
        QCOMPARE(QString::fromStdString(lexed.cards[0].head()), head);
        QCOMPARE(SpiceLexer::isAnalysis(lexed.cards[0].head()), analysis);
    }

    // .control blocks are not cards; their lines stay as written, for scripts.
    void controlBlocks_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("cards");
        QTest::addColumn<QStringList>("body"); // "line: text"
        QTest::addColumn<int>("start");
        QTest::addColumn<int>("end");
        using L = QStringList;
        QTest::newRow("script lines kept")
            << "t\nr1 a 0 1\n.control\nrun $ x\n  let a = 1 ; b\n.endc\n.op\n"
            << L{"2: r1 a 0 1", "7: .op"} << L{"4: run $ x", "5:   let a = 1 ; b"} << 3 << 6;
        QTest::newRow("dot cards inside are commands")
            << "t\n.CONTROL ; c\n.meas tran x max v(a)\n.end\n.ENDC\n.op\n"
            << L{"6: .op"} << L{"3: .meas tran x max v(a)", "4: .end"} << 2 << 5;
        QTest::newRow("a continuation after .endc has no card")
            << "t\n.control\nrun\n.endc\n+ 1\nr1 a 0 1\n"
            << L{"6: r1 a 0 1"} << L{"3: run"} << 2 << 4;
        QTest::newRow("unclosed") << "t\nr1 a 0 1\n.control\nrun\n"
                                  << L{"2: r1 a 0 1"} << L{"4: run"} << 3 << 0;
    }
    void controlBlocks() {
        QFETCH(QString, text);
        QFETCH(QStringList, cards);
        QFETCH(QStringList, body);
        QFETCH(int, start);
        QFETCH(int, end);
        const auto lexed = SpiceLexer::lex(text.toStdString(), "/virtual/c.cir");
        QCOMPARE(describe(lexed.cards), cards);
        QCOMPARE(lexed.controls.size(), size_t(1));
        const auto& block = lexed.controls[0];
        QStringList lines;
        for (size_t i = 0; i < block.body.size(); ++i)
            lines << QString::number(block.lines[i]) + ": " + QString::fromStdString(block.body[i]);
        QCOMPARE(lines, body);
        QCOMPARE(block.at.line, start);
        QCOMPARE(block.endLine, end);
        QCOMPARE(lexed.unclosedControl().empty(), end != 0);
        if (!end)
            QCOMPARE(lexed.unclosedControl(),
                     "/virtual/c.cir:" + std::to_string(start) + ": .control without .endc");
    }

    void librarySections() {
        const auto lexed = SpiceLexer::lex("t\n.lib TT\nr1 a 0 1\n+ tc=1\n.endl tt\n"
                                           ".lib 'x.lib' ss\nr2 a 0 1\n.lib \"FF\"\nr3 a 0 1\n",
                                           "f");
        QCOMPARE(lexed.sections.size(), size_t(2));
        QCOMPARE(lexed.sections[0].name, std::string("tt"));
        QCOMPARE(lexed.sections[0].at.line, 2);
        QCOMPARE(lexed.sections[0].endLine, 5);
        QCOMPARE(lexed.sections[1].name, std::string("ff")); // unquoted, lower case
        QCOMPARE(lexed.sections[1].endLine, 0);              // no .endl
        std::vector<int> sections;
        for (const auto& card : lexed.cards)
            sections.push_back(card.section);
        // .lib TT, r1, .endl, the .lib reference, r2, .lib "FF", r3: the delimiting cards are
        // outside their section.
        QCOMPARE(sections, (std::vector<int>{-1, 0, -1, -1, -1, -1, 1}));
        QCOMPARE(SpiceLexer::unquoted("'a b'"), std::string("a b"));
        QCOMPARE(SpiceLexer::unquoted("\"x"), std::string("\"x"));
    }

    // Includes read relative to the including file, sections selected, misses tolerated.
    void includes_data() {
        QTest::addColumn<QStringList>("files"); // path, content, path, content, ...; [0] is top
        QTest::addColumn<bool>("tolerate");
        QTest::addColumn<QStringList>("cards");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("warning");
        using L = QStringList;
        QTest::newRow("relative to the including file")
            << L{"top.cir",   "t\n.include sub/a.inc\nr0 a 0 1\n",
                 "sub/a.inc", "ra a 0 1\n.inc 'b.inc'\n",
                 "sub/b.inc", "rb b 0 1\n.end\nrc c 0 1\n"}
            << false
            << L{"a.inc:1: ra a 0 1", "b.inc:1: rb b 0 1", "b.inc:3: rc c 0 1",
                 "top.cir:3: r0 a 0 1"}
            << ""
            << "";
        QTest::newRow("selected sections")
            << L{"top.cir",
                 "t\n.lib lib/c.lib TT\n.lib 'lib/c.lib' ss\n",
                 "lib/c.lib",
                 "* corners\n.lib tt\nmt a 0 1\n.endl\n.lib ss\n.include ss.mod\n.endl\n",
                 "lib/ss.mod",
                 "ms a 0 1\n"}
            << false << L{"c.lib:3: mt a 0 1", "ss.mod:1: ms a 0 1"} << ""
            << "";
        QTest::newRow("section definitions in the top file are skipped")
            << L{"top.cir", "t\n.lib tt\nr1 a 0 1\n.endl\nr2 a 0 1\n.control\nrun\n.endc\n"}
            << false << L{"top.cir:5: r2 a 0 1"} << ""
            << "";
        QTest::newRow("missing file") << L{"top.cir", "t\n.include nowhere.inc\n"} << false << L{}
                                      << "top.cir:2: .include \"nowhere.inc\": file not found"
                                      << "";
        QTest::newRow("missing file tolerated")
            << L{"top.cir", "t\n.include nowhere.inc\nr1 a 0 1\n"} << true
            << L{"top.cir:3: r1 a 0 1"} << ""
            << "top.cir:2: .include \"nowhere.inc\": file not found";
        QTest::newRow("missing section tolerated")
            << L{"top.cir", "t\n.lib m.lib ff\n", "m.lib", ".lib tt\n.endl\n"} << true << L{} << ""
            << "top.cir:2: .lib \"m.lib\" ff: no section \"ff\"";
        QTest::newRow("recursion")
            << L{"top.cir", "t\n.include a.inc\n", "a.inc", ".include top.cir\n"} << true << L{}
            << "a.inc:1: .include \"top.cir\" is included recursively"
            << "";
        QTest::newRow("section without .endl")
            << L{"top.cir", "t\n.lib m.lib tt\n", "m.lib", "* m\n.lib tt\nr1 a 0 1\n"} << false
            << L{} << "m.lib:2: .lib section \"tt\" has no .endl"
            << "";
        QTest::newRow("unclosed .control in an included file")
            << L{"top.cir", "t\n.include a.inc\n", "a.inc", "r1 a 0 1\n.control\n"} << false << L{}
            << "a.inc:2: .control without .endc"
            << "";
        QTest::newRow("include without a name") << L{"top.cir", "t\n.include\n"} << true << L{}
                                                << "top.cir:2: .include without a file name"
                                                << "";
    }
    void includes() {
        QFETCH(QStringList, files);
        QFETCH(bool, tolerate);
        QFETCH(QStringList, cards);
        QFETCH(QString, error);
        QFETCH(QString, warning);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (int i = 0; i + 1 < files.size(); i += 2) {
            const QString path = dir.filePath(files[i]);
            QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(files[i + 1].toUtf8());
        }
        const std::string top = dir.filePath(files[0]).toStdString();
        auto deck = SpiceLexer::expand(files[1].toStdString(), top, {tolerate});
        if (!error.isEmpty()) {
            QVERIFY(!deck.ok());
            QVERIFY2(contains(deck.error(), error), deck.error().c_str());
            return;
        }
        QVERIFY2(deck.ok(), deck.error().c_str());
        QCOMPARE(describe(deck->cards, true), cards);
        // Read from the file, the same cards.
        auto fromFile = SpiceLexer::expandFile(top, {tolerate});
        QVERIFY2(fromFile.ok(), fromFile.error().c_str());
        QCOMPARE(describe(fromFile->cards, true), cards);
        auto absent = SpiceLexer::expandFile(top + ".absent", {true});
        QVERIFY(!absent.ok());
        QVERIFY(contains(absent.error(), QString::fromStdString(top) + ".absent: cannot open"));
        if (warning.isEmpty()) {
            QVERIFY(deck->warnings.empty());
        } else {
            QCOMPARE(deck->warnings.size(), size_t(1));
            QVERIFY2(contains(deck->warnings[0], warning), deck->warnings[0].c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestSpiceLexer)
#include "tst_spice_lexer.moc"
