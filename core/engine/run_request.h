#pragma once

#include "core/crefs/probe_map.h"
#include "core/design/vector_units.h"
#include "core/netlist/run_netlist.h"
#include "core/store/run_metadata.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// Everything a run needs; a plain value handed from any thread to SimSession.
struct RunRequest {
    std::string netlistPath;      // read from here unless netlistText is set; with
                                  // netlistText, the file it came from (for messages)
    std::string netlistText;      // lines to hand to ngspice directly (ngSpice_Circ)
    std::string baseDir;          // resolves relative .include paths of netlistText
    std::optional<TranSpec> tran; // replaces the netlist's own analyses
    ProbeMap probeMap;
    std::string storePath; // HDF5 file; created when missing
    std::string runId;     // generated when empty
    std::string paramsYaml;
    std::string treeJson;
    // Set (qputenv) in the process that runs ngspice before the circuit loads: an ASDL
    // project's .asdlrc env (PDK_PATH ...), for what the netlist reads of the environment.
    // Process-global: with --in-process it is the front end's environment that changes.
    std::vector<std::pair<std::string, std::string>> environment;
    // The units of the design's vectors, taken from its tree where the tree is at hand; null:
    // the run's writer reads them from treeJson (a 2.7 MB tree.json takes 35 ms to parse).
    std::shared_ptr<const VectorUnits> units;
    // The job point this run is (SimJobSpec), stored as run attributes; empty or -1 outside
    // a job. `analysis` is the attribute until ngspice names the analysis it runs.
    std::string job;
    std::string analysis;
    std::string corner;
    std::string sweep; // JSON object of the sweep values
    long long sweepIndex = -1;
    long long seed = -1;
    std::vector<std::string> probes; // the crefs plotted (RunMetadata::probes)

    // What the run group records of the request itself; the netlist, its hash and the
    // ngspice version are added by whoever prepared the netlist. From a request no longer
    // needed, the large texts are moved, not copied.
    RunMetadata metadata() const& { return RunRequest(*this).metadata(); }
    RunMetadata metadata() && {
        RunMetadata m;
        m.runId = runId;
        m.probeMapJson = probeMap.empty() ? "" : probeMap.toJson();
        m.paramsYaml = std::move(paramsYaml);
        m.treeJson = std::move(treeJson);
        m.job = job;
        m.analysis = analysis;
        m.corner = corner;
        m.sweep = sweep;
        m.sweepIndex = sweepIndex;
        m.seed = seed;
        m.probes = probes;
        return m;
    }
};
