#pragma once

#include "hierarchy_tree.h"
#include "result.h"

#include <string>

// Reads any ngspice netlist (KiCad, Xschem, ASDL's compiler, hand-written) into a
// HierarchyTree: instances elaborated recursively from .subckt definitions, their nets
// (ports mapped to the parent's net, internal nets), devices with the operating-point
// parameters ngspice offers for their kind, and source branch currents. Every node knows
// the ngspice vector that produces it and its source file and line. Pure logic.
class SpiceReader {
public:
    static Result<HierarchyTree> readFile(const std::string& path);
    // `path` names the text for messages and resolves relative .include/.lib paths.
    static Result<HierarchyTree> readText(const std::string& text, const std::string& path);
};
