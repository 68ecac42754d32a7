#include "ui/jobs/job_panel.h"

#include "core/base/spice_number.h"
#include "core/jobs/job_runner.h"
#include "core/jobs/slurm_job.h"
#include "ui/jobs/job_spec_form.h"
#include "ui/plot/eng_axis_ticker.h"
#include "ui/runs/status_colors.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>
#include <set>

namespace {

QString statusText(const SimRun& run) {
    if (run.skipped)
        return "skipped";
    return QString::fromStdString(toString(run.status));
}

QString sweepText(const SimRun& run) {
    QStringList parts;
    for (const auto& [name, value] : run.sweep)
        parts << QString::fromStdString(name) + "=" + EngAxisTicker::format(value, {});
    return parts.join(", ");
}

// What the overlay grades colours by: the first sweep's value, else the corner, else the
// measurement shown in the histogram (Monte Carlo), else the run's position in the job.
struct Grading {
    QString what;
    std::vector<double> keys;
};

Grading gradingFor(const std::vector<const SimRun*>& runs, const QString& measurement) {
    Grading g;
    std::set<std::string> corners;
    bool swept = !runs.empty();
    bool measured = !runs.empty() && !measurement.isEmpty();
    for (const auto* run : runs) {
        corners.insert(run->corner);
        swept = swept && !run->sweep.empty();
        const auto m = run->measurements.find(measurement.toStdString());
        measured = measured && m != run->measurements.end() && std::isfinite(m->second);
    }
    for (const auto* run : runs) {
        if (swept)
            g.keys.push_back(run->sweep.front().second);
        else if (corners.size() > 1)
            g.keys.push_back(
                static_cast<double>(std::distance(corners.begin(), corners.find(run->corner))));
        else if (measured)
            g.keys.push_back(run->measurements.at(measurement.toStdString()));
        else
            g.keys.push_back(run->index);
    }
    g.what = swept                ? QString::fromStdString(runs.front()->sweep.front().first)
             : corners.size() > 1 ? QString("corner")
             : measured           ? measurement
                                  : QString("run index");
    return g;
}

} // namespace

