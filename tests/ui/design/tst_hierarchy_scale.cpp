// The hierarchy browser over a 30,000-instance design (tests/data/asdl/swmatrix: a 130 x 25
// switch matrix, read by the built-in ASDL reader with the netlist asdlc emitted), real
// widgets offscreen: the model's row counts, glob filters over the whole tree, expanding,
// scrolling, and, when asdlc is installed, every instance of its own `query tree` in the tree.
// Not timed: bench/bench_tree_scale.py measures.
#include "core/design/asdl/asdl_tree_reader.h"
#include "core/design/hierarchy_filter.h"
#include "core/engine/design_reader.h"
#include "ui/design/hierarchy_filter_model.h"
#include "ui/design/hierarchy_model.h"
#include "ui/design/hierarchy_view.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFileInfo>
#include <QLabel>
#include <QProcess>
#include <QRegularExpression>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTest>
#include <QTreeView>
#include <memory>

namespace {
const QString kDesign = QStringLiteral(WAVEBENCH_TEST_DATA "/asdl/swmatrix/swmatrix.asdl");
constexpr int kRows = 130;
constexpr int kColumns = 25;
// A cell and mn_s, cs, inv (mn, mp), tg (mn, mp); a row and clkbuf (mn, mp), rpd; the
// matrix dut; beside it models, op and the sources vdd, vclk, vdin, vcol<25:1>.
constexpr int kInstancesBelowTop = 1 + kRows * (1 + 4 + kColumns * 9) + 5 + kColumns;

int countKind(const HierarchyTree& tree, std::initializer_list<NodeKind> kinds) {
    int count = 0;
    for (int id = 0; id < static_cast<int>(tree.size()); ++id)
        for (const auto kind : kinds)
            count += tree.node(id).kind == kind ? 1 : 0;
    return count;
}

QModelIndex proxyIndex(HierarchyView& view, const QString& cref) {
    return view.filterModel()->mapFromSource(view.model()->indexForCref(cref));
}

int rowsShown(QTreeView* tree) {
    int rows = 0;
    for (auto index = tree->model()->index(0, 0); index.isValid(); index = tree->indexBelow(index))
        ++rows;
    return rows;
}

// The compiler on PATH, then the one in ../shared.
QString findAsdlc() {
    const auto onPath = QStandardPaths::findExecutable("asdlc");
    if (!onPath.isEmpty())
        return onPath;
    const QString shared = QStringLiteral(WAVEBENCH_SHARED_ASDL "/../tools/asdlc");
    return QFileInfo(shared).isExecutable() ? shared : QString();
}
} // namespace

class TestHierarchyScale : public QObject {
    Q_OBJECT
    std::shared_ptr<const HierarchyTree> m_tree;

private slots:
    void initTestCase() {
        auto tree = DesignReader::read(kDesign.toStdString());
        QVERIFY2(tree, tree ? "" : tree.error().c_str());
        m_tree = std::make_shared<const HierarchyTree>(std::move(tree.value()));
        QCOMPARE(countKind(*m_tree, {NodeKind::Instance, NodeKind::Device}) - 1,
                 kInstancesBelowTop);
    }

    void modelRowsAreTheTreesChildren() {
        HierarchyModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setTree(m_tree);
        QCOMPARE(model.rowCount(), 1);
        const auto dut = model.indexForCref("top.dut");
        QVERIFY(dut.isValid());
        // 130 rows, then the matrix's nets: 130 lines, 25 columns, din, chain<129:1>, dout,
        // clk, vdd, vss.
        QCOMPARE(model.rowCount(dut), kRows + kRows + kColumns + 1 + 129 + 4);
        QCOMPARE(model.index(0, 0, dut).data(HierarchyModel::CrefRole).toString(),
                 QString("top.dut.row130"));
        const auto cell = model.indexForCref("top.dut.row7.cell3");
        QCOMPARE(cell.parent(), model.indexForCref("top.dut.row7"));
        QCOMPARE(cell.row(), kColumns - 3);
        const auto gm = model.indexForCref("top.dut.row7.cell3.tg.mn.op.gm");
        QVERIFY(gm.isValid());
        QCOMPARE(gm.data(HierarchyModel::VectorRole).toString(),
                 QString("@m.xdut.xrow7.xcell3.xtg.mmn[gm]"));
        QCOMPARE(model.parent(model.parent(gm)).data(HierarchyModel::CrefRole).toString(),
                 QString("top.dut.row7.cell3.tg"));
    }

