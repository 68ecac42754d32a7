#include "core/jobs/sim_job_spec.h"

#include "core/base/spice_number.h"
#include "core/base/text.h"
#include "core/engine/design_reader.h"
#include "core/netlist/job_netlist.h"
#include "core/netlist/run_netlist.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUtf8StringView>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <map>
#include <set>
#include <yaml-cpp/yaml.h>

namespace {

using text::isIdentifier;

// Whether a comma stands outside (), {}, [] and '...': there it separates .param
// assignments.
bool hasCommaOutsideBrackets(const std::string& text) {
    int depth = 0;
    bool quoted = false;
    for (const char c : text) {
        if (c == '\'')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == '(' || c == '{' || c == '[')
            ++depth;
        else if ((c == ')' || c == '}' || c == ']') && depth > 0)
            --depth;
        else if (c == ',' && depth == 0)
            return true;
    }
    return false;
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (size_t i = 0; i < items.size(); ++i)
        text += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
    return text;
}

// Reads the YAML tree into a SimJobSpec; the first problem found ends the parse, with a
// message naming the spec file and line.
class Parser {
public:
    Parser(std::string origin, std::string baseDir)
        : m_origin(std::move(origin)), m_baseDir(std::move(baseDir)) {}

    std::string error;

    std::string at(const YAML::Node& node) const {
        const int line = node.Mark().line;
        return line >= 0 ? m_origin + ":" + std::to_string(line + 1) : m_origin;
    }

    bool fail(const YAML::Node& node, const std::string& message) {
        if (error.empty())
            error = at(node) + ": " + message;
        return false;
    }

    // Every key of `map` must be one of `allowed`, each given once: yaml-cpp keeps both of
    // a key given twice, and lookups (here) and iteration (JobSpecDraft) would each see
    // another one.
    bool keysIn(const YAML::Node& map, const std::vector<std::string>& allowed,
                const std::string& where) {
        std::set<std::string> seen;
        for (const auto& entry : map) {
            const std::string key = entry.first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
                return fail(entry.first, "unknown key \"" + key + "\" in " + where + " (expected " +
                                             joined(allowed) + ")");
            if (!seen.insert(key).second)
                return fail(entry.first, "\"" + key + "\" is given twice in " + where);
        }
        return true;
    }

    // Surrounding blanks are not part of a value (yaml-cpp keeps a `\r` that ends the file,
    // and the form writes values trimmed).
    bool scalar(const YAML::Node& node, const std::string& what, std::string& out) {
        if (!node.IsScalar() || text::trim(node.Scalar()).empty())
            return fail(node, what + ": expected a value");
        // Values end up in netlists, HDF5 attributes and the form's YAML, all UTF-8: stray
        // bytes, or yaml-cpp's Latin-1 reading of the escapes \N and \_, would be garbled.
        if (!QUtf8StringView(node.Scalar()).isValidUtf8())
            return fail(node, what + ": not valid UTF-8 text");
        out = text::trim(node.Scalar());
        return true;
    }

    bool number(const YAML::Node& node, const std::string& what, double& out) {
        std::string text;
        if (!scalar(node, what, text))
            return false;
        const auto value = spice_number::parse(text);
        if (!value || !std::isfinite(*value))
            return fail(node, what + ": \"" + text + "\" is not a number");
        out = *value;
        return true;
    }

    bool integer(const YAML::Node& node, const std::string& what, long long& out) {
        std::string text;
        if (!scalar(node, what, text))
            return false;
        char* end = nullptr;
        errno = 0;
        out = std::strtoll(text.c_str(), &end, 10);
        if (errno != 0 || !end || *end != '\0')
            return fail(node, what + ": \"" + text + "\" is not a whole number");
        return true;
    }

    bool map(const YAML::Node& node, const std::string& what) {
        return node.IsMap() || fail(node, what + ": expected a mapping");
    }

    bool required(const YAML::Node& map, const std::string& key, const std::string& where) {
        return map[key] || fail(map, where + ": \"" + key + "\" is missing");
    }

    bool path(const YAML::Node& node, const std::string& what, std::string& out) {
        std::string text;
        if (!scalar(node, what, text))
            return false;
        out = QDir::cleanPath(QDir(QString::fromStdString(m_baseDir))
                                  .absoluteFilePath(QString::fromStdString(text)))
                  .toStdString();
        return true;
    }

