#pragma once

#include "core/base/result.h"
#include "core/design/hierarchy_tree.h"

#include <string>

// Opens a design by its file type: `.asdl` through AsdlReader (joined with its emitted
// netlist), `.cir .sp .spice .net .cki` and anything else through SpiceReader.
// Thread: any but the GUI thread (it reads and parses files).
class DesignReader {
public:
    static bool isAsdl(const std::string& path);
    static Result<HierarchyTree> read(const std::string& path,
                                      const std::string& emittedNetlist = {});
};
