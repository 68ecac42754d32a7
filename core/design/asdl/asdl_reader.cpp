#include "core/design/asdl/asdl_reader.h"

#include "core/base/text.h"
#include "core/crefs/probe_resolver.h"
#include "core/design/device_parameters.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <yaml-cpp/yaml.h>

// Inside this file a failure unwinds as AsdlError to the public function, which returns it
// as a value: elaboration recurses through imports and module instances, and threading a
// Result through every level would add nothing but noise. yaml-cpp's own exceptions are
// caught where the YAML is read and turned into AsdlError with the file and line.

namespace {

struct AsdlError {
    std::string message;
};

[[noreturn]] void fail(const std::string& message) {
    throw AsdlError{message};
}

std::string where(const std::string& file, int line) {
    return line > 0 ? file + ":" + std::to_string(line) : file;
}

int lineOf(const YAML::Node& node) {
    const auto mark = node.Mark();
    return mark.line >= 0 ? mark.line + 1 : 0;
}

bool isIdentifier(const std::string& text) {
    if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_'))
        return false;
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// Nets may be plain numbers ('0' is ground in SPICE).
bool isNetName(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_';
    });
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : separator) + item;
    return text;
}

// ---------------------------------------------------------------------------------------
// Patterns (spec_asdl_pattern_expansion): `<a|b>` enumeration, `<7:0>` inclusive integer
// range in written direction, `;` splice, `<@name>` named group. Groups expand left to
// right, the leftmost outermost. The compiler writes an atom into the netlist as the
// expression's literal text followed by the substituted parts (`Rx_<a|b>_y` -> `Rx__ya`),
// so each atom keeps both spellings.

struct NamedPattern {
    std::string group; // "<1|2|4>"
    std::string axis;  // tag, or the pattern's name
    int line = 0;
};
using Patterns = std::map<std::string, NamedPattern>;

struct Atom {
    std::string literal;                           // the ASDL name: "mn_in_p"
    std::string rendered;                          // the netlist's spelling
    std::vector<std::pair<std::string, int>> axes; // named axis -> index, for broadcast
};

struct Expansion {
    std::vector<Atom> atoms;
    bool unnamedGroup = false; // broadcast is only allowed along named axes
    bool spliced = false;
    std::vector<std::pair<std::string, int>> axisLengths; // named axes in order
};

constexpr size_t kMaxAtoms = 10000;

Expansion expand(const std::string& expression, const Patterns& patterns,
                 const std::string& location, const std::string& what) {
    auto malformed = [&](const std::string& why) {
        fail(location + ": malformed pattern in " + what + " \"" + expression + "\": " + why);
    };
    if (expression.empty())
        malformed("it is empty");
    if (expression.find('*') != std::string::npos)
        malformed("wildcards (*) are not supported");
    if (expression.find_first_of("[]") != std::string::npos)
        malformed("square brackets are not ASDL pattern syntax (a range is written <7:0>)");
    if (expression.find_first_of(" \t") != std::string::npos)
        malformed("whitespace is not allowed");

    Expansion result;
    std::vector<std::string> segments;
    {
        std::string segment;
        for (char c : expression) {
            if (c == ';') {
                segments.push_back(segment);
                segment.clear();
            } else {
                segment += c;
            }
        }
        segments.push_back(segment);
    }
    result.spliced = segments.size() > 1;
    std::set<std::string> seen;
    for (const auto& segment : segments) {
        if (segment.empty())
            malformed("empty splice segment");
        struct Partial {
            std::string literal, base;
            std::vector<std::string> parts;
            std::vector<std::pair<std::string, int>> axes;
        };
        std::vector<Partial> current(1);
        size_t i = 0;
        while (i < segment.size()) {
            const char c = segment[i];
            if (c == '>')
                malformed("'>' without a matching '<'");
            if (c != '<') {
                for (auto& p : current) {
                    p.literal += c;
                    p.base += c;
                }
                ++i;
                continue;
            }
            const auto close = segment.find('>', i + 1);
            if (close == std::string::npos)
                malformed("'<' is not closed");
            std::string content = segment.substr(i + 1, close - i - 1);
            if (content.find('<') != std::string::npos)
                malformed("groups cannot be nested");
            i = close + 1;
            std::string axis;
            if (!content.empty() && content[0] == '@') {
                const std::string name = content.substr(1);
                auto it = patterns.find(name);
                if (it == patterns.end())
                    malformed("no named pattern \"" + name + "\" in this module");
                content = it->second.group.substr(1, it->second.group.size() - 2);
                axis = it->second.axis;
            } else {
                result.unnamedGroup = true;
            }
            if (content.empty())
                malformed("empty group <>");
            std::vector<std::string> values;
            if (content.find(':') != std::string::npos) {
                const auto colon = content.find(':');
                const std::string from = content.substr(0, colon), to = content.substr(colon + 1);
                auto isInteger = [](const std::string& s) {
                    const size_t start = !s.empty() && s[0] == '-' ? 1 : 0;
                    return s.size() > start &&
                           std::all_of(s.begin() + static_cast<long>(start), s.end(),
                                       [](unsigned char ch) { return std::isdigit(ch); });
                };
                if (!isInteger(from) || !isInteger(to) || content.find('|') != std::string::npos)
                    malformed("<" + content + "> is not a range <start:end> of two integers");
                const long a = std::stol(from), b = std::stol(to);
                if (static_cast<size_t>(std::labs(a - b)) + 1 > kMaxAtoms)
                    malformed("the range expands to more than 10000 atoms");
                for (long v = a;; v += (b >= a ? 1 : -1)) {
                    values.push_back(std::to_string(v));
                    if (v == b)
                        break;
                }
            } else {
                std::string value;
                for (size_t k = 0; k <= content.size(); ++k) {
                    if (k == content.size() || content[k] == '|') {
                        if (value.empty())
                            malformed("empty alternative in <" + content + ">");
                        values.push_back(value);
                        value.clear();
                    } else {
                        value += content[k];
                    }
                }
            }
            if (!axis.empty()) {
                for (const auto& [known, length] : result.axisLengths)
                    if (known == axis)
                        malformed("axis \"" + axis + "\" is used twice");
                result.axisLengths.emplace_back(axis, static_cast<int>(values.size()));
            }
            if (current.size() * values.size() > kMaxAtoms)
                malformed("it expands to more than 10000 atoms");
            std::vector<Partial> next;
            next.reserve(current.size() * values.size());
            for (const auto& p : current) {
                for (size_t k = 0; k < values.size(); ++k) {
                    Partial q = p;
                    q.literal += values[k];
                    q.parts.push_back(values[k]);
                    if (!axis.empty())
                        q.axes.emplace_back(axis, static_cast<int>(k));
                    next.push_back(std::move(q));
                }
            }
            current = std::move(next);
        }
        for (auto& p : current) {
            if (!seen.insert(p.literal).second)
                malformed("it expands to \"" + p.literal + "\" twice");
            Atom atom;
            atom.literal = p.literal;
            atom.rendered = p.base + joined(p.parts, "");
            atom.axes = std::move(p.axes);
            result.atoms.push_back(std::move(atom));
        }
        if (result.atoms.size() > kMaxAtoms)
            malformed("it expands to more than 10000 atoms");
    }
    return result;
}

// ---------------------------------------------------------------------------------------
// The authored documents.

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct ImportDecl {
    std::string ns, path;
    int line = 0;
    size_t file = 0;
};

struct BackendDecl {
    std::string templateText;
    KeyValues parameters, variables, props;
    int line = 0;
};

struct DeviceDecl {
    std::string name;
    size_t file = 0;
    int line = 0;
    std::vector<std::string> ports;
    KeyValues parameters, variables;
    std::map<std::string, BackendDecl> backends;
};

struct InstanceDecl {
    std::string nameExpr, ref;
    KeyValues parameters;
    int line = 0;
};

struct EndpointDecl {
    std::string expr;
    int line = 0;
};

struct NetDecl {
    std::string nameExpr;
    bool port = false;
    int line = 0;
    std::vector<EndpointDecl> endpoints;
};

struct DefaultsDecl {
    std::string ref;
    int line = 0;
    std::vector<std::pair<std::string, std::string>> bindings; // port -> net token
};

struct ModuleDecl {
    std::string name;
    size_t file = 0;
    int line = 0;
    std::vector<InstanceDecl> instances;
    std::vector<NetDecl> nets;
    Patterns patterns;
    KeyValues parameters, variables;
    std::vector<DefaultsDecl> defaults;
};

struct FileDecl {
    std::string path;
    std::vector<ImportDecl> imports;
    std::string top;
    int topLine = 0;
    std::vector<ModuleDecl> modules;
    std::vector<DeviceDecl> devices;
};

