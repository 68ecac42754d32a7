// The hierarchy browser over real designs: the SPICE and the ASDL OTA examples.
#include "core/design/spice_reader.h"
#include "core/engine/design_reader.h"
#include "ui/design/hierarchy_filter_model.h"
#include "ui/design/hierarchy_model.h"
#include "ui/design/hierarchy_view.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <functional>
#include <memory>

namespace {
const QString kExamples = QStringLiteral(WAVEBENCH_EXAMPLES);

// "spice": the hand-written OTA read by SpiceReader; "asdl": the ASDL OTA joined with the
// netlist its compiler emitted.
std::shared_ptr<const HierarchyTree> readDesign(const QString& which) {
    auto tree = which == "asdl"
                    ? DesignReader::read((kExamples + "/ota_asdl/tb_ota.asdl").toStdString())
                    : SpiceReader::readFile((kExamples + "/ota/tb_ota.spice").toStdString());
    if (!tree) {
        qWarning("%s", tree.error().c_str());
        return nullptr;
    }
    return std::make_shared<const HierarchyTree>(std::move(tree.value()));
}

int countRows(const QAbstractItemModel& model, const QModelIndex& parent = {}) {
    int count = 0;
    for (int row = 0; row < model.rowCount(parent); ++row)
        count += 1 + countRows(model, model.index(row, 0, parent));
    return count;
}

QStringList visibleCrefs(const QAbstractItemModel& model, const QModelIndex& parent = {}) {
    QStringList crefs;
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const auto index = model.index(row, 0, parent);
        crefs << index.data(HierarchyModel::CrefRole).toString() << visibleCrefs(model, index);
    }
    return crefs;
}

QImage iconImage(const QModelIndex& index) {
    return index.data(Qt::DecorationRole).value<QIcon>().pixmap(16, 16).toImage();
}

const HierarchyNode* firstOfKind(const HierarchyTree& tree, NodeKind kind) {
    for (const auto* node : tree.nodes())
        if (node->kind == kind)
            return node;
    return nullptr;
}

// The tree's crefs that match, plus every ancestor of one: what a filter must show.
QSet<QString> expectedVisible(const HierarchyTree& tree,
                              const std::function<bool(const QString&)>& matches) {
    QSet<QString> visible;
    for (const auto* node : tree.nodes()) {
        if (!matches(QString::fromStdString(node->cref)))
            continue;
        for (const auto* n = node; n; n = n->parent.empty() ? nullptr : tree.find(n->parent))
            visible.insert(QString::fromStdString(n->cref));
    }
    return visible;
}

// As a person does it: the view acts on a double click only after the press that began it.
void doubleClick(QTreeView* tree, const QModelIndex& index) {
    const QPoint at = tree->visualRect(index).center();
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, at);
}

// Selects one row as a plain click would, whatever modifiers earlier key events left behind.
void selectOnly(QTreeView* tree, const QModelIndex& index) {
    tree->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                       QItemSelectionModel::Rows);
}

void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = qEnvironmentVariable("WAVEBENCH_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY(widget.grab().save(dir + "/" + name));
}
} // namespace

