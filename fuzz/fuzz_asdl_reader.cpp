// AsdlReader on any bytes: the design (design.asdl), the netlist its compiler emitted
// (design.spice beside it) and two documents it may import (lib1.asdl, lib2.asdl), the parts
// of the input between NULs. Both entry points: the joined tree and the hierarchy alone.
#include "core/design/asdl/asdl_reader.h"
#include "fuzz/scratch_dir.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& dir = ScratchDir::instance();
    const auto parts = splitParts(data, size, 4);
    const std::string design = dir.write("design.asdl", parts[0]);
    const char* others[] = {"design.spice", "lib1.asdl", "lib2.asdl"};
    for (size_t i = 1; i < parts.size(); ++i)
        dir.write(others[i - 1], parts[i]);

    AsdlReadOptions options;
    options.libRoots = {dir.root()};
    (void)AsdlReader::readHierarchy(design, options);
    if (parts.size() > 1) {
        const auto tree = AsdlReader::readFile(design, options);
        if (tree) {
            const auto json = tree->toJson();
            const auto back = HierarchyTree::fromJson(json, "tree.json");
            if (!back || back->size() != tree->size())
                abort();
        }
    }
    dir.clear();
    return 0;
}
