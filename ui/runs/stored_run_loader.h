#pragma once

#include "core/base/result.h"
#include "core/store/result_store.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <vector>

// Reads stored runs on a worker (QtConcurrent: the GUI thread never touches HDF5) and hands
// them back on the GUI thread as values. A newer request supersedes an older one: each
// load() starts a new generation, and what an older generation reads is dropped when it
// arrives, so a slow read never replaces what the user asked for since. Lives on the GUI
// thread; destroying it drops whatever is in flight.
class StoredRunLoader : public QObject {
    Q_OBJECT
public:
    struct StoredRun {
        QString runId;
        Result<RunData> data; // the run, or why it could not be read
    };

    explicit StoredRunLoader(QObject* parent = nullptr);

    // Reads runIds from the store at storePath, one after another on one worker; loaded()
    // follows unless load() or cancel() is called again first. Returns the generation.
    int load(const QString& storePath, const QStringList& runIds);
    // Drops what is in flight.
    void cancel() { ++m_generation; }
    int generation() const { return m_generation; }
    // Requests still being read, superseded ones included.
    int pending() const { return m_pending; }

signals:
    // The runs of the latest request, in the order asked for.
    void loaded(int generation, const QString& storePath,
                const std::vector<StoredRunLoader::StoredRun>& runs);

private:
    int m_generation = 0;
    int m_pending = 0;
};
