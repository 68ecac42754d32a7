#include "core/design/asdl/asdl_document_parser.h"

#include "core/base/text.h"
#include "core/design/asdl/asdl_failure.h"
#include "core/design/asdl/asdl_names.h"

#include <algorithm>
#include <set>
#include <yaml-cpp/yaml.h>

// yaml-cpp's own exceptions are caught at parse() and turned into messages with the file
// and line; the checks below throw AsdlFailure, which parse() returns as a value.

namespace {

using asdl_names::isIdentifier;
using asdl_names::isModuleSymbol;
using asdl_names::where;

int lineOf(const YAML::Node& node) {
    const auto mark = node.Mark();
    return mark.line >= 0 ? mark.line + 1 : 0;
}

std::string scalar(const YAML::Node& node, const std::string& file, const std::string& what) {
    if (!node.IsScalar())
        asdlFail(where(file, lineOf(node)) + ": " + what + " must be a single value");
    return node.as<std::string>();
}

// ParamValue: int | float | bool | str. The compiler writes booleans as 1/0.
std::string paramValue(const YAML::Node& node, const std::string& file, const std::string& what) {
    std::string value = scalar(node, file, what);
    if (node.Tag() != "!" && (value == "true" || value == "True"))
        return "1";
    if (node.Tag() != "!" && (value == "false" || value == "False"))
        return "0";
    return value;
}

AsdlKeyValues keyValues(const YAML::Node& node, const std::string& file, const std::string& what) {
    if (!node.IsMap())
        asdlFail(where(file, lineOf(node)) + ": " + what + " must be a mapping");
    AsdlKeyValues result;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const auto key = scalar(it->first, file, what + " key");
        for (const auto& [known, value] : result)
            if (known == key)
                asdlFail(where(file, lineOf(it->first)) + ": " + what + " \"" + key +
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
            asdlFail(where(file, lineOf(it->first)) + ": " + what + " has an unsupported key \"" +
                     key + "\" (supported: " + text::join(allowed, ", ") + ")");
        if (!seen.insert(key).second)
            asdlFail(where(file, lineOf(it->first)) + ": " + what + " key \"" + key +
                     "\" is given twice");
    }
}

// `symbol`, `cell@view`, `ns.symbol` or `ns.cell@view`.
void checkRef(const std::string& ref, const std::string& location) {
    if (ref.find_first_of("<>|:;*[]") != std::string::npos)
        asdlFail(location + ": ref \"" + ref + "\" cannot hold pattern syntax");
    const auto dot = ref.find('.');
    const std::string symbol = dot == std::string::npos ? ref : ref.substr(dot + 1);
    if ((dot != std::string::npos && !isIdentifier(ref.substr(0, dot))) || !isModuleSymbol(symbol))
        asdlFail(location + ": ref \"" + ref + "\" is not `symbol`, `cell@view` or `ns.symbol`");
}

AsdlModuleDecl parseModule(const std::string& name, const YAML::Node& node, const std::string& file,
                           int line) {
    AsdlModuleDecl module;
    module.name = name;
    module.line = line;
    if (node.IsNull())
        return module;
    if (!node.IsMap())
        asdlFail(where(file, line) + ": module \"" + name + "\" must be a mapping");
    checkKeys(node, file, "module \"" + name + "\"",
              {"instances", "nets", "patterns", "parameters", "variables", "instance_defaults"});

    if (const auto patterns = node["patterns"]; patterns && !patterns.IsNull()) {
        if (!patterns.IsMap())
            asdlFail(where(file, lineOf(patterns)) + ": patterns must be a mapping");
        std::map<std::string, int> axisLength;
        for (auto it = patterns.begin(); it != patterns.end(); ++it) {
            const auto patternName = scalar(it->first, file, "pattern name");
            const int patternLine = lineOf(it->first);
            if (!isIdentifier(patternName))
                asdlFail(where(file, patternLine) + ": pattern name \"" + patternName +
                         "\" is not an identifier");
            AsdlNamedPattern pattern;
            pattern.line = patternLine;
            pattern.axis = patternName;
            if (it->second.IsMap()) {
                checkKeys(it->second, file, "pattern \"" + patternName + "\"", {"expr", "tag"});
                if (!it->second["expr"])
                    asdlFail(where(file, patternLine) + ": pattern \"" + patternName +
                             "\" needs expr");
                pattern.group = scalar(it->second["expr"], file, "pattern expr");
                if (it->second["tag"]) {
                    pattern.axis = scalar(it->second["tag"], file, "pattern tag");
                    if (!isIdentifier(pattern.axis))
                        asdlFail(where(file, lineOf(it->second["tag"])) + ": pattern tag \"" +
                                 pattern.axis + "\" is not an identifier");
                }
            } else {
                pattern.group = scalar(it->second, file, "pattern \"" + patternName + "\"");
            }
            const auto& g = pattern.group;
            if (!AsdlPattern::isOneGroup(g) || g[1] == '@')
                asdlFail(where(file, patternLine) + ": malformed pattern \"" + patternName + ": " +
                         g + "\": a named pattern is one group like <a|b> or <7:0>");
            const auto atoms =
                valueOrFail(AsdlPattern::expand(g, {}, where(file, patternLine), "pattern"));
            const int length = static_cast<int>(atoms.atoms.size());
            if (auto known = axisLength.find(pattern.axis);
                known != axisLength.end() && known->second != length)
                asdlFail(where(file, patternLine) + ": pattern \"" + patternName + "\" has " +
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
            asdlFail(where(file, lineOf(instances)) + ": instances must be a mapping");
        for (auto it = instances.begin(); it != instances.end(); ++it) {
            AsdlInstanceDecl instance;
            instance.nameExpr = scalar(it->first, file, "instance name");
            instance.line = lineOf(it->first);
            const std::string at = where(file, instance.line);
            if (it->second.IsMap()) {
                checkKeys(it->second, file, "instance \"" + instance.nameExpr + "\"",
                          {"ref", "parameters"});
                if (!it->second["ref"])
                    asdlFail(at + ": instance \"" + instance.nameExpr + "\" needs ref");
                instance.ref = scalar(it->second["ref"], file, "ref");
                if (const auto params = it->second["parameters"]; params && !params.IsNull())
                    instance.parameters = keyValues(params, file, "instance parameter");
            } else {
                const auto tokens = text::words(scalar(it->second, file, "instance"));
                if (tokens.empty())
                    asdlFail(at + ": instance \"" + instance.nameExpr + "\" names no ref");
                instance.ref = tokens[0];
                for (size_t k = 1; k < tokens.size(); ++k) {
                    const auto eq = tokens[k].find('=');
                    if (eq == std::string::npos || eq == 0 || eq + 1 == tokens[k].size())
                        asdlFail(at + ": instance \"" + instance.nameExpr + "\": \"" + tokens[k] +
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
            asdlFail(where(file, lineOf(nets)) + ": nets must be a mapping");
        for (auto it = nets.begin(); it != nets.end(); ++it) {
            AsdlNetDecl net;
            net.nameExpr = scalar(it->first, file, "net name");
            net.line = lineOf(it->first);
            if (!net.nameExpr.empty() && net.nameExpr[0] == '$') {
                net.port = true;
                net.nameExpr = net.nameExpr.substr(1);
                if (net.nameExpr.find(';') != std::string::npos)
                    asdlFail(where(file, net.line) + ": port net \"$" + net.nameExpr +
                             "\" cannot splice (;)");
            }
            if (!it->second.IsSequence())
                asdlFail(where(file, net.line) + ": net \"" + net.nameExpr +
                         "\": endpoints must be a YAML list of `instance.pin` strings");
            // yaml-cpp's it-> is a temporary proxy: a range over it->second would dangle.
            const YAML::Node endpoints = it->second;
            for (const auto& endpoint : endpoints) {
                const auto text = scalar(endpoint, file, "endpoint");
                // An unquoted `!inst.pin` is a YAML tag with no value.
                if (text.empty() && endpoint.Tag().size() > 1 && endpoint.Tag()[0] == '!')
                    asdlFail(where(file, lineOf(endpoint)) + ": YAML reads " + endpoint.Tag() +
                             " as a tag; quote the endpoint: '" + endpoint.Tag() + "'");
                net.endpoints.push_back({text, lineOf(endpoint)});
            }
            module.nets.push_back(std::move(net));
        }
    }

    if (const auto defaults = node["instance_defaults"]; defaults && !defaults.IsNull()) {
        if (!defaults.IsMap())
            asdlFail(where(file, lineOf(defaults)) + ": instance_defaults must be a mapping");
        for (auto it = defaults.begin(); it != defaults.end(); ++it) {
            AsdlDefaultsDecl decl;
            decl.ref = scalar(it->first, file, "instance_defaults ref");
            decl.line = lineOf(it->first);
            checkRef(decl.ref, where(file, decl.line));
            if (!it->second.IsMap() || !it->second["bindings"])
                asdlFail(where(file, decl.line) + ": instance_defaults \"" + decl.ref +
                         "\" needs bindings: {port: net}");
            checkKeys(it->second, file, "instance_defaults \"" + decl.ref + "\"", {"bindings"});
            decl.bindings = keyValues(it->second["bindings"], file, "binding");
            module.defaults.push_back(std::move(decl));
        }
    }
    return module;
}

AsdlDeviceDecl parseDevice(const std::string& name, const YAML::Node& node, const std::string& file,
                           int line) {
    AsdlDeviceDecl device;
    device.name = name;
    device.line = line;
    if (!node.IsMap())
        asdlFail(where(file, line) + ": device \"" + name + "\" must be a mapping");
    checkKeys(node, file, "device \"" + name + "\"",
              {"ports", "parameters", "variables", "backends"});
    if (const auto ports = node["ports"]; ports && !ports.IsNull()) {
        if (!ports.IsSequence())
            asdlFail(where(file, lineOf(ports)) + ": ports of device \"" + name +
                     "\" must be a list");
        for (const auto& port : ports)
            device.ports.push_back(scalar(port, file, "port"));
    }
    if (const auto p = node["parameters"]; p && !p.IsNull())
        device.parameters = keyValues(p, file, "device parameter");
    if (const auto v = node["variables"]; v && !v.IsNull())
        device.variables = keyValues(v, file, "device variable");
    const auto backends = node["backends"];
    if (!backends || !backends.IsMap() || backends.size() == 0)
        asdlFail(where(file, line) + ": device \"" + name +
                 "\" needs a non-empty backends mapping");
    for (auto it = backends.begin(); it != backends.end(); ++it) {
        const auto backendName = scalar(it->first, file, "backend name");
        AsdlBackendDecl backend;
        backend.line = lineOf(it->first);
        if (!it->second.IsMap() || !it->second["template"])
            asdlFail(where(file, backend.line) + ": backend \"" + backendName + "\" of device \"" +
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
                asdlFail(where(file, lineOf(field->first)) +
                         ": use \"parameters\" instead of \"params\"");
            else
                backend.props.emplace_back(key, paramValue(field->second, file, key));
        }
        device.backends[backendName] = std::move(backend);
    }
    return device;
}

AsdlDocument parseDocument(const std::string& path, const YAML::Node& root) {
    AsdlDocument decl;
    decl.path = path;
    decl.path = path;
    if (!root.IsMap())
        asdlFail(path + ": not an ASDL document (expected a mapping with modules or devices)");
    checkKeys(root, path, "the document", {"imports", "top", "modules", "devices"});
    if (const auto top = root["top"]; top && !top.IsNull()) {
        decl.top = scalar(top, path, "top");
        decl.topLine = lineOf(top);
    }
    if (const auto modules = root["modules"]; modules && !modules.IsNull()) {
        if (!modules.IsMap())
            asdlFail(where(path, lineOf(modules)) + ": modules must be a mapping");
        for (auto it = modules.begin(); it != modules.end(); ++it) {
            const auto name = scalar(it->first, path, "module name");
            if (!isModuleSymbol(name))
                asdlFail(where(path, lineOf(it->first)) + ": module name \"" + name +
                         "\" is not `cell` or `cell@view`");
            decl.modules.push_back(parseModule(name, it->second, path, lineOf(it->first)));
        }
    }
    if (const auto devices = root["devices"]; devices && !devices.IsNull()) {
        if (!devices.IsMap())
            asdlFail(where(path, lineOf(devices)) + ": devices must be a mapping");
        for (auto it = devices.begin(); it != devices.end(); ++it) {
            const auto name = scalar(it->first, path, "device name");
            if (!isIdentifier(name))
                asdlFail(where(path, lineOf(it->first)) + ": device name \"" + name +
                         "\" is not an identifier");
            for (const auto& module : decl.modules)
                if (module.name == name)
                    asdlFail(where(path, lineOf(it->first)) + ": \"" + name +
                             "\" is both a module (line " + std::to_string(module.line) +
                             ") and a device");
            decl.devices.push_back(parseDevice(name, it->second, path, lineOf(it->first)));
        }
    }
    if (decl.modules.empty() && decl.devices.empty())
        asdlFail(path + ": an ASDL file needs modules or devices");
    if (decl.modules.size() > 1 && decl.top.empty())
        asdlFail(path + ": top is required when a file has more than one module");

    if (const auto imports = root["imports"]; imports && !imports.IsNull()) {
        if (!imports.IsMap())
            asdlFail(where(path, lineOf(imports)) + ": imports must be a mapping ns: path");
        std::vector<AsdlImportDecl> list;
        for (auto it = imports.begin(); it != imports.end(); ++it) {
            AsdlImportDecl import;
            import.ns = scalar(it->first, path, "namespace");
            import.path = scalar(it->second, path, "import path");
            import.line = lineOf(it->first);
            if (!isIdentifier(import.ns))
                asdlFail(where(path, import.line) + ": namespace \"" + import.ns +
                         "\" is not an identifier");
            list.push_back(import);
        }
        decl.imports = std::move(list);
    }
    return decl;
}

} // namespace

Result<AsdlDocument> AsdlDocumentParser::parse(const std::string& path, const std::string& yaml) {
    using R = Result<AsdlDocument>;
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
        return R::failure(where(path, e.mark.line + 1) + ": YAML syntax error: " + e.msg);
    }
    try {
        return parseDocument(path, root);
    } catch (const AsdlFailure& failure) {
        return R::failure(failure.message);
    } catch (const YAML::Exception& e) {
        return R::failure(where(path, e.mark.line + 1) + ": " + e.msg);
    }
}
