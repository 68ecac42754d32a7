#pragma once

#include "core/base/run_status.h"
#include "core/crefs/vector_info.h"
#include "core/engine/halt_reason.h"
#include "core/store/sample_batch.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

// One thing ngspice's callbacks hand to a run's writer. Each kind fills only its own
// fields; build events with the named constructors below.
// Pure logic: a value moved from the producer thread to the consumer through StreamQueue.
struct StreamEvent {
    enum class Kind {
        PlotStarted, // text: plot type ("tran1"); vectors: the new plot's vectors;
                     // haltReason: in force when ngspice announced the plot
        Data,        // batch
        Log,         // text: one line of ngspice output ("stdout ..." / "stderr ...")
        Status,      // text: ngspice status ("tran: 12.3%", "--ready--")
        BgStarted,
        BgEnded,    // haltReason: what the session had asked when the thread ended
        EngineExit, // exitStatus: ngspice's; ngspice is unusable until reloaded
        Abort,      // abortStatus: to record; text: message (the run never streamed)
    };
    Kind kind = Kind::Log;
    std::string text;
    std::vector<VectorInfo> vectors;
    std::unique_ptr<SampleBatch> batch;
    HaltReason haltReason = HaltReason::None;
    int exitStatus = 0;
    RunStatus abortStatus = RunStatus::Failed;

    static StreamEvent plotStarted(std::string type, std::vector<VectorInfo> vectors,
                                   HaltReason reason) {
        StreamEvent event(Kind::PlotStarted);
        event.text = std::move(type);
        event.vectors = std::move(vectors);
        event.haltReason = reason;
        return event;
    }
    static StreamEvent data(std::unique_ptr<SampleBatch> batch) {
        StreamEvent event(Kind::Data);
        event.batch = std::move(batch);
        return event;
    }
    static StreamEvent log(std::string line) {
        StreamEvent event(Kind::Log);
        event.text = std::move(line);
        return event;
    }
    static StreamEvent status(std::string text) {
        StreamEvent event(Kind::Status);
        event.text = std::move(text);
        return event;
    }
    static StreamEvent bgStarted() { return StreamEvent(Kind::BgStarted); }
    static StreamEvent bgEnded(HaltReason reason) {
        StreamEvent event(Kind::BgEnded);
        event.haltReason = reason;
        return event;
    }
    static StreamEvent engineExit(int status) {
        StreamEvent event(Kind::EngineExit);
        event.exitStatus = status;
        return event;
    }
    static StreamEvent abort(RunStatus status, std::string message) {
        StreamEvent event(Kind::Abort);
        event.abortStatus = status;
        event.text = std::move(message);
        return event;
    }

private:
    explicit StreamEvent(Kind k) : kind(k) {}
};

// Hand-over between ngspice's callback thread (producer) and a run's writer thread
// (consumer). Batches come from a fixed pool, so the producer never allocates per value;
// when the pool is empty the producer waits, which throttles ngspice to the writer's pace
// instead of growing memory.
//
// Thread: every method locks the queue's mutex; push() also from the session thread (its
// log notes and aborts). It is owned by a RunHandle and must outlive the producer's use:
// SpiceEngine::detach() ends that before the handle may go.
class StreamQueue {
public:
    // Starts with `poolSize` batches; when the writer lags (it creates a thousand datasets
    // at the start of a plot, say) the pool grows up to `maxPoolSize` before the producer
    // has to wait.
    StreamQueue(int poolSize, int maxPoolSize, int batchDoubles);

    // Producer side (ngspice thread).
    void configure(int columns); // called on a new plot, before its first batch
    std::unique_ptr<SampleBatch> acquire();
    void push(StreamEvent event);

    // Consumer side.
    StreamEvent pop(); // blocks until an event is there
    void release(std::unique_ptr<SampleBatch> batch);

private:
    std::mutex m_mutex;
    std::condition_variable m_eventReady;
    std::condition_variable m_batchFree;
    std::deque<StreamEvent> m_events;
    std::vector<std::unique_ptr<SampleBatch>> m_free;
    int m_batchDoubles;
    int m_allocated = 0;
    int m_maxPoolSize;
    int m_columns = 1;
};
