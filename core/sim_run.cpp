#include "sim_run.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

std::string SimRun::number(double value) {
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buffer[32];
    if (value == std::trunc(value) && std::abs(value) < 1e15) {
        std::snprintf(buffer, sizeof buffer, "%.0f", value); // "4700", not "4.7e+03"
        return buffer;
    }
    for (int digits = 1; digits <= 17; ++digits) {
        std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
        if (std::strtod(buffer, nullptr) == value)
            break;
    }
    return buffer;
}

std::string SimRun::sweepJson() const {
    std::string json = "{";
    for (size_t i = 0; i < sweep.size(); ++i) {
        // Sweep names are SPICE identifiers: nothing to escape.
        json += (i ? ", \"" : "\"") + sweep[i].first + "\": " + number(sweep[i].second);
    }
    return json + "}";
}
