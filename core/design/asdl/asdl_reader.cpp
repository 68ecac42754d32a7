#include "core/design/asdl/asdl_reader.h"

#include "core/design/asdl/asdl_elaborator.h"
#include "core/design/asdl/asdl_names.h"
#include "core/design/asdl/asdl_netlist_join.h"
#include "core/design/asdl/asdl_netlist_scopes.h"
#include "core/design/asdl/asdl_pattern.h"
#include "core/design/asdl/asdl_program.h"

#include <QFileInfo>
#include <algorithm>
#include <functional>
#include <set>

namespace {

void collectHierarchy(const AsdlElaborator& elaborator, const AsdlModuleDecl& module,
                      const std::string& path, int depth, std::vector<AsdlTreeEntry>& entries) {
    const auto& e = elaborator.elaborated(module);
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
            entry.emittedName = asdl_names::realizationName(instance.target.module->name);
        entry.depth = depth;
        entries.push_back(entry);
        if (instance.target.module)
            collectHierarchy(elaborator, *instance.target.module, entry.path, depth + 1, entries);
    }
}

// The atoms of one expression, in either spelling.
Result<std::vector<std::string>> atomsOf(const std::string& expression,
                                         const std::map<std::string, std::string>& groups,
                                         bool rendered) {
    using R = Result<std::vector<std::string>>;
    const auto patterns = AsdlPattern::namedPatterns(groups);
    if (!patterns)
        return R::failure(patterns.error());
    const auto expansion =
        AsdlPattern::expand(expression, patterns.value(), "pattern", "expression");
    if (!expansion)
        return R::failure(expansion.error());
    std::vector<std::string> atoms;
    for (const auto& atom : expansion->atoms)
        atoms.push_back(rendered ? atom.rendered : atom.literal);
    return atoms;
}

// Loads the design with its imports into `program` and elaborates its top module with
// `elaborator` (which reads `program`): what reading a tree and reading the hierarchy share.
Result<const AsdlModuleDecl*> elaborateTop(const std::string& asdlPath, AsdlProgram& program,
                                           AsdlElaborator& elaborator) {
    using R = Result<const AsdlModuleDecl*>;
    if (!QFileInfo(QString::fromStdString(asdlPath)).isFile())
        return R::failure(asdlPath + ": no such file");
    const auto entry = program.load(asdlPath);
    if (!entry)
        return R::failure(entry.error());
    const auto top = AsdlProgram::topModule(program.document(entry.value()));
    if (!top)
        return R::failure(top.error());
    if (auto elaborated = elaborator.elaborate(*top.value()); !elaborated)
        return R::failure(elaborated.error());
    return top.value();
}

} // namespace

std::string AsdlReader::emittedNetlistBeside(const std::string& asdlPath) {
    const QFileInfo info(QString::fromStdString(asdlPath));
    return (info.absolutePath() + "/" + info.completeBaseName() + ".spice").toStdString();
}

Result<HierarchyTree> AsdlReader::readFile(const std::string& asdlPath,
                                           const std::string& emittedNetlist) {
    AsdlReadOptions options;
    options.emittedNetlist = emittedNetlist;
    return readFile(asdlPath, options);
}

Result<HierarchyTree> AsdlReader::readFile(const std::string& asdlPath,
                                           const AsdlReadOptions& options) {
    using R = Result<HierarchyTree>;
    AsdlProgram program(options.libRoots);
    AsdlElaborator elaborator(program);
    const auto top = elaborateTop(asdlPath, program, elaborator);
    if (!top)
        return R::failure(top.error());

    const std::string netlist =
        !options.emittedNetlist.empty() ? options.emittedNetlist : emittedNetlistBeside(asdlPath);
    if (!QFileInfo(QString::fromStdString(netlist)).isFile())
        return R::failure(asdlPath + ": its emitted netlist " + netlist +
                          " does not exist; emit it with `asdlc netlist " + asdlPath +
                          "` or name the netlist");
    const auto scopes = AsdlNetlistScopes::read(asdl_names::normalizedPath(netlist));
    if (!scopes)
        return R::failure(scopes.error());
    return AsdlNetlistJoin::join(program, elaborator, scopes.value(), options, netlist,
                                 *top.value());
}

Result<std::vector<AsdlTreeEntry>> AsdlReader::readHierarchy(const std::string& asdlPath,
                                                             const AsdlReadOptions& options) {
    using R = Result<std::vector<AsdlTreeEntry>>;
    AsdlProgram program(options.libRoots);
    AsdlElaborator elaborator(program);
    const auto top = elaborateTop(asdlPath, program, elaborator);
    if (!top)
        return R::failure(top.error());
    std::vector<AsdlTreeEntry> entries;
    AsdlTreeEntry root;
    root.path = top.value()->name;
    root.authoredRef = root.resolvedRef = top.value()->name;
    root.emittedName = asdl_names::realizationName(top.value()->name);
    entries.push_back(root);
    collectHierarchy(elaborator, *top.value(), top.value()->name, 1, entries);
    return entries;
}

Result<AsdlDesignFacts> AsdlReader::readFacts(const std::string& asdlPath,
                                              const AsdlReadOptions& options) {
    using R = Result<AsdlDesignFacts>;
    AsdlProgram program(options.libRoots);
    AsdlElaborator elaborator(program);
    const auto top = elaborateTop(asdlPath, program, elaborator);
    if (!top)
        return R::failure(top.error());
    AsdlDesignFacts facts;
    for (size_t i = 0; i < program.documentCount(); ++i)
        facts.sources.push_back(QFileInfo(QString::fromStdString(program.document(i).path))
                                    .absoluteFilePath()
                                    .toStdString());
    std::set<const AsdlModuleDecl*> seen;
    std::function<void(const AsdlModuleDecl&)> visit = [&](const AsdlModuleDecl& module) {
        if (!seen.insert(&module).second)
            return;
        for (const auto& instance : elaborator.elaborated(module).instances) {
            if (instance.target.module)
                visit(*instance.target.module);
            else if (const auto* device = instance.target.device;
                     device && !device->backends.count(options.backend) &&
                     std::find(facts.devicesWithoutBackend.begin(),
                               facts.devicesWithoutBackend.end(),
                               device->name) == facts.devicesWithoutBackend.end())
                facts.devicesWithoutBackend.push_back(device->name);
        }
    };
    visit(*top.value());
    return facts;
}

Result<std::vector<std::string>>
AsdlReader::expandPattern(const std::string& expression,
                          const std::map<std::string, std::string>& patterns) {
    return atomsOf(expression, patterns, false);
}

Result<std::vector<std::string>>
AsdlReader::renderPattern(const std::string& expression,
                          const std::map<std::string, std::string>& patterns) {
    return atomsOf(expression, patterns, true);
}
