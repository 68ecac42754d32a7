#include "main_window.h"

#include "design_reader.h"

#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <qcustomplot.h>

namespace {
// Default traces on a new run: the top-level node voltages, a readable handful.
constexpr int kDefaultTraces = 6;
} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle("Wavebench");
    resize(1200, 760);
    auto session = SimSession::create();
    if (session)
        m_session = std::move(session.value());

    m_plot = new QCustomPlot(this);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectPlottables);
    m_plot->legend->setVisible(true);
    m_plot->xAxis->setLabel("time [s]");
    m_plot->yAxis->setLabel("value");
    setCentralWidget(m_plot);

    m_signals = new QListWidget(this);
    auto* signalsDock = new QDockWidget("Signals", this);
    signalsDock->setObjectName("signals");
    signalsDock->setWidget(m_signals);
    addDockWidget(Qt::LeftDockWidgetArea, signalsDock);
    connect(m_signals, &QListWidget::itemChanged, this, &MainWindow::setTraceVisible);

    m_log = new QPlainTextEdit(this);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(20000);
    auto* logDock = new QDockWidget("Log", this);
    logDock->setObjectName("log");
    logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);

    auto* bar = addToolBar("Run");
    bar->setObjectName("run");
    bar->addAction("Open…", this, [this] {
        const auto path = QFileDialog::getOpenFileName(this, "Open netlist", QString(),
                                                       "Netlists (*.cir *.sp *.spice *.net)");
        if (!path.isEmpty())
            openNetlist(path, false);
    });
    bar->addAction("Run", this, &MainWindow::startRun);
    bar->addAction("Stop", this, &MainWindow::stopRun);
    bar->addAction("Pause", this, [this] {
        if (m_session)
            m_session->pause();
    });
    bar->addAction("Resume", this, [this] {
        if (m_session)
            m_session->resume();
    });
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(240);
    m_status = new QLabel("idle", this);
    statusBar()->addPermanentWidget(m_status);
    statusBar()->addPermanentWidget(m_progress);

    m_redraw = new QTimer(this);
    m_redraw->setInterval(40); // at most 25 redraws a second, however fast batches come
    connect(m_redraw, &QTimer::timeout, this, [this] {
        if (m_dirty)
            replot();
    });
    m_redraw->start();
    if (!m_session)
        m_status->setText("ngspice unavailable");
}

MainWindow::~MainWindow() = default;

bool MainWindow::openNetlist(const QString& path, bool run) {
    if (!QFileInfo(path).isFile()) {
        QMessageBox::warning(this, "Wavebench", path + ": no such file");
        return false;
    }
    const QFileInfo info(path);
    m_netlist = info.absoluteFilePath();
    if (DesignReader::isAsdl(path.toStdString()))
        m_netlist = info.absolutePath() + "/" + info.completeBaseName() + ".spice";
    auto tree = DesignReader::read(info.absoluteFilePath().toStdString());
    m_tree.reset();
    if (tree)
        m_tree = std::move(tree.value());
    else
        m_log->appendPlainText(QString::fromStdString("no hierarchy: " + tree.error()));
    setWindowTitle("Wavebench — " + info.fileName());
    if (run)
        startRun();
    return true;
}

void MainWindow::startRun() {
    if (!m_session || m_netlist.isEmpty())
        return;
    if (m_run && !m_run->isFinished())
        return;
    m_plot->clearGraphs();
    m_graphs.clear();
    m_signals->clear();
    m_log->clear();
    RunRequest request;
    request.netlistPath = m_netlist.toStdString();
    QFileInfo info(m_netlist);
    request.storePath = (info.absolutePath() + "/" + info.completeBaseName() + ".h5").toStdString();
    if (m_tree) {
        request.treeJson = m_tree->toJson();
        request.probeMap = m_tree->probeMapFor({});
    }
    m_run = m_session->submit(request);
    connect(m_run.get(), &RunHandle::batchReady, this, &MainWindow::onBatch);
    connect(m_run.get(), &RunHandle::finished, this, &MainWindow::onFinished);
    connect(m_run.get(), &RunHandle::logLines, this,
            [this](const QStringList& lines) { m_log->appendPlainText(lines.join('\n')); });
    connect(m_run.get(), &RunHandle::progress, this, [this](double percent, const QString& text) {
        if (percent >= 0)
            m_progress->setValue(static_cast<int>(percent * 10));
        m_status->setText(text);
    });
    connect(m_run.get(), &RunHandle::pausedChanged, this,
            [this](bool paused) { m_status->setText(paused ? "paused" : "running"); });
    m_status->setText("starting " + m_run->runId());
}

void MainWindow::stopRun() {
    if (m_session)
        m_session->stop();
}

void MainWindow::onBatch(const SampleBlockPtr& block) {
    if (m_graphs.empty()) {
        const QColor palette[] = {QColor(31, 119, 180), QColor(255, 127, 14),  QColor(44, 160, 44),
                                  QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75)};
        int shown = 0;
        for (const auto& cref : *block->crefs) {
            auto* item = new QListWidgetItem(QString::fromStdString(cref), m_signals);
            const bool visible = shown < kDefaultTraces && cref.rfind("top.nodes.", 0) == 0;
            auto* graph = m_plot->addGraph();
            graph->setName(QString::fromStdString(cref));
            graph->setPen(QPen(palette[shown % 6], 1.5));
            graph->setVisible(visible);
            graph->removeFromLegend();
            if (visible) {
                graph->addToLegend();
                ++shown;
            }
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(visible ? Qt::Checked : Qt::Unchecked);
            m_graphs[cref] = graph;
        }
    }
    const auto& crefs = *block->crefs;
    for (size_t c = 0; c < crefs.size(); ++c) {
        auto it = m_graphs.find(crefs[c]);
        if (it == m_graphs.end())
            continue;
        it->second->addData(
            QVector<double>(block->coordinateValues.begin(), block->coordinateValues.end()),
            QVector<double>(block->columns[c].begin(), block->columns[c].end()), true);
    }
    m_dirty = true;
}

void MainWindow::setTraceVisible(QListWidgetItem* item) {
    auto it = m_graphs.find(item->text().toStdString());
    if (it == m_graphs.end())
        return;
    const bool visible = item->checkState() == Qt::Checked;
    it->second->setVisible(visible);
    if (visible)
        it->second->addToLegend();
    else
        it->second->removeFromLegend();
    m_dirty = true;
}

void MainWindow::replot() {
    m_dirty = false;
    m_plot->rescaleAxes(true);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MainWindow::onFinished(RunStatus status, const QString& message) {
    m_status->setText(QString("%1: %2").arg(m_run ? m_run->runId() : QString(),
                                            QString::fromStdString(toString(status))));
    if (status == RunStatus::Ok)
        m_progress->setValue(1000);
    if (status == RunStatus::Failed)
        QMessageBox::warning(this, "Run failed", message);
    else if (!message.isEmpty())
        m_log->appendPlainText(message);
    replot();
}
