#pragma once

#include "core/base/result.h"
#include "core/base/run_status.h"
#include "core/crefs/probe_resolver.h"
#include "core/crefs/vector_info.h"
#include "core/netlist/measure_results.h"
#include "core/store/h5_handle.h"
#include "core/store/run_metadata.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

struct SampleBatch;
struct JournalControl;

// The HDF5 side of H5Sink (core/store only): writes one part file (StorePaths), which it
// creates; it fails if the file exists. A plot goes into the part as a table of sample
// rows (PlotLayout), which the commit turns into the store's layout. Thread: as H5Sink's; every
// call holds h5Mutex().
class H5Writer {
public:
    static Result<std::unique_ptr<H5Writer>> open(const std::string& path);
    ~H5Writer();

    // Creates /runs/<id> with status=running and its inputs. Fails if the id exists.
    Result<bool> createRun(const RunMetadata& metadata);
    // Records the plot's layout (its coordinate, vectors, steps) and starts its samples.
    Result<bool> beginPlot(const std::string& plotType, const std::vector<VectorInfo>& vectors,
                           const Resolution& resolution);
    // Appends rows [first, last) of the batch (all of them when last < 0).
    void append(const SampleBatch& batch, int first = 0, int last = -1);
    // In a stepped run (RunMetadata::stepping), what follows belongs to the next step: the
    // next value of a .dc line's second source, or the next plot of a .control loop. Its
    // datasets have a leading step_index dimension; steps shorter than the longest are
    // padded with NaN.
    void nextStep();
    void addLog(const std::string& line);
    // Completes the current run group: data flushed, logs, status; _SUCCESS only when ok.
    Result<bool> finishRun(RunStatus status, const std::string& message);

    // The .measure results finishRun() stored in the run it finished last.
    const std::vector<MeasureResults::Measurement>& finishedMeasurements() const {
        return m_finishedMeasurements;
    }
    bool hasRun() const { return m_run.valid(); }
    // The first write that failed (a full disk, a quota), naming the file; "" while none.
    const std::string& failure() const;

private:
    H5Writer() = default;
    void flushStaged();
    void writeStepStart();
    void writeLogs();

    std::string m_path;
    std::unique_ptr<JournalControl> m_control; // before m_file: outlives its close
    H5Handle m_file;
    H5Handle m_run;
    std::string m_runId;
    // The plot as a part holds it (PlotLayout): one table of sample rows, open for the run,
    // and a row per step; the commit builds the store's datasets from them.
    H5Handle m_samples;
    H5Handle m_steps;
    int m_columns = 1;            // of a sample row
    std::vector<double> m_staged; // m_chunkRows rows of m_columns, row-major as ngspice's
    int m_chunkRows = 4096;
    int m_stagedRows = 0;
    long long m_points = 0;    // sample rows flushed, over all steps
    bool m_scalarPlot = false; // an operating point: one value per vector (per step)
    std::string m_dcSweepSource;
    RunStepping m_stepping;
    bool m_stepped = false; // the current plot has a step_index dimension
    long long m_step = 0;
    bool m_stepHasValue = false; // an operating point: this step's row is in
    std::string m_log;
    std::string m_warnings;
    bool m_logTruncated = false;
    std::vector<MeasureResults::Declared> m_measures; // the run netlist's .measure statements
    std::vector<MeasureResults::Measurement> m_finishedMeasurements;
    std::chrono::steady_clock::time_point m_lastFlush;
};
