#pragma once

#include <string>

// Every name of the store's layout, in one place (python/wavebench/layout.py holds the same
// names for Python; tests/python/test_layout.py checks that the two agree):
//
//   /runs/<run_id>/                      attrs: run_id status message analysis started
//                                               finished coordinate netlist_sha256
//                                               ngspice_version job corner sweep
//                                               sweep_index seed steps step_source
//     inputs/{netlist, probe_map.json, params.yaml, tree.json}
//                                        tree.json: in the store a hard link to
//                                        /trees/<sha256>, one copy per distinct tree
//     <coordinate>                       dimension scale (time, frequency, the dc source)
//     step_index, point                  dimension scales of a stepped run
//     vectors/<cref>/data                attrs: unit source_vec node_kind aliases coordinates
//     <cref>                             hard link to vectors/<cref>/data
//     logs/{ngspice.txt, warnings.jsonl}
//     measurements/<name>                attrs: message analysis, extras
//     _SUCCESS                           empty group, only for status ok
//   /superseded/<run_id>/<n>/            an earlier attempt (n = 1, 2, ...) of a run that had
//                                        failed or was interrupted, replaced by --resume:
//                                        the same layout as /runs/<run_id>
//   /trees/<sha256>                      the design trees of the store's runs, each once
//
// Thread: constants, and one pure function.
namespace store_layout {

// Groups.
inline constexpr const char* kRuns = "runs";
inline constexpr const char* kSuperseded = "superseded";
inline constexpr const char* kTrees = "trees"; // /trees/<sha256 of tree.json>
inline constexpr const char* kInputs = "inputs";
inline constexpr const char* kVectors = "vectors";
inline constexpr const char* kLogs = "logs";
inline constexpr const char* kMeasurements = "measurements";
inline constexpr const char* kSuccess = "_SUCCESS";

// Datasets.
inline constexpr const char* kData = "data"; // vectors/<cref>/data
inline constexpr const char* kNetlist = "netlist";
inline constexpr const char* kProbeMapJson = "probe_map.json";
inline constexpr const char* kParamsYaml = "params.yaml";
inline constexpr const char* kTreeJson = "tree.json";
inline constexpr const char* kNgspiceLog = "ngspice.txt";
inline constexpr const char* kWarningsLog = "warnings.jsonl";
inline constexpr const char* kStepIndex = "step_index"; // dimension scale of stepped runs
inline constexpr const char* kPoint = "point";          // the point dimension of ragged steps

// Run attributes.
inline constexpr const char* kRunId = "run_id";
inline constexpr const char* kStatus = "status";
inline constexpr const char* kMessage = "message";   // also of a measurement
inline constexpr const char* kAnalysis = "analysis"; // also of a measurement
inline constexpr const char* kStarted = "started";
inline constexpr const char* kFinished = "finished";
inline constexpr const char* kCoordinate = "coordinate";
inline constexpr const char* kNetlistSha256 = "netlist_sha256";
inline constexpr const char* kNgspiceVersion = "ngspice_version";
inline constexpr const char* kJob = "job";
inline constexpr const char* kCorner = "corner";
inline constexpr const char* kSweep = "sweep";
inline constexpr const char* kSweepIndex = "sweep_index";
inline constexpr const char* kSeed = "seed";
// The crefs plotted while the run ran (a list of strings; absent in older stores).
inline constexpr const char* kProbes = "probes";
inline constexpr const char* kSteps = "steps";
inline constexpr const char* kStepSource = "step_source";

// Vector attributes.
inline constexpr const char* kUnit = "unit";
inline constexpr const char* kSourceVector = "source_vec";
inline constexpr const char* kNodeKind = "node_kind";
inline constexpr const char* kAliases = "aliases";
inline constexpr const char* kCoordinates = "coordinates"; // CF: auxiliary coordinates
// A part's inputs/tree.json: the SHA-256 of the text, its name under /trees in the store.
inline constexpr const char* kTreeSha256 = "sha256";

// "runs/<run_id>" and "vectors/<cref>/data", relative to the file and the run group.
inline std::string runPath(const std::string& runId) {
    return std::string(kRuns) + "/" + runId;
}
inline std::string vectorDataPath(const std::string& cref) {
    return std::string(kVectors) + "/" + cref + "/" + kData;
}

// The name of a tree under /trees: the SHA-256 of its text, in hex.
std::string treeDigest(const std::string& treeJson);

} // namespace store_layout
