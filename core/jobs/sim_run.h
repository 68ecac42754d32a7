#pragma once

#include "core/base/run_status.h"

#include <QMetaType>
#include <map>
#include <string>
#include <utility>
#include <vector>

// One point of a job (SimJobSpec::expand()) and, once it ran, how it ended: its corner,
// sweep values, seed, run id and status. A plain value: built on any thread, copied between
// threads (JobRunner hands it out on its own thread).
struct SimRun {
    int index = 0; // position in the job, from 0
    std::string job;
    std::string analysis; // "tran", "ac", ...: the job's, or else the netlist's first
    std::string corner;   // "" when the job has no corners
    std::vector<std::pair<std::string, double>> sweep; // in the order of the job's sweeps
    int sweepIndex = 0;  // index into the cartesian product of the sweeps
    long long seed = -1; // Monte Carlo seed; -1 without Monte Carlo
    std::string runId;
    std::string netlistText; // what ngspice is given for this point
    std::string paramsYaml;  // corner, parameters, sweep and seed: inputs/params.yaml

    RunStatus status = RunStatus::Running; // Running until the run has ended
    bool skipped = false;                  // never ran: the job was stopped before it
    std::string message;
    std::vector<std::string> runIds;            // groups written: one per ngspice plot
    std::map<std::string, double> measurements; // .measure name -> value; NaN when failed
    std::map<std::string, std::string> measurementMessages; // why a measurement is NaN

    // {"rval": 2000, "vdd": 1.8}: the `sweep` run attribute.
    std::string sweepJson() const;
};

Q_DECLARE_METATYPE(SimRun)