class TestHierarchyModel : public QObject {
    Q_OBJECT
private slots:
    void rowsMirrorTheTree_data() {
        QTest::addColumn<QString>("design");
        QTest::newRow("spice") << "spice";
        QTest::newRow("asdl") << "asdl";
    }
    void rowsMirrorTheTree() {
        QFETCH(QString, design);
        const auto tree = readDesign(design);
        QVERIFY(tree);
        HierarchyModel model;
        HierarchyFilterModel filter;
        // Attached before filling, so that the reset and every later change is checked.
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        filter.setSourceModel(&model);
        QAbstractItemModelTester filterTester(
            &filter, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(model.rowCount(), 0);

        model.setTree(tree);
        QCOMPARE(model.rowCount(), 1); // `top`
        QCOMPARE(countRows(model), static_cast<int>(tree->size()));
        QCOMPARE(countRows(filter), static_cast<int>(tree->size()));
        for (const auto* node : tree->nodes()) {
            const auto cref = QString::fromStdString(node->cref);
            const auto index = model.indexForCref(cref);
            QVERIFY2(index.isValid(), qPrintable(cref));
            QCOMPARE(index.data(HierarchyModel::CrefRole).toString(), cref);
            QCOMPARE(index.data().toString(), QString::fromStdString(node->name));
            QCOMPARE(model.parent(index).data(HierarchyModel::CrefRole).toString(),
                     QString::fromStdString(node->parent));
            QCOMPARE(model.rowCount(index), static_cast<int>(node->children.size()));
        }

        // Filtering and probing under the testers, then a new design and none.
        filter.setPattern("*.op.gm");
        model.setProbed({"top.vdd.i", "top.ota1.m1.op.gm"});
        model.setTree(readDesign(design == "asdl" ? "spice" : "asdl")); // while filtered
        QVERIFY(countRows(filter) > 1);
        filter.setPattern({});
        QCOMPARE(countRows(filter), countRows(model));
        model.setTree(nullptr);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(filter.rowCount(), 0);
    }

    void dataOfKnownCrefs_data() {
        QTest::addColumn<QString>("design");
        QTest::addColumn<QString>("cref");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("vector");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<bool>("streamed");
        QTest::addColumn<QString>("file");
        const int net = static_cast<int>(NodeKind::Net);
        const int param = static_cast<int>(NodeKind::DeviceParameter);
        const int branch = static_cast<int>(NodeKind::BranchCurrent);
        const int instance = static_cast<int>(NodeKind::Instance);
        const int device = static_cast<int>(NodeKind::Device);
        QTest::newRow("spice net") << "spice"
                                   << "top.nodes.out.v" << net << "out"
                                   << "V" << true << "tb_ota.spice:";
        QTest::newRow("spice internal net") << "spice"
                                            << "top.ota1.nodes.x.v" << net << "xota1.x"
                                            << "V" << true << "tb_ota.spice:";
        QTest::newRow("spice gm") << "spice"
                                  << "top.ota1.m1.op.gm" << param << "@m.xota1.m1[gm]"
                                  << "S" << false << "tb_ota.spice:6";
        QTest::newRow("spice source current") << "spice"
                                              << "top.vdd.i" << branch << "vdd#branch"
                                              << "A" << true << "tb_ota.spice:20";
        QTest::newRow("spice instance") << "spice"
                                        << "top.ota1" << instance << ""
                                        << "" << false << "tb_ota.spice:24";
        QTest::newRow("spice device") << "spice"
                                      << "top.ota1.m1" << device << ""
                                      << "" << false << "tb_ota.spice:6";
        QTest::newRow("asdl gm") << "asdl"
                                 << "top.ota1.mn_in_p.op.gm" << param << "@m.xota1.xmn_in_p.m0[gm]"
                                 << "S" << false << ".asdl:";
        QTest::newRow("asdl source current") << "asdl"
                                             << "top.vdd.i" << branch << "vvdd#branch"
                                             << "A" << true << ".asdl:";
    }
    void dataOfKnownCrefs() {
        QFETCH(QString, design);
        QFETCH(QString, cref);
        QFETCH(int, kind);
        QFETCH(QString, vector);
        QFETCH(QString, unit);
        QFETCH(bool, streamed);
        QFETCH(QString, file);
        HierarchyModel model;
        model.setTree(readDesign(design));
        const auto index = model.indexForCref(cref);
        QVERIFY2(index.isValid(), qPrintable(cref));
        QCOMPARE(index.data(HierarchyModel::KindRole).toInt(), kind);
        QCOMPARE(index.data(HierarchyModel::VectorRole).toString(), vector);
        QCOMPARE(index.data(HierarchyModel::UnitRole).toString(), unit);
        QCOMPARE(index.data(HierarchyModel::StreamedRole).toBool(), streamed);
        QCOMPARE(index.data(HierarchyModel::ProbedRole).toBool(), false);
        QCOMPARE(index.siblingAtColumn(HierarchyModel::VectorColumn).data().toString(), vector);
        QCOMPARE(index.siblingAtColumn(HierarchyModel::UnitColumn).data().toString(), unit);
        QCOMPARE(index.siblingAtColumn(HierarchyModel::KindColumn).data().toString(),
                 HierarchyModel::kindName(static_cast<NodeKind>(kind)));

        const QString tip = index.data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.startsWith(cref), qPrintable(tip));
        QVERIFY2(tip.contains(file), qPrintable(tip));
        if (vector.isEmpty()) {
            QVERIFY2(tip.contains("no vector"), qPrintable(tip));
            QVERIFY(!tip.contains("streamed") && !tip.contains("save line"));
        } else {
            QVERIFY2(tip.contains("vector: " + vector), qPrintable(tip));
            QVERIFY2(tip.contains("unit: " + unit), qPrintable(tip));
            QVERIFY2(tip.contains(streamed ? "streamed" : "needs a save line"), qPrintable(tip));
        }
        // Only what a plot can show is dragged.
        QCOMPARE(bool(model.flags(index) & Qt::ItemIsDragEnabled), !vector.isEmpty());
    }

