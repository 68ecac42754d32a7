#include "ui/design/hierarchy_view.h"

#include "ui/design/hierarchy_filter_model.h"
#include "ui/design/hierarchy_model.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>

namespace {
// Long enough to skip the intermediate states of a word being typed, short enough to feel live.
constexpr int kFilterDelayMs = 150;
// How many rows a filter may unfold on its own; beyond that the user opens what they want.
constexpr int kAutoExpandRows = 120;
// How many rows the paths to a filter's matches may unfold on their own.
constexpr int kPathRows = 3000;

int depthOf(const HierarchyTree& tree, int id) {
    int depth = 0;
    for (int up = tree.parentId(id); up >= 0; up = tree.parentId(up))
        ++depth;
    return depth;
}
} // namespace

HierarchyView::HierarchyView(QWidget* parent) : QWidget(parent) {
    m_model = new HierarchyModel(this);
    m_filterModel = new HierarchyFilterModel(this);
    m_filterModel->setSourceModel(m_model);

    m_filter = new QLineEdit(this);
    m_filter->setObjectName("hierarchyFilter");
    m_filter->setPlaceholderText("Filter crefs (text or glob: *.op.gm)");
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);

    m_tree = new QTreeView(this);
    m_tree->setObjectName("hierarchyTree");
    m_tree->setModel(m_filterModel);
    m_tree->setUniformRowHeights(true); // lets big designs scroll without measuring each row
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->setDragEnabled(true);
    m_tree->setDragDropMode(QAbstractItemView::DragOnly);
    m_tree->setDefaultDropAction(Qt::CopyAction);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->installEventFilter(this);
    auto* header = m_tree->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(HierarchyModel::NameColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(HierarchyModel::KindColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(HierarchyModel::VectorColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(HierarchyModel::UnitColumn, QHeaderView::ResizeToContents);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    // How many nodes the filter matches: 30,000 instances scroll out of sight.
    m_matches = new QLabel(this);
    m_matches->setObjectName("hierarchyMatches");
    m_matches->hide();
    auto* filterRow = new QHBoxLayout;
    filterRow->setContentsMargins(0, 0, 0, 0);
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_matches);
    layout->addLayout(filterRow);
    layout->addWidget(m_tree);

    m_filterDelay = new QTimer(this);
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(kFilterDelayMs);
    connect(m_filterDelay, &QTimer::timeout, this, &HierarchyView::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_filter, &QLineEdit::returnPressed, this, &HierarchyView::applyFilter);

    auto makeAction = [this](const QString& text, const char* name, const QKeySequence& keys) {
        auto* action = new QAction(text, this);
        action->setObjectName(name);
        // Shown in the menu as a hint; the keys themselves are handled in eventFilter so
        // that they work whenever the tree has focus, without window-wide shortcuts.
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetShortcut);
        action->setShortcutVisibleInContextMenu(true);
        return action;
    };
    m_probe = makeAction("Probe", "probeAction", QKeySequence(Qt::Key_Return));
    m_probeNewPlot = makeAction("Probe in new plot", "probeNewPlotAction",
                                QKeySequence(Qt::SHIFT | Qt::Key_Return));
    m_copyCref = makeAction("Copy cref", "copyCrefAction", QKeySequence::Copy);
    m_copyVector = makeAction("Copy vector", "copyVectorAction",
                              QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    connect(m_probe, &QAction::triggered, this, [this] { probeSelection(false); });
    connect(m_probeNewPlot, &QAction::triggered, this, [this] { probeSelection(true); });
    connect(m_copyCref, &QAction::triggered, this,
            [this] { copySelection(HierarchyModel::CrefRole); });
    connect(m_copyVector, &QAction::triggered, this,
            [this] { copySelection(HierarchyModel::VectorRole); });

    connect(m_tree, &QTreeView::doubleClicked, this, &HierarchyView::onDoubleClicked);
    connect(m_tree, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        auto* menu = createContextMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_tree->viewport()->mapToGlobal(pos));
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &HierarchyView::updateActions);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &HierarchyView::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &HierarchyView::updateActions);
    updateActions();
}

HierarchyView::~HierarchyView() = default;

void HierarchyView::setTree(std::shared_ptr<const HierarchyTree> tree) {
    m_model->setTree(std::move(tree));
    expandForFilter();
    showMatchCount();
}

