#include "core/design/spice_reader.h"

#include "core/base/spice_number.h"
#include "core/base/text.h"
#include "core/crefs/probe_resolver.h"
#include "core/design/device_parameters.h"
#include "core/design/spice_lexer.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace {

// The deepest subckt instance nesting the reader elaborates (spice_reader.h says why).
constexpr size_t kMaxNesting = 256;

using Card = SpiceLexer::Card;

std::string where(const SourceLocation& at) {
    return at.line > 0 ? at.file + ":" + std::to_string(at.line) : at.file;
}

// A detail string stays a tooltip, not a copy of a long source line.
std::string shortened(const std::string& text) {
    return text.size() <= 60 ? text : text.substr(0, 57) + "...";
}

bool isNumber(const std::string& text) {
    static const std::regex number(R"(^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[a-zA-Z]*$)");
    return std::regex_match(text, number);
}

struct Model {
    std::string type; // nmos, pmos, npn, d, ...
    int level = 0;    // 0: not given; -1: not a number
    std::string version;
};

struct Definition {
    std::string name; // lowercase; "" for the top level
    std::vector<std::string> ports;
    SourceLocation at;
    const Definition* parent = nullptr;
    std::vector<const Card*> body;                    // element lines
    std::map<std::string, const Definition*> subckts; // defined inside: local to it
    std::map<std::string, Model> models;
};

// One element line as far as the tree cares.
struct Element {
    const Card* card = nullptr;
    char letter = 0;
    std::string name;               // lowercase: "m1", "xota1"
    std::vector<std::string> nodes; // lowercase net names as written
    std::string subckt;             // X lines
    std::string detail;
    std::string deviceModel; // DeviceParameters' name, "" when no table applies
    bool branch = false;     // ngspice gives it a `#branch` vector
};

// One instance being elaborated.
struct Scope {
    const Definition* definition = nullptr;
    std::vector<std::string> xpath; // lowercase X names from the top: {"xota1"}
    // The definitions along xpath (same length): ngspice's device names depend on where
    // each one was defined.
    std::vector<const Definition*> definitions;
    std::string cref;
    std::map<std::string, std::string> ports; // port -> vector of the outer net ("" ground)
};

// ngspice expands subcircuits deck by deck: the top level, and the body of every .subckt
// that has .subckt definitions nested inside it, each with only the definitions made
// directly in that deck. Expanding an X line named N renames the X lines in the copied body
// to `N.<name>` and the devices to `<letter>.N.<name>`, whatever their names already are. So a
// device reached only through top-level definitions is `m.xa.xb.m1`, but one whose subckt
// is defined inside another gets the letter again for each such deck:
// `r.xo.r.xm.xl1.r1` (verified with ngspice-39). Node names are always the plain path.
class NgspiceNames {
public:
    NgspiceNames(const std::vector<std::string>& xpath,
                 const std::vector<const Definition*>& definitions)
        : m_xpath(xpath), m_definitions(definitions) {}

    // The name ngspice gives a device of the innermost definition.
    std::string device(char letter, const std::string& name) const {
        std::string current = name;
        for (const Definition* deck = m_definitions.empty() ? nullptr : m_definitions.back();
             deck && deck->parent;) {
            const size_t level = levelOf(deck);
            if (level == m_definitions.size())
                break;
            current = std::string(1, letter) + "." + xName(level) + "." + current;
            deck = m_definitions[level]->parent;
        }
        return current;
    }

private:
    // The level whose instance has `definition`; each definition appears once on a path
    // (recursion is rejected), and every deck a name passes through is on it.
    size_t levelOf(const Definition* definition) const {
        return static_cast<size_t>(
            std::find(m_definitions.begin(), m_definitions.end(), definition) -
            m_definitions.begin());
    }

    // The X line's name when ngspice expands it, in the deck where its subckt is defined.
    std::string xName(size_t level) const {
        std::string current = m_xpath[level];
        const Definition* deck = level == 0 ? nullptr : m_definitions[level - 1];
        const Definition* home = m_definitions[level]->parent;
        while (deck && deck->parent && deck != home) {
            const size_t outer = levelOf(deck);
            if (outer >= level)
                break;
            current = xName(outer) + "." + current;
            deck = m_definitions[outer]->parent;
        }
        return current;
    }

