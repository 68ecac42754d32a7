// ProbeMap::loadFile on any bytes as a .json file, as `--probe-map map.json` and job specs
// read it; an accepted map is resolved and written back (probe_map_checks.h).
#include "fuzz/probe_map_checks.h"
#include "fuzz/scratch_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& dir = ScratchDir::instance();
    const std::string path =
        dir.write("probe_map.json", std::string(reinterpret_cast<const char*>(data), size));
    if (const auto map = ProbeMap::loadFile(path))
        exerciseProbeMap(map.value());
    dir.clear();
    return 0;
}
