#pragma once

#include "core/base/result.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

// A module's named pattern: `bus: <1:0>` or `cm: {expr: <1|2|4>, tag: col}`.
struct AsdlNamedPattern {
    std::string group; // "<1|2|4>"
    std::string axis;  // tag, or the pattern's name
    int line = 0;
};
using AsdlNamedPatterns = std::map<std::string, AsdlNamedPattern>;

// One expanded name. The compiler writes an atom into the netlist as the expression's
// literal text followed by the substituted parts (`Rx_<a|b>_y` -> `Rx__ya`), so each atom
// keeps both spellings.
struct AsdlAtom {
    std::string literal;                           // the ASDL name: "mn_in_p"
    std::string rendered;                          // the netlist's spelling
    std::vector<std::pair<std::string, int>> axes; // named axis -> index, for broadcast
};

struct AsdlExpansion {
    std::vector<AsdlAtom> atoms;
    bool unnamedGroup = false; // broadcast is only allowed along named axes
    bool spliced = false;
    std::vector<std::pair<std::string, int>> axisLengths; // named axes in order
};

// ASDL pattern expressions (spec_asdl_pattern_expansion): `<a|b>` enumeration, `<7:0>`
// inclusive integer range in written direction, `;` splice, `<@name>` named group. Groups
// expand left to right, the leftmost outermost. Pure logic.
class AsdlPattern {
public:
    // `location` ("file:line") and `what` ("net name") open the message of a malformed
    // expression, which then quotes the expression and says what is wrong with it.
    static Result<AsdlExpansion> expand(const std::string& expression,
                                        const AsdlNamedPatterns& patterns,
                                        const std::string& location, const std::string& what);

    // Which net atom each endpoint atom binds to: one net to all, atom k to atom k, or
    // along named axes, where the net's axes appear in order among the endpoint's and the
    // endpoint's extra axes repeat the net list. `net` and `endpoint` are the expressions
    // as written, for the message.
    static Result<std::vector<size_t>>
    broadcast(const AsdlExpansion& netAtoms, const AsdlExpansion& endpointAtoms,
              const std::string& net, const std::string& endpoint, const std::string& location);

    // `<a|b>`, `<7:0>`: one group and nothing else.
    static bool isOneGroup(const std::string& group);
    // Named patterns given as name -> group, each its own axis.
    static Result<AsdlNamedPatterns>
    namedPatterns(const std::map<std::string, std::string>& groups);
};