    const std::vector<std::string>& m_xpath;
    const std::vector<const Definition*>& m_definitions;
};

struct NetRef {
    std::string vector; // "" for ground
    std::string role;   // "port", "global", "ground" or ""
};

class Reading {
public:
    Reading(const SpiceReader::Options& options, std::vector<std::string>* warnings)
        : m_options(options), m_warningsOut(warnings) {}

    Result<HierarchyTree> read(const std::string& text, const std::string& path) {
        auto tree = readImpl(text, path);
        if (m_warningsOut)
            m_warningsOut->insert(m_warningsOut->end(), m_warnings.begin(), m_warnings.end());
        return tree;
    }

private:
    using Status = Result<bool>;

    Result<HierarchyTree> readImpl(const std::string& text, const std::string& path) {
        using R = Result<HierarchyTree>;
        const std::string file = absolute(path);
        auto deck = SpiceLexer::expand(text, file, {m_options.tolerateMissingModels});
        if (!deck)
            return R::failure(deck.error());
        m_cards = std::move(deck->cards);
        m_warnings.insert(m_warnings.end(), deck->warnings.begin(), deck->warnings.end());
        if (auto built = buildDefinitions(); !built)
            return R::failure(built.error());

        Scope top;
        top.definition = m_definitions.front().get();
        top.cref = "top";
        m_stack.push_back(top.definition);
        if (auto done = elaborate(top); !done)
            return R::failure(done.error());

        HierarchyTree tree;
        for (auto& node : m_staged) {
            // ngspice makes no node for a net that no device touches, so it has no vector.
            if (node.kind == NodeKind::Net && !node.vector.empty() &&
                !m_touched.count(node.vector)) {
                node.vector.clear();
                node.streamedByDefault = false;
                node.detail +=
                    node.detail.empty() ? "no device connected" : " (no device connected)";
            }
            if (auto added = tree.add(std::move(node)); !added)
                return R::failure(added.error());
        }
        return tree;
    }

    static std::string absolute(const std::string& path) {
        std::error_code error;
        const auto full = fs::absolute(fs::path(path), error);
        return error ? path : full.lexically_normal().string();
    }

    static Model parseModel(const Card& card) {
        // ".model nch nmos (level=54 ...)": parentheses are optional decoration.
        std::string text;
        for (size_t i = 1; i < card.tokens.size(); ++i)
            text += " " + card.tokens[i];
        std::replace(text.begin(), text.end(), '(', ' ');
        std::replace(text.begin(), text.end(), ')', ' ');
        const auto tokens = SpiceLexer::words(text);
        Model model;
        if (tokens.size() > 1)
            model.type = text::lower(tokens[1]);
        for (size_t i = 2; i < tokens.size(); ++i) {
            const std::string t = text::lower(tokens[i]);
            const auto eq = t.find('=');
            if (eq == std::string::npos)
                continue;
            std::string value = SpiceLexer::unquoted(t.substr(eq + 1));
            if (!value.empty() && value.front() == '{' && value.back() == '}')
                value = value.substr(1, value.size() - 2);
            if (t.compare(0, eq, "level") == 0) {
                // Model levels are small integers; anything else (1e10 would overflow an
                // int) is no level the table knows.
                const auto level = isNumber(value) ? spice_number::parse(value) : std::nullopt;
                model.level =
                    level && *level >= 0 && *level <= 1000 ? static_cast<int>(*level) : -1;
            } else if (t.compare(0, eq, "version") == 0) {
                model.version = value;
            }
        }
        return model;
    }

    // Names become crefs, HDF5 link names and tree.json strings, all UTF-8: a name with
    // other bytes (a Latin-1 netlist's µ, a corrupt file) would turn into U+FFFD there, and
    // two such names into one.
    static std::string notUtf8(const Card& card) {
        for (const auto& token : card.tokens)
            if (!text::isUtf8(token))
                return where(card.at) + ": \"" + text::escaped(token) +
                       "\" is not UTF-8 text (names must be; save the netlist as UTF-8)";
        return {};
    }

