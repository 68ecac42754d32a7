#pragma once

#include "core/base/result.h"
#include "core/crefs/node_kind.h"
#include "core/crefs/probe_map.h"
#include "core/crefs/probe_resolver.h"

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct SourceLocation {
    std::string file; // as the user named it (absolute when known)
    int line = 0;     // 1-based; 0 when unknown
};

// One node of the design hierarchy. Keyed by cref; parent/children are crefs too, so the
// node is a plain value that can be copied across threads.
struct HierarchyNode {
    std::string cref;                   // "top.ota1.m1.op.gm"
    std::string name;                   // display name: "gm", "m1", "out", "ota1"
    NodeKind kind = NodeKind::Instance; // a tree kind (isTreeKind)
    std::string vector; // ngspice vector producing it ("xota1.out", "@m.xota1.m1[gm]"), or ""
    std::string unit;   // V, A, S, F, ... or ""
    bool streamedByDefault = false; // node voltages, source branch currents; not device params
    SourceLocation source;
    std::string detail; // "subckt ota", "nmos nch", "port" ...: shown as a tooltip
    std::string parent; // "" for the root
    std::vector<std::string> children;
};

// The design as a tree of crefs (instances, nets, devices, device parameters, branch
// currents). Root is `top`. Pure data: any thread, no Qt widgets.
//
// Every node also has a dense id (0 is `top`, then in the order added) with its parent, row
// and children as ids: a model or a filter over a tree of 500,000 nodes walks those, not
// crefs.
class HierarchyTree {
public:
    HierarchyTree();
    HierarchyTree(const HierarchyTree& other);
    HierarchyTree& operator=(const HierarchyTree& other);
    HierarchyTree(HierarchyTree&&) noexcept = default;
    HierarchyTree& operator=(HierarchyTree&&) noexcept = default;

    const HierarchyNode& root() const { return *find("top"); }
    const HierarchyNode* find(const std::string& cref) const;
    // Nodes whose vector equals the given one (normalised), e.g. a net and its port aliases.
    std::vector<const HierarchyNode*> findByVector(const std::string& vector) const;
    std::vector<const HierarchyNode*> children(const std::string& cref) const;
    size_t size() const { return m_nodes.size(); }

    int idOf(const std::string& cref) const; // -1 when absent
    const HierarchyNode& node(int id) const { return m_nodes[static_cast<size_t>(id)]; }
    int parentId(int id) const { return m_links[static_cast<size_t>(id)].parent; } // -1: top
    int rowOf(int id) const { return m_links[static_cast<size_t>(id)].row; }       // in its parent
    const std::vector<int>& childIds(int id) const {
        return m_links[static_cast<size_t>(id)].children;
    }
    // Pre-order, children in insertion order.
    std::vector<const HierarchyNode*> nodes() const;

    // Adds a node under node.parent (which must exist). Fails on a duplicate cref, naming
    // both sources, and on a kind no tree node has (a stored vector's, like NodeVoltage).
    Result<bool> add(HierarchyNode node);

    // Every node that has a vector, as probe-map entries (cref -> vector). Nodes that share
    // a vector (a port net and the parent's net) become aliases of one another there.
    ProbeMap toProbeMap() const;

    // What a run of this design should use: the user's map, plus every streamed node
    // (nets, branch currents) under its design cref. Where the user already names a
    // vector, the design's crefs for it become aliases of the user's.
    ProbeMap probeMapFor(const ProbeMap& user) const;

    // tree.json: {"format": "wavebench.tree", "version": 1, "nodes": [...pre-order...]}.
    std::string toJson() const;
    // The same text in pieces of about a megabyte, as they are written: a 30,000-instance
    // design's tree.json is 220 MB, not worth holding whole to print it.
    void writeJson(const std::function<void(std::string_view)>& sink) const;
    static Result<HierarchyTree> fromJson(const std::string& text, const std::string& origin);

    // Checks a probe map against the design: every vector must be one the design produces, a
    // cref the design defines must name the design's vector, and every alias chain must
    // end at a cref of the map or the design. One message per problem, naming the cref.
    std::vector<std::string> validate(const ProbeResolver& resolver) const;

    // Indented text, one node a line: cref, kind, vector (for `wavebench-run --tree`).
    std::string toText() const;

private:
    struct Links {
        int parent = -1;
        int row = 0;
        std::vector<int> children;
    };
    void reindex();

    // A deque: nodes never move, so m_idOfCref's keys can view their crefs.
    std::deque<HierarchyNode> m_nodes;
    std::vector<Links> m_links;
    std::unordered_map<std::string_view, int> m_idOfCref;
    int m_lastParent = 0;
};
