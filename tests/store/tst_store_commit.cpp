// Crash-proof runs without a simulator: each run streams into a part file and is committed
// into the store when it ends. Processes are killed for real (fork + SIGKILL, at chosen
// points of a commit through WAVEBENCH_FAULT_INJECTION) and file-size limits are real
// (RLIMIT_FSIZE); the store is then checked byte for byte and read back.
#include "core/crefs/probe_resolver.h"
#include "core/design/vector_units.h"
#include "core/store/h5_sink.h"
#include "core/store/result_store.h"
#include "core/store/run_metadata.h"
#include "core/store/sample_batch.h"
#include "core/store/store_paths.h"
#include "core/store/store_recovery.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <hdf5.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

constexpr int kColumns = 3; // time, out, in

std::vector<VectorInfo> tranVectors() {
    return {{"time", false, true}, {"out"}, {"in"}};
}

RunMetadata metadata(const std::string& runId) {
    RunMetadata m;
    m.runId = runId;
    m.netlist = "* " + runId + "\nv1 in 0 1\nr1 in out 1k\nc1 out 0 1n\n.tran 1n 1u\n.end\n";
    return m;
}

// Rows i of a transient: time i ns, out = i/2, in = -i.
void append(H5Sink& sink, long long first, long long rows) {
    SampleBatch batch;
    batch.columns = kColumns;
    batch.capacity = 500;
    batch.values.assign(static_cast<size_t>(batch.capacity * kColumns), 0.0);
    for (long long start = first; start < first + rows; start += batch.capacity) {
        batch.rows = static_cast<int>(std::min<long long>(batch.capacity, first + rows - start));
        for (int r = 0; r < batch.rows; ++r) {
            const double i = static_cast<double>(start + r);
            batch.values[static_cast<size_t>(r * kColumns)] = i * 1e-9;
            batch.values[static_cast<size_t>(r * kColumns + 1)] = i * 0.5;
            batch.values[static_cast<size_t>(r * kColumns + 2)] = -i;
        }
        sink.append(batch);
    }
}

bool begin(H5Sink& sink) {
    auto resolution = ProbeResolver().resolve(tranVectors());
    if (!resolution)
        return false;
    VectorUnits().fill(resolution.value());
    return sink.beginPlot("tran1", tranVectors(), resolution.value()).ok();
}

// A whole run of `rows` rows, committed. "" or the first error.
std::string writeRun(const std::string& store, const std::string& runId, long long rows,
                     RunStatus status = RunStatus::Ok) {
    auto sink = H5Sink::open(store);
    if (!sink)
        return sink.error();
    if (auto created = sink.value()->createRun(metadata(runId)); !created)
        return created.error();
    if (!begin(*sink.value()))
        return "beginPlot failed";
    append(*sink.value(), 0, rows);
    auto finished = sink.value()->finishRun(status, status == RunStatus::Ok ? "" : "it failed");
    return finished ? std::string() : finished.error();
}

QByteArray sha256(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
}

QStringList partFiles(const std::string& store) {
    return QDir(QString::fromStdString(store_paths::partsDir(store)))
        .entryList({"*.h5"}, QDir::Files, QDir::Name);
}

