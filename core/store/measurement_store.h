#pragma once

#include "core/netlist/measure_results.h"

#include <hdf5.h>
#include <vector>

// A run group's measurements/ (the layout is in MeasureResults). Thread: HDF5 calls on
// handles the caller owns; the caller holds h5Mutex(). Private to core/store.
class MeasurementStore {
public:
    // Parses `log` for the run group's `analysis` attribute and writes measurements/.
    // Writes nothing when nothing is declared for that analysis.
    // Parses and writes; `stored` (when given) receives what was written.
    static bool store(hid_t run, const std::string& log,
                      const std::vector<MeasureResults::Declared>& declared,
                      std::vector<MeasureResults::Measurement>* stored = nullptr);
    static bool write(hid_t run, const std::vector<MeasureResults::Measurement>& measurements);
    // What write() stored; empty when the run has no measurements.
    static std::vector<MeasureResults::Measurement> read(hid_t run);
};
