#include "ui/runs/runs_browser.h"

#include "core/store/store_recovery.h"
#include "ui/runs/runs_model.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <utility>

RunsBrowser::RunsBrowser(QWidget* parent) : QWidget(parent) {
    m_model = new RunsModel(this);
    m_view = new QTableView(this);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);

    auto* open = new QPushButton("Open", this);
    open->setToolTip("Show the selected run: its hierarchy and its data");
    auto* overlay = new QPushButton("Overlay", this);
    overlay->setToolTip("Plot the probed crefs of all selected runs on top of each other");
    auto* refreshButton = new QPushButton("Refresh", this);
    m_status = new QLabel(this);

    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        emit openRunRequested(index.data(RunsModel::RunIdRole).toString());
    });
    connect(open, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRunIds();
        if (!ids.isEmpty())
            emit openRunRequested(ids.first());
    });
    connect(overlay, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRunIds();
        if (!ids.isEmpty())
            emit overlayRequested(ids);
    });
    connect(refreshButton, &QPushButton::clicked, this, &RunsBrowser::refresh);

    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(open);
    buttons->addWidget(overlay);
    buttons->addWidget(refreshButton);
    buttons->addWidget(m_status, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
}

void RunsBrowser::setStorePath(const QString& path) {
    m_path = path;
    refresh();
}

QStringList RunsBrowser::selectedRunIds() const {
    QStringList ids;
    for (const auto& index : m_view->selectionModel()->selectedRows())
        ids << index.data(RunsModel::RunIdRole).toString();
    return ids;
}

void RunsBrowser::refresh() {
    if (m_reading) {
        // One listing at a time: a burst of refreshes (a stopped job reports each skipped
        // run) reads the store once more when the current listing ends, not once each.
        m_readAgain = true;
        return;
    }
    if (m_path.isEmpty() || !QFileInfo::exists(m_path)) {
        m_model->setRuns({});
        m_status->setText(m_path.isEmpty() ? "no store" : "no runs yet");
        emit refreshed();
        return;
    }
    m_status->setText("reading…");
    auto* watcher = new QFutureWatcher<Result<std::vector<RunSummary>>>(this);
    m_reading = true;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_reading = false;
        if (std::exchange(m_readAgain, false)) {
            refresh(); // a newer refresh or another store superseded this listing
            return;
        }
        const auto result = watcher->result();
        if (!result) {
            m_model->setRuns({});
            m_status->setText(QString::fromStdString(result.error()));
        } else {
            m_model->setRuns(result.value());
            m_status->setText(QString("%1 runs").arg(result->size()));
            m_view->resizeColumnsToContents();
        }
        emit refreshed();
    });
    const std::string path = m_path.toStdString();
    watcher->setFuture(QtConcurrent::run([path] {
        // What a killed or crashed process left beside the store is committed first, as
        // the CLI does; a store that cannot be written (a read-only share) is still listed.
        if (QFileInfo::exists(QString::fromStdString(path + ".parts")))
            StoreRecovery::recover(path);
        return ResultStore::listRuns(path);
    }));
}
