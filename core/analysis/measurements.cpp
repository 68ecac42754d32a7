#include "core/analysis/measurements.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The samples inside [x0, x1], with the line's values at both ends added where they fall
// between samples, and NaN samples dropped.
struct Window {
    std::vector<double> x;
    std::vector<double> y;
    bool empty() const { return x.size() < 2; }
    double span() const { return x.back() - x.front(); }
};

double interpolate(const double* x, const double* y, size_t i, double at) {
    const double dx = x[i + 1] - x[i];
    return dx == 0 ? y[i + 1] : y[i] + (y[i + 1] - y[i]) * (at - x[i]) / dx;
}

Window window(const double* x, const double* y, size_t n, double x0, double x1) {
    Window w;
    if (n == 0 || !(x0 <= x1))
        return w;
    x0 = std::max(x0, x[0]);
    x1 = std::min(x1, x[n - 1]);
    if (!(x0 <= x1))
        return w;
    const size_t first = static_cast<size_t>(std::lower_bound(x, x + n, x0) - x);
    if (first > 0 && x[first] > x0) {
        w.x.push_back(x0);
        w.y.push_back(interpolate(x, y, first - 1, x0));
    }
    size_t i = first;
    for (; i < n && x[i] <= x1; ++i) {
        w.x.push_back(x[i]);
        w.y.push_back(y[i]);
    }
    if (i < n && i > 0 && w.x.back() < x1) {
        w.x.push_back(x1);
        w.y.push_back(interpolate(x, y, i - 1, x1));
    }
    // NaN breaks the line; what is left either side still counts.
    Window clean;
    for (size_t k = 0; k < w.x.size(); ++k)
        if (std::isfinite(w.y[k])) {
            clean.x.push_back(w.x[k]);
            clean.y.push_back(w.y[k]);
        }
    return clean;
}

// The first x after `from` where the line crosses `level` going up (or down).
double crossing(const Window& w, double level, bool rising, size_t from, size_t* at = nullptr) {
    for (size_t i = std::max<size_t>(from, 1); i < w.x.size(); ++i) {
        const double a = w.y[i - 1], b = w.y[i];
        const bool crosses = rising ? (a < level && b >= level) : (a > level && b <= level);
        if (crosses) {
            if (at)
                *at = i;
            return b == a ? w.x[i] : w.x[i - 1] + (w.x[i] - w.x[i - 1]) * (level - a) / (b - a);
        }
    }
    return kNaN;
}

double integral(const Window& w) {
    double sum = 0;
    for (size_t i = 1; i < w.x.size(); ++i)
        sum += (w.y[i] + w.y[i - 1]) / 2 * (w.x[i] - w.x[i - 1]);
    return sum;
}

// Exact for a line between samples: the integral of (a + (b - a) t)^2 over [0, 1].
double integralOfSquare(const Window& w) {
    double sum = 0;
    for (size_t i = 1; i < w.x.size(); ++i) {
        const double a = w.y[i - 1], b = w.y[i];
        sum += (a * a + a * b + b * b) / 3 * (w.x[i] - w.x[i - 1]);
    }
    return sum;
}

// A step from the first value to the last when they differ by half the swing or more; else
// (a periodic signal) the swing from the minimum to the maximum.
struct Levels {
    double from;
    double to;
    bool step;
};

Levels levels(const Window& w) {
    const auto [lo, hi] = std::minmax_element(w.y.begin(), w.y.end());
    const double first = w.y.front(), last = w.y.back();
    if (std::abs(last - first) >= 0.5 * (*hi - *lo) && last != first)
        return {first, last, true};
    return {*lo, *hi, false};
}

std::string product(const std::string& unit, const std::string& xUnit) {
    if (unit.empty())
        return xUnit;
    if (xUnit.empty())
        return unit;
    return unit + "·" + xUnit;
}

std::string inverse(const std::string& xUnit) {
    if (xUnit == "s")
        return "Hz";
    if (xUnit == "Hz")
        return "s";
    return xUnit.empty() ? "" : "1/" + xUnit;
}

Measurements::Value none(const std::string& reason) {
    return {kNaN, "", reason};
}

// Edge time from kLow to kHigh of the swing, on the first such edge.
Measurements::Value edge(const Window& w, bool rising, const std::string& xUnit) {
    const Levels l = levels(w);
    const double swing = l.to - l.from;
    if (swing == 0)
        return none("the trace is flat");
    // A step's direction is its own; a periodic signal has both edges.
    if (l.step && ((swing > 0) != rising))
        return none(rising ? "the step falls: no rising edge" : "the step rises: no falling edge");
    const double lo = std::min(l.from, l.to), hi = std::max(l.from, l.to);
    const double start =
        rising ? lo + Measurements::kLow * (hi - lo) : hi - Measurements::kLow * (hi - lo);
    const double end =
        rising ? lo + Measurements::kHigh * (hi - lo) : hi - Measurements::kHigh * (hi - lo);
    size_t at = 0;
    const double t0 = crossing(w, start, rising, 1, &at);
    if (std::isnan(t0))
        return none(rising ? "no rising edge" : "no falling edge");
    const double t1 = crossing(w, end, rising, at);
    if (std::isnan(t1))
        return none("the edge does not reach 90 %");
    return {t1 - t0, xUnit, ""};
}

