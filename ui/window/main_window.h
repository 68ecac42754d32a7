#pragma once

#include "core/base/result.h"
#include "core/crefs/probe_map.h"
#include "core/design/hierarchy_tree.h"
#include "core/engine/design_open_options.h"
#include "core/engine/opened_design.h"
#include "core/engine/run_session.h"
#include "ui/plot/trace_data.h"
#include "ui/runs/stored_run_loader.h"

#include <QMainWindow>
#include <functional>
#include <map>
#include <memory>
#include <vector>

class DesignWatcher;
class HierarchyView;
class JobPanel;
class JobRunner;
class LogPane;
class PlotPanel;
class ProbeMapEditor;
class QMenu;
class ReloadBar;
class RunControls;
class RunsBrowser;

// The workbench (GUI thread). Runs go through a RunSession (an engine process by default); their
// batches arrive as queued signals into TraceData, and PlotPanel redraws at most ~40 times a second
// from a decimated view. Designs are parsed and stores read on worker threads, jobs prepared on the
// JobRunner's pool: this thread never calls ngspice or HDF5, nor parses a design.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // A design (.asdl, .cir, .sp, .spice, .net) or a store (.h5). Errors are shown in a
    // dialog (and returned when found at once); the window stays usable.
    bool openFile(const QString& path);
    // Reads the design on a worker thread, the status bar saying so, and shows it when read
    // (designOpened); false when there is no such file. A design that does not read is
    // reported through showError (errorShown), and still opened if it is a netlist
    // ngspice may run. A design asked for while another is read replaces it: the older
    // one is dropped.
    bool openDesign(const QString& path);
    QString designPath() const { return m_designPath; }
    bool openStore(const QString& path);
    void setStorePath(const QString& path);
    QString storePath() const { return m_storePath; }

    void startRun();
    void stopRun();
    void pauseRun();
    void resumeRun();
    // Puts cref's trace in the last pane (or a new one). A device parameter that is not
    // streamed yet is recorded from the next run on.
    void probe(const QString& cref, bool newPlot, int pane = -1);
    // Replaces the plots with cref from each of runIds (runs of storePath), one trace a run,
    // in the given colours and legend labels (either may be shorter: the palette and
    // "cref @ run" fill in). The runs are read on a worker.
    void overlayJobRuns(const QString& storePath, const QStringList& runIds, const QString& cref,
                        const QStringList& labels, const std::vector<QColor>& colours);

    // Parts, for tests and the README screenshots.
    PlotPanel* plots() const { return m_plots; }
    HierarchyView* hierarchy() const { return m_hierarchy; }
    ProbeMapEditor* probeEditor() const { return m_probeEditor; }
    RunsBrowser* runsBrowser() const { return m_runs; }
    LogPane* logPane() const { return m_log; }
    ReloadBar* reloadBar() const { return m_reloadBar; }
    DesignWatcher* designWatcher() const { return m_designWatcher; }
    QString notRunnable() const { return m_notRunnable; }
    RunControls* runControls() const { return m_controls; }
    JobPanel* jobPanel() const { return m_jobs; } // null without ngspice
    JobRunner* jobQueue() const { return m_jobQueue.get(); }
    std::shared_ptr<RunHandle> currentRun() const { return m_run; }
    RunSession* runSession() const { return m_session.get(); } // for tests and scripting
    const TraceData& traces() const { return m_traces; }
    QStringList probedCrefs() const;
    QString lastError() const { return m_lastError; }

signals:
    void errorShown(const QString& message);
    void designOpened(const QString& path); // read and shown: its tree, probes and store
    void runOpened(const QString& runId);
    void overlayShown(int traces); // overlayJobRuns() has drawn its traces

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Probe {
        QString cref;
        int pane = 0;
    };
    using StoredRuns = std::vector<StoredRunLoader::StoredRun>;

    void buildMenus();
    void showError(const QString& title, const QString& message);
    void dropStoredReads();
    void showDesign(const QString& path, Result<OpenedDesign> opened);
    // Reads the shown design again (after it changed on disk), keeping the probes whose
    // crefs remain; thenRun: runs it once read.
    void reloadDesign(bool thenRun);
    DesignOpenOptions openOptions(const QString& designPath) const;
    static QString asdlrcSettingKey(const QString& designFolder);
    void editAsdlSettings();
    void setTree(std::shared_ptr<const HierarchyTree> tree);
    void probeDefaults();
    void attachTrace(const Probe& probe);
    void attachPendingTraces();
    void updateCoordinate();
    void setPlotCoordinate(const std::string& name, const std::string& unit);
    void probesChanged(); // tells the hierarchy and the job panel
    void buildJobPanel();
    void rebuildPlots();
    void onBatch(const SampleBlockPtr& block);
    void onFinished(RunStatus status, const QString& message);
    void openStoredRun(const QString& runId);
    void overlayRuns(const QStringList& runIds);
    void showOverlays(const StoredRuns& runs);
    void addRecent(const QString& path);
    void updateRecentMenu();
    void updateTitle();
    void exportPlot();
    void exportCsv();

    std::unique_ptr<RunSession> m_session; // EngineClient, or SimSession (WAVEBENCH_IN_PROCESS)
    QString m_engineProblem; // why the engine process could not start (then: in-process)
    std::unique_ptr<JobRunner> m_jobQueue; // shares m_session: one run at a time, job or not
    std::shared_ptr<RunHandle> m_run;
    QString m_designPath;
    QString m_netlistPath; // what ngspice runs: the design, or an ASDL design's netlist
    std::vector<std::pair<std::string, std::string>> m_environment; // the .asdlrc's, for ngspice
    QString m_notRunnable;      // why the design shown cannot run (browsing only); empty: it can
    bool m_designStale = false; // its files changed since it was read (ASDL: compiled)
    QStringList m_keepProbes;   // a reload's probes, kept where their crefs remain
    bool m_runAfterOpen = false;
    DesignWatcher* m_designWatcher = nullptr;
    ReloadBar* m_reloadBar = nullptr;
    QString m_storePath;
    std::shared_ptr<const HierarchyTree> m_tree;
    TraceData m_traces;
    std::vector<Probe> m_probes;
    std::map<QString, std::unique_ptr<TraceData>> m_overlays; // run id -> its data
    QString m_lastError;
    // Opening a run and a job's overlay both replace the plots: they share one loader, so
    // the newer request supersedes the older, and m_showLoadedRuns is what the latest does
    // with its runs. The runs browser's overlays add to the plots and have their own.
    StoredRunLoader* m_runLoader = nullptr;
    std::function<void(const StoredRuns&)> m_showLoadedRuns;
    StoredRunLoader* m_overlayLoader = nullptr;
    int m_designGeneration = 0; // drops designs read after a newer one was asked for
    bool m_readingDesign = false;

    PlotPanel* m_plots = nullptr;
    HierarchyView* m_hierarchy = nullptr;
    ProbeMapEditor* m_probeEditor = nullptr;
    RunsBrowser* m_runs = nullptr;
    LogPane* m_log = nullptr;
    RunControls* m_controls = nullptr;
    JobPanel* m_jobs = nullptr;
    QMenu* m_recentMenu = nullptr;
};
