#pragma once

#include <limits>
#include <string>
#include <vector>

// A run in which ngspice itself loops over several sweeps: a `.dc` line with a second
// source, or a .control script that repeats an analysis (foreach/repeat/while, alter,
// alterparam). Such a run is stored as one run group with a step_index dimension rather
// than split into runs, because ngspice, not Wavebench, decides where the steps are.
// Pure logic: a plain value.
struct RunStepping {
    enum class Kind {
        None,
        Plots,          // every repeated plot of the same analysis is one step
        DcSecondSource, // one plot; the inner sweep restarts at each value of the outer source
    };
    Kind kind = Kind::None;
    // DcSecondSource only.
    std::string source;         // the outer source ("v2"), lower case
    std::string unit;           // "V", "A", "" (temp, a resistor)
    std::vector<double> values; // the outer source's value at each step
    long long innerPoints = 0;  // points of one inner sweep, from the .dc line
    double innerDirection = 1;  // +1 when the inner sweep rises, -1 when it falls

    bool stepped() const { return kind != Kind::None; }
    // Whether a plot of this analysis ("tran", "dc") is stored with steps: a .dc line's
    // second source steps the dc sweep only, not an .op beside it.
    bool steps(const std::string& analysis) const {
        return kind == Kind::Plots || (kind == Kind::DcSecondSource && analysis == "dc");
    }
    // The stepped source's value at a step; NaN when it is not known.
    double valueAt(long long step) const {
        return step >= 0 && step < static_cast<long long>(values.size())
                   ? values[static_cast<size_t>(step)]
                   : std::numeric_limits<double>::quiet_NaN();
    }
};
