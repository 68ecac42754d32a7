#pragma once

#include <string>

// One vector of an ngspice plot as announced by the init-data callback. Thread: a plain
// value, made on ngspice's thread and handed to the run's writer.
struct VectorInfo {
    std::string name; // as ngspice gives it, lowercase: "xota1.out", "vdd#branch", "@m1[gm]"
    bool isComplex = false;
    bool isScale = false; // the plot's coordinate (time, frequency, sweep)
};
