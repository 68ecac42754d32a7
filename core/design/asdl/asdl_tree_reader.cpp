#include "core/design/asdl/asdl_tree_reader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

namespace {

// nlohmann's JSON reads the 30,000-instance matrix's 6 MB tree in 0.16 s, where yaml-cpp,
// reading JSON as YAML, took 2 s (and its ordered_json 0.7 s). Its objects are sorted by key,
// which is the compiler's own order: asdlc writes its JSON with sorted keys, children too.
// Values know no line, so an error names the node by its JSON pointer
// (`/payload/children/row1`); a syntax error names the line.
using Json = nlohmann::json;

// The compiler's trees are as deep as the design; past this a design is not one.
constexpr int kMaxDepth = 512;

Result<std::string> readText(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return Result<std::string>::failure(path + ": cannot read (" +
                                            file.errorString().toStdString() + ")");
    return file.readAll().toStdString();
}

Result<Json> parse(const std::string& text, const std::string& origin) {
    try {
        return Json::parse(text);
    } catch (const Json::parse_error& e) {
        const auto upTo = std::min<size_t>(e.byte, text.size());
        const auto line =
            1 + std::count(text.begin(), text.begin() + static_cast<long>(upTo), '\n');
        std::string message = e.what();
        if (const auto colon = message.rfind(": "); colon != std::string::npos)
            message = message.substr(colon + 2);
        return Result<Json>::failure(origin + ":" + std::to_string(line) +
                                     ": not valid JSON: " + message);
    } catch (const Json::exception& e) {
        // Not a syntax error: a number out of range (`755e555`, found by fuzzing), ...
        return Result<Json>::failure(origin + ": not valid JSON: " + e.what());
    }
}

std::string where(const std::string& origin, const std::string& pointer) {
    return origin + (pointer.empty() ? "" : " at " + pointer);
}

// A string field, or "" for null / absent / not a string.
std::string text(const Json& node, const char* key) {
    const auto found = node.find(key);
    if (found == node.end() || !found->is_string())
        return {};
    return found->get<std::string>();
}

// A key as a JSON pointer's segment (RFC 6901: ~ and / escaped).
std::string segment(const std::string& key) {
    std::string out;
    for (const char c : key)
        out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    return out;
}

} // namespace

namespace {
Result<std::vector<AsdlTreeEntry>> treeEntries(const std::string& text_,
                                               const std::string& origin) {
    using R = Result<std::vector<AsdlTreeEntry>>;
    auto parsed = parse(text_, origin);
    if (!parsed)
        return R::failure(parsed.error());
    const Json& root = parsed.value();
    if (!root.is_object())
        return R::failure(origin + ": not an `asdlc query tree --json` output (no object)");
    const std::string kind = text(root, "kind");
    const auto version = root.find("schema_version");
    const std::string versionText = version == root.end()  ? std::string("(none)")
                                    : version->is_string() ? version->get<std::string>()
                                    : version->is_number() ? version->dump()
                                                           : std::string("(not a number)");
    if (versionText != "1")
        return R::failure(where(origin, "/schema_version") + ": query tree schema_version \"" +
                          versionText + "\" is not supported (1 is)");
    const auto payload = root.find("payload");
    if (payload == root.end() || !payload->is_object())
        return R::failure(origin + ": no \"payload\" object");

    std::vector<AsdlTreeEntry> entries;
    if (kind == "query.tree.compact") {
        // {"top:top": {"inst:ref": {...}, ...}}: keys are `<instance>:<resolved_ref>`.
        if (payload->size() != 1)
            return R::failure(where(origin, "/payload") + ": a compact tree has exactly one root");
        std::function<std::optional<std::string>(const std::string&, const Json&,
                                                 const std::string&, const std::string&, int)>
            visit = [&](const std::string& label, const Json& children,
                        const std::string& parentPath, const std::string& pointer,
                        int depth) -> std::optional<std::string> {
            if (depth > kMaxDepth)
                return where(origin, pointer) + ": nested deeper than " +
                       std::to_string(kMaxDepth) + " instances";
            const auto colon = label.find(':');
            if (colon == std::string::npos || colon == 0)
                return where(origin, pointer) + ": key \"" + label +
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
            if (!children.is_object())
                return where(origin, pointer) + ": children of \"" + label + "\" must be an object";
            const auto path = entry.path;
            entries.push_back(std::move(entry));
            for (const auto& [key, value] : children.items())
                if (auto problem = visit(key, value, path, pointer + "/" + segment(key), depth + 1))
                    return problem;
            return std::nullopt;
        };
        const auto first = payload->begin();
        if (auto problem =
                visit(first.key(), first.value(), "", "/payload/" + segment(first.key()), 0))
            return R::failure(*problem);
    } else if (kind == "query.tree") {
        std::function<std::optional<std::string>(const Json&, const std::string&, int)> visit =
            [&](const Json& node, const std::string& pointer,
                int depth) -> std::optional<std::string> {
            if (depth > kMaxDepth)
                return where(origin, pointer) + ": nested deeper than " +
                       std::to_string(kMaxDepth) + " instances";
            if (!node.is_object() || !node.contains("path"))
                return where(origin, pointer) + ": a tree node needs \"path\"";
            AsdlTreeEntry entry;
            entry.path = text(node, "path");
            entry.parentPath = text(node, "parent_path");
            entry.instance = text(node, "instance");
            entry.authoredRef = text(node, "authored_ref");
            entry.resolvedRef = text(node, "resolved_ref");
            entry.emittedName = text(node, "emitted_name");
            if (const auto field = node.find("depth"); field != node.end()) {
                const long long value = field->is_number_integer() ? field->get<long long>() : -1;
                if (value < 0 || value > kMaxDepth)
                    return where(origin, pointer + "/depth") + ": depth " + field->dump() +
                           " is not an instance depth";
                entry.depth = static_cast<int>(value);
            }
            entries.push_back(std::move(entry));
            const auto children = node.find("children");
            if (children == node.end())
                return std::nullopt;
            if (!children->is_object())
                return where(origin, pointer + "/children") + ": \"children\" must be an object";
            for (const auto& [key, value] : children->items())
                if (auto problem = visit(value, pointer + "/children/" + segment(key), depth + 1))
                    return problem;
            return std::nullopt;
        };
        if (auto problem = visit(payload.value(), "/payload", 0))
            return R::failure(*problem);
    } else {
        return R::failure(where(origin, "/kind") + ": kind \"" + kind +
                          "\" is not a query tree (query.tree or query.tree.compact)");
    }
    return entries;
}

} // namespace