    bool existingFile(const YAML::Node& node, const std::string& what, std::string& out) {
        if (!path(node, what, out))
            return false;
        if (!QFileInfo(QString::fromStdString(out)).isFile())
            return fail(node, what + " \"" + node.Scalar() + "\" not found (" + out + ")");
        return true;
    }

    bool parameters(const YAML::Node& node, const std::string& what,
                    std::vector<std::pair<std::string, std::string>>& out) {
        if (!map(node, what))
            return false;
        for (const auto& entry : node) {
            const std::string name = entry.first.Scalar();
            if (!isIdentifier(name))
                return fail(entry.first, what + ": \"" + name + "\" is not a parameter name");
            std::string value;
            if (!scalar(entry.second, what + "." + name, value))
                return false;
            // ngspice reads `.param a=1,2` as a second assignment after the comma and stops
            // with "sign expected"; the form's "a=1, b=2" text would split it too.
            if (hasCommaOutsideBrackets(value))
                return fail(entry.second, what + "." + name + ": \"" + value +
                                              "\": a comma outside brackets ends a .param value");
            out.emplace_back(name, value);
        }
        return true;
    }

    bool analysis(const YAML::Node& node, SimJobSpec::Analysis& out) {
        if (!map(node, "analysis") || !required(node, "type", "analysis"))
            return false;
        std::string type;
        if (!scalar(node["type"], "analysis.type", type))
            return false;
        const auto& forms = SimJobSpec::analysisForms();
        const auto form = forms.find(type);
        if (form == forms.end())
            return fail(node["type"], "analysis.type: unknown analysis \"" + type +
                                          "\" (expected tran, ac, dc, op or noise)");
        std::vector<std::string> allowed{"type"};
        for (const auto* keys : {&form->second.required, &form->second.optional})
            allowed.insert(allowed.end(), keys->begin(), keys->end());
        if (!keysIn(node, allowed, "analysis (" + type + ")"))
            return false;
        std::map<std::string, std::string> values;
        for (const auto& key : allowed) {
            if (key == "type" || !node[key]) {
                if (std::count(form->second.required.begin(), form->second.required.end(), key))
                    return required(node, key, "analysis (" + type + ")");
                continue;
            }
            std::string text;
            if (!scalar(node[key], "analysis." + key, text))
                return false;
            double unused = 0;
            if (std::count(form->second.numeric.begin(), form->second.numeric.end(), key) &&
                !number(node[key], "analysis." + key, unused))
                return false;
            values[key] = text;
        }
        for (const char* key : {"points", "points_per_summary"}) {
            long long count = 0;
            if (values.count(key) &&
                (!integer(node[key], std::string("analysis.") + key, count) ||
                 (count < 1 && fail(node[key], std::string("analysis.") + key + ": must be >= 1"))))
                return false;
        }
        if (values.count("variation")) {
            const auto& v = values["variation"];
            if (v != "dec" && v != "oct" && v != "lin")
                return fail(node["variation"],
                            "analysis.variation: \"" + v + "\" (expected dec, oct or lin)");
        }
        out.type = type;
        if (type == "tran") {
            out.line = ".tran " + values["step"] + " " + values["stop"];
            if (values.count("start") || values.count("maxstep"))
                out.line += " " + (values.count("start") ? values["start"] : std::string("0"));
            if (values.count("maxstep"))
                out.line += " " + values["maxstep"];
        } else if (type == "ac") {
            out.line = ".ac " + values["variation"] + " " + values["points"] + " " +
                       values["fstart"] + " " + values["fstop"];
        } else if (type == "dc") {
            out.line = ".dc " + values["source"] + " " + values["start"] + " " + values["stop"] +
                       " " + values["step"];
        } else if (type == "op") {
            out.line = ".op";
        } else {
            std::string output = values["output"];
            if (output.rfind("v(", 0) != 0 && output.rfind("V(", 0) != 0)
                output = "v(" + output + ")";
            out.line = ".noise " + output + " " + values["source"] + " " + values["variation"] +
                       " " + values["points"] + " " + values["fstart"] + " " + values["fstop"];
            if (values.count("points_per_summary"))
                out.line += " " + values["points_per_summary"];
        }
        return true;
    }

