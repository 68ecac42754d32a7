#include "core/engine/run_planner.h"

#include "core/design/asdl/asdl_reader.h"
#include "core/engine/design_reader.h"

#include <QFileInfo>

std::string RunPlanner::netlistFor(const std::string& designPath,
                                   const std::string& emittedNetlist) {
    if (!DesignReader::isAsdl(designPath))
        return designPath;
    return emittedNetlist.empty() ? AsdlReader::emittedNetlistBeside(designPath) : emittedNetlist;
}

std::string RunPlanner::defaultStorePath(const std::string& designPath) {
    const QFileInfo info(QString::fromStdString(designPath));
    return (info.absolutePath() + "/" + info.completeBaseName() + ".h5").toStdString();
}

RunRequest RunPlanner::plan(const Options& options, const HierarchyTree* tree) {
    RunRequest request;
    request.netlistPath = netlistFor(options.designPath, options.emittedNetlist);
    request.storePath =
        options.storePath.empty() ? defaultStorePath(options.designPath) : options.storePath;
    request.runId = options.runId;
    request.tran = options.tran;
    request.probeMap = options.probeMap;
    if (tree) {
        request.treeJson = tree->toJson();
        request.units = std::make_shared<const VectorUnits>(*tree);
        request.probeMap = tree->probeMapFor(options.probeMap);
    }
    return request;
}

Result<RunRequest> RunPlanner::plan(const Options& options, const OpenedDesign& design) {
    if (!design.notRunnable.empty())
        return Result<RunRequest>::failure(design.notRunnable);
    Options withNetlist = options;
    withNetlist.emittedNetlist = design.netlistPath;
    RunRequest request = plan(withNetlist, design.treeProblem.empty() ? &design.tree : nullptr);
    request.netlistPath = design.netlistPath;
    request.environment = design.environment;
    return request;
}

Result<RunPlanner::Plan> RunPlanner::planFile(const Options& options) {
    using R = Result<Plan>;
    if (!QFileInfo(QString::fromStdString(options.designPath)).isFile())
        return R::failure(options.designPath + ": no such file");
    DesignOpenOptions open = options.open;
    if (open.emittedNetlist.empty())
        open.emittedNetlist = options.emittedNetlist;
    auto opened = DesignReader::open(options.designPath, open);
    if (!opened)
        return R::failure(opened.error());

    Options withMap = options;
    if (!options.probeMapPath.empty()) {
        auto map = ProbeMap::loadFile(options.probeMapPath);
        if (!map)
            return R::failure(map.error());
        withMap.probeMap = map.value();
    }
    for (const auto& cref : options.probes) {
        const auto* node = opened->treeProblem.empty() ? opened->tree.find(cref) : nullptr;
        if (!node)
            return R::failure(options.designPath + ": no cref " + cref + " in the design" +
                              (opened->treeProblem.empty()
                                   ? ""
                                   : " (it has no tree: " + opened->treeProblem + ")"));
        if (node->vector.empty())
            return R::failure(options.designPath + ": " + cref +
                              " names no ngspice vector (probe a net, a current or a device's "
                              "parameter)");
        withMap.probeMap.map.emplace(cref, node->vector);
    }
    auto request = plan(withMap, opened.value());
    if (!request)
        return R::failure(request.error());
    Plan result;
    result.request = std::move(request.value());
    result.treeProblem = opened->treeProblem;
    if (opened->treeProblem.empty())
        result.tree = std::make_shared<const HierarchyTree>(std::move(opened->tree));
    result.compiler = opened->compiler;
    result.compileReused = opened->compileReused;
    result.note = opened->note;
    return result;
}
