#pragma once

#include <QMetaType>
#include <memory>
#include <string>
#include <vector>

// New samples of one run, built on the run's writer thread and then handed read-only
// (shared, const) to any thread (plots, tests). Columns hold the
// real part of each stored vector (`imag` the imaginary part of complex ones); rows
// continue where the previous block ended, or start again at 0 with the next step.
struct SampleBlock {
    std::shared_ptr<const std::vector<std::string>> crefs;   // one per column, shared by blocks
    std::shared_ptr<const std::vector<std::string>> vectors; // ngspice's name of each column
    std::shared_ptr<const std::vector<std::string>> units;   // each column's, as stored
    std::string coordinate;                                  // "time", "frequency", ...
    std::string coordinateUnit;                              // "s", "Hz", "V", ... or ""
    long long firstRow = 0;                                  // within the step, in a stepped run
    long long step = -1;    // index along step_index in a stepped run (RunStepping), else -1
    std::string stepSource; // what the steps step ("vg"), when known
    double stepValue = 0;   // its value in this step; NaN when unknown
    std::vector<double> coordinateValues;
    std::vector<std::vector<double>> columns;
    std::vector<std::vector<double>> imag; // per column; empty for a real vector
};

using SampleBlockPtr = std::shared_ptr<const SampleBlock>;
Q_DECLARE_METATYPE(SampleBlockPtr)