    Status buildDefinitions() {
        m_definitions.push_back(std::make_unique<Definition>());
        Definition* current = m_definitions.front().get();
        for (const Card& card : m_cards) {
            const std::string head = card.head();
            if (head == ".subckt" || (!head.empty() && head[0] != '.'))
                if (auto problem = notUtf8(card); !problem.empty())
                    return Status::failure(problem);
            if (head == ".subckt") {
                if (card.tokens.size() < 2)
                    return Status::failure(where(card.at) + ": .subckt without a name");
                auto definition = std::make_unique<Definition>();
                definition->name = text::lower(card.tokens[1]);
                definition->at = card.at;
                definition->parent = current;
                for (size_t i = 2; i < card.tokens.size(); ++i) {
                    const std::string t = text::lower(card.tokens[i]);
                    if (t == "params:" || t.find('=') != std::string::npos)
                        break;
                    definition->ports.push_back(t);
                }
                if (auto it = current->subckts.find(definition->name); it != current->subckts.end())
                    m_warnings.push_back(where(card.at) + ": subckt \"" + definition->name +
                                         "\" redefined (first at " + where(it->second->at) +
                                         "); the later definition is used");
                current->subckts[definition->name] = definition.get();
                current = definition.get();
                m_definitions.push_back(std::move(definition));
            } else if (head == ".ends") {
                if (!current->parent)
                    return Status::failure(where(card.at) + ": .ends without .subckt");
                current = const_cast<Definition*>(current->parent);
            } else if (head == ".model") {
                if (card.tokens.size() >= 3)
                    current->models[text::lower(card.tokens[1])] = parseModel(card);
            } else if (head == ".global") {
                for (size_t i = 1; i < card.tokens.size(); ++i)
                    m_globals.insert(text::lower(card.tokens[i]));
            } else if (!head.empty() && head[0] != '.') {
                current->body.push_back(&card);
            }
        }
        if (current->parent)
            return Status::failure(where(current->at) + ": .subckt " + current->name +
                                   " has no .ends");
        return true;
    }

    static const Definition* findSubckt(const Definition* scope, const std::string& name) {
        for (const Definition* d = scope; d; d = d->parent)
            if (auto it = d->subckts.find(name); it != d->subckts.end())
                return it->second;
        return nullptr;
    }

    // Exact name, or a binned model set ("nch.0", "nch.1", ...) that ngspice picks from.
    static const Model* findModel(const Definition* scope, const std::string& name) {
        for (const Definition* d = scope; d; d = d->parent) {
            if (auto it = d->models.find(name); it != d->models.end())
                return &it->second;
            auto it = d->models.lower_bound(name + ".");
            if (it != d->models.end() && text::startsWith(it->first, name + "."))
                return &it->second;
        }
        return nullptr;
    }

    // Positional words of an element line: up to the first `name=value`.
    static std::vector<std::string> positional(const std::vector<std::string>& lowered) {
        std::vector<std::string> words;
        for (size_t i = 1; i < lowered.size(); ++i) {
            if (lowered[i].find('=') != std::string::npos || lowered[i] == "params:")
                break;
            words.push_back(lowered[i]);
        }
        return words;
    }

    // Semiconductor devices have a variable number of nodes before the model name (a BJT's
    // substrate node, SOI body nodes, VDMOS thermal nodes); ngspice decides by looking the
    // word up as a model. Without the model, the last plausible word in range is taken.
    static size_t modelIndex(const std::vector<std::string>& words, const Definition* scope,
                             size_t minNodes, size_t maxNodes, size_t usualNodes) {
        const size_t last = std::min(maxNodes, words.size() - 1);
        for (size_t k = minNodes; k <= last; ++k)
            if (findModel(scope, words[k]))
                return k;
        for (size_t k = last + 1; k-- > minNodes;)
            if (!isNumber(words[k]) && words[k] != "off" && words[k] != "on")
                return k;
        return std::min(usualNodes, words.size() - 1);
    }

