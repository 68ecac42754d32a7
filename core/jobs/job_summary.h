#pragma once

#include "core/base/result.h"
#include "core/jobs/sim_run.h"

#include <QMetaType>
#include <string>
#include <vector>

// How a job ended: every run with its status and measurements, and the measurement table
// over runs. A plain value; JobRunner hands it out on its own thread.
struct JobSummary {
    std::string job;
    std::string storePath;
    std::vector<SimRun> runs; // in job order, skipped runs included
    bool stopped = false;     // stop() ended the job early

    int count(RunStatus status) const; // skipped runs count as Interrupted
    int skipped() const;
    bool allOk() const;

    // One row per run, in job order:
    //   index,run_id,analysis,corner,seed,<sweep params...>,status,<measurements...>
    // Sweep columns in the job's order, measurement columns sorted by name; an empty cell
    // is a value the run does not have, "nan" a measure that failed (see the run's
    // measurementMessages). Numbers read back as the same doubles.
    std::string measurementsCsv() const;
    Result<bool> writeMeasurementsCsv(const std::string& path) const;
};

Q_DECLARE_METATYPE(JobSummary)
