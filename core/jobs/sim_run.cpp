#include "core/jobs/sim_run.h"

#include "core/base/spice_number.h"

std::string SimRun::sweepJson() const {
    std::string json = "{";
    for (size_t i = 0; i < sweep.size(); ++i) {
        // Sweep names are SPICE identifiers: nothing to escape.
        json +=
            (i ? ", \"" : "\"") + sweep[i].first + "\": " + spice_number::format(sweep[i].second);
    }
    return json + "}";
}
