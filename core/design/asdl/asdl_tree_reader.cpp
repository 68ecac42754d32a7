#include "core/design/asdl/asdl_tree_reader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <functional>
#include <yaml-cpp/yaml.h>

namespace {

// yaml-cpp reads JSON as well and, unlike QJsonObject, keeps the keys in file order and
// knows the line of every node.
std::string at(const std::string& origin, const YAML::Node& node) {
    const auto mark = node.Mark();
    return mark.line >= 0 ? origin + ":" + std::to_string(mark.line + 1) : origin;
}

Result<std::string> readText(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return Result<std::string>::failure(path + ": cannot read (" +
                                            file.errorString().toStdString() + ")");
    return file.readAll().toStdString();
}

Result<YAML::Node> parse(const std::string& text, const std::string& origin) {
    try {
        return YAML::Load(text);
    } catch (const YAML::Exception& e) {
        return Result<YAML::Node>::failure(origin + ":" + std::to_string(e.mark.line + 1) +
                                           ": not valid JSON: " + e.msg);
    }
}

// A string field, or "" for null / absent.
std::string text(const YAML::Node& node, const char* key) {
    const auto value = node[key];
    if (!value || value.IsNull() || !value.IsScalar())
        return {};
    return value.as<std::string>();
}

} // namespace

