#include "core/design/hierarchy_tree.h"

#include "core/crefs/probe_resolver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUtf8StringView>
#include <algorithm>
#include <functional>
#include <string_view>

namespace {
constexpr int kFormatVersion = 1;
const char* kFormatName = "wavebench.tree";

std::string where(const SourceLocation& s) {
    if (s.file.empty())
        return "<unknown>";
    return s.line > 0 ? s.file + ":" + std::to_string(s.line) : s.file;
}

// A JSON string as QJsonDocument writes it: UTF-8 as is, `"` `\\` and the control
// characters escaped (\\b \\f \\n \\r \\t, else \\u00xx). Bytes that are not UTF-8 become
// U+FFFD, and a leading byte order mark goes, as QString::fromStdString has them.
void appendJsonString(std::string& out, std::string_view text) {
    const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x80 && u != '"' && u != '\\';
    });
    if (plain) { // nearly every cref, name and vector
        out += '"';
        out += text;
        out += '"';
        return;
    }
    std::string converted;
    if (text.substr(0, 3) == "\xef\xbb\xbf" || !QUtf8StringView(text).isValidUtf8()) {
        converted = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()))
                        .toUtf8()
                        .toStdString();
        text = converted;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u != '"' && u != '\\') {
            out += c;
            continue;
        }
        out += '\\';
        switch (u) {
        case '"':
            out += '"';
            break;
        case '\\':
            out += '\\';
            break;
        case '\b':
            out += 'b';
            break;
        case '\f':
            out += 'f';
            break;
        case '\n':
            out += 'n';
            break;
        case '\r':
            out += 'r';
            break;
        case '\t':
            out += 't';
            break;
        default:
            out += "u00";
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        }
    }
    out += '"';
}

// Whether normalizeVector could change a vector: readers write nearly every one in its
// normal form already, and a probe map's check looks each of its vectors up in the whole tree.
bool mayNormalize(const std::string& vector) {
    return !vector.empty() &&
           (vector.back() == ')' || std::any_of(vector.begin(), vector.end(), [](char c) {
                const auto u = static_cast<unsigned char>(c);
                return (c >= 'A' && c <= 'Z') || u <= ' ' || u >= 0x80;
            }));
}

} // namespace

HierarchyTree::HierarchyTree() {
    HierarchyNode root;
    root.cref = "top";
    root.name = "top";
    root.kind = NodeKind::Instance;
    m_nodes.push_back(std::move(root));
    m_links.emplace_back();
    m_idOfCref.emplace(m_nodes.back().cref, 0);
}

HierarchyTree::HierarchyTree(const HierarchyTree& other)
    : m_nodes(other.m_nodes), m_links(other.m_links) {
    reindex();
}

HierarchyTree& HierarchyTree::operator=(const HierarchyTree& other) {
    if (this != &other) {
        m_nodes = other.m_nodes;
        m_links = other.m_links;
        reindex();
    }
    return *this;
}

// The copied index would view the other tree's crefs.
void HierarchyTree::reindex() {
    m_idOfCref.clear();
    m_idOfCref.reserve(m_nodes.size());
    for (size_t id = 0; id < m_nodes.size(); ++id)
        m_idOfCref.emplace(m_nodes[id].cref, static_cast<int>(id));
}

int HierarchyTree::idOf(const std::string& cref) const {
    auto it = m_idOfCref.find(cref);
    return it == m_idOfCref.end() ? -1 : it->second;
}

const HierarchyNode* HierarchyTree::find(const std::string& cref) const {
    const int id = idOf(cref);
    return id < 0 ? nullptr : &m_nodes[static_cast<size_t>(id)];
}

std::vector<const HierarchyNode*> HierarchyTree::findByVector(const std::string& vector) const {
    const auto wanted = ProbeResolver::normalizeVector(vector);
    std::vector<const HierarchyNode*> found;
    for (const auto* node : nodes())
        if (!node->vector.empty() &&
            (node->vector == wanted || (mayNormalize(node->vector) &&
                                        ProbeResolver::normalizeVector(node->vector) == wanted)))
            found.push_back(node);
    return found;
}

std::vector<const HierarchyNode*> HierarchyTree::children(const std::string& cref) const {
    std::vector<const HierarchyNode*> result;
    if (const int id = idOf(cref); id >= 0)
        for (const int child : childIds(id))
            result.push_back(&node(child));
    return result;
}

std::vector<const HierarchyNode*> HierarchyTree::nodes() const {
    std::vector<const HierarchyNode*> ordered;
    ordered.reserve(m_nodes.size());
    // Depth first with a stack of the children still to visit (children pushed in reverse),
    // not a recursive std::function: a planned run walks its tree three times.
    std::vector<int> stack{0};
    while (!stack.empty()) {
        const int id = stack.back();
        stack.pop_back();
        ordered.push_back(&node(id));
        const auto& children = childIds(id);
        stack.insert(stack.end(), children.rbegin(), children.rend());
    }
    return ordered;
}

