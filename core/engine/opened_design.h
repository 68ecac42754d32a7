#pragma once

#include "core/design/hierarchy_tree.h"

#include <string>
#include <utility>
#include <vector>

// A design as DesignReader::open read it: its hierarchy, what ngspice runs for it and in
// which environment, and the files it came from. A plain value, for any thread (the CLI
// prints and runs it; the GUI browses the tree and watches `sources`). Pure logic.
struct OpenedDesign {
    HierarchyTree tree;
    std::string treeProblem; // a SPICE netlist the reader cannot elaborate: why (it still runs
                             // without a tree)
    std::string note; // ASDL: why the tree is the compiler's alone (no vectors: default crefs)
    std::string netlistPath;          // what ngspice runs; empty when not runnable
    std::string notRunnable;          // why not, e.g. "device inv_1 has no sim.ngspice backend"
    std::vector<std::string> sources; // every file the design was read from (a file watcher's)
    std::vector<std::pair<std::string, std::string>> environment; // for ngspice (the rc's env)
    std::string compiler; // the asdlc the design was compiled with; empty: the built-in reader
    bool compileReused = false; // the compiler's cache held this compile (nothing was run)
};
