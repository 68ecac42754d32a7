#pragma once

#include <cstddef>
#include <string>
#include <vector>

// The measurements of a trace over an x range, as the measurements panel, `--measurements`
// and workbooks name them: min, max, avg, rms, pp, tmin, tmax, integ, freq, period, rise,
// fall, overshoot, settling. The trace is linear between samples, and averages are weighted
// by x (time), not by sample count: ngspice's steps are not uniform. Pure logic.
class Measurements {
public:
    struct Value {
        double value;       // NaN when it does not apply
        std::string unit;   // derived from the trace's and x's units: "V", "s", "Hz", "%", "V·s"
        std::string reason; // why it is NaN ("no rising edge", "fewer than two periods")
    };

    // In the order the panel shows them.
    static const std::vector<std::string>& names();
    static bool isName(const std::string& name);

    // The trace (x non-decreasing) over [x0, x1], clipped to its data; the units are the
    // trace's and the coordinate's.
    static Value measure(const std::string& name, const double* x, const double* y, size_t n,
                         double x0, double x1, const std::string& unit = {},
                         const std::string& xUnit = "s");
    static std::vector<Value> measureAll(const std::vector<std::string>& names, const double* x,
                                         const double* y, size_t n, double x0, double x1,
                                         const std::string& unit = {},
                                         const std::string& xUnit = "s");

    // Levels of a step, 10 %, 90 %, the 2 % band: public for the tests' analytic checks.
    static constexpr double kLow = 0.1;
    static constexpr double kHigh = 0.9;
    static constexpr double kSettlingBand = 0.02;
};
