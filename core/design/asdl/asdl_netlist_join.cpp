#include "core/design/asdl/asdl_netlist_join.h"

#include "core/base/text.h"
#include "core/crefs/probe_resolver.h"
#include "core/design/asdl/asdl_failure.h"
#include "core/design/asdl/asdl_names.h"
#include "core/design/device_parameters.h"
#include "core/design/vector_units.h"

#include <optional>
#include <sstream>

// A failure anywhere in the walk unwinds as AsdlFailure to join(), which returns it as a
// value.

using asdl_names::realizationName;
using asdl_names::where;

namespace {

using NetlistElement = AsdlNetlistScopes::Element;
using NetlistScope = AsdlNetlistScopes::Scope;
using NetlistModel = AsdlNetlistScopes::Model;

// Operating-point parameters (name, unit) of an element: DeviceParameters' table for its
// ngspice model, the same one SpiceReader uses. A MOSFET whose model card was not read (a
// PDK wrapper) gets the parameters every MOSFET model in ngspice offers.
std::vector<std::pair<std::string, std::string>> opParameters(char letter,
                                                              const NetlistModel* model) {
    std::vector<std::pair<std::string, std::string>> result;
    const auto name = DeviceParameters::deviceModel(
        letter, model ? model->type : "", model ? model->level : 0, model ? model->version : "");
    for (const auto& p : DeviceParameters::parameters(name))
        result.emplace_back(p.name, p.unit);
    if (result.empty() && letter == 'm' && !model)
        for (const char* p : {"id", "gm", "gds", "gmbs", "vdsat", "vgs", "vds"})
            result.emplace_back(p, DeviceParameters::unitForLetter('m', p));
    return result;
}

// ngspice keeps a branch current for voltage sources, voltage-controlled and
// current-controlled voltage sources, and inductors.
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

// Walks the ASDL hierarchy and the netlist's scopes side by side.
class Joiner {
public:
    Joiner(const AsdlProgram& program, const AsdlElaborator& elaborator,
           const AsdlNetlistScopes& scopes, const AsdlReadOptions& options,
           const std::string& netlist)
        : m_program(program), m_elaborator(elaborator), m_scopes(scopes), m_options(options),
          m_netlist(netlist) {}

    HierarchyTree build(const AsdlModuleDecl& top) {
        std::map<std::string, std::string> noPorts;
        walk(top, m_scopes.top, "", "top", noPorts, true);
        return std::move(m_tree);
    }

private:
    void add(HierarchyNode node) {
        if (auto added = m_tree.add(std::move(node)); !added)
            asdlFail(added.error());
    }

    std::string expectedNets(const AsdlElaboratedModule& e, const AsdlInstanceAtom& instance,
                             const std::vector<std::string>& ports,
                             std::vector<std::string>& nets) {
        for (const auto& pin : ports)
            nets.push_back(text::lower(e.nets[e.netIndex.at(instance.conns.at(pin))].rendered));
        return text::join(nets, " ");
    }

    // The element's nodes must be the nets the design connects, in port order.
    void checkNodes(const NetlistElement& element, const std::vector<std::string>& nets,
                    const std::string& asdlAt, const std::string& path) {
        std::vector<std::string> actual;
        for (size_t k = 0; k < nets.size() && k + 1 < element.tokens.size(); ++k)
            actual.push_back(element.tokens[k + 1]);
        if (actual != nets)
            asdlFail(where(element.at.file, element.at.line) + ": " + element.name +
                     " connects \"" + text::join(actual, " ") + "\" but " + path + " (" + asdlAt +
                     ") connects \"" + text::join(nets, " ") +
                     "\"; was the netlist emitted from this design?");
    }

    const NetlistElement& findElement(const NetlistScope& scope, const std::string& name,
                                      const std::string& path, const std::string& asdlAt) {
        const auto* element = scope.find(name);
        if (!element)
            asdlFail(m_netlist + ": no element " + name + " in " + scope.describe() + " for " +
                     path + " (" + asdlAt + "); was the netlist emitted from this design?");
        return *element;
    }