    Result<Element> parseElement(const Card& card, const Definition* scope) const {
        using R = Result<Element>;
        std::vector<std::string> t;
        for (const auto& token : card.tokens)
            t.push_back(text::lower(token));
        Element e;
        e.card = &card;
        e.name = t[0];
        e.letter = e.name[0];
        const auto words = positional(t);
        auto need = [&](size_t count, const char* what) -> std::string {
            if (words.size() >= count)
                return {};
            return where(card.at) + ": " + e.name + " needs " + what;
        };
        auto rest = [&](size_t from) { return shortened(text::join(card.tokens, " ", from)); };

        switch (e.letter) {
        case 'x': {
            if (words.empty())
                return R::failure(where(card.at) + ": " + e.name + " names no subckt");
            e.subckt = words.back();
            e.nodes.assign(words.begin(), words.end() - 1);
            e.detail = "subckt " + e.subckt;
            return e;
        }
        case 'r':
        case 'c':
        case 'l': {
            if (auto problem = need(2, "two nodes"); !problem.empty())
                return R::failure(problem);
            e.nodes = {words[0], words[1]};
            const char* kind = e.letter == 'r'   ? "resistor"
                               : e.letter == 'c' ? "capacitor"
                                                 : "inductor";
            e.detail = shortened(std::string(kind) + (t.size() > 3 ? " " + rest(3) : ""));
            e.deviceModel = DeviceParameters::deviceModel(e.letter);
            e.branch = e.letter == 'l';
            return e;
        }
        case 'v':
        case 'i': {
            if (auto problem = need(2, "two nodes"); !problem.empty())
                return R::failure(problem);
            e.nodes = {words[0], words[1]};
            e.detail = shortened(std::string(e.letter == 'v' ? "vsource" : "isource") +
                                 (t.size() > 3 ? " " + rest(3) : ""));
            e.deviceModel = DeviceParameters::deviceModel(e.letter);
            e.branch = e.letter == 'v';
            return e;
        }
        case 'e':
        case 'g':
        case 'f':
        case 'h': {
            if (auto problem = need(2, "two nodes"); !problem.empty())
                return R::failure(problem);
            e.nodes = {words[0], words[1]};
            const bool voltageControlled = e.letter == 'e' || e.letter == 'g';
            const std::string third = t.size() > 3 ? t[3] : "";
            const char* kind = e.letter == 'e'   ? "vcvs"
                               : e.letter == 'g' ? "vccs"
                               : e.letter == 'f' ? "cccs"
                                                 : "ccvs";
            e.detail = shortened(std::string(kind) + (t.size() > 3 ? " " + rest(3) : ""));
            if (text::startsWith(third, "poly")) {
                // ngspice turns a POLY source into an XSPICE code model (`a$poly$e1`): no
                // device of this name, no branch.
                if (voltageControlled) {
                    std::string count =
                        third.size() > 4 ? third.substr(4) : (t.size() > 4 ? t[4] : "");
                    const size_t first = third.size() > 4 ? 4 : 5;
                    count.erase(std::remove_if(count.begin(), count.end(),
                                               [](char c) { return c == '(' || c == ')'; }),
                                count.end());
                    // A count like ".5" or 10^20 made std::stoul throw; no real POLY has
                    // more than a few dimensions, and the nodes read stop at the line's end.
                    const bool digits =
                        !count.empty() && count.size() <= 6 &&
                        std::all_of(count.begin(), count.end(),
                                    [](unsigned char c) { return std::isdigit(c) != 0; });
                    const size_t dimensions = digits ? std::stoul(count) : 0;
                    for (size_t k = 0; k < 2 * dimensions && first + k < t.size(); ++k)
                        e.nodes.push_back(t[first + k]);
                }
                return e;
            }
            e.deviceModel = DeviceParameters::deviceModel(e.letter);
            e.branch = e.letter == 'e' || e.letter == 'h';
            const bool expression =
                third.empty() || third.find('=') != std::string::npos || third[0] == '{' ||
                third[0] == '\'' || text::startsWith(third, "value") ||
                text::startsWith(third, "vol") || text::startsWith(third, "cur") ||
                text::startsWith(third, "table") || text::startsWith(third, "laplace") ||
                text::startsWith(third, "freq");
            if (voltageControlled && !expression && t.size() >= 5)
                e.nodes.insert(e.nodes.end(), {t[3], t[4]});
            return e;
        }
        case 'b': {
            if (auto problem = need(2, "two nodes"); !problem.empty())
                return R::failure(problem);
            e.nodes = {words[0], words[1]};
            e.detail = shortened("bsource " + rest(3));
            e.deviceModel = DeviceParameters::deviceModel('b');
            for (size_t i = 3; i < t.size(); ++i)
                if (text::startsWith(t[i], "v="))
                    e.branch = true; // a behavioural voltage source has a branch
            return e;
        }
        case 'k':
            e.detail = shortened("coupling " + rest(1));
            return e;
        case 'd':
        case 'q':
        case 'm':
        case 'j':
        case 'z':
        case 'n': {
            size_t minNodes = 2, maxNodes = 3, usual = 2;
            if (e.letter == 'q')
                minNodes = 3, maxNodes = 5, usual = 3;
            else if (e.letter == 'm')
                minNodes = 3, maxNodes = 7, usual = 4;
            else if (e.letter == 'j' || e.letter == 'z')
                minNodes = 3, maxNodes = 3, usual = 3;
            else if (e.letter == 'n')
                minNodes = 1, maxNodes = words.size(), usual = words.size();
            if (words.size() <= minNodes)
                return R::failure(where(card.at) + ": " + e.name + " needs at least " +
                                  std::to_string(minNodes) + " nodes and a model");
            const size_t k = modelIndex(words, scope, minNodes, maxNodes, usual);
            e.nodes.assign(words.begin(), words.begin() + static_cast<long>(k));
            const std::string& modelName = words[k];
            const Model* model = findModel(scope, modelName);
            if (e.letter != 'n' && model)
                e.deviceModel = DeviceParameters::deviceModel(e.letter, model->type, model->level,
                                                              model->version);
            static const std::map<char, const char*> kinds = {
                {'d', "diode"}, {'q', "bjt"},    {'m', "mosfet"},
                {'j', "jfet"},  {'z', "mesfet"}, {'n', "osdi device"}};
            if (model && e.letter != 'd' && e.letter != 'n')
                e.detail = model->type + " " + modelName;
            else
                e.detail = std::string(kinds.at(e.letter)) + " " + modelName;
            if (!model && e.letter != 'n')
                e.detail += " (model not found)";
            return e;
        }
        case 's':
        case 'w': {
            // S: n+ n- nc+ nc- model; W: n+ n- vcontrol model.
            const size_t nodes = e.letter == 's' ? 4 : 2;
            const size_t modelAt = e.letter == 's' ? 4 : 3;
            if (auto problem = need(
                    modelAt + 1, e.letter == 's' ? "its nodes and a model"
                                                 : "its nodes, a controlling source and a model");
                !problem.empty())
                return R::failure(problem);
            e.nodes.assign(words.begin(), words.begin() + static_cast<long>(nodes));
            const std::string& modelName = words[modelAt];
            const Model* model = findModel(scope, modelName);
            e.deviceModel =
                model ? DeviceParameters::deviceModel(e.letter, model->type, model->level) : "";
            e.detail = std::string(e.letter == 's' ? "switch " : "current switch ") + modelName;
            return e;
        }
        case 't':
        case 'o':
        case 'y':
        case 'u': {
            const size_t nodes = e.letter == 'u' ? 3 : 4;
            if (auto problem = need(nodes, "its nodes"); !problem.empty())
                return R::failure(problem);
            e.nodes.assign(words.begin(), words.begin() + static_cast<long>(nodes));
            e.detail = "transmission line";
            return e;
        }
        case 'a':
            // XSPICE ports may be digital or vectors (`[a b]`); digital nets have no voltage
            // vector, so the nets are left to the analog devices that share them.
            e.detail = shortened("code model " + (words.empty() ? "" : words.back()));
            return e;
        default:
            e.detail = shortened("element " + rest(1));
            return e;
        }
    }

