#include "core/crefs/probe_resolver.h"

#include "core/base/text.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace {

std::string instanceSegment(const std::string& segment) {
    if (segment.size() > 2 && segment.rfind("x_", 0) == 0)
        return segment.substr(2);
    if (segment.size() > 1 && segment[0] == 'x')
        return segment.substr(1);
    return segment;
}

// HDF5 names cannot hold '/', and crefs use '.' as their separator.
std::string safeSegment(std::string segment) {
    std::replace(segment.begin(), segment.end(), '/', '_');
    return segment.empty() ? "_" : segment;
}

// "m.xota1.m1" -> {"ota1"}, "m1"; ngspice prefixes devices inside subcircuits with their
// type letter, and repeats it at each level where a subcircuit was defined inside another
// ("r.xo.r.xm.xl1.r1"). A type letter is never "x".
std::pair<std::vector<std::string>, std::string> devicePath(const std::string& name) {
    auto segments = text::split(name, '.');
    if (segments.empty()) // "@", "@[gm]", "#x": no device name; safeSegment makes it "_"
        segments.emplace_back();
    for (size_t i = 0; segments.size() >= 3 && i + 1 < segments.size();) {
        if (segments[i].size() == 1 && segments[i] != "x")
            segments.erase(segments.begin() + static_cast<long>(i));
        else
            ++i;
    }
    std::vector<std::string> instances;
    for (size_t i = 0; i + 1 < segments.size(); ++i)
        instances.push_back(safeSegment(instanceSegment(segments[i])));
    return {instances, safeSegment(segments.back())};
}

std::string joinCref(const std::vector<std::string>& instances, const std::string& tail) {
    std::string cref = "top";
    for (const auto& instance : instances)
        cref += "." + instance;
    return cref + "." + tail;
}

bool isBranch(const std::string& v) {
    return v.size() > 7 && v.compare(v.size() - 7, 7, "#branch") == 0;
}

// The names a run group gives its own members (store_layout.h; crefs sit below the store, so
// tst_probe_resolver checks that the two lists agree) and the coordinates ngspice names.
const std::set<std::string> kReservedNames = {"time",         "frequency",  "inputs",
                                              "logs",         "vectors",    "_SUCCESS",
                                              "measurements", "step_index", "point"};

} // namespace

std::string ProbeResolver::crefProblem(const std::string& cref) {
    if (cref.empty())
        return "empty cref";
    if (cref.find('/') != std::string::npos)
        return "cref \"" + cref + "\" contains '/'";
    if (cref.front() == '.' || cref.back() == '.' || cref.find("..") != std::string::npos)
        return "cref \"" + cref + "\" has an empty segment";
    if (kReservedNames.count(cref))
        return "cref \"" + cref + "\" is a reserved name in a run group";
    return {};
}

ProbeResolver::ProbeResolver(ProbeMap map) : m_map(std::move(map)) {}

std::string ProbeResolver::normalizeVector(const std::string& vector) {
    std::string v = text::lower(text::trim(vector));
    if (v.size() > 3 && v.back() == ')' && (v.rfind("v(", 0) == 0 || v.rfind("i(", 0) == 0)) {
        std::string inner = text::trim(v.substr(2, v.size() - 3));
        // Batch raw files write current-like device parameters as "i(@m1[id])".
        if (v[0] == 'v' || (!inner.empty() && inner[0] == '@'))
            return inner;
        return isBranch(inner) ? inner : inner + "#branch";
    }
    return v;
}

bool ProbeResolver::isDeviceParameter(const std::string& vector) {
    const auto v = normalizeVector(vector);
    return !v.empty() && v[0] == '@';
}

namespace {
// Noise analyses produce densities and totals, not node voltages.
bool isNoiseVector(const std::string& v) {
    return v == "inoise_spectrum" || v == "onoise_spectrum" || v == "inoise_total" ||
           v == "onoise_total";
}
} // namespace

