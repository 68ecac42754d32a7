#pragma once

#include <string>
#include <utility>
#include <vector>

// The results of a netlist's .measure statements, as ngspice prints them after a run, and
// their place in the store:
//
//   /runs/<id>/measurements/<name>   float64 scalar; NaN when the measure failed
//       attrs: message  (empty, or why it is NaN: ngspice's reason and the statement)
//              analysis (tran, ac, ...)
//              and one float64 attribute per extra value ngspice printed (targ, trig,
//              at, from, to)
//
// The group exists in a run group whose analysis matches at least one .measure statement.
// ngspice prints measurements through its character callback (so they reach a run's log):
//
//   stdout tdelay              =  6.931531e-07 targ=  6.936531e-07 trig=  5.000000e-10
//   stderr out of interval
//   stderr .measure tran bad find v(out) at=20u failed!
//
// Names are lower case, as ngspice reports them. MeasurementStore writes and reads them.
// Thread: pure logic.
class MeasureResults {
public:
    struct Declared {
        std::string name;     // lower case
        std::string analysis; // tran, ac, dc, noise, sp
    };
    struct Measurement {
        std::string name;
        std::string analysis;
        double value = 0;
        std::string message; // empty when the value is valid
        std::vector<std::pair<std::string, double>> extras;
    };

    // The .meas/.measure cards of a netlist (SpiceLexer's: not the title, not .control
    // blocks, nothing after .end).
    static std::vector<Declared> declared(const std::string& netlistText);
    // Every declared measure of `analysis` (all of them when it is empty) with its value from
    // `log` (ngspice's lines, with or without their "stdout "/"stderr " prefix), or NaN and
    // the reason.
    static std::vector<Measurement> parse(const std::string& log,
                                          const std::vector<Declared>& declared,
                                          const std::string& analysis);
};
