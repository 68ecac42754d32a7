#pragma once

#include "core/base/result.h"
#include "core/design/asdl/asdl_elaborator.h"
#include "core/design/asdl/asdl_netlist_scopes.h"
#include "core/design/asdl/asdl_read_options.h"
#include "core/design/hierarchy_tree.h"

#include <string>

// The join of an elaborated design with the netlist the compiler emitted for it: walks the
// ASDL hierarchy and the netlist's scopes side by side, checks that each instance's
// element connects the nets the design connects, and gives every node its ngspice vector.
// A device emitted as a wrapper subckt is one device node whose parameters map to the
// primitive inside the wrapper; sources and inductors (V, E, H, L) get a branch current.
// Pure logic.
class AsdlNetlistJoin {
public:
    // `top` elaborated by `elaborator`; `netlist` names the emitted netlist `scopes` were read
    // from, in messages.
    static Result<HierarchyTree> join(const AsdlProgram& program, const AsdlElaborator& elaborator,
                                      const AsdlNetlistScopes& scopes,
                                      const AsdlReadOptions& options, const std::string& netlist,
                                      const AsdlModuleDecl& top);
};
