#pragma once

#include "core/base/result.h"
#include "core/crefs/probe_map.h"
#include "core/design/hierarchy_tree.h"
#include "core/engine/design_open_options.h"
#include "core/engine/opened_design.h"
#include "core/engine/run_request.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

// Turns an opened design into the RunRequest that runs it. The one place that knows that an
// ASDL design runs the netlist its OpenedDesign names (the compiler's, or without one the
// `.spice` beside the `.asdl` unless one is named) in the environment of its .asdlrc, that a
// design's runs go to the store beside it by default, and the sequence tree -> probe map ->
// request: every run records the design's hierarchy (tree.json), and the design's crefs join the
// user's probe map (HierarchyTree::probeMapFor). Thread: plan() and the path rules are pure logic,
// for any thread (the GUI plans from the tree it has); planFile() reads and parses the design, so
// never on the GUI thread.
class RunPlanner {
public:
    struct Options {
        std::string designPath;     // an ASDL design or a netlist
        std::string emittedNetlist; // ASDL only: the netlist emitted for it; empty: beside it
        std::string storePath;      // empty: defaultStorePath(designPath)
        std::string runId;          // empty: the session generates one
        std::optional<TranSpec> tran;
        ProbeMap probeMap;        // the user's map, before the design's crefs join it
        std::string probeMapPath; // planFile() reads it (JSON or YAML) instead
        // Crefs of the design to store besides its defaults (a device's operating point,
        // `top.ota.mn_in_p.op.gm`): planFile() names each one's vector from the tree, and
        // fails naming a cref the design does not have.
        std::vector<std::string> probes;
        // How planFile() opens the design (.asdlrc, asdlc, lib roots); emittedNetlist above
        // is used when this one names none.
        DesignOpenOptions open;
    };
    struct Plan {
        RunRequest request;
        std::shared_ptr<const HierarchyTree> tree; // null: a netlist without a hierarchy
        std::string treeProblem;    // why there is no tree; such a netlist still runs
        std::string compiler;       // the asdlc that compiled the design; "": none ran
        bool compileReused = false; // the compile came from the cache
        std::string note;           // OpenedDesign::note
    };

    // What ngspice runs for a design: the design itself, or an ASDL design's netlist.
    static std::string netlistFor(const std::string& designPath,
                                  const std::string& emittedNetlist = {});
    // Where a design's runs go unless told: its name with `.h5`, beside it.
    static std::string defaultStorePath(const std::string& designPath);

    // `tree` may be null: a netlist the readers cannot elaborate runs with default crefs.
    static RunRequest plan(const Options& options, const HierarchyTree* tree);
    // A run of an opened design: its netlist (an ASDL design's compiled one), its
    // environment, its tree. Fails with notRunnable's message when it cannot run.
    static Result<RunRequest> plan(const Options& options, const OpenedDesign& design);
    // Opens the design (DesignReader::open: an ASDL design recompiles when its sources
    // changed since the last compile) and reads the probe map file, then plans. Fails naming the
    // file when the design is missing, an ASDL design cannot be read (it cannot run without its
    // tree) or the probe map cannot be read.
    static Result<Plan> planFile(const Options& options);
};