    bool range(const YAML::Node& node, bool logarithmic, std::vector<double>& out) {
        const std::string what = logarithmic ? "log" : "lin";
        if (!map(node, what) || !keysIn(node, {"start", "stop", "points"}, what))
            return false;
        double start = 0, stop = 0;
        long long points = 0;
        if (!required(node, "start", what) || !required(node, "stop", what) ||
            !required(node, "points", what) || !number(node["start"], what + ".start", start) ||
            !number(node["stop"], what + ".stop", stop) ||
            !integer(node["points"], what + ".points", points))
            return false;
        if (points < 2 || points > 1000000)
            return fail(node["points"], "bad range: " + what + ".points must be 2 or more, not " +
                                            std::to_string(points));
        if (logarithmic && (start == 0 || stop == 0 || (start < 0) != (stop < 0)))
            return fail(node, "bad range: log needs start and stop of the same sign, not 0");
        out.resize(static_cast<size_t>(points));
        const double last = static_cast<double>(points - 1);
        // Each value from the ends, never by accumulating steps: the ends are exact and the
        // error does not grow along the range.
        const double sign = start < 0 ? -1.0 : 1.0;
        const double from = logarithmic ? std::log10(sign * start) : start;
        const double to = logarithmic ? std::log10(sign * stop) : stop;
        for (long long i = 0; i < points; ++i) {
            const double x = from + (to - from) * static_cast<double>(i) / last;
            out[static_cast<size_t>(i)] = logarithmic ? sign * std::pow(10.0, x) : x;
        }
        out.front() = start;
        out.back() = stop;
        return true;
    }

    bool sweep(const YAML::Node& node, size_t index, SimJobSpec::Sweep& out) {
        const std::string where = "sweeps[" + std::to_string(index) + "]";
        if (!map(node, where) || !keysIn(node, {"param", "values", "lin", "log"}, where) ||
            !required(node, "param", where) || !scalar(node["param"], where + ".param", out.param))
            return false;
        if (!isIdentifier(out.param))
            return fail(node["param"],
                        where + ".param: \"" + out.param + "\" is not a parameter name");
        const int forms = (node["values"] ? 1 : 0) + (node["lin"] ? 1 : 0) + (node["log"] ? 1 : 0);
        if (forms != 1)
            return fail(node, where + ": give exactly one of values, lin or log");
        if (node["values"]) {
            const auto& values = node["values"];
            if (!values.IsSequence() || values.size() == 0)
                return fail(values, where + ".values: expected a non-empty list");
            for (size_t i = 0; i < values.size(); ++i) {
                double value = 0;
                if (!number(values[i], where + ".values[" + std::to_string(i) + "]", value))
                    return false;
                out.values.push_back(value);
            }
            return true;
        }
        return node["lin"] ? range(node["lin"], false, out.values)
                           : range(node["log"], true, out.values);
    }

    bool corner(const YAML::Node& node, size_t index, SimJobSpec::Corner& out) {
        const std::string where = "corners[" + std::to_string(index) + "]";
        if (!map(node, where) || !keysIn(node, {"name", "lib", "parameters"}, where) ||
            !required(node, "name", where) || !scalar(node["name"], where + ".name", out.name))
            return false;
        const bool usable = std::all_of(out.name.begin(), out.name.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '_';
        });
        if (!usable) // it becomes part of run ids
            return fail(node["name"],
                        where + ".name: \"" + out.name + "\": use letters, digits and _ only");
        if (node["lib"]) {
            const auto& libs = node["lib"];
            if (!libs.IsSequence())
                return fail(libs, where + ".lib: expected a list of {file, section}");
            for (size_t i = 0; i < libs.size(); ++i) {
                const std::string what = where + ".lib[" + std::to_string(i) + "]";
                SimJobSpec::Lib lib;
                if (!map(libs[i], what) || !keysIn(libs[i], {"file", "section"}, what) ||
                    !required(libs[i], "file", what) || !required(libs[i], "section", what) ||
                    !existingFile(libs[i]["file"], what + ".file", lib.file) ||
                    !scalar(libs[i]["section"], what + ".section", lib.section))
                    return false;
                // It becomes the last word of a `.lib file section` line (and of the form's
                // "file section" text); a `;` there would start a comment.
                if (lib.section.find_first_of(" \t\r\n\f\v;") != std::string::npos)
                    return fail(libs[i]["section"], what + ".section \"" + lib.section +
                                                        "\": a library section is one word");
                out.libs.push_back(std::move(lib));
            }
        }
        return !node["parameters"] ||
               parameters(node["parameters"], where + ".parameters", out.parameters);
    }

