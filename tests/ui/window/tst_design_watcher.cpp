// DesignWatcher and ReloadBar with real files and real widgets: one report per burst of
// saves, a file an editor replaces by rename still watched, a removed-and-restored file too,
// files of an earlier design not reported; the bar names the files and says what it offers.
#include "ui/window/design_watcher.h"
#include "ui/window/reload_bar.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {
void write(const QString& path, const QByteArray& text) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
}
} // namespace

class TestDesignWatcher : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void init() {
        QVERIFY(m_dir.isValid());
        write(path("top.asdl"), "top: tb\n");
        write(path("lib.asdl"), "modules: {}\n");
        write(path("other.cir"), "other\n.end\n");
    }

    void aBurstOfSavesIsOneReport() {
        DesignWatcher watcher;
        watcher.watch({path("top.asdl"), path("lib.asdl")});
        QSignalSpy changed(&watcher, &DesignWatcher::changed);
        write(path("lib.asdl"), "modules: {a: {}}\n");
        write(path("lib.asdl"), "modules: {a: {}, b: {}}\n");
        QVERIFY(changed.wait(5000));
        QTest::qWait(DesignWatcher::kSettleMs * 2);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).toStringList(), QStringList{path("lib.asdl")});
    }

    void aFileReplacedByRenameIsStillWatched() {
        DesignWatcher watcher;
        watcher.watch({path("top.asdl")});
        QSignalSpy changed(&watcher, &DesignWatcher::changed);
        // As vim and most IDEs save: a new file renamed over the old one.
        write(path("top.asdl.swp"), "top: tb2\n");
        QVERIFY(QFile::remove(path("top.asdl")));
        QVERIFY(QFile::rename(path("top.asdl.swp"), path("top.asdl")));
        QVERIFY(changed.wait(5000));
        QCOMPARE(changed.at(0).at(0).toStringList(), QStringList{path("top.asdl")});
        QTRY_VERIFY(watcher.files().contains(path("top.asdl")));
        write(path("top.asdl"), "top: tb3\n"); // the next save is seen too
        QVERIFY(changed.wait(5000));
        QCOMPARE(changed.size(), 2);
    }

    void filesOfAnEarlierDesignAreNotReported() {
        DesignWatcher watcher;
        watcher.watch({path("other.cir")});
        watcher.watch({path("top.asdl")});
        QSignalSpy changed(&watcher, &DesignWatcher::changed);
        write(path("other.cir"), "changed\n.end\n");
        QVERIFY(!changed.wait(DesignWatcher::kSettleMs * 3));
        watcher.watch({});
        write(path("top.asdl"), "top: x\n");
        QVERIFY(!changed.wait(DesignWatcher::kSettleMs * 3));
    }

    void theBarNamesTheFilesAndOffersToRerun() {
        ReloadBar bar;
        bar.resize(600, 40);
        QVERIFY(!bar.isVisible());
        bar.showChanged({path("lib.asdl"), path("sub/a.asdl"), path("b.asdl"), path("c.asdl")},
                        m_dir.path());
        QVERIFY(bar.isVisible());
        QCOMPARE(bar.message(), QString("lib.asdl, sub/a.asdl, b.asdl and 1 more changed on disk. "
                                        "The tree and plots show the design as it was read."));
        bar.showChanged({path("d.asdl")}, m_dir.path()); // a later save adds to the list
        QVERIFY(bar.message().startsWith("lib.asdl, sub/a.asdl, b.asdl and 2 more changed"));
        QSignalSpy rerun(&bar, &ReloadBar::rerunRequested);
        QSignalSpy reload(&bar, &ReloadBar::reloadRequested);
        QTest::mouseClick(bar.rerunButton(), Qt::LeftButton);
        QCOMPARE(rerun.size(), 1);
        QCOMPARE(reload.size(), 0);
        QVERIFY(!bar.isVisible());
        bar.showChanged({path("top.asdl")}, m_dir.path());
        QVERIFY(bar.message().startsWith("top.asdl changed on disk")); // hidden: a new list
        QTest::mouseClick(bar.reloadButton(), Qt::LeftButton);
        QCOMPARE(reload.size(), 1);
        QVERIFY(!bar.isVisible());
    }
};

QTEST_MAIN(TestDesignWatcher)
#include "tst_design_watcher.moc"
