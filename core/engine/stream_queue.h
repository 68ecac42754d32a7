#pragma once

#include "core/crefs/vector_info.h"
#include "core/store/sample_batch.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct StreamEvent {
    enum class Kind {
        PlotStarted, // vectors: the new plot's vectors; text: plot type ("tran1");
                     // code: the SpiceEngine::HaltReason in force when ngspice announced it
        Data,        // batch
        Log,         // text: one line of ngspice output ("stdout ..." / "stderr ...")
        Status,      // text: ngspice status ("tran: 12.3%", "--ready--")
        BgStarted,
        BgEnded,    // code: the HaltReason the session had set when the thread ended
        EngineExit, // code: exit status; ngspice is unusable until reloaded
        Abort,      // code: RunStatus to record; text: message (the run never streamed)
    };
    Kind kind;
    int code = 0;
    std::string text;
    std::vector<VectorInfo> vectors;
    std::unique_ptr<SampleBatch> batch;
};

// Hand-over between ngspice's callback thread (producer) and a run's writer thread
// (consumer). Batches come from a fixed pool, so the producer never allocates per value;
// when the pool is empty the producer waits, which throttles ngspice to the writer's pace
// instead of growing memory.
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