JobPanel::JobPanel(JobRunner& queue, QWidget* parent) : QWidget(parent), m_queue(queue) {
    setObjectName("jobPanel");

    // Left: the spec.
    auto* specBox = new QWidget(this);
    auto* specLayout = new QVBoxLayout(specBox);
    specLayout->setContentsMargins(0, 0, 0, 0);
    m_editor = new QPlainTextEdit(specBox);
    m_editor->setObjectName("jobEditor");
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setPlaceholderText("name: mc\nnetlist: rc.cir\nmontecarlo: {count: 20, seed: 1}");
    m_message = new QLabel(specBox);
    m_message->setObjectName("jobMessage");
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* load = new QPushButton("Load…", specBox);
    auto* save = new QPushButton("Save…", specBox);
    m_run = new QPushButton("Run job", specBox);
    m_stop = new QPushButton("Stop job", specBox);
    // Points run at once, each in an engine process: one per core unless told otherwise.
    m_workers = new QSpinBox(specBox);
    m_workers->setObjectName("jobWorkers");
    m_workers->setRange(1, 256);
    m_workers->setPrefix("Engines: ");
    if (m_queue.canAddWorkers()) {
        m_workers->setValue(std::max(1, QThread::idealThreadCount()));
        m_workers->setToolTip("Points of the job run at once, each in a wavebench-engine "
                              "process of its own; the runs are the same whatever the count");
    } else {
        m_workers->setValue(1);
        m_workers->setEnabled(false);
        m_workers->setToolTip("ngspice runs in this process (one per process): one point at "
                              "a time");
    }
    // Where the job runs: here on the engines, or as a Slurm job array whose shards are
    // merged into the store when it is done.
    m_where = new QComboBox(specBox);
    m_where->setObjectName("jobWhere");
    m_where->addItems({"This machine", "Slurm cluster"});
    m_slurmArgs = new QLineEdit(specBox);
    m_slurmArgs->setObjectName("jobSlurmArgs");
    m_slurmArgs->setPlaceholderText("sbatch options: --partition=… --account=… --time=…");
    m_slurmArgs->setVisible(false);
    m_slurm = new SlurmJob(this);
    auto* specButtons = new QHBoxLayout;
    for (auto* b : {load, save})
        specButtons->addWidget(b);
    specButtons->addStretch(1);
    specButtons->addWidget(m_where);
    specButtons->addWidget(m_workers);
    for (auto* b : {m_run, m_stop})
        specButtons->addWidget(b);
    m_form = new JobSpecForm(specBox);
    m_formNote = new QLabel(specBox);
    m_formNote->setObjectName("jobFormNote");
    m_formNote->setWordWrap(true);
    auto* formPage = new QWidget(specBox);
    auto* formLayout = new QVBoxLayout(formPage);
    formLayout->setContentsMargins(0, 0, 0, 0);
    formLayout->addWidget(m_form, 1);
    formLayout->addWidget(m_formNote);
    m_specTabs = new QTabWidget(specBox);
    m_specTabs->setObjectName("jobSpecTabs");
    m_specTabs->setDocumentMode(true);
    m_specTabs->addTab(formPage, "Form");
    m_specTabs->addTab(m_editor, "YAML");
    specLayout->addWidget(m_specTabs, 1);
    specLayout->addWidget(m_slurmArgs);
    specLayout->addWidget(m_message);
    specLayout->addLayout(specButtons);

    // Middle: the runs.
    auto* runsBox = new QWidget(this);
    auto* runsLayout = new QVBoxLayout(runsBox);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    m_table = new QTableWidget(0, FixedColumns, runsBox);
    m_table->setObjectName("jobRuns");
    m_table->setHorizontalHeaderLabels({"#", "Run", "Corner", "Sweep", "Seed", "Status"});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_progress = new QLabel("No job", runsBox);
    m_progress->setObjectName("jobProgress");
    m_export = new QPushButton("Export CSV…", runsBox);
    auto* runsBar = new QHBoxLayout;
    runsBar->addWidget(m_progress, 1);
    runsBar->addWidget(m_export);
    runsLayout->addWidget(m_table, 1);
    runsLayout->addLayout(runsBar);

    // Right: histogram and overlay.
    auto* statsBox = new QWidget(this);
    auto* statsLayout = new QVBoxLayout(statsBox);
    statsLayout->setContentsMargins(0, 0, 0, 0);
    m_measurement = new QComboBox(statsBox);
    m_measurement->setObjectName("jobMeasurement");
    m_measurement->setToolTip("The measurement shown in the histogram");
    m_histogram = new QCustomPlot(statsBox);
    m_histogram->setObjectName("jobHistogram");
    m_histogram->setMinimumSize(220, 120);
    m_bars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    m_bars->setPen(QPen(QColor(31, 119, 180).darker(130)));
    m_bars->setBrush(QColor(31, 119, 180, 170));
    m_bars->setWidthType(QCPBars::wtPlotCoords);
    m_histogram->yAxis->setLabel("runs");
    for (auto* axis : {m_histogram->xAxis, m_histogram->yAxis}) {
        axis->grid()->setPen(QPen(QColor(0, 0, 0, 28)));
        axis->setTickLabelColor(QColor(50, 50, 50));
    }
    // Integral counts: no 0.5 runs on the y axis.
    auto counts = QSharedPointer<QCPAxisTickerFixed>::create();
    counts->setTickStep(1);
    counts->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_histogram->yAxis->setTicker(counts);
    m_stats = new QLabel(statsBox);
    m_stats->setObjectName("jobStats");
    m_cref = new QComboBox(statsBox);
    m_cref->setObjectName("jobOverlayCref");
    m_cref->setEditable(true);
    m_cref->setToolTip("The cref plotted from every ok run of the job");
    m_cref->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_overlay = new QPushButton("Overlay", statsBox);
    m_overlay->setToolTip("Plot the cref from every ok run in the main plots, colour-graded");
    m_scale = new QLabel(statsBox);
    m_scale->setObjectName("jobColourScale");
    m_scale->setWordWrap(true);
    auto* overlayBar = new QHBoxLayout;
    overlayBar->addWidget(m_cref, 1);
    overlayBar->addWidget(m_overlay);
    statsLayout->addWidget(m_measurement);
    statsLayout->addWidget(m_histogram, 1);
    statsLayout->addWidget(m_stats);
    statsLayout->addLayout(overlayBar);
    statsLayout->addWidget(m_scale);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(specBox);
    splitter->addWidget(runsBox);
    splitter->addWidget(statsBox);
    // The form's tables need room; the runs table scrolls well enough.
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    // Parse errors show while typing, but not on every keystroke.
    m_validateTimer = new QTimer(this);
    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(400);
    connect(m_validateTimer, &QTimer::timeout, this, &JobPanel::validate);
    connect(m_editor, &QPlainTextEdit::textChanged, m_validateTimer, qOverload<>(&QTimer::start));
    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_writingFromForm)
            m_formStale = true;
    });
    connect(m_form, &JobSpecForm::changed, this, [this] {
        // The form's edit becomes the YAML (comments are not kept: the note says so).
        m_writingFromForm = true;
        m_editor->setPlainText(QString::fromStdString(m_form->draft().toYaml()));
        m_writingFromForm = false;
        m_formNote->clear();
        validate(); // the run count follows each edit
    });
    connect(m_specTabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == 0 && m_formStale)
            refreshForm();
    });

    connect(load, &QPushButton::clicked, this, [this] {
        const auto path = QFileDialog::getOpenFileName(this, "Load job", originDir(),
                                                       "Job specs (*.yaml *.yml);;All files (*)");
        QString error;
        if (!path.isEmpty() && !loadFile(path, &error))
            showMessage(error, true);
    });
    connect(save, &QPushButton::clicked, this, [this] {
        const auto path = QFileDialog::getSaveFileName(
            this, "Save job", m_filePath.isEmpty() ? originDir() + "/job.yaml" : m_filePath,
            "Job specs (*.yaml *.yml)");
        QString error;
        if (!path.isEmpty() && !saveFile(path, &error))
            showMessage(error, true);
    });
    connect(m_run, &QPushButton::clicked, this, &JobPanel::startJob);
    connect(m_where, &QComboBox::currentIndexChanged, this, [this] {
        m_slurmArgs->setVisible(onSlurm());
        m_workers->setPrefix(onSlurm() ? "Cores per task: " : "Engines: ");
        updateButtons();
    });
    connect(m_slurm, &SlurmJob::submitted, this, &JobPanel::onSlurmSubmitted);
    connect(m_slurm, &SlurmJob::progress, this, [this](const SlurmSubmitter::Progress& p) {
        m_progress->setText(QString("Slurm array %1: %2 of %3 runs landed, %4 tasks running, "
                                    "%5 pending")
                                .arg(m_slurmArray)
                                .arg(p.runsLanded)
                                .arg(m_slurm->pointCount())
                                .arg(p.running)
                                .arg(p.pending));
    });
    connect(m_slurm, &SlurmJob::finished, this, &JobPanel::onSlurmFinished);
    connect(m_slurm, &SlurmJob::failed, this, [this](const QString& message) {
        m_progress->setText(QString("Job %1 is not on Slurm").arg(m_jobName));
        showMessage(message, true);
        updateButtons();
    });
    connect(m_stop, &QPushButton::clicked, this, &JobPanel::stopJob);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const auto path =
            QFileDialog::getSaveFileName(this, "Export measurements",
                                         QFileInfo(m_storePath).absolutePath() + "/" +
                                             QFileInfo(m_storePath).completeBaseName() + ".csv",
                                         "CSV (*.csv)");
        QString error;
        if (!path.isEmpty() && !exportCsv(path, &error))
            showMessage(error, true);
    });
    connect(m_overlay, &QPushButton::clicked, this, &JobPanel::overlay);
    connect(m_measurement, &QComboBox::currentTextChanged, this, &JobPanel::updateHistogram);
    connect(m_cref->lineEdit(), &QLineEdit::textEdited, this,
            [this] { m_offeredCrefs.clear(); }); // the user's choice: setCrefs keeps it

    connect(&m_queue, &JobRunner::accepted, this, &JobPanel::onAccepted);
    connect(&m_queue, &JobRunner::refused, this, &JobPanel::onRefused);
    connect(&m_queue, &JobRunner::progress, this, &JobPanel::onProgress);
    connect(&m_queue, &JobRunner::runFinished, this, &JobPanel::onRunFinished);
    connect(&m_queue, &JobRunner::finished, this, &JobPanel::onFinished);
    updateHistogram();
    updateButtons();
}