std::string scalar(const YAML::Node& node, const std::string& file, const std::string& what) {
    if (!node.IsScalar())
        fail(where(file, lineOf(node)) + ": " + what + " must be a single value");
    return node.as<std::string>();
}

// ParamValue: int | float | bool | str. The compiler writes booleans as 1/0.
std::string paramValue(const YAML::Node& node, const std::string& file, const std::string& what) {
    const std::string value = scalar(node, file, what);
    if (node.Tag() != "!" && (value == "true" || value == "True"))
        return "1";
    if (node.Tag() != "!" && (value == "false" || value == "False"))
        return "0";
    return value;
}

KeyValues keyValues(const YAML::Node& node, const std::string& file, const std::string& what) {
    if (!node.IsMap())
        fail(where(file, lineOf(node)) + ": " + what + " must be a mapping");
    KeyValues result;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const auto key = scalar(it->first, file, what + " key");
        for (const auto& [known, value] : result)
            if (known == key)
                fail(where(file, lineOf(it->first)) + ": " + what + " \"" + key +
                     "\" is given twice");
        result.emplace_back(key, paramValue(it->second, file, what + " \"" + key + "\""));
    }
    return result;
}

void checkKeys(const YAML::Node& node, const std::string& file, const std::string& what,
               const std::vector<std::string>& allowed) {
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const auto key = scalar(it->first, file, "key");
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            fail(where(file, lineOf(it->first)) + ": " + what + " has an unsupported key \"" + key +
                 "\" (supported: " + joined(allowed, ", ") + ")");
        if (!seen.insert(key).second)
            fail(where(file, lineOf(it->first)) + ": " + what + " key \"" + key +
                 "\" is given twice");
    }
}

// `cell` or `cell@view`.
bool isModuleSymbol(const std::string& text) {
    const auto at = text.find('@');
    if (at == std::string::npos)
        return isIdentifier(text);
    return isIdentifier(text.substr(0, at)) && isIdentifier(text.substr(at + 1));
}

// `symbol`, `cell@view`, `ns.symbol` or `ns.cell@view`.
void checkRef(const std::string& ref, const std::string& location) {
    if (ref.find_first_of("<>|:;*[]") != std::string::npos)
        fail(location + ": ref \"" + ref + "\" cannot hold pattern syntax");
    const auto dot = ref.find('.');
    const std::string symbol = dot == std::string::npos ? ref : ref.substr(dot + 1);
    if ((dot != std::string::npos && !isIdentifier(ref.substr(0, dot))) || !isModuleSymbol(symbol))
        fail(location + ": ref \"" + ref + "\" is not `symbol`, `cell@view` or `ns.symbol`");
}

ModuleDecl parseModule(const std::string& name, const YAML::Node& node, size_t fileIndex,
                       const std::string& file, int line) {
    ModuleDecl module;
    module.name = name;
    module.file = fileIndex;
    module.line = line;
    if (node.IsNull())
        return module;
    if (!node.IsMap())
        fail(where(file, line) + ": module \"" + name + "\" must be a mapping");
    checkKeys(node, file, "module \"" + name + "\"",
              {"instances", "nets", "patterns", "parameters", "variables", "instance_defaults"});

    if (const auto patterns = node["patterns"]; patterns && !patterns.IsNull()) {
        if (!patterns.IsMap())
            fail(where(file, lineOf(patterns)) + ": patterns must be a mapping");
        std::map<std::string, int> axisLength;
        for (auto it = patterns.begin(); it != patterns.end(); ++it) {
            const auto patternName = scalar(it->first, file, "pattern name");
            const int patternLine = lineOf(it->first);
            if (!isIdentifier(patternName))
                fail(where(file, patternLine) + ": pattern name \"" + patternName +
                     "\" is not an identifier");
            NamedPattern pattern;
            pattern.line = patternLine;
            pattern.axis = patternName;
            if (it->second.IsMap()) {
                checkKeys(it->second, file, "pattern \"" + patternName + "\"", {"expr", "tag"});
                if (!it->second["expr"])
                    fail(where(file, patternLine) + ": pattern \"" + patternName + "\" needs expr");
                pattern.group = scalar(it->second["expr"], file, "pattern expr");
                if (it->second["tag"]) {
                    pattern.axis = scalar(it->second["tag"], file, "pattern tag");
                    if (!isIdentifier(pattern.axis))
                        fail(where(file, lineOf(it->second["tag"])) + ": pattern tag \"" +
                             pattern.axis + "\" is not an identifier");
                }
            } else {
                pattern.group = scalar(it->second, file, "pattern \"" + patternName + "\"");
            }
            const auto& g = pattern.group;
            if (g.size() < 3 || g.front() != '<' || g.back() != '>' ||
                g.find_first_of("<>", 1) != g.size() - 1 || g[1] == '@')
                fail(where(file, patternLine) + ": malformed pattern \"" + patternName + ": " + g +
                     "\": a named pattern is one group like <a|b> or <7:0>");
            const auto atoms = expand(g, {}, where(file, patternLine), "pattern");
            const int length = static_cast<int>(atoms.atoms.size());
            if (auto known = axisLength.find(pattern.axis);
                known != axisLength.end() && known->second != length)
                fail(where(file, patternLine) + ": pattern \"" + patternName + "\" has " +
                     std::to_string(length) + " values but axis \"" + pattern.axis + "\" has " +
                     std::to_string(known->second));
            axisLength[pattern.axis] = length;
            module.patterns[patternName] = pattern;
        }
    }
    if (const auto p = node["parameters"]; p && !p.IsNull())
        module.parameters = keyValues(p, file, "module parameter");
    if (const auto v = node["variables"]; v && !v.IsNull())
        module.variables = keyValues(v, file, "variable");

    if (const auto instances = node["instances"]; instances && !instances.IsNull()) {
        if (!instances.IsMap())
            fail(where(file, lineOf(instances)) + ": instances must be a mapping");
        for (auto it = instances.begin(); it != instances.end(); ++it) {
            InstanceDecl instance;
            instance.nameExpr = scalar(it->first, file, "instance name");
            instance.line = lineOf(it->first);
            const std::string at = where(file, instance.line);
            if (it->second.IsMap()) {
                checkKeys(it->second, file, "instance \"" + instance.nameExpr + "\"",
                          {"ref", "parameters"});
                if (!it->second["ref"])
                    fail(at + ": instance \"" + instance.nameExpr + "\" needs ref");
                instance.ref = scalar(it->second["ref"], file, "ref");
                if (const auto params = it->second["parameters"]; params && !params.IsNull())
                    instance.parameters = keyValues(params, file, "instance parameter");
            } else {
                const auto tokens = text::words(scalar(it->second, file, "instance"));
                if (tokens.empty())
                    fail(at + ": instance \"" + instance.nameExpr + "\" names no ref");
                instance.ref = tokens[0];
                for (size_t k = 1; k < tokens.size(); ++k) {
                    const auto eq = tokens[k].find('=');
                    if (eq == std::string::npos || eq == 0 || eq + 1 == tokens[k].size())
                        fail(at + ": instance \"" + instance.nameExpr + "\": \"" + tokens[k] +
                             "\" is not a key=value parameter");
                    instance.parameters.emplace_back(tokens[k].substr(0, eq),
                                                     tokens[k].substr(eq + 1));
                }
            }
            checkRef(instance.ref, at);
            module.instances.push_back(std::move(instance));
        }
    }

    if (const auto nets = node["nets"]; nets && !nets.IsNull()) {
        if (!nets.IsMap())
            fail(where(file, lineOf(nets)) + ": nets must be a mapping");
        for (auto it = nets.begin(); it != nets.end(); ++it) {
            NetDecl net;
            net.nameExpr = scalar(it->first, file, "net name");
            net.line = lineOf(it->first);
            if (!net.nameExpr.empty() && net.nameExpr[0] == '$') {
                net.port = true;
                net.nameExpr = net.nameExpr.substr(1);
                if (net.nameExpr.find(';') != std::string::npos)
                    fail(where(file, net.line) + ": port net \"$" + net.nameExpr +
                         "\" cannot splice (;)");
            }
            if (!it->second.IsSequence())
                fail(where(file, net.line) + ": net \"" + net.nameExpr +
                     "\": endpoints must be a YAML list of `instance.pin` strings");
            for (const auto& endpoint : it->second) {
                const auto text = scalar(endpoint, file, "endpoint");
                // An unquoted `!inst.pin` is a YAML tag with no value.
                if (text.empty() && endpoint.Tag().size() > 1 && endpoint.Tag()[0] == '!')
                    fail(where(file, lineOf(endpoint)) + ": YAML reads " + endpoint.Tag() +
                         " as a tag; quote the endpoint: '" + endpoint.Tag() + "'");
                net.endpoints.push_back({text, lineOf(endpoint)});
            }
            module.nets.push_back(std::move(net));
        }
    }

    if (const auto defaults = node["instance_defaults"]; defaults && !defaults.IsNull()) {
        if (!defaults.IsMap())
            fail(where(file, lineOf(defaults)) + ": instance_defaults must be a mapping");
        for (auto it = defaults.begin(); it != defaults.end(); ++it) {
            DefaultsDecl decl;
            decl.ref = scalar(it->first, file, "instance_defaults ref");
            decl.line = lineOf(it->first);
            checkRef(decl.ref, where(file, decl.line));
            if (!it->second.IsMap() || !it->second["bindings"])
                fail(where(file, decl.line) + ": instance_defaults \"" + decl.ref +
                     "\" needs bindings: {port: net}");
            checkKeys(it->second, file, "instance_defaults \"" + decl.ref + "\"", {"bindings"});
            decl.bindings = keyValues(it->second["bindings"], file, "binding");
            module.defaults.push_back(std::move(decl));
        }
    }
    return module;
}

