#pragma once

#include "core/store/result_store.h"

#include <QWidget>

class QLabel;
class QTableView;
class RunsModel;

// The runs in the open store: status, analysis, date, points. Reading the store happens
// on a worker thread (the GUI thread never touches HDF5); results arrive queued and a
// stale listing (an older store, an earlier refresh) is dropped. Lives on the GUI thread.
class RunsBrowser : public QWidget {
    Q_OBJECT
public:
    explicit RunsBrowser(QWidget* parent = nullptr);

    void setStorePath(const QString& path);
    QString storePath() const { return m_path; }
    void refresh();
    RunsModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QStringList selectedRunIds() const;

signals:
    void openRunRequested(const QString& runId);
    void overlayRequested(const QStringList& runIds);
    void refreshed();

private:
    QString m_path;
    QTableView* m_view = nullptr;
    RunsModel* m_model = nullptr;
    QLabel* m_status = nullptr;
    bool m_reading = false;   // a listing is in flight
    bool m_readAgain = false; // asked for again meanwhile
};
