// The stored-run loader reads a real store (written by ngspice through SimSession) on a
// worker, hands the runs back on the GUI thread and drops what a newer request superseded.
#include "core/engine/sim_session.h"
#include "ui/runs/stored_run_loader.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QThreadPool>
#include <memory>

namespace {

using StoredRuns = std::vector<StoredRunLoader::StoredRun>;

// What loaded() delivered, as the GUI thread saw it.
struct Delivery {
    int generation;
    QString storePath;
    StoredRuns runs;
    bool onGuiThread;
};

} // namespace

class TestStoredRunLoader : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_store = m_dir.filePath("runs.h5");
        auto session = SimSession::create();
        QVERIFY2(session.ok(), session.error().c_str());
        for (const char* id : {"first", "second"}) {
            RunRequest request;
            request.netlistPath =
                (QStringLiteral(WAVEBENCH_TEST_DATA) + "/rc_step.cir").toStdString();
            request.storePath = m_store.toStdString();
            request.runId = id;
            QVERIFY(session.value()->submit(request)->waitForFinished(30000));
        }
    }

    void readsRunsInTheOrderAskedFor() {
        StoredRunLoader loader;
        std::vector<Delivery> deliveries;
        connect(&loader, &StoredRunLoader::loaded, this,
                [&](int generation, const QString& path, const StoredRuns& runs) {
                    deliveries.push_back(
                        {generation, path, runs, QThread::currentThread() == thread()});
                });
        const int generation = loader.load(m_store, {"second", "first", "no_such_run"});
        QCOMPARE(loader.pending(), 1);
        QTRY_COMPARE(deliveries.size(), size_t(1));
        QCOMPARE(loader.pending(), 0);
        const Delivery& d = deliveries.front();
        QCOMPARE(d.generation, generation);
        QCOMPARE(d.storePath, m_store);
        QVERIFY(d.onGuiThread);
        QCOMPARE(d.runs.size(), size_t(3));
        QCOMPARE(d.runs[0].runId, QString("second"));
        QCOMPARE(d.runs[1].runId, QString("first"));
        QCOMPARE(d.runs[2].runId, QString("no_such_run"));
        for (int i = 0; i < 2; ++i) {
            QVERIFY2(d.runs[i].data.ok(), d.runs[i].data.error().c_str());
            QCOMPARE(d.runs[i].data->summary.runId, d.runs[i].runId.toStdString());
            QCOMPARE(d.runs[i].data->summary.status, std::string("ok"));
        }
        QVERIFY(d.runs[1].data->coordinate.size() > 100);
        QVERIFY(!d.runs[1].data->vectors.empty());
        // A run the store does not hold is an error value naming it, not a crash.
        QVERIFY(!d.runs[2].data.ok());
        QVERIFY2(d.runs[2].data.error().find("no_such_run") != std::string::npos,
                 d.runs[2].data.error().c_str());
    }

    void aMissingStoreIsAnErrorValue() {
        StoredRunLoader loader;
        QSignalSpy loaded(&loader, &StoredRunLoader::loaded);
        std::vector<StoredRunLoader::StoredRun> runs;
        connect(&loader, &StoredRunLoader::loaded, this,
                [&](int, const QString&, const StoredRuns& delivered) { runs = delivered; });
        loader.load(m_dir.filePath("nowhere.h5"), {"first"});
        QVERIFY(loaded.wait(10000));
        QCOMPARE(runs.size(), size_t(1));
        QVERIFY(!runs[0].data.ok());
        QVERIFY2(runs[0].data.error().find("nowhere.h5") != std::string::npos,
                 runs[0].data.error().c_str());
    }

    void aNewerRequestSupersedesAnOlderOne() {
        StoredRunLoader loader;
        std::vector<Delivery> deliveries;
        connect(&loader, &StoredRunLoader::loaded, this,
                [&](int generation, const QString& path, const StoredRuns& runs) {
                    deliveries.push_back({generation, path, runs, true});
                });
        // Both requests are in flight before the event loop can deliver either.
        const int older = loader.load(m_store, {"first"});
        const int newer = loader.load(m_store, {"second"});
        QVERIFY(newer > older);
        QCOMPARE(loader.generation(), newer);
        QCOMPARE(loader.pending(), 2);
        // Wait until both reads are back, the stale one included.
        QTRY_COMPARE(loader.pending(), 0);
        QCOMPARE(deliveries.size(), size_t(1));
        QCOMPARE(deliveries.front().generation, newer);
        QCOMPARE(deliveries.front().runs.size(), size_t(1));
        QCOMPARE(deliveries.front().runs[0].runId, QString("second"));
        QVERIFY(deliveries.front().runs[0].data.ok());
    }

    void cancelDropsWhatIsInFlight() {
        StoredRunLoader loader;
        QSignalSpy loaded(&loader, &StoredRunLoader::loaded);
        loader.load(m_store, {"first"});
        loader.cancel();
        QTRY_COMPARE(loader.pending(), 0);
        QCOMPARE(loaded.count(), 0);
        // And the loader still serves the next request.
        loader.load(m_store, {"first"});
        QVERIFY(loaded.wait(10000));
        QCOMPARE(loaded.count(), 1);
    }

    // Destroying a loader mid-read must be safe: the pool finishes the read and the result
    // goes nowhere. Qt disconnects the destroyed loader's signal, so the count alone cannot
    // fail; what this test catches is a use-after-free of the loader (under the asan preset).
    void aDestroyedLoaderDeliversNothing() {
        int delivered = 0;
        {
            auto loader = std::make_unique<StoredRunLoader>();
            connect(loader.get(), &StoredRunLoader::loaded, this, [&] { ++delivered; });
            loader->load(m_store, {"first", "second"});
        }
        // The read still finishes on the pool; its result has nowhere to go.
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
        QCOMPARE(delivered, 0);
    }

private:
    QTemporaryDir m_dir;
    QString m_store;
};

QTEST_MAIN(TestStoredRunLoader)
#include "tst_stored_run_loader.moc"
