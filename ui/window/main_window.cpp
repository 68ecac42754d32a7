#include "ui/window/main_window.h"

#include "core/crefs/node_kind.h"
#include "core/engine/design_reader.h"
#include "core/engine/engine_client.h"
#include "core/engine/run_handle.h"
#include "core/engine/run_planner.h"
#include "core/engine/sim_session.h"
#include "core/jobs/job_runner.h"
#include "core/store/result_store.h"
#include "ui/design/hierarchy_model.h"
#include "ui/design/hierarchy_view.h"
#include "ui/design/probe_map_editor.h"
#include "ui/jobs/job_panel.h"
#include "ui/plot/decimated_series.h"
#include "ui/plot/plot_panel.h"
#include "ui/runs/runs_browser.h"
#include "ui/runs/stored_run_loader.h"
#include "ui/window/asdl_settings_dialog.h"
#include "ui/window/design_watcher.h"
#include "ui/window/log_pane.h"
#include "ui/window/reload_bar.h"
#include "ui/window/run_controls.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QThreadPool>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <algorithm>
#include <set>
#include <utility>

namespace {

constexpr int kRecentFiles = 8;
const QStringList kDesignSuffixes = {"asdl", "cir", "sp", "spice", "net", "cki"};

bool isStore(const QString& path) {
    const auto suffix = QFileInfo(path).suffix().toLower();
    return suffix == "h5" || suffix == "hdf5";
}

// A net whose name says it is what the designer looks at first.
bool looksLikeSignal(const std::string& name) {
    for (const char* hint : {"out", "in", "vout", "vin", "inp", "inn", "outp", "outn"})
        if (name == hint)
            return true;
    return false;
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName("mainWindow");
    setWindowTitle("Wavebench");
    setAcceptDrops(true);
    resize(1280, 800);
    // ngspice runs in a wavebench-engine process unless asked otherwise: a design that
    // crashes it costs a failed run, not the workbench.
    if (!qEnvironmentVariableIntValue("WAVEBENCH_IN_PROCESS")) {
        auto engine = EngineClient::create();
        if (engine)
            m_session = std::move(engine.value());
        else
            m_engineProblem = QString::fromStdString(engine.error());
    }
    QString sessionProblem;
    if (!m_session) {
        auto session = SimSession::create();
        if (session)
            m_session = std::move(session.value());
        else
            sessionProblem = QString::fromStdString(session.error());
    }

    // The bar that says the design changed on disk sits above the plots, hidden until then.
    auto* centre = new QWidget(this);
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(0);
    m_reloadBar = new ReloadBar(centre);
    m_plots = new PlotPanel(centre);
    centreLayout->addWidget(m_reloadBar);
    centreLayout->addWidget(m_plots, 1);
    setCentralWidget(centre);
    m_designWatcher = new DesignWatcher(this);
    connect(m_designWatcher, &DesignWatcher::changed, this, [this](const QStringList& files) {
        m_designStale = true;
        m_reloadBar->showChanged(files, QFileInfo(m_designPath).absolutePath());
    });
    connect(m_reloadBar, &ReloadBar::reloadRequested, this, [this] { reloadDesign(false); });
    connect(m_reloadBar, &ReloadBar::rerunRequested, this, [this] { reloadDesign(true); });

    auto dock = [this](const QString& title, const char* name, QWidget* widget,
                       Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(widget);
        addDockWidget(area, d);
        return d;
    };
    m_hierarchy = new HierarchyView(this);
    dock("Hierarchy", "hierarchyDock", m_hierarchy, Qt::LeftDockWidgetArea);
    m_runs = new RunsBrowser(this);
    auto* runsDock = dock("Runs", "runsDock", m_runs, Qt::RightDockWidgetArea);
    m_log = new LogPane(this);
    if (!m_engineProblem.isEmpty())
        m_log->appendLines({"wavebench: ngspice runs in this process: " + m_engineProblem});
    auto* logDock = dock("Log", "logDock", m_log, Qt::BottomDockWidgetArea);
    // The probe map is a wide table: it shares the bottom with the log.
    m_probeEditor = new ProbeMapEditor(this);
    auto* probeDock = dock("Probe map", "probeMapDock", m_probeEditor, Qt::BottomDockWidgetArea);
    tabifyDockWidget(logDock, probeDock);
    buildJobPanel();
    if (auto* jobsDock = findChild<QDockWidget*>("jobsDock"))
        tabifyDockWidget(probeDock, jobsDock);
    logDock->raise();
    auto* hierarchyDock = findChild<QDockWidget*>("hierarchyDock");
    // The icon tells the kind (and the tooltip spells it out): names and vectors get the room.
    m_hierarchy->treeView()->hideColumn(HierarchyModel::KindColumn);
    m_hierarchy->treeView()->header()->setSectionResizeMode(HierarchyModel::NameColumn,
                                                            QHeaderView::ResizeToContents);

    m_controls = new RunControls(this);
    addToolBar(m_controls);
    m_controls->setCanRun(false);

    connect(m_controls, &RunControls::runRequested, this, &MainWindow::startRun);
    connect(m_controls, &RunControls::stopRequested, this, &MainWindow::stopRun);
    connect(m_controls, &RunControls::pauseRequested, this, &MainWindow::pauseRun);
    connect(m_controls, &RunControls::resumeRequested, this, &MainWindow::resumeRun);
    connect(m_hierarchy, &HierarchyView::probeRequested, this,
            [this](const QString& cref, bool newPlot) { probe(cref, newPlot); });
    connect(m_plots, &PlotPanel::traceDropped, this,
            [this](const QString& cref, int pane) { probe(cref, false, pane); });
    connect(m_runs, &RunsBrowser::openRunRequested, this, &MainWindow::openStoredRun);
    connect(m_runs, &RunsBrowser::overlayRequested, this, &MainWindow::overlayRuns);
    m_runLoader = new StoredRunLoader(this);
    connect(m_runLoader, &StoredRunLoader::loaded, this,
            [this](int, const QString&, const StoredRuns& runs) { m_showLoadedRuns(runs); });
    m_overlayLoader = new StoredRunLoader(this);
    connect(m_overlayLoader, &StoredRunLoader::loaded, this,
            [this](int, const QString&, const StoredRuns& runs) { showOverlays(runs); });

    buildMenus();
    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    if (!restoreState(settings.value("window/state").toByteArray())) {
        // First start: the plots get the room. Docks take sizes only once laid out.
        QTimer::singleShot(0, this, [this, hierarchyDock, runsDock, logDock] {
            resizeDocks({hierarchyDock, runsDock}, {280, 330}, Qt::Horizontal);
            resizeDocks({logDock}, {160}, Qt::Vertical);
        });
    }
    updateRecentMenu();
    if (!m_session)
        showError("ngspice unavailable", "libngspice could not be loaded: " + sessionProblem);
    statusBar()->showMessage("Open a design (File ▸ Open design…) or drop one here");
}

MainWindow::~MainWindow() = default;

// Jobs need ngspice: without a session there is no panel. The queue shares the session
// with single runs; each refuses to start while the other runs, so that the plots, the
// log and the store location always belong to one of them.
void MainWindow::buildJobPanel() {
    if (!m_session)
        return;
    // With the engine process, a job can run on more: one engine each.
    JobRunner::SessionFactory moreWorkers;
    if (dynamic_cast<EngineClient*>(m_session.get()))
        moreWorkers = []() -> Result<std::unique_ptr<RunSession>> {
            auto engine = EngineClient::create();
            if (!engine)
                return Result<std::unique_ptr<RunSession>>::failure(engine.error());
            return std::unique_ptr<RunSession>(std::move(engine.value()));
        };
    m_jobQueue = std::make_unique<JobRunner>(*m_session, moreWorkers);
    m_jobs = new JobPanel(*m_jobQueue, this);
    m_jobs->setDesignOptions([this](const QString& design) { return openOptions(design); });
    auto* d = new QDockWidget("Jobs", this);
    d->setObjectName("jobsDock");
    d->setWidget(m_jobs);
    addDockWidget(Qt::BottomDockWidgetArea, d);
    m_jobs->setStartGuard([this]() -> QString {
        if (m_run && !m_run->isFinished())
            return "A run is streaming: stop it or let it finish before running a job";
        return {};
    });
    connect(m_jobs, &JobPanel::jobStarted, this, [this, d](const QString& store) {
        dropStoredReads();
        m_controls->setCanRun(false);
        m_log->clear();
        d->raise();
        setStorePath(store); // the runs browser shows the job's runs as they come
        statusBar()->showMessage("Running a job into " + store);
    });
    // Each run's log goes to the log pane; progress() comes with currentRun() set.
    connect(m_jobQueue.get(), &JobRunner::progress, this, [this] {
        if (auto* run = m_jobQueue->currentRun())
            connect(run, &RunHandle::logLines, m_log, &LogPane::appendLines);
    });
    connect(m_jobs, &JobPanel::runFinished, m_runs, &RunsBrowser::refresh);
    connect(m_jobs, &JobPanel::jobFinished, this, [this](const JobSummary& summary) {
        m_controls->setCanRun(m_session && !m_netlistPath.isEmpty());
        m_runs->refresh();
        statusBar()->showMessage(QString("Job %1: %2 of %3 runs ok")
                                     .arg(QString::fromStdString(summary.job))
                                     .arg(summary.count(RunStatus::Ok))
                                     .arg(summary.runs.size()),
                                 10000);
    });
    connect(m_jobs, &JobPanel::overlayRequested, this, &MainWindow::overlayJobRuns);
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu("&File");
    file->addAction("&Open design…", QKeySequence::Open, this, [this] {
        const auto path = QFileDialog::getOpenFileName(
            this, "Open design", QFileInfo(m_designPath).absolutePath(),
            "Designs (*.asdl *.cir *.sp *.spice *.net *.cki);;All files (*)");
        if (!path.isEmpty())
            openDesign(path);
    });
    file->addAction("Open &store…", this, [this] {
        const auto path = QFileDialog::getOpenFileName(this, "Open store", QString(),
                                                       "Wavebench stores (*.h5 *.hdf5)");
        if (!path.isEmpty())
            openStore(path);
    });
    m_recentMenu = file->addMenu("Open &recent");
    file->addAction("Store &location…", this, [this] {
        const auto path = QFileDialog::getSaveFileName(this, "Store runs in", m_storePath,
                                                       "Wavebench stores (*.h5)", nullptr,
                                                       QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty())
            setStorePath(path);
    });
    file->addAction("&ASDL project settings…", this, &MainWindow::editAsdlSettings);
    file->addSeparator();
    file->addAction("&Export plot…", this, &MainWindow::exportPlot);
    file->addAction("Export traces as &CSV…", this, &MainWindow::exportCsv);
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

    auto* run = menuBar()->addMenu("&Run");
    run->addAction(m_controls->runAction());
    run->addAction(m_controls->stopAction());
    run->addAction(m_controls->pauseAction());
    run->addAction(m_controls->resumeAction());

    auto* view = menuBar()->addMenu("&View");
    view->addAction("&Fit all", QKeySequence("F"), m_plots, &PlotPanel::fitAll);
    auto* follow = view->addAction("Follow live data");
    follow->setCheckable(true);
    follow->setChecked(m_plots->autoScroll());
    connect(follow, &QAction::toggled, m_plots, &PlotPanel::setAutoScroll);
    connect(m_plots, &PlotPanel::autoScrollChanged, follow, &QAction::setChecked);
    view->addAction("New plot pane", this, [this] { m_plots->addPane(); });
    view->addSeparator();
    for (auto* d : findChildren<QDockWidget*>())
        view->addAction(d->toggleViewAction());
}

void MainWindow::showError(const QString& title, const QString& message) {
    m_lastError = message;
    statusBar()->showMessage(title + ": " + message.section('\n', 0, 0), 10000);
    // Not modal-blocking: a long run or a test keeps going while the dialog is up.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    emit errorShown(message);
}

bool MainWindow::openFile(const QString& path) {
    return isStore(path) ? openStore(path) : openDesign(path);
}

bool MainWindow::openDesign(const QString& path) {
    const QFileInfo info(path);
    if (!info.isFile()) {
        showError("Cannot open design", path + ": no such file");
        return false;
    }
    // Parsed on a worker (a large design or ASDL library takes a while); only the newest
    // request is shown when several overlap.
    const int generation = ++m_designGeneration;
    const QString file = info.absoluteFilePath();
    // Until it is shown, Run would run the design shown before.
    m_readingDesign = true;
    m_controls->setCanRun(false);
    const bool asNetlist =
        !kDesignSuffixes.contains(info.suffix().toLower()) && !info.suffix().isEmpty();
    statusBar()->showMessage("Reading " + info.fileName() +
                             (asNetlist ? " as a SPICE netlist…" : "…"));
    if (DesignReader::isAsdl(file.toStdString()))
        statusBar()->showMessage("Reading " + info.fileName() +
                                 " (compiling it when asdlc is installed)…");
    auto* watcher = new QFutureWatcher<Result<OpenedDesign>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, file] {
        watcher->deleteLater();
        if (generation != m_designGeneration)
            return; // a newer design was asked for
        m_readingDesign = false;
        showDesign(file, watcher->result());
    });
    const DesignOpenOptions options = openOptions(file);
    watcher->setFuture(QtConcurrent::run(
        [file, options] { return DesignReader::open(file.toStdString(), options); }));
    return true;
}