    void iconsDifferByKind() {
        const auto tree = readDesign("spice");
        HierarchyModel model;
        model.setTree(tree);
        QList<QImage> images;
        for (auto kind : {NodeKind::Instance, NodeKind::Net, NodeKind::Device,
                          NodeKind::DeviceParameter, NodeKind::BranchCurrent}) {
            const auto* node = firstOfKind(*tree, kind);
            QVERIFY(node);
            const auto image = iconImage(model.indexForCref(QString::fromStdString(node->cref)));
            QVERIFY(!image.isNull());
            for (const auto& other : images)
                QVERIFY2(image != other, node->cref.c_str());
            images << image;
        }
        // Every node of a kind looks the same; only the name column carries an icon.
        const auto gm = model.indexForCref("top.ota1.m1.op.gm");
        QCOMPARE(iconImage(gm), iconImage(model.indexForCref("top.ota1.m2.op.gds")));
        QVERIFY(
            !gm.siblingAtColumn(HierarchyModel::VectorColumn).data(Qt::DecorationRole).isValid());
    }

    void filters_data() {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("regex"); // what the pattern must match, over full crefs
        QTest::addColumn<int>("matches");   // how many nodes match in the SPICE OTA
        QTest::newRow("substring") << "ota1.m1"
                                   << "^.*ota1\\.m1.*$" << 1 + 22;
        QTest::newRow("substring, any case")
            << "OTA1.M1.OP.G"
            << "^.*ota1\\.m1\\.op\\.g.*$" << 5; // gm gds gmb gbd gbs
        QTest::newRow("glob gm") << "*.op.gm"
                                 << "^.*\\.op\\.gm$" << 6; // m1..m5 and mb
        QTest::newRow("glob class") << "top.ota1.m[12].op.gm"
                                    << "^top\\.ota1\\.m[12]\\.op\\.gm$" << 2;
        QTest::newRow("glob ?") << "top.nodes.v??.v"
                                << "^top\\.nodes\\.v..\\.v$" << 3; // vdd, vss, vbn
        QTest::newRow("nothing") << "no_such_thing"
                                 << "^$" << 0;
    }
    void filters() {
        QFETCH(QString, pattern);
        QFETCH(QString, regex);
        QFETCH(int, matches);
        const auto tree = readDesign("spice");
        HierarchyModel model;
        model.setTree(tree);
        HierarchyFilterModel filter;
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        filter.setSourceModel(&model);
        filter.setPattern(pattern);
        QCOMPARE(filter.isGlob(), HierarchyFilterModel::isGlobPattern(pattern));

        const QRegularExpression expected(regex);
        const auto matching = [&](const QString& cref) { return expected.match(cref).hasMatch(); };
        int matched = 0;
        for (const auto* node : tree->nodes())
            matched += matching(QString::fromStdString(node->cref)) ? 1 : 0;
        QCOMPARE(matched, matches);
        const auto visible = visibleCrefs(filter);
        // The matches and their ancestors, nothing else, each once.
        QCOMPARE(QSet<QString>(visible.begin(), visible.end()), expectedVisible(*tree, matching));
        QCOMPARE(visible.size(), expectedVisible(*tree, matching).size());
        for (const auto& cref : visible)
            QCOMPARE(filter.matches(cref), matching(cref));

        filter.setPattern({});
        QCOMPARE(countRows(filter), static_cast<int>(tree->size()));
    }