DeviceDecl parseDevice(const std::string& name, const YAML::Node& node, size_t fileIndex,
                       const std::string& file, int line) {
    DeviceDecl device;
    device.name = name;
    device.file = fileIndex;
    device.line = line;
    if (!node.IsMap())
        fail(where(file, line) + ": device \"" + name + "\" must be a mapping");
    checkKeys(node, file, "device \"" + name + "\"",
              {"ports", "parameters", "variables", "backends"});
    if (const auto ports = node["ports"]; ports && !ports.IsNull()) {
        if (!ports.IsSequence())
            fail(where(file, lineOf(ports)) + ": ports of device \"" + name + "\" must be a list");
        for (const auto& port : ports)
            device.ports.push_back(scalar(port, file, "port"));
    }
    if (const auto p = node["parameters"]; p && !p.IsNull())
        device.parameters = keyValues(p, file, "device parameter");
    if (const auto v = node["variables"]; v && !v.IsNull())
        device.variables = keyValues(v, file, "device variable");
    const auto backends = node["backends"];
    if (!backends || !backends.IsMap() || backends.size() == 0)
        fail(where(file, line) + ": device \"" + name + "\" needs a non-empty backends mapping");
    for (auto it = backends.begin(); it != backends.end(); ++it) {
        const auto backendName = scalar(it->first, file, "backend name");
        BackendDecl backend;
        backend.line = lineOf(it->first);
        if (!it->second.IsMap() || !it->second["template"])
            fail(where(file, backend.line) + ": backend \"" + backendName + "\" of device \"" +
                 name + "\" needs a template");
        for (auto field = it->second.begin(); field != it->second.end(); ++field) {
            const auto key = scalar(field->first, file, "backend key");
            if (key == "template")
                backend.templateText = scalar(field->second, file, "template");
            else if (key == "parameters")
                backend.parameters = keyValues(field->second, file, "backend parameter");
            else if (key == "variables")
                backend.variables = keyValues(field->second, file, "backend variable");
            else if (key == "params")
                fail(where(file, lineOf(field->first)) +
                     ": use \"parameters\" instead of \"params\"");
            else
                backend.props.emplace_back(key, paramValue(field->second, file, key));
        }
        device.backends[backendName] = std::move(backend);
    }
    return device;
}

// `$VAR`, `${VAR}` and a leading `~`, as the compiler expands import paths.
std::string expandEnvironment(const std::string& path, const std::string& location) {
    std::string result;
    for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] != '$') {
            result += path[i];
            continue;
        }
        std::string name;
        if (i + 1 < path.size() && path[i + 1] == '{') {
            const auto close = path.find('}', i);
            if (close == std::string::npos)
                fail(location + ": malformed import path \"" + path + "\": '${' is not closed");
            name = path.substr(i + 2, close - i - 2);
            i = close;
        } else {
            size_t k = i + 1;
            while (k < path.size() &&
                   (std::isalnum(static_cast<unsigned char>(path[k])) || path[k] == '_'))
                ++k;
            name = path.substr(i + 1, k - i - 1);
            i = k - 1;
        }
        const char* value = std::getenv(name.c_str());
        if (name.empty() || !value)
            fail(location + ": malformed import path \"" + path + "\": $" + name + " is not set");
        result += value;
    }
    if (!result.empty() && result[0] == '~')
        result = QDir::homePath().toStdString() + result.substr(1);
    return result;
}

std::string normalized(const QString& path) {
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath()).toStdString();
}

// ---------------------------------------------------------------------------------------
// Loading with imports (spec_asdl_import): namespaces are per file, loading is transitive,
// visibility is not, a file is loaded once, cycles are errors.

class Program {
public:
    explicit Program(const AsdlReadOptions& options) : m_options(options) {}

    size_t load(const std::string& path, std::vector<std::string>& chain) {
        const std::string key = normalized(QString::fromStdString(path));
        if (auto it = m_byPath.find(key); it != m_byPath.end())
            return it->second;
        chain.push_back(key);
        YAML::Node root;
        try {
            QFile file(QString::fromStdString(key));
            if (!file.open(QIODevice::ReadOnly))
                fail(key + ": cannot read (" + file.errorString().toStdString() + ")");
            root = YAML::Load(file.readAll().toStdString());
        } catch (const YAML::Exception& e) {
            fail(where(key, e.mark.line + 1) + ": YAML syntax error: " + e.msg);
        }
        const size_t index = m_files.size();
        m_files.push_back(std::make_unique<FileDecl>());
        m_byPath[key] = index;
        try {
            parseFile(index, key, root, chain);
        } catch (const YAML::Exception& e) {
            fail(where(key, e.mark.line + 1) + ": " + e.msg);
        }
        chain.pop_back();
        return index;
    }

    const FileDecl& file(size_t index) const { return *m_files[index]; }

private:
    void parseFile(size_t index, const std::string& path, const YAML::Node& root,
                   std::vector<std::string>& chain) {
        FileDecl& decl = *m_files[index];
        decl.path = path;
        if (!root.IsMap())
            fail(path + ": not an ASDL document (expected a mapping with modules or devices)");
        checkKeys(root, path, "the document", {"imports", "top", "modules", "devices"});
        if (const auto top = root["top"]; top && !top.IsNull()) {
            decl.top = scalar(top, path, "top");
            decl.topLine = lineOf(top);
        }
        if (const auto modules = root["modules"]; modules && !modules.IsNull()) {
            if (!modules.IsMap())
                fail(where(path, lineOf(modules)) + ": modules must be a mapping");
            for (auto it = modules.begin(); it != modules.end(); ++it) {
                const auto name = scalar(it->first, path, "module name");
                if (!isModuleSymbol(name))
                    fail(where(path, lineOf(it->first)) + ": module name \"" + name +
                         "\" is not `cell` or `cell@view`");
                decl.modules.push_back(
                    parseModule(name, it->second, index, path, lineOf(it->first)));
            }
        }
        if (const auto devices = root["devices"]; devices && !devices.IsNull()) {
            if (!devices.IsMap())
                fail(where(path, lineOf(devices)) + ": devices must be a mapping");
            for (auto it = devices.begin(); it != devices.end(); ++it) {
                const auto name = scalar(it->first, path, "device name");
                if (!isIdentifier(name))
                    fail(where(path, lineOf(it->first)) + ": device name \"" + name +
                         "\" is not an identifier");
                for (const auto& module : decl.modules)
                    if (module.name == name)
                        fail(where(path, lineOf(it->first)) + ": \"" + name +
                             "\" is both a module (line " + std::to_string(module.line) +
                             ") and a device");
                decl.devices.push_back(
                    parseDevice(name, it->second, index, path, lineOf(it->first)));
            }
        }
        if (decl.modules.empty() && decl.devices.empty())
            fail(path + ": an ASDL file needs modules or devices");
        if (decl.modules.size() > 1 && decl.top.empty())
            fail(path + ": top is required when a file has more than one module");

        if (const auto imports = root["imports"]; imports && !imports.IsNull()) {
            if (!imports.IsMap())
                fail(where(path, lineOf(imports)) + ": imports must be a mapping ns: path");
            std::vector<ImportDecl> list;
            for (auto it = imports.begin(); it != imports.end(); ++it) {
                ImportDecl import;
                import.ns = scalar(it->first, path, "namespace");
                import.path = scalar(it->second, path, "import path");
                import.line = lineOf(it->first);
                if (!isIdentifier(import.ns))
                    fail(where(path, import.line) + ": namespace \"" + import.ns +
                         "\" is not an identifier");
                list.push_back(import);
            }
            for (auto& import : list) {
                const auto target = resolveImport(path, import);
                if (std::find(chain.begin(), chain.end(), target) != chain.end()) {
                    std::string cycle;
                    for (auto it = std::find(chain.begin(), chain.end(), target); it != chain.end();
                         ++it)
                        cycle += *it + " -> ";
                    fail(where(path, import.line) + ": import cycle " + cycle + target);
                }
                import.file = load(target, chain);
            }
            m_files[index]->imports = std::move(list);
        }
    }