void JobPanel::setCrefs(const QStringList& crefs) {
    const QString current = m_cref->currentText();
    // Follow the probes only while the shown cref is one of ours (not typed by the user).
    const bool follow = current.isEmpty() || m_offeredCrefs.contains(current);
    m_cref->clear();
    m_cref->addItems(crefs);
    m_offeredCrefs = crefs;
    m_cref->setCurrentText(follow ? crefs.value(0) : current);
}

QString JobPanel::origin() const {
    return m_filePath.isEmpty() ? originDir() + "/job.yaml" : m_filePath;
}

QString JobPanel::originDir() const {
    if (!m_filePath.isEmpty())
        return QFileInfo(m_filePath).absolutePath();
    return m_baseDir.isEmpty() ? QDir::currentPath() : m_baseDir;
}

bool JobPanel::loadFile(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        if (error)
            *error = path + ": " + file.errorString();
        return false;
    }
    m_filePath = QFileInfo(path).absoluteFilePath();
    m_editor->setPlainText(QString::fromUtf8(file.readAll()));
    validate();
    refreshForm();
    return true;
}

bool JobPanel::saveFile(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error)
            *error = path + ": " + file.errorString();
        return false;
    }
    file.write(m_editor->toPlainText().toUtf8());
    // Relative paths now resolve against where the spec lives.
    m_filePath = QFileInfo(path).absoluteFilePath();
    validate();
    return true;
}

