#pragma once

#include "core/design/hierarchy_tree.h"

#include <QAbstractItemModel>
#include <QIcon>
#include <QSet>
#include <array>
#include <memory>

// The design hierarchy as a Qt tree model: one row per HierarchyNode, `top` the single
// top-level row, children in the tree's order. Lives on the GUI thread.
//
// The tree is shared and immutable (a HierarchyTree is never edited once read), so the model
// holds nothing per row: an index's internal id is the node's id in the tree, and rows,
// parents and children are the tree's own (HierarchyTree::childIds, parentId, rowOf). Setting
// a tree of 500,000 nodes costs what setting one of ten does; a view asks only for the rows
// it shows. A new design arrives as a whole new tree through setTree(), which resets the
// model.
//
// Nodes that have an ngspice vector (nets, branch currents, device parameters) can be
// dragged: the MIME data carries their crefs, one a line, as `application/x-wavebench-cref`
// and as text/plain.
class HierarchyModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Columns { NameColumn, KindColumn, VectorColumn, UnitColumn, ColumnCount };
    enum Roles {
        CrefRole = Qt::UserRole + 1, // QString, the node's cref
        KindRole,                    // int, NodeKind
        VectorRole,                  // QString, the ngspice vector or ""
        UnitRole,                    // QString
        ProbedRole,                  // bool, set through setProbed()
        StreamedRole,                // bool, ngspice streams it without a save line
    };

    static const QString CrefMimeType; // "application/x-wavebench-cref"

    explicit HierarchyModel(QObject* parent = nullptr);
    ~HierarchyModel() override;

    // nullptr empties the model.
    void setTree(std::shared_ptr<const HierarchyTree> tree);
    std::shared_ptr<const HierarchyTree> tree() const { return m_tree; }

    // The crefs shown as probed (bold, with a dot on their icon). Only rows whose mark
    // changes get a dataChanged; crefs that are not in the tree are remembered but show
    // nowhere.
    void setProbed(const QSet<QString>& crefs);
    QSet<QString> probed() const { return m_probed; }

    QModelIndex indexForCref(const QString& cref, int column = NameColumn) const;
    // The node of an index of this model, or nullptr.
    const HierarchyNode* nodeAt(const QModelIndex& index) const;
    // The node's id in tree() (HierarchyTree::node), or -1.
    int nodeIdAt(const QModelIndex& index) const;
    QModelIndex indexForId(int id, int column = NameColumn) const;
    // The multi-line tooltip of a node (cref, vector, unit, source, streamed or not).
    static QString toolTipFor(const HierarchyNode& node);
    static QString kindName(NodeKind kind); // "instance", "net", ..., for people

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    Qt::DropActions supportedDragActions() const override;

private:
    const QIcon& iconFor(NodeKind kind, bool probed) const;

    std::shared_ptr<const HierarchyTree> m_tree;
    QSet<QString> m_probed;
    // Indexed by NodeKind; built once per model, since QIcons must not outlive the app.
    std::array<QIcon, 5> m_icons;
    std::array<QIcon, 5> m_probedIcons;
};
