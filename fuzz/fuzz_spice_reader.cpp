// SpiceReader on any bytes: the netlist and the files it may include (parts of the input
// between NULs: top.cir, then a.lib and b.lib beside it), read from files as the app reads
// them, strict and (where strict refuses) tolerant of missing models. A tree it accepts must
// survive tree.json (up to kMaxRoundTripNodes).
#include "core/design/spice_reader.h"
#include "fuzz/scratch_dir.h"

#include <cstdlib>

namespace {
// Qt's JSON makes several small allocations per node, each costly under ASan: a tree of
// 10,000 nodes (21 subckt instances of MOSFETs with their operating-point parameters, from
// 2 KB of netlist) took 18 s to write and read back here, 0.15 s without sanitizers. Larger
// trees are read, not round-tripped; tst_hierarchy_tree covers tree.json on its own.
constexpr size_t kMaxRoundTripNodes = 3000;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& dir = ScratchDir::instance();
    const auto parts = splitParts(data, size, 3);
    const std::string top = dir.write("top.cir", parts[0]);
    const char* included[] = {"a.lib", "b.lib"};
    for (size_t i = 1; i < parts.size(); ++i)
        dir.write(included[i - 1], parts[i]);

    // Strict first; tolerant of missing models only where strict refuses (the two read the
    // same otherwise, and a big tree costs much under ASan).
    std::vector<std::string> warnings;
    auto tree = SpiceReader::readFile(top, {}, &warnings);
    if (!tree) {
        SpiceReader::Options tolerant;
        tolerant.tolerateMissingModels = true;
        tree = SpiceReader::readFile(top, tolerant, &warnings);
    }
    if (tree && tree->size() <= kMaxRoundTripNodes) {
        // What a run stores in inputs/tree.json must read back as the same tree.
        const auto json = tree->toJson();
        const auto back = HierarchyTree::fromJson(json, "tree.json");
        if (!back || back->size() != tree->size() || back->toJson() != json)
            abort();
    }
    if (tree)
        (void)tree->toProbeMap();
    dir.clear();
    return 0;
}
