#pragma once

#include <QMetaType>
#include <memory>
#include <string>
#include <vector>

// New samples of one run, handed read-only to any thread (plots, tests). Columns hold the
// real part of each stored vector (`imag` the imaginary part of complex ones); rows
// continue where the previous block ended.
struct SampleBlock {
    std::shared_ptr<const std::vector<std::string>> crefs;   // one per column, shared by blocks
    std::shared_ptr<const std::vector<std::string>> vectors; // ngspice's name of each column
    std::string coordinate;                                  // "time", "frequency", ...
    long long firstRow = 0;
    std::vector<double> coordinateValues;
    std::vector<std::vector<double>> columns;
    std::vector<std::vector<double>> imag; // per column; empty for a real vector
};

using SampleBlockPtr = std::shared_ptr<const SampleBlock>;
Q_DECLARE_METATYPE(SampleBlockPtr)
