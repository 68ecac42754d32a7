#include "ui/design/hierarchy_filter_model.h"

#include "ui/design/hierarchy_model.h"

HierarchyFilterModel::HierarchyFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    // Qt keeps the ancestors of accepted rows, which is what "keep the path to a match" means.
    setRecursiveFilteringEnabled(true);
    setFilterRole(HierarchyModel::CrefRole);
}

bool HierarchyFilterModel::isGlobPattern(const QString& pattern) {
    return pattern.contains('*') || pattern.contains('?') || pattern.contains('[');
}

void HierarchyFilterModel::setPattern(const QString& pattern) {
    const QString trimmed = pattern.trimmed();
    if (trimmed == m_pattern)
        return;
    m_pattern = trimmed;
    m_glob = isGlobPattern(m_pattern);
    // Crefs are written in lower case, but netlists are not case-sensitive and neither are
    // the people typing into the filter.
    m_regex = m_glob
                  ? QRegularExpression(QRegularExpression::wildcardToRegularExpression(m_pattern),
                                       QRegularExpression::CaseInsensitiveOption)
                  : QRegularExpression();
    invalidateFilter();
}

bool HierarchyFilterModel::matches(const QString& cref) const {
    if (m_pattern.isEmpty())
        return true;
    if (m_glob)
        return m_regex.isValid() && m_regex.match(cref).hasMatch();
    return cref.contains(m_pattern, Qt::CaseInsensitive);
}

bool HierarchyFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (m_pattern.isEmpty())
        return true;
    const auto index = sourceModel()->index(sourceRow, 0, sourceParent);
    return matches(index.data(HierarchyModel::CrefRole).toString());
}
