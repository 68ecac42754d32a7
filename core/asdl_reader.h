#pragma once

#include "hierarchy_tree.h"
#include "result.h"

#include <string>

// Reads an ASDL design (the YAML Analog Structured Description Language of the public
// Jianxun/ASDL project, current form: imports, top, modules, devices) into a
// HierarchyTree keyed by ASDL names, joined with the netlist the ASDL compiler emitted for
// it, so that every node knows its ngspice vector. Pure logic.
class AsdlReader {
public:
    // `emittedNetlist` empty: use the `.spice` beside the `.asdl`.
    static Result<HierarchyTree> readFile(const std::string& asdlPath,
                                          const std::string& emittedNetlist = {});
};