void JobPanel::setText(const QString& yaml) {
    m_filePath.clear();
    m_editor->setPlainText(yaml);
    validate();
    refreshForm();
}

bool JobPanel::refreshForm() {
    m_form->setBaseDir(originDir());
    auto draft = JobSpecDraft::fromYaml(text().toStdString(), origin().toStdString());
    m_formStale = false;
    if (!draft) {
        m_form->setEnabled(false);
        m_formNote->setText("The form cannot show this YAML: " +
                            QString::fromStdString(draft.error()) + ". Fix it in the YAML tab.");
        return false;
    }
    m_form->setEnabled(true);
    m_form->setDraft(draft.value());
    m_formNote->setText(text().contains('#')
                            ? "Editing the form rewrites the YAML; its comments are not kept."
                            : QString());
    return true;
}

QString JobPanel::text() const {
    return m_editor->toPlainText();
}

Result<SimJobSpec> JobPanel::parse() const {
    return SimJobSpec::fromYaml(text().toStdString(), origin().toStdString(),
                                originDir().toStdString());
}

void JobPanel::validate() {
    m_validateTimer->stop();
    if (text().trimmed().isEmpty()) {
        showMessage({}, false);
        return;
    }
    const auto spec = parse();
    if (!spec) {
        showMessage(QString::fromStdString(spec.error()), true);
        return;
    }
    const long long runs = spec->runCount();
    showMessage(QString("Job %1: %2 runs into %3")
                    .arg(QString::fromStdString(spec->name()))
                    .arg(runs)
                    .arg(QFileInfo(QString::fromStdString(spec->storePath())).fileName()),
                false);
}

void JobPanel::showMessage(const QString& text, bool error) {
    m_message->setText(text);
    m_message->setStyleSheet(
        "color: " + (error ? status_colors::failed() : QColor(90, 90, 90)).name() + ";");
}

bool JobPanel::onSlurm() const {
    return m_where->currentIndex() == 1;
}