std::string ProbeResolver::defaultCref(const std::string& vector) {
    const std::string v = normalizeVector(vector);
    if (isNoiseVector(v))
        return "top.noise." + v;
    if (isDeviceParameter(v)) {
        // "@m.xota1.m1[gm]"
        const auto open = v.find('[');
        const std::string device =
            v.substr(1, open == std::string::npos ? std::string::npos : open - 1);
        auto [instances, name] = devicePath(device);
        return joinCref(instances, name + ".op." + safeSegment(parameterOf(v)));
    }
    if (isBranch(v)) {
        auto [instances, name] = devicePath(v.substr(0, v.size() - 7));
        return joinCref(instances, name + ".i");
    }
    const auto hash = v.rfind('#');
    if (hash != std::string::npos && v.find('.', hash) == std::string::npos) {
        // A device's internal node, e.g. "m1#drain".
        auto [instances, name] = devicePath(v.substr(0, hash));
        return joinCref(instances, name + ".nodes." + safeSegment(v.substr(hash + 1)) + ".v");
    }
    auto segments = text::split(v, '.');
    if (segments.empty())
        return {}; // no name, no cref: crefProblem() says so, and resolve() refuses it
    std::vector<std::string> instances;
    for (size_t i = 0; i + 1 < segments.size(); ++i)
        instances.push_back(safeSegment(instanceSegment(segments[i])));
    return joinCref(instances, "nodes." + safeSegment(segments.back()) + ".v");
}

NodeKind ProbeResolver::nodeKindOf(const std::string& vector) {
    const auto v = normalizeVector(vector);
    if (v == "time" || v == "frequency" ||
        (v.size() > 6 && v.compare(v.size() - 6, 6, "-sweep") == 0))
        return NodeKind::Scale;
    if (isDeviceParameter(v))
        return NodeKind::DeviceParameter;
    if (isNoiseVector(v))
        return NodeKind::Noise;
    if (isBranch(v))
        return NodeKind::BranchCurrent;
    const auto hash = v.rfind('#');
    if (hash != std::string::npos && v.find('.', hash) == std::string::npos)
        return NodeKind::InternalNode;
    return NodeKind::NodeVoltage;
}

std::string ProbeResolver::parameterOf(const std::string& vector) {
    const auto v = normalizeVector(vector);
    if (!isDeviceParameter(v))
        return {};
    const auto open = v.find('[');
    if (open == std::string::npos)
        return "value";
    const auto close = v.find(']', open);
    return v.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
}

std::vector<std::string> ProbeResolver::deviceParameterVectors() const {
    std::vector<std::string> saves;
    for (const auto& [cref, vector] : m_map.map) {
        const auto v = normalizeVector(vector);
        if (isDeviceParameter(v) && std::find(saves.begin(), saves.end(), v) == saves.end())
            saves.push_back(v);
    }
    return saves;
}

