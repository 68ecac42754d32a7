#include "core/engine/design_reader.h"

#include "core/base/phase_trace.h"
#include "core/design/asdl/asdl_compiler.h"
#include "core/design/asdl/asdl_rc.h"
#include "core/design/asdl/asdl_reader.h"
#include "core/design/asdl/asdl_tree_reader.h"
#include "core/design/spice_reader.h"

#include <QFileInfo>
#include <algorithm>

namespace {

using R = Result<OpenedDesign>;

void addSource(OpenedDesign& opened, const std::string& file) {
    if (!file.empty() &&
        std::find(opened.sources.begin(), opened.sources.end(), file) == opened.sources.end())
        opened.sources.push_back(file);
}

// The first node of `compiler` (the compiler's own tree) that `tree` lacks; "" when none.
std::string firstMissing(const HierarchyTree& tree, const HierarchyTree& compiler) {
    for (const auto* node : compiler.nodes())
        if (!tree.find(node->cref))
            return node->cref;
    return {};
}

R openSpice(const std::string& path) {
    OpenedDesign opened;
    const std::string file =
        QFileInfo(QString::fromStdString(path)).absoluteFilePath().toStdString();
    opened.netlistPath = path;
    addSource(opened, file);
    auto tree = SpiceReader::readFile(path);
    if (tree) {
        opened.tree = std::move(tree.value());
        // The files the reader followed (.include, .lib) are where its nodes come from.
        for (const auto* node : opened.tree.nodes())
            if (!node->source.file.empty())
                addSource(opened, QFileInfo(QString::fromStdString(node->source.file))
                                      .absoluteFilePath()
                                      .toStdString());
    } else {
        opened.treeProblem = tree.error();
    }
    return opened;
}

Result<HierarchyTree> hierarchyOnly(const std::string& path, const AsdlReadOptions& read) {
    auto entries = AsdlReader::readHierarchy(path, read);
    if (!entries)
        return Result<HierarchyTree>::failure(entries.error());
    return AsdlTreeReader::toHierarchyTree(entries.value(), path);
}

R openCompiled(const std::string& path, const std::string& compiler, const AsdlRc& rc,
               const AsdlRc::Environment& environment, const AsdlReadOptions& read,
               const DesignOpenOptions& options) {
    AsdlCompiler::Options compile;
    compile.rc = rc;
    compile.libRoots = options.libRoots;
    compile.environment = environment;
    compile.cacheRoot = options.cacheRoot;
    // The built-in import resolver finds the same files as the compiler (tst_asdl_compiler
    // compares them on every example design); where it cannot, the compiler's depgraph says.
    phase_trace::mark("open: asdl");
    if (auto facts = AsdlReader::readFacts(path, read))
        compile.sources = facts->sources;
    phase_trace::mark("open: sources known");
    auto compiled = AsdlCompiler(compiler).compile(path, compile);
    phase_trace::mark("open: compiled");
    if (!compiled)
        return R::failure(compiled.error());
    OpenedDesign opened;
    opened.compiler = compiler;
    opened.compileReused = compiled->reused;
    opened.environment = rc.effectiveEnv(environment);
    for (const auto& source : compiled->sources)
        addSource(opened, source);

    auto own = AsdlTreeReader::toHierarchyTree(compiled->tree, compiled->treeFile);
    phase_trace::mark("open: compiler's tree");
    if (!own)
        return R::failure(own.error());
    if (compiled->netlist.empty()) {
        opened.tree = std::move(own.value());
        opened.notRunnable = compiled->netlistProblem;
        return opened;
    }
    opened.netlistPath = compiled->netlist;
    // The compiler's netlist joined with the design gives every node its vector; the join
    // checks each element against the design, so a tree it yields names what ngspice names.
    AsdlReadOptions withNetlist = read;
    withNetlist.emittedNetlist = compiled->netlist;
    auto joined = AsdlReader::readFile(path, withNetlist);
    phase_trace::mark("open: joined");
    std::string missing = joined ? firstMissing(joined.value(), own.value()) : std::string();
    phase_trace::mark("open: compared");
    if (joined && missing.empty()) {
        opened.tree = std::move(joined.value());
        return opened;
    }
    opened.tree = std::move(own.value());
    opened.note = joined
                      ? "the built-in reader's tree lacks " + missing + ", which the compiler has"
                      : joined.error();
    return opened;
}

R openBuiltIn(const std::string& path, const AsdlRc& rc, const AsdlRc::Environment& environment,
              const AsdlReadOptions& read, bool compilerWanted) {
    auto facts = AsdlReader::readFacts(path, read);
    if (!facts)
        return R::failure(facts.error());
    OpenedDesign opened;
    opened.environment = rc.effectiveEnv(environment);
    for (const auto& source : facts->sources)
        addSource(opened, source);
    addSource(opened, rc.path);
    const std::string netlist =
        read.emittedNetlist.empty() ? AsdlReader::emittedNetlistBeside(path) : read.emittedNetlist;
    if (!facts->devicesWithoutBackend.empty()) {
        std::string names;
        for (const auto& device : facts->devicesWithoutBackend)
            names += (names.empty() ? "" : ", ") + device;
        opened.notRunnable = path + ": device" +
                             (facts->devicesWithoutBackend.size() > 1 ? "s " : " ") + names +
                             (facts->devicesWithoutBackend.size() > 1 ? " have" : " has") + " no " +
                             read.backend + " backend";
    } else if (!QFileInfo(QString::fromStdString(netlist)).isFile()) {
        opened.notRunnable =
            path + ": its emitted netlist " + netlist + " does not exist; " +
            (compilerWanted ? "install the ASDL compiler `asdlc` (or name it with --asdlc) to "
                              "compile it, or name the netlist"
                            : "emit it with `asdlc netlist` or name the netlist");
    }
    if (!opened.notRunnable.empty()) {
        auto tree = hierarchyOnly(path, read);
        if (!tree)
            return R::failure(tree.error());
        opened.tree = std::move(tree.value());
        return opened;
    }
    auto tree = AsdlReader::readFile(path, read);
    if (!tree)
        return R::failure(tree.error());
    opened.tree = std::move(tree.value());
    opened.netlistPath = netlist;
    addSource(opened, QFileInfo(QString::fromStdString(netlist)).absoluteFilePath().toStdString());
    return opened;
}

} // namespace