// Planned and submitted on the SlurmJob's pool thread; onSlurmSubmitted() or its failed()
// follows.
bool JobPanel::startOnSlurm(const SimJobSpec& spec) {
    const QString wavebenchRun = QCoreApplication::applicationDirPath() + "/wavebench-run";
    if (!QFileInfo(wavebenchRun).isExecutable()) {
        showMessage("Slurm tasks run wavebench-run, which is not beside this program (" +
                        wavebenchRun + ")",
                    true);
        return false;
    }
    // The tasks read the job from a file: the one loaded, if the text is still its own, or
    // else the text saved beside it (the same folder, so its relative paths still resolve).
    QString specFile = m_filePath;
    QFile loaded(m_filePath);
    if (m_filePath.isEmpty() || !loaded.open(QIODevice::ReadOnly | QIODevice::Text) ||
        QString::fromUtf8(loaded.readAll()) != text()) {
        specFile = originDir() + "/" + QString::fromStdString(spec.name()) + ".slurm.yaml";
        QFile out(specFile);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text) ||
            out.write(text().toUtf8()) < 0 || !out.flush()) {
            showMessage("cannot write the job for the Slurm tasks to " + specFile + ": " +
                            out.errorString(),
                        true);
            return false;
        }
    }
    auto saved = SimJobSpec::fromFile(specFile.toStdString());
    if (!saved) {
        showMessage(QString::fromStdString(saved.error()), true);
        return false;
    }
    SlurmJob::Choice choice;
    choice.wavebenchRun = wavebenchRun.toStdString();
    choice.slurmArgs = m_slurmArgs->text().toStdString();
    choice.workersPerTask = m_workers->value() > 1 ? m_workers->value() : 0;
    m_slurm->start(saved.value(), choice);
    m_startingStore = QString::fromStdString(saved->storePath());
    m_jobName = QString::fromStdString(saved->name());
    m_progress->setText(QString("Submitting job %1 to Slurm").arg(m_jobName));
    showMessage(QString("Submitting job %1 as a Slurm job array (its shards are merged into %2)")
                    .arg(m_jobName, m_startingStore),
                false);
    updateButtons();
    return true;
}

void JobPanel::onSlurmSubmitted(const QString& arrayId, int tasks, int points) {
    m_slurmArray = arrayId;
    m_runs = m_slurm->runs();
    showRuns();
    m_progress->setText(
        QString("Slurm array %1: %2 tasks for %3 points").arg(arrayId).arg(tasks).arg(points));
    showMessage(QString("Job %1 runs as Slurm array %2; its runs are merged into %3 when the "
                        "array is done (scancel %2 stops it)")
                    .arg(m_jobName, arrayId, m_storePath),
                false);
    updateButtons();
    emit jobStarted(m_storePath);
}

void JobPanel::onSlurmFinished(const SlurmJob::Outcome& outcome) {
    JobSummary summary;
    summary.job = m_jobName.toStdString();
    summary.storePath = m_storePath.toStdString();
    summary.runs = outcome.runs;
    const auto absent = outcome.counts.find("absent");
    const int missing = absent == outcome.counts.end() ? 0 : absent->second;
    QString problems;
    if (!outcome.merge)
        problems = QString::fromStdString(outcome.merge.error());
    else if (!outcome.merge->problems.empty())
        problems = QString::fromStdString(outcome.merge->problems.front());
    onFinished(summary);
    m_progress->setText(
        QString("Slurm array %1 merged: %2 of %3 runs ok%4")
            .arg(QString::fromStdString(outcome.arrayId))
            .arg(summary.count(RunStatus::Ok))
            .arg(summary.runs.size())
            .arg(missing ? QString(", %1 not in the store").arg(missing) : QString()));
    if (!problems.isEmpty())
        showMessage("The merge left shards in place: " + problems, true);
    else if (missing)
        showMessage(QString("%1 points are not in the store (their tasks failed or were "
                            "killed): `wavebench-run job SPEC --resume --slurm` runs them")
                        .arg(missing),
                    true);
}

