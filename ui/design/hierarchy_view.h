#pragma once

#include "core/design/hierarchy_tree.h"

#include <QModelIndex>
#include <QSet>
#include <QWidget>
#include <memory>

class HierarchyFilterModel;
class HierarchyModel;
class QAction;
class QLabel;
class QLineEdit;
class QMenu;
class QTimer;
class QTreeView;

// The hierarchy browser: a cref filter above the design tree. Lives on the GUI thread.
//
// Probing: double click, Enter/Return or the context menu's "Probe" on a node that has a
// vector (net, branch current, device parameter) emits probeRequested(cref, false);
// Shift+Enter and "Probe in new plot" emit it with newPlot = true. With several nodes
// selected, each probe-able one is requested in selection order, and only the first asks
// for a new plot, so that they all land in the same new plot. Instances and devices have no
// vector and probe nothing: a double click or Enter expands or collapses them instead
// (pick a device's parameters to see them).
//
// Dragging nodes out carries their crefs (`application/x-wavebench-cref`, one a line, and
// text/plain). "Copy cref" (Ctrl+C) and "Copy vector" (Ctrl+Shift+C) put the selected
// crefs or vectors on the clipboard, one a line.
class HierarchyView : public QWidget {
    Q_OBJECT
public:
    explicit HierarchyView(QWidget* parent = nullptr);
    ~HierarchyView() override;

    // nullptr empties the view; the filter is kept and applied to the new tree.
    void setTree(std::shared_ptr<const HierarchyTree> tree);
    void setProbed(const QSet<QString>& crefs);
    // Applies at once (typing in the line edit applies after a short pause).
    void setFilterText(const QString& text);
    QString filterText() const;
    // When on (the default), a non-empty filter expands every match's ancestors, then the
    // matches themselves while the unfolded tree stays short (about a hundred rows).
    void setAutoExpand(bool on);
    bool autoExpand() const { return m_autoExpand; }

    QTreeView* treeView() const { return m_tree; }
    QLineEdit* filterEdit() const { return m_filter; }
    // "3,250 matches" beside the filter while one is set; hidden without.
    QLabel* matchLabel() const { return m_matches; }
    HierarchyModel* model() const { return m_model; }
    HierarchyFilterModel* filterModel() const { return m_filterModel; }

    // Selected crefs in selection order; with nothing selected, the current one.
    QStringList selectedCrefs() const;
    // The context menu's actions ("Probe", "Probe in new plot", "Copy cref", "Copy vector"),
    // enabled for the current selection. objectNames: probeAction, probeNewPlotAction,
    // copyCrefAction, copyVectorAction.
    QList<QAction*> contextActions() const;
    // What the context menu shows (the caller owns it); exposed for tests.
    QMenu* createContextMenu(QWidget* parent);

signals:
    void probeRequested(const QString& cref, bool newPlot);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyFilter();
    void expandForFilter();
    void updateActions();
    void probeSelection(bool newPlot);
    void copySelection(int role);
    void onDoubleClicked(const QModelIndex& proxyIndex);
    QModelIndexList selectedSourceRows() const;

    HierarchyModel* m_model = nullptr;
    HierarchyFilterModel* m_filterModel = nullptr;
    QLineEdit* m_filter = nullptr;
    QLabel* m_matches = nullptr;
    void showMatchCount();
    QTreeView* m_tree = nullptr;
    QTimer* m_filterDelay = nullptr;
    QAction* m_probe = nullptr;
    QAction* m_probeNewPlot = nullptr;
    QAction* m_copyCref = nullptr;
    QAction* m_copyVector = nullptr;
    bool m_autoExpand = true;
};