bool DesignReader::isAsdl(const std::string& path) {
    return QFileInfo(QString::fromStdString(path)).suffix().toLower() == "asdl";
}

Result<OpenedDesign> DesignReader::open(const std::string& path, const DesignOpenOptions& options) {
    if (!QFileInfo(QString::fromStdString(path)).isFile())
        return R::failure(path + ": no such file");
    if (!isAsdl(path))
        return openSpice(path);

    const auto environment = AsdlRc::processEnvironment();
    auto rc = AsdlRc::load(path, options.asdlrcPath, environment);
    if (!rc)
        return R::failure(rc.error());
    AsdlReadOptions read;
    read.emittedNetlist = options.emittedNetlist;
    read.libRoots = rc->searchRoots(options.libRoots, environment);

    // A named netlist is run as it is: the built-in reader joins the design with it.
    const bool compilerWanted = options.useCompiler && options.emittedNetlist.empty();
    std::string compiler;
    if (compilerWanted) {
        compiler = AsdlCompiler::find(options.asdlcPath);
        if (compiler.empty() && !options.asdlcPath.empty())
            return R::failure(options.asdlcPath + ": not an executable ASDL compiler (asdlc)");
    }
    if (!compiler.empty())
        return openCompiled(path, compiler, rc.value(), environment, read, options);
    return openBuiltIn(path, rc.value(), environment, read, compilerWanted);
}

Result<HierarchyTree> DesignReader::read(const std::string& path,
                                         const std::string& emittedNetlist) {
    DesignOpenOptions options;
    options.emittedNetlist = emittedNetlist;
    auto opened = open(path, options);
    if (!opened)
        return Result<HierarchyTree>::failure(opened.error());
    if (!opened->treeProblem.empty() && !isAsdl(path))
        return Result<HierarchyTree>::failure(opened->treeProblem);
    return std::move(opened->tree);
}