// Runs `child` in a forked process; returns its wait status.
template <typename Child> int inChild(const Child& child) {
    const pid_t pid = fork();
    if (pid == 0) {
        child();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

// The run's data as read back: every vector as long as the coordinate, values as written.
void verifyRows(const RunData& run, long long atLeast) {
    QVERIFY2(static_cast<long long>(run.coordinate.size()) >= atLeast,
             qPrintable(QString("%1 points").arg(run.coordinate.size())));
    for (const auto& vector : run.vectors)
        QCOMPARE(vector.values.size(), run.coordinate.size());
    const auto out = std::find_if(run.vectors.begin(), run.vectors.end(),
                                  [](const StoredVector& v) { return v.sourceVector == "out"; });
    QVERIFY(out != run.vectors.end());
    for (size_t i = 0; i < run.coordinate.size(); ++i) {
        QCOMPARE(run.coordinate[i], static_cast<double>(i) * 1e-9);
        QCOMPARE(out->values[i], static_cast<double>(i) * 0.5);
    }
}

} // namespace

class TestStoreCommit : public QObject {
    Q_OBJECT

private slots:
    void init() {
        QVERIFY(m_dir.isValid());
        m_store = (m_dir.path() + "/store.h5").toStdString();
        QFile::remove(QString::fromStdString(m_store));
        QDir(QString::fromStdString(store_paths::partsDir(m_store))).removeRecursively();
    }

    void aCommittedRunLeavesNoPartBehind() {
        QCOMPARE(QString::fromStdString(writeRun(m_store, "r1", 3000)), QString());
        QCOMPARE(QString::fromStdString(writeRun(m_store, "r2", 10)), QString());
        QVERIFY(partFiles(m_store).isEmpty());
        auto runs = ResultStore::listRuns(m_store);
        QVERIFY(runs);
        QCOMPARE(runs->size(), size_t(2));
        auto r1 = ResultStore::readRun(m_store, "r1");
        QVERIFY2(r1, r1 ? "" : r1.error().c_str());
        QCOMPARE(QString::fromStdString(r1->summary.status), QString("ok"));
        verifyRows(r1.value(), 3000);
    }

    void aRunIdIsNeverTakenTwice() {
        QCOMPARE(QString::fromStdString(writeRun(m_store, "r1", 10)), QString());
        const QString again = QString::fromStdString(writeRun(m_store, "r1", 10));
        QVERIFY2(again.contains("already exists"), qPrintable(again));
    }

    void aFailedRunIsSupersededNeverOverwritten() {
        QCOMPARE(QString::fromStdString(writeRun(m_store, "r1", 10, RunStatus::Failed)), QString());
        QCOMPARE(QString::fromStdString(writeRun(m_store, "r2", 10)), QString());
        const QByteArray before = sha256(m_store);
        // The failed run's point runs again (--resume): the new run is /runs/r1, the old one
        // moved to /superseded/r1/1 in the same commit.
        QCOMPARE(QString::fromStdString(writeRun(m_store, "r1", 25)), QString());
        QVERIFY(sha256(m_store) != before);
        auto r1 = ResultStore::readRun(m_store, "r1");
        QVERIFY2(r1, r1 ? "" : r1.error().c_str());
        QCOMPARE(QString::fromStdString(r1->summary.status), QString("ok"));
        verifyRows(r1.value(), 25);
        QCOMPARE(ResultStore::listRuns(m_store)->size(), size_t(2));
        QProcess h5ls;
        h5ls.start("h5ls", {QString::fromStdString(m_store) + "/superseded/r1/1"});
        QVERIFY(h5ls.waitForFinished(30000));
        const QString listed = h5ls.readAllStandardOutput();
        QVERIFY2(listed.contains("time") && listed.contains("vectors"), qPrintable(listed));
        // An ok run is never replaced.
        const QString again = QString::fromStdString(writeRun(m_store, "r1", 10));
        QVERIFY2(again.contains("already exists"), qPrintable(again));
    }

    void aRunInProgressIsReadableAndListed() {
        auto sink = H5Sink::open(m_store);
        QVERIFY(sink);
        QVERIFY(sink.value()->createRun(metadata("live")).ok());
        QVERIFY(begin(*sink.value()));
        append(*sink.value(), 0, 40000); // several whole chunks are in the part
        auto runs = ResultStore::listRuns(m_store);
        QVERIFY2(runs, runs ? "" : runs.error().c_str());
        QCOMPARE(runs->size(), size_t(1));
        QCOMPARE(QString::fromStdString(runs->front().status), QString("running"));
        auto live = ResultStore::readRun(m_store, "live");
        QVERIFY2(live, live ? "" : live.error().c_str());
        verifyRows(live.value(), 16384);
        QVERIFY(sink.value()->finishRun(RunStatus::Ok, "").ok());
        auto done = ResultStore::readRun(m_store, "live");
        QVERIFY(done);
        QCOMPARE(QString::fromStdString(done->summary.status), QString("ok"));
        verifyRows(done.value(), 40000);
    }

    // kill -9 of the writing process mid-run: the store is untouched, and the next open
    // commits the run as interrupted with what its last flush held.
    void aKilledRunIsRecoveredOnTheNextOpen() {
        QCOMPARE(QString::fromStdString(writeRun(m_store, "before", 100)), QString());
        const QByteArray before = sha256(m_store);
        const int status = inChild([&] {
            auto sink = H5Sink::open(m_store);
            if (!sink || !sink.value()->createRun(metadata("killed")) || !begin(*sink.value()))
                _exit(3);
            append(*sink.value(), 0, 20000);
            std::this_thread::sleep_for(std::chrono::milliseconds(1100));
            append(*sink.value(), 20000, 10); // past the flush interval: flushed
            raise(SIGKILL);
        });
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        QCOMPARE(sha256(m_store), before);
        QCOMPARE(partFiles(m_store), QStringList{"killed.h5"});

        auto sink = H5Sink::open(m_store);
        QVERIFY2(sink, sink ? "" : sink.error().c_str());
        QCOMPARE(sink.value()->recovered().size(), size_t(1));
        QVERIFY(QString::fromStdString(sink.value()->recovered().front()).contains("interrupted"));
        QVERIFY(partFiles(m_store).isEmpty());
        auto killed = ResultStore::readRun(m_store, "killed");
        QVERIFY2(killed, killed ? "" : killed.error().c_str());
        QCOMPARE(QString::fromStdString(killed->summary.status), QString("interrupted"));
        QVERIFY(QString::fromStdString(killed->summary.message).contains("killed"));
        verifyRows(killed.value(), 20000);
        auto earlier = ResultStore::readRun(m_store, "before");
        QVERIFY(earlier);
        verifyRows(earlier.value(), 100);
    }

    // A part holds a plot as sample rows and a row per step, not the store's datasets; a
    // stepped run killed in its third step is built from them into the store's layout:
    // 2-D (step, point) with NaN past a short step, every dataset contiguous at its size.
    void aKilledSteppedRunIsBuiltFromItsSampleRows() {
        const std::vector<long long> stepRows = {5, 7, 3};
        const int status = inChild([&] {
            auto sink = H5Sink::open(m_store);
            RunMetadata m = metadata("looped");
            m.stepping.kind = RunStepping::Kind::Plots;
            if (!sink || !sink.value()->createRun(m) || !begin(*sink.value()))
                _exit(3);
            long long row = 0;
            for (size_t k = 0; k < stepRows.size(); ++k) {
                if (k > 0)
                    sink.value()->nextStep();
                if (k + 1 == stepRows.size()) // past the flush interval: all flushed
                    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
                append(*sink.value(), row, stepRows[k]);
                row += stepRows[k];
            }
            raise(SIGKILL);
        });
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        QCOMPARE(partFiles(m_store), QStringList{"looped.h5"});
        {
            const std::string part = store_paths::partPath(m_store, "looped");
            hid_t access = H5Pcreate(H5P_FILE_ACCESS);
            hbool_t clear = true; // as h5clear: its writer died with the file open
            H5Pset(access, "clear_status_flags", &clear);
            hid_t file = H5Fopen(part.c_str(), H5F_ACC_RDONLY, access);
            H5Pclose(access);
            QVERIFY(file >= 0);
            QVERIFY(H5Lexists(file, "runs/looped/_plot", H5P_DEFAULT) > 0);
            QVERIFY(H5Lexists(file, "runs/looped/vectors", H5P_DEFAULT) <= 0);
            hid_t samples = H5Dopen2(file, "runs/looped/_samples", H5P_DEFAULT);
            hid_t steps = H5Dopen2(file, "runs/looped/_steps", H5P_DEFAULT);
            hsize_t dims[2] = {0, 0}, stepDims[2] = {0, 0};
            hid_t space = H5Dget_space(samples);
            H5Sget_simple_extent_dims(space, dims, nullptr);
            H5Sclose(space);
            space = H5Dget_space(steps);
            H5Sget_simple_extent_dims(space, stepDims, nullptr);
            H5Sclose(space);
            H5Dclose(samples);
            H5Dclose(steps);
            H5Fclose(file);
            QCOMPARE(dims[0], hsize_t(15)); // every row, over the steps
            QCOMPARE(dims[1], hsize_t(kColumns));
            QCOMPARE(stepDims[0], hsize_t(3));
        }

        auto recovered = StoreRecovery::recover(m_store);
        QVERIFY2(recovered, recovered ? "" : recovered.error().c_str());
        auto run = ResultStore::readRun(m_store, "looped");
        QVERIFY2(run, run ? "" : run.error().c_str());
        QCOMPARE(QString::fromStdString(run->summary.status), QString("interrupted"));
        QCOMPARE(run->stepStarts, (std::vector<size_t>{0, 5, 12}));
        const auto out =
            std::find_if(run->vectors.begin(), run->vectors.end(),
                         [](const StoredVector& v) { return v.sourceVector == "out"; });
        QVERIFY(out != run->vectors.end());
        QCOMPARE(out->values.size(), size_t(15));
        for (size_t i = 0; i < 15; ++i) {
            QCOMPARE(run->coordinate[i], static_cast<double>(i) * 1e-9);
            QCOMPARE(out->values[i], static_cast<double>(i) * 0.5);
        }

        hid_t file = H5Fopen(m_store.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
        QVERIFY(file >= 0);
        QVERIFY(H5Lexists(file, "runs/looped/_samples", H5P_DEFAULT) <= 0);
        hid_t time = H5Dopen2(file, "runs/looped/time", H5P_DEFAULT);
        hid_t data = H5Dopen2(file, "runs/looped/vectors/top.nodes.out.v/data", H5P_DEFAULT);
        QVERIFY(time >= 0 && data >= 0);
        for (hid_t set : {time, data}) {
            hid_t createList = H5Dget_create_plist(set);
            QCOMPARE(H5Pget_layout(createList), H5D_CONTIGUOUS);
            H5Pclose(createList);
            hid_t space = H5Dget_space(set);
            hsize_t dims[2] = {0, 0};
            QCOMPARE(H5Sget_simple_extent_ndims(space), 2);
            H5Sget_simple_extent_dims(space, dims, nullptr);
            H5Sclose(space);
            QCOMPARE(dims[0], hsize_t(3));
            QCOMPARE(dims[1], hsize_t(7)); // the longest step
        }
        std::vector<double> values(21, 0.0);
        QVERIFY(H5Dread(data, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >=
                0);
        QCOMPARE(values[7 + 6], 11 * 0.5);                               // step 1, point 6: row 11
        QVERIFY(std::isnan(values[5]) && std::isnan(values[2 * 7 + 3])); // past a short step
        QCOMPARE(values[2 * 7 + 2], 14 * 0.5);
        H5Dclose(time);
        H5Dclose(data);
        H5Fclose(file);
    }

    // A commit killed after its journal is written and before (or while) the old bytes
    // are overwritten: rolled back byte for byte, and the run committed again from its part.
    void aKilledCommitIsRolledBack_data() {
        QTest::addColumn<QByteArray>("point");
        QTest::newRow("before apply") << QByteArray("commit-before-apply");
        QTest::newRow("mid apply") << QByteArray("commit-mid-apply");
    }
    void aKilledCommitIsRolledBack() {
        QFETCH(QByteArray, point);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(QString::fromStdString(writeRun(m_store, "r" + std::to_string(i), 500)),
                     QString());
        const QByteArray before = sha256(m_store);
        const int status = inChild([&] {
            setenv("WAVEBENCH_FAULT_INJECTION", point.constData(), 1);
            writeRun(m_store, "dying", 2000);
        });
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        QVERIFY(QFile::exists(QString::fromStdString(store_paths::journalPath(m_store))));
        QCOMPARE(partFiles(m_store), QStringList{"dying.h5"});

        // Without its part, recovery only undoes the commit: the store is as it was.
        const std::string kept = m_dir.path().toStdString() + "/dying.h5";
        QVERIFY(QFile::rename(QString::fromStdString(store_paths::partPath(m_store, "dying")),
                              QString::fromStdString(kept)));
        auto undone = StoreRecovery::recover(m_store);
        QVERIFY2(undone, undone ? "" : undone.error().c_str());
        QCOMPARE(sha256(m_store), before);
        QVERIFY(!QFile::exists(QString::fromStdString(store_paths::journalPath(m_store))));

        // With it back, the run lands.
        QVERIFY(QFile::rename(QString::fromStdString(kept),
                              QString::fromStdString(store_paths::partPath(m_store, "dying"))));
        auto recovered = StoreRecovery::recover(m_store);
        QVERIFY2(recovered, recovered ? "" : recovered.error().c_str());
        QCOMPARE(recovered->size(), size_t(1));
        QCOMPARE(QString::fromStdString(recovered->front().status), QString("ok"));
        auto dying = ResultStore::readRun(m_store, "dying");
        QVERIFY(dying);
        verifyRows(dying.value(), 2000);
        for (int i = 0; i < 3; ++i) {
            auto earlier = ResultStore::readRun(m_store, "r" + std::to_string(i));
            QVERIFY(earlier);
            verifyRows(earlier.value(), 500);
        }
    }

    // A process that died after its commit had landed but before it removed the part: the
    // store holds that very run, so the next recovery only removes the part (RunCopy's
    // AlreadyThere), and the store stays byte for byte as it was.
    void aPartCommittedAlreadyIsOnlyRemoved() {
        QCOMPARE(QString::fromStdString(writeRun(m_store, "r0", 500)), QString());
        const int status = inChild([&] {
            setenv("WAVEBENCH_FAULT_INJECTION", "commit-before-apply", 1);
            writeRun(m_store, "twice", 800);
        });
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        const QString part = QString::fromStdString(store_paths::partPath(m_store, "twice"));
        const QString kept = m_dir.path() + "/twice.h5";
        QFile::remove(kept);
        QVERIFY(QFile::copy(part, kept));
        auto landed = StoreRecovery::recover(m_store);
        QVERIFY2(landed, landed ? "" : landed.error().c_str());
        QVERIFY(partFiles(m_store).isEmpty());
        const QByteArray after = sha256(m_store);

        QVERIFY(QFile::copy(kept, part)); // as if its removal had never happened
        auto again = StoreRecovery::recover(m_store);
        QVERIFY2(again, again ? "" : again.error().c_str());
        QVERIFY2(partFiles(m_store).isEmpty(), qPrintable(partFiles(m_store).join(", ")));
        QCOMPARE(sha256(m_store), after);
        auto twice = ResultStore::readRun(m_store, "twice");
        QVERIFY(twice);
        verifyRows(twice.value(), 800);
    }

    // A file-size limit (as a quota or a full disk would) hit while the part streams: the
    // run fails naming the file, the part goes, the store is byte-identical.
    void aFullDiskDuringTheRunLeavesTheStoreAsItWas() {
        QCOMPARE(QString::fromStdString(writeRun(m_store, "r1", 100)), QString());
        const QByteArray before = sha256(m_store);
        const auto [status, message] = writeRunUnderFileSizeLimit("big", 400000, 256 << 10);
        QVERIFY(WIFEXITED(status));
        QVERIFY2(message.contains("big.h5") && message.contains("File too large") &&
                     message.contains("unchanged"),
                 qPrintable(message));
        QCOMPARE(sha256(m_store), before);
        QVERIFY(partFiles(m_store).isEmpty());
    }

    // The limit hit by the commit itself: the store is truncated back, the run stays in its
    // part, and recovery commits it once there is room.
    void aFullDiskDuringTheCommitLeavesTheStoreAsItWas() {
        QCOMPARE(QString::fromStdString(writeRun(m_store, "r1", 60000)), QString());
        const QByteArray before = sha256(m_store);
        const qint64 size = QFileInfo(QString::fromStdString(m_store)).size();
        const auto [status, message] =
            writeRunUnderFileSizeLimit("small", 2000, static_cast<rlim_t>(size + 1024));
        QVERIFY(WIFEXITED(status));
        QVERIFY2(message.contains("store.h5") && message.contains("as it was") &&
                     message.contains("small.h5"),
                 qPrintable(message));
        QCOMPARE(sha256(m_store), before);
        QCOMPARE(partFiles(m_store), QStringList{"small.h5"});
        auto recovered = StoreRecovery::recover(m_store);
        QVERIFY2(recovered, recovered ? "" : recovered.error().c_str());
        auto small = ResultStore::readRun(m_store, "small");
        QVERIFY(small);
        QCOMPARE(QString::fromStdString(small->summary.status), QString("ok"));
        verifyRows(small.value(), 2000);
    }

    void aStoreThatIsNotHdf5IsRefusedUntouched() {
        QFile junk(QString::fromStdString(m_store));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not hdf5 at all\n");
        junk.close();
        const QByteArray before = sha256(m_store);
        const QString error = QString::fromStdString(writeRun(m_store, "r1", 10));
        QVERIFY2(error.contains("store.h5") && error.contains("not a readable HDF5"),
                 qPrintable(error));
        QCOMPARE(sha256(m_store), before);
    }

private:
    // Writes a run in a child process whose files may not grow past `limit` bytes, as a
    // full disk or a quota would stop them: its wait status and the error it got.
    std::pair<int, QString> writeRunUnderFileSizeLimit(const std::string& runId, long long rows,
                                                       rlim_t limit) {
        const QString messageFile = m_dir.filePath("message.txt");
        QFile::remove(messageFile);
        const int status = inChild([&] {
            signal(SIGXFSZ, SIG_IGN);
            const rlimit bound{limit, limit};
            setrlimit(RLIMIT_FSIZE, &bound);
            const std::string error = writeRun(m_store, runId, rows);
            QFile out(messageFile);
            if (out.open(QIODevice::WriteOnly))
                out.write(error.c_str());
        });
        QFile in(messageFile);
        return {status, in.open(QIODevice::ReadOnly) ? QString::fromUtf8(in.readAll()) : QString()};
    }

    QTemporaryDir m_dir;
    std::string m_store;
};

QTEST_GUILESS_MAIN(TestStoreCommit)
#include "tst_store_commit.moc"
