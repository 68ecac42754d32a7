#include "ui/jobs/job_spec_form.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace {

enum SweepColumns { SweepParam, SweepKind, SweepValues, SweepStart, SweepStop, SweepPoints };
enum CornerColumns { CornerName, CornerLibs, CornerParameters };

const char* const kOwnAnalyses = "the netlist's own";

QString cell(const QTableWidget* table, int row, int column) {
    const auto* item = table->item(row, column);
    return item ? item->text().trimmed() : QString();
}

void setCell(QTableWidget* table, int row, int column, const std::string& text) {
    table->setItem(row, column, new QTableWidgetItem(QString::fromStdString(text)));
}

QTableWidget* makeTable(QWidget* parent, const QString& name, const QStringList& headers) {
    auto* table = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    table->setObjectName(name);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table->horizontalHeader()->setMinimumSectionSize(
        table->fontMetrics().horizontalAdvance("points") + 12);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Tall enough for a few rows; the form scrolls as a whole.
    table->setMinimumHeight(table->fontMetrics().height() * 6);
    table->setMaximumHeight(table->fontMetrics().height() * 10);
    return table;
}

} // namespace

JobSpecForm::JobSpecForm(QWidget* parent) : QWidget(parent) {
    setObjectName("jobSpecForm");
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* body = new QWidget(scroll);
    auto* form = new QFormLayout(body);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_name = new QLineEdit(body);
    m_name->setPlaceholderText("the spec file's name");
    m_netlist = new QLineEdit(body);
    m_netlist->setPlaceholderText("rc.cir (relative to the spec)");
    m_store = new QLineEdit(body);
    m_store->setPlaceholderText("<spec name>.h5 beside the spec");
    m_probeMap = new QLineEdit(body);
    m_probeMap->setPlaceholderText("none");
    form->addRow("Name", m_name);
    form->addRow("Netlist", withBrowse(m_netlist, "Netlists (*.cir *.sp *.spice *.net);;All (*)"));
    form->addRow("Store", withBrowse(m_store, "HDF5 stores (*.h5 *.hdf5);;All (*)"));
    form->addRow("Probe map", withBrowse(m_probeMap, "Probe maps (*.json *.yaml *.yml)"));

    m_analysis = new QComboBox(body);
    m_analysis->setObjectName("jobAnalysis");
    m_analysis->addItem(kOwnAnalyses, QString());
    for (const auto& type : JobSpecDraft::analysisTypes())
        m_analysis->addItem(QString::fromStdString(type), QString::fromStdString(type));
    m_analysisFields = new QWidget(body);
    m_analysisLayout = new QFormLayout(m_analysisFields);
    m_analysisLayout->setContentsMargins(12, 0, 0, 0);
    form->addRow("Analysis", m_analysis);
    form->addRow(m_analysisFields);

    m_parameters = makeTable(body, "jobParameters", {"Parameter", "Value"});
    form->addRow("Parameters", tableWithButtons(m_parameters, [this] { addParameter(); }));
    m_sweeps = makeTable(body, "jobSweeps",
                         {"Parameter", "Kind", "Values (list)", "Start", "Stop", "Points"});
    m_sweeps->setToolTip("Nested, the first outermost. Values: 1k, 2.2k, 4.7k. lin: equal "
                         "steps; log: equal ratios; both end exactly at Stop.");
    form->addRow("Sweeps", tableWithButtons(m_sweeps, [this] { addSweep(); }));
    for (int column : {SweepKind, SweepStart, SweepStop, SweepPoints})
        m_sweeps->setColumnWidth(column, m_sweeps->fontMetrics().horizontalAdvance("values") + 40);
    m_corners = makeTable(body, "jobCorners",
                          {"Corner", "Libraries (file section; …)", "Parameters (a=1, b=2)"});
    form->addRow("Corners", tableWithButtons(m_corners, [this] { addCorner(); }));
    m_corners->setColumnWidth(
        CornerLibs, m_corners->fontMetrics().horizontalAdvance("Libraries (file section; …)") + 16);

    m_monteCarlo = new QGroupBox("Monte Carlo", body);
    m_monteCarlo->setObjectName("jobMonteCarlo");
    m_monteCarlo->setCheckable(true);
    m_monteCarlo->setChecked(false);
    auto* mc = new QFormLayout(m_monteCarlo);
    m_count = new QLineEdit(m_monteCarlo);
    m_count->setPlaceholderText("runs per point");
    m_seed = new QLineEdit(m_monteCarlo);
    m_seed->setPlaceholderText("1 (run k gets seed + k)");
    mc->addRow("Count", m_count);
    mc->addRow("Base seed", m_seed);
    form->addRow(m_monteCarlo);

    scroll->setWidget(body);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    for (auto* edit : {m_name, m_netlist, m_store, m_probeMap, m_count, m_seed})
        connect(edit, &QLineEdit::textEdited, this, &JobSpecForm::edited);
    connect(m_analysis, &QComboBox::currentIndexChanged, this, [this] {
        showAnalysisFields();
        edited();
    });
    for (auto* table : {m_parameters, m_sweeps, m_corners})
        connect(table, &QTableWidget::itemChanged, this, &JobSpecForm::edited);
    connect(m_monteCarlo, &QGroupBox::toggled, this, &JobSpecForm::edited);
    showAnalysisFields();
}