    NetRef resolveNet(const Scope& scope, const std::string& net) const {
        if (net == "0" || net == "gnd")
            return {"", "ground"};
        if (auto it = scope.ports.find(net); it != scope.ports.end())
            return {it->second, it->second.empty() ? "port (ground)" : "port"};
        if (m_globals.count(net))
            return {net, "global"};
        if (scope.xpath.empty())
            return {net, ""};
        return {text::join(scope.xpath, ".") + "." + net, ""};
    }

    // Crefs come from ProbeResolver::defaultCref, so the tree and the streamed data meet by
    // construction.
    static std::string instanceCref(const std::vector<std::string>& xpath) {
        if (xpath.empty())
            return "top";
        const std::string cref = ProbeResolver::defaultCref(text::join(xpath, ".") + ".n");
        return cref.substr(0, cref.size() - std::string(".nodes.n.v").size());
    }

    static std::string netCref(const std::vector<std::string>& xpath, const std::string& net) {
        return ProbeResolver::defaultCref(xpath.empty() ? net : text::join(xpath, ".") + "." + net);
    }

    static std::string lastSegment(const std::string& cref) {
        return cref.substr(cref.rfind('.') + 1);
    }

    void stage(HierarchyNode node) { m_staged.push_back(std::move(node)); }

    void touch(const Scope& scope, const std::vector<std::string>& nodes) {
        for (const auto& net : nodes)
            if (auto ref = resolveNet(scope, net); !ref.vector.empty())
                m_touched.insert(ref.vector);
    }

