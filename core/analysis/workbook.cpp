#include "core/analysis/workbook.h"

#include "core/analysis/measurements.h"
#include "core/analysis/spectrum.h"
#include "core/base/spice_number.h"

#include <QSaveFile>
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace {

// A failure of the workbook, thrown inside parse() and turned into its Result there, so that
// each check reads as one line.
struct WorkbookError {
    std::string message;
};

std::string where(const std::string& source, const YAML::Node& node) {
    const auto mark = node.Mark();
    return mark.line >= 0 ? source + ":" + std::to_string(mark.line + 1) : source;
}

[[noreturn]] void fail(const std::string& source, const YAML::Node& node, const std::string& what) {
    throw WorkbookError{where(source, node) + ": " + what};
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string join(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

// Keys a mapping may have: a typo ("trcaes") is an error, not a setting silently dropped.
void onlyKeys(const std::string& source, const YAML::Node& map, const std::string& what,
              const std::vector<std::string>& allowed) {
    for (const auto& entry : map) {
        const std::string key = entry.first.Scalar();
        if (!entry.first.IsScalar() || !contains(allowed, key))
            fail(source, entry.first,
                 "unknown key \"" + key + "\" in " + what + " (expected: " + join(allowed) + ")");
    }
}

std::string text(const std::string& source, const YAML::Node& node, const std::string& what) {
    if (!node.IsScalar())
        fail(source, node, what + " must be a string");
    return node.Scalar();
}

double number(const std::string& source, const YAML::Node& node, const std::string& what) {
    if (node.IsScalar())
        if (const auto value = spice_number::parse(node.Scalar()))
            return *value;
    fail(source, node,
         what + " must be a number (SPICE suffixes allowed: 5u, 1k), not \"" +
             (node.IsScalar() ? node.Scalar()
                              : std::string("a ") + (node.IsMap() ? "mapping" : "list")) +
             "\"");
}

bool boolean(const std::string& source, const YAML::Node& node, const std::string& what) {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
        fail(source, node, what + " must be true or false");
    return value;
}

std::vector<std::string> strings(const std::string& source, const YAML::Node& node,
                                 const std::string& what) {
    if (node.IsScalar())
        return {node.Scalar()};
    if (!node.IsSequence())
        fail(source, node, what + " must be a list of strings");
    std::vector<std::string> result;
    for (const auto& entry : node)
        result.push_back(text(source, entry, what + " entries"));
    return result;
}

Workbook::Trace readTrace(const std::string& source, const YAML::Node& node) {
    Workbook::Trace trace;
    if (node.IsScalar()) {
        trace.expression = node.Scalar();
    } else if (node.IsMap()) {
        onlyKeys(source, node, "a trace",
                 {"expr", "label", "unit", "color", "style", "width", "hidden"});
        if (!node["expr"])
            fail(source, node, "a trace needs expr: (a cref or an expression)");
        trace.expression = text(source, node["expr"], "expr");
        if (node["label"])
            trace.label = text(source, node["label"], "label");
        if (node["unit"])
            trace.unit = text(source, node["unit"], "unit");
        if (node["color"])
            trace.color = text(source, node["color"], "color");
        if (node["style"]) {
            trace.style = text(source, node["style"], "style");
            if (!contains({"solid", "dash", "dot"}, trace.style))
                fail(source, node["style"],
                     "style \"" + trace.style + "\" is not one of solid, dash, dot");
        }
        if (node["width"])
            trace.width = number(source, node["width"], "width");
        if (node["hidden"])
            trace.hidden = boolean(source, node["hidden"], "hidden");
    } else {
        fail(source, node, "a trace is a string (a cref or an expression) or a mapping with expr:");
    }
    if (trace.expression.find_first_not_of(" \t") == std::string::npos)
        fail(source, node, "a trace's expression is empty");
    return trace;
}

Workbook::Fft readFft(const std::string& source, const YAML::Node& node) {
    Workbook::Fft fft;
    if (node.IsScalar()) {
        fft.trace = node.Scalar();
        return fft;
    }
    if (!node.IsMap())
        fail(source, node, "fft: is a trace or a mapping with trace:");
    onlyKeys(source, node, "fft:",
             {"trace", "window", "from", "to", "fundamental", "harmonics", "log_frequency"});
    if (!node["trace"])
        fail(source, node, "fft: needs trace:");
    fft.trace = text(source, node["trace"], "fft trace");
    if (node["window"]) {
        fft.window = text(source, node["window"], "window");
        if (!contains(Workbook::windowNames(), fft.window))
            fail(source, node["window"],
                 "window \"" + fft.window + "\" is not one of " + join(Workbook::windowNames()));
    }
    if (node["from"])
        fft.from = number(source, node["from"], "fft from");
    if (node["to"])
        fft.to = number(source, node["to"], "fft to");
    if (node["fundamental"])
        fft.fundamental = number(source, node["fundamental"], "fundamental");
    if (node["harmonics"]) {
        const double harmonics = number(source, node["harmonics"], "harmonics");
        if (harmonics < 2 || harmonics > 100 || harmonics != static_cast<int>(harmonics))
            fail(source, node["harmonics"], "harmonics must be a whole number from 2 to 100");
        fft.harmonics = static_cast<int>(harmonics);
    }
    if (node["log_frequency"])
        fft.logFrequency = boolean(source, node["log_frequency"], "log_frequency");
    return fft;
}

Workbook::Pane readPane(const std::string& source, const YAML::Node& node) {
    Workbook::Pane pane;
    if (node.IsSequence() || node.IsScalar()) { // a pane written as its list of traces
        for (const auto& entry :
             node.IsScalar() ? YAML::Node(std::vector<std::string>{node.Scalar()}) : node)
            pane.traces.push_back(readTrace(source, entry));
        return pane;
    }
    if (!node.IsMap())
        fail(source, node, "a pane is a mapping with traces: or fft:");
    onlyKeys(source, node, "a pane", {"traces", "fft", "log_y"});
    if (node["traces"] && node["fft"])
        fail(source, node, "a pane has traces: or fft:, not both");
    if (node["traces"]) {
        const auto traces = node["traces"];
        if (!traces.IsSequence())
            fail(source, traces, "traces: must be a list");
        for (const auto& entry : traces)
            pane.traces.push_back(readTrace(source, entry));
    } else if (node["fft"]) {
        pane.fft = readFft(source, node["fft"]);
    } else {
        fail(source, node, "a pane needs traces: or fft:");
    }
    if (node["log_y"])
        pane.logY = strings(source, node["log_y"], "log_y");
    return pane;
}

Workbook read(const std::string& source, const YAML::Node& root) {
    Workbook book;
    if (root.IsNull())
        return book;
    if (!root.IsMap())
        fail(source, root, "a workbook is a mapping with panes:");
    onlyKeys(source, root, "the workbook", {"version", "panes", "measure", "x", "cursors"});
    if (root["version"]) {
        const double version = number(source, root["version"], "version");
        if (version != 1)
            fail(source, root["version"],
                 "version " + root["version"].Scalar() + " is not supported; expected 1");
    }
    if (const auto panes = root["panes"]) {
        if (!panes.IsSequence())
            fail(source, panes, "panes: must be a list");
        for (const auto& pane : panes)
            book.panes.push_back(readPane(source, pane));
    }
    if (const auto measure = root["measure"]) {
        if (!measure.IsMap())
            fail(source, measure, "measure: maps a trace to a list of measurements");
        for (const auto& entry : measure) {
            const std::string trace = text(source, entry.first, "a measured trace");
            auto names = strings(source, entry.second, "measurements of " + trace);
            for (const auto& name : names)
                if (!contains(Workbook::measurementNames(), name))
                    fail(source, entry.second,
                         "unknown measurement \"" + name + "\" of " + trace +
                             " (expected: " + join(Workbook::measurementNames()) + ")");
            book.measure.emplace_back(trace, std::move(names));
        }
    }
    if (const auto x = root["x"]) {
        if (!x.IsMap())
            fail(source, x, "x: is a mapping with from: and to:");
        onlyKeys(source, x, "x:", {"from", "to"});
        if (!x["from"] || !x["to"])
            fail(source, x, "x: needs from: and to:");
        book.x =
            Workbook::Range{number(source, x["from"], "x from"), number(source, x["to"], "x to")};
        if (!(book.x->from < book.x->to))
            fail(source, x, "x: from must be below to");
    }
    if (const auto cursors = root["cursors"]) {
        if (!cursors.IsMap())
            fail(source, cursors, "cursors: is a mapping with a: and b:");
        onlyKeys(source, cursors, "cursors:", {"a", "b"});
        if (cursors["a"])
            book.cursorA = number(source, cursors["a"], "cursor a");
        if (cursors["b"])
            book.cursorB = number(source, cursors["b"], "cursor b");
    }
    return book;
}

} // namespace

const std::vector<std::string>& Workbook::measurementNames() {
    return Measurements::names();
}

const std::vector<std::string>& Workbook::windowNames() {
    return Spectrum::windowNames();
}

Result<Workbook> Workbook::parse(const std::string& yaml, const std::string& source) {
    try {
        return read(source, YAML::Load(yaml));
    } catch (const WorkbookError& error) {
        return Result<Workbook>::failure(error.message);
    } catch (const YAML::Exception& e) {
        return Result<Workbook>::failure(source + ":" + std::to_string(e.mark.line + 1) +
                                         ": not valid YAML: " + e.msg);
    }
}

Result<Workbook> Workbook::load(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return Result<Workbook>::failure(path + ": cannot read the workbook");
    std::ostringstream text;
    text << file.rdbuf();
    return parse(text.str(), path);
}

std::string Workbook::toYaml() const {
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "version" << YAML::Value << version;
    out << YAML::Key << "panes" << YAML::Value << YAML::BeginSeq;
    for (const auto& pane : panes) {
        out << YAML::BeginMap;
        if (pane.fft) {
            const auto& fft = *pane.fft;
            out << YAML::Key << "fft" << YAML::Value << YAML::BeginMap;
            out << YAML::Key << "trace" << YAML::Value << YAML::DoubleQuoted << fft.trace;
            out << YAML::Key << "window" << YAML::Value << fft.window;
            if (fft.from)
                out << YAML::Key << "from" << YAML::Value << spice_number::format(*fft.from);
            if (fft.to)
                out << YAML::Key << "to" << YAML::Value << spice_number::format(*fft.to);
            if (fft.fundamental)
                out << YAML::Key << "fundamental" << YAML::Value
                    << spice_number::format(*fft.fundamental);
            out << YAML::Key << "harmonics" << YAML::Value << fft.harmonics;
            out << YAML::Key << "log_frequency" << YAML::Value << fft.logFrequency;
            out << YAML::EndMap;
        } else {
            out << YAML::Key << "traces" << YAML::Value << YAML::BeginSeq;
            for (const auto& trace : pane.traces) {
                const bool plain = trace.label.empty() && trace.unit.empty() &&
                                   trace.color.empty() && trace.style.empty() && trace.width == 0 &&
                                   !trace.hidden;
                if (plain) {
                    out << YAML::DoubleQuoted << trace.expression;
                    continue;
                }
                out << YAML::Flow << YAML::BeginMap;
                out << YAML::Key << "expr" << YAML::Value << YAML::DoubleQuoted << trace.expression;
                if (!trace.label.empty())
                    out << YAML::Key << "label" << YAML::Value << YAML::DoubleQuoted << trace.label;
                if (!trace.unit.empty())
                    out << YAML::Key << "unit" << YAML::Value << YAML::DoubleQuoted << trace.unit;
                if (!trace.color.empty())
                    out << YAML::Key << "color" << YAML::Value << YAML::DoubleQuoted << trace.color;
                if (!trace.style.empty())
                    out << YAML::Key << "style" << YAML::Value << trace.style;
                if (trace.width != 0)
                    out << YAML::Key << "width" << YAML::Value << spice_number::format(trace.width);
                if (trace.hidden)
                    out << YAML::Key << "hidden" << YAML::Value << true;
                out << YAML::EndMap;
            }
            out << YAML::EndSeq;
        }
        if (!pane.logY.empty())
            out << YAML::Key << "log_y" << YAML::Value << YAML::Flow << pane.logY;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    if (!measure.empty()) {
        out << YAML::Key << "measure" << YAML::Value << YAML::BeginMap;
        for (const auto& [trace, names] : measure)
            out << YAML::Key << YAML::DoubleQuoted << trace << YAML::Value << YAML::Flow << names;
        out << YAML::EndMap;
    }
    if (x)
        out << YAML::Key << "x" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
            << "from" << YAML::Value << spice_number::format(x->from) << YAML::Key << "to"
            << YAML::Value << spice_number::format(x->to) << YAML::EndMap;
    if (cursorA || cursorB) {
        out << YAML::Key << "cursors" << YAML::Value << YAML::Flow << YAML::BeginMap;
        if (cursorA)
            out << YAML::Key << "a" << YAML::Value << spice_number::format(*cursorA);
        if (cursorB)
            out << YAML::Key << "b" << YAML::Value << spice_number::format(*cursorB);
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

Result<bool> Workbook::save(const std::string& path) const {
    QSaveFile file(QString::fromStdString(path));
    const std::string yaml = toYaml();
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(yaml.data(), static_cast<qint64>(yaml.size())) !=
            static_cast<qint64>(yaml.size()) ||
        !file.commit())
        return Result<bool>::failure(
            path + ": cannot write the workbook: " + file.errorString().toStdString());
    return true;
}

std::vector<std::string> Workbook::expressions() const {
    std::vector<std::string> result;
    std::set<std::string> seen;
    auto add = [&](const std::string& expression) {
        if (seen.insert(expression).second)
            result.push_back(expression);
    };
    for (const auto& pane : panes) {
        for (const auto& trace : pane.traces)
            add(trace.expression);
        if (pane.fft)
            add(pane.fft->trace);
    }
    for (const auto& [trace, names] : measure)
        add(trace);
    return result;
}
