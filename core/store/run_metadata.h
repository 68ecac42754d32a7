#pragma once

#include "core/netlist/run_stepping.h"

#include <string>
#include <vector>

// What a run group records besides its data; written when the run starts. Thread: a plain
// value.
struct RunMetadata {
    std::string runId;
    std::string netlist; // the text ngspice was given
    std::string netlistSha256;
    std::string ngspiceVersion;
    std::string probeMapJson;
    std::string paramsYaml;
    std::string treeJson;
    std::string corner;
    std::string sweep;
    long long seed = -1; // -1: no seed was set
    std::string job;
    std::string analysis; // until the first plot names it
    long long sweepIndex = -1;
    // The crefs the front end plotted while the run ran: opening the run shows them again.
    std::vector<std::string> probes;
    std::string dcSweepSource; // the source a .dc line sweeps first: the coordinate's name
    RunStepping stepping;      // several sweeps inside the run: a step_index dimension
};
