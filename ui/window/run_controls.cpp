#include "ui/window/run_controls.h"

#include "ui/runs/status_colors.h"

#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QStyle>
#include <QTimer>

RunControls::RunControls(QWidget* parent) : QToolBar("Run", parent) {
    setObjectName("runControls");
    addWidget(new QLabel(" tran step ", this));
    m_step = new QLineEdit(this);
    m_step->setPlaceholderText("netlist");
    m_step->setToolTip("Transient step; leave both empty to run the netlist's own analyses");
    m_step->setMaximumWidth(80);
    addWidget(m_step);
    addWidget(new QLabel(" stop ", this));
    m_stop_ = new QLineEdit(this);
    m_stop_->setPlaceholderText("netlist");
    m_stop_->setToolTip("Transient stop time, e.g. 10u");
    m_stop_->setMaximumWidth(80);
    addWidget(m_stop_);
    addSeparator();

    m_run = addAction(style()->standardIcon(QStyle::SP_MediaPlay), "Run");
    m_run->setShortcut(QKeySequence("F5"));
    m_run->setToolTip("Run the design (F5)");
    m_stop = addAction(style()->standardIcon(QStyle::SP_MediaStop), "Stop");
    m_stop->setToolTip("Stop: the run is kept as interrupted, with its data so far");
    m_pause = addAction(style()->standardIcon(QStyle::SP_MediaPause), "Pause");
    m_resume = addAction(style()->standardIcon(QStyle::SP_MediaSeekForward), "Resume");
    connect(m_run, &QAction::triggered, this, &RunControls::runRequested);
    connect(m_stop, &QAction::triggered, this, &RunControls::stopRequested);
    connect(m_pause, &QAction::triggered, this, &RunControls::pauseRequested);
    connect(m_resume, &QAction::triggered, this, &RunControls::resumeRequested);
    addSeparator();

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setFormat("%p%");
    m_progress->setMaximumWidth(200);
    addWidget(m_progress);
    m_elapsed = new QLabel(" 0.0 s ", this);
    addWidget(m_elapsed);
    m_status = new QLabel("idle", this);
    addWidget(m_status);

    m_clock = new QTimer(this);
    m_clock->setInterval(200);
    connect(m_clock, &QTimer::timeout, this, &RunControls::tick);
    setRunning(false, false);
}

std::optional<TranSpec> RunControls::tranSpec(QString* error) const {
    const auto step = m_step->text().trimmed();
    const auto stop = m_stop_->text().trimmed();
    if (step.isEmpty() && stop.isEmpty())
        return std::nullopt;
    if (step.isEmpty() || stop.isEmpty()) {
        if (error)
            *error = "Give both the transient step and stop time, or neither.";
        return std::nullopt;
    }
    return TranSpec{step.toStdString(), stop.toStdString()};
}

void RunControls::setTranSpec(const QString& step, const QString& stop) {
    m_step->setText(step);
    m_stop_->setText(stop);
}

void RunControls::setCanRun(bool canRun) {
    m_canRun = canRun;
    if (!m_clock->isActive())
        setRunning(false, false);
}

void RunControls::runStarted(const QString& runId) {
    m_started.start();
    m_clock->start();
    m_progress->setValue(0);
    m_status->setText("running " + runId);
    setRunning(true, false);
}

void RunControls::runProgress(double percent, const QString& text) {
    if (percent >= 0)
        m_progress->setValue(static_cast<int>(percent * 10));
    if (!text.isEmpty())
        m_progress->setToolTip(text);
}

void RunControls::runPaused(bool paused) {
    m_status->setText(paused ? "paused" : "running");
    setRunning(true, paused);
}

void RunControls::runFinished(RunStatus status, const QString& message) {
    m_clock->stop();
    tick();
    if (status == RunStatus::Ok)
        m_progress->setValue(1000);
    m_status->setText(QString::fromStdString(toString(status)));
    m_status->setToolTip(message);
    m_status->setStyleSheet(
        QString("font-weight: bold; color: %1;").arg(status_colors::of(status).name()));
    setRunning(false, false);
}

QString RunControls::statusText() const {
    return m_status->text();
}

int RunControls::progressPermille() const {
    return m_progress->value();
}

void RunControls::setRunning(bool running, bool paused) {
    if (running)
        m_status->setStyleSheet({});
    m_run->setEnabled(!running && m_canRun);
    m_stop->setEnabled(running);
    m_pause->setEnabled(running && !paused);
    m_resume->setEnabled(running && paused);
    m_step->setEnabled(!running);
    m_stop_->setEnabled(!running);
}

void RunControls::tick() {
    if (m_started.isValid())
        m_elapsed->setText(QString(" %1 s ").arg(m_started.elapsed() / 1000.0, 0, 'f', 1));
}
