#include "core/design/vector_units.h"

#include "core/base/text.h"
#include "core/design/device_parameters.h"
#include "core/design/hierarchy_tree.h"

VectorUnits::VectorUnits(const HierarchyTree& tree) {
    for (const auto* node : tree.nodes())
        if (!node->vector.empty() && !node->unit.empty())
            m_treeUnits.emplace(ProbeResolver::normalizeVector(node->vector), node->unit);
}

VectorUnits VectorUnits::fromTreeUnits(std::map<std::string, std::string> treeUnits) {
    VectorUnits units;
    units.m_treeUnits = std::move(treeUnits);
    return units;
}

std::string VectorUnits::unitOf(const std::string& vector) const {
    if (auto it = m_treeUnits.find(ProbeResolver::normalizeVector(vector)); it != m_treeUnits.end())
        return it->second;
    return withoutDesign(vector);
}

void VectorUnits::fill(Resolution& resolution) const {
    for (auto& resolved : resolution.vectors)
        resolved.unit = unitOf(resolved.vector);
}

std::string VectorUnits::withoutDesign(const std::string& vector) {
    const auto v = ProbeResolver::normalizeVector(vector);
    switch (ProbeResolver::nodeKindOf(v)) {
    case NodeKind::Scale:
        // ngspice names a dc sweep's scale by what it sweeps.
        if (v == "time")
            return "s";
        if (v == "frequency")
            return "Hz";
        if (v == "v-sweep")
            return "V";
        if (v == "i-sweep")
            return "A";
        if (v == "res-sweep")
            return "Ohm";
        return {};
    case NodeKind::NodeVoltage:
    case NodeKind::InternalNode:
        return "V";
    case NodeKind::BranchCurrent:
        return "A";
    case NodeKind::Noise: // ngspice's noise output is a voltage referred to out or in
        return text::endsWith(v, "_spectrum") ? "V/sqrt(Hz)" : "V";
    case NodeKind::DeviceParameter:
        // "@m.xota1.m1[gm]" and "@m1[gm]" both start with the element letter.
        return v.size() > 1 ? DeviceParameters::unitForLetter(v[1], ProbeResolver::parameterOf(v))
                            : std::string();
    default:
        return {};
    }
}
