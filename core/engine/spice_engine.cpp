#include "core/engine/spice_engine.h"

#include "core/engine/stream_queue.h"
#include "core/netlist/ngspice_output.h"

#include <algorithm>
#include <clocale>
#include <cstring>
#include <dlfcn.h>
#include <ngspice/sharedspice.h>
#include <pthread.h>
#include <unordered_map>

namespace {

constexpr const char* kLibraryName = "libngspice.so.0";
// A partly filled batch is handed on after this long so that live views stay live for
// slow simulations.
constexpr auto kBatchMaxAge = std::chrono::milliseconds(50);

// ngspice parses and prints numbers with the C library's LC_NUMERIC; a host application
// (QCoreApplication calls setlocale(LC_ALL, "")) may have set one with a decimal comma.
// setlocale is process-wide and races with number formatting on other threads, so it is
// checked once, on the first load; the apps have set "C" in main() already, before any
// thread started, and the engine never sets it per command.
void ensureCNumericLocaleOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
        const lconv* numeric = std::localeconv();
        if (!numeric || std::strcmp(numeric->decimal_point, ".") != 0)
            std::setlocale(LC_NUMERIC, "C");
    });
}

std::string joinErrors(const std::vector<std::string>& lines) {
    std::string message;
    for (const auto& line : lines) {
        if (!NgspiceOutput::isError(line))
            continue;
        if (!message.empty())
            message += "\n";
        message += NgspiceOutput::text(line);
    }
    return message;
}

} // namespace

struct SpiceEngine::Library {
    void* handle = nullptr;
    decltype(&::ngSpice_Init) init = nullptr;
    decltype(&::ngSpice_Command) command = nullptr;
    decltype(&::ngSpice_Circ) circ = nullptr;
    decltype(&::ngSpice_running) running = nullptr;
};

SpiceEngine& SpiceEngine::instance() {
    // Never destroyed: ngspice may still call back while static destructors run.
    static SpiceEngine* engine = new SpiceEngine;
    return *engine;
}

SpiceEngine::SpiceEngine() = default;
SpiceEngine::~SpiceEngine() = default;

void SpiceEngine::unload() {
    if (m_lib && m_lib->handle)
        dlclose(m_lib->handle);
    m_lib.reset();
}

SpiceEngine::Outcome SpiceEngine::ensureLoaded() {
    if (m_lib && !m_broken.load())
        return {true, {}, {}};
    if (m_broken.load())
        unload();

    ensureCNumericLocaleOnce();
    auto lib = std::make_unique<Library>();
    lib->handle = dlopen(kLibraryName, RTLD_NOW | RTLD_LOCAL);
    if (!lib->handle)
        return {false, std::string("cannot load ") + kLibraryName + ": " + dlerror(), {}};
    auto resolve = [&](auto& fn, const char* name) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib->handle, name));
        return fn != nullptr;
    };
    if (!resolve(lib->init, "ngSpice_Init") || !resolve(lib->command, "ngSpice_Command") ||
        !resolve(lib->circ, "ngSpice_Circ") || !resolve(lib->running, "ngSpice_running")) {
        dlclose(lib->handle);
        return {false, std::string(kLibraryName) + " lacks the shared-library API", {}};
    }
    m_lib = std::move(lib);
    m_broken = false;
    setRunning(false);

    std::vector<std::string> output;
    {
        std::lock_guard lock(m_captureMutex);
        m_capture = &output;
    }
    m_lib->init(&SpiceEngine::onChar, &SpiceEngine::onStat, &SpiceEngine::onExit,
                &SpiceEngine::onData, &SpiceEngine::onInit, &SpiceEngine::onBgThread, this);
    {
        std::lock_guard lock(m_captureMutex);
        m_capture = nullptr;
    }
    for (const auto& line : output) {
        auto at = line.find("ngspice-");
        if (at != std::string::npos && m_version.empty()) {
            auto end = line.find(' ', at);
            m_version = line.substr(at, end == std::string::npos ? end : end - at);
        }
    }
    // Interactive prompts ("more?", "quit anyway?") would hang a library with no terminal.
    for (const char* setup : {"unset interactive", "set noaskquit", "set nomoremode"})
        m_lib->command(const_cast<char*>(setup));
    m_fresh = true;
    return {true, {}, std::move(output)};
}