    Status elaborate(const Scope& scope) {
        const Definition* definition = scope.definition;
        std::vector<Element> elements;
        for (const Card* card : definition->body) {
            auto element = parseElement(*card, definition);
            if (!element)
                return Status::failure(element.error());
            elements.push_back(std::move(element.value()));
        }

        // Nets first: ports in .subckt order, then the others in order of first use.
        // (A set of the ports, not a search of `nets`: that was quadratic in the nets of a
        // flat netlist, found by fuzzing: 40,000 nets took 2.8 s.)
        std::vector<std::string> nets = definition->ports;
        const std::set<std::string> ports(nets.begin(), nets.end());
        std::map<std::string, SourceLocation> firstUse;
        for (const auto& element : elements)
            for (const auto& net : element.nodes)
                if (firstUse.emplace(net, element.card->at).second && !ports.count(net))
                    nets.push_back(net);
        for (const auto& net : nets) {
            const auto ref = resolveNet(scope, net);
            HierarchyNode node;
            node.cref = netCref(scope.xpath, net);
            node.name = net;
            node.kind = NodeKind::Net;
            node.vector = ref.vector;
            node.unit = "V";
            node.streamedByDefault = !ref.vector.empty();
            node.source = definition->parent ? definition->at : firstUse[net];
            node.detail = ref.role;
            node.parent = scope.cref;
            stage(std::move(node));
        }

        for (const auto& element : elements) {
            auto done =
                element.letter == 'x' ? instantiate(scope, element) : addDevice(scope, element);
            if (!done)
                return done;
        }
        return true;
    }

    Status instantiate(const Scope& scope, const Element& element) {
        const SourceLocation& at = element.card->at;
        std::vector<std::string> xpath = scope.xpath;
        xpath.push_back(element.name);
        HierarchyNode node;
        node.cref = instanceCref(xpath);
        node.name = lastSegment(node.cref);
        node.kind = NodeKind::Instance;
        node.source = at;
        node.parent = scope.cref;
        node.detail = element.detail;

        const Definition* definition = findSubckt(scope.definition, element.subckt);
        if (!definition) {
            const std::string message = where(at) + ": unknown subckt \"" + element.subckt +
                                        "\" (instance " + element.name + ")";
            if (!m_options.tolerateMissingModels)
                return Status::failure(message);
            m_warnings.push_back(message + "; kept as a leaf instance");
            node.detail += " (not defined)";
            stage(std::move(node));
            // The missing definition (a PDK device wrapper) is assumed to use its ports.
            touch(scope, element.nodes);
            return true;
        }
        if (definition->ports.size() != element.nodes.size())
            return Status::failure(where(at) + ": " + element.name + " connects " +
                                   std::to_string(element.nodes.size()) + " nodes, but subckt \"" +
                                   definition->name + "\" (" + where(definition->at) + ") has " +
                                   std::to_string(definition->ports.size()) + " ports");
        if (auto it = std::find(m_stack.begin(), m_stack.end(), definition); it != m_stack.end()) {
            std::string chain;
            for (; it != m_stack.end(); ++it)
                chain += (*it)->name + " -> ";
            return Status::failure(where(at) + ": subckt \"" + definition->name +
                                   "\" instantiates itself (" + chain + definition->name + ")");
        }

        // Elaboration recurses once per level: a chain thousands deep (a fuzzed or generated
        // netlist) would overflow the stack. Real hierarchies are a few dozen levels deep.
        if (m_stack.size() > kMaxNesting) // the stack holds the top level too
            return Status::failure(where(at) + ": " + element.name + " (subckt \"" +
                                   definition->name + "\") nests subckt instances more than " +
                                   std::to_string(kMaxNesting) + " levels deep");

        Scope child;
        child.definition = definition;
        child.xpath = xpath;
        child.definitions = scope.definitions;
        child.definitions.push_back(definition);
        child.cref = node.cref;
        for (size_t i = 0; i < definition->ports.size(); ++i)
            child.ports[definition->ports[i]] = resolveNet(scope, element.nodes[i]).vector;
        stage(std::move(node));
        m_stack.push_back(definition);
        auto done = elaborate(child);
        m_stack.pop_back();
        return done;
    }