private:
    std::string m_origin;
    std::string m_baseDir;
};

} // namespace

const std::map<std::string, SimJobSpec::AnalysisForm>& SimJobSpec::analysisForms() {
    static const std::map<std::string, AnalysisForm> forms = {
        {"tran", {{"step", "stop"}, {"start", "maxstep"}, {"step", "stop", "start", "maxstep"}}},
        {"ac", {{"variation", "points", "fstart", "fstop"}, {}, {"points", "fstart", "fstop"}}},
        {"dc", {{"source", "start", "stop", "step"}, {}, {"start", "stop", "step"}}},
        {"op", {{}, {}, {}}},
        {"noise",
         {{"output", "source", "variation", "points", "fstart", "fstop"},
          {"points_per_summary"},
          {"points", "fstart", "fstop", "points_per_summary"}}},
    };
    return forms;
}

long long SimJobSpec::runCount() const {
    long long points = 1;
    for (const auto& sweep : m_sweeps)
        points *= static_cast<long long>(sweep.values.size());
    return points * static_cast<long long>(std::max<size_t>(1, m_corners.size())) *
           std::max(1, m_monteCarloCount);
}

Result<SimJobSpec> SimJobSpec::fromFile(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return Result<SimJobSpec>::failure(path + ": " + file.errorString().toStdString());
    const QFileInfo info(file);
    return fromYaml(file.readAll().toStdString(), path, info.absolutePath().toStdString());
}