DesignOpenOptions MainWindow::openOptions(const QString& designPath) const {
    // The project setting is per design folder (an ASDL project's designs share one .asdlrc);
    // the compiler's path is one for all.
    const QSettings settings;
    DesignOpenOptions options;
    options.asdlrcPath = settings.value(asdlrcSettingKey(QFileInfo(designPath).absolutePath()))
                             .toString()
                             .toStdString();
    options.asdlcPath = settings.value("asdl/asdlc").toString().toStdString();
    options.useCompiler = !settings.value("asdl/builtInReader", false).toBool();
    return options;
}

QString MainWindow::asdlrcSettingKey(const QString& designFolder) {
    // QSettings keys cannot hold '/' as data: the folder is hex-encoded.
    return "asdl/asdlrc/" + QString::fromLatin1(QDir(designFolder).absolutePath().toUtf8().toHex());
}

void MainWindow::editAsdlSettings() {
    const QString folder =
        m_designPath.isEmpty() ? QDir::currentPath() : QFileInfo(m_designPath).absolutePath();
    const QString key = asdlrcSettingKey(folder);
    QSettings settings;
    AsdlSettingsDialog dialog(folder,
                              {settings.value(key).toString(),
                               settings.value("asdl/asdlc").toString(),
                               settings.value("asdl/builtInReader", false).toBool()},
                              this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const auto values = dialog.values();
    auto store = [&settings](const QString& name, const QVariant& value, bool empty) {
        if (empty)
            settings.remove(name);
        else
            settings.setValue(name, value);
    };
    store(key, values.asdlrc, values.asdlrc.isEmpty());
    store("asdl/asdlc", values.asdlc, values.asdlc.isEmpty());
    store("asdl/builtInReader", values.builtInReader, !values.builtInReader);
    if (DesignReader::isAsdl(m_designPath.toStdString()))
        reloadDesign(false); // read with the new settings
}

void MainWindow::reloadDesign(bool thenRun) {
    if (m_designPath.isEmpty())
        return;
    m_keepProbes = probedCrefs();
    m_runAfterOpen = thenRun;
    openDesign(m_designPath);
}

void MainWindow::dropStoredReads() {
    // A stored run or overlay still being read belongs to what the window showed before;
    // arriving later, it would replace a live run's traces or land on another design.
    m_runLoader->cancel();
    m_overlayLoader->cancel();
}

void MainWindow::showDesign(const QString& path, Result<OpenedDesign> opened) {
    const QFileInfo info(path);
    const bool reload = info.absoluteFilePath() == m_designPath;
    const QStringList keep = std::exchange(m_keepProbes, {});
    const bool runAfter = std::exchange(m_runAfterOpen, false);
    if (!opened) {
        // The design is shown as it was read before (a reload keeps the old tree and runs).
        showError("Cannot read the design", QString::fromStdString(opened.error()));
        if (reload) // watched still: fixing the file offers to read it again
            m_designStale = true;
        m_controls->setCanRun(m_session && !m_netlistPath.isEmpty() &&
                              !(m_jobQueue && m_jobQueue->isRunning()));
        return;
    }
    // A netlist the reader cannot elaborate may still run, without a tree.
    if (!opened->treeProblem.empty())
        showError("Cannot read the design", QString::fromStdString(opened->treeProblem));
    dropStoredReads();
    m_designPath = info.absoluteFilePath();
    m_netlistPath = QString::fromStdString(opened->netlistPath);
    m_environment = opened->environment;
    m_notRunnable = QString::fromStdString(opened->notRunnable);
    m_designStale = false;
    m_reloadBar->hide();
    QStringList sources;
    for (const auto& source : opened->sources)
        sources << QString::fromStdString(source);
    if (sources.isEmpty())
        sources << m_designPath;
    m_designWatcher->watch(sources);
    if (!opened->compiler.empty())
        m_log->appendLines({QString("wavebench: %1 %2 with %3")
                                .arg(info.fileName(),
                                     opened->compileReused ? "compiled before (cache)" : "compiled",
                                     QString::fromStdString(opened->compiler))});
    if (!opened->note.empty())
        m_log->appendLines({"wavebench: " + QString::fromStdString(opened->note)});
    if (!m_notRunnable.isEmpty())
        m_log->appendLines({"wavebench: " + info.fileName() + " cannot run: " + m_notRunnable});
    m_controls->setTranSpec({}, {}); // a new design runs its own analyses until told otherwise
    m_probes.clear();
    m_traces.clear();
    m_overlays.clear();
    m_plots->clear();
    if (m_jobs) {
        m_jobs->setCrefs({});
        m_jobs->setBaseDir(info.absolutePath()); // a job typed by hand sits beside the design
    }
    setTree(opened->treeProblem.empty()
                ? std::make_shared<const HierarchyTree>(std::move(opened->tree))
                : nullptr);
    const bool jobRunning = m_jobQueue && m_jobQueue->isRunning();
    if (!jobRunning) // a running job keeps the runs browser on its store
        setStorePath(
            QString::fromStdString(RunPlanner::defaultStorePath(m_designPath.toStdString())));
    m_controls->setCanRun(m_session != nullptr && !jobRunning && m_notRunnable.isEmpty());
    addRecent(m_designPath);
    updateTitle();
    if (reload && !keep.isEmpty()) {
        for (const auto& cref : keep) // the probes whose crefs the design still has
            if (m_tree && m_tree->find(cref.toStdString()))
                probe(cref, false);
    } else {
        probeDefaults();
    }
    statusBar()->showMessage(m_notRunnable.isEmpty()
                                 ? "Opened " + info.fileName() + ": double-click a net to probe it"
                                 : "Opened " + info.fileName() +
                                       " to browse; it cannot run: " + m_notRunnable,
                             8000);
    emit designOpened(m_designPath);
    if (runAfter)
        startRun();
}

bool MainWindow::openStore(const QString& path) {
    if (!QFileInfo(path).isFile()) {
        showError("Cannot open store", path + ": no such file");
        return false;
    }
    // A design still being read would, once shown, point the window at its own store.
    if (m_readingDesign) {
        ++m_designGeneration;
        m_readingDesign = false;
        m_controls->setCanRun(m_session && !m_netlistPath.isEmpty() &&
                              !(m_jobQueue && m_jobQueue->isRunning()));
    }
    dropStoredReads();
    setStorePath(QFileInfo(path).absoluteFilePath());
    addRecent(m_storePath);
    updateTitle();
    // Show the newest run once the listing is in.
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(m_runs, &RunsBrowser::refreshed, this, [this, connection] {
        disconnect(*connection);
        const auto ids = m_runs->selectedRunIds();
        auto* model = m_runs->view()->model();
        if (model->rowCount() > 0)
            openStoredRun(model->index(model->rowCount() - 1, 0).data(Qt::DisplayRole).toString());
        else if (!ids.isEmpty())
            openStoredRun(ids.first());
    });
    return true;
}

void MainWindow::setStorePath(const QString& path) {
    m_storePath = path;
    m_runs->setStorePath(path);
    updateTitle();
}

void MainWindow::setTree(std::shared_ptr<const HierarchyTree> tree) {
    auto previous = std::exchange(m_tree, std::move(tree));
    m_hierarchy->setTree(m_tree);
    m_probeEditor->setTree(m_tree);
    m_hierarchy->setProbed({});
    // Freeing a 30,000-instance design's tree (470,000 nodes) takes a few hundred ms: on a
    // pool thread when nothing else holds it, not in the GUI thread's next frame.
    if (previous && previous.use_count() == 1)
        QThreadPool::globalInstance()->start(
            [last = std::move(previous)]() mutable { last.reset(); });
}

void MainWindow::probeDefaults() {
    if (!m_tree)
        return;
    std::vector<const HierarchyNode*> nets;
    for (const auto* node : m_tree->children("top"))
        if (node->kind == NodeKind::Net && !node->vector.empty())
            nets.push_back(node);
    std::vector<const HierarchyNode*> chosen;
    for (const auto* node : nets)
        if (looksLikeSignal(node->name))
            chosen.push_back(node);
    if (chosen.empty())
        chosen.assign(nets.begin(),
                      nets.begin() + static_cast<long>(std::min<size_t>(3, nets.size())));
    for (const auto* node : chosen)
        probe(QString::fromStdString(node->cref), false);
}

void MainWindow::probesChanged() {
    QSet<QString> probed;
    std::vector<std::string> kept;
    for (const auto& p : m_probes) {
        probed.insert(p.cref);
        kept.push_back(p.cref.toStdString());
        if (const auto* node = m_tree ? m_tree->find(p.cref.toStdString()) : nullptr)
            kept.push_back(node->vector);
    }
    m_traces.setKept(kept);
    m_hierarchy->setProbed(probed);
    if (m_jobs)
        m_jobs->setCrefs(probedCrefs());
}

QStringList MainWindow::probedCrefs() const {
    QStringList crefs;
    for (const auto& p : m_probes)
        crefs << p.cref;
    return crefs;
}

void MainWindow::probe(const QString& cref, bool newPlot, int pane) {
    const auto* node = m_tree ? m_tree->find(cref.toStdString()) : nullptr;
    const bool storedOnly = !node && m_traces.find(cref.toStdString()); // a run without a tree
    if (!node && !storedOnly) {
        statusBar()->showMessage("Unknown cref " + cref, 5000);
        return;
    }
    if (node && node->vector.empty()) {
        statusBar()->showMessage(cref + " has no waveform: probe one of its nets or parameters",
                                 5000);
        return;
    }
    for (const auto& p : m_probes)
        if (p.cref == cref) {
            statusBar()->showMessage(cref + " is already plotted", 3000);
            return;
        }
    if (newPlot || m_plots->paneCount() == 0)
        pane = m_plots->addPane();
    else if (pane < 0 || pane >= m_plots->paneCount())
        pane = m_plots->paneCount() - 1;
    Probe p{cref, pane};
    m_probes.push_back(p);
    attachTrace(p);

    probesChanged();

    if (node && !node->streamedByDefault && !m_traces.find(cref.toStdString())) {
        const auto vector = QString::fromStdString(node->vector);
        statusBar()->showMessage(m_run && !m_run->isFinished()
                                     ? cref + " needs a save line (" + vector +
                                           "): it is recorded from the next run"
                                     : cref + " will be recorded by the next run (" + vector + ")",
                                 8000);
    }
}

void MainWindow::attachTrace(const Probe& probe) {
    const auto* node = m_tree ? m_tree->find(probe.cref.toStdString()) : nullptr;
    std::string name = probe.cref.toStdString();
    if (!m_traces.find(name) && node)
        name = node->vector;
    if (!m_traces.find(name))
        return; // arrives with the first batch that carries it
    while (m_plots->paneCount() <= probe.pane)
        m_plots->addPane();
    // As the run stores it; the design's node gives the same unit, and still labels a run
    // whose store predates units.
    std::string storedUnit = m_traces.unitOf(name);
    const QString unit =
        QString::fromStdString(storedUnit.empty() && node ? node->unit : storedUnit);
    // A stepped run (a .control loop, a .dc with two sources) draws one trace per step.
    for (size_t step = 0; step < m_traces.stepCount(); ++step) {
        auto series = m_traces.find(name, step);
        const QString id = step == 0 ? probe.cref : probe.cref + " #" + QString::number(step);
        if (!series || m_plots->hasTrace(id))
            continue;
        const QString label =
            m_traces.stepped()
                ? probe.cref + " [" + QString::fromStdString(m_traces.stepLabel(step)) + "]"
                : probe.cref;
        auto phase = m_traces.findPhase(name, step);
        if (!phase) {
            m_plots->addTrace(id, label, unit, series, probe.pane);
            continue;
        }
        // A complex (AC) vector: a Bode pair, magnitude in dB here and phase in the pane below.
        m_plots->addTrace(id, label + " |dB|", "dB", series, probe.pane);
        while (m_plots->paneCount() <= probe.pane + 1)
            m_plots->addPane();
        m_plots->addTrace(id + "#phase", label + " phase", "°", phase, probe.pane + 1);
    }
}

void MainWindow::updateCoordinate() {
    setPlotCoordinate(m_traces.coordinate(), m_traces.coordinateUnit());
}

void MainWindow::setPlotCoordinate(const std::string& name, const std::string& unit) {
    const QString shown = QString::fromStdString(name.empty() ? "index" : name);
    if (shown != m_plots->coordinateName())
        m_plots->setCoordinate(shown, QString::fromStdString(unit));
}

void MainWindow::attachPendingTraces() {
    for (const auto& p : m_probes)
        attachTrace(p);
}

void MainWindow::rebuildPlots() {
    m_plots->clear();
    for (const auto& p : m_probes)
        attachTrace(p);
    m_plots->fitAll();
}

void MainWindow::startRun() {
    if (!m_session || m_designPath.isEmpty())
        return;
    if (m_jobQueue && m_jobQueue->isRunning()) {
        statusBar()->showMessage("A job is running: stop it or let it finish first", 5000);
        return;
    }
    if (m_readingDesign) {
        statusBar()->showMessage("A design is being read: run it once it is shown", 5000);
        return;
    }
    if (m_run && !m_run->isFinished())
        return;
    if (!m_notRunnable.isEmpty()) {
        showError("Cannot run", QFileInfo(m_designPath).fileName() + ": " + m_notRunnable);
        return;
    }
    if (m_designStale && DesignReader::isAsdl(m_designPath.toStdString())) {
        // Its sources changed since it was compiled: compile (on a worker), then run.
        reloadDesign(true);
        return;
    }
    dropStoredReads();
    QString error;
    const auto tran = m_controls->tranSpec(&error);
    if (!error.isEmpty()) {
        showError("Cannot run", error);
        return;
    }
    RunPlanner::Options options;
    options.designPath = m_designPath.toStdString();
    options.emittedNetlist = m_netlistPath.toStdString(); // an ASDL design's compiled netlist
    options.storePath = m_storePath.toStdString();
    options.tran = tran;
    options.probeMap = m_probeEditor->probeMap();
    for (const auto& p : m_probes) {
        const auto* node = m_tree ? m_tree->find(p.cref.toStdString()) : nullptr;
        if (node && !node->streamedByDefault && !node->vector.empty() &&
            !options.probeMap.map.count(node->cref))
            options.probeMap.map[node->cref] = node->vector; // device parameters need save lines
    }
    // The tree was read when the design was opened: planning it reads no file.
    RunRequest request = RunPlanner::plan(options, m_tree.get());
    request.netlistPath = m_netlistPath.toStdString();
    request.environment = m_environment;
    for (const auto& p : m_probes) // opening the run later shows these again
        request.probes.push_back(p.cref.toStdString());

    m_overlays.clear();
    m_traces.clear();
    rebuildPlots();
    m_plots->setAutoScroll(true);
    m_log->clear();
    m_run = m_session->submit(request, [this](RunHandle& run) {
        const QString id = run.runId();
        connect(&run, &RunHandle::started, this, [this, id] { m_controls->runStarted(id); });
        connect(&run, &RunHandle::batchReady, this, &MainWindow::onBatch);
        connect(&run, &RunHandle::finished, this, &MainWindow::onFinished);
        connect(&run, &RunHandle::logLines, m_log, &LogPane::appendLines);
        connect(&run, &RunHandle::progress, m_controls, &RunControls::runProgress);
        connect(&run, &RunHandle::pausedChanged, m_controls, &RunControls::runPaused);
    });
    statusBar()->showMessage("Running " + m_run->runId() + " into " + m_storePath);
}

void MainWindow::stopRun() {
    if (m_session)
        m_session->stop();
}

void MainWindow::pauseRun() {
    if (m_session)
        m_session->pause();
}

void MainWindow::resumeRun() {
    if (m_session)
        m_session->resume();
}

void MainWindow::onBatch(const SampleBlockPtr& block) {
    if (!block)
        return;
    const bool wasOverBudget = m_traces.overBudget();
    m_traces.append(*block);
    if (m_traces.overBudget() && !wasOverBudget) {
        const QString note =
            "wavebench: this run has outgrown the live plot's memory budget; only probed "
            "crefs keep growing now, and a cref probed from here on starts now. The store "
            "holds everything: open the run from the runs browser when it ends.";
        m_log->appendLines({note});
        statusBar()->showMessage(note, 15000);
    }
    if (block->firstRow == 0) { // a new plot or a new step
        updateCoordinate();
        attachPendingTraces();
    }
    m_plots->dataChanged();
}

void MainWindow::onFinished(RunStatus status, const QString& message) {
    m_controls->runFinished(status, message);
    attachPendingTraces();
    m_plots->dataChanged();
    m_runs->refresh();
    if (status == RunStatus::Failed)
        showError("Run failed", message);
    else if (!message.isEmpty())
        statusBar()->showMessage(
            QString::fromStdString(toString(status)) + ": " + message.section('\n', 0, 0), 10000);
    else
        statusBar()->showMessage(QString("Run %1 finished: %2 points in %3")
                                     .arg(m_run ? m_run->runId() : QString())
                                     .arg(m_run ? m_run->points() : 0)
                                     .arg(m_storePath),
                                 10000);
}

void MainWindow::openStoredRun(const QString& runId) {
    if (m_run && !m_run->isFinished()) {
        statusBar()->showMessage("A run is streaming; open stored runs when it has finished", 5000);
        return;
    }
    m_showLoadedRuns = [this, runId](const StoredRuns& runs) {
        const auto& result = runs.front().data;
        if (!result) {
            showError("Cannot open run", QString::fromStdString(result.error()));
            return;
        }
        const RunData& run = result.value();
        if (!run.treeJson.empty()) {
            auto tree = HierarchyTree::fromJson(run.treeJson, runId.toStdString() + "/tree.json");
            if (tree)
                setTree(std::make_shared<const HierarchyTree>(std::move(tree.value())));
        }
        m_traces.load(run);
        updateCoordinate();
        m_overlays.clear();
        // What the run was probed with, where it says (older stores do not): not the crefs
        // probed now, which may belong to another design.
        std::vector<Probe> stored;
        for (const auto& cref : run.probes)
            if (run.find(cref))
                stored.push_back({QString::fromStdString(cref), 0});
        if (!stored.empty())
            m_probes = std::move(stored);
        if (m_probes.empty()) {
            for (const auto& v : run.vectors)
                if (nodeKindFromString(v.nodeKind) == NodeKind::NodeVoltage && m_probes.size() < 3)
                    m_probes.push_back({QString::fromStdString(v.cref), 0});
        }
        probesChanged();
        m_plots->setAutoScroll(false);
        rebuildPlots();
        statusBar()->showMessage(QString("Run %1 (%2, %3 points)")
                                     .arg(runId, QString::fromStdString(run.summary.status))
                                     .arg(run.coordinate.size()),
                                 10000);
        emit runOpened(runId);
    };
    m_runLoader->load(m_storePath, {runId});
}

void MainWindow::overlayRuns(const QStringList& runIds) {
    if (m_probes.empty()) {
        statusBar()->showMessage(
            "Probe something first: overlays show the probed crefs of each run", 5000);
        return;
    }
    m_overlayLoader->load(m_storePath, runIds);
}

void MainWindow::showOverlays(const StoredRuns& runs) {
    bool loaded = false;
    for (const auto& [runId, result] : runs) {
        if (!result) {
            showError("Cannot overlay run", QString::fromStdString(result.error()));
            continue;
        }
        auto data = std::make_unique<TraceData>();
        data->load(result.value());
        for (const auto& p : m_probes) {
            const std::string cref = p.cref.toStdString();
            auto series = data->find(cref);
            const QString label = p.cref + " @ " + runId;
            if (series && !m_plots->hasTrace(label)) {
                // As the run stored it, so the pane keeps its unit: a cref alone does not
                // say its unit.
                const auto* stored = result->find(cref);
                const QString unit = QString::fromStdString(stored ? stored->unit : std::string());
                while (m_plots->paneCount() <= p.pane)
                    m_plots->addPane();
                m_plots->addTrace(label, label, unit, series, p.pane);
            }
        }
        m_overlays[runId] = std::move(data);
        loaded = true;
    }
    if (loaded)
        m_plots->fitAll();
}

void MainWindow::overlayJobRuns(const QString& storePath, const QStringList& runIds,
                                const QString& cref, const QStringList& labels,
                                const std::vector<QColor>& colours) {
    if (m_run && !m_run->isFinished()) {
        statusBar()->showMessage("A run is streaming; overlay runs when it has finished", 5000);
        return;
    }
    m_showLoadedRuns = [this, runIds, cref, labels, colours](const StoredRuns& runs) {
        m_plots->clear();
        m_overlays.clear();
        m_plots->setAutoScroll(false);
        QStringList missing;
        int shown = 0;
        // As the runs stored it: a cref alone does not say its unit.
        QString unit;
        for (const auto& run : runs)
            if (const auto* stored = run.data ? run.data->find(cref.toStdString()) : nullptr;
                stored && unit.isEmpty())
                unit = QString::fromStdString(stored->unit);
        for (int i = 0; i < runIds.size(); ++i) {
            const auto& result = runs[static_cast<size_t>(i)].data;
            if (!result) {
                missing << QString::fromStdString(result.error());
                continue;
            }
            auto data = std::make_unique<TraceData>();
            data->load(result.value());
            auto series = data->find(cref.toStdString());
            if (!series) {
                missing << runIds[i] + ": no " + cref;
                continue;
            }
            if (shown == 0)
                setPlotCoordinate(data->coordinate(), data->coordinateUnit());
            const QString key = cref + " @ " + runIds[i];
            if (m_plots->paneCount() == 0)
                m_plots->addPane();
            if (!m_plots->addTrace(key, labels.value(i, key), unit, series, 0))
                continue;
            if (i < static_cast<int>(colours.size()))
                m_plots->setTraceColor(key, colours[static_cast<size_t>(i)]);
            m_overlays[runIds[i]] = std::move(data);
            ++shown;
        }
        m_plots->fitAll();
        if (!missing.isEmpty())
            showError("Overlay incomplete", missing.join('\n'));
        else
            statusBar()->showMessage(QString("%1 from %2 runs").arg(cref).arg(shown), 10000);
        emit overlayShown(shown);
    };
    m_runLoader->load(storePath, runIds);
}

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    auto recent = settings.value("recentFiles").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kRecentFiles)
        recent.removeLast();
    settings.setValue("recentFiles", recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    m_recentMenu->clear();
    const auto recent = QSettings().value("recentFiles").toStringList();
    for (const auto& path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName() + "  —  " +
                                    QFileInfo(path).absolutePath(),
                                this, [this, path] { openFile(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::updateTitle() {
    QString title = "Wavebench";
    if (!m_designPath.isEmpty())
        title += " — " + QFileInfo(m_designPath).fileName();
    if (!m_storePath.isEmpty())
        title += "  [" + QFileInfo(m_storePath).fileName() + "]";
    setWindowTitle(title);
}

void MainWindow::exportPlot() {
    const auto path = QFileDialog::getSaveFileName(this, "Export plot", QString(),
                                                   "PNG (*.png);;SVG (*.svg);;PDF (*.pdf)");
    if (path.isEmpty())
        return;
    QString error;
    if (!m_plots->exportImage(path, &error))
        showError("Export failed", error);
}

void MainWindow::exportCsv() {
    const auto path =
        QFileDialog::getSaveFileName(this, "Export visible traces", QString(), "CSV (*.csv)");
    if (path.isEmpty())
        return;
    QString error;
    if (!m_plots->exportCsv(path, &error))
        showError("Export failed", error);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const auto& url : event->mimeData()->urls())
        if (url.isLocalFile()) {
            openFile(url.toLocalFile());
            break;
        }
}