Result<std::vector<AsdlTreeEntry>> AsdlTreeReader::readTreeJson(const std::string& text_,
                                                                const std::string& origin) {
    using R = Result<std::vector<AsdlTreeEntry>>;
    auto parsed = parse(text_, origin);
    if (!parsed)
        return R::failure(parsed.error());
    try {
        const YAML::Node root = parsed.value();
        if (!root.IsMap())
            return R::failure(origin + ": not an `asdlc query tree --json` output (no object)");
        const std::string kind = text(root, "kind");
        const auto version = root["schema_version"];
        if (!version || version.as<std::string>() != "1")
            return R::failure(at(origin, root) + ": query tree schema_version \"" +
                              (version ? version.as<std::string>() : std::string("(none)")) +
                              "\" is not supported (1 is)");
        const auto payload = root["payload"];
        if (!payload || !payload.IsMap())
            return R::failure(at(origin, root) + ": no \"payload\" object");

        std::vector<AsdlTreeEntry> entries;
        if (kind == "query.tree.compact") {
            // {"top:top": {"inst:ref": {...}, ...}}: keys are `<instance>:<resolved_ref>`.
            if (payload.size() != 1)
                return R::failure(at(origin, payload) + ": a compact tree has exactly one root");
            std::function<std::optional<std::string>(const YAML::Node&, const YAML::Node&,
                                                     const std::string&, int)>
                visit = [&](const YAML::Node& key, const YAML::Node& children,
                            const std::string& parentPath,
                            int depth) -> std::optional<std::string> {
                const auto label = key.as<std::string>();
                const auto colon = label.find(':');
                if (colon == std::string::npos || colon == 0)
                    return at(origin, key) + ": key \"" + label +
                           "\" is not of the form instance:ref";
                AsdlTreeEntry entry;
                const auto name = label.substr(0, colon);
                entry.resolvedRef = label.substr(colon + 1);
                entry.authoredRef = entry.resolvedRef;
                entry.depth = depth;
                if (depth == 0) {
                    entry.path = name;
                } else {
                    entry.instance = name;
                    entry.parentPath = parentPath;
                    entry.path = parentPath + "." + name;
                }
                if (!children.IsMap())
                    return at(origin, children) + ": children of \"" + label +
                           "\" must be an object";
                const auto path = entry.path;
                entries.push_back(std::move(entry));
                for (auto it = children.begin(); it != children.end(); ++it)
                    if (auto problem = visit(it->first, it->second, path, depth + 1))
                        return problem;
                return std::nullopt;
            };
            if (auto problem = visit(payload.begin()->first, payload.begin()->second, "", 0))
                return R::failure(*problem);
        } else if (kind == "query.tree") {
            std::function<std::optional<std::string>(const YAML::Node&)> visit =
                [&](const YAML::Node& node) -> std::optional<std::string> {
                if (!node.IsMap() || !node["path"])
                    return at(origin, node) + ": a tree node needs \"path\"";
                AsdlTreeEntry entry;
                entry.path = text(node, "path");
                entry.parentPath = text(node, "parent_path");
                entry.instance = text(node, "instance");
                entry.authoredRef = text(node, "authored_ref");
                entry.resolvedRef = text(node, "resolved_ref");
                entry.emittedName = text(node, "emitted_name");
                entry.depth = node["depth"] ? node["depth"].as<int>() : 0;
                entries.push_back(std::move(entry));
                const auto children = node["children"];
                if (!children)
                    return std::nullopt;
                if (!children.IsMap())
                    return at(origin, children) + ": \"children\" must be an object";
                for (auto it = children.begin(); it != children.end(); ++it)
                    if (auto problem = visit(it->second))
                        return problem;
                return std::nullopt;
            };
            if (auto problem = visit(payload))
                return R::failure(*problem);
        } else {
            return R::failure(at(origin, root) + ": kind \"" + kind +
                              "\" is not a query tree (query.tree or query.tree.compact)");
        }
        return entries;
    } catch (const YAML::Exception& e) {
        return R::failure(origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
}

Result<std::vector<AsdlTreeEntry>> AsdlTreeReader::readTreeFile(const std::string& path) {
    auto content = readText(path);
    if (!content)
        return Result<std::vector<AsdlTreeEntry>>::failure(content.error());
    return readTreeJson(content.value(), path);
}

Result<std::vector<AsdlEmissionName>> AsdlTreeReader::readCompileLog(const std::string& text_,
                                                                     const std::string& origin) {
    using R = Result<std::vector<AsdlEmissionName>>;
    auto parsed = parse(text_, origin);
    if (!parsed)
        return R::failure(parsed.error());
    try {
        const YAML::Node root = parsed.value();
        if (!root.IsMap())
            return R::failure(origin + ": not an ASDL compile log (no object)");
        const auto list = root["emission_name_map"];
        if (!list)
            return R::failure(at(origin, root) + ": no \"emission_name_map\" in the compile log");
        if (!list.IsSequence())
            return R::failure(at(origin, list) + ": \"emission_name_map\" must be a list");
        std::vector<AsdlEmissionName> names;
        for (const auto& row : list) {
            if (!row.IsMap() || !row["symbol"] || !row["emitted_name"])
                return R::failure(at(origin, row) +
                                  ": an emission_name_map row needs symbol and emitted_name");
            AsdlEmissionName name;
            name.symbol = text(row, "symbol");
            name.baseName = text(row, "base_name");
            name.emittedName = text(row, "emitted_name");
            name.fileId = text(row, "file_id");
            name.renamed = row["renamed"] && row["renamed"].as<bool>();
            names.push_back(std::move(name));
        }
        return names;
    } catch (const YAML::Exception& e) {
        return R::failure(origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
}

Result<std::vector<AsdlEmissionName>> AsdlTreeReader::readCompileLogFile(const std::string& path) {
    auto content = readText(path);
    if (!content)
        return Result<std::vector<AsdlEmissionName>>::failure(content.error());
    return readCompileLog(content.value(), path);
}

Result<HierarchyTree> AsdlTreeReader::toHierarchyTree(const std::vector<AsdlTreeEntry>& entries,
                                                      const std::string& origin) {
    using R = Result<HierarchyTree>;
    HierarchyTree tree;
    if (entries.empty())
        return tree;
    // The root is `top` whatever the top module is called; below it, ASDL paths.
    const std::string rootPath = entries.front().path;
    auto crefOf = [&](const std::string& path) {
        return path == rootPath ? std::string("top") : "top" + path.substr(rootPath.size());
    };
    auto isBelowRoot = [&](const std::string& path) {
        return path.compare(0, rootPath.size() + 1, rootPath + ".") == 0;
    };
    std::map<std::string, bool> hasChildren;
    for (const auto& entry : entries)
        if (!entry.parentPath.empty())
            hasChildren[entry.parentPath] = true;
    for (size_t i = 1; i < entries.size(); ++i) {
        const auto& entry = entries[i];
        if (!isBelowRoot(entry.path))
            return R::failure(origin + ": path \"" + entry.path + "\" is not below the root \"" +
                              rootPath + "\"");
        // A parent outside the root (none, or another tree's) has no cref to hang under.
        if (entry.parentPath != rootPath && !isBelowRoot(entry.parentPath))
            return R::failure(origin + ": the parent \"" + entry.parentPath + "\" of \"" +
                              entry.path + "\" is not the root \"" + rootPath + "\" or below it");
        HierarchyNode node;
        node.cref = crefOf(entry.path);
        node.name = entry.instance;
        node.parent = crefOf(entry.parentPath);
        const bool device =
            entry.isDevice || (!hasChildren.count(entry.path) && entry.emittedName.empty());
        node.kind = device ? NodeKind::Device : NodeKind::Instance;
        node.detail = (node.kind == NodeKind::Device ? "device " : "module ") + entry.resolvedRef;
        node.source.file = origin;
        if (auto added = tree.add(std::move(node)); !added)
            return R::failure(added.error());
    }
    return tree;
}

