#pragma once

#include "core/base/result.h"
#include "core/design/hierarchy_tree.h"

#include <string>
#include <vector>

// One instance occurrence of an ASDL design, as the compiler's `asdlc query tree` reports
// it (and as AsdlReader::readHierarchy elaborates it from the sources).
struct AsdlTreeEntry {
    std::string path;        // "tb.ota.mn_in_p"; the root's path is the top module's name
    std::string parentPath;  // "" for the root
    std::string instance;    // "mn_in_p"; "" for the root
    std::string authoredRef; // the ref as written, without namespace: "nfet_03v3", "cell@view"
    std::string resolvedRef; // the module or device it resolves to
    std::string emittedName; // the emitted subckt name of a module ("" for devices, unknown)
    int depth = 0;
    bool isDevice = false; // only known when elaborated from sources
};

// One row of the compile log's `emission_name_map`: which subckt name a module got.
struct AsdlEmissionName {
    std::string symbol;      // "swmatrix_Tgate@behave"
    std::string baseName;    // "swmatrix_Tgate_behave"
    std::string emittedName; // "swmatrix_Tgate_behave__2" after a collision
    std::string fileId;
    bool renamed = false;
};

// Reads the ASDL compiler's own view of a design: `asdlc query tree --json` in both forms
// (`query.tree.compact`, keys `instance:ref`; `query.tree` from --verbose-view) and the
// compile log (AsdlCompiler runs the compiler). Pure logic; errors name the file and line.
class AsdlTreeReader {
public:
    // Entries in pre-order, children sorted by name (the order asdlc writes them in); root
    // first.
    static Result<std::vector<AsdlTreeEntry>> readTreeJson(const std::string& text,
                                                           const std::string& origin);
    static Result<std::vector<AsdlTreeEntry>> readTreeFile(const std::string& path);

    static Result<std::vector<AsdlEmissionName>> readCompileLog(const std::string& text,
                                                                const std::string& origin);
    static Result<std::vector<AsdlEmissionName>> readCompileLogFile(const std::string& path);

    // The instances alone, as a HierarchyTree rooted at `top` (no vectors: the compiler's
    // tree does not know them). Leaves without an emitted name become devices.
    static Result<HierarchyTree> toHierarchyTree(const std::vector<AsdlTreeEntry>& entries,
                                                 const std::string& origin);
};