Result<Resolution> ProbeResolver::resolve(const std::vector<VectorInfo>& vectors) const {
    using R = Result<Resolution>;
    Resolution resolution;

    // Explicit names first: vector -> the crefs the user gave it, in map order.
    std::map<std::string, std::vector<std::string>> explicitCrefs;
    for (const auto& [cref, vector] : m_map.map) {
        if (auto problem = crefProblem(cref); !problem.empty())
            return R::failure("probe map: " + problem);
        if (normalizeVector(vector).empty())
            return R::failure("probe map: \"" + cref + "\" names no vector (an empty name)");
        explicitCrefs[normalizeVector(vector)].push_back(cref);
    }
    // Several crefs for one vector (a net seen from each instance it passes through): the
    // default cref stays the name if it is among them, else the shallowest one.
    for (auto& [vector, crefs] : explicitCrefs) {
        const auto fallback = defaultCref(vector);
        auto rank = [&](const std::string& c) {
            return std::make_tuple(c == fallback ? 0 : 1, std::count(c.begin(), c.end(), '.'), c);
        };
        std::stable_sort(
            crefs.begin(), crefs.end(),
            [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
    }

    std::map<std::string, std::string> ownerOfCref; // cref -> vector
    std::map<std::string, size_t> indexOfCref;
    std::set<std::string> present;
    for (size_t i = 0; i < vectors.size(); ++i) {
        const auto& info = vectors[i];
        const std::string name = normalizeVector(info.name);
        if (name.empty())
            return R::failure("ngspice announced a vector with no name (a device line without "
                              "its nodes, such as a bare \"c9\"?); fix the netlist");
        present.insert(name);
        ResolvedVector resolved;
        resolved.vector = info.name;
        resolved.nodeKind = nodeKindOf(name);
        if (info.isScale || (resolution.scaleIndex < 0 && resolved.nodeKind == NodeKind::Scale)) {
            resolution.scaleIndex = static_cast<int>(i);
            resolved.cref = name;
            resolved.nodeKind = NodeKind::Scale;
            resolution.vectors.push_back(std::move(resolved));
            continue;
        }
        auto explicitIt = explicitCrefs.find(name);
        if (explicitIt != explicitCrefs.end()) {
            resolved.cref = explicitIt->second.front();
            resolved.aliases.assign(explicitIt->second.begin() + 1, explicitIt->second.end());
        } else {
            resolved.cref = defaultCref(name);
        }
        if (auto problem = crefProblem(resolved.cref); !problem.empty())
            return R::failure("vector \"" + info.name + "\": " + problem);
        for (const auto& cref : std::vector<std::string>{resolved.cref}) {
            auto [it, inserted] = ownerOfCref.emplace(cref, info.name);
            if (!inserted)
                return R::failure("vectors \"" + it->second + "\" and \"" + info.name +
                                  "\" would both be stored as cref \"" + cref +
                                  "\"; name one of them in the probe map");
        }
        for (const auto& alias : resolved.aliases)
            ownerOfCref.emplace(alias, info.name);
        indexOfCref[resolved.cref] = resolution.vectors.size();
        for (const auto& alias : resolved.aliases)
            indexOfCref[alias] = resolution.vectors.size();
        resolution.vectors.push_back(std::move(resolved));
    }

    // Aliases: follow each chain to a cref that names a vector; reject cycles. Each link is
    // walked once (the end of every alias on a walked path is remembered), so a chain of n
    // aliases costs n steps, not n^2 walks of up to n (20,000 aliases never finished).
    std::map<std::string, std::string> endOf;
    for (const auto& [alias, firstTarget] : m_map.aliases) {
        if (auto problem = crefProblem(alias); !problem.empty())
            return R::failure("probe map alias: " + problem);
        if (endOf.count(alias))
            continue;
        std::vector<std::string> path{alias};
        std::map<std::string, size_t> onPath{{alias, 0}};
        std::string target = firstTarget;
        while (m_map.aliases.count(target) && !indexOfCref.count(target)) {
            if (auto known = endOf.find(target); known != endOf.end()) {
                target = known->second;
                break;
            }
            if (onPath.count(target)) {
                std::string cycle;
                for (const auto& c : path)
                    cycle += c + " -> ";
                return R::failure("probe map: alias cycle " + cycle + target);
            }
            onPath.emplace(target, path.size());
            path.push_back(target);
            target = m_map.aliases.at(target);
        }
        for (const auto& step : path)
            endOf[step] = target;
    }
    // An alias is listed once per vector: those the map also gives as explicit crefs already are.
    std::set<std::string> listed;
    for (const auto& resolved : resolution.vectors)
        listed.insert(resolved.aliases.begin(), resolved.aliases.end());
    for (const auto& [alias, firstTarget] : m_map.aliases) {
        const std::string& target = endOf.at(alias);
        auto it = indexOfCref.find(target);
        if (it == indexOfCref.end()) {
            // A target that names a map entry whose vector is absent is reported as missing;
            // anything else is a dangling alias.
            if (m_map.map.count(target))
                continue;
            return R::failure("probe map: alias \"" + alias + "\" points to \"" + target +
                              "\", which names no vector");
        }
        if (listed.insert(alias).second)
            resolution.vectors[it->second].aliases.push_back(alias);
    }

    for (const auto& [vector, crefs] : explicitCrefs) {
        const bool wanted = std::any_of(crefs.begin(), crefs.end(), [&](const std::string& c) {
            return !m_map.namesOnly.count(c);
        });
        if (wanted && !present.count(vector))
            resolution.missing.push_back(m_map.map.at(crefs.front()) + " (" + crefs.front() + ")");
    }
    return resolution;
}

std::vector<std::string> ProbeResolver::saveCommands(const std::vector<std::string>& vectors) {
    std::vector<std::string> commands;
    std::string line;
    for (const auto& vector : vectors) {
        if (!line.empty() && line.size() + vector.size() + 1 > 1000) {
            commands.push_back(line);
            line.clear();
        }
        line += (line.empty() ? "save " : " ") + vector;
    }
    if (!line.empty())
        commands.push_back(line);
    return commands;
}

Result<std::string> ProbeResolver::resolveAlias(const std::string& cref) const {
    std::vector<std::string> chain{cref};
    std::set<std::string> seen{cref};
    std::string current = cref;
    while (m_map.aliases.count(current)) {
        current = m_map.aliases.at(current);
        if (!seen.insert(current).second) {
            std::string cycle;
            for (const auto& c : chain)
                cycle += c + " -> ";
            return Result<std::string>::failure("alias cycle " + cycle + current);
        }
        chain.push_back(current);
    }
    return current;
}
