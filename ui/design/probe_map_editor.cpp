#include "ui/design/probe_map_editor.h"

#include "ui/design/probe_map_model.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>

ProbeMapEditor::ProbeMapEditor(QWidget* parent) : QWidget(parent) {
    m_undoStack = new QUndoStack(this);
    m_model = new ProbeMapModel(this);
    m_model->setUndoStack(m_undoStack);

    m_table = new QTableView(this);
    m_table->setObjectName("probeMapTable");
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::AnyKeyPressed);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setAcceptDrops(true);
    m_table->setDragDropMode(QAbstractItemView::DropOnly);
    m_table->setDropIndicatorShown(true);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    auto* header = m_table->horizontalHeader();
    header->setSectionResizeMode(ProbeMapModel::CrefColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(ProbeMapModel::VectorColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(ProbeMapModel::AliasOfColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(ProbeMapModel::UnitColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ProbeMapModel::KindColumn, QHeaderView::ResizeToContents);
    header->resizeSection(ProbeMapModel::VectorColumn, 170);
    header->resizeSection(ProbeMapModel::AliasOfColumn, 170);

    // Each button has an action with the same keys, scoped to this widget: Delete or Ctrl+Z
    // elsewhere in the window are not the map's business.
    auto button = [this](const QString& text, const QString& tip, const QKeySequence& keys = {}) {
        auto* b = new QPushButton(text, this);
        b->setToolTip(keys.isEmpty() ? tip
                                     : tip + " (" + keys.toString(QKeySequence::NativeText) + ")");
        if (!keys.isEmpty()) {
            auto* action = new QAction(text, this);
            action->setShortcut(keys);
            action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
            addAction(action);
            connect(action, &QAction::triggered, b, &QPushButton::click);
        }
        return b;
    };
    m_add = button("Add", "Add an empty row");
    m_remove = button("Remove", "Remove the selected rows", QKeySequence::Delete);
    m_undo = button("Undo", "Undo the last change", QKeySequence::Undo);
    m_redo = button("Redo", "Redo the change undone last", QKeySequence::Redo);
    m_load = button("Load…", "Replace the map with probe_map.json or a YAML map");
    m_save = button("Save…", "Save the map as JSON or YAML");
    m_status = new QLabel(this);
    m_status->setObjectName("probeMapStatus");
    // The current row's problem in full: tooltips are found only by those who hover.
    m_problem = new QLabel(this);
    m_problem->setObjectName("probeMapProblem");
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setStyleSheet("color: #a00000;");
    m_problem->hide();

    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    for (auto* b : {m_add, m_remove, m_undo, m_redo})
        buttons->addWidget(b);
    buttons->addSpacing(12);
    buttons->addWidget(m_load);
    buttons->addWidget(m_save);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(buttons);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_problem);
    layout->addWidget(m_status);

    connect(m_add, &QPushButton::clicked, this, &ProbeMapEditor::addRow);
    connect(m_remove, &QPushButton::clicked, this, &ProbeMapEditor::removeSelectedRows);
    connect(m_undo, &QPushButton::clicked, m_undoStack, &QUndoStack::undo);
    connect(m_redo, &QPushButton::clicked, m_undoStack, &QUndoStack::redo);
    connect(m_load, &QPushButton::clicked, this, &ProbeMapEditor::loadWithDialog);
    connect(m_save, &QPushButton::clicked, this, &ProbeMapEditor::saveWithDialog);
    connect(m_undoStack, &QUndoStack::indexChanged, this, &ProbeMapEditor::updateState);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ProbeMapEditor::updateState);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ProbeMapEditor::updateState);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ProbeMapEditor::updateState);
    connect(m_model, &ProbeMapModel::probeMapChanged, this, [this] {
        updateState();
        emit probeMapChanged(m_model->probeMap());
    });
    updateState();
}

ProbeMapEditor::~ProbeMapEditor() {
    // The stack's commands point at the model; drop them while the model is alive.
    m_model->setUndoStack(nullptr);
    m_undoStack->clear();
}

void ProbeMapEditor::setTree(std::shared_ptr<const HierarchyTree> tree) {
    m_model->setTree(std::move(tree));
    updateState();
}

void ProbeMapEditor::setProbeMap(const ProbeMap& map) {
    m_undoStack->clear();
    m_model->setProbeMap(map);
    m_table->resizeColumnToContents(ProbeMapModel::VectorColumn);
}

