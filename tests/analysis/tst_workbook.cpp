// Pure logic: the workbook's YAML form, read, written and read again.
#include "core/analysis/workbook.h"

#include <QTemporaryDir>
#include <QTest>

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The form the issue asks for, as a user writes it.
const char* kIssueForm = R"yaml(panes:
  - traces: ["top.nodes.out.v", "top.nodes.out.v - top.nodes.in.v", "deriv(top.nodes.out.v)"]
  - fft: {trace: "top.nodes.out.v", window: hann}
measure:
  top.nodes.out.v: [rise, max]
)yaml";

} // namespace

class TestWorkbook : public QObject {
    Q_OBJECT

private slots:
    void theIssuesFormReads() {
        auto book = Workbook::parse(kIssueForm, "w.yaml");
        QVERIFY2(book.ok(), book.error().c_str());
        QCOMPARE(book->panes.size(), size_t(2));
        QCOMPARE(book->panes[0].traces.size(), size_t(3));
        QCOMPARE(book->panes[0].traces[1].expression,
                 std::string("top.nodes.out.v - top.nodes.in.v"));
        QVERIFY(!book->panes[0].fft);
        QVERIFY(book->panes[1].fft.has_value());
        QCOMPARE(book->panes[1].fft->trace, std::string("top.nodes.out.v"));
        QCOMPARE(book->panes[1].fft->window, std::string("hann"));
        QCOMPARE(book->measure.size(), size_t(1));
        QCOMPARE(book->measure[0].first, std::string("top.nodes.out.v"));
        QCOMPARE(book->measure[0].second, (std::vector<std::string>{"rise", "max"}));
        QCOMPARE(book->expressions(),
                 (std::vector<std::string>{"top.nodes.out.v", "top.nodes.out.v - top.nodes.in.v",
                                           "deriv(top.nodes.out.v)"}));
    }

    void everySettingSurvivesSaveAndLoad() {
        Workbook book;
        Workbook::Pane pane;
        Workbook::Trace styled;
        styled.expression = "db(top.nodes.out.v)";
        styled.label = "gain";
        styled.unit = "dB";
        styled.color = "#d62728";
        styled.style = "dash";
        styled.width = 2.5;
        styled.hidden = true;
        pane.traces = {Workbook::Trace{"top.m1.op.gm", "", "", "", "", 0, false}, styled};
        pane.logY = {"S"};
        Workbook::Pane fftPane;
        fftPane.fft =
            Workbook::Fft{"top.nodes.out.v", "blackman-harris", 1e-6, 5e-6, 1e6, 7, false};
        book.panes = {pane, fftPane};
        book.measure = {{"top.nodes.out.v", {"rise", "settling", "overshoot"}}};
        book.x = Workbook::Range{0, 5e-6};
        book.cursorA = 1e-6;
        book.cursorB = 3.3e-6;

        QTemporaryDir dir;
        const std::string path = dir.filePath("book.yaml").toStdString();
        QVERIFY(book.save(path).ok());
        auto again = Workbook::load(path);
        QVERIFY2(again.ok(), again.error().c_str());
        QCOMPARE(again->toYaml(), book.toYaml());
        const auto& trace = again->panes[0].traces[1];
        QCOMPARE(trace.expression, styled.expression);
        QCOMPARE(trace.label, styled.label);
        QCOMPARE(trace.color, styled.color);
        QCOMPARE(trace.style, styled.style);
        QCOMPARE(trace.width, 2.5);
        QVERIFY(trace.hidden);
        QCOMPARE(again->panes[0].logY, (std::vector<std::string>{"S"}));
        const auto& fft = *again->panes[1].fft;
        QCOMPARE(fft.window, std::string("blackman-harris"));
        QCOMPARE(*fft.from, 1e-6);
        QCOMPARE(*fft.to, 5e-6);
        QCOMPARE(*fft.fundamental, 1e6);
        QCOMPARE(fft.harmonics, 7);
        QVERIFY(!fft.logFrequency);
        QCOMPARE(again->x->to, 5e-6);
        QCOMPARE(*again->cursorB, 3.3e-6);
        QCOMPARE(again->measure, book.measure);
    }

    void spiceSuffixesReadAsNumbers() {
        auto book = Workbook::parse("panes: [[a.v]]\nx: {from: 1u, to: 2.5meg}\ncursors: {a: 3n}\n",
                                    "s.yaml");
        QVERIFY2(book.ok(), book.error().c_str());
        QCOMPARE(book->x->from, 1e-6);
        QCOMPARE(book->x->to, 2.5e6);
        QCOMPARE(*book->cursorA, 3e-9);
        QCOMPARE(book->panes[0].traces[0].expression, std::string("a.v"));
    }

    void mistakesNameTheFileAndLine() {
        struct Case {
            const char* yaml;
            const char* expected;
        };
        const Case cases[] = {
            {"panes:\n  - traces: [a.v]\nmeasure:\n  a.v: [rise, slew]\n",
             "w.yaml:4: unknown measurement \"slew\" of a.v"},
            {"panes:\n  - fft: {trace: a.v, window: hamming}\n", "w.yaml:2: window \"hamming\""},
            {"panes:\n  - trcaes: [a.v]\n", "w.yaml:2: unknown key \"trcaes\" in a pane"},
            {"panes:\n  - traces: [a.v]\n    fft: a.v\n", "not both"},
            {"x: {from: 5u, to: 1u}\n", "w.yaml:1: x: from must be below to"},
            {"x: {from: soon, to: 1u}\n", "x from must be a number"},
            {"version: 2\n", "w.yaml:1: version 2 is not supported"},
            {"panes:\n  - traces: [{label: x}]\n", "w.yaml:2: a trace needs expr:"},
            {"panes:\n  - traces: [\"  \"]\n", "expression is empty"},
            {"panes: [\n", "w.yaml:2: not valid YAML"},
            {"- a\n- b\n", "a workbook is a mapping"},
            {"panes:\n  - fft: {trace: a.v, harmonics: 1}\n", "harmonics must be"},
        };
        for (const auto& c : cases) {
            auto book = Workbook::parse(c.yaml, "w.yaml");
            QVERIFY2(!book.ok(), c.yaml);
            QVERIFY2(contains(book.error(), c.expected), book.error().c_str());
        }
        auto missing = Workbook::load("/nonexistent/w.yaml");
        QVERIFY(!missing.ok());
        QVERIFY(contains(missing.error(), "/nonexistent/w.yaml"));
    }

    void anEmptyFileIsAnEmptyWorkbook() {
        auto book = Workbook::parse("", "e.yaml");
        QVERIFY2(book.ok(), book.error().c_str());
        QVERIFY(book->panes.empty());
        QVERIFY(Workbook::parse(book->toYaml(), "e2.yaml").ok());
    }
};

QTEST_APPLESS_MAIN(TestWorkbook)
#include "tst_workbook.moc"
