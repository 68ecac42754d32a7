#pragma once

#include "core/design/hierarchy_filter.h"

#include <QSortFilterProxyModel>
#include <memory>
#include <vector>

class HierarchyModel;

// Filters a HierarchyModel by cref. Lives on the GUI thread.
//
// A pattern with `*`, `?` or `[` is a glob matched against the whole cref
// (`*.op.gm` keeps every gm parameter); anything else is a case-insensitive substring of the
// cref (`ota1.m1`): HierarchyFilter's rules. A matching node keeps its ancestors visible, so
// the user sees where a match sits in the design. The filter runs once over the core tree
// (HierarchyFilter::marks, a mark per node id), not through the model's rows, so a row is
// accepted or not in O(1) and only the rows a view asks for are ever mapped. The source
// order is kept (no sorting): the design's order is the one people know.
class HierarchyFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit HierarchyFilterModel(QObject* parent = nullptr);

    // Must be a HierarchyModel.
    void setSourceModel(QAbstractItemModel* model) override;

    // "" shows everything.
    void setPattern(const QString& pattern);
    QString pattern() const { return m_pattern; }
    bool isGlob() const { return m_filter.isGlob(); }
    static bool isGlobPattern(const QString& pattern);
    // Whether a cref matches the pattern itself (not merely as an ancestor of a match).
    bool matches(const QString& cref) const;
    // The mark of a source node id (HierarchyFilter::Mark); Match for all with no pattern.
    HierarchyFilter::Mark markOf(int nodeId) const;
    // How many nodes match the pattern (0 with none).
    int matchCount() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    // The marks of the source model's current tree, worked out again when it changed.
    const std::vector<char>& marks() const;

    QString m_pattern;
    HierarchyFilter m_filter;
    HierarchyModel* m_source = nullptr;
    mutable std::shared_ptr<const HierarchyTree> m_markedTree;
    mutable std::vector<char> m_marks;
    mutable int m_matchCount = 0;
};