Result<bool> HierarchyTree::add(HierarchyNode node) {
    using R = Result<bool>;
    if (node.cref.empty())
        return R::failure(where(node.source) + ": empty cref");
    if (!isTreeKind(node.kind))
        return R::failure(where(node.source) + ": \"" + node.cref + "\" has kind " +
                          toString(node.kind) + ", which no design tree node has");
    // Readers add a node's children one after another, often right after the node itself
    // (a device, then its parameters): one lookup of the parent for them all, none for a
    // first child. The 30,000-instance matrix spent a fifth of its read in these lookups.
    int parent = m_lastParent;
    if (this->node(parent).cref != node.parent) {
        const int last = static_cast<int>(m_nodes.size()) - 1;
        parent = m_nodes.back().cref == node.parent ? last : idOf(node.parent);
    }
    if (parent < 0)
        return R::failure(where(node.source) + ": parent \"" + node.parent + "\" of \"" +
                          node.cref + "\" is not in the tree");
    m_lastParent = parent;
    const int id = static_cast<int>(m_nodes.size());
    m_nodes.push_back(std::move(node));
    const auto [existing, inserted] = m_idOfCref.try_emplace(m_nodes.back().cref, id);
    if (!inserted) {
        HierarchyNode twice = std::move(m_nodes.back());
        m_nodes.pop_back();
        return R::failure(where(twice.source) + ": \"" + twice.cref +
                          "\" is defined twice (also at " +
                          where(this->node(existing->second).source) + ")");
    }
    m_nodes[static_cast<size_t>(parent)].children.push_back(m_nodes.back().cref);
    const int row = static_cast<int>(childIds(parent).size());
    m_links[static_cast<size_t>(parent)].children.push_back(id);
    m_links.push_back(Links{parent, row, {}});
    return true;
}

ProbeMap HierarchyTree::toProbeMap() const {
    ProbeMap map;
    for (const auto* node : nodes())
        if (!node->vector.empty())
            map.map[node->cref] = node->vector;
    return map;
}

ProbeMap HierarchyTree::probeMapFor(const ProbeMap& user) const {
    ProbeMap result = user;
    std::map<std::string, std::string> userCrefOfVector;
    for (const auto& [cref, vector] : user.map)
        userCrefOfVector.emplace(ProbeResolver::normalizeVector(vector), cref);
    for (const auto* node : nodes()) {
        if (node->vector.empty() || !node->streamedByDefault || result.map.count(node->cref) ||
            result.aliases.count(node->cref))
            continue;
        auto named = userCrefOfVector.find(ProbeResolver::normalizeVector(node->vector));
        if (named != userCrefOfVector.end())
            result.aliases[node->cref] = named->second;
        else {
            result.map[node->cref] = node->vector;
            result.namesOnly.insert(node->cref);
        }
    }
    return result;
}

// tree.json is written by hand, not through QJsonDocument: for a 7,000-node tree (a
// 1000-section RC ladder, 2.7 MB) the QJsonObject/QCborValue building and Qt's writer cost
// 620 M instructions (about 60 ms), the front end's largest fixed cost of a run. The text is
// byte for byte what QJsonDocument::Indented writes (keys sorted, four-space indents, the
// same escapes; tst_hierarchy_tree::toJsonIsWhatQtWrites compares them), because the store
// keys each tree by the SHA-256 of this text.
std::string HierarchyTree::toJson() const {
    std::string out;
    writeJson([&out](std::string_view piece) { out += piece; });
    return out;
}

void HierarchyTree::writeJson(const std::function<void(std::string_view)>& sink) const {
    constexpr size_t kPiece = size_t(1) << 20;
    const auto ordered = nodes();
    std::string out;
    out.reserve(kPiece + 4096);
    out += "{\n    \"format\": ";
    appendJsonString(out, kFormatName);
    out += ",\n    \"nodes\": [\n";
    bool first = true;
    for (const auto* node : ordered) {
        if (out.size() >= kPiece) {
            sink(out);
            out.clear();
        }
        out += first ? "        {\n" : ",\n        {\n";
        first = false;
        // The keys in QJsonObject's (sorted) order.
        constexpr const char* kIndent = "            \"";
        auto field = [&](const char* key, const std::string& value) {
            out += kIndent;
            out += key;
            out += "\": ";
            appendJsonString(out, value);
            out += ",\n";
        };
        field("cref", node->cref);
        field("detail", node->detail);
        field("kind", toString(node->kind));
        field("name", node->name);
        out += kIndent;
        out += "parent\": ";
        if (node->parent.empty())
            out += "null";
        else
            appendJsonString(out, node->parent);
        out += ",\n";
        if (!node->source.file.empty()) {
            out += kIndent;
            out += "source\": {\n                \"file\": ";
            appendJsonString(out, node->source.file);
            out += ",\n                \"line\": ";
            out += std::to_string(node->source.line);
            out += "\n            },\n";
        }
        out += kIndent;
        out += "streamed\": ";
        out += node->streamedByDefault ? "true" : "false";
        out += ",\n";
        field("unit", node->unit);
        out += kIndent;
        out += "vector\": ";
        appendJsonString(out, node->vector);
        out += "\n        }";
    }
    out += "\n    ],\n    \"version\": ";
    out += std::to_string(kFormatVersion);
    out += "\n}\n";
    sink(out);
}