    void globKeepsOnlyGmAndAncestors() {
        HierarchyView view;
        view.setTree(readDesign("spice"));
        view.setFilterText("*.op.gm");
        const auto crefs = visibleCrefs(*view.filterModel());
        QVERIFY(crefs.contains("top.ota1.m3.op.gm"));
        QVERIFY(crefs.contains("top.bias.mb.op.gm"));
        for (const auto& cref : crefs) {
            const auto source = view.model()->indexForCref(cref);
            QVERIFY(source.isValid());
            // A leaf shown is a gm; anything else is on the way to one.
            if (view.model()->rowCount(source) == 0)
                QVERIFY2(cref.endsWith(".op.gm"), qPrintable(cref));
            else
                QVERIFY2(!cref.contains(".op."), qPrintable(cref));
        }
        // Auto-expand opens the way to each match.
        const auto gm =
            view.filterModel()->mapFromSource(view.model()->indexForCref("top.ota1.m3.op.gm"));
        QVERIFY(gm.isValid());
        for (auto p = gm.parent(); p.isValid(); p = p.parent())
            QVERIFY(view.treeView()->isExpanded(p));
        // Typing applies after a short pause, not per keystroke.
        view.filterEdit()->setText("ota1.m1");
        QTRY_COMPARE(view.filterModel()->pattern(), QString("ota1.m1"));
    }

    void probedMarksOnlyItsRow() {
        HierarchyModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setTree(readDesign("spice"));
        const auto gm = model.indexForCref("top.ota1.m1.op.gm");
        const auto out = model.indexForCref("top.nodes.out.v");
        const QImage plainIcon = iconImage(gm);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.setProbed({"top.ota1.m1.op.gm", "top.not.in.the.tree"});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>(), gm);
        QCOMPARE(changed.first().at(1).value<QModelIndex>(),
                 gm.siblingAtColumn(HierarchyModel::UnitColumn));
        QVERIFY(gm.data(HierarchyModel::ProbedRole).toBool());
        QVERIFY(gm.data(Qt::FontRole).value<QFont>().bold());
        QVERIFY(iconImage(gm) != plainIcon); // the probed dot
        QVERIFY(!out.data(HierarchyModel::ProbedRole).toBool());
        QVERIFY(!out.data(Qt::FontRole).value<QFont>().bold());

