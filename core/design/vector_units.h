#pragma once

#include "core/crefs/probe_resolver.h"

#include <map>
#include <string>

class HierarchyTree;

// The unit of each stored vector, from one place. In order: the design tree's node for the
// vector, when it has a unit (its reader knew the device's model and took DeviceParameters'
// table for it); else DeviceParameters by the device's element letter (a unit every model of
// that letter agrees on, else none: never a wrong one); else what the name says: node
// voltages V, branch currents A, the scale s, Hz, or the swept source's V, A, Ohm.
// Thread: a plain value; made where a run's tree is known, used on the run's writer thread.
class VectorUnits {
public:
    VectorUnits() = default; // no design: the device letter and the name only
    explicit VectorUnits(const HierarchyTree& tree);

    // What the tree gave (normalised vector -> unit), to carry to another process and back.
    const std::map<std::string, std::string>& treeUnits() const { return m_treeUnits; }
    static VectorUnits fromTreeUnits(std::map<std::string, std::string> treeUnits);
    bool operator==(const VectorUnits& other) const { return m_treeUnits == other.m_treeUnits; }

    std::string unitOf(const std::string& vector) const;
    // Sets the unit of every vector of a resolution, the scale included.
    void fill(Resolution& resolution) const;

    // The unit without a design: DeviceParameters by the element letter, or the name's rule.
    static std::string withoutDesign(const std::string& vector);

private:
    std::map<std::string, std::string> m_treeUnits; // normalised vector -> the tree's unit
};
