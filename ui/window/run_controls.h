#pragma once

#include "core/base/run_status.h"
#include "core/netlist/run_netlist.h"

#include <QElapsedTimer>
#include <QToolBar>
#include <optional>

class QAction;
class QLabel;
class QLineEdit;
class QProgressBar;
class QTimer;

// The run toolbar: analysis settings, Run / Stop / Pause / Resume, progress fed by
// ngspice's progress callback, elapsed time and run status. It only reports what the user
// asks for; the main window drives the session. Lives on the GUI thread.
class RunControls : public QToolBar {
    Q_OBJECT
public:
    explicit RunControls(QWidget* parent = nullptr);

    // Empty fields: the netlist's own analyses run. Otherwise `.tran STEP STOP`; an
    // incomplete pair is an error message.
    std::optional<TranSpec> tranSpec(QString* error) const;
    void setTranSpec(const QString& step, const QString& stop);

    void runStarted(const QString& runId);
    void runProgress(double percent, const QString& text);
    void runPaused(bool paused);
    void runFinished(RunStatus status, const QString& message);
    void setCanRun(bool canRun);

    QAction* runAction() const { return m_run; }
    QAction* stopAction() const { return m_stop; }
    QAction* pauseAction() const { return m_pause; }
    QAction* resumeAction() const { return m_resume; }
    QString statusText() const;
    int progressPermille() const;

signals:
    void runRequested();
    void stopRequested();
    void pauseRequested();
    void resumeRequested();

private:
    void setRunning(bool running, bool paused);
    void tick();

    QLineEdit* m_step = nullptr;
    QLineEdit* m_stop_ = nullptr;
    QAction* m_run = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_pause = nullptr;
    QAction* m_resume = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_elapsed = nullptr;
    QLabel* m_status = nullptr;
    QTimer* m_clock = nullptr;
    QElapsedTimer m_started;
    bool m_canRun = false;
};
