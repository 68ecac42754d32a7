#pragma once

#include <QRegularExpression>
#include <QSortFilterProxyModel>

// Filters a HierarchyModel by cref. Lives on the GUI thread.
//
// A pattern with `*`, `?` or `[` is a glob matched against the whole cref
// (`*.op.gm` keeps every gm parameter); anything else is a case-insensitive substring of the
// cref (`ota1.m1`). Filtering is recursive: a matching node keeps its ancestors visible, so
// the user sees where a match sits in the design. The source order is kept (no sorting):
// the design's order is the one people know.
class HierarchyFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit HierarchyFilterModel(QObject* parent = nullptr);

    // "" shows everything.
    void setPattern(const QString& pattern);
    QString pattern() const { return m_pattern; }
    bool isGlob() const { return m_glob; }
    static bool isGlobPattern(const QString& pattern);
    // Whether a cref matches the pattern itself (not merely as an ancestor of a match).
    bool matches(const QString& cref) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_pattern;
    bool m_glob = false;
    QRegularExpression m_regex;
};