Result<std::vector<AsdlTreeEntry>> AsdlTreeReader::readTreeJson(const std::string& text,
                                                                const std::string& origin) {
    try { // nothing below should throw; a JSON value's accessor must not end the process
        return treeEntries(text, origin);
    } catch (const Json::exception& e) {
        return Result<std::vector<AsdlTreeEntry>>::failure(origin + ": " + e.what());
    }
}

Result<std::vector<AsdlTreeEntry>> AsdlTreeReader::readTreeFile(const std::string& path) {
    auto content = readText(path);
    if (!content)
        return Result<std::vector<AsdlTreeEntry>>::failure(content.error());
    return readTreeJson(content.value(), path);
}

namespace {
Result<std::vector<AsdlEmissionName>> emissionNames(const std::string& text_,
                                                    const std::string& origin) {
    using R = Result<std::vector<AsdlEmissionName>>;
    auto parsed = parse(text_, origin);
    if (!parsed)
        return R::failure(parsed.error());
    const Json& root = parsed.value();
    if (!root.is_object())
        return R::failure(origin + ": not an ASDL compile log (no object)");
    const auto list = root.find("emission_name_map");
    if (list == root.end())
        return R::failure(origin + ": no \"emission_name_map\" in the compile log");
    if (!list->is_array())
        return R::failure(where(origin, "/emission_name_map") +
                          ": \"emission_name_map\" must be a list");
    std::vector<AsdlEmissionName> names;
    for (size_t i = 0; i < list->size(); ++i) {
        const Json& row = (*list)[i];
        if (!row.is_object() || !row.contains("symbol") || !row.contains("emitted_name"))
            return R::failure(where(origin, "/emission_name_map/" + std::to_string(i)) +
                              ": an emission_name_map row needs symbol and emitted_name");
        AsdlEmissionName name;
        name.symbol = text(row, "symbol");
        name.baseName = text(row, "base_name");
        name.emittedName = text(row, "emitted_name");
        name.fileId = text(row, "file_id");
        const auto renamed = row.find("renamed");
        name.renamed = renamed != row.end() && renamed->is_boolean() && renamed->get<bool>();
        names.push_back(std::move(name));
    }
    return names;
}

} // namespace

Result<std::vector<AsdlEmissionName>> AsdlTreeReader::readCompileLog(const std::string& text,
                                                                     const std::string& origin) {
    try {
        return emissionNames(text, origin);
    } catch (const Json::exception& e) {
        return Result<std::vector<AsdlEmissionName>>::failure(origin + ": " + e.what());
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
