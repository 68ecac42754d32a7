#pragma once

#include "core/base/result.h"

#include <map>
#include <set>
#include <string>

// The user's explicit naming of vectors: `map` (cref -> ngspice vector as written, e.g.
// "v(out)" or "@m.x_ota1.m1[gm]") and `aliases` (cref -> cref). Stored as probe_map.json:
//   {"map": {"top.ota1.nodes.out.v": "v(out)"}, "aliases": {"top.ota1.vout": "..."}}
// Thread: a plain value, copied between threads.
struct ProbeMap {
    std::map<std::string, std::string> map;
    std::map<std::string, std::string> aliases;
    // Map crefs that only name a vector should it exist (a design's nets, which a noise
    // or op plot may not carry), as opposed to probes the user asked for. Not saved.
    std::set<std::string> namesOnly;

    bool empty() const { return map.empty() && aliases.empty(); }
    bool operator==(const ProbeMap& other) const {
        return map == other.map && aliases == other.aliases;
    }

    std::string toJson() const;
    static Result<ProbeMap> fromJson(const std::string& text, const std::string& origin);
    static Result<ProbeMap> loadJsonFile(const std::string& path);

    // The YAML form of a design (same keys):
    //   map:
    //     top.ota1.nodes.out.v: "v(out)"
    //   aliases:
    //     top.ota1.vout: "top.ota1.nodes.out.v"
    std::string toYaml() const;
    static Result<ProbeMap> fromYaml(const std::string& text, const std::string& origin);

    // By extension: .yaml/.yml as YAML, anything else as JSON.
    static Result<ProbeMap> loadFile(const std::string& path);
    Result<bool> saveFile(const std::string& path) const;
};
