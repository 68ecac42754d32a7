// ngspice in a wavebench-engine process (EngineClient): runs stream back as in-process, and a
// crash, a kill -9 or a frozen engine costs one run, never the front end; the next run works.
// Real processes throughout: the engine built beside this test, real libngspice, real files.
#include "core/design/spice_reader.h"
#include "core/engine/engine_client.h"
#include "core/engine/engine_protocol.h"
#include "core/store/result_store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

namespace {

QString data(const char* name) {
    return QStringLiteral(WAVEBENCH_TEST_DATA) + "/" + name;
}

// The one frame `bytes` holds, read back (fed a byte at a time when `trickle`).
EngineProtocol::Frame readFrame(const QByteArray& bytes, bool trickle = false) {
    EngineProtocol::Reader reader;
    std::optional<Result<EngineProtocol::Frame>> frame;
    for (qsizetype i = 0; i < bytes.size() && !frame; i += trickle ? 1 : bytes.size()) {
        reader.feed(bytes.mid(i, trickle ? 1 : bytes.size()));
        frame = reader.next();
    }
    if (!frame || !*frame)
        return {};
    return frame->value();
}

QJsonObject requestOf(const EngineProtocol::Frame& frame) {
    return QJsonDocument::fromJson(frame.payload).object()["request"].toObject();
}

RunRequest request(const QString& netlist, const QString& store, const char* runId) {
    RunRequest r;
    r.netlistPath = netlist.toStdString();
    r.storePath = store.toStdString();
    r.runId = runId;
    return r;
}

} // namespace