bool JobPanel::startJob() {
    if (m_queue.isRunning() || m_slurm->isRunning())
        return false;
    if (m_startGuard) {
        const QString why = m_startGuard();
        if (!why.isEmpty()) {
            showMessage(why, true);
            return false;
        }
    }
    auto spec = parse();
    if (!spec) {
        showMessage(QString::fromStdString(spec.error()), true);
        return false;
    }
    if (m_designOptions) {
        DesignOpenOptions open = m_designOptions(QString::fromStdString(spec->netlistPath()));
        if (open.asdlrcPath.empty())
            open.asdlrcPath = spec->designOptions().asdlrcPath;
        spec->setDesignOptions(open);
    }
    // Expanded and checked against the store on a pool thread; onAccepted() or onRefused()
    // follows.
    if (onSlurm())
        return startOnSlurm(spec.value());
    JobRunner::Options options;
    options.workers = m_workers->value();
    m_queue.start(spec.value(), options);
    m_startingStore = QString::fromStdString(spec->storePath());
    m_jobName = QString::fromStdString(spec->name());
    m_progress->setText(QString("Starting job %1").arg(m_jobName));
    showMessage(
        QString("Preparing job %1 (its points, and the store %2)").arg(m_jobName, m_startingStore),
        false);
    updateButtons();
    return true;
}

void JobPanel::onRefused(const QString& message) {
    m_progress->setText(QString("Job %1 did not start").arg(m_jobName));
    showMessage(message, true);
    updateButtons();
}

void JobPanel::onAccepted() {
    m_runs = m_queue.runs();
    showRuns();
    m_progress->setText(QString("Starting %1 runs").arg(m_runs.size()));
    showMessage(QString("Running job %1 into %2").arg(m_jobName, m_storePath), false);
    updateButtons();
    emit jobStarted(m_storePath);
}

// A new job's points in the table, pending; the store it runs into.
void JobPanel::showRuns() {
    m_storePath = m_startingStore;
    m_measurements.clear();
    m_table->clearContents();
    m_table->setColumnCount(FixedColumns);
    m_table->setRowCount(static_cast<int>(m_runs.size()));
    for (const auto& run : m_runs)
        fillRow(run);
    // Columns the job does not vary (no corners, sweeps or seeds) only take room.
    auto varies = [this](auto has) { return std::any_of(m_runs.begin(), m_runs.end(), has); };
    m_table->setColumnHidden(CornerColumn,
                             !varies([](const SimRun& r) { return !r.corner.empty(); }));
    m_table->setColumnHidden(SweepColumn,
                             !varies([](const SimRun& r) { return !r.sweep.empty(); }));
    m_table->setColumnHidden(SeedColumn, !varies([](const SimRun& r) { return r.seed >= 0; }));
    m_table->resizeColumnsToContents();
    m_measurement->clear();
    m_scale->clear();
    updateHistogram();
}

void JobPanel::stopJob() {
    m_queue.stop();
}

void JobPanel::onProgress(int runIndex, int runCount, const QString& runId) {
    (void)runIndex; // with several engines, runs start out of order: count what ended
    const auto done = std::count_if(m_runs.begin(), m_runs.end(), [](const SimRun& run) {
        return run.status != RunStatus::Running;
    });
    const int engines = m_queue.workerCount();
    m_progress->setText(QString("%1 of %2 runs done; started %3%4")
                            .arg(done)
                            .arg(runCount)
                            .arg(runId)
                            .arg(engines > 1 ? QString(" (%1 engines)").arg(engines) : QString()));
}

void JobPanel::onRunFinished(const SimRun& run) {
    if (run.index < 0 || run.index >= static_cast<int>(m_runs.size()))
        return;
    m_runs[static_cast<size_t>(run.index)] = run;
    fillRow(run);
    updateHistogram();
    emit runFinished(QString::fromStdString(run.runId));
}

void JobPanel::onFinished(const JobSummary& summary) {
    m_runs = summary.runs; // skipped runs too
    for (const auto& run : m_runs)
        fillRow(run);
    m_table->resizeColumnsToContents();
    updateHistogram();
    m_progress->setText(QString("%1 of %2 runs ok%3")
                            .arg(summary.count(RunStatus::Ok))
                            .arg(summary.runs.size())
                            .arg(summary.stopped ? " (stopped)" : ""));
    showMessage(QString("Job %1 %2 (%3)")
                    .arg(QString::fromStdString(summary.job),
                         summary.stopped ? "stopped" : "finished", m_storePath),
                false);
    updateButtons();
    emit jobFinished(summary);
}