        // Adding one: only that row changes.
        changed.clear();
        model.setProbed({"top.ota1.m1.op.gm", "top.nodes.out.v"});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>(), out);
        // The same set again: nothing.
        changed.clear();
        model.setProbed({"top.ota1.m1.op.gm", "top.nodes.out.v"});
        QCOMPARE(changed.size(), 0);
        // Unprobing both.
        model.setProbed({});
        QCOMPARE(changed.size(), 2);
        QVERIFY(!gm.data(HierarchyModel::ProbedRole).toBool());
        QCOMPARE(iconImage(gm), plainIcon);
    }

    void doubleClickAndEnterProbe() {
        HierarchyView view;
        view.resize(600, 700);
        view.setTree(readDesign("spice"));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy probes(&view, &HierarchyView::probeRequested);
        auto* tree = view.treeView();
        auto proxyOf = [&](const QString& cref) {
            return view.filterModel()->mapFromSource(view.model()->indexForCref(cref));
        };

        // A net: double click probes it into the current plot.
        const auto out = proxyOf("top.nodes.out.v");
        tree->scrollTo(out);
        doubleClick(tree, out);
        QCOMPARE(probes.size(), 1);
        QCOMPARE(probes.first().at(0).toString(), QString("top.nodes.out.v"));
        QCOMPARE(probes.first().at(1).toBool(), false);

        // A device has no vector: a double click expands it and probes nothing.
        probes.clear();
        const auto m1 = proxyOf("top.ota1.m1");
        tree->expand(m1.parent());
        tree->scrollTo(m1);
        QVERIFY(!tree->isExpanded(m1));
        doubleClick(tree, m1);
        QCOMPARE(probes.size(), 0);
        QVERIFY(tree->isExpanded(m1));

        // Enter probes the current node, Shift+Enter into a new plot.
        const auto gm = proxyOf("top.ota1.m1.op.gm");
        selectOnly(tree, gm);
        QTest::keyClick(tree, Qt::Key_Return);
        QTest::keyClick(tree, Qt::Key_Enter, Qt::ShiftModifier);
        QCOMPARE(probes.size(), 2);
        QCOMPARE(probes.at(0).at(0).toString(), QString("top.ota1.m1.op.gm"));
        QCOMPARE(probes.at(0).at(1).toBool(), false);
        QCOMPARE(probes.at(1).at(1).toBool(), true);

        // Several selected: all go to one new plot.
        probes.clear();
        tree->selectionModel()->select(proxyOf("top.ota1.m1.op.id"),
                                       QItemSelectionModel::Select | QItemSelectionModel::Rows);
        tree->selectionModel()->select(m1, QItemSelectionModel::Select |
                                               QItemSelectionModel::Rows); // no vector: skipped
        view.contextActions().at(1)->trigger();
        QCOMPARE(probes.size(), 2);
        QCOMPARE(probes.at(0).at(1).toBool(), true);
        QCOMPARE(probes.at(1).at(1).toBool(), false);

        // Enter on an instance toggles it instead.
        probes.clear();
        const auto ota1 = proxyOf("top.ota1");
        selectOnly(tree, ota1);
        const bool wasExpanded = tree->isExpanded(ota1);
        QTest::keyClick(tree, Qt::Key_Return);
        QCOMPARE(probes.size(), 0);
        QCOMPARE(tree->isExpanded(ota1), !wasExpanded);
    }

    void contextMenuActions() {
        HierarchyView view;
        view.setTree(readDesign("spice"));
        auto* tree = view.treeView();
        QStringList texts;
        std::unique_ptr<QMenu> menu(view.createContextMenu(&view));
        for (auto* action : menu->actions())
            if (!action->isSeparator())
                texts << action->text();
        QCOMPARE(texts, QStringList({"Probe", "Probe in new plot", "Copy cref", "Copy vector"}));
        auto* probe = view.findChild<QAction*>("probeAction");
        auto* copyCref = view.findChild<QAction*>("copyCrefAction");
        auto* copyVector = view.findChild<QAction*>("copyVectorAction");
        QVERIFY(probe && copyCref && copyVector);

        const auto gm =
            view.filterModel()->mapFromSource(view.model()->indexForCref("top.ota1.m1.op.gm"));
        selectOnly(tree, gm);
        QVERIFY(probe->isEnabled());
        copyCref->trigger();
        QCOMPARE(QApplication::clipboard()->text(), QString("top.ota1.m1.op.gm"));
        copyVector->trigger();
        QCOMPARE(QApplication::clipboard()->text(), QString("@m.xota1.m1[gm]"));
        // Ctrl+C in the tree copies crefs too.
        QApplication::clipboard()->clear();
        QTest::keyClick(tree, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QApplication::clipboard()->text(), QString("top.ota1.m1.op.gm"));

        // An instance: nothing to probe or copy as a vector, but its cref copies.
        selectOnly(tree, view.filterModel()->mapFromSource(view.model()->indexForCref("top.ota1")));
        QVERIFY(!probe->isEnabled());
        QVERIFY(!copyVector->isEnabled());
        QVERIFY(copyCref->isEnabled());
        copyCref->trigger();
        QCOMPARE(QApplication::clipboard()->text(), QString("top.ota1"));
    }

    void dragCarriesCrefs() {
        HierarchyView view;
        view.setTree(readDesign("spice"));
        auto* model = view.model();
        const auto gm = model->indexForCref("top.ota1.m1.op.gm");
        const auto out = model->indexForCref("top.nodes.out.v");
        QVERIFY(model->mimeTypes().contains(HierarchyModel::CrefMimeType));
        // One index per cell of a dragged row, as a view passes them.
        std::unique_ptr<QMimeData> mime(
            model->mimeData({gm, gm.siblingAtColumn(1), gm.siblingAtColumn(2), out}));
        QVERIFY(mime);
        QCOMPARE(QString::fromUtf8(mime->data(HierarchyModel::CrefMimeType)),
                 QString("top.ota1.m1.op.gm\ntop.nodes.out.v"));
        QCOMPARE(mime->text(), QString("top.ota1.m1.op.gm\ntop.nodes.out.v"));
        // Through the filter proxy, as the view drags.
        const auto proxyGm = view.filterModel()->mapFromSource(gm);
        std::unique_ptr<QMimeData> viaProxy(view.filterModel()->mimeData({proxyGm}));
        QVERIFY(viaProxy);
        QCOMPARE(QString::fromUtf8(viaProxy->data(HierarchyModel::CrefMimeType)),
                 QString("top.ota1.m1.op.gm"));
        QVERIFY(view.treeView()->dragEnabled());
        // An instance carries nothing to plot.
        std::unique_ptr<QMimeData> none(model->mimeData({model->indexForCref("top.ota1")}));
        QVERIFY(!none);
    }

    void screenshots() {
        if (qEnvironmentVariableIsEmpty("WAVEBENCH_SCREENSHOT_DIR"))
            QSKIP("WAVEBENCH_SCREENSHOT_DIR is not set");
        HierarchyView view;
        view.resize(620, 560);
        view.setTree(readDesign("spice"));
        view.setProbed({"top.ota1.m1.op.gm", "top.nodes.out.v", "top.ota1.nodes.x.v"});
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // Unfiltered, with the OTA and one device open.
        auto* tree = view.treeView();
        auto proxyOf = [&](const QString& cref) {
            return view.filterModel()->mapFromSource(view.model()->indexForCref(cref));
        };
        tree->expand(proxyOf("top.ota1"));
        tree->setCurrentIndex(proxyOf("top.ota1.nodes.x.v"));
        saveScreenshot(view, "hierarchy_view.png");
        // Filtered by a glob: the gm of every device, one of them probed.
        view.setFilterText("*.op.gm");
        tree->setCurrentIndex(proxyOf("top.ota1.m2.op.gm"));
        saveScreenshot(view, "hierarchy_view_filtered.png");
        view.setTree(readDesign("asdl"));
        view.setFilterText("ota1");
        view.setProbed({"top.ota1.mn_in_p.op.gm"});
        tree->expand(proxyOf("top.ota1.mn_in_p"));
        saveScreenshot(view, "hierarchy_view_asdl.png");
    }
};

QTEST_MAIN(TestHierarchyModel)
#include "tst_hierarchy_model.moc"