    void walk(const AsdlModuleDecl& module, const NetlistScope& scope, const std::string& prefix,
              const std::string& cref, const std::map<std::string, std::string>& portVectors,
              bool isTop) {
        const AsdlElaboratedModule& e = m_elaborator.elaborated(module);
        const std::string file = m_program.document(module.file).path;
        // Only scopes ngspice elaborates count: an unused subckt may repeat an element.
        if (!scope.repeated.empty())
            asdlFail(scope.repeated.front());

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
            } else if (m_scopes.globals.count(name)) {
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
                    asdlFail(where(element.at.file, element.at.line) + ": " + element.name +
                             " names no subckt");
                const std::string subckt = element.tokens[nets.size() + 1];
                const std::string base = text::lower(realizationName(instance.target.symbol));
                const bool renamed = subckt.size() > base.size() + 2 &&
                                     subckt.compare(0, base.size() + 2, base + "__") == 0;
                if (subckt != base && !renamed)
                    asdlFail(where(element.at.file, element.at.line) + ": " + element.name +
                             " instantiates " + subckt + " where the design (" + asdlAt + ") has " +
                             instance.target.symbol +
                             "; netlists emitted with a view configuration are not supported");
                auto definition = m_scopes.subckts.find(subckt);
                if (definition == m_scopes.subckts.end())
                    asdlFail(where(element.at.file, element.at.line) + ": " + element.name +
                             " calls subckt " + subckt + ", which the netlist does not define");
                node.kind = NodeKind::Instance;
                node.detail = "module " + instance.target.symbol + " (subckt " + subckt + ")";
                add(node);
                const auto& childPorts = m_elaborator.elaborated(*instance.target.module).ports;
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
    std::string elementToken(const AsdlInstanceAtom& instance, const AsdlBackendDecl& backend,
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
                    asdlFail(location + ": the template of device " + device.name + " uses {" +
                             key + "}, which has no value");
                token += values[key];
                i = close;
            } else {
                token += first[i];
            }
        }
        return text::lower(token);
    }

    // The .model card an element names, for the elements that take one.
    const NetlistModel* modelOf(const NetlistElement& element) const {
        static const std::map<char, size_t> modelToken = {
            {'m', 5}, {'d', 3}, {'q', 4}, {'j', 4}, {'z', 4}};
        const auto it = modelToken.find(element.name[0]);
        if (it == modelToken.end())
            return nullptr;
        // A 4-terminal BJT names its model one token later.
        for (size_t k = it->second; k < element.tokens.size() && k <= it->second + 1; ++k)
            if (auto m = m_scopes.models.find(element.tokens[k]); m != m_scopes.models.end())
                return &m->second;
        return nullptr;
    }

    // Returns the element path inside a wrapper subckt that holds the operating point
    // ({"m0"}, or {"xinner", "m0"}), or nothing.
    std::optional<std::vector<std::string>> primitiveIn(const std::string& subckt, int depth,
                                                        std::string& how) {
        auto it = m_scopes.subckts.find(subckt);
        if (it == m_scopes.subckts.end()) {
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
        std::vector<const NetlistElement*> primitives, calls;
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

    void addDevice(const AsdlInstanceAtom& instance, HierarchyNode node, const NetlistScope& scope,
                   const std::string& prefix, const std::vector<std::string>& nets,
                   const std::string& asdlAt) {
        const auto& device = *instance.target.device;
        const std::string deviceFile = m_program.document(device.file).path;
        auto backend = device.backends.find(m_options.backend);
        if (backend == device.backends.end())
            asdlFail(where(deviceFile, device.line) + ": device " + device.name +
                     " has no backend " + m_options.backend + " (used at " + asdlAt + ")");
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
                const NetlistModel* model = nullptr;
                if (auto def = m_scopes.subckts.find(subckt); def != m_scopes.subckts.end())
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
            p.unit = parameter.unit.empty() ? VectorUnits::withoutDesign(parameter.vector)
                                            : parameter.unit;
            p.source = source;
            add(p);
        }
    }

    const AsdlProgram& m_program;
    const AsdlElaborator& m_elaborator;
    const AsdlNetlistScopes& m_scopes;
    const AsdlReadOptions& m_options;
    std::string m_netlist;
    HierarchyTree m_tree;
};

} // namespace

Result<HierarchyTree> AsdlNetlistJoin::join(const AsdlProgram& program,
                                            const AsdlElaborator& elaborator,
                                            const AsdlNetlistScopes& scopes,
                                            const AsdlReadOptions& options,
                                            const std::string& netlist, const AsdlModuleDecl& top) {
    try {
        return Joiner(program, elaborator, scopes, options, netlist).build(top);
    } catch (const AsdlFailure& failure) {
        return Result<HierarchyTree>::failure(failure.message);
    }
}
