// The hand-over between ngspice's callback thread and a run's writer, without ngspice:
// synthetic events on real threads. Waits are on conditions, never on time.
#include "core/engine/halt_reason.h"
#include "core/engine/stream_queue.h"

#include <QFile>
#include <QTest>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace {

StreamEvent streamEvent(StreamEvent::Kind kind, std::string text = {}) {
    switch (kind) {
    case StreamEvent::Kind::BgStarted:
        return StreamEvent::bgStarted();
    case StreamEvent::Kind::BgEnded:
        return StreamEvent::bgEnded(HaltReason::None);
    case StreamEvent::Kind::Status:
        return StreamEvent::status(std::move(text));
    default:
        return StreamEvent::log(std::move(text));
    }
}

StreamEvent data(std::unique_ptr<SampleBatch> batch) {
    return StreamEvent::data(std::move(batch));
}

// Joins a thread however the test function leaves (a failed QCOMPARE returns early).
class JoinOnExit {
public:
    explicit JoinOnExit(std::thread& thread) : m_thread(thread) {}
    ~JoinOnExit() {
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    std::thread& m_thread;
};

// Linux: whether thread `tid` of this process sleeps (state S: blocked, as on a condition
// variable). How the test sees a thread wait without timing it.
bool isAsleep(long tid) {
    QFile stat(QString("/proc/self/task/%1/stat").arg(tid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const auto close = text.lastIndexOf(')'); // the thread's name may hold spaces
    return close > 0 && text.size() > close + 2 && text[close + 2] == 'S';
}

// A one-way latch: set() once on one thread, wait() on another. What the tests below use
// instead of sleeping to order two threads.
class Latch {
public:
    void set() {
        {
            std::lock_guard lock(m_mutex);
            m_set = true;
        }
        m_changed.notify_all();
    }
    void wait() {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_set; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_set = false;
};

} // namespace

class TestStreamQueue : public QObject {
    Q_OBJECT
private slots:
    void batchesComeShapedForThePlot() {
        StreamQueue queue(2, 2, 64);
        auto batch = queue.acquire(); // one column until a plot says otherwise
        QCOMPARE(batch->columns, 1);
        QCOMPARE(batch->capacity, 64);
        QCOMPARE(batch->rows, 0);
        QVERIFY(batch->values.size() >= 64);
        queue.release(std::move(batch));

        queue.configure(5);
        batch = queue.acquire();
        QCOMPARE(batch->columns, 5);
        QCOMPARE(batch->capacity, 64 / 5);
        QVERIFY(batch->values.size() >= static_cast<size_t>(batch->capacity * batch->columns));
        batch->rows = 3; // rows are reset when the batch comes round again
        queue.release(std::move(batch));

        // A plot wider than a batch still gets one row per batch.
        queue.configure(100);
        batch = queue.acquire();
        QCOMPARE(batch->columns, 100);
        QCOMPARE(batch->capacity, 1);
        QCOMPARE(batch->rows, 0);
        QVERIFY(batch->values.size() >= 100);
        queue.release(std::move(batch));
        queue.release(nullptr); // ignored
    }

    void poolGrowsUpToItsMaximum() {
        StreamQueue queue(2, 5, 16);
        std::vector<std::unique_ptr<SampleBatch>> held;
        std::set<const SampleBatch*> distinct;
        for (int i = 0; i < 5; ++i) { // two from the pool, three grown while nothing is back
            held.push_back(queue.acquire());
            QVERIFY(held.back());
            distinct.insert(held.back().get());
        }
        QCOMPARE(distinct.size(), size_t(5));
        // Released batches come back; the pool does not grow past its maximum.
        for (auto& batch : held)
            queue.release(std::move(batch));
        held.clear();
        for (int i = 0; i < 5; ++i) {
            held.push_back(queue.acquire());
            QVERIFY2(distinct.count(held.back().get()), "a sixth batch was allocated");
        }
        for (auto& batch : held)
            queue.release(std::move(batch));

        // A maximum below the initial size is the initial size.
        StreamQueue small(3, 1, 16);
        std::set<const SampleBatch*> three;
        for (int i = 0; i < 3; ++i) {
            auto batch = small.acquire();
            three.insert(batch.get());
            held.push_back(std::move(batch));
        }
        QCOMPARE(three.size(), size_t(3));
        for (auto& batch : held)
            small.release(std::move(batch));
    }

    // With the pool at its maximum and every batch with the consumer, the producer waits
    // (asleep in acquire(), with nothing acquired) until the consumer gives one back, and
    // then gets exactly that one.
    void producerWaitsForAReleasedBatch() {
        StreamQueue queue(1, 2, 32);
        auto first = queue.acquire();
        auto second = queue.acquire(); // grown: the pool is at its maximum now
        const SampleBatch* given = second.get();

        Latch aboutToAcquire;
        std::atomic<long> producerTid{0};
        std::atomic<bool> released{false};
        std::atomic<bool> acquired{false};
        std::atomic<bool> acquiredBeforeRelease{false};
        const SampleBatch* got = nullptr;
        std::thread producer([&] {
            producerTid = static_cast<long>(syscall(SYS_gettid));
            aboutToAcquire.set();
            auto batch = queue.acquire(); // blocks: nothing free, nothing more to grow
            acquiredBeforeRelease = !released.load();
            acquired = true;
            got = batch.get();
            queue.push(data(std::move(batch)));
        });
        aboutToAcquire.wait();
        // Nothing but acquire() is left for the producer to sleep in.
        (void)QTest::qWaitFor([&] { return acquired.load() || isAsleep(producerTid.load()); },
                              30000); // what it saw is checked below
        const bool acquiredEarly = acquired.load();
        const bool asleep = isAsleep(producerTid.load()); // only a release can wake it
        released = true;
        queue.release(std::move(second));
        const StreamEvent handed = queue.pop(); // the producer's push
        producer.join();
        QVERIFY2(!acquiredEarly, "the producer got a batch nobody released");
        QVERIFY2(asleep, "the producer did not wait for a batch");
        QVERIFY(!acquiredBeforeRelease.load());
        QCOMPARE(got, given);
        QCOMPARE(handed.kind, StreamEvent::Kind::Data);
        QCOMPARE(handed.batch.get(), given);
        queue.release(std::move(first));
    }

    // The consumer waits in pop() until the producer pushes.
    void consumerWaitsForAnEvent() {
        StreamQueue queue(1, 1, 8);
        Latch aboutToPop;
        std::atomic<bool> pushed{false};
        std::atomic<bool> poppedBeforePush{false};
        std::string text;
        std::thread consumer([&] {
            aboutToPop.set();
            const StreamEvent e = queue.pop();
            poppedBeforePush = !pushed.load();
            text = e.text;
        });
        aboutToPop.wait();
        pushed = true;
        queue.push(streamEvent(StreamEvent::Kind::Log, "stdout hello"));
        consumer.join();
        QVERIFY(!poppedBeforePush.load());
        QCOMPARE(text, std::string("stdout hello"));
    }

    // Events reach the consumer in the order the producer pushed them, with what they carry.
    void eventsKeepTheirOrderAndContent() {
        constexpr int kPlots = 50;
        // A batch per plot: the producer never waits, so an early return cannot strand it.
        StreamQueue queue(kPlots, kPlots, 64);
        std::thread producer([&] {
            queue.push(streamEvent(StreamEvent::Kind::BgStarted));
            for (int p = 0; p < kPlots; ++p) {
                // Each plot carries a halt reason of its own, so a mix-up between plots shows.
                StreamEvent started = StreamEvent::plotStarted(
                    "tran" + std::to_string(p), {{"time", false, true}, {"out", false, false}},
                    static_cast<HaltReason>(p % 3));
                queue.configure(2);
                queue.push(std::move(started));
                auto batch = queue.acquire();
                batch->values[0] = p;
                batch->values[1] = -p;
                batch->rows = 1;
                queue.push(data(std::move(batch)));
                queue.push(streamEvent(StreamEvent::Kind::Log, "stdout line " + std::to_string(p)));
                queue.push(
                    streamEvent(StreamEvent::Kind::Status, "tran: " + std::to_string(p) + "%"));
            }
            queue.push(StreamEvent::bgEnded(HaltReason::Stop));
        });
        JoinOnExit joined(producer);
        QCOMPARE(queue.pop().kind, StreamEvent::Kind::BgStarted);
        for (int p = 0; p < kPlots; ++p) {
            StreamEvent started = queue.pop();
            QCOMPARE(started.kind, StreamEvent::Kind::PlotStarted);
            QCOMPARE(started.text, "tran" + std::to_string(p));
            QCOMPARE(started.haltReason, static_cast<HaltReason>(p % 3));
            QCOMPARE(started.vectors.size(), size_t(2));
            QCOMPARE(started.vectors[0].name, std::string("time"));
            QVERIFY(started.vectors[0].isScale);
            StreamEvent rows = queue.pop();
            QCOMPARE(rows.kind, StreamEvent::Kind::Data);
            QVERIFY(rows.batch);
            QCOMPARE(rows.batch->columns, 2);
            QCOMPARE(rows.batch->rows, 1);
            QCOMPARE(rows.batch->values[0], double(p));
            QCOMPARE(rows.batch->values[1], double(-p));
            queue.release(std::move(rows.batch));
            StreamEvent log = queue.pop();
            QCOMPARE(log.kind, StreamEvent::Kind::Log);
            QCOMPARE(log.text, "stdout line " + std::to_string(p));
            StreamEvent status = queue.pop();
            QCOMPARE(status.kind, StreamEvent::Kind::Status);
            QCOMPARE(status.text, "tran: " + std::to_string(p) + "%");
        }
        StreamEvent ended = queue.pop();
        QCOMPARE(ended.kind, StreamEvent::Kind::BgEnded);
        QCOMPARE(ended.haltReason, HaltReason::Stop);
    }

    // A long stream through a small pool: every row arrives in order, and the same few
    // batches (and their value buffers) go round and round; nothing is allocated per batch.
    void batchesAreRecycledWithoutGrowth() {
        constexpr int kPool = 2, kMaxPool = 6, kDoubles = 300, kColumns = 3, kBatches = 5000;
        StreamQueue queue(kPool, kMaxPool, kDoubles);
        queue.configure(kColumns);
        std::thread producer([&] {
            long long row = 0;
            for (int b = 0; b < kBatches; ++b) {
                auto batch = queue.acquire();
                // Batches of varying fill, as ngspice's timer flushes them.
                const int rows = 1 + b % batch->capacity;
                for (int r = 0; r < rows; ++r, ++row)
                    for (int c = 0; c < kColumns; ++c)
                        batch->values[static_cast<size_t>(r * kColumns + c)] =
                            static_cast<double>(row * kColumns + c);
                batch->rows = rows;
                queue.push(data(std::move(batch)));
            }
            queue.push(streamEvent(StreamEvent::Kind::BgEnded));
        });
        std::set<const SampleBatch*> batches;
        std::set<const double*> buffers;
        long long expected = 0;
        bool inOrder = true, shaped = true; // checked after the join: the loop must drain
        int received = 0;
        for (;;) {
            StreamEvent e = queue.pop();
            if (e.kind == StreamEvent::Kind::BgEnded)
                break;
            if (e.kind != StreamEvent::Kind::Data || !e.batch) {
                shaped = false;
                continue;
            }
            const SampleBatch& batch = *e.batch;
            shaped = shaped && batch.columns == kColumns && batch.capacity == kDoubles / kColumns;
            for (int r = 0; r < batch.rows; ++r, ++expected)
                for (int c = 0; c < kColumns; ++c)
                    inOrder = inOrder && batch.values[static_cast<size_t>(r * kColumns + c)] ==
                                             static_cast<double>(expected * kColumns + c);
            batches.insert(&batch);
            buffers.insert(batch.values.data());
            ++received;
            queue.release(std::move(e.batch));
        }
        producer.join();
        QVERIFY(shaped);
        QCOMPARE(received, kBatches);
        QVERIFY(inOrder);
        QVERIFY2(batches.size() <= size_t(kMaxPool), qPrintable(QString::number(batches.size())));
        QVERIFY2(buffers.size() == batches.size(), "a batch's values were reallocated");
    }
};

QTEST_GUILESS_MAIN(TestStreamQueue)
#include "tst_stream_queue.moc"