QWidget* JobSpecForm::withBrowse(QLineEdit* edit, const QString& filter) {
    auto* box = new QWidget(edit->parentWidget());
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    auto* browse = new QToolButton(box);
    browse->setText("…");
    row->addWidget(edit, 1);
    row->addWidget(browse);
    connect(browse, &QToolButton::clicked, this, [this, edit, filter] {
        const QDir base(m_baseDir.isEmpty() ? QDir::currentPath() : m_baseDir);
        const auto path = QFileDialog::getOpenFileName(this, "Choose a file", base.path(), filter);
        if (path.isEmpty())
            return;
        edit->setText(base.relativeFilePath(path)); // the spec's paths are relative to it
        edited();
    });
    return box;
}

QWidget* JobSpecForm::tableWithButtons(QTableWidget* table, const std::function<void()>& add) {
    auto* box = new QWidget(table->parentWidget());
    auto* column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    auto* buttons = new QHBoxLayout;
    auto* addButton = new QPushButton("Add", box);
    auto* removeButton = new QPushButton("Remove", box);
    addButton->setObjectName(table->objectName() + "Add");
    removeButton->setObjectName(table->objectName() + "Remove");
    buttons->addWidget(addButton);
    buttons->addWidget(removeButton);
    buttons->addStretch(1);
    column->addWidget(table);
    column->addLayout(buttons);
    table->setParent(box);
    connect(addButton, &QPushButton::clicked, this, [this, add] {
        add();
        edited();
    });
    connect(removeButton, &QPushButton::clicked, this, [this, table] {
        const int row = table->currentRow();
        if (row < 0)
            return;
        table->removeRow(row);
        edited();
    });
    return box;
}

void JobSpecForm::edited() {
    if (!m_loading)
        emit changed();
}

QLineEdit* JobSpecForm::analysisField(const QString& key) const {
    return m_analysisFields->findChild<QLineEdit*>("analysis_" + key);
}

void JobSpecForm::showAnalysisFields() {
    // Keep what the user typed for the old type: switching back restores it. (While a
    // draft is loaded, its arguments are the ones to show.)
    if (!m_loading)
        for (auto* edit : m_analysisFields->findChildren<QLineEdit*>())
            m_analysisArgs[edit->objectName().mid(9).toStdString()] = edit->text().toStdString();
    while (m_analysisLayout->rowCount() > 0)
        m_analysisLayout->removeRow(0);
    const std::string type = m_analysis->currentData().toString().toStdString();
    static const std::map<std::string, QString> hints = {
        {"step", "10n"},
        {"stop", "10u"},
        {"start", "0"},
        {"maxstep", "none"},
        {"variation", "dec, oct or lin"},
        {"points", "20"},
        {"fstart", "1"},
        {"fstop", "1g"},
        {"source", "v1"},
        {"output", "v(out) or v(out,ref)"},
        {"points_per_summary", "none"},
    };
    for (const auto& key : JobSpecDraft::analysisKeys(type)) {
        auto* edit = new QLineEdit(m_analysisFields);
        edit->setObjectName("analysis_" + QString::fromStdString(key));
        if (auto it = m_analysisArgs.find(key); it != m_analysisArgs.end())
            edit->setText(QString::fromStdString(it->second));
        if (auto hint = hints.find(key); hint != hints.end())
            edit->setPlaceholderText(hint->second);
        connect(edit, &QLineEdit::textEdited, this, &JobSpecForm::edited);
        m_analysisLayout->addRow(QString::fromStdString(key), edit);
        edit->show(); // added to a shown form: not shown by itself until the event loop runs
    }
    m_analysisFields->setVisible(!JobSpecDraft::analysisKeys(type).empty());
}

void JobSpecForm::setSweepKind(int row, const QString& kind) {
    // The cells the kind does not use are greyed out and not editable.
    const bool list = kind == "values";
    for (int column : {SweepValues, SweepStart, SweepStop, SweepPoints}) {
        auto* item = m_sweeps->item(row, column);
        if (!item) {
            item = new QTableWidgetItem;
            m_sweeps->setItem(row, column, item);
        }
        const bool used = (column == SweepValues) == list;
        item->setFlags(used ? item->flags() | Qt::ItemIsEditable | Qt::ItemIsEnabled
                            : item->flags() & ~(Qt::ItemIsEditable | Qt::ItemIsEnabled));
    }
}

void JobSpecForm::addParameter() {
    const bool loading = std::exchange(m_loading, true);
    m_parameters->insertRow(m_parameters->rowCount());
    m_loading = loading;
}

void JobSpecForm::addCorner() {
    const bool loading = std::exchange(m_loading, true);
    m_corners->insertRow(m_corners->rowCount());
    m_loading = loading;
}

