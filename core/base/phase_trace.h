#pragma once

// Where a headless run's time goes, across its processes: with WAVEBENCH_TRACE set, each
// mark writes "wavebench-trace <pid> <wall-clock s> <name>" to stderr, in one write, so that
// the front end's and the engine's lines interleave on one clock (bench/bench_headless.py
// --phases). Without it a mark costs one load. Any thread.
namespace phase_trace {
void mark(const char* name);
}
