#pragma once

#include "core/engine/design_open_options.h"
#include "core/jobs/job_summary.h"
#include "core/jobs/sim_job_spec.h"
#include "core/jobs/sim_run.h"
#include "core/jobs/slurm_job.h"

#include <QColor>
#include <QStringList>
#include <QWidget>
#include <functional>
#include <vector>

class JobRunner;
class JobSpecForm;
class QCPBars;
class QComboBox;
class QCustomPlot;
class QLabel;
class QPlainTextEdit;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTabWidget;
class QTimer;

// Jobs in the workbench (GUI thread): a form and a raw YAML editor for a SimJobSpec (the
// YAML is the text of record: editing the form rewrites it, and the form is refilled from
// it when shown), the table of the
// job's runs with their measurements, a histogram of one measurement over the finished runs
// (Monte Carlo), CSV export, and an overlay of one cref from every ok run, colour-graded.
//
// The panel does not own the JobRunner: the main window does, since it owns the session and
// must keep single runs and jobs from overlapping. startGuard (when set) is asked before a
// job starts; a non-empty answer is why it may not.
//
// Relative paths in the spec resolve against the loaded file's folder, or, for text typed
// by hand, against the base dir (the open design's folder).
class JobPanel : public QWidget {
    Q_OBJECT
public:
    enum Columns {
        IndexColumn,
        RunColumn,
        CornerColumn,
        SweepColumn,
        SeedColumn,
        StatusColumn,
        FixedColumns
    };

    explicit JobPanel(JobRunner& queue, QWidget* parent = nullptr);

    void setStartGuard(std::function<QString()> guard) { m_startGuard = std::move(guard); }
    void setBaseDir(const QString& dir) { m_baseDir = dir; }
    // How a job's ASDL design opens (the window's project settings for the design's folder);
    // a spec's own `asdlrc:` is kept unless the settings name one.
    void setDesignOptions(std::function<DesignOpenOptions(const QString& designPath)> options) {
        m_designOptions = std::move(options);
    }
    // The crefs offered for the overlay (the main window's probes); the first is the default
    // until the user picks or types another.
    void setCrefs(const QStringList& crefs);

    bool loadFile(const QString& path, QString* error = nullptr);
    bool saveFile(const QString& path, QString* error = nullptr);
    void setText(const QString& yaml);
    QString text() const;
    // Parses the editor's text (the error, naming the line, is shown under the editor).
    Result<SimJobSpec> parse() const;

    // Starts preparing the job; false (and why, under the editor) when it cannot start at
    // once. A refusal found while it is prepared (the store holds its runs, say) is shown
    // the same way, later; jobStarted() comes once it is accepted.
    bool startJob();
    void stopJob();
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    void overlay(); // emits overlayRequested for the chosen cref over every ok run

    // Parts, for tests and screenshots.
    QPlainTextEdit* editor() const { return m_editor; }
    JobSpecForm* form() const { return m_form; }
    QTabWidget* specTabs() const { return m_specTabs; }
    // Fills the form from the YAML; false (and why, under the editor) when the form cannot
    // show it, e.g. while the YAML does not parse.
    bool refreshForm();
    QLabel* messageLabel() const { return m_message; }
    QLabel* progressLabel() const { return m_progress; }
    QSpinBox* workersBox() const { return m_workers; }
    QComboBox* whereCombo() const { return m_where; }
    QLineEdit* slurmArgsEdit() const { return m_slurmArgs; }
    QTableWidget* table() const { return m_table; }
    QComboBox* measurementCombo() const { return m_measurement; }
    QComboBox* crefCombo() const { return m_cref; }
    QCustomPlot* histogram() const { return m_histogram; }
    QCPBars* histogramBars() const { return m_bars; }
    QLabel* statsLabel() const { return m_stats; }
    const std::vector<SimRun>& runs() const { return m_runs; }
    QString storePath() const { return m_storePath; }

signals:
    void jobStarted(const QString& storePath);
    void runFinished(const QString& runId);
    void jobFinished(const JobSummary& summary);
    void overlayRequested(const QString& storePath, const QStringList& runIds, const QString& cref,
                          const QStringList& labels, const std::vector<QColor>& colours);

private:
    QString origin() const;
    QString originDir() const;
    void validate();
    void showMessage(const QString& text, bool error);
    void onAccepted();
    void onRefused(const QString& message);
    void onProgress(int runIndex, int runCount, const QString& runId);
    void onRunFinished(const SimRun& run);
    void onFinished(const JobSummary& summary);
    void showRuns();
    bool onSlurm() const;
    bool startOnSlurm(const SimJobSpec& spec);
    void onSlurmSubmitted(const QString& arrayId, int tasks, int points);
    void onSlurmFinished(const SlurmJob::Outcome& outcome);
    void fillRow(const SimRun& run);
    int measurementColumn(const QString& name);
    void updateHistogram();
    void updateButtons();

    JobRunner& m_queue;
    std::function<QString()> m_startGuard;
    std::function<DesignOpenOptions(const QString&)> m_designOptions;
    QString m_filePath; // the loaded or saved spec; "" for text typed by hand
    QString m_baseDir;
    QString m_storePath;        // of the job shown in the table
    QString m_startingStore;    // of the job being prepared; m_storePath once accepted
    QString m_jobName;          // of the job started last
    std::vector<SimRun> m_runs; // the job shown: expanded at start, updated as runs finish
    QStringList m_measurements; // table columns after FixedColumns, sorted
    QStringList m_offeredCrefs;

    QPlainTextEdit* m_editor = nullptr;
    JobSpecForm* m_form = nullptr;
    QTabWidget* m_specTabs = nullptr;
    QLabel* m_formNote = nullptr;
    bool m_formStale = false; // the YAML changed since the form was filled
    bool m_writingFromForm = false;
    QLabel* m_message = nullptr;
    QSpinBox* m_workers = nullptr;
    QComboBox* m_where = nullptr; // this machine, or a Slurm cluster
    QLineEdit* m_slurmArgs = nullptr;
    SlurmJob* m_slurm = nullptr; // child
    QString m_slurmArray;
    QPushButton* m_run = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_overlay = nullptr;
    QLabel* m_progress = nullptr;
    QTableWidget* m_table = nullptr;
    QComboBox* m_measurement = nullptr;
    QComboBox* m_cref = nullptr;
    QLabel* m_scale = nullptr;
    QCustomPlot* m_histogram = nullptr;
    QCPBars* m_bars = nullptr;
    QLabel* m_stats = nullptr;
    QTimer* m_validateTimer = nullptr;
};