int JobPanel::measurementColumn(const QString& name) {
    int at = static_cast<int>(m_measurements.indexOf(name));
    if (at >= 0)
        return FixedColumns + at;
    // Sorted by name, as in JobSummary's CSV.
    const auto pos = std::lower_bound(m_measurements.begin(), m_measurements.end(), name);
    at = static_cast<int>(pos - m_measurements.begin());
    m_measurements.insert(at, name);
    m_table->insertColumn(FixedColumns + at);
    m_table->setHorizontalHeaderItem(FixedColumns + at, new QTableWidgetItem(name));
    const QString shown = m_measurement->currentText();
    m_measurement->blockSignals(true);
    m_measurement->clear();
    m_measurement->addItems(m_measurements);
    m_measurement->setCurrentText(shown.isEmpty() ? m_measurements.first() : shown);
    m_measurement->blockSignals(false);
    return FixedColumns + at;
}

void JobPanel::fillRow(const SimRun& run) {
    auto set = [this, &run](int column, const QString& text, Qt::Alignment align) {
        auto* item = m_table->item(run.index, column);
        if (!item) {
            item = new QTableWidgetItem;
            m_table->setItem(run.index, column, item);
        }
        item->setText(text);
        item->setTextAlignment(align | Qt::AlignVCenter);
        return item;
    };
    set(IndexColumn, QString::number(run.index), Qt::AlignRight);
    set(RunColumn, QString::fromStdString(run.runId), Qt::AlignLeft);
    set(CornerColumn, QString::fromStdString(run.corner), Qt::AlignLeft);
    set(SweepColumn, sweepText(run), Qt::AlignLeft);
    set(SeedColumn, run.seed < 0 ? QString() : QString::number(run.seed), Qt::AlignRight);
    const bool ended = run.status != RunStatus::Running || run.skipped;
    auto* status = set(StatusColumn, ended ? statusText(run) : "pending", Qt::AlignLeft);
    status->setForeground(ended ? status_colors::of(run.status) : status_colors::pending());
    status->setToolTip(QString::fromStdString(run.message));
    for (const auto& [name, value] : run.measurements) {
        const QString key = QString::fromStdString(name);
        const int column = measurementColumn(key);
        auto* cell = set(column, std::isfinite(value) ? EngAxisTicker::format(value, {}, 5) : "nan",
                         Qt::AlignRight);
        const auto why = run.measurementMessages.find(name);
        cell->setToolTip(why != run.measurementMessages.end()
                             ? QString::fromStdString(why->second)
                             : QString::fromStdString(spice_number::format(value)));
    }
}