// Rising crossings of the mean with a hysteresis of 5 % of the swing (noise does not count).
std::vector<double> periods(const Window& w, double mean) {
    const auto [lo, hi] = std::minmax_element(w.y.begin(), w.y.end());
    const double h = 0.05 * (*hi - *lo);
    std::vector<double> times;
    bool armed = false;
    for (size_t i = 1; i < w.x.size(); ++i) {
        if (w.y[i - 1] < mean - h)
            armed = true;
        const double a = w.y[i - 1], b = w.y[i];
        if (armed && a < mean && b >= mean) {
            times.push_back(w.x[i - 1] + (w.x[i] - w.x[i - 1]) * (mean - a) / (b - a));
            armed = false;
        }
    }
    return times;
}

} // namespace

const std::vector<std::string>& Measurements::names() {
    static const std::vector<std::string> all = {"min",  "max",  "avg",       "rms",     "pp",
                                                 "tmin", "tmax", "integ",     "freq",    "period",
                                                 "rise", "fall", "overshoot", "settling"};
    return all;
}

bool Measurements::isName(const std::string& name) {
    const auto& all = names();
    return std::find(all.begin(), all.end(), name) != all.end();
}

Measurements::Value Measurements::measure(const std::string& name, const double* x, const double* y,
                                          size_t n, double x0, double x1, const std::string& unit,
                                          const std::string& xUnit) {
    if (!isName(name))
        return none("unknown measurement \"" + name + "\"");
    const Window w = window(x, y, n, x0, x1);
    if (w.empty())
        return none("fewer than two samples in the range");
    const auto lo = std::min_element(w.y.begin(), w.y.end());
    const auto hi = std::max_element(w.y.begin(), w.y.end());
    if (name == "min")
        return {*lo, unit, ""};
    if (name == "max")
        return {*hi, unit, ""};
    if (name == "pp")
        return {*hi - *lo, unit, ""};
    if (name == "tmin")
        return {w.x[static_cast<size_t>(lo - w.y.begin())], xUnit, ""};
    if (name == "tmax")
        return {w.x[static_cast<size_t>(hi - w.y.begin())], xUnit, ""};
    if (name == "integ")
        return {integral(w), product(unit, xUnit), ""};
    if (w.span() <= 0)
        return none("the range has no width");
    if (name == "avg")
        return {integral(w) / w.span(), unit, ""};
    if (name == "rms")
        return {std::sqrt(integralOfSquare(w) / w.span()), unit, ""};
    if (name == "freq" || name == "period") {
        const auto times = periods(w, integral(w) / w.span());
        if (times.size() < 2)
            return none("fewer than two periods in the range");
        const double period =
            (times.back() - times.front()) / static_cast<double>(times.size() - 1);
        return name == "period" ? Value{period, xUnit, ""} : Value{1 / period, inverse(xUnit), ""};
    }
    if (name == "rise" || name == "fall")
        return edge(w, name == "rise", xUnit);
    const Levels l = levels(w);
    if (!l.step)
        return none("no step: the trace ends where it started");
    const double step = l.to - l.from;
    if (name == "overshoot") {
        const double beyond = step > 0 ? *hi - l.to : l.to - *lo;
        return {std::max(0.0, beyond) / std::abs(step) * 100, "%", ""};
    }
    // settling: from the step's start (leaving the band around the first value) to the last
    // entry into the band around the final value.
    const double band = kSettlingBand * std::abs(step);
    size_t start = 0;
    while (start < w.y.size() && std::abs(w.y[start] - l.from) <= band)
        ++start;
    if (start == w.y.size())
        return none("the trace never leaves its first value");
    size_t last = w.y.size() - 1;
    while (last > 0 && std::abs(w.y[last - 1] - l.to) <= band)
        --last;
    // The entry is between samples last-1 and last: where the line meets the band's edge.
    double settled = w.x[last];
    if (last > 0) {
        const double a = w.y[last - 1] - l.to, b = w.y[last] - l.to;
        const double edge = a > 0 ? band : -band;
        if (a != b)
            settled = w.x[last - 1] + (w.x[last] - w.x[last - 1]) * (edge - a) / (b - a);
    }
    const double begun =
        start == 0 ? w.x[0]
                   : w.x[start - 1] + (w.x[start] - w.x[start - 1]) *
                                          ((l.from + (step > 0 ? band : -band)) - w.y[start - 1]) /
                                          (w.y[start] - w.y[start - 1]);
    return {settled - begun, xUnit, ""};
}

std::vector<Measurements::Value> Measurements::measureAll(const std::vector<std::string>& names,
                                                          const double* x, const double* y,
                                                          size_t n, double x0, double x1,
                                                          const std::string& unit,
                                                          const std::string& xUnit) {
    std::vector<Value> values;
    for (const auto& name : names)
        values.push_back(measure(name, x, y, n, x0, x1, unit, xUnit));
    return values;
}
