#pragma once

#include "core/crefs/probe_map.h"
#include "core/crefs/probe_resolver.h"

#include <cstdlib>
#include <vector>

// What every probe-map target does with a map the reader accepted: the map resolved against
// the vectors it names (aliases followed, crefs checked), as a run does, and written back
// in both forms, which must read back to the same map. Pure logic.
inline void exerciseProbeMap(const ProbeMap& map) {
    const ProbeResolver resolver(map);
    std::vector<VectorInfo> vectors;
    for (const auto& [cref, vector] : map.map)
        vectors.push_back({ProbeResolver::normalizeVector(vector), false, false});
    (void)resolver.resolve(vectors);
    for (const auto& [alias, target] : map.aliases)
        (void)resolver.resolveAlias(alias);
    (void)resolver.deviceParameterVectors();

    const auto json = ProbeMap::fromJson(map.toJson(), "probe_map.json");
    if (!json || !(json.value() == map))
        abort();
    const auto yaml = ProbeMap::fromYaml(map.toYaml(), "probe_map.yaml");
    if (!yaml || !(yaml.value() == map))
        abort();
}
