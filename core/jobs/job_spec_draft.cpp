#include "core/jobs/job_spec_draft.h"

#include "core/base/text.h"
#include "core/jobs/sim_job_spec.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace {

// Splits at separators outside brackets, so that "{max(a,b)}, 2" is two values: SPICE
// expressions hold commas of their own.
std::vector<std::string> splitOutsideBrackets(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    int depth = 0;
    auto keep = [&] {
        if (!text::trim(part).empty())
            parts.push_back(text::trim(part));
        part.clear();
    };
    for (char c : text) {
        if (c == '(' || c == '{' || c == '[')
            ++depth;
        else if ((c == ')' || c == '}' || c == ']') && depth > 0)
            --depth;
        if (c == separator && depth == 0)
            keep();
        else
            part += c;
    }
    keep();
    return parts;
}

struct Reader {
    std::string origin;
    std::string error;

    bool fail(const YAML::Node& node, const std::string& message) {
        const auto mark = node.Mark();
        error =
            origin + (mark.line >= 0 ? ":" + std::to_string(mark.line + 1) : "") + ": " + message;
        return false;
    }
    bool scalar(const YAML::Node& node, const std::string& what, std::string& out) {
        if (!node || node.IsNull()) {
            out.clear();
            return true;
        }
        if (!node.IsScalar())
            return fail(node, what + ": expected a single value");
        out = node.Scalar();
        return true;
    }
    bool map(const YAML::Node& node, const std::string& what) {
        return node.IsMap() || fail(node, what + ": expected a mapping");
    }
    // A key the form has no field for would be lost when the form rewrites the YAML, and
    // of a key given twice it would keep another one than SimJobSpec reads.
    bool keysIn(const YAML::Node& node, const std::vector<std::string>& allowed,
                const std::string& what) {
        std::set<std::string> seen;
        for (const auto& entry : node) {
            const std::string key = entry.first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
                return fail(entry.first, what + ": unknown key \"" + key + "\"");
            if (!seen.insert(key).second)
                return fail(entry.first, what + ": \"" + key + "\" is given twice");
        }
        return true;
    }
    bool pairs(const YAML::Node& node, const std::string& what,
               std::vector<std::pair<std::string, std::string>>& out) {
        if (!node || node.IsNull())
            return true;
        if (!map(node, what))
            return false;
        for (const auto& entry : node) {
            std::string value;
            if (!scalar(entry.second, what + "." + entry.first.Scalar(), value))
                return false;
            out.emplace_back(entry.first.Scalar(), value);
        }
        return true;
    }
};

// Plain scalars where YAML allows them, so that "10n" stays 10n and not "10n".
void emitPairs(YAML::Emitter& out, const std::vector<std::pair<std::string, std::string>>& pairs) {
    out << YAML::Flow << YAML::BeginMap;
    for (const auto& [key, value] : pairs)
        out << YAML::Key << key << YAML::Value << value;
    out << YAML::EndMap;
}

} // namespace

const std::vector<std::string>& JobSpecDraft::analysisTypes() {
    static const std::vector<std::string> types = {"tran", "ac", "dc", "op", "noise"};
    return types;
}

const std::vector<std::string>& JobSpecDraft::analysisKeys(const std::string& type) {
    // SimJobSpec's forms, required arguments first.
    static const std::map<std::string, std::vector<std::string>> keys = [] {
        std::map<std::string, std::vector<std::string>> out;
        for (const auto& [name, form] : SimJobSpec::analysisForms()) {
            auto& list = out[name];
            list = form.required;
            list.insert(list.end(), form.optional.begin(), form.optional.end());
        }
        return out;
    }();
    static const std::vector<std::string> none;
    const auto it = keys.find(type);
    return it == keys.end() ? none : it->second;
}

