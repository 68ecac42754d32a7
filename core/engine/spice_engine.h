#pragma once

#include "core/engine/halt_reason.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

class StreamQueue;
struct SampleBatch;

// The process-wide libngspice instance (ngspice allows one per loaded library).
//
// Threads: every public method is called from one thread only, SimSession's worker thread
// (isRunning()/isBroken() from any). ngspice calls the callbacks on its own threads (the
// background simulation thread during bg_run, the caller's thread for synchronous
// commands); they copy what they need into a StreamQueue and never touch Qt widgets, HDF5
// or the heap per value. A callback uses the attached queue and the batch it fills only
// while holding m_streamMutex, so detach() returns only once no callback can reach them.
//
// LC_NUMERIC: ngspice parses and prints numbers with the C library's locale, which is
// process-wide; changing it races with number formatting on every other thread. The apps
// set it to "C" in main() before any thread starts; the engine only checks it once, when
// the library is first loaded, and never touches it per command.
//
// libngspice is loaded with dlopen so that it can be unloaded and loaded again after a
// controlled exit (`quit`, internal errors), which leaves an ngspice 39 instance unusable.
class SpiceEngine {
public:
    using HaltReason = ::HaltReason;

    struct Outcome {
        bool ok = false;
        std::string message;             // the error lines ngspice printed, or why it failed
        std::vector<std::string> output; // everything ngspice printed during the call
    };

    static SpiceEngine& instance();

    // Loads libngspice (again, if a controlled exit broke it). Idempotent.
    Outcome ensureLoaded();
    // A library as a new process loads it, for a run that must see nothing of the runs and
    // commands before it. ngspice 39 keeps state across circuits that `destroy all` and
    // `remcirc` leave and no command undoes: `save none` sets a C static that cuts every
    // later plot to one point (each .measure then fails "out of interval"), `.options
    // interp` latches another, and `set` variables, `define`d functions and aliases of a
    // .control block stay. So a library that has run anything since it was loaded is told
    // to `quit` (which frees what it holds) and loaded again; a fresh one is kept. Fails,
    // without touching the library, while ngspice's background thread still runs.
    Outcome ensureFresh();
    Outcome loadCircuit(const std::vector<std::string>& lines);
    Outcome command(const std::string& text);
    Outcome startBackground(const std::string& text = "run");
    // bg_halt waits until ngspice's thread stopped; the reason is handed to BgEnded.
    void halt(HaltReason reason);
    Outcome resume();

    bool isRunning() const { return m_running.load(); }
    bool isBroken() const { return m_broken.load(); }
    std::string version() const { return m_version; }
    // Waits until ngspice's background thread has returned from its last callback
    // (BGThreadRunning with "ended"), at most `timeout`; false if it still runs then (a
    // hung ngspice). Woken by the callback, no polling.
    bool waitUntilBackgroundEnded(std::chrono::milliseconds timeout);

    // Streams callback events into `queue` until detach(). Not while a run is active.
    void attach(StreamQueue* queue);
    // After it returns no callback touches the queue or the batch it was filling, even if
    // ngspice's thread still runs: the queue may be freed.
    void detach();

    SpiceEngine(const SpiceEngine&) = delete;
    SpiceEngine& operator=(const SpiceEngine&) = delete;

private:
    SpiceEngine();
    ~SpiceEngine();
    struct Library;

    Outcome captured(bool ok, std::vector<std::string> output, const std::string& what);
    void unload();
    void setRunning(bool running); // wakes waitUntilBackgroundEnded() when false
    void flushBatch();             // with m_streamMutex held

    static int onChar(char* text, int id, void* self);
    static int onStat(char* text, int id, void* self);
    static int onExit(int status, bool immediate, bool quit, int id, void* self);
    static int onData(struct vecvaluesall* values, int count, int id, void* self);
    static int onInit(struct vecinfoall* info, int id, void* self);
    static int onBgThread(bool notRunning, int id, void* self);

    std::unique_ptr<Library> m_lib;
    std::string m_version;
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_broken{false};
    bool m_fresh = false; // loaded, and nothing sent to it since but our setup commands
    std::atomic<HaltReason> m_haltReason{HaltReason::None};
    std::mutex m_bgMutex; // with m_bgEnded: m_running turned false
    std::condition_variable m_bgEnded;

    std::mutex m_captureMutex;
    std::vector<std::string>* m_capture = nullptr;

    // The stream: held by every callback while it uses m_queue or m_batch, and by
    // attach()/detach(). The fields below it are touched only by callbacks.
    std::mutex m_streamMutex;
    StreamQueue* m_queue = nullptr;
    std::unique_ptr<SampleBatch> m_batch;
    std::chrono::steady_clock::time_point m_batchStarted;
    std::vector<int> m_columnOfInit; // init-data index -> batch column
    std::vector<int> m_columnOfData; // data-callback index -> batch column
    std::vector<char> m_complexOfData;
    bool m_identityLayout = false; // all real, data order == column order: the fast path
    std::vector<std::string> m_initNames;
    bool m_dataOrderChecked = false;
    std::atomic<bool> m_resuming{false}; // bg_resume re-announces the same plot
    int m_lastVecIndex = -1;
};
