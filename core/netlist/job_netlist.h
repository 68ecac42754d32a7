#pragma once

#include <string>
#include <utility>
#include <vector>

// The netlist text of one point of a job: the user's netlist with the point's Monte Carlo
// seed, corner libraries, parameters and analysis written into it. Pure logic; any thread.
//
//   <title line>
//   .options seed=1235                       seed: first, before numparam evaluates agauss()
//   ... the netlist; its analyses commented out when the point names one ...
//   * [wavebench job] <label>
//   .lib /abs/models.lib ss                  corner libraries
//   .param vth_shift=0.05                    parameters, in order: a later one wins
//   .tran 10n 10u                            the point's analysis
//   .end
//
// ngspice sorts top-level .param lines by dependency and the last definition of a name wins,
// so the appended lines override the netlist's own values, and parameters derived from them
// follow (verified with ngspice 39).
class JobNetlist {
public:
    struct Point {
        std::string label;        // a comment saying which point this is
        std::string analysisLine; // ".tran 10n 10u"; empty: the netlist's own analyses
        long long seed = -1;      // -1: no seed line
        std::vector<std::pair<std::string, std::string>> libs;       // absolute file, section
        std::vector<std::pair<std::string, std::string>> parameters; // name, SPICE text
    };

    static std::string build(const std::string& netlistText, const Point& point);
    // The analyses the netlist's dot cards run ("op", "tran"), in order. The commands of a
    // .control script are not read, so a job driven by one has no analysis in its run ids.
    static std::vector<std::string> analyses(const std::string& netlistText);
};