    std::string resolveImport(const std::string& importer, const ImportDecl& import) {
        const std::string location = where(importer, import.line);
        const std::string path = expandEnvironment(import.path, location);
        if (path.empty())
            fail(location + ": malformed import path \"" + import.path + "\" (empty)");
        const QString dir = QFileInfo(QString::fromStdString(importer)).absolutePath();
        if (path.rfind("./", 0) == 0 || path.rfind("../", 0) == 0 ||
            QDir::isAbsolutePath(QString::fromStdString(path))) {
            const QString full = QDir::isAbsolutePath(QString::fromStdString(path))
                                     ? QString::fromStdString(path)
                                     : QDir(dir).filePath(QString::fromStdString(path));
            if (!QFileInfo(full).isFile())
                fail(location + ": import \"" + import.ns + ": " + import.path +
                     "\": no such file " + normalized(full));
            return normalized(full);
        }
        // A logical path: --lib roots, then ASDL_LIB_PATH; exactly one match.
        std::vector<std::string> roots = m_options.libRoots;
        if (const char* env = std::getenv("ASDL_LIB_PATH"))
            for (const auto& entry : QString::fromLocal8Bit(env).split(':', Qt::SkipEmptyParts))
                roots.push_back(entry.toStdString());
        std::vector<std::string> matches;
        for (const auto& root : roots) {
            const QString candidate =
                QDir(QString::fromStdString(root)).filePath(QString::fromStdString(path));
            if (QFileInfo(candidate).isFile()) {
                const auto found = normalized(candidate);
                if (std::find(matches.begin(), matches.end(), found) == matches.end())
                    matches.push_back(found);
            }
        }
        if (matches.empty())
            fail(location + ": import \"" + import.ns + ": " + import.path +
                 "\" not found in the library roots (" +
                 (roots.empty() ? std::string("none: pass lib roots or set ASDL_LIB_PATH")
                                : joined(roots, ", ")) +
                 ")");
        if (matches.size() > 1)
            fail(location + ": import \"" + import.path +
                 "\" is ambiguous: " + joined(matches, ", "));
        return matches.front();
    }

    const AsdlReadOptions& m_options;
    std::vector<std::unique_ptr<FileDecl>> m_files;
    std::map<std::string, size_t> m_byPath;
};

// ---------------------------------------------------------------------------------------
// Elaboration: each module's instances and nets expanded to atoms and connected.

struct Target {
    const ModuleDecl* module = nullptr;
    const DeviceDecl* device = nullptr;
    std::string symbol;
};

struct InstanceAtom {
    std::string literal, rendered, authoredRef;
    int line = 0;
    Target target;
    const InstanceDecl* decl = nullptr;
    std::map<std::string, std::string> conns; // pin -> net literal
};

struct NetAtom {
    std::string literal, rendered;
    bool port = false;
    int line = 0;
};

struct Elaborated {
    const ModuleDecl* decl = nullptr;
    std::vector<InstanceAtom> instances;
    std::vector<NetAtom> nets;
    std::vector<std::string> ports; // literals, in order
    std::map<std::string, size_t> instanceIndex, netIndex;
};

class Elaborator {
public:
    explicit Elaborator(const Program& program) : m_program(program) {}

    const Elaborated& elaborate(const ModuleDecl& module) {
        if (auto it = m_done.find(&module); it != m_done.end())
            return *it->second;
        const std::string file = m_program.file(module.file).path;
        if (std::find(m_stack.begin(), m_stack.end(), &module) != m_stack.end())
            fail(where(file, module.line) + ": module \"" + module.name +
                 "\" instantiates itself (through its instances)");
        m_stack.push_back(&module);
        auto result = std::make_unique<Elaborated>();
        build(module, file, *result);
        m_stack.pop_back();
        return *(m_done[&module] = std::move(result));
    }

    Target resolve(const FileDecl& file, const std::string& ref, const std::string& location) {
        const FileDecl* scope = &file;
        std::string symbol = ref;
        if (const auto dot = ref.find('.'); dot != std::string::npos) {
            const std::string ns = ref.substr(0, dot);
            symbol = ref.substr(dot + 1);
            auto import = std::find_if(file.imports.begin(), file.imports.end(),
                                       [&](const ImportDecl& i) { return i.ns == ns; });
            if (import == file.imports.end()) {
                std::vector<std::string> known;
                for (const auto& i : file.imports)
                    known.push_back(i.ns);
                fail(location + ": unknown ref \"" + ref + "\": no import namespace \"" + ns +
                     "\" in " + file.path + " (imports: " +
                     (known.empty() ? std::string("none") : joined(known, ", ")) + ")");
            }
            scope = &m_program.file(import->file);
        }
        auto findModule = [&](const std::string& name) -> const ModuleDecl* {
            for (const auto& m : scope->modules)
                if (m.name == name)
                    return &m;
            return nullptr;
        };
        Target target;
        target.symbol = symbol;
        target.module = findModule(symbol);
        // `cell@default` is an explicit alias of the default realization `cell`.
        if (!target.module && symbol.size() > 8 &&
            symbol.compare(symbol.size() - 8, 8, "@default") == 0)
            target.module = findModule(symbol.substr(0, symbol.size() - 8));
        if (!target.module)
            for (const auto& d : scope->devices)
                if (d.name == symbol)
                    target.device = &d;
        if (!target.module && !target.device)
            fail(location + ": unknown ref \"" + ref + "\": no module or device \"" + symbol +
                 "\" in " + scope->path);
        return target;
    }