void JobSpecForm::addSweep() {
    const bool loading = std::exchange(m_loading, true);
    const int row = m_sweeps->rowCount();
    m_sweeps->insertRow(row);
    auto* kind = new QComboBox(m_sweeps);
    kind->addItems({"values", "lin", "log"});
    m_sweeps->setCellWidget(row, SweepKind, kind);
    setSweepKind(row, "values");
    connect(kind, &QComboBox::currentTextChanged, this, [this, kind](const QString& text) {
        for (int r = 0; r < m_sweeps->rowCount(); ++r)
            if (m_sweeps->cellWidget(r, SweepKind) == kind) {
                const bool loading = std::exchange(m_loading, true);
                setSweepKind(r, text);
                m_loading = loading;
            }
        edited();
    });
    m_loading = loading;
}

void JobSpecForm::setDraft(const JobSpecDraft& d) {
    const bool loading = std::exchange(m_loading, true);
    m_name->setText(QString::fromStdString(d.name));
    m_netlist->setText(QString::fromStdString(d.netlist));
    m_store->setText(QString::fromStdString(d.store));
    m_probeMap->setText(QString::fromStdString(d.probeMap));
    m_analysisArgs = d.analysisArgs;
    const int index = m_analysis->findData(QString::fromStdString(d.analysisType));
    m_analysis->setCurrentIndex(std::max(0, index));
    showAnalysisFields();

    m_parameters->setRowCount(0);
    for (const auto& [name, value] : d.parameters) {
        addParameter();
        setCell(m_parameters, m_parameters->rowCount() - 1, 0, name);
        setCell(m_parameters, m_parameters->rowCount() - 1, 1, value);
    }
    m_sweeps->setRowCount(0);
    for (const auto& s : d.sweeps) {
        addSweep();
        const int row = m_sweeps->rowCount() - 1;
        setCell(m_sweeps, row, SweepParam, s.param);
        setCell(m_sweeps, row, SweepValues, s.values);
        setCell(m_sweeps, row, SweepStart, s.start);
        setCell(m_sweeps, row, SweepStop, s.stop);
        setCell(m_sweeps, row, SweepPoints, s.points);
        static_cast<QComboBox*>(m_sweeps->cellWidget(row, SweepKind))
            ->setCurrentText(QString::fromStdString(s.kind));
        setSweepKind(row, QString::fromStdString(s.kind));
    }
    m_corners->setRowCount(0);
    for (const auto& c : d.corners) {
        addCorner();
        const int row = m_corners->rowCount() - 1;
        setCell(m_corners, row, CornerName, c.name);
        setCell(m_corners, row, CornerLibs, c.libs);
        setCell(m_corners, row, CornerParameters, c.parameters);
    }
    m_monteCarlo->setChecked(d.monteCarlo);
    m_count->setText(QString::fromStdString(d.monteCarloCount));
    m_seed->setText(QString::fromStdString(d.monteCarloSeed));
    m_loading = loading;
}

JobSpecDraft JobSpecForm::draft() const {
    JobSpecDraft d;
    d.name = m_name->text().trimmed().toStdString();
    d.netlist = m_netlist->text().trimmed().toStdString();
    d.store = m_store->text().trimmed().toStdString();
    d.probeMap = m_probeMap->text().trimmed().toStdString();
    d.analysisType = m_analysis->currentData().toString().toStdString();
    for (const auto& key : JobSpecDraft::analysisKeys(d.analysisType))
        if (auto* edit = analysisField(QString::fromStdString(key)))
            d.analysisArgs[key] = edit->text().trimmed().toStdString();
    for (int row = 0; row < m_parameters->rowCount(); ++row)
        if (!cell(m_parameters, row, 0).isEmpty())
            d.parameters.emplace_back(cell(m_parameters, row, 0).toStdString(),
                                      cell(m_parameters, row, 1).toStdString());
    for (int row = 0; row < m_sweeps->rowCount(); ++row) {
        JobSpecDraft::Sweep s;
        s.param = cell(m_sweeps, row, SweepParam).toStdString();
        if (auto* kind = qobject_cast<QComboBox*>(m_sweeps->cellWidget(row, SweepKind)))
            s.kind = kind->currentText().toStdString();
        s.values = cell(m_sweeps, row, SweepValues).toStdString();
        s.start = cell(m_sweeps, row, SweepStart).toStdString();
        s.stop = cell(m_sweeps, row, SweepStop).toStdString();
        s.points = cell(m_sweeps, row, SweepPoints).toStdString();
        if (!s.param.empty())
            d.sweeps.push_back(s);
    }
    for (int row = 0; row < m_corners->rowCount(); ++row) {
        JobSpecDraft::Corner c;
        c.name = cell(m_corners, row, CornerName).toStdString();
        c.libs = cell(m_corners, row, CornerLibs).toStdString();
        c.parameters = cell(m_corners, row, CornerParameters).toStdString();
        if (!c.name.empty() || !c.libs.empty() || !c.parameters.empty())
            d.corners.push_back(c);
    }
    d.monteCarlo = m_monteCarlo->isChecked();
    d.monteCarloCount = m_count->text().trimmed().toStdString();
    d.monteCarloSeed = m_seed->text().trimmed().toStdString();
    return d;
}