Result<HierarchyTree> HierarchyTree::fromJson(const std::string& text, const std::string& origin) {
    using R = Result<HierarchyTree>;
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(text), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return R::failure(origin + ": " + parseError.errorString().toStdString() + " at offset " +
                          std::to_string(parseError.offset));
    const auto root = document.object();
    if (root.value("format").toString() != kFormatName)
        return R::failure(origin + ": not a Wavebench tree (format \"" +
                          root.value("format").toString().toStdString() + "\")");
    if (root.value("version").toInt() != kFormatVersion)
        return R::failure(origin + ": tree.json version " +
                          std::to_string(root.value("version").toInt()) + " is not supported (" +
                          std::to_string(kFormatVersion) + " is)");
    HierarchyTree tree;
    const auto list = root.value("nodes").toArray();
    for (int i = 0; i < list.size(); ++i) {
        const auto object = list.at(i).toObject();
        HierarchyNode node;
        node.cref = object.value("cref").toString().toStdString();
        if (node.cref == "top")
            continue;
        node.name = object.value("name").toString().toStdString();
        auto kind = nodeKindFromString(object.value("kind").toString().toStdString());
        if (!kind || !isTreeKind(*kind))
            return R::failure(origin + ": node " + std::to_string(i) + " (\"" + node.cref +
                              "\") has an unknown kind \"" +
                              object.value("kind").toString().toStdString() + "\"");
        node.kind = *kind;
        node.parent = object.value("parent").toString().toStdString();
        node.vector = object.value("vector").toString().toStdString();
        node.unit = object.value("unit").toString().toStdString();
        node.streamedByDefault = object.value("streamed").toBool();
        node.detail = object.value("detail").toString().toStdString();
        const auto source = object.value("source").toObject();
        node.source.file = source.value("file").toString().toStdString();
        node.source.line = source.value("line").toInt();
        auto added = tree.add(std::move(node));
        if (!added)
            return R::failure(origin + ": node " + std::to_string(i) + ": " + added.error());
    }
    return tree;
}

std::string HierarchyTree::toText() const {
    std::string text;
    std::function<void(const HierarchyNode&, int)> visit = [&](const HierarchyNode& node,
                                                               int depth) {
        text += std::string(static_cast<size_t>(depth) * 2, ' ') + node.cref + "  [" +
                toString(node.kind) + "]";
        if (!node.vector.empty())
            text += "  " + node.vector + (node.streamedByDefault ? "" : "  (needs save)");
        if (!node.unit.empty())
            text += "  " + node.unit;
        text += "\n";
        for (const int child : childIds(idOf(node.cref)))
            visit(this->node(child), depth + 1);
    };
    visit(root(), 0);
    return text;
}

std::vector<std::string> HierarchyTree::validate(const ProbeResolver& resolver) const {
    std::vector<std::string> problems;
    for (const auto& [cref, vector] : resolver.probeMap().map) {
        if (auto problem = ProbeResolver::crefProblem(cref); !problem.empty()) {
            problems.push_back(problem);
            continue;
        }
        const auto producers = findByVector(vector);
        if (producers.empty()) {
            problems.push_back("\"" + cref + "\": vector \"" + vector +
                               "\" is not produced by the design");
            continue;
        }
        if (const auto* node = find(cref); node && ProbeResolver::normalizeVector(node->vector) !=
                                                       ProbeResolver::normalizeVector(vector))
            problems.push_back("\"" + cref + "\": the design maps it to \"" + node->vector +
                               "\", not \"" + vector + "\"");
    }
    for (const auto& [alias, target] : resolver.probeMap().aliases) {
        auto end = resolver.resolveAlias(alias);
        if (!end) {
            problems.push_back("\"" + alias + "\": " + end.error());
            continue;
        }
        const auto* node = find(end.value());
        if (!resolver.probeMap().map.count(end.value()) && !(node && !node->vector.empty()))
            problems.push_back("\"" + alias + "\": alias target \"" + end.value() +
                               "\" names no cref of the map or the design");
    }
    return problems;
}