void HierarchyView::showMatchCount() {
    if (m_filterModel->pattern().isEmpty() || !m_model->tree()) {
        m_matches->hide();
        return;
    }
    const int count = m_filterModel->matchCount();
    m_matches->setText(count == 0 ? QString("no match")
                                  : QLocale::system().toString(count) +
                                        (count == 1 ? " match" : " matches"));
    m_matches->show();
}

void HierarchyView::setProbed(const QSet<QString>& crefs) {
    m_model->setProbed(crefs);
}

void HierarchyView::setFilterText(const QString& text) {
    {
        const QSignalBlocker blocker(m_filter); // no delayed second pass from textChanged
        m_filter->setText(text);
    }
    m_filterDelay->stop();
    applyFilter();
}

QString HierarchyView::filterText() const {
    return m_filter->text();
}

void HierarchyView::setAutoExpand(bool on) {
    m_autoExpand = on;
    expandForFilter();
}

void HierarchyView::applyFilter() {
    m_filterDelay->stop();
    m_filterModel->setPattern(m_filter->text());
    expandForFilter();
    showMatchCount();
}

void HierarchyView::expandForFilter() {
    const QModelIndex top = m_filterModel->index(0, 0);
    if (m_filterModel->pattern().isEmpty()) {
        // Unfiltered: the design's first level, as a schematic's top sheet shows it.
        m_tree->collapseAll();
        if (top.isValid())
            m_tree->expand(top);
        return;
    }
    if (!m_autoExpand)
        return;
    m_tree->collapseAll(); // what the previous filter opened is not this one's business
    const auto tree = m_model->tree();
    if (!tree || !top.isValid())
        return;
    // Worked out on the core tree and its marks, not through the proxy's rows. First the
    // path to every match (a visible node that does not match is there only because
    // something below it matches), in the tree's order, while the unfolded rows stay under
    // kPathRows: `*.op.gm` over 30,000 instances opens the way to the first few thousand
    // matches whole, and leaves the later ones' ancestors shown but closed.
    auto visibleChildren = [&](int id) {
        int count = 0;
        for (const int child : tree->childIds(id))
            count += m_filterModel->markOf(child) != HierarchyFilter::Hidden ? 1 : 0;
        return count;
    };
    std::vector<int> toExpand;
    std::vector<int> collapsedMatches; // in the tree's order
    std::vector<int> stack{0};
    int visibleRows = 1;
    while (!stack.empty()) {
        const int id = stack.back();
        stack.pop_back();
        const auto& children = tree->childIds(id);
        if (children.empty())
            continue;
        if (m_filterModel->markOf(id) == HierarchyFilter::Match) {
            collapsedMatches.push_back(id);
            continue;
        }
        const int rows = visibleChildren(id);
        if (id != 0 && visibleRows + rows > kPathRows)
            break;
        toExpand.push_back(id);
        visibleRows += rows;
        for (auto child = children.rbegin(); child != children.rend(); ++child)
            if (m_filterModel->markOf(*child) != HierarchyFilter::Hidden)
                stack.push_back(*child);
    }
    // Then the matches themselves while the result stays short enough to read: `m1` opens
    // m1's parameters, `ota1` opens the OTA, but `m` does not unfold every device.
    for (size_t i = 0; i < collapsedMatches.size(); ++i) {
        const int id = collapsedMatches[i];
        const int rows = visibleChildren(id);
        if (visibleRows + rows > kAutoExpandRows)
            continue;
        toExpand.push_back(id);
        visibleRows += rows;
        for (const int child : tree->childIds(id))
            if (m_filterModel->markOf(child) != HierarchyFilter::Hidden &&
                !tree->childIds(child).empty())
                collapsedMatches.push_back(child);
    }
    // Deepest first: a node expanded while its parent is still collapsed is only noted, so
    // the view lays the rows out once, when `top` opens last, not once per node.
    std::sort(toExpand.begin(), toExpand.end(),
              [&](int a, int b) { return depthOf(*tree, a) > depthOf(*tree, b); });
    for (const int id : toExpand)
        m_tree->expand(m_filterModel->mapFromSource(m_model->indexForId(id)));
}

