#pragma once

#include "core/crefs/probe_map.h"
#include "core/design/hierarchy_tree.h"

#include <QWidget>
#include <memory>

class ProbeMapModel;
class QLabel;
class QPushButton;
class QTableView;
class QUndoStack;

// The probe-map editor: a table of the map's entries and aliases, checked against the
// design, with Add / Remove / Undo / Redo / Load… / Save…. Lives on the GUI thread.
//
// Every change (add, remove, a cell edit, a load) is one step of the undo stack, and undo
// restores the exact previous map. Files are probe_map.json or the YAML form (.yaml/.yml),
// read and written by ProbeMap::loadFile / saveFile; a file that does not load leaves the
// map as it was and the error names the file and line. Crefs dragged from the hierarchy
// browser are added as rows with the design's vector.
class ProbeMapEditor : public QWidget {
    Q_OBJECT
public:
    explicit ProbeMapEditor(QWidget* parent = nullptr);
    ~ProbeMapEditor() override;

    // The design rows are validated against; nullptr = none.
    void setTree(std::shared_ptr<const HierarchyTree> tree);
    // A new document: replaces the rows and clears the undo history.
    void setProbeMap(const ProbeMap& map);
    ProbeMap probeMap() const;

    // Without dialogs (the buttons add them). load() is one undo step; on failure the map is
    // unchanged and `error` (may be null) says why, naming the file and line.
    bool load(const QString& path, QString* error);
    bool save(const QString& path, QString* error);
    // The file last loaded or saved, "" when none.
    QString fileName() const { return m_fileName; }

    // Adds an empty map row after the current one and starts editing its cref.
    void addRow();
    void removeSelectedRows();

    ProbeMapModel* model() const { return m_model; }
    QTableView* tableView() const { return m_table; }
    QUndoStack* undoStack() const { return m_undoStack; }

signals:
    void probeMapChanged(const ProbeMap& map);

private:
    void loadWithDialog();
    void saveWithDialog();
    void updateState();

    ProbeMapModel* m_model = nullptr;
    QUndoStack* m_undoStack = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_problem = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_undo = nullptr;
    QPushButton* m_redo = nullptr;
    QPushButton* m_load = nullptr;
    QPushButton* m_save = nullptr;
    QString m_fileName;
};
