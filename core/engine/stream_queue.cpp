#include "core/engine/stream_queue.h"

#include <algorithm>

StreamQueue::StreamQueue(int poolSize, int maxPoolSize, int batchDoubles)
    : m_batchDoubles(batchDoubles), m_maxPoolSize(std::max(poolSize, maxPoolSize)) {
    for (int i = 0; i < poolSize; ++i) {
        auto batch = std::make_unique<SampleBatch>();
        batch->values.resize(static_cast<size_t>(batchDoubles));
        m_free.push_back(std::move(batch));
        ++m_allocated;
    }
}

void StreamQueue::configure(int columns) {
    std::lock_guard lock(m_mutex);
    m_columns = std::max(1, columns);
}

std::unique_ptr<SampleBatch> StreamQueue::acquire() {
    std::unique_lock lock(m_mutex);
    if (m_free.empty() && m_allocated < m_maxPoolSize) {
        // One allocation per batch, only while the writer is behind.
        auto batch = std::make_unique<SampleBatch>();
        batch->values.resize(static_cast<size_t>(m_batchDoubles));
        m_free.push_back(std::move(batch));
        ++m_allocated;
    }
    m_batchFree.wait(lock, [this] { return !m_free.empty(); });
    auto batch = std::move(m_free.back());
    m_free.pop_back();
    // A plot with more columns than one batch can hold still gets one row per batch.
    const int columns = m_columns;
    const int capacity = std::max(1, m_batchDoubles / columns);
    if (batch->values.size() < static_cast<size_t>(capacity) * columns)
        batch->values.resize(static_cast<size_t>(capacity) * columns);
    batch->columns = columns;
    batch->capacity = capacity;
    batch->rows = 0;
    return batch;
}

void StreamQueue::push(StreamEvent event) {
    {
        std::lock_guard lock(m_mutex);
        m_events.push_back(std::move(event));
    }
    m_eventReady.notify_one();
}

StreamEvent StreamQueue::pop() {
    std::unique_lock lock(m_mutex);
    m_eventReady.wait(lock, [this] { return !m_events.empty(); });
    StreamEvent event = std::move(m_events.front());
    m_events.pop_front();
    return event;
}

void StreamQueue::release(std::unique_ptr<SampleBatch> batch) {
    if (!batch)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_free.push_back(std::move(batch));
    }
    m_batchFree.notify_one();
}
