#pragma once

#include "core/base/result.h"
#include "core/design/asdl/asdl_read_options.h"
#include "core/design/asdl/asdl_tree_reader.h"
#include "core/design/hierarchy_tree.h"

#include <map>
#include <string>
#include <vector>

// What an ASDL design is read from and what keeps it from running on a backend.
struct AsdlDesignFacts {
    std::vector<std::string> sources; // the entry and every file it imports, absolute
    // Devices the hierarchy uses that have no template for the backend ("gf_std.inv_1"
    // style: the device's name), in the order first met.
    std::vector<std::string> devicesWithoutBackend;
};

// Reads an ASDL design (the YAML Analog Structured Description Language of the public
// Jianxun/ASDL project, current form: imports, top, modules, devices) into a
// HierarchyTree keyed by ASDL names, joined with the netlist the ASDL compiler emitted for
// it, so that every node knows its ngspice vector. Pure logic.
//
// Crefs follow the default layout: instance `ota` of the top module is `top.ota`, its net
// `tail` is `top.ota.nodes.tail.v`, device `mn_in_p`'s gm is `top.ota.mn_in_p.op.gm`, a
// voltage source's current is `top.vdd.i`. A device emitted as a wrapper subcircuit is
// one device node whose parameters map to the primitive inside the wrapper.
//
// The entry point of the units beside it: AsdlProgram loads the documents
// (AsdlDocumentParser, AsdlImportResolver), AsdlElaborator expands them (AsdlPattern), and
// AsdlNetlistJoin joins the result with the AsdlNetlistScopes of the emitted netlist.
class AsdlReader {
public:
    // The netlist an ASDL design runs unless another is named: the `.spice` the compiler
    // emits beside the `.asdl`. The one place this rule is written (RunPlanner asks here).
    static std::string emittedNetlistBeside(const std::string& asdlPath);
    // `emittedNetlist` empty: emittedNetlistBeside(asdlPath).
    static Result<HierarchyTree> readFile(const std::string& asdlPath,
                                          const std::string& emittedNetlist = {});
    static Result<HierarchyTree> readFile(const std::string& asdlPath,
                                          const AsdlReadOptions& options);

    // The elaborated instance hierarchy alone (no netlist needed), in the shape of
    // `asdlc query tree`: pre-order, children in authored order, root first.
    static Result<std::vector<AsdlTreeEntry>> readHierarchy(const std::string& asdlPath,
                                                            const AsdlReadOptions& options = {});

    // The files the design is read from and the devices without `options.backend`.
    static Result<AsdlDesignFacts> readFacts(const std::string& asdlPath,
                                             const AsdlReadOptions& options = {});

    // One ASDL pattern expression expanded to its atoms (`mn_<p|n>` -> mn_p, mn_n;
    // `d<1:0>;clk` -> d1, d0, clk). `patterns` holds the module's named patterns
    // (name -> group token, e.g. "<1|2|4>"). The message says what is malformed.
    static Result<std::vector<std::string>>
    expandPattern(const std::string& expression,
                  const std::map<std::string, std::string>& patterns = {});
    // How the compiler writes an atom into the netlist: the expression's literal text,
    // then the substituted parts (`Rx_<a|b>_y` -> Rx__ya, Rx__yb).
    static Result<std::vector<std::string>>
    renderPattern(const std::string& expression,
                  const std::map<std::string, std::string>& patterns = {});
};
