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
// creates; it fails if the file exists. Thread: as H5Sink's; every call holds h5Mutex().
class H5Writer {
public:
    static Result<std::unique_ptr<H5Writer>> open(const std::string& path);
    ~H5Writer();

    // Creates /runs/<id> with status=running and its inputs. Fails if the id exists.
    Result<bool> createRun(const RunMetadata& metadata);
    // Creates the coordinate and one dataset per vector of the plot.
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
    void writeStepValues();
    bool hasStepSource() const;
    void writeLogs();

    // Datasets are opened only while a chunk is written: an open HDF5 dataset costs about
    // 25 KB, which for a thousand vectors would outweigh ngspice itself.
    struct Column {
        std::string link; // name in the run group: the coordinate's or the cref
        int sourceColumn = 0;
        bool isComplex = false;
        int rank = 1;               // 2: (step_index, point or coordinate)
        bool firstStepOnly = false; // a coordinate all steps share
        std::vector<double> staged; // chunkRows values (interleaved re/im when complex)
    };

    std::string m_path;
    std::unique_ptr<JournalControl> m_control; // before m_file: outlives its close
    H5Handle m_file;
    H5Handle m_run;
    std::string m_runId;
    std::vector<Column> m_columns; // [0] is the coordinate when the plot has one
    int m_chunkRows = 4096;
    int m_stagedRows = 0;
    long long m_points = 0;
    bool m_scalarPlot = false; // an operating point: one value per vector, stored as scalars
    std::string m_dcSweepSource;
    RunStepping m_stepping;
    std::string m_coordinateName;
    bool m_stepped = false; // the current plot has a step_index dimension
    long long m_step = 0;
    long long m_stepPoints = 0;     // rows of the current step written so far
    long long m_pointScaleSize = 0; // length of the "point" dimension (ragged steps)
    bool m_stepHasValue = false;    // a stepped operating point: this step's row is in
    std::string m_log;
    std::string m_warnings;
    bool m_logTruncated = false;
    std::vector<MeasureResults::Declared> m_measures; // the run netlist's .measure statements
    std::vector<MeasureResults::Measurement> m_finishedMeasurements;
    std::chrono::steady_clock::time_point m_lastFlush;
};