class TestEngineClient : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        auto client = EngineClient::create();
        QVERIFY2(client, client ? "" : client.error().c_str());
        m_client = std::move(client.value());
        QVERIFY(m_client->ngspiceVersion().startsWith("ngspice"));
        QVERIFY(m_dir.isValid());
        m_store = m_dir.filePath("engine.h5");
    }

    void aRunStreamsBackAndIsStoredByTheEngine() {
        int blocks = 0;
        long long rows = 0;
        auto handle =
            m_client->submit(request(data("rc_step.cir"), m_store, "rc"), [&](RunHandle& run) {
                connect(&run, &RunHandle::batchReady, this, [&](SampleBlockPtr block) {
                    ++blocks;
                    rows += static_cast<long long>(block->coordinateValues.size());
                });
            });
        QVERIFY(handle->waitForFinished(60000));
        QCOMPARE(QString::fromStdString(toString(handle->status())),
                 QString::fromStdString(toString(RunStatus::Ok)));
        QTRY_VERIFY(rows == handle->points());
        QVERIFY(blocks > 0 && rows > 100);
        QCOMPARE(handle->runIds(), QStringList{"rc"});
        auto stored = ResultStore::readRun(m_store.toStdString(), "rc");
        QVERIFY2(stored, stored ? "" : stored.error().c_str());
        QCOMPARE(static_cast<long long>(stored->coordinate.size()), handle->points());
        QCOMPARE(QString::fromStdString(stored->summary.status), QString("ok"));
    }

    // A job's points share the tree and the probe map: the request after the first says
    // "as before" instead of sending them again, and the far side fills them in.
    void theTreeAndProbeMapCrossOnce() {
        auto tree = SpiceReader::readFile(data("rc_step.cir").toStdString());
        QVERIFY2(tree, tree ? "" : tree.error().c_str());
        RunRequest r = request(data("rc_step.cir"), m_store, "shared");
        r.treeJson = tree->toJson();
        r.probeMap = tree->probeMapFor({});
        r.units = std::make_shared<const VectorUnits>(tree.value());
        r.environment = {{"PDK_PATH", "/opt/pdk"}, {"PDK", "gf180mcu"}};
        EngineProtocol::Shared sent, received;
        const QByteArray first = EngineProtocol::runFrame(r, false, &sent);
        const QByteArray second = EngineProtocol::runFrame(r, false, &sent);
        EngineProtocol::Frame one = readFrame(first), two = readFrame(second);
        QVERIFY(one.kind == EngineProtocol::Kind::MessageWithTexts);
        const QJsonArray firstTexts = requestOf(one)["texts"].toArray();
        const QJsonArray secondTexts = requestOf(two)["texts"].toArray();
        QVERIFY(firstTexts.contains("treeJson") && firstTexts.contains("probeMap") &&
                firstTexts.contains("units"));
        QVERIFY(!secondTexts.contains("treeJson") && !secondTexts.contains("probeMap") &&
                !secondTexts.contains("units"));
        QVERIFY(requestOf(two)["treeJsonAsBefore"].toBool() &&
                requestOf(two)["probeMapAsBefore"].toBool() &&
                requestOf(two)["unitsAsBefore"].toBool());
        QVERIFY(second.size() * 4 < first.size());
        // The tree crosses as its own bytes, not as an escaped JSON string.
        QVERIFY(first.contains(QByteArray::fromStdString(r.treeJson)));
        const QJsonObject firstMessage = QJsonDocument::fromJson(one.payload).object();
        QCOMPARE(firstMessage["op"].toString(), QString("run"));
        EngineProtocol::decodeRequest(firstMessage, std::move(one.texts), &received);
        const RunRequest decoded = EngineProtocol::decodeRequest(
            QJsonDocument::fromJson(two.payload).object(), std::move(two.texts), &received);
        QCOMPARE(decoded.treeJson, r.treeJson);
        QCOMPARE(decoded.probeMap.toJson(), r.probeMap.toJson());
        QVERIFY(decoded.units && *decoded.units == *r.units);
        QCOMPARE(decoded.runId, r.runId);
        QCOMPARE(decoded.storePath, r.storePath);
        QVERIFY(decoded.environment == r.environment); // an .asdlrc's env, for the engine
        // Another tree is sent whole again.
        r.treeJson = "{}";
        QVERIFY(requestOf(readFrame(EngineProtocol::runFrame(r, false, &sent)))["texts"]
                    .toArray()
                    .contains("treeJson"));

        // End to end: runs after the first, and the first run of a new engine process
        // (killed in between), store the whole tree and probe map.
        r.treeJson = tree->toJson();
        for (const char* id : {"shared-1", "shared-2", "shared-after-kill"}) {
            if (std::string(id) == "shared-after-kill")
                QCOMPARE(::kill(static_cast<pid_t>(m_client->enginePid()), SIGKILL), 0);
            r.runId = id;
            auto handle = m_client->submit(r);
            QVERIFY(handle->waitForFinished(60000));
            if (std::string(id) == "shared-after-kill" && handle->status() != RunStatus::Ok) {
                // The kill may land before the engine took this run: the next one is clean.
                r.runId = "shared-after-kill-2";
                handle = m_client->submit(r);
                QVERIFY(handle->waitForFinished(60000));
            }
            QCOMPARE(QString::fromStdString(toString(handle->status())), QString("ok"));
            auto stored = ResultStore::readRun(m_store.toStdString(), r.runId);
            QVERIFY2(stored, stored ? "" : stored.error().c_str());
            QCOMPARE(stored->treeJson, r.treeJson);
            QCOMPARE(stored->probeMapJson, r.probeMap.toJson());
        }
    }

    // Every field of a request crosses as it was, texts of any bytes included, however the
    // pipe cuts the frame; a frame whose texts are cut short is an error, not a crash.
    void aRequestCrossesWholeInAnyPieces() {
        RunRequest r = request("/designs/a b.cir", "/stores/s.h5", "id-1");
        r.netlistText = std::string("* nul \0 and \xff bytes\nr1 a 0 1\n.end\n", 36);
        r.treeJson = "{\"format\": \"wavebench.tree\"}\n";
        r.baseDir = "/designs";
        r.paramsYaml = "w: 1u\n";
        r.tran = TranSpec{"1n", "1u"};
        r.probeMap.map = {{"top.a", "v(a)"}, {std::string("odd\0key", 7), "x\ny"}};
        r.probeMap.aliases = {{"top.b", "top.a"}};
        r.job = "job";
        r.analysis = "tran";
        r.corner = "ss";
        r.sweep = "{\"w\": 1}";
        r.sweepIndex = 3;
        r.probes = {"top.nodes.out.v", "top.m1.op.gm"};
        r.seed = 42;
        const QByteArray bytes = EngineProtocol::runFrame(r, true);
        EngineProtocol::Frame frame = readFrame(bytes, true);
        QVERIFY(frame.kind == EngineProtocol::Kind::MessageWithTexts);
        const QJsonObject message = QJsonDocument::fromJson(frame.payload).object();
        QVERIFY(message["blocks"].toBool());
        const RunRequest back = EngineProtocol::decodeRequest(message, std::move(frame.texts));
        QCOMPARE(back.netlistText, r.netlistText);
        QCOMPARE(back.treeJson, r.treeJson);
        QCOMPARE(back.netlistPath, r.netlistPath);
        QCOMPARE(back.baseDir, r.baseDir);
        QCOMPARE(back.paramsYaml, r.paramsYaml);
        QVERIFY(back.tran && back.tran->step == "1n" && back.tran->stop == "1u");
        QVERIFY(back.probeMap == r.probeMap);
        QVERIFY(!back.units);
        QCOMPARE(back.job + back.analysis + back.corner + back.sweep,
                 r.job + r.analysis + r.corner + r.sweep);
        QCOMPARE(back.sweepIndex, 3LL);
        QCOMPARE(back.probes, r.probes);
        QCOMPARE(back.seed, 42LL);

        // A text's length that runs past its frame.
        QByteArray cut = bytes;
        const qsizetype lastText = cut.lastIndexOf(QByteArray::fromStdString(r.treeJson));
        QVERIFY(lastText > 4);
        cut[lastText - 1] = char(0x7f);
        EngineProtocol::Reader reader;
        reader.feed(cut);
        auto refused = reader.next();
        QVERIFY(refused && !*refused);
        QVERIFY2(refused->error().find("cut") != std::string::npos, refused->error().c_str());
    }

    // A netlist that crashes ngspice itself (ngspice -b dies of it too): a failed run that
    // says so, and the next run works in a new engine.
    void aNetlistThatCrashesNgspiceFailsOneRun() {
        const qint64 before = m_client->enginePid();
        auto crashed = m_client->submit(
            request(data("robust/ngspice_crash_recursive_func.cir"), m_store, "crash"));
        QVERIFY(crashed->waitForFinished(120000));
        QCOMPARE(QString::fromStdString(toString(crashed->status())),
                 QString::fromStdString(toString(RunStatus::Failed)));
        QVERIFY2(crashed->message().contains("ngspice crashed (SIGSEGV)"),
                 qPrintable(crashed->message()));
        auto next = m_client->submit(request(data("rc_step.cir"), m_store, "after_crash"));
        QVERIFY(next->waitForFinished(60000));
        QCOMPARE(QString::fromStdString(toString(next->status())),
                 QString::fromStdString(toString(RunStatus::Ok)));
        QVERIFY(m_client->enginePid() != before);
        auto runs = ResultStore::runIds(m_store.toStdString());
        QVERIFY(runs);
        QVERIFY(std::count(runs->begin(), runs->end(), "after_crash") == 1);
    }

    // kill -9 of the engine mid-run: the run ends failed with the data the engine had
    // flushed, naming the signal and the simulated time reached.
    void aKilledEngineFailsTheRunWithItsData() {
        QSignalSpy anyBlock(this, &TestEngineClient::blockSeen);
        auto handle = m_client->submit(
            request(data("long_ring.cir"), m_store, "killed"), [&](RunHandle& run) {
                connect(&run, &RunHandle::batchReady, this, [this] { emit blockSeen(); });
            });
        QVERIFY(anyBlock.wait(60000));
        QTest::qWait(1500); // past a flush of the part
        QVERIFY(!handle->isFinished());
        QCOMPARE(::kill(static_cast<pid_t>(m_client->enginePid()), SIGKILL), 0);
        QVERIFY(handle->waitForFinished(60000));
        QCOMPARE(QString::fromStdString(toString(handle->status())),
                 QString::fromStdString(toString(RunStatus::Failed)));
        QVERIFY2(handle->message().contains("ngspice crashed (SIGKILL) at time = "),
                 qPrintable(handle->message()));
        auto stored = ResultStore::readRun(m_store.toStdString(), "killed");
        QVERIFY2(stored, stored ? "" : stored.error().c_str());
        QCOMPARE(QString::fromStdString(stored->summary.status), QString("failed"));
        QVERIFY(QString::fromStdString(stored->summary.message).contains("SIGKILL"));
        QVERIFY(stored->coordinate.size() > 1000);
        for (const auto& vector : stored->vectors)
            QCOMPARE(vector.values.size(), stored->coordinate.size());
        auto next = m_client->submit(request(data("rc_step.cir"), m_store, "after_kill"));
        QVERIFY(next->waitForFinished(60000));
        QCOMPARE(QString::fromStdString(toString(next->status())),
                 QString::fromStdString(toString(RunStatus::Ok)));
    }

    // An engine that does not answer (frozen here with SIGSTOP, as ngspice is while it
    // loads a huge netlist): Stop still works, by killing it; the run is interrupted.
    void stopKillsAnEngineThatDoesNotAnswer() {
        QSignalSpy anyBlock(this, &TestEngineClient::blockSeen);
        auto handle = m_client->submit(
            request(data("long_ring.cir"), m_store, "frozen"), [&](RunHandle& run) {
                connect(&run, &RunHandle::batchReady, this, [this] { emit blockSeen(); });
            });
        QVERIFY(anyBlock.wait(60000));
        QCOMPARE(::kill(static_cast<pid_t>(m_client->enginePid()), SIGSTOP), 0);
        m_client->stop();
        QVERIFY(handle->waitForFinished(30000));
        QCOMPARE(QString::fromStdString(toString(handle->status())),
                 QString::fromStdString(toString(RunStatus::Interrupted)));
        QVERIFY2(handle->message().contains("did not answer"), qPrintable(handle->message()));
        auto next = m_client->submit(request(data("rc_step.cir"), m_store, "after_stop"));
        QVERIFY(next->waitForFinished(60000));
        QCOMPARE(QString::fromStdString(toString(next->status())),
                 QString::fromStdString(toString(RunStatus::Ok)));
    }

    void cleanupTestCase() { m_client.reset(); }

signals:
    void blockSeen();

private:
    std::unique_ptr<EngineClient> m_client;
    QTemporaryDir m_dir;
    QString m_store;
};

QTEST_GUILESS_MAIN(TestEngineClient)
#include "tst_engine_client.moc"
