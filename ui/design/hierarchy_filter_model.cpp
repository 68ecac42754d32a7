#include "ui/design/hierarchy_filter_model.h"

#include "ui/design/hierarchy_model.h"

#include <algorithm>

HierarchyFilterModel::HierarchyFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    // The marks already keep the ancestors of matches: Qt's recursive filtering would ask
    // for every row of the tree to find them.
    setRecursiveFilteringEnabled(false);
    setFilterRole(HierarchyModel::CrefRole);
}

void HierarchyFilterModel::setSourceModel(QAbstractItemModel* model) {
    m_source = qobject_cast<HierarchyModel*>(model);
    Q_ASSERT(m_source || !model);
    m_markedTree.reset();
    QSortFilterProxyModel::setSourceModel(model);
    if (model) // the old tree's marks, and with them the old tree, go at once
        connect(model, &QAbstractItemModel::modelReset, this, [this] { m_markedTree.reset(); });
}

bool HierarchyFilterModel::isGlobPattern(const QString& pattern) {
    return HierarchyFilter::isGlobPattern(pattern.toStdString());
}

void HierarchyFilterModel::setPattern(const QString& pattern) {
    const QString trimmed = pattern.trimmed();
    if (trimmed == m_pattern)
        return;
    m_pattern = trimmed;
    m_filter = HierarchyFilter(m_pattern.toStdString());
    m_markedTree.reset();
    invalidateFilter();
}

bool HierarchyFilterModel::matches(const QString& cref) const {
    return m_filter.matches(cref.toStdString());
}

const std::vector<char>& HierarchyFilterModel::marks() const {
    const auto tree = m_source ? m_source->tree() : nullptr;
    if (tree != m_markedTree || (!tree && !m_marks.empty())) {
        m_markedTree = tree;
        m_marks = tree ? m_filter.marks(*tree) : std::vector<char>();
        m_matchCount = static_cast<int>(
            std::count(m_marks.begin(), m_marks.end(), char(HierarchyFilter::Match)));
    }
    return m_marks;
}

HierarchyFilter::Mark HierarchyFilterModel::markOf(int nodeId) const {
    const auto& all = marks();
    if (m_filter.isEmpty())
        return HierarchyFilter::Match;
    if (nodeId < 0 || static_cast<size_t>(nodeId) >= all.size())
        return HierarchyFilter::Hidden;
    return static_cast<HierarchyFilter::Mark>(all[static_cast<size_t>(nodeId)]);
}

int HierarchyFilterModel::matchCount() const {
    marks();
    return m_matchCount;
}

bool HierarchyFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (m_filter.isEmpty() || !m_source)
        return true;
    const int id = m_source->nodeIdAt(m_source->index(sourceRow, 0, sourceParent));
    return markOf(id) != HierarchyFilter::Hidden;
}