Result<SimJobSpec> SimJobSpec::fromYaml(const std::string& text, const std::string& origin,
                                        const std::string& baseDir) {
    using R = Result<SimJobSpec>;
    SimJobSpec spec;
    spec.m_origin = origin;
    Parser p(origin, baseDir);
    try {
        const YAML::Node root = YAML::Load(text);
        if (!root.IsMap())
            return R::failure(p.at(root) + ": expected a mapping with netlist, analysis, "
                                           "parameters, sweeps, corners, montecarlo, ...");
        if (!p.keysIn(root,
                      {"name", "netlist", "store", "probe_map", "asdlrc", "analysis", "parameters",
                       "sweeps", "corners", "montecarlo"},
                      "the job"))
            return R::failure(p.error);
        if (!root["netlist"])
            return R::failure(origin + ": no netlist (add \"netlist: design.cir\")");
        spec.m_netlistLine = root["netlist"].Mark().line + 1;
        if (!p.existingFile(root["netlist"], "netlist", spec.m_netlistPath))
            return R::failure(p.error);
        if (root["name"] && !p.scalar(root["name"], "name", spec.m_name))
            return R::failure(p.error);
        if (root["store"] && !p.path(root["store"], "store", spec.m_storePath))
            return R::failure(p.error);
        if (root["probe_map"] &&
            !p.existingFile(root["probe_map"], "probe_map", spec.m_probeMapPath))
            return R::failure(p.error);
        if (root["asdlrc"] &&
            !p.existingFile(root["asdlrc"], "asdlrc", spec.m_designOptions.asdlrcPath))
            return R::failure(p.error);
        if (root["analysis"] && !root["analysis"].IsNull() &&
            !p.analysis(root["analysis"], spec.m_analysis))
            return R::failure(p.error);
        if (root["parameters"] &&
            !p.parameters(root["parameters"], "parameters", spec.m_parameters))
            return R::failure(p.error);
        if (const auto sweeps = root["sweeps"]) {
            if (!sweeps.IsSequence())
                return R::failure(p.at(sweeps) + ": sweeps: expected a list");
            std::set<std::string> seen;
            for (size_t i = 0; i < sweeps.size(); ++i) {
                Sweep sweep;
                if (!p.sweep(sweeps[i], i, sweep))
                    return R::failure(p.error);
                if (!seen.insert(sweep.param).second)
                    return R::failure(p.at(sweeps[i]) + ": sweeps[" + std::to_string(i) + "]: \"" +
                                      sweep.param + "\" is swept twice");
                spec.m_sweeps.push_back(std::move(sweep));
            }
        }
        if (const auto corners = root["corners"]) {
            if (!corners.IsSequence() || corners.size() == 0)
                return R::failure(p.at(corners) + ": corners: expected a non-empty list");
            std::set<std::string> seen;
            for (size_t i = 0; i < corners.size(); ++i) {
                Corner corner;
                if (!p.corner(corners[i], i, corner))
                    return R::failure(p.error);
                if (!seen.insert(corner.name).second)
                    return R::failure(p.at(corners[i]) + ": corners[" + std::to_string(i) +
                                      "]: a second corner named \"" + corner.name + "\"");
                spec.m_corners.push_back(std::move(corner));
            }
        }
        if (const auto mc = root["montecarlo"]) {
            long long count = 0;
            if (!p.map(mc, "montecarlo") || !p.keysIn(mc, {"count", "seed"}, "montecarlo") ||
                !p.required(mc, "count", "montecarlo") ||
                !p.integer(mc["count"], "montecarlo.count", count) ||
                (mc["seed"] && !p.integer(mc["seed"], "montecarlo.seed", spec.m_monteCarloSeed)))
                return R::failure(p.error);
            if (count < 1 || count > 1000000)
                return R::failure(p.at(mc["count"]) +
                                  ": montecarlo.count must be 1 or more and at most 1000000, not " +
                                  std::to_string(count));
            // ngspice keeps the seed in an int.
            if (spec.m_monteCarloSeed < 0 || spec.m_monteCarloSeed + count - 1 > INT_MAX)
                return R::failure(p.at(mc["seed"] ? mc["seed"] : mc) +
                                  ": montecarlo.seed: seeds must lie in 0.." +
                                  std::to_string(INT_MAX));
            spec.m_monteCarloCount = static_cast<int>(count);
        }
        // Every run is expanded (netlist text, id) before the first starts: a product of
        // sweeps, corners and Monte Carlo beyond the limit would exhaust memory (10^12 ended
        // in bad_alloc) or hang, so it is refused here, at the line that multiplies it.
        double runs = 1;
        for (const auto& sweep : spec.m_sweeps)
            runs *= static_cast<double>(sweep.values.size());
        runs *= static_cast<double>(std::max<size_t>(1, spec.m_corners.size()));
        runs *= std::max(1, spec.m_monteCarloCount);
        if (runs > static_cast<double>(kMaxRuns)) {
            const auto where = root["montecarlo"] ? root["montecarlo"]
                               : root["sweeps"]   ? root["sweeps"]
                                                  : root["corners"];
            return R::failure(p.at(where) + ": the job has " + spice_number::format(runs) +
                              " runs (sweeps x corners x Monte Carlo); at most " +
                              std::to_string(kMaxRuns) + " are allowed");
        }
    } catch (const YAML::Exception& e) {
        return R::failure(origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    const QString base = QFileInfo(QString::fromStdString(origin)).completeBaseName();
    if (spec.m_name.empty())
        spec.m_name = base.toStdString();
    if (spec.m_storePath.empty())
        spec.m_storePath =
            QDir(QString::fromStdString(baseDir)).absoluteFilePath(base + ".h5").toStdString();
    return spec;
}

std::vector<std::vector<std::pair<std::string, double>>> SimJobSpec::sweepPoints() const {
    std::vector<std::vector<std::pair<std::string, double>>> points(1);
    for (const auto& sweep : m_sweeps) {
        std::vector<std::vector<std::pair<std::string, double>>> next;
        next.reserve(points.size() * sweep.values.size());
        for (const auto& point : points)
            for (double value : sweep.values) {
                next.push_back(point);
                next.back().emplace_back(sweep.param, value);
            }
        points = std::move(next);
    }
    return points;
}

Result<std::vector<SimRun>> SimJobSpec::expand(const std::string& netlistPath) const {
    using R = Result<std::vector<SimRun>>;
    const std::string where = m_origin + ":" + std::to_string(m_netlistLine);
    std::string path = netlistPath.empty() ? m_netlistPath : netlistPath;
    if (netlistPath.empty() && DesignReader::isAsdl(m_netlistPath)) {
        auto opened = DesignReader::open(m_netlistPath, m_designOptions);
        if (!opened)
            return R::failure(where + ": " + opened.error());
        if (!opened->notRunnable.empty())
            return R::failure(where + ": " + m_netlistPath + " cannot run: " + opened->notRunnable);
        path = opened->netlistPath;
    }
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(where + ": netlist " + path + ": " + file.errorString().toStdString());
    const std::string netlist = file.readAll().toStdString();
    const std::string baseDir = QFileInfo(file).absolutePath().toStdString();
    const auto own = JobNetlist::analyses(netlist);
    const std::string analysis = !m_analysis.type.empty() ? m_analysis.type
                                 : own.empty()            ? "none"
                                                          : own.front();

    std::vector<Corner> corners = m_corners;
    if (corners.empty())
        corners.push_back(Corner{});
    const auto points = sweepPoints();
    std::vector<long long> seeds;
    seeds.reserve(static_cast<size_t>(std::max(m_monteCarloCount, 1)));
    for (int k = 0; k < m_monteCarloCount; ++k)
        seeds.push_back(m_monteCarloSeed + k);
    if (seeds.empty())
        seeds.push_back(-1);
    const int width = std::max<int>(3, static_cast<int>(std::to_string(points.size() - 1).size()));

    std::vector<SimRun> runs;
    for (const auto& corner : corners) {
        for (size_t p = 0; p < points.size(); ++p) {
            for (long long seed : seeds) {
                SimRun run;
                run.index = static_cast<int>(runs.size());
                run.job = m_name;
                run.analysis = analysis;
                run.corner = corner.name;
                run.sweep = points[p];
                run.sweepIndex = static_cast<int>(p);
                run.seed = seed;

                JobNetlist::Point point;
                point.analysisLine = m_analysis.line;
                point.seed = seed;
                point.label = "job " + m_name + ", corner " +
                              (corner.name.empty() ? "-" : corner.name) + ", sweep point " +
                              std::to_string(p) + " " + run.sweepJson() + ", seed " +
                              (seed < 0 ? "-" : std::to_string(seed));
                for (const auto& lib : corner.libs)
                    point.libs.emplace_back(lib.file, lib.section);
                point.parameters = m_parameters;
                point.parameters.insert(point.parameters.end(), corner.parameters.begin(),
                                        corner.parameters.end());
                for (const auto& [name, value] : run.sweep)
                    point.parameters.emplace_back(name, spice_number::format(value));
                run.netlistText = JobNetlist::build(netlist, point);

                // The hash of exactly what SimSession will hand ngspice (its netlist_sha256).
                auto given = RunNetlist::fromText(run.netlistText, baseDir, path, {});
                if (!given)
                    return R::failure(where + ": " + given.error());
                std::string index = std::to_string(p);
                index.insert(
                    0, static_cast<size_t>(std::max(0, width - static_cast<int>(index.size()))),
                    '0');
                run.runId = analysis + "-" + (corner.name.empty() ? "nom" : corner.name) + "-s" +
                            (seed < 0 ? std::string("none") : std::to_string(seed)) + "-p" + index +
                            "-" + given->sha256().substr(0, 8);

                YAML::Emitter out;
                out << YAML::BeginMap << YAML::Key << "job" << YAML::Value << m_name;
                out << YAML::Key << "corner" << YAML::Value << corner.name;
                out << YAML::Key << "libs" << YAML::Value << YAML::BeginSeq;
                for (const auto& lib : corner.libs)
                    out << YAML::Flow << YAML::BeginMap << YAML::Key << "file" << YAML::Value
                        << lib.file << YAML::Key << "section" << YAML::Value << lib.section
                        << YAML::EndMap;
                out << YAML::EndSeq;
                out << YAML::Key << "seed" << YAML::Value << seed;
                out << YAML::Key << "sweep_index" << YAML::Value << run.sweepIndex;
                out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
                for (const auto& [name, value] : point.parameters)
                    out << YAML::Key << name << YAML::Value << value;
                out << YAML::EndMap << YAML::EndMap;
                run.paramsYaml = std::string(out.c_str()) + "\n";
                runs.push_back(std::move(run));
            }
        }
    }
    return runs;
}
