#pragma once

#include "core/crefs/probe_map.h"
#include "core/design/hierarchy_tree.h"

#include <QAbstractTableModel>
#include <QIcon>
#include <QVector>
#include <memory>

class QUndoStack;

// A ProbeMap as an editable table: one row per entry, map entries (cref -> vector) first,
// then aliases (cref -> cref). Lives on the GUI thread.
//
// Every row is checked after each change: its own cref (not empty, no '/', no empty
// segment, not twice in the table) and, with a design set, ProbeResolver::validate against
// it (a vector the design does not produce, a design cref given another vector, an alias
// that dangles or is part of a cycle). A bad row is tinted red with a warning icon; the
// reason, which names the cref, is its tooltip and its ProblemRole. Without a design, only
// what the map alone can tell is checked (cref syntax, alias cycles, aliases to nowhere in
// the map are not flagged since the design may define the target).
//
// A row is an alias when its AliasOf is set. Typing a vector into an alias row makes it a map
// entry, typing an alias target into a map row makes it an alias: a row is one or the other.
//
// With an undo stack set (ProbeMapEditor sets one), every change made through this model's
// public API, the table's editor included, is a QUndoCommand, and undo restores the exact
// previous rows.
class ProbeMapModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Columns { CrefColumn, VectorColumn, AliasOfColumn, UnitColumn, KindColumn, ColumnCount };
    enum Roles {
        ProblemRole = Qt::UserRole + 1, // QString: why the row is bad, "" when it is fine
        IsAliasRole,                    // bool
    };

    struct Entry {
        QString cref;
        QString vector;  // map entries
        QString aliasOf; // aliases
        bool isAlias = false;
        bool operator==(const Entry& other) const {
            return cref == other.cref && vector == other.vector && aliasOf == other.aliasOf &&
                   isAlias == other.isAlias;
        }
        bool operator!=(const Entry& other) const { return !(*this == other); }
    };

    explicit ProbeMapModel(QObject* parent = nullptr);
    ~ProbeMapModel() override;

    // Replaces every row, outside the undo history (a new document).
    void setProbeMap(const ProbeMap& map);
    // The map the rows describe. Rows with an empty cref are left out; of two rows with one
    // cref (flagged), the lower one wins, as it would in a file.
    ProbeMap probeMap() const;
    // The design rows are validated against and take units and kinds from; nullptr = none.
    void setTree(std::shared_ptr<const HierarchyTree> tree);
    std::shared_ptr<const HierarchyTree> tree() const { return m_tree; }

    void setUndoStack(QUndoStack* stack);
    QUndoStack* undoStack() const { return m_undoStack; }

    QVector<Entry> entries() const { return m_entries; }
    Entry entry(int row) const { return m_entries.value(row); }
    QString problem(int row) const;
    int problemCount() const;

    // Undoable when an undo stack is set. Returns the new row.
    int addEntry(const Entry& entry, int row = -1);
    // Removes the given rows (any order, duplicates ignored) as one undo step.
    void removeEntries(QList<int> rows);
    // Replaces every row with the map's as one undo step named `what` ("Load map.yaml").
    void replaceProbeMap(const ProbeMap& map, const QString& what);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    // Crefs dragged from the hierarchy browser become map rows with the design's vector.
    QStringList mimeTypes() const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;
    Qt::DropActions supportedDropActions() const override;

signals:
    // After every change of the rows (one per undo step, undo and redo included).
    void probeMapChanged();

private:
    friend class ProbeMapRowsCommand;

    // What validation and the tree say about a row.
    struct Derived {
        QString problem;
        QString unit;
        QString kind;
        bool operator==(const Derived& other) const {
            return problem == other.problem && unit == other.unit && kind == other.kind;
        }
    };

    static QVector<Entry> entriesOf(const ProbeMap& map);
    // Runs a change through the undo stack when there is one, else applies it at once.
    void change(int row, int removeCount, const QVector<Entry>& inserted, const QString& what);
    // The primitive every change ends in: rows [row, row + removeCount) become `inserted`.
    void replaceRows(int row, int removeCount, const QVector<Entry>& inserted);
    void revalidate(bool announce);
    QVector<Derived> derive() const;

    QVector<Entry> m_entries;
    QVector<Derived> m_derived;
    std::shared_ptr<const HierarchyTree> m_tree;
    QUndoStack* m_undoStack = nullptr;
    QIcon m_warningIcon;
};
