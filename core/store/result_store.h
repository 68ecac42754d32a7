#pragma once

#include "core/base/result.h"
#include "core/netlist/measure_results.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

struct RunSummary {
    std::string runId;
    std::string job; // the SimJobSpec name; "" for a single run
    std::string analysis;
    std::string status;
    std::string message;
    std::string started;
    std::string finished;
    std::string coordinate;
    long long points = 0;
    bool success = false; // the _SUCCESS marker is there
};

struct StoredVector {
    std::string cref;
    std::string unit;
    std::string sourceVector;
    std::string nodeKind; // the node_kind attribute as stored; nodeKindFromString() reads it
    std::vector<std::string> aliases;
    std::vector<double> values; // real part for complex vectors
    std::vector<double> imag;   // imaginary part; empty for real vectors
};

struct RunData {
    RunSummary summary;
    std::vector<double> coordinate;
    std::string coordinateUnit; // its unit attribute: "s", "Hz", "V", ... or ""
    std::vector<StoredVector> vectors;
    std::string netlist;
    std::string probeMapJson;
    std::string treeJson;
    std::string log;
    std::string warnings;
    long long seed = -1;
    std::string ngspiceVersion;
    std::string netlistSha256;
    // The job point (SimJobSpec) and the .measure results (NaN: failed, with its message).
    std::string job;
    std::string corner;
    std::string sweep; // JSON
    long long sweepIndex = -1;
    std::vector<std::string> probes; // the crefs plotted while it ran; empty in older stores
    std::map<std::string, double> measurements;
    std::map<std::string, std::string> measurementMessages; // only for failed measures
    // A stepped run (RunStepping): the coordinate and every vector hold the steps one after
    // another, step k being [stepStarts[k], stepStarts[k + 1]) (the last runs to the end),
    // without the NaN padding of the store. Empty when the run has no steps. A stepped
    // operating point is instead one curve over the steps (coordinate: the stepped source).
    std::vector<size_t> stepStarts;
    std::string stepSource;         // what was stepped ("vg", "rv"); "" when unknown
    std::vector<double> stepValues; // its value at each step; empty when unknown
    // A read of chosen vectors (ResultStore::VectorFilter): the run's other vectors, with
    // their cref, unit, kind and aliases but no values. Empty after a full read.
    std::vector<StoredVector> unread;

    const StoredVector* find(const std::string& cref) const;
};

// Reads runs back from a store written by H5Sink, and the runs still in its part files
// (<store>.parts/): a run this process writes is read as it is now; one a live process
// elsewhere writes (an engine) is listed as running but not read until it ends, since HDF5
// could meet its metadata half written.
//
// Thread: any but the GUI thread (each call opens and reads an HDF5 file). A call holds
// h5Mutex() for one step at a time (the list of ids, a few runs' summaries, a few
// datasets), never for a whole read, so that a run writing into the same store meanwhile
// is held up by one step at most. Each step opens and closes the file: between steps the
// reader holds nothing, and a run may open the store for writing. A run still being
// written is read as it was at the call's first step: a dataset appended to since is read
// only to the extent the first of its rank had then, so every vector is as long as the
// coordinate.
class ResultStore {
public:
    // Called after each step of readRun() (`done` of `total`), without h5Mutex() held and
    // with the file closed.
    using ReadProgress = std::function<void(int done, int total)>;

    static Result<std::vector<RunSummary>> listRuns(const std::string& path);
    // Only the ids (group names): cheap however many runs the store holds.
    static Result<std::vector<std::string>> runIds(const std::string& path);
    // Which vectors readRun reads the values of: a plot of one cref from a 1,000-node run
    // need not read the other 999.
    struct VectorFilter {
        bool all = true;
        bool probes = false;            // the run's own probes (RunData::probes)
        std::vector<std::string> crefs; // crefs or aliases; each must be in the run
        static VectorFilter only(std::vector<std::string> crefs, bool andProbes = false) {
            return VectorFilter{false, andProbes, std::move(crefs)};
        }
    };

    static Result<RunData> readRun(const std::string& path, const std::string& runId,
                                   const ReadProgress& progress = {});
    // Only the vectors the filter names are read (the others listed in RunData::unread); a
    // cref the run does not have is an error naming it.
    static Result<RunData> readRun(const std::string& path, const std::string& runId,
                                   const VectorFilter& filter, const ReadProgress& progress = {});
};