SpiceEngine::Outcome SpiceEngine::ensureFresh() {
    if (m_lib && !m_broken.load() && m_fresh)
        return {true, {}, {}};
    if (m_running.load())
        return {false,
                "ngspice's background thread from an earlier run has not ended; ngspice cannot "
                "be loaded afresh for this run",
                {}};
    if (m_lib && !m_broken.load()) {
        // Measured on ngspice 39: 1.5 ms and 0.4 kB of RSS per quit and reload. Unloading
        // without `quit` would abandon everything ngspice holds.
        command("quit"); // ends in the controlled-exit callback: m_broken
        m_broken = true;
    }
    return ensureLoaded();
}

SpiceEngine::Outcome SpiceEngine::captured(bool ok, std::vector<std::string> output,
                                           const std::string& what) {
    Outcome outcome;
    outcome.message = joinErrors(output);
    outcome.ok = ok && outcome.message.empty() && !m_broken.load();
    if (!outcome.ok && outcome.message.empty())
        outcome.message =
            m_broken.load() ? "ngspice exited while running: " + what : "ngspice rejected: " + what;
    outcome.output = std::move(output);
    return outcome;
}

SpiceEngine::Outcome SpiceEngine::loadCircuit(const std::vector<std::string>& lines) {
    if (auto loaded = ensureLoaded(); !loaded.ok)
        return loaded;
    m_fresh = false;
    std::vector<std::string> copies(lines);
    std::vector<char*> pointers;
    pointers.reserve(copies.size() + 1);
    for (auto& line : copies)
        pointers.push_back(line.data());
    pointers.push_back(nullptr);

    std::vector<std::string> output;
    {
        std::lock_guard lock(m_captureMutex);
        m_capture = &output;
    }
    const int rc = m_lib->circ(pointers.data());
    {
        std::lock_guard lock(m_captureMutex);
        m_capture = nullptr;
    }
    return captured(rc == 0, std::move(output), "circuit");
}

SpiceEngine::Outcome SpiceEngine::command(const std::string& text) {
    if (auto loaded = ensureLoaded(); !loaded.ok)
        return loaded;
    if (text.size() >= 1024)
        return {false, "ngspice command longer than 1023 characters: " + text.substr(0, 60), {}};
    m_fresh = false;
    std::vector<std::string> output;
    {
        std::lock_guard lock(m_captureMutex);
        m_capture = &output;
    }
    std::string copy = text;
    const int rc = m_lib->command(copy.data());
    {
        std::lock_guard lock(m_captureMutex);
        m_capture = nullptr;
    }
    return captured(rc == 0, std::move(output), text);
}

SpiceEngine::Outcome SpiceEngine::startBackground(const std::string& text) {
    m_haltReason = HaltReason::None;
    setRunning(true); // before the thread starts so that isRunning() has no gap
    auto outcome = command("bg_" + text);
    if (!outcome.ok)
        setRunning(false);
    return outcome;
}

void SpiceEngine::halt(HaltReason reason) {
    if (!m_lib || !m_running.load())
        return;
    m_haltReason = reason;
    command("bg_halt");
}

SpiceEngine::Outcome SpiceEngine::resume() {
    m_haltReason = HaltReason::None;
    m_resuming = true;
    setRunning(true);
    auto outcome = command("bg_resume");
    if (!outcome.ok)
        setRunning(false);
    return outcome;
}

void SpiceEngine::setRunning(bool running) {
    {
        std::lock_guard lock(m_bgMutex);
        m_running = running;
    }
    if (!running)
        m_bgEnded.notify_all();
}

