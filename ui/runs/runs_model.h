#pragma once

#include "core/store/result_store.h"

#include <QAbstractTableModel>
#include <vector>

// The runs of one store, as ResultStore lists them. Lives on the GUI thread; the listing
// itself is read on a worker (RunsBrowser) and handed in with setRuns().
//
// Runs of one job (RunSummary::job) sit together, in the order they started; the groups
// (single runs are each a group of their own) are ordered by their first run's start, so a
// store without jobs keeps the listing's order.
class RunsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Columns { Run, Job, Status, Analysis, Started, Points, Message, ColumnCount };
    enum Roles { RunIdRole = Qt::UserRole + 1 };

    using QAbstractTableModel::QAbstractTableModel;

    void setRuns(std::vector<RunSummary> runs);
    const RunSummary* runAt(int row) const;
    int rowOf(const QString& runId) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<RunSummary> m_runs;
};
