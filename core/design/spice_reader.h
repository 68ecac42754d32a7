#pragma once

#include "core/base/result.h"
#include "core/design/hierarchy_tree.h"

#include <string>
#include <vector>

// Reads any ngspice netlist (KiCad, Xschem, ASDL's compiler, hand-written) into a
// HierarchyTree: instances elaborated recursively from .subckt definitions, their nets
// (ports mapped to the parent's net, internal nets), devices with the operating-point
// parameters ngspice offers for their kind, and source branch currents. Every node knows
// the ngspice vector that produces it and its source file and line. Pure logic.
//
// What it understands: cards as SpiceLexer reads them (the title line, comments, `+`
// continuations, commas, .control blocks, library sections), case insensitivity, .subckt/.ends (a
// .subckt inside a .subckt is local to it), X lines with `name=value`/`params:` after the
// subckt name, .include and `.lib file section` resolved relative to the including file
// (`.lib name` ... `.endl` blocks are sections, read only when selected), .model (type and
// level pick the op-parameter table, see DeviceParameters), .global, and .control blocks
// (skipped). Ground is `0` and `gnd` (ngspice grounds both, with or without .global). The
// top file ends at .end, as RunNetlist hands it to ngspice; included files are read past an
// .end, as ngspice does.
//
// Vectors and crefs agree with ProbeResolver::defaultCref: net `xota1.x` is
// `top.ota1.nodes.x.v`, a port net carries the vector of the parent net it connects to,
// `@m.xota1.m1[gm]` is `top.ota1.m1.op.gm`, `v.xst1.vm#branch` is `top.st1.vm.i`. Nets
// that no device touches (ngspice makes no node for them) and ground nets have no vector.
// One exception: below a subckt defined inside another subckt, ngspice repeats the type
// letter in device names (`@r.xo.r.xm.r1[i]`); the vector is ngspice's name and the cref
// follows the instances (`top.o.m.r1.op.i`), so only the tree's probe map joins the two.
//
// Errors name the file and line: a missing include or library section, an unknown subckt,
// a port-count mismatch, a subckt that instantiates itself, include recursion, .ends
// without .subckt, a .subckt without .ends, two nodes with one cref, and subckt instances
// nested more than 256 levels deep (elaboration recurses per level, and a chain thousands
// deep would overflow the stack of the thread reading it).
class SpiceReader {
public:
    struct Options {
        // Cell netlists from PDK flows (ASDL's compiler, Xschem) instantiate PDK wrapper
        // subcircuits (`Xmn ... nfet_03v3`) and include model libraries that are not
        // installed where the netlist is read. When true, a missing .include/.lib file or
        // library section and an X line naming a subckt defined nowhere become warnings: the
        // instance is kept as a leaf (no nets or devices inside; its connections count as
        // used). When false (the default), they are errors.
        bool tolerateMissingModels = false;
    };

    static Result<HierarchyTree> readFile(const std::string& path);
    // `path` names the text for messages and resolves relative .include/.lib paths.
    static Result<HierarchyTree> readText(const std::string& text, const std::string& path);

    // As above, with options; `warnings` (may be null) receives one message per tolerated
    // problem (and per redefined subckt), naming file and line.
    static Result<HierarchyTree> readFile(const std::string& path, const Options& options,
                                          std::vector<std::string>* warnings);
    static Result<HierarchyTree> readText(const std::string& text, const std::string& path,
                                          const Options& options,
                                          std::vector<std::string>* warnings);
};