    const std::vector<std::string>& portsOf(const Target& target) {
        return target.module ? elaborate(*target.module).ports : target.device->ports;
    }

private:
    void build(const ModuleDecl& module, const std::string& file, Elaborated& e) {
        e.decl = &module;
        const FileDecl& fileDecl = m_program.file(module.file);
        for (const auto& decl : module.instances) {
            const std::string at = where(file, decl.line);
            const auto expansion = expand(decl.nameExpr, module.patterns, at, "instance name");
            Target target = resolve(fileDecl, decl.ref, at);
            const auto dot = decl.ref.find('.');
            for (const auto& atom : expansion.atoms) {
                if (!isIdentifier(atom.literal))
                    fail(at + ": instance name \"" + atom.literal + "\" is not an identifier");
                if (auto it = e.instanceIndex.find(atom.literal); it != e.instanceIndex.end())
                    fail(at + ": instance \"" + atom.literal + "\" is also defined at line " +
                         std::to_string(e.instances[it->second].line));
                InstanceAtom instance;
                instance.literal = atom.literal;
                instance.rendered = atom.rendered;
                instance.authoredRef =
                    dot == std::string::npos ? decl.ref : decl.ref.substr(dot + 1);
                instance.line = decl.line;
                instance.target = target;
                instance.decl = &decl;
                e.instanceIndex[atom.literal] = e.instances.size();
                e.instances.push_back(std::move(instance));
            }
        }

        auto addNet = [&](const Atom& atom, bool port, int line) {
            const std::string at = where(file, line);
            if (!isNetName(atom.literal))
                fail(at + ": net name \"" + atom.literal + "\" is not a valid name");
            if (auto it = e.netIndex.find(atom.literal); it != e.netIndex.end())
                fail(at + ": net \"" + atom.literal + "\" is also defined at line " +
                     std::to_string(e.nets[it->second].line));
            e.netIndex[atom.literal] = e.nets.size();
            e.nets.push_back({atom.literal, atom.rendered, port, line});
            if (port)
                e.ports.push_back(atom.literal);
        };
        auto connect = [&](const std::string& instanceName, const std::string& pin,
                           const std::string& net, const std::string& at,
                           const std::string& endpoint) {
            auto it = e.instanceIndex.find(instanceName);
            if (it == e.instanceIndex.end())
                fail(at + ": endpoint \"" + endpoint + "\" names an unknown instance \"" +
                     instanceName + "\" in module \"" + module.name + "\"");
            auto& instance = e.instances[it->second];
            const auto& ports = portsOf(instance.target);
            if (std::find(ports.begin(), ports.end(), pin) == ports.end())
                fail(at + ": endpoint \"" + endpoint + "\": " + instance.target.symbol +
                     " has no port \"" + pin + "\" (ports: " +
                     (ports.empty() ? std::string("none") : joined(ports, ", ")) + ")");
            if (auto bound = instance.conns.find(pin); bound != instance.conns.end())
                fail(at + ": " + instanceName + "." + pin + " is connected to both \"" +
                     bound->second + "\" and \"" + net + "\"");
            instance.conns[pin] = net;
        };

        for (const auto& net : module.nets) {
            const std::string at = where(file, net.line);
            const auto netExpansion = expand(net.nameExpr, module.patterns, at, "net name");
            for (const auto& atom : netExpansion.atoms)
                addNet(atom, net.port, net.line);
            const auto& netAtoms = netExpansion.atoms;
            for (const auto& endpoint : net.endpoints) {
                const std::string endpointAt = where(file, endpoint.line);
                std::string expr = endpoint.expr;
                if (!expr.empty() && expr[0] == '!') // suppresses a default-override warning
                    expr = expr.substr(1);
                const auto expansion = expand(expr, module.patterns, endpointAt, "endpoint");
                std::vector<std::pair<std::string, std::string>> split;
                for (const auto& atom : expansion.atoms) {
                    const auto dot = atom.literal.find('.');
                    if (dot == std::string::npos || dot == 0 ||
                        atom.literal.find('.', dot + 1) != std::string::npos ||
                        dot + 1 == atom.literal.size())
                        fail(endpointAt + ": endpoint \"" + atom.literal +
                             "\" is not of the form instance.pin");
                    split.emplace_back(atom.literal.substr(0, dot), atom.literal.substr(dot + 1));
                }
                const size_t n = netAtoms.size(), m = split.size();
                if (n == 1 || n == m) {
                    for (size_t k = 0; k < m; ++k)
                        connect(split[k].first, split[k].second, netAtoms[n == 1 ? 0 : k].literal,
                                endpointAt, expansion.atoms[k].literal);
                    continue;
                }
                // Broadcast along named axes: the net's axes must appear, in order, among
                // the endpoint's; the endpoint's extra axes repeat the net list.
                const std::string mismatch = "net \"" + net.nameExpr + "\" has " +
                                             std::to_string(n) + " atoms but endpoint \"" +
                                             endpoint.expr + "\" has " + std::to_string(m);
                if (netExpansion.unnamedGroup || expansion.unnamedGroup || netExpansion.spliced ||
                    expansion.spliced)
                    fail(endpointAt + ": " + mismatch + " (only named patterns <@name> broadcast)");
                size_t from = 0;
                for (const auto& [axis, length] : netExpansion.axisLengths) {
                    auto it = std::find_if(
                        expansion.axisLengths.begin() + static_cast<long>(from),
                        expansion.axisLengths.end(),
                        [&](const std::pair<std::string, int>& a) { return a.first == axis; });
                    if (it == expansion.axisLengths.end() || it->second != length)
                        fail(endpointAt + ": " + mismatch + " and its axes do not contain the " +
                             "net's axes in order");
                    from = static_cast<size_t>(it - expansion.axisLengths.begin()) + 1;
                }
                for (size_t k = 0; k < m; ++k) {
                    size_t index = 0;
                    for (const auto& [axis, length] : netExpansion.axisLengths) {
                        int value = 0;
                        for (const auto& [a, v] : expansion.atoms[k].axes)
                            if (a == axis)
                                value = v;
                        index = index * static_cast<size_t>(length) + static_cast<size_t>(value);
                    }
                    connect(split[k].first, split[k].second, netAtoms[index].literal, endpointAt,
                            expansion.atoms[k].literal);
                }
            }
        }

        // instance_defaults: bindings for ports the nets left open; `$net` makes a port.
        for (const auto& defaults : module.defaults) {
            const std::string at = where(file, defaults.line);
            for (auto& instance : e.instances) {
                if (instance.decl->ref != defaults.ref)
                    continue;
                const auto& ports = portsOf(instance.target);
                for (const auto& [pin, token] : defaults.bindings) {
                    if (std::find(ports.begin(), ports.end(), pin) == ports.end())
                        fail(at + ": instance_defaults for " + defaults.ref + ": " +
                             instance.target.symbol + " has no port \"" + pin + "\"");
                    if (instance.conns.count(pin))
                        continue; // an explicit net wins
                    const bool port = !token.empty() && token[0] == '$';
                    const auto expansion =
                        expand(port ? token.substr(1) : token, module.patterns, at, "binding");
                    if (expansion.atoms.size() != 1)
                        fail(at + ": instance_defaults binding " + pin + ": " + token +
                             " must name one net");
                    const auto& atom = expansion.atoms.front();
                    auto it = e.netIndex.find(atom.literal);
                    if (it == e.netIndex.end()) {
                        addNet(atom, port, defaults.line);
                    } else if (port && !e.nets[it->second].port) {
                        e.nets[it->second].port = true;
                        e.ports.push_back(atom.literal);
                    }
                    instance.conns[pin] = atom.literal;
                }
            }
        }

        for (const auto& instance : e.instances) {
            for (const auto& pin : portsOf(instance.target))
                if (!instance.conns.count(pin))
                    fail(where(file, instance.line) + ": instance \"" + instance.literal + "\" (" +
                         instance.target.symbol + ") leaves port \"" + pin + "\" unconnected");
        }
    }

    const Program& m_program;
    std::map<const ModuleDecl*, std::unique_ptr<Elaborated>> m_done;
    std::vector<const ModuleDecl*> m_stack;
};

// The top module: `top` of the entry file, or its only module.
const ModuleDecl& topModule(const FileDecl& entry) {
    if (!entry.top.empty()) {
        for (const auto& m : entry.modules)
            if (m.name == entry.top)
                return m;
        fail(where(entry.path, entry.topLine) + ": top \"" + entry.top +
             "\" is not a module of this file");
    }
    if (entry.modules.size() == 1)
        return entry.modules.front();
    fail(entry.path + ": no top module (the file has " + std::to_string(entry.modules.size()) +
         " modules and no top)");
}

// `cell@view` is emitted as the subckt `cell_view`, `cell@default` as `cell`.
std::string realizationName(const std::string& symbol) {
    const auto at = symbol.find('@');
    if (at == std::string::npos)
        return symbol;
    const std::string view = symbol.substr(at + 1);
    return view == "default" ? symbol.substr(0, at) : symbol.substr(0, at) + "_" + view;
}

// ---------------------------------------------------------------------------------------
// The emitted netlist, read for its structure only: scopes (top level and subckts), their
// elements and nodes, models and globals. Includes are followed when the file exists; a
// model library that is not installed (a PDK) is skipped, because the join needs only the
// elements the compiler wrote.

struct SpiceElement {
    std::string name; // lower case
    std::vector<std::string> tokens;
    std::string file;
    int line = 0;
};

struct SpiceScope {
    std::string name; // "" for the top level
    std::string file;
    int line = 0;
    std::vector<std::string> ports;
    std::vector<SpiceElement> elements;
    std::map<std::string, size_t> byName;
    std::set<std::string> nodes;

    const SpiceElement* find(const std::string& element) const {
        auto it = byName.find(element);
        return it == byName.end() ? nullptr : &elements[it->second];
    }
    std::string describe() const {
        return name.empty() ? "the top level" : ".subckt " + name + " (" + where(file, line) + ")";
    }
};

struct SpiceModel {
    std::string type;
    int level = 0;
    std::string version;
};

// Splits a SPICE line on blanks, keeping '...', "..." and {...} whole.
std::vector<std::string> spiceTokens(const std::string& line) {
    std::vector<std::string> tokens;
    std::string token;
    char quote = 0;
    for (char c : line) {
        if (quote) {
            token += c;
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
            token += c;
        } else if (c == '{') {
            quote = '}';
            token += c;
        } else if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
            if (!token.empty())
                tokens.push_back(token);
            token.clear();
        } else {
            token += c;
        }
    }
    if (!token.empty())
        tokens.push_back(token);
    return tokens;
}

class SpiceDeck {
public:
    SpiceScope top;
    std::map<std::string, SpiceScope> subckts;
    std::map<std::string, SpiceModel> models;
    std::set<std::string> globals{"0", "gnd"};
    std::vector<std::string> skipped; // includes that could not be read