    void globFiltersTheWholeTree() {
        HierarchyView view;
        view.resize(600, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setTree(m_tree);
        QCOMPARE(rowsShown(view.treeView()), 1 + static_cast<int>(m_tree->childIds(0).size()));

        QVERIFY(!view.matchLabel()->isVisible()); // no filter, no count
        view.setFilterText("*.tg.mn");
        QCOMPARE(view.filterModel()->matchCount(), kRows * kColumns);
        // The count beside the filter, in the user's digits ("3,250 matches").
        QVERIFY(view.matchLabel()->isVisible());
        QString digits = view.matchLabel()->text();
        digits.remove(QRegularExpression("[^0-9]"));
        QCOMPARE(digits.toInt(), kRows * kColumns);
        QVERIFY(view.matchLabel()->text().endsWith(" matches"));
        view.setFilterText("*.no_such_device");
        QCOMPARE(view.matchLabel()->text(), QString("no match"));
        view.setFilterText("");
        QVERIFY(!view.matchLabel()->isVisible());
        view.setFilterText("*.tg.mn");
        auto* proxy = view.filterModel();
        const auto dut = proxyIndex(view, "top.dut");
        QCOMPARE(proxy->rowCount(dut), kRows); // the rows; no net matches
        const auto row = proxyIndex(view, "top.dut.row42");
        QCOMPARE(proxy->rowCount(row), kColumns); // the cells; not clkbuf, rpd or nets
        const auto cell = proxyIndex(view, "top.dut.row42.cell7");
        QCOMPARE(proxy->rowCount(cell), 1); // tg
        const auto tg = proxyIndex(view, "top.dut.row42.cell7.tg");
        QCOMPARE(proxy->rowCount(tg), 1); // mn, not mp
        QVERIFY(!proxyIndex(view, "top.dut.row42.cell7.tg.mp").isValid());
        QVERIFY(!proxyIndex(view, "top.dut.row42.cell7.inv.mn").isValid());
        // The first matches show whole; later ones' ancestors are there, closed.
        const auto first = proxyIndex(view, "top.dut.row130.cell25.tg.mn");
        for (auto up = first.parent(); up.isValid(); up = up.parent())
            QVERIFY(view.treeView()->isExpanded(up));
        QVERIFY(!view.treeView()->isExpanded(proxyIndex(view, "top.dut.row1")));
        QVERIFY(rowsShown(view.treeView()) <= 3000);

        // A prefix glob: row1, row10-19, row100-130 and everything below them.
        view.setFilterText("top.dut.row1*");
        int expected = 0;
        for (int id = 0; id < static_cast<int>(m_tree->size()); ++id)
            expected += m_tree->node(id).cref.rfind("top.dut.row1", 0) == 0 ? 1 : 0;
        QCOMPARE(view.filterModel()->matchCount(), expected);
        QCOMPARE(proxy->rowCount(proxyIndex(view, "top.dut")), 1 + 10 + 31);
        QVERIFY(proxyIndex(view, "top.dut.row115.cell2.inv.mp.op.id").isValid());
        QVERIFY(!proxyIndex(view, "top.dut.row2").isValid());

        // ASDL's own groups: `<1*>` is `1*`, a range or alternatives one of them.
        view.setFilterText("top.dut.row<1*>");
        QCOMPARE(view.filterModel()->matchCount(), expected);
        view.setFilterText("top.dut.row<3:1>.cell<2|4>");
        QVERIFY(view.filterModel()->isGlob());
        QCOMPARE(view.filterModel()->matchCount(), 6);
        QVERIFY(proxyIndex(view, "top.dut.row2.cell4").isValid());
        QVERIFY(!proxyIndex(view, "top.dut.row2.cell3").isValid());
        QVERIFY(!proxyIndex(view, "top.dut.row4").isValid());
        QCOMPARE(HierarchyFilter("*.<tg|inv>.m<n|p>").marks(*m_tree).size(), m_tree->size());
        QVERIFY(HierarchyFilter("*.<tg|inv>.m<n|p>").matches("top.dut.row9.cell1.inv.mp"));
        QVERIFY(!HierarchyFilter("*.<tg|inv>.m<n|p>").matches("top.dut.row9.cell1.mn_s"));

        // Case and substrings: `TG.MN.OP.GM` is every tgate nmos's gm and gmb.
        view.setFilterText("TG.MN.OP.GM");
        QCOMPARE(view.filterModel()->matchCount(), 2 * kRows * kColumns);
        QVERIFY(proxyIndex(view, "top.dut.row3.cell4.tg.mn.op.gmb").isValid());
        QVERIFY(!proxyIndex(view, "top.dut.row3.cell4.tg.mn.op.gds").isValid());

        view.setFilterText({});
        QCOMPARE(proxy->rowCount(proxyIndex(view, "top.dut")),
                 view.model()->rowCount(view.model()->indexForCref("top.dut")));
    }

    void expandAndScroll() {
        HierarchyView view;
        view.resize(600, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setTree(m_tree);
        auto* tree = view.treeView();
        const auto row = proxyIndex(view, "top.dut.row65");
        tree->expand(row.parent());
        const int before = rowsShown(tree);
        tree->expandRecursively(row);
        const int below = static_cast<int>(m_tree->nodes().size()); // sanity: the whole tree
        int subtree = 0;
        for (int id = 0; id < static_cast<int>(m_tree->size()); ++id)
            subtree += m_tree->node(id).cref.rfind("top.dut.row65.", 0) == 0 ? 1 : 0;
        QVERIFY(subtree < below);
        QCOMPARE(rowsShown(tree), before + subtree);
        tree->scrollToBottom();
        QApplication::processEvents();
        QCOMPARE(tree->verticalScrollBar()->value(), tree->verticalScrollBar()->maximum());
        // The last row drawn is the last row of `top`'s list (its last net).
        const auto last = tree->indexAt(QPoint(5, tree->viewport()->height() - 3));
        QVERIFY(last.isValid());
        QCOMPARE(tree->indexBelow(last), QModelIndex());
    }

    void everyInstanceOfTheCompilersTreeIsInTheTree() {
        const QString asdlc = findAsdlc();
        if (asdlc.isEmpty())
            QSKIP("asdlc is neither on PATH nor in ../shared/tools: the compiler's tree is not "
                  "compared");
        QProcess compiler;
        compiler.start(asdlc, {"query", "tree", kDesign, "--json"});
        QVERIFY(compiler.waitForFinished(120000));
        if (compiler.exitCode() == 127)
            QSKIP("asdlc found no Python with its packages (exit 127)");
        QCOMPARE(compiler.exitCode(), 0);
        const auto entries =
            AsdlTreeReader::readTreeJson(compiler.readAllStandardOutput().toStdString(), "asdlc");
        QVERIFY2(entries, entries ? "" : entries.error().c_str());
        QCOMPARE(static_cast<int>(entries->size()), kInstancesBelowTop + 1);
        const std::string root = entries->front().path + ".";
        for (const auto& entry : entries.value()) {
            if (entry.parentPath.empty())
                continue;
            const std::string cref = "top." + entry.path.substr(root.size());
            QVERIFY2(m_tree->find(cref), cref.c_str());
        }
    }
};

QTEST_MAIN(TestHierarchyScale)
#include "tst_hierarchy_scale.moc"
