#include "ui/runs/runs_model.h"

#include "ui/runs/status_colors.h"

#include <QBrush>
#include <QDateTime>
#include <algorithm>
#include <map>

void RunsModel::setRuns(std::vector<RunSummary> runs) {
    // The listing comes sorted by start; a stable sort by each job's first start groups
    // the job's runs without reordering anything else.
    std::map<std::string, std::string> firstStart;
    for (const auto& run : runs)
        if (!run.job.empty() && !firstStart.count(run.job))
            firstStart[run.job] = run.started;
    auto groupKey = [&firstStart](const RunSummary& run) {
        return run.job.empty() ? run.started : firstStart[run.job];
    };
    std::stable_sort(runs.begin(), runs.end(), [&](const RunSummary& a, const RunSummary& b) {
        return std::make_pair(groupKey(a), a.job) < std::make_pair(groupKey(b), b.job);
    });
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

const RunSummary* RunsModel::runAt(int row) const {
    return row >= 0 && row < static_cast<int>(m_runs.size()) ? &m_runs[static_cast<size_t>(row)]
                                                             : nullptr;
}

int RunsModel::rowOf(const QString& runId) const {
    for (size_t i = 0; i < m_runs.size(); ++i)
        if (QString::fromStdString(m_runs[i].runId) == runId)
            return static_cast<int>(i);
    return -1;
}

int RunsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int RunsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsModel::data(const QModelIndex& index, int role) const {
    const auto* run = index.isValid() ? runAt(index.row()) : nullptr;
    if (!run)
        return {};
    if (role == RunIdRole)
        return QString::fromStdString(run->runId);
    if (role == Qt::ForegroundRole && index.column() == Status) {
        const auto status = runStatusFromString(run->status);
        if (!status || *status == RunStatus::Running)
            return {};
        return QBrush(status_colors::of(*status));
    }
    if (role == Qt::ToolTipRole)
        return QString::fromStdString(run->message.empty() ? run->status : run->message);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Run:
        return QString::fromStdString(run->runId);
    case Job:
        return QString::fromStdString(run->job);
    case Status:
        return QString::fromStdString(run->status);
    case Analysis:
        return QString::fromStdString(run->analysis);
    case Started: {
        const auto when =
            QDateTime::fromString(QString::fromStdString(run->started), Qt::ISODateWithMs);
        return when.isValid() ? when.toLocalTime().toString("yyyy-MM-dd hh:mm:ss")
                              : QString::fromStdString(run->started);
    }
    case Points:
        return QVariant::fromValue(run->points);
    case Message:
        return QString::fromStdString(run->message).section('\n', 0, 0);
    default:
        return {};
    }
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {"Run",     "Job",    "Status", "Analysis",
                                  "Started", "Points", "Message"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}