void JobPanel::updateHistogram() {
    const std::string name = m_measurement->currentText().toStdString();
    std::vector<double> values;
    for (const auto& run : m_runs) {
        if (run.status != RunStatus::Ok || run.skipped)
            continue;
        const auto m = run.measurements.find(name);
        if (m != run.measurements.end() && std::isfinite(m->second))
            values.push_back(m->second);
    }
    QVector<double> centres;
    QVector<double> counts;
    m_histogram->xAxis->setLabel(QString::fromStdString(name));
    if (values.empty()) {
        m_bars->data()->clear();
        m_stats->setText(name.empty() ? "No measurements yet" : "No finished runs");
        m_histogram->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const double n = static_cast<double>(values.size());
    double mean = 0;
    for (double v : values)
        mean += v;
    mean /= n;
    double var = 0;
    for (double v : values)
        var += (v - mean) * (v - mean);
    const double sigma = values.size() > 1 ? std::sqrt(var / (n - 1)) : 0.0;
    // Square-root rule: a few bars for a handful of runs, more as the job grows.
    const int bins = std::clamp(static_cast<int>(std::ceil(std::sqrt(n))), 1, 40);
    double width = (*hi - *lo) / bins;
    if (!(width > 0))
        width = std::max(std::abs(*lo) * 1e-3, 1e-15); // all equal: one bar of some width
    const double start = width > 0 && *hi > *lo ? *lo : *lo - width / 2;
    for (int b = 0; b < bins; ++b) {
        centres << start + (b + 0.5) * width;
        counts << 0;
    }
    for (double v : values) {
        const int b = std::clamp(static_cast<int>((v - start) / width), 0, bins - 1);
        counts[b] += 1;
    }
    m_bars->setData(centres, counts, true);
    m_bars->setWidth(width * 0.92);
    m_histogram->xAxis->setRange(start - width * 0.6, start + bins * width + width * 0.6);
    m_histogram->yAxis->setRange(0, *std::max_element(counts.begin(), counts.end()) * 1.15);
    m_stats->setText(
        QString("n = %1   mean %2   σ %3")
            .arg(values.size())
            .arg(EngAxisTicker::format(mean, {}, 5), EngAxisTicker::format(sigma, {}, 3)));
    m_histogram->replot(QCustomPlot::rpQueuedReplot);
}

bool JobPanel::exportCsv(const QString& path, QString* error) const {
    JobSummary summary = m_queue.summary();
    if (summary.runs.empty()) {
        if (error)
            *error = "No job has run yet";
        return false;
    }
    const auto written = summary.writeMeasurementsCsv(path.toStdString());
    if (!written && error)
        *error = QString::fromStdString(written.error());
    return static_cast<bool>(written);
}

void JobPanel::overlay() {
    const QString cref = m_cref->currentText().trimmed();
    if (cref.isEmpty()) {
        showMessage("Overlay: name a cref (or probe one in the main window)", true);
        return;
    }
    std::vector<const SimRun*> ok;
    for (const auto& run : m_runs)
        if (run.status == RunStatus::Ok && !run.skipped)
            ok.push_back(&run);
    if (ok.empty()) {
        showMessage("Overlay: the job has no ok runs", true);
        return;
    }
    const Grading grading = gradingFor(ok, m_measurement->currentText());
    const auto [lo, hi] = std::minmax_element(grading.keys.begin(), grading.keys.end());
    // Thermal runs dark blue -> purple -> orange -> yellow -> white; white would vanish
    // on the plot's background, so the scale stops at light orange.
    QCPColorGradient gradient(QCPColorGradient::gpThermal);
    const QCPRange range(*lo, *hi > *lo ? *hi : *lo + 1);
    QStringList ids;
    QStringList labels;
    std::vector<QColor> colours;
    for (size_t i = 0; i < ok.size(); ++i) {
        const double t = 0.05 + 0.72 * (grading.keys[i] - range.lower) / range.size();
        colours.push_back(QColor::fromRgb(gradient.color(t, QCPRange(0, 1))));
        ids << QString::fromStdString(ok[i]->runId);
        QString label = cref + " #" + QString::number(ok[i]->index);
        if (!ok[i]->corner.empty())
            label += " " + QString::fromStdString(ok[i]->corner);
        if (!ok[i]->sweep.empty())
            label += " " + sweepText(*ok[i]);
        labels << label;
    }
    const bool byCorner = grading.what == "corner";
    m_scale->setText(byCorner ? QString("Colour: corner, dark to light in name order")
                              : QString("Colour: %1 from %2 (dark) to %3 (light)")
                                    .arg(grading.what, EngAxisTicker::format(*lo, {}, 4),
                                         EngAxisTicker::format(*hi, {}, 4)));
    emit overlayRequested(m_storePath, ids, cref, labels, colours);
}

void JobPanel::updateButtons() {
    const bool running = m_queue.isRunning();
    const bool onCluster = m_slurm->isRunning();
    m_run->setEnabled(!running && !onCluster);
    m_stop->setEnabled(running); // an array is stopped with scancel
    m_where->setEnabled(!running && !onCluster);
    m_slurmArgs->setEnabled(!onCluster);
    m_workers->setEnabled(!running && !onCluster && (onSlurm() || m_queue.canAddWorkers()));
}