    void read(const std::string& path, bool main, const std::string& section = {}, int depth = 0) {
        const std::string key = path + "#" + section;
        if (depth > 16 || !m_seen.insert(key).second)
            return;
        QFile file(QString::fromStdString(path));
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
            if (main)
                fail(path + ": cannot read the emitted netlist (" +
                     file.errorString().toStdString() + ")");
            skipped.push_back(path);
            return;
        }
        // Logical lines: '+' continues the previous one.
        std::vector<std::pair<std::string, int>> lines;
        QTextStream stream(&file);
        int number = 0;
        while (!stream.atEnd()) {
            const std::string raw = stream.readLine().toStdString();
            ++number;
            if (main && number == 1)
                continue; // SPICE's first line is the title
            const std::string text = text::trim(raw);
            if (!text.empty() && text[0] == '+' && !lines.empty())
                lines.back().first += " " + text.substr(1);
            else
                lines.emplace_back(text, number);
        }
        const QString dir = QFileInfo(file).absolutePath();
        bool inSection = section.empty(), inControl = false;
        std::vector<SpiceScope*> stack{&top};
        for (const auto& [rawText, line] : lines) {
            std::string text = text::lower(stripComment(rawText));
            if (text.empty() || text[0] == '*')
                continue;
            const auto tokens = spiceTokens(text);
            if (tokens.empty())
                continue;
            const std::string& word = tokens[0];
            if (!section.empty()) {
                if (word == ".lib" && tokens.size() == 2 && tokens[1] == section) {
                    inSection = true;
                    continue;
                }
                if (word == ".endl") {
                    inSection = false;
                    continue;
                }
                if (!inSection)
                    continue;
            }
            if (word == ".control") {
                inControl = true;
                continue;
            }
            if (word == ".endc") {
                inControl = false;
                continue;
            }
            if (inControl)
                continue;
            if (word == ".end")
                break;
            if (word == ".include" || word == ".inc" || (word == ".lib" && tokens.size() >= 3)) {
                if (tokens.size() < 2)
                    continue;
                std::string target = tokens[1];
                if (target.size() >= 2 && (target[0] == '"' || target[0] == '\''))
                    target = target.substr(1, target.size() - 2);
                // Netlist text is lower-cased for matching; file names are not.
                const std::string original = originalWord(rawText, 1);
                const QString name = QString::fromStdString(original.empty() ? target : original);
                const QString full = QDir::isAbsolutePath(name) ? name : QDir(dir).filePath(name);
                read(QDir::cleanPath(full).toStdString(), false, word == ".lib" ? tokens[2] : "",
                     depth + 1);
                continue;
            }
            if (word == ".subckt" && tokens.size() >= 2) {
                SpiceScope scope;
                scope.name = tokens[1];
                scope.file = path;
                scope.line = line;
                for (size_t k = 2; k < tokens.size(); ++k) {
                    if (tokens[k].find('=') != std::string::npos || tokens[k] == "params:")
                        break;
                    scope.ports.push_back(tokens[k]);
                }
                auto& stored = subckts[scope.name];
                if (stored.name.empty())
                    stored = scope;
                stack.push_back(&stored);
                continue;
            }
            if (word == ".ends") {
                if (stack.size() > 1)
                    stack.pop_back();
                continue;
            }
            if (word == ".model" && tokens.size() >= 3) {
                SpiceModel model;
                model.type = tokens[2].substr(0, tokens[2].find('('));
                model.level = std::atoi(cardValue(text, "level").c_str());
                model.version = cardValue(text, "version");
                models.emplace(tokens[1], model);
                continue;
            }
            if (word == ".global") {
                for (size_t k = 1; k < tokens.size(); ++k)
                    globals.insert(tokens[k]);
                continue;
            }
            if (word[0] == '.')
                continue;
            SpiceScope& scope = *stack.back();
            SpiceElement element;
            element.name = word;
            element.tokens = tokens;
            element.file = path;
            element.line = line;
            for (size_t k = 1; k < tokens.size(); ++k) {
                if (tokens[k].find_first_of("=('{") != std::string::npos)
                    break;
                scope.nodes.insert(tokens[k]);
            }
            if (!scope.byName.count(element.name)) {
                scope.byName[element.name] = scope.elements.size();
                scope.elements.push_back(std::move(element));
            }
        }
    }

private:
    // "level" in ".model n nmos (level = 14 version=4.5)" -> "14".
    static std::string cardValue(const std::string& text, const std::string& key) {
        for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
            if (at > 0 &&
                (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_'))
                continue;
            size_t k = at + key.size();
            while (k < text.size() && text[k] == ' ')
                ++k;
            if (k >= text.size() || text[k] != '=')
                continue;
            ++k;
            while (k < text.size() && text[k] == ' ')
                ++k;
            const auto end = text.find_first_of(" )", k);
            return text.substr(k, end == std::string::npos ? std::string::npos : end - k);
        }
        return {};
    }

    static std::string stripComment(const std::string& text) {
        char quote = 0;
        for (size_t i = 0; i < text.size(); ++i) {
            const char c = text[i];
            if (quote) {
                if (c == quote)
                    quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == ';' || (c == '$' && i > 0 &&
                                    std::isspace(static_cast<unsigned char>(text[i - 1])))) {
                return text.substr(0, i);
            }
        }
        return text;
    }

    static std::string originalWord(const std::string& text, size_t index) {
        const auto tokens = spiceTokens(stripComment(text));
        if (index >= tokens.size())
            return {};
        std::string word = tokens[index];
        if (word.size() >= 2 && (word[0] == '"' || word[0] == '\''))
            word = word.substr(1, word.size() - 2);
        return word;
    }

    std::set<std::string> m_seen;
};

// Operating-point parameters (name, unit) of an element: DeviceParameters' table for its
// ngspice model, the same one SpiceReader uses. A MOSFET whose model card was not read (a
// PDK wrapper) gets the parameters every MOSFET model in ngspice offers.
std::vector<std::pair<std::string, std::string>> opParameters(char letter,
                                                              const SpiceModel* model) {
    std::vector<std::pair<std::string, std::string>> result;
    const auto name = DeviceParameters::deviceModel(
        letter, model ? model->type : "", model ? model->level : 0, model ? model->version : "");
    for (const auto& p : DeviceParameters::parameters(name))
        result.emplace_back(p.name, p.unit);
    if (result.empty() && letter == 'm' && !model)
        for (const char* p : {"id", "gm", "gds", "gmbs", "vdsat", "vgs", "vds"})
            result.emplace_back(p, ProbeResolver::unitOf(std::string("@m[") + p + "]"));
    return result;
}

bool hasBranch(char letter) {
    return letter == 'v' || letter == 'e' || letter == 'h' || letter == 'l';
}

// GF180MCU's ngspice models wrap each MOSFET in a subckt whose transistor is `m0`
// (`@m.xota.xmn_in_p.m0[gm]`); used when the PDK library itself is not readable.
const std::map<std::string, std::string>& builtinWrappers() {
    static const std::map<std::string, std::string> wrappers = {
        {"nfet_03v3", "m0"}, {"pfet_03v3", "m0"}, {"nfet_05v0", "m0"},     {"pfet_05v0", "m0"},
        {"nfet_06v0", "m0"}, {"pfet_06v0", "m0"}, {"nfet_06v0_nvt", "m0"},
    };
    return wrappers;
}

// ---------------------------------------------------------------------------------------
// The join: walk the ASDL hierarchy and the netlist's scopes side by side.

class Joiner {
public:
    Joiner(const Program& program, Elaborator& elaborator, const SpiceDeck& deck,
           const AsdlReadOptions& options, const std::string& netlist)
        : m_program(program), m_elaborator(elaborator), m_deck(deck), m_options(options),
          m_netlist(netlist) {}

    HierarchyTree build(const ModuleDecl& top) {
        std::map<std::string, std::string> noPorts;
        walk(top, m_deck.top, "", "top", noPorts, true);
        return std::move(m_tree);
    }

private:
    void add(HierarchyNode node) {
        if (auto added = m_tree.add(std::move(node)); !added)
            fail(added.error());
    }

    std::string expectedNets(const Elaborated& e, const InstanceAtom& instance,
                             const std::vector<std::string>& ports,
                             std::vector<std::string>& nets) {
        for (const auto& pin : ports)
            nets.push_back(text::lower(e.nets[e.netIndex.at(instance.conns.at(pin))].rendered));
        return joined(nets, " ");
    }

    // The element's nodes must be the nets the design connects, in port order.
    void checkNodes(const SpiceElement& element, const std::vector<std::string>& nets,
                    const std::string& asdlAt, const std::string& path) {
        std::vector<std::string> actual;
        for (size_t k = 0; k < nets.size() && k + 1 < element.tokens.size(); ++k)
            actual.push_back(element.tokens[k + 1]);
        if (actual != nets)
            fail(where(element.file, element.line) + ": " + element.name + " connects \"" +
                 joined(actual, " ") + "\" but " + path + " (" + asdlAt + ") connects \"" +
                 joined(nets, " ") + "\"; was the netlist emitted from this design?");
    }

    const SpiceElement& findElement(const SpiceScope& scope, const std::string& name,
                                    const std::string& path, const std::string& asdlAt) {
        const auto* element = scope.find(name);
        if (!element)
            fail(m_netlist + ": no element " + name + " in " + scope.describe() + " for " + path +
                 " (" + asdlAt + "); was the netlist emitted from this design?");
        return *element;
    }

