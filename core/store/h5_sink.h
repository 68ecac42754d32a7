#pragma once

#include "core/base/result.h"
#include "core/base/run_status.h"
#include "core/crefs/probe_resolver.h"
#include "core/crefs/vector_info.h"
#include "core/netlist/measure_results.h"
#include "core/store/run_metadata.h"

#include <memory>
#include <string>
#include <vector>

struct SampleBatch;
class H5Writer;

// Writes runs into a store (one HDF5 file), in the layout
//   /runs/<run_id>/{attrs, inputs/, <coordinate>, vectors/<cref>/data, <cref>, logs/, _SUCCESS}
// Each run streams into a part file of its own beside the store (<store>.parts/<id>.h5),
// flushed every second, and is committed into the store when it ends (StoreCommit): the
// store is written only for that commit, which either lands whole or leaves the store as
// it was. A process killed mid-run leaves its part, which the next open() (or `wavebench-run
// recover`) commits as interrupted. Data are staged per column and appended in whole
// chunks, so memory stays bounded however long the run is. A run group is only ever
// created, never overwritten, so a later failure cannot damage an earlier run.
//
// Thread: one writer thread (a RunHandle's consumer) uses an H5Writer at a time; every call
// holds h5Mutex().
class H5Sink {
public:
    // Checks that the store can be written and recovers what dead processes left in it.
    static Result<std::unique_ptr<H5Sink>> open(const std::string& path);
    ~H5Sink();

    // Creates /runs/<id> with status=running and its inputs, in the run's part file. Fails
    // if the id exists in the store or as a part.
    Result<bool> createRun(const RunMetadata& metadata);
    // Creates the coordinate and one dataset per vector of the plot.
    Result<bool> beginPlot(const std::string& analysis, const std::vector<VectorInfo>& vectors,
                           const Resolution& resolution);
    // Appends rows [first, last) of the batch (all of them when last < 0).
    void append(const SampleBatch& batch, int first = 0, int last = -1);
    // In a stepped run (RunMetadata::stepping), what follows belongs to the next step: the
    // next value of a .dc line's second source, or the next plot of a .control loop. Its
    // datasets have a leading step_index dimension; steps shorter than the longest are
    // padded with NaN.
    void nextStep();
    void addLog(const std::string& line);
    // Completes the current run group (data flushed, logs, status; _SUCCESS only when ok)
    // and commits it into the store.
    Result<bool> finishRun(RunStatus status, const std::string& message);
    // The first write of the current run that failed (a full disk, a quota), naming the
    // file; "" while none. The run cannot be stored: stop it.
    std::string failure() const;
    // What open() recovered: "run <id>: <status> (<why>)", one a line.
    const std::vector<std::string>& recovered() const { return m_recovered; }

    // The .measure results finishRun() stored in the run it finished last.
    const std::vector<MeasureResults::Measurement>& finishedMeasurements() const;
    bool hasRun() const;

private:
    explicit H5Sink(std::string path);
    std::string m_path;
    // HDF5 stays private to core/store: the writer's header includes hdf5.h, this one not.
    std::unique_ptr<H5Writer> m_writer; // the current run's part; null between runs
    std::string m_runId;
    std::vector<MeasureResults::Measurement> m_finishedMeasurements;
    std::vector<std::string> m_recovered;
};
