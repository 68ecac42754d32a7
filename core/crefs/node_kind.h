#pragma once

#include <optional>
#include <string>

// What a cref names, for the design tree (tree.json "kind") and for stored vectors (the
// HDF5 "node_kind" attribute, read by Python and the UI). A tree node is an Instance, Net,
// Device, DeviceParameter or BranchCurrent; a stored vector is a NodeVoltage, InternalNode,
// BranchCurrent, DeviceParameter, Noise or Scale. A tree's Net and a stored NodeVoltage are
// the same quantity under the two names the published formats gave it ("net",
// "node_voltage"), so they stay two kinds: each kind has exactly one string.
// Pure logic: any thread.
enum class NodeKind {
    // The design tree's kinds first: the UI indexes its icons by them.
    Instance,
    Net,
    Device,
    DeviceParameter,
    BranchCurrent,
    // Kinds of stored vectors only.
    NodeVoltage,
    InternalNode, // a device's own node, "m1#drain"
    Noise,        // a noise analysis' spectrum or total
    Scale,        // a plot's coordinate: time, frequency, a dc sweep
};

// "instance", "net", "device", "device_param", "branch_current", "node_voltage",
// "internal_node", "noise", "scale": the strings tree.json and the store hold.
std::string toString(NodeKind kind);
std::optional<NodeKind> nodeKindFromString(const std::string& text);
// Whether a design tree node can have this kind (the first five).
bool isTreeKind(NodeKind kind);
