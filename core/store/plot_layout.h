#pragma once

#include "core/base/result.h"
#include "core/crefs/probe_resolver.h"
#include "core/crefs/vector_info.h"
#include "core/netlist/run_stepping.h"

#include <hdf5.h>
#include <string>
#include <vector>

// One plot of a run as a part holds it, and as the store gets it. Private to core/store.
//
// A part does not hold the store's layout of a plot (a coordinate, a dataset per vector,
// their dimension scales): that costs a thousand HDF5 objects to create, a thousand to open
// and close at every flush, and a thousand to read back at the commit. It holds instead
//   _plot     the layout below, as JSON: which column of a sample row each vector is, its
//             cref, unit and aliases, the coordinate, the steps' kind;
//   _samples  every sample row as ngspice gave it (rows x columns of doubles, a complex
//             vector in two columns), appended a staged block at a time in one write;
//   _steps    of a stepped plot, one row per step: the sample row it starts at and the
//             stepped source's value;
// and the commit (RunCopy) builds the store's objects from them once, each dataset
// contiguous at its exact final size, the same objects, attributes and values a plot
// written directly would have (build()).
//
// Pure logic, but for build() and readFrom(), which need h5Mutex() held (any thread).
struct PlotLayout {
    struct Vector {
        std::string cref;
        std::string unit;
        std::string sourceVector;
        std::string nodeKind;
        std::vector<std::string> aliases;
        bool isComplex = false;
        int column = 0; // of a sample row
    };

    std::string analysis;       // "tran", "ac", "op", ...
    std::string coordinateName; // "" for an operating point
    std::string coordinateUnit;
    int coordinateColumn = -1; // -1: the coordinate is the sample's index (no scale vector)
    bool scalar = false;       // an operating point: one value per vector
    bool stepped = false;      // a step_index dimension
    bool ragged = false;       // stepped, each step with a time axis of its own (2-D)
    std::string stepSource;    // a name of its own in the run group; "" when none
    std::string stepUnit;
    int columns = 0; // of a sample row
    std::vector<Vector> vectors;

    // The layout beginPlot takes for a plot of these vectors.
    static PlotLayout describe(const std::string& analysis, const std::vector<VectorInfo>& vectors,
                               const Resolution& resolution, const RunStepping& stepping,
                               const std::string& dcSweepSource);
    // Why the store could not hold this plot ("" when it can): a name the run group would
    // get twice (a cref equal to the coordinate, two vectors with one cref), or one that is
    // not a link name. Checked when the plot begins, so that such a run fails then, as it
    // did when the part held the store's layout, instead of leaving a part no commit takes.
    std::string problem() const;
    std::string toJson() const;
    static Result<PlotLayout> fromJson(const std::string& json);

    // The part's run group holds a plot in this form (its _plot dataset).
    static bool heldBy(hid_t partRun);
    // Builds the plot of `partRun` (its _plot, _samples, _steps) into the store's run group
    // `storeRun`: the coordinate, step_index, point, the stepped source, vectors/<cref>/data
    // and the cref links, in the order a plot written directly has them, with their
    // dimension scales. Memory: a few MB of samples at a time, however long the run.
    static bool build(hid_t partRun, hid_t storeRun);
};

namespace part_layout {
inline constexpr const char* kPlot = "_plot";
inline constexpr const char* kSamples = "_samples";
inline constexpr const char* kSteps = "_steps";
} // namespace part_layout
