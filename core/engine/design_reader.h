#pragma once

#include "core/base/result.h"
#include "core/design/hierarchy_tree.h"
#include "core/engine/design_open_options.h"
#include "core/engine/opened_design.h"

#include <string>

// Opens a design by its file type. A SPICE netlist (`.cir .sp .spice .net .cki` and anything
// not `.asdl`) through SpiceReader: it runs itself. An ASDL design with its `.asdlrc`
// (AsdlRc): through the ASDL compiler when one is installed (AsdlCompiler: the compiler's
// netlist, joined by AsdlReader with the design for every node's vector; the compiler's own
// tree when the built-in reader cannot follow it or the design does not netlist), else
// through the built-in AsdlReader with the netlist emitted beside the design. A design that
// cannot run (no netlist, devices without a sim.ngspice backend) still opens with its whole
// hierarchy and says in notRunnable what is missing.
// Thread: any but the GUI thread (it reads files and may wait for the compiler).
class DesignReader {
public:
    static bool isAsdl(const std::string& path);
    static Result<OpenedDesign> open(const std::string& path, const DesignOpenOptions& options);
    // The tree alone, as open() reads it with the default options and the given netlist.
    static Result<HierarchyTree> read(const std::string& path,
                                      const std::string& emittedNetlist = {});
};
