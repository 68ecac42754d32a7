#include "core/crefs/node_kind.h"

#include <array>
#include <utility>

namespace {
constexpr std::array<std::pair<NodeKind, const char*>, 9> kNames = {{
    {NodeKind::Instance, "instance"},
    {NodeKind::Net, "net"},
    {NodeKind::Device, "device"},
    {NodeKind::DeviceParameter, "device_param"},
    {NodeKind::BranchCurrent, "branch_current"},
    {NodeKind::NodeVoltage, "node_voltage"},
    {NodeKind::InternalNode, "internal_node"},
    {NodeKind::Noise, "noise"},
    {NodeKind::Scale, "scale"},
}};
} // namespace

std::string toString(NodeKind kind) {
    for (const auto& [k, name] : kNames)
        if (k == kind)
            return name;
    return {};
}

std::optional<NodeKind> nodeKindFromString(const std::string& text) {
    for (const auto& [k, name] : kNames)
        if (text == name)
            return k;
    return std::nullopt;
}

bool isTreeKind(NodeKind kind) {
    return kind == NodeKind::Instance || kind == NodeKind::Net || kind == NodeKind::Device ||
           kind == NodeKind::DeviceParameter || kind == NodeKind::BranchCurrent;
}
