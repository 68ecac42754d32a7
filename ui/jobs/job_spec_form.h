#pragma once

#include "core/jobs/job_spec_draft.h"

#include <QWidget>
#include <functional>
#include <map>

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLineEdit;
class QTableWidget;

// The form view of a job spec (GUI thread): every SimJobSpec key as a field or a table row.
// It edits a JobSpecDraft and says changed() on every edit by the user; the YAML editor
// beside it stays the text of record (JobPanel keeps the two in step). Validation is
// SimJobSpec's, shown by the panel.
class JobSpecForm : public QWidget {
    Q_OBJECT
public:
    explicit JobSpecForm(QWidget* parent = nullptr);

    void setDraft(const JobSpecDraft& draft); // emits nothing
    JobSpecDraft draft() const;
    // Where the file dialogs start (the spec's folder); the paths they give are relative to it.
    void setBaseDir(const QString& dir) { m_baseDir = dir; }

    // Parts, for tests and screenshots.
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* netlistEdit() const { return m_netlist; }
    QLineEdit* storeEdit() const { return m_store; }
    QComboBox* analysisCombo() const { return m_analysis; }
    QLineEdit* analysisField(const QString& key) const;
    QTableWidget* parametersTable() const { return m_parameters; }
    QTableWidget* sweepsTable() const { return m_sweeps; }
    QTableWidget* cornersTable() const { return m_corners; }
    QGroupBox* monteCarloBox() const { return m_monteCarlo; }
    QLineEdit* countEdit() const { return m_count; }
    QLineEdit* seedEdit() const { return m_seed; }
    // Adds an empty row, as the table's Add button does.
    void addSweep();
    void addCorner();
    void addParameter();

signals:
    void changed();

private:
    void showAnalysisFields();
    void edited();
    QWidget* withBrowse(QLineEdit* edit, const QString& filter);
    QWidget* tableWithButtons(QTableWidget* table, const std::function<void()>& add);
    void setSweepKind(int row, const QString& kind);

    QString m_baseDir;
    bool m_loading = false;
    std::map<std::string, std::string> m_analysisArgs; // kept across analysis types

    QLineEdit* m_name = nullptr;
    QLineEdit* m_netlist = nullptr;
    QLineEdit* m_store = nullptr;
    QLineEdit* m_probeMap = nullptr;
    QComboBox* m_analysis = nullptr;
    QWidget* m_analysisFields = nullptr;
    QFormLayout* m_analysisLayout = nullptr;
    QTableWidget* m_parameters = nullptr;
    QTableWidget* m_sweeps = nullptr;
    QTableWidget* m_corners = nullptr;
    QGroupBox* m_monteCarlo = nullptr;
    QLineEdit* m_count = nullptr;
    QLineEdit* m_seed = nullptr;
};
