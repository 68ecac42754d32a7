#pragma once

#include <map>
#include <string>
#include <vector>

// How to read an ASDL design. A plain value. Pure logic.
struct AsdlReadOptions {
    // The netlist the compiler emitted; empty: the `.spice` beside the `.asdl`.
    std::string emittedNetlist;
    // Roots searched for logical import paths (`gf: gf180mcu.asdl`), before the
    // ASDL_LIB_PATH environment variable, as `asdlc --lib` does.
    std::vector<std::string> libRoots;
    // Wrapper subcircuits whose definition is not readable (a PDK library that is not
    // installed): subckt name -> the element inside that carries the operating point
    // ("nfet_03v3" -> "m0"). Added to the built-in GF180MCU entries.
    std::map<std::string, std::string> wrapperPrimitives;
    std::string backend = "sim.ngspice";
};