    Status addDevice(const Scope& scope, const Element& element) {
        // The cref follows the instance path; the vector is ngspice's name, which differs
        // from `<letter>.<x path>.<name>` below subckts defined inside subckts.
        const std::string flat = scope.xpath.empty()
                                     ? element.name
                                     : std::string(1, element.letter) + "." +
                                           text::join(scope.xpath, ".") + "." + element.name;
        const std::string device =
            NgspiceNames(scope.xpath, scope.definitions).device(element.letter, element.name);
        const std::string probe = ProbeResolver::defaultCref("@" + flat + "[p]");
        HierarchyNode node;
        node.cref = probe.substr(0, probe.size() - std::string(".op.p").size());
        node.name = lastSegment(node.cref);
        node.kind = NodeKind::Device;
        node.source = element.card->at;
        node.parent = scope.cref;
        node.detail = element.detail;
        const std::string deviceCref = node.cref;
        stage(std::move(node));

        if (element.branch) {
            HierarchyNode branch;
            branch.vector = device + "#branch";
            branch.cref = ProbeResolver::defaultCref(flat + "#branch");
            branch.name = lastSegment(branch.cref);
            branch.kind = NodeKind::BranchCurrent;
            branch.unit = "A";
            branch.streamedByDefault = true;
            branch.source = element.card->at;
            branch.detail = "branch current";
            branch.parent = deviceCref;
            stage(std::move(branch));
        }
        for (const auto& parameter : DeviceParameters::parameters(element.deviceModel)) {
            HierarchyNode op;
            op.vector = "@" + device + "[" + parameter.name + "]";
            op.cref = deviceCref + ".op." + parameter.name;
            op.name = parameter.name;
            op.kind = NodeKind::DeviceParameter;
            op.unit = parameter.unit;
            op.streamedByDefault = false;
            op.source = element.card->at;
            op.detail = parameter.description;
            op.parent = deviceCref;
            stage(std::move(op));
        }
        touch(scope, element.nodes);
        return true;
    }

    const SpiceReader::Options m_options;
    std::vector<std::string>* m_warningsOut;
    std::vector<std::string> m_warnings;
    std::vector<Card> m_cards; // the whole netlist, includes spliced in
    std::vector<std::unique_ptr<Definition>> m_definitions; // [0] is the top level
    std::set<std::string> m_globals;
    std::vector<const Definition*> m_stack; // definitions being elaborated
    std::vector<HierarchyNode> m_staged;    // pre-order, parents first
    std::set<std::string> m_touched;        // vectors of nets some device terminal uses
};

} // namespace

Result<HierarchyTree> SpiceReader::readFile(const std::string& path) {
    return readFile(path, Options{}, nullptr);
}

Result<HierarchyTree> SpiceReader::readText(const std::string& text, const std::string& path) {
    return readText(text, path, Options{}, nullptr);
}

Result<HierarchyTree> SpiceReader::readFile(const std::string& path, const Options& options,
                                            std::vector<std::string>* warnings) {
    std::ifstream in(path, std::ios::binary);
    std::error_code error;
    if (!in || !fs::is_regular_file(path, error))
        return Result<HierarchyTree>::failure(path + ": cannot open the netlist");
    std::ostringstream text;
    text << in.rdbuf();
    return readText(text.str(), path, options, warnings);
}

Result<HierarchyTree> SpiceReader::readText(const std::string& text, const std::string& path,
                                            const Options& options,
                                            std::vector<std::string>* warnings) {
    if (auto problem = SpiceLexer::binaryProblem(text, path); !problem.empty())
        return Result<HierarchyTree>::failure(problem);
    try {
        return Reading(options, warnings).read(text, path);
    } catch (const std::exception& e) {
        // Nothing here should throw; a filesystem or allocation failure must not escape.
        return Result<HierarchyTree>::failure(path + ": " + e.what());
    }
}