    void walk(const ModuleDecl& module, const SpiceScope& scope, const std::string& prefix,
              const std::string& cref, const std::map<std::string, std::string>& portVectors,
              bool isTop) {
        const Elaborated& e = m_elaborator.elaborate(module);
        const std::string file = m_program.file(module.file).path;

        // Net vectors first: the children's ports take them.
        std::map<std::string, std::string> netVector;
        std::map<std::string, std::string> netDetail;
        for (const auto& net : e.nets) {
            const std::string name = text::lower(net.rendered);
            std::string vector, detail = net.port && !isTop ? "port" : "net";
            if (net.port && !isTop) {
                vector = portVectors.count(net.literal) ? portVectors.at(net.literal) : "";
                if (vector.empty())
                    detail = "port (ground)";
            } else if (name == "0" || name == "gnd") {
                detail = "ground";
            } else if (m_deck.globals.count(name)) {
                vector = name;
                detail = "global net";
            } else if (!scope.nodes.count(name)) {
                detail = "net (not in the emitted netlist as " + net.rendered + ")";
            } else {
                vector = prefix.empty() ? name : prefix + "." + name;
            }
            if (net.rendered != net.literal)
                detail += "; emitted as " + net.rendered;
            netVector[net.literal] = vector;
            netDetail[net.literal] = detail;
        }

        for (const auto& instance : e.instances) {
            const std::string asdlAt = where(file, instance.line);
            const std::string childCref = cref + "." + instance.literal;
            const auto& ports = m_elaborator.portsOf(instance.target);
            std::vector<std::string> nets;
            expectedNets(e, instance, ports, nets);
            HierarchyNode node;
            node.cref = childCref;
            node.name = instance.literal;
            node.parent = cref;
            node.source = {file, instance.line};

            if (instance.target.module) {
                const std::string elementName = "x" + text::lower(instance.rendered);
                const auto& element = findElement(scope, elementName, childCref, asdlAt);
                checkNodes(element, nets, asdlAt, childCref);
                if (element.tokens.size() < nets.size() + 2)
                    fail(where(element.file, element.line) + ": " + element.name +
                         " names no subckt");
                const std::string subckt = element.tokens[nets.size() + 1];
                const std::string base = text::lower(realizationName(instance.target.symbol));
                const bool renamed = subckt.size() > base.size() + 2 &&
                                     subckt.compare(0, base.size() + 2, base + "__") == 0;
                if (subckt != base && !renamed)
                    fail(where(element.file, element.line) + ": " + element.name +
                         " instantiates " + subckt + " where the design (" + asdlAt + ") has " +
                         instance.target.symbol +
                         "; netlists emitted with a view configuration are not supported");
                auto definition = m_deck.subckts.find(subckt);
                if (definition == m_deck.subckts.end())
                    fail(where(element.file, element.line) + ": " + element.name +
                         " calls subckt " + subckt + ", which the netlist does not define");
                node.kind = NodeKind::Instance;
                node.detail = "module " + instance.target.symbol + " (subckt " + subckt + ")";
                add(node);
                const auto& childPorts = m_elaborator.elaborate(*instance.target.module).ports;
                std::map<std::string, std::string> childVectors;
                for (size_t k = 0; k < childPorts.size(); ++k)
                    childVectors[childPorts[k]] = netVector.at(instance.conns.at(ports[k]));
                walk(*instance.target.module, definition->second,
                     prefix.empty() ? elementName : prefix + "." + elementName, childCref,
                     childVectors, false);
                continue;
            }
            addDevice(instance, node, scope, prefix, nets, asdlAt);
        }

        for (const auto& net : e.nets) {
            HierarchyNode node;
            node.cref = cref + ".nodes." + net.literal + ".v";
            node.name = net.literal;
            node.kind = NodeKind::Net;
            node.parent = cref;
            node.vector = netVector[net.literal];
            node.unit = node.vector.empty() ? "" : "V";
            node.streamedByDefault = !node.vector.empty();
            node.detail = netDetail[net.literal];
            node.source = {file, net.line};
            add(node);
        }
    }

    // The first element line of a device template, rendered as far as its first token:
    // "Mmn_in_p", "Xmn_in_p", "V_vdd"; "" for a directive or comment-only template.
    std::string elementToken(const InstanceAtom& instance, const BackendDecl& backend,
                             std::string& elementLine, const std::string& location) {
        std::istringstream lines(backend.templateText);
        std::string line;
        while (std::getline(lines, line)) {
            line = text::trim(line);
            if (line.empty() || line[0] == '*' || line[0] == '+')
                continue;
            if (line[0] == '.')
                return {};
            elementLine = line;
            break;
        }
        if (elementLine.empty())
            return {};
        const auto& device = *instance.target.device;
        std::map<std::string, std::string> values;
        for (const auto& list : {device.parameters, backend.parameters, instance.decl->parameters,
                                 device.variables, backend.variables, backend.props})
            for (const auto& [k, v] : list)
                values[k] = v;
        values["name"] = instance.rendered;
        const std::string first = text::words(elementLine).front();
        std::string token;
        for (size_t i = 0; i < first.size(); ++i) {
            if (first[i] == '{' && i + 1 < first.size() && first[i + 1] == '{') {
                token += '{';
                ++i;
            } else if (first[i] == '}' && i + 1 < first.size() && first[i + 1] == '}') {
                token += '}';
                ++i;
            } else if (first[i] == '{') {
                const auto close = first.find('}', i);
                const std::string key = first.substr(i + 1, close - i - 1);
                if (close == std::string::npos || !values.count(key))
                    fail(location + ": the template of device " + device.name + " uses {" + key +
                         "}, which has no value");
                token += values[key];
                i = close;
            } else {
                token += first[i];
            }
        }
        return text::lower(token);
    }

    // The .model card an element names, for the elements that take one.
    const SpiceModel* modelOf(const SpiceElement& element) const {
        static const std::map<char, size_t> modelToken = {
            {'m', 5}, {'d', 3}, {'q', 4}, {'j', 4}, {'z', 4}};
        const auto it = modelToken.find(element.name[0]);
        if (it == modelToken.end())
            return nullptr;
        // A 4-terminal BJT names its model one token later.
        for (size_t k = it->second; k < element.tokens.size() && k <= it->second + 1; ++k)
            if (auto m = m_deck.models.find(element.tokens[k]); m != m_deck.models.end())
                return &m->second;
        return nullptr;
    }

    // Returns the element path inside a wrapper subckt that holds the operating point
    // ({"m0"}, or {"xinner", "m0"}), or nothing.
    std::optional<std::vector<std::string>> primitiveIn(const std::string& subckt, int depth,
                                                        std::string& how) {
        auto it = m_deck.subckts.find(subckt);
        if (it == m_deck.subckts.end()) {
            std::map<std::string, std::string> known = builtinWrappers();
            for (const auto& [name, inner] : m_options.wrapperPrimitives)
                known[text::lower(name)] = text::lower(inner);
            if (auto k = known.find(subckt); k != known.end()) {
                how = "inner " + k->second + " assumed: the definition of " + subckt +
                      " was not read";
                return std::vector<std::string>{k->second};
            }
            how = "wrapper subckt " + subckt +
                  " is not defined in the readable netlist files, so its operating point is "
                  "not mapped";
            return std::nullopt;
        }
        std::vector<const SpiceElement*> primitives, calls;
        for (const auto& element : it->second.elements)
            (element.name[0] == 'x' ? calls : primitives).push_back(&element);
        if (primitives.size() == 1) {
            how = "inner " + primitives.front()->name + " of subckt " + subckt;
            return std::vector<std::string>{primitives.front()->name};
        }
        if (primitives.empty() && calls.size() == 1 && depth < 4) {
            const auto& call = *calls.front();
            std::string inner;
            for (size_t k = 1; k < call.tokens.size(); ++k) {
                if (call.tokens[k].find('=') != std::string::npos)
                    break;
                inner = call.tokens[k];
            }
            if (auto path = primitiveIn(inner, depth + 1, how)) {
                path->insert(path->begin(), call.name);
                return path;
            }
            return std::nullopt;
        }
        how = "wrapper subckt " + subckt + " holds " + std::to_string(primitives.size()) +
              " primitives; its operating point is not mapped to one of them";
        return std::nullopt;
    }

