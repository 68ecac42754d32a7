// ProbeMap::loadFile on any bytes as a .yaml file, as `--probe-map map.yaml` and job specs
// read it; an accepted map is resolved and written back (probe_map_checks.h).
#include "fuzz/probe_map_checks.h"
#include "fuzz/scratch_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& dir = ScratchDir::instance();
    const std::string path =
        dir.write("probe_map.yaml", std::string(reinterpret_cast<const char*>(data), size));
    if (const auto map = ProbeMap::loadFile(path))
        exerciseProbeMap(map.value());
    dir.clear();
    return 0;
}