bool SpiceEngine::waitUntilBackgroundEnded(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_bgMutex);
    return m_bgEnded.wait_for(lock, timeout, [this] { return !m_running.load(); });
}

void SpiceEngine::attach(StreamQueue* queue) {
    std::lock_guard lock(m_streamMutex);
    m_batch.reset(); // a batch a hung thread left behind belongs to no queue now
    m_queue = queue;
}

void SpiceEngine::detach() {
    // Waits for a callback using the queue to return; later ones find no queue. The batch
    // came from the queue's pool, so it goes with it.
    std::lock_guard lock(m_streamMutex);
    m_queue = nullptr;
    m_batch.reset();
}

// ---- callbacks: ngspice's threads -------------------------------------------------

int SpiceEngine::onChar(char* text, int, void* self) {
    auto* engine = static_cast<SpiceEngine*>(self);
    std::string line(text ? text : "");
    {
        std::lock_guard lock(engine->m_captureMutex);
        if (engine->m_capture)
            engine->m_capture->push_back(line);
    }
    std::lock_guard stream(engine->m_streamMutex);
    if (engine->m_queue)
        engine->m_queue->push(StreamEvent::log(std::move(line)));
    return 0;
}

int SpiceEngine::onStat(char* text, int, void* self) {
    auto* engine = static_cast<SpiceEngine*>(self);
    std::lock_guard stream(engine->m_streamMutex);
    if (engine->m_queue)
        engine->m_queue->push(StreamEvent::status(text ? text : ""));
    return 0;
}

int SpiceEngine::onExit(int status, bool, bool, int, void* self) {
    auto* engine = static_cast<SpiceEngine*>(self);
    engine->m_broken = true;
    std::lock_guard stream(engine->m_streamMutex);
    if (engine->m_queue) {
        engine->flushBatch();
        engine->m_queue->push(StreamEvent::engineExit(status));
    }
    return 0;
}

int SpiceEngine::onInit(vecinfoall* info, int, void* self) {
    auto* engine = static_cast<SpiceEngine*>(self);
    std::lock_guard stream(engine->m_streamMutex);
    auto* queue = engine->m_queue;
    if (!queue || !info)
        return 0;
    if (engine->m_resuming.exchange(false) &&
        info->veccount == static_cast<int>(engine->m_initNames.size())) {
        bool same = true;
        for (int i = 0; i < info->veccount && same; ++i)
            same = engine->m_initNames[static_cast<size_t>(i)] ==
                   (info->vecs[i]->vecname ? info->vecs[i]->vecname : "");
        if (same) {
            engine->m_dataOrderChecked = false;
            return 0; // the halted analysis continues: same plot, same columns
        }
    }
    engine->flushBatch(); // the previous plot's last rows belong to the previous plot

    std::vector<VectorInfo> vectors;
    vectors.reserve(static_cast<size_t>(info->veccount));
    engine->m_columnOfInit.assign(static_cast<size_t>(info->veccount), 0);
    engine->m_initNames.clear();
    int column = 0;
    for (int i = 0; i < info->veccount; ++i) {
        const vecinfo* vec = info->vecs[i];
        VectorInfo v;
        v.name = vec->vecname ? vec->vecname : "";
        v.isComplex = !vec->is_real;
        engine->m_initNames.push_back(v.name);
        engine->m_columnOfInit[static_cast<size_t>(i)] = column;
        column += v.isComplex ? 2 : 1;
        vectors.push_back(std::move(v));
    }
    engine->m_dataOrderChecked = false;
    engine->m_lastVecIndex = -1;
    queue->configure(column);
    // The halt reason now, not when the writer gets to the event: a writer still busy with
    // an earlier plot must not mistake a later stop for one that came before this plot.
    queue->push(StreamEvent::plotStarted(info->type ? info->type : "", std::move(vectors),
                                         engine->m_haltReason.load()));
    return 0;
}