    void addDevice(const InstanceAtom& instance, HierarchyNode node, const SpiceScope& scope,
                   const std::string& prefix, const std::vector<std::string>& nets,
                   const std::string& asdlAt) {
        const auto& device = *instance.target.device;
        const std::string deviceFile = m_program.file(device.file).path;
        auto backend = device.backends.find(m_options.backend);
        if (backend == device.backends.end())
            fail(where(deviceFile, device.line) + ": device " + device.name + " has no backend " +
                 m_options.backend + " (used at " + asdlAt + ")");
        node.kind = NodeKind::Device;
        std::string elementLine;
        const std::string name = elementToken(instance, backend->second, elementLine,
                                              where(deviceFile, backend->second.line));
        if (name.empty()) {
            node.detail = "device " + device.name + " (directive, no element)";
            add(node);
            return;
        }
        const auto& element = findElement(scope, name, node.cref, asdlAt);
        // `{ports}` right after the name: the nodes can be checked against the design.
        const auto templateWords = text::words(elementLine);
        const bool portsFollow = templateWords.size() >= 2 && templateWords[1] == "{ports}";
        if (portsFollow)
            checkNodes(element, nets, asdlAt, node.cref);
        const char letter = name[0];
        const std::string instancePath = prefix.empty() ? name : prefix + "." + name;
        auto flat = [&](char kind, const std::string& path) {
            return prefix.empty() && path == name ? path : std::string(1, kind) + "." + path;
        };
        struct Parameter {
            std::string name, vector, unit;
        };
        std::vector<Parameter> parameters;
        std::string how;
        if (letter == 'x') {
            std::string subckt;
            if (portsFollow && element.tokens.size() > nets.size() + 1) {
                subckt = element.tokens[nets.size() + 1];
            } else {
                for (size_t k = 1; k < element.tokens.size(); ++k) {
                    if (element.tokens[k].find('=') != std::string::npos)
                        break;
                    subckt = element.tokens[k];
                }
            }
            if (auto inner = primitiveIn(subckt, 0, how)) {
                const std::string innerName = inner->back();
                std::string path = instancePath;
                for (const auto& segment : *inner)
                    path += "." + segment;
                const SpiceModel* model = nullptr;
                if (auto def = m_deck.subckts.find(subckt); def != m_deck.subckts.end())
                    if (const auto* e = def->second.find(innerName))
                        model = modelOf(*e);
                for (const auto& [p, unit] : opParameters(innerName[0], model))
                    parameters.push_back(
                        {p, "@" + std::string(1, innerName[0]) + "." + path + "[" + p + "]", unit});
            }
            node.detail = "device " + device.name + " -> " + element.name + " (" + how + ")";
        } else {
            for (const auto& [p, unit] : opParameters(letter, modelOf(element)))
                parameters.push_back({p, "@" + flat(letter, instancePath) + "[" + p + "]", unit});
            node.detail = "device " + device.name + " -> " + element.name;
        }
        const std::string deviceCref = node.cref;
        const SourceLocation source = node.source;
        add(node);
        if (hasBranch(letter)) {
            HierarchyNode branch;
            branch.cref = deviceCref + ".i";
            branch.name = "i";
            branch.kind = NodeKind::BranchCurrent;
            branch.parent = deviceCref;
            branch.vector = flat(letter, instancePath) + "#branch";
            branch.unit = "A";
            branch.streamedByDefault = true;
            branch.source = source;
            add(branch);
        }
        for (const auto& parameter : parameters) {
            HierarchyNode p;
            p.cref = deviceCref + ".op." + parameter.name;
            p.name = parameter.name;
            p.kind = NodeKind::DeviceParameter;
            p.parent = deviceCref;
            p.vector = parameter.vector;
            p.unit =
                parameter.unit.empty() ? ProbeResolver::unitOf(parameter.vector) : parameter.unit;
            p.source = source;
            add(p);
        }
    }

    const Program& m_program;
    Elaborator& m_elaborator;
    const SpiceDeck& m_deck;
    const AsdlReadOptions& m_options;
    std::string m_netlist;
    HierarchyTree m_tree;
};

void collectHierarchy(Elaborator& elaborator, const ModuleDecl& module, const std::string& path,
                      int depth, std::vector<AsdlTreeEntry>& entries) {
    const auto& e = elaborator.elaborate(module);
    for (const auto& instance : e.instances) {
        AsdlTreeEntry entry;
        entry.path = path + "." + instance.literal;
        entry.parentPath = path;
        entry.instance = instance.literal;
        entry.authoredRef = instance.authoredRef;
        entry.resolvedRef =
            instance.target.module ? instance.target.module->name : instance.target.symbol;
        entry.isDevice = instance.target.device != nullptr;
        if (instance.target.module)
            entry.emittedName = realizationName(instance.target.module->name);
        entry.depth = depth;
        entries.push_back(entry);
        if (instance.target.module)
            collectHierarchy(elaborator, *instance.target.module, entry.path, depth + 1, entries);
    }
}

Patterns patternsFrom(const std::map<std::string, std::string>& groups) {
    Patterns patterns;
    for (const auto& [name, group] : groups) {
        const auto& g = group;
        if (g.size() < 3 || g.front() != '<' || g.back() != '>' ||
            g.find_first_of("<>", 1) != g.size() - 1)
            fail("pattern \"" + name + ": " + g + "\" is not one group like <a|b> or <7:0>");
        patterns[name] = {group, name, 0};
    }
    return patterns;
}

} // namespace

Result<HierarchyTree> AsdlReader::readFile(const std::string& asdlPath,
                                           const std::string& emittedNetlist) {
    AsdlReadOptions options;
    options.emittedNetlist = emittedNetlist;
    return readFile(asdlPath, options);
}

Result<HierarchyTree> AsdlReader::readFile(const std::string& asdlPath,
                                           const AsdlReadOptions& options) {
    using R = Result<HierarchyTree>;
    try {
        const QFileInfo info(QString::fromStdString(asdlPath));
        if (!info.isFile())
            return R::failure(asdlPath + ": no such file");
        Program program(options);
        std::vector<std::string> chain;
        const auto& entry = program.file(program.load(asdlPath, chain));
        Elaborator elaborator(program);
        const ModuleDecl& top = topModule(entry);
        elaborator.elaborate(top);

        const std::string netlist =
            !options.emittedNetlist.empty()
                ? options.emittedNetlist
                : (info.absolutePath() + "/" + info.completeBaseName() + ".spice").toStdString();
        if (!QFileInfo(QString::fromStdString(netlist)).isFile())
            return R::failure(asdlPath + ": its emitted netlist " + netlist +
                              " does not exist; emit it with `asdlc netlist " + asdlPath +
                              "` or name the netlist");
        SpiceDeck deck;
        deck.read(normalized(QString::fromStdString(netlist)), true);
        Joiner joiner(program, elaborator, deck, options, netlist);
        return joiner.build(top);
    } catch (const AsdlError& error) {
        return R::failure(error.message);
    } catch (const YAML::Exception& error) {
        return R::failure(asdlPath + ": " + error.what());
    }
}

Result<std::vector<AsdlTreeEntry>> AsdlReader::readHierarchy(const std::string& asdlPath,
                                                             const AsdlReadOptions& options) {
    using R = Result<std::vector<AsdlTreeEntry>>;
    try {
        if (!QFileInfo(QString::fromStdString(asdlPath)).isFile())
            return R::failure(asdlPath + ": no such file");
        Program program(options);
        std::vector<std::string> chain;
        const auto& entry = program.file(program.load(asdlPath, chain));
        Elaborator elaborator(program);
        const ModuleDecl& top = topModule(entry);
        std::vector<AsdlTreeEntry> entries;
        AsdlTreeEntry root;
        root.path = top.name;
        root.authoredRef = root.resolvedRef = top.name;
        root.emittedName = realizationName(top.name);
        entries.push_back(root);
        collectHierarchy(elaborator, top, top.name, 1, entries);
        return entries;
    } catch (const AsdlError& error) {
        return R::failure(error.message);
    } catch (const YAML::Exception& error) {
        return R::failure(asdlPath + ": " + error.what());
    }
}

Result<std::vector<std::string>>
AsdlReader::expandPattern(const std::string& expression,
                          const std::map<std::string, std::string>& patterns) {
    try {
        std::vector<std::string> atoms;
        for (const auto& atom :
             expand(expression, patternsFrom(patterns), "pattern", "expression").atoms)
            atoms.push_back(atom.literal);
        return atoms;
    } catch (const AsdlError& error) {
        return Result<std::vector<std::string>>::failure(error.message);
    }
}

Result<std::vector<std::string>>
AsdlReader::renderPattern(const std::string& expression,
                          const std::map<std::string, std::string>& patterns) {
    try {
        std::vector<std::string> atoms;
        for (const auto& atom :
             expand(expression, patternsFrom(patterns), "pattern", "expression").atoms)
            atoms.push_back(atom.rendered);
        return atoms;
    } catch (const AsdlError& error) {
        return Result<std::vector<std::string>>::failure(error.message);
    }
}