Result<JobSpecDraft> JobSpecDraft::fromYaml(const std::string& text, const std::string& origin) {
    using R = Result<JobSpecDraft>;
    Reader r{origin, {}};
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        return R::failure(origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    JobSpecDraft d;
    if (!root || root.IsNull())
        return d;
    if (!r.map(root, "the job"))
        return R::failure(r.error);
    std::set<std::string> seen;
    for (const auto& entry : root) {
        const std::string key = entry.first.Scalar();
        const YAML::Node& value = entry.second;
        if (!seen.insert(key).second) {
            r.fail(entry.first, "\"" + key + "\" is given twice");
            return R::failure(r.error);
        }
        bool ok = true;
        if (key == "name")
            ok = r.scalar(value, key, d.name);
        else if (key == "netlist")
            ok = r.scalar(value, key, d.netlist);
        else if (key == "store")
            ok = r.scalar(value, key, d.store);
        else if (key == "probe_map")
            ok = r.scalar(value, key, d.probeMap);
        else if (key == "parameters")
            ok = r.pairs(value, key, d.parameters);
        else if (key == "analysis" && !value.IsNull()) {
            std::vector<std::pair<std::string, std::string>> args;
            ok = r.pairs(value, key, args);
            for (const auto& [k, v] : args)
                (k == "type" ? d.analysisType : d.analysisArgs[k]) = v;
            if (ok && !d.analysisType.empty()) {
                auto allowed = analysisKeys(d.analysisType);
                allowed.push_back("type");
                ok = std::find(analysisTypes().begin(), analysisTypes().end(), d.analysisType) !=
                             analysisTypes().end()
                         ? r.keysIn(value, allowed, "analysis")
                         : r.fail(value["type"],
                                  "analysis.type: unknown analysis \"" + d.analysisType + "\"");
            }
        } else if (key == "sweeps" && !value.IsNull()) {
            ok = value.IsSequence() || r.fail(value, "sweeps: expected a list");
            for (size_t i = 0; ok && i < value.size(); ++i) {
                const auto& node = value[i];
                const std::string where = "sweeps[" + std::to_string(i) + "]";
                Sweep s;
                ok = r.map(node, where) &&
                     r.keysIn(node, {"param", "values", "lin", "log"}, where) &&
                     r.scalar(node["param"], where + ".param", s.param);
                if (ok && node["values"]) {
                    const auto& values = node["values"];
                    ok = values.IsSequence() || r.fail(values, where + ".values: expected a list");
                    for (size_t k = 0; ok && k < values.size(); ++k) {
                        std::string v;
                        ok = r.scalar(values[k], where + ".values", v);
                        s.values += (k ? ", " : "") + v;
                    }
                } else if (ok && (node["lin"] || node["log"])) {
                    s.kind = node["lin"] ? "lin" : "log";
                    const auto& range = node[s.kind];
                    ok = r.map(range, where + "." + s.kind) &&
                         r.keysIn(range, {"start", "stop", "points"}, where + "." + s.kind) &&
                         r.scalar(range["start"], where + ".start", s.start) &&
                         r.scalar(range["stop"], where + ".stop", s.stop) &&
                         r.scalar(range["points"], where + ".points", s.points);
                }
                d.sweeps.push_back(s);
            }
        } else if (key == "corners" && !value.IsNull()) {
            ok = value.IsSequence() || r.fail(value, "corners: expected a list");
            for (size_t i = 0; ok && i < value.size(); ++i) {
                const auto& node = value[i];
                const std::string where = "corners[" + std::to_string(i) + "]";
                Corner c;
                ok = r.map(node, where) && r.keysIn(node, {"name", "lib", "parameters"}, where) &&
                     r.scalar(node["name"], where + ".name", c.name);
                if (ok && node["lib"]) {
                    const auto& libs = node["lib"];
                    ok = libs.IsSequence() || r.fail(libs, where + ".lib: expected a list");
                    for (size_t k = 0; ok && k < libs.size(); ++k) {
                        std::string file, section;
                        ok = r.map(libs[k], where + ".lib") &&
                             r.keysIn(libs[k], {"file", "section"}, where + ".lib") &&
                             r.scalar(libs[k]["file"], where + ".lib.file", file) &&
                             r.scalar(libs[k]["section"], where + ".lib.section", section);
                        c.libs += (k ? "; " : "") + file + " " + section;
                    }
                }
                std::vector<std::pair<std::string, std::string>> params;
                ok = ok && r.pairs(node["parameters"], where + ".parameters", params);
                for (size_t k = 0; k < params.size(); ++k)
                    c.parameters += (k ? ", " : "") + params[k].first + "=" + params[k].second;
                d.corners.push_back(c);
            }
        } else if (key == "montecarlo" && !value.IsNull()) {
            d.monteCarlo = true;
            ok = r.map(value, key) && r.keysIn(value, {"count", "seed"}, key) &&
                 r.scalar(value["count"], "montecarlo.count", d.monteCarloCount) &&
                 r.scalar(value["seed"], "montecarlo.seed", d.monteCarloSeed);
        } else if (!value.IsNull() && key != "analysis" && key != "sweeps" && key != "corners" &&
                   key != "montecarlo") {
            ok = r.fail(entry.first, "unknown key \"" + key + "\"");
        }
        if (!ok)
            return R::failure(r.error);
    }
    return d;
}

std::string JobSpecDraft::toYaml() const {
    YAML::Emitter out;
    out << YAML::BeginMap;
    auto field = [&](const char* key, const std::string& value) {
        if (!text::trim(value).empty())
            out << YAML::Key << key << YAML::Value << text::trim(value);
    };
    field("name", name);
    field("netlist", netlist);
    field("store", store);
    field("probe_map", probeMap);
    if (!analysisType.empty()) {
        std::vector<std::pair<std::string, std::string>> args = {{"type", analysisType}};
        for (const auto& key : analysisKeys(analysisType))
            if (auto it = analysisArgs.find(key);
                it != analysisArgs.end() && !text::trim(it->second).empty())
                args.emplace_back(key, text::trim(it->second));
        out << YAML::Key << "analysis" << YAML::Value;
        emitPairs(out, args);
    }
    if (!parameters.empty()) {
        out << YAML::Key << "parameters" << YAML::Value;
        emitPairs(out, parameters);
    }
    if (!sweeps.empty()) {
        out << YAML::Key << "sweeps" << YAML::Value << YAML::BeginSeq;
        for (const auto& s : sweeps) {
            out << YAML::Flow << YAML::BeginMap << YAML::Key << "param" << YAML::Value << s.param;
            if (s.kind == "lin" || s.kind == "log") {
                out << YAML::Key << s.kind << YAML::Value;
                emitPairs(out, {{"start", text::trim(s.start)},
                                {"stop", text::trim(s.stop)},
                                {"points", text::trim(s.points)}});
            } else {
                out << YAML::Key << "values" << YAML::Value << YAML::Flow << YAML::BeginSeq;
                for (const auto& v : splitOutsideBrackets(s.values, ','))
                    out << v;
                out << YAML::EndSeq;
            }
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    if (!corners.empty()) {
        out << YAML::Key << "corners" << YAML::Value << YAML::BeginSeq;
        for (const auto& c : corners) {
            out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << c.name;
            const auto libs = splitOutsideBrackets(c.libs, ';');
            if (!libs.empty()) {
                out << YAML::Key << "lib" << YAML::Value << YAML::BeginSeq;
                for (const auto& lib : libs) {
                    // "file section": the section is the last word, the file may hold spaces.
                    const auto space = lib.find_last_of(" \t");
                    const std::string file =
                        space == std::string::npos ? lib : text::trim(lib.substr(0, space));
                    const std::string section =
                        space == std::string::npos ? std::string() : lib.substr(space + 1);
                    emitPairs(out, {{"file", file}, {"section", section}});
                }
                out << YAML::EndSeq;
            }
            std::vector<std::pair<std::string, std::string>> params;
            for (const auto& p : splitOutsideBrackets(c.parameters, ',')) {
                const auto eq = p.find('=');
                params.emplace_back(text::trim(p.substr(0, eq)),
                                    eq == std::string::npos ? "" : text::trim(p.substr(eq + 1)));
            }
            if (!params.empty()) {
                out << YAML::Key << "parameters" << YAML::Value;
                emitPairs(out, params);
            }
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    if (monteCarlo) {
        std::vector<std::pair<std::string, std::string>> mc = {
            {"count", text::trim(monteCarloCount)}};
        if (!text::trim(monteCarloSeed).empty())
            mc.emplace_back("seed", text::trim(monteCarloSeed));
        out << YAML::Key << "montecarlo" << YAML::Value;
        emitPairs(out, mc);
    }
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}
