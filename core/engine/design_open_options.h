#pragma once

#include <string>
#include <vector>

// How to open a design (DesignReader::open): which `.asdlrc`, compiler and library roots an
// ASDL design is read with. A plain value; the CLI fills it from --asdlrc, --asdlc, --lib,
// --no-compiler and --emitted, the GUI from its settings. Pure logic.
struct DesignOpenOptions {
    std::string asdlrcPath;            // empty: the nearest .asdlrc above the design
    std::string asdlcPath;             // empty: `asdlc` on PATH
    std::vector<std::string> libRoots; // searched first, before the rc's and ASDL_LIB_PATH
    std::string emittedNetlist;        // ASDL: run this netlist, read with the built-in reader
    bool useCompiler = true;           // false: the built-in reader even with asdlc installed
    std::string cacheRoot;             // the compiler's cache; empty: AsdlCompiler's default
};