int SpiceEngine::onData(vecvaluesall* values, int, int, void* self) {
    auto* engine = static_cast<SpiceEngine*>(self);
    std::lock_guard stream(engine->m_streamMutex);
    auto* queue = engine->m_queue;
    if (!queue || !values)
        return 0;
    const int count = values->veccount;
    engine->m_resuming = false;
    if (!engine->m_dataOrderChecked) {
        // Once per plot: the data callback's order normally equals the init order, but
        // map by name so that a difference cannot scramble columns. Also learn which
        // vector is the scale.
        std::unordered_map<std::string, int> byName;
        for (size_t i = 0; i < engine->m_initNames.size(); ++i)
            byName.emplace(engine->m_initNames[i], static_cast<int>(i));
        engine->m_columnOfData.assign(static_cast<size_t>(count), -1);
        engine->m_complexOfData.assign(static_cast<size_t>(count), false);
        for (int i = 0; i < count; ++i) {
            auto it = byName.find(values->vecsa[i]->name ? values->vecsa[i]->name : "");
            if (it != byName.end()) {
                engine->m_columnOfData[static_cast<size_t>(i)] =
                    engine->m_columnOfInit[static_cast<size_t>(it->second)];
                engine->m_complexOfData[static_cast<size_t>(i)] = values->vecsa[i]->is_complex;
            }
        }
        engine->m_identityLayout = true;
        for (int i = 0; i < count && engine->m_identityLayout; ++i)
            engine->m_identityLayout = engine->m_columnOfData[static_cast<size_t>(i)] == i &&
                                       !engine->m_complexOfData[static_cast<size_t>(i)];
        engine->m_dataOrderChecked = true;
    }
    // With `.options interp` ngspice may hand the same point twice.
    if (values->vecindex > 0 && values->vecindex == engine->m_lastVecIndex)
        return 0;
    engine->m_lastVecIndex = values->vecindex;

    if (!engine->m_batch) {
        engine->m_batch = queue->acquire();
        engine->m_batchStarted = std::chrono::steady_clock::now();
    }
    SampleBatch& batch = *engine->m_batch;
    double* row = batch.values.data() + static_cast<size_t>(batch.rows) * batch.columns;
    const int known = std::min(count, static_cast<int>(engine->m_columnOfData.size()));
    if (engine->m_identityLayout) {
        for (int i = 0; i < known; ++i)
            row[i] = values->vecsa[i]->creal;
    } else
        for (int i = 0; i < known; ++i) {
            const int column = engine->m_columnOfData[static_cast<size_t>(i)];
            if (column < 0)
                continue;
            row[column] = values->vecsa[i]->creal;
            if (engine->m_complexOfData[static_cast<size_t>(i)])
                row[column + 1] = values->vecsa[i]->cimag;
        }
    ++batch.rows;
    if (batch.rows == batch.capacity ||
        std::chrono::steady_clock::now() - engine->m_batchStarted >= kBatchMaxAge)
        engine->flushBatch();
    return 0;
}

int SpiceEngine::onBgThread(bool notRunning, int, void* self) {
    // Measured on ngspice 39: the flag is true when the thread has ended.
    auto* engine = static_cast<SpiceEngine*>(self);
    if (!notRunning) {
        pthread_setname_np(pthread_self(), "ngspice-bg"); // for top, perf and gdb
        engine->setRunning(true);
        std::lock_guard stream(engine->m_streamMutex);
        if (engine->m_queue)
            engine->m_queue->push(StreamEvent::bgStarted());
        return 0;
    }
    {
        std::lock_guard stream(engine->m_streamMutex);
        if (engine->m_queue) {
            engine->flushBatch();
            engine->m_queue->push(StreamEvent::bgEnded(engine->m_haltReason.load()));
        }
    }
    // Last: whoever waits for the thread's end may free the queue as soon as this is seen.
    engine->setRunning(false);
    return 0;
}

void SpiceEngine::flushBatch() { // with m_streamMutex held
    if (!m_batch || !m_queue)
        return;
    if (m_batch->rows == 0)
        return;
    m_queue->push(StreamEvent::data(std::move(m_batch)));
}