ProbeMap ProbeMapEditor::probeMap() const {
    return m_model->probeMap();
}

bool ProbeMapEditor::load(const QString& path, QString* error) {
    auto loaded = ProbeMap::loadFile(path.toStdString());
    if (!loaded) {
        if (error)
            *error = QString::fromStdString(loaded.error());
        return false;
    }
    m_model->replaceProbeMap(loaded.value(), "Load " + QFileInfo(path).fileName());
    m_fileName = path;
    m_undoStack->setClean();
    updateState();
    return true;
}

bool ProbeMapEditor::save(const QString& path, QString* error) {
    auto saved = m_model->probeMap().saveFile(path.toStdString());
    if (!saved) {
        if (error)
            *error = QString::fromStdString(saved.error());
        return false;
    }
    m_fileName = path;
    m_undoStack->setClean();
    updateState();
    return true;
}

void ProbeMapEditor::addRow() {
    const auto current = m_table->currentIndex();
    const int row = m_model->addEntry({}, current.isValid() ? current.row() + 1 : -1);
    const auto cell = m_model->index(row, ProbeMapModel::CrefColumn);
    m_table->setCurrentIndex(cell);
    m_table->scrollTo(cell);
    if (isVisible())
        m_table->edit(cell);
}

void ProbeMapEditor::removeSelectedRows() {
    QList<int> rows;
    for (const auto& index : m_table->selectionModel()->selectedRows())
        rows << index.row();
    if (rows.isEmpty() && m_table->currentIndex().isValid())
        rows << m_table->currentIndex().row();
    m_model->removeEntries(rows);
}

void ProbeMapEditor::loadWithDialog() {
    const QString path =
        QFileDialog::getOpenFileName(this, "Load probe map", QFileInfo(m_fileName).absolutePath(),
                                     "Probe maps (*.json *.yaml *.yml);;All files (*)");
    if (path.isEmpty())
        return;
    QString error;
    if (!load(path, &error))
        QMessageBox::warning(this, "Load probe map",
                             "The probe map was not loaded; nothing changed.\n\n" + error);
}

void ProbeMapEditor::saveWithDialog() {
    QString selectedFilter;
    QString path = QFileDialog::getSaveFileName(
        this, "Save probe map",
        m_fileName.isEmpty() ? QStringLiteral("probe_map.json") : m_fileName,
        "JSON (*.json);;YAML (*.yaml *.yml)", &selectedFilter);
    if (path.isEmpty())
        return;
    // The format follows the extension, so the file gets one that says which it is.
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != "json" && suffix != "yaml" && suffix != "yml")
        path += selectedFilter.startsWith("YAML") ? ".yaml" : ".json";
    QString error;
    if (!save(path, &error))
        QMessageBox::warning(this, "Save probe map", error);
}

void ProbeMapEditor::updateState() {
    m_undo->setEnabled(m_undoStack->canUndo());
    m_redo->setEnabled(m_undoStack->canRedo());
    m_undo->setToolTip(m_undoStack->canUndo() ? "Undo: " + m_undoStack->undoText()
                                              : "Nothing to undo");
    m_redo->setToolTip(m_undoStack->canRedo() ? "Redo: " + m_undoStack->redoText()
                                              : "Nothing to redo");
    m_remove->setEnabled(m_table->selectionModel()->hasSelection() ||
                         m_table->currentIndex().isValid());
    const int rows = m_model->rowCount();
    const int problems = m_model->problemCount();
    QString text = QStringLiteral("%1 %2").arg(rows).arg(rows == 1 ? "entry" : "entries");
    if (problems > 0)
        text += QStringLiteral(", <span style='color:#a00000'>%1 %2</span>")
                    .arg(problems)
                    .arg(problems == 1 ? "problem" : "problems");
    if (!m_model->tree())
        text += QStringLiteral(" — no design to check against");
    if (!m_fileName.isEmpty())
        text += " — " + QFileInfo(m_fileName).fileName() + (m_undoStack->isClean() ? "" : " *");
    m_status->setText(text);

    const auto current = m_table->currentIndex();
    const QString problem = current.isValid() ? m_model->problem(current.row()) : QString();
    m_problem->setText(problem.isEmpty()
                           ? QString()
                           : QStringLiteral("Row %1: %2").arg(current.row() + 1).arg(problem));
    m_problem->setVisible(!problem.isEmpty());
}
