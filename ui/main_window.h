#pragma once

#include "hierarchy_tree.h"
#include "sim_session.h"

#include <QMainWindow>
#include <QPointer>
#include <map>
#include <memory>
#include <optional>

class QCustomPlot;
class QCPGraph;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QPlainTextEdit;
class QProgressBar;
class QTimer;

// The workbench window (GUI thread). Runs go through SimSession; batches arrive as queued
// signals and are drawn at most every 40 ms. The hierarchy browser, probe editor and runs
// browser arrive with the GUI issue; this window already streams and plots live.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    bool openNetlist(const QString& path, bool startRun);
    void startRun();
    void stopRun();
    // For tests and the README screenshot.
    QCustomPlot* plot() const { return m_plot; }
    std::shared_ptr<RunHandle> currentRun() const { return m_run; }

private:
    void onBatch(const SampleBlockPtr& block);
    void onFinished(RunStatus status, const QString& message);
    void setTraceVisible(QListWidgetItem* item);
    void replot();

    std::unique_ptr<SimSession> m_session;
    std::shared_ptr<RunHandle> m_run;
    QString m_netlist; // what ngspice runs (an ASDL design's emitted netlist)
    std::optional<HierarchyTree> m_tree;
    QCustomPlot* m_plot = nullptr;
    QListWidget* m_signals = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QTimer* m_redraw = nullptr;
    bool m_dirty = false;
    std::map<std::string, QCPGraph*> m_graphs;
};
