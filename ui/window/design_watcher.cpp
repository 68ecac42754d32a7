#include "ui/window/design_watcher.h"

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

DesignWatcher::DesignWatcher(QObject* parent)
    : QObject(parent), m_watcher(new QFileSystemWatcher(this)), m_settle(new QTimer(this)) {
    m_settle->setSingleShot(true);
    m_settle->setInterval(kSettleMs);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &DesignWatcher::onFileChanged);
    connect(m_settle, &QTimer::timeout, this, &DesignWatcher::report);
}

void DesignWatcher::watch(const QStringList& files) {
    if (!m_watcher->files().isEmpty())
        m_watcher->removePaths(m_watcher->files());
    m_pending.clear();
    m_settle->stop();
    m_files.clear();
    for (const auto& file : files) {
        const QString path = QFileInfo(file).absoluteFilePath();
        if (!m_files.contains(path))
            m_files << path;
    }
    QStringList existing;
    for (const auto& path : m_files)
        if (QFileInfo::exists(path))
            existing << path;
    if (!existing.isEmpty())
        m_watcher->addPaths(existing);
}

void DesignWatcher::onFileChanged(const QString& file) {
    if (!m_files.contains(file))
        return; // a report of a list watched before
    if (!m_pending.contains(file))
        m_pending << file;
    m_settle->start(); // restarts: one report per burst
}

void DesignWatcher::report() {
    // A file replaced by rename (or removed and written again) is no longer watched.
    for (const auto& path : m_files)
        if (!m_watcher->files().contains(path) && QFileInfo::exists(path))
            m_watcher->addPath(path);
    if (m_pending.isEmpty())
        return;
    const QStringList files = std::exchange(m_pending, {});
    emit changed(files);
}
