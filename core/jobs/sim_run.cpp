#include "core/jobs/sim_run.h"

#include "core/base/spice_number.h"

// Written by hand, not through QJsonDocument, on purpose: QJsonObject sorts its keys, and
// this text must keep the job's sweep order (Python's job_table columns follow it) and stay
// byte for byte what it was, because it is part of each point's netlist label and so of the
// netlist hash in the run id. The values print as spice_number::format prints them (shortest
// round trip); QJsonDocument would read them back as the same doubles, but not always write
// the same text (1e+15 becomes 1000000000000000).
std::string SimRun::sweepJson() const {
    std::string json = "{";
    for (size_t i = 0; i < sweep.size(); ++i) {
        // Sweep names are SPICE identifiers: nothing to escape.
        json +=
            (i ? ", \"" : "\"") + sweep[i].first + "\": " + spice_number::format(sweep[i].second);
    }
    return json + "}";
}