QModelIndexList HierarchyView::selectedSourceRows() const {
    QModelIndexList rows;
    for (const auto& index : m_tree->selectionModel()->selectedRows(HierarchyModel::NameColumn))
        rows << m_filterModel->mapToSource(index);
    if (rows.isEmpty() && m_tree->currentIndex().isValid())
        rows << m_filterModel->mapToSource(m_tree->currentIndex().siblingAtColumn(0));
    return rows;
}

QStringList HierarchyView::selectedCrefs() const {
    QStringList crefs;
    for (const auto& index : selectedSourceRows())
        crefs << index.data(HierarchyModel::CrefRole).toString();
    return crefs;
}

void HierarchyView::updateActions() {
    bool any = false;
    bool anyVector = false;
    for (const auto& index : selectedSourceRows()) {
        any = true;
        anyVector = anyVector || !index.data(HierarchyModel::VectorRole).toString().isEmpty();
    }
    m_probe->setEnabled(anyVector);
    m_probeNewPlot->setEnabled(anyVector);
    m_copyCref->setEnabled(any);
    m_copyVector->setEnabled(anyVector);
}

QList<QAction*> HierarchyView::contextActions() const {
    return {m_probe, m_probeNewPlot, m_copyCref, m_copyVector};
}

QMenu* HierarchyView::createContextMenu(QWidget* parent) {
    updateActions();
    auto* menu = new QMenu(parent);
    menu->addAction(m_probe);
    menu->addAction(m_probeNewPlot);
    menu->addSeparator();
    menu->addAction(m_copyCref);
    menu->addAction(m_copyVector);
    return menu;
}

void HierarchyView::probeSelection(bool newPlot) {
    bool first = true;
    for (const auto& index : selectedSourceRows()) {
        if (index.data(HierarchyModel::VectorRole).toString().isEmpty())
            continue; // instances and devices: nothing to plot
        emit probeRequested(index.data(HierarchyModel::CrefRole).toString(), newPlot && first);
        first = false;
    }
}

void HierarchyView::copySelection(int role) {
    QStringList lines;
    for (const auto& index : selectedSourceRows()) {
        const QString text = index.data(role).toString();
        if (!text.isEmpty())
            lines << text;
    }
    if (!lines.isEmpty())
        QGuiApplication::clipboard()->setText(lines.join('\n'));
}

void HierarchyView::onDoubleClicked(const QModelIndex& proxyIndex) {
    // Nodes with children expand on double click (QTreeView's own behaviour); only nodes
    // with a vector are probed.
    const auto index = m_filterModel->mapToSource(proxyIndex.siblingAtColumn(0));
    if (!index.data(HierarchyModel::VectorRole).toString().isEmpty())
        emit probeRequested(index.data(HierarchyModel::CrefRole).toString(), false);
}

bool HierarchyView::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() != QEvent::KeyPress && event->type() != QEvent::ShortcutOverride)
        return QWidget::eventFilter(watched, event);
    auto* key = static_cast<QKeyEvent*>(event);
    if (watched == m_filter) {
        // Down leaves the filter for the tree, so that a match can be probed with Enter.
        if (event->type() == QEvent::KeyPress && key->key() == Qt::Key_Down) {
            applyFilter();
            m_tree->setFocus();
            if (!m_tree->currentIndex().isValid())
                m_tree->setCurrentIndex(m_filterModel->index(0, 0));
            return true;
        }
        return QWidget::eventFilter(watched, event);
    }
    if (watched != m_tree)
        return QWidget::eventFilter(watched, event);

    const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
    const bool copyCref = key->matches(QKeySequence::Copy);
    const bool copyVector =
        key->key() == Qt::Key_C && key->modifiers() == (Qt::ControlModifier | Qt::ShiftModifier);
    if (!enter && !copyCref && !copyVector)
        return QWidget::eventFilter(watched, event);
    if (event->type() == QEvent::ShortcutOverride) {
        event->accept(); // ours while the tree has focus, not a window shortcut's
        return true;
    }
    if (copyCref) {
        copySelection(HierarchyModel::CrefRole);
    } else if (copyVector) {
        copySelection(HierarchyModel::VectorRole);
    } else if (m_probe->isEnabled()) {
        probeSelection(key->modifiers() & Qt::ShiftModifier);
    } else if (const auto current = m_tree->currentIndex(); current.isValid()) {
        m_tree->setExpanded(current.siblingAtColumn(0), !m_tree->isExpanded(current));
    }
    return true;
}
