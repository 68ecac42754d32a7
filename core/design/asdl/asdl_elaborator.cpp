#include "core/design/asdl/asdl_elaborator.h"

#include "core/base/text.h"
#include "core/design/asdl/asdl_failure.h"
#include "core/design/asdl/asdl_names.h"

#include <algorithm>

// A failure deep in the recursion through module instances unwinds as AsdlFailure to
// elaborate(), which returns it as a value.

using asdl_names::isIdentifier;
using asdl_names::isNetName;
using asdl_names::where;

namespace {

AsdlExpansion expand(const std::string& expression, const AsdlNamedPatterns& patterns,
                     const std::string& location, const std::string& what) {
    return valueOrFail(AsdlPattern::expand(expression, patterns, location, what));
}

} // namespace

AsdlElaborator::AsdlElaborator(const AsdlProgram& program) : m_program(program) {}

AsdlElaborator::~AsdlElaborator() = default;

Result<const AsdlElaboratedModule*> AsdlElaborator::elaborate(const AsdlModuleDecl& top) {
    try {
        return &elaborateOrFail(top);
    } catch (const AsdlFailure& failure) {
        m_stack.clear();
        return Result<const AsdlElaboratedModule*>::failure(failure.message);
    }
}

const AsdlElaboratedModule& AsdlElaborator::elaborated(const AsdlModuleDecl& module) const {
    return *m_done.at(&module);
}

const std::vector<std::string>& AsdlElaborator::portsOf(const AsdlTarget& target) const {
    return target.module ? elaborated(*target.module).ports : target.device->ports;
}

const AsdlElaboratedModule& AsdlElaborator::elaborateOrFail(const AsdlModuleDecl& module) {
    if (auto it = m_done.find(&module); it != m_done.end())
        return *it->second;
    const std::string file = m_program.document(module.file).path;
    if (std::find(m_stack.begin(), m_stack.end(), &module) != m_stack.end())
        asdlFail(where(file, module.line) + ": module \"" + module.name +
                 "\" instantiates itself (through its instances)");
    m_stack.push_back(&module);
    auto result = std::make_unique<AsdlElaboratedModule>();
    build(module, file, *result);
    m_stack.pop_back();
    return *(m_done[&module] = std::move(result));
}

const std::vector<std::string>& AsdlElaborator::portsOrFail(const AsdlTarget& target) {
    return target.module ? elaborateOrFail(*target.module).ports : target.device->ports;
}

void AsdlElaborator::build(const AsdlModuleDecl& module, const std::string& file,
                           AsdlElaboratedModule& e) {
    e.decl = &module;
    const AsdlDocument& fileDecl = m_program.document(module.file);
    for (const auto& decl : module.instances) {
        const std::string at = where(file, decl.line);
        const auto expansion = expand(decl.nameExpr, module.patterns, at, "instance name");
        AsdlTarget target = valueOrFail(m_program.resolve(fileDecl, decl.ref, at));
        const auto dot = decl.ref.find('.');
        for (const auto& atom : expansion.atoms) {
            if (!isIdentifier(atom.literal))
                asdlFail(at + ": instance name \"" + atom.literal + "\" is not an identifier");
            if (auto it = e.instanceIndex.find(atom.literal); it != e.instanceIndex.end())
                asdlFail(at + ": instance \"" + atom.literal + "\" is also defined at line " +
                         std::to_string(e.instances[it->second].line));
            AsdlInstanceAtom instance;
            instance.literal = atom.literal;
            instance.rendered = atom.rendered;
            instance.authoredRef = dot == std::string::npos ? decl.ref : decl.ref.substr(dot + 1);
            instance.line = decl.line;
            instance.target = target;
            instance.decl = &decl;
            e.instanceIndex[atom.literal] = e.instances.size();
            e.instances.push_back(std::move(instance));
        }
    }

    auto addNet = [&](const AsdlAtom& atom, bool port, int line) {
        const std::string at = where(file, line);
        if (!isNetName(atom.literal))
            asdlFail(at + ": net name \"" + atom.literal + "\" is not a valid name");
        if (auto it = e.netIndex.find(atom.literal); it != e.netIndex.end())
            asdlFail(at + ": net \"" + atom.literal + "\" is also defined at line " +
                     std::to_string(e.nets[it->second].line));
        e.netIndex[atom.literal] = e.nets.size();
        e.nets.push_back({atom.literal, atom.rendered, port, line});
        if (port)
            e.ports.push_back(atom.literal);
    };
    auto connect = [&](const std::string& instanceName, const std::string& pin,
                       const std::string& net, const std::string& at, const std::string& endpoint) {
        auto it = e.instanceIndex.find(instanceName);
        if (it == e.instanceIndex.end())
            asdlFail(at + ": endpoint \"" + endpoint + "\" names an unknown instance \"" +
                     instanceName + "\" in module \"" + module.name + "\"");
        auto& instance = e.instances[it->second];
        const auto& ports = portsOrFail(instance.target);
        if (std::find(ports.begin(), ports.end(), pin) == ports.end())
            asdlFail(at + ": endpoint \"" + endpoint + "\": " + instance.target.symbol +
                     " has no port \"" + pin + "\" (ports: " +
                     (ports.empty() ? std::string("none") : text::join(ports, ", ")) + ")");
        if (auto bound = instance.conns.find(pin); bound != instance.conns.end())
            asdlFail(at + ": " + instanceName + "." + pin + " is connected to both \"" +
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
                    asdlFail(endpointAt + ": endpoint \"" + atom.literal +
                             "\" is not of the form instance.pin");
                split.emplace_back(atom.literal.substr(0, dot), atom.literal.substr(dot + 1));
            }
            const auto binding = valueOrFail(AsdlPattern::broadcast(
                netExpansion, expansion, net.nameExpr, endpoint.expr, endpointAt));
            for (size_t k = 0; k < split.size(); ++k)
                connect(split[k].first, split[k].second, netAtoms[binding[k]].literal, endpointAt,
                        expansion.atoms[k].literal);
        }
    }

    // instance_defaults: bindings for ports the nets left open; `$net` makes a port.
    for (const auto& defaults : module.defaults) {
        const std::string at = where(file, defaults.line);
        for (auto& instance : e.instances) {
            if (instance.decl->ref != defaults.ref)
                continue;
            const auto& ports = portsOrFail(instance.target);
            for (const auto& [pin, token] : defaults.bindings) {
                if (std::find(ports.begin(), ports.end(), pin) == ports.end())
                    asdlFail(at + ": instance_defaults for " + defaults.ref + ": " +
                             instance.target.symbol + " has no port \"" + pin + "\"");
                if (instance.conns.count(pin))
                    continue; // an explicit net wins
                const bool port = !token.empty() && token[0] == '$';
                const auto expansion =
                    expand(port ? token.substr(1) : token, module.patterns, at, "binding");
                if (expansion.atoms.size() != 1)
                    asdlFail(at + ": instance_defaults binding " + pin + ": " + token +
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
        for (const auto& pin : portsOrFail(instance.target))
            if (!instance.conns.count(pin))
                asdlFail(where(file, instance.line) + ": instance \"" + instance.literal + "\" (" +
                         instance.target.symbol + ") leaves port \"" + pin + "\" unconnected");
    }
}
