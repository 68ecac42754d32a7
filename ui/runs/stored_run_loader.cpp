#include "ui/runs/stored_run_loader.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

StoredRunLoader::StoredRunLoader(QObject* parent) : QObject(parent) {}

int StoredRunLoader::load(const QString& storePath, const QStringList& runIds) {
    const int generation = ++m_generation;
    ++m_pending;
    const std::string path = storePath.toStdString();
    std::vector<std::string> ids;
    for (const auto& id : runIds)
        ids.push_back(id.toStdString());
    // The watcher reports through posted events, even for a read that is over before it
    // watches: loaded() never comes from inside load(). As this object's child it goes
    // with it, and so does the delivery.
    using Runs = std::vector<StoredRun>;
    auto* watcher = new QFutureWatcher<Runs>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, storePath] {
        watcher->deleteLater();
        --m_pending;
        if (generation == m_generation)
            emit loaded(generation, storePath, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([path, ids] {
        Runs runs;
        for (const auto& id : ids)
            runs.push_back({QString::fromStdString(id), ResultStore::readRun(path, id)});
        return runs;
    }));
    return generation;
}
