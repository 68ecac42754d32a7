#pragma once

#include <QObject>
#include <QStringList>

class QFileSystemWatcher;
class QTimer;

// Watches the files a design was read from (an ASDL design's every imported .asdl and its
// .asdlrc, a netlist and its includes) and says, once per burst of saves, which changed.
// Editors that save by writing a new file and renaming it over the old one (vim, most IDEs)
// end QFileSystemWatcher's watch on that path: it is watched again as soon as it is back.
// Thread: GUI (a QObject of the window's thread; the watcher's events arrive there).
class DesignWatcher : public QObject {
    Q_OBJECT
public:
    explicit DesignWatcher(QObject* parent = nullptr);
    // Replaces what is watched; an empty list stops watching.
    void watch(const QStringList& files);
    QStringList files() const { return m_files; }
    // How long a burst of writes may last before it is reported (a compiler writing, an
    // editor saving twice).
    static constexpr int kSettleMs = 300;

signals:
    // The files that changed, were replaced or removed since the last report.
    void changed(const QStringList& files);

private:
    void onFileChanged(const QString& file);
    void report();

    QFileSystemWatcher* m_watcher = nullptr;
    QTimer* m_settle = nullptr;
    QStringList m_files;
    QStringList m_pending;
};
