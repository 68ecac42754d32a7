#pragma once

#include "core/base/result.h"
#include "core/design/hierarchy_tree.h"
#include "core/design/spice_lexer.h"

#include <map>
#include <set>
#include <string>
#include <vector>

// The structure of the netlist the ASDL compiler emitted, as the join needs it: the top
// level and each subckt with their elements and nodes, the models and the globals, all
// lower case (ngspice's names are). Built from SpiceLexer's cards with its includes
// spliced in; a model library that is not installed (a PDK) is a warning, because the join
// needs only the elements the compiler wrote. Where ngspice rejects or ignores a card the
// scopes say so as it does: a subckt defined again is ignored, an element defined again in
// one scope is a problem of that scope. Pure logic (reads the files).
class AsdlNetlistScopes {
public:
    struct Element {
        std::string name;                // lower case
        std::vector<std::string> tokens; // lower case, the name first
        SourceLocation at;
    };
    // The top level or one subckt.
    struct Scope {
        std::string name; // "" for the top level
        SourceLocation at;
        std::vector<std::string> ports;
        std::vector<Element> elements; // each name once, at its first definition
        std::set<std::string> nodes;   // of those elements
        // "file:line: ..." for each element defined again; ngspice refuses such a circuit.
        std::vector<std::string> repeated;

        const Element* find(const std::string& element) const;
        // "the top level", ".subckt ota (file:line)": for messages.
        std::string describe() const;

    private:
        friend class AsdlNetlistScopes;
        std::map<std::string, size_t> m_byName;
    };
    struct Model {
        std::string type;
        int level = 0;
        std::string version;
    };

    // The netlist file with its includes; fails when it cannot be read, or when the lexer
    // finds an include it cannot splice (recursion, an unclosed .control or section).
    static Result<AsdlNetlistScopes> read(const std::string& path);
    // Cards in the order SpiceLexer::expand gives them.
    static AsdlNetlistScopes fromCards(const std::vector<SpiceLexer::Card>& cards);

    Scope top;
    std::map<std::string, Scope> subckts;
    std::map<std::string, Model> models;
    std::set<std::string> globals{"0", "gnd"};
    // Includes and sections that could not be read, and cards ngspice ignores.
    std::vector<std::string> warnings;
};
