// The design trees Wavebench reads as JSON, on any bytes: its own tree.json (inputs/tree.json
// of a run, read from the store's string, so in memory), and the ASDL compiler's
// `query tree --json` output and compile log (files the reader opens). An accepted
// tree.json must write back to the same text.
#include "core/design/asdl/asdl_tree_reader.h"
#include "core/design/hierarchy_tree.h"
#include "fuzz/scratch_dir.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    if (const auto tree = HierarchyTree::fromJson(text, "tree.json")) {
        const auto json = tree->toJson();
        const auto back = HierarchyTree::fromJson(json, "tree.json");
        if (!back || back->toJson() != json)
            abort();
        (void)tree->toProbeMap();
        (void)tree->toText();
    }

    auto& dir = ScratchDir::instance();
    const std::string path = dir.write("design.tree.json", text);
    if (const auto entries = AsdlTreeReader::readTreeFile(path))
        (void)AsdlTreeReader::toHierarchyTree(entries.value(), path);
    (void)AsdlTreeReader::readCompileLogFile(dir.write("design.log.json", text));
    dir.clear();
    return 0;
}
