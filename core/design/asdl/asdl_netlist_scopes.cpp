#include "core/design/asdl/asdl_netlist_scopes.h"

#include "core/base/text.h"
#include "core/design/asdl/asdl_names.h"

#include <cctype>
#include <cstdlib>

namespace {

using Scope = AsdlNetlistScopes::Scope;

std::string where(const SourceLocation& at) {
    return asdl_names::where(at.file, at.line);
}

// "level" in ".model n nmos (level = 14 version=4.5)" -> "14".
std::string cardValue(const std::string& text, const std::string& key) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
        if (at > 0 &&
            (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_'))
            continue;
        size_t k = at + key.size();
        while (k < text.size() && text[k] == ' ')
            ++k;
        if (k >= text.size() || text[k] != '=')
            continue;
        ++k;
        while (k < text.size() && text[k] == ' ')
            ++k;
        const auto end = text.find_first_of(" )", k);
        return text.substr(k, end == std::string::npos ? std::string::npos : end - k);
    }
    return {};
}

} // namespace

const AsdlNetlistScopes::Element* AsdlNetlistScopes::Scope::find(const std::string& element) const {
    auto it = m_byName.find(element);
    return it == m_byName.end() ? nullptr : &elements[it->second];
}

std::string AsdlNetlistScopes::Scope::describe() const {
    return name.empty() ? "the top level" : ".subckt " + name + " (" + where(at) + ")";
}

Result<AsdlNetlistScopes> AsdlNetlistScopes::read(const std::string& path) {
    auto deck = SpiceLexer::expandFile(path, {/*tolerateMissing=*/true});
    if (!deck)
        return Result<AsdlNetlistScopes>::failure(deck.error());
    AsdlNetlistScopes scopes = fromCards(deck->cards);
    scopes.warnings.insert(scopes.warnings.begin(), deck->warnings.begin(), deck->warnings.end());
    return scopes;
}

AsdlNetlistScopes AsdlNetlistScopes::fromCards(const std::vector<SpiceLexer::Card>& cards) {
    AsdlNetlistScopes out;
    // A subckt defined again: ngspice warns and ignores the whole definition.
    Scope ignored;
    std::vector<Scope*> stack{&out.top};
    for (const auto& card : cards) {
        std::vector<std::string> tokens;
        for (const auto& token : card.tokens)
            tokens.push_back(text::lower(token));
        if (tokens.empty())
            continue;
        const std::string head = tokens[0];
        if (head == ".subckt" && tokens.size() >= 2) {
            Scope scope;
            scope.name = tokens[1];
            scope.at = card.at;
            for (size_t k = 2; k < tokens.size(); ++k) {
                if (tokens[k].find('=') != std::string::npos || tokens[k] == "params:")
                    break;
                scope.ports.push_back(tokens[k]);
            }
            if (stack.back() == &ignored) {
                stack.push_back(&ignored);
                continue;
            }
            auto [stored, added] = out.subckts.emplace(scope.name, std::move(scope));
            if (!added) {
                out.warnings.push_back(where(card.at) + ": .subckt " + stored->first +
                                       " is defined again (first at " + where(stored->second.at) +
                                       "); ngspice ignores the redefinition");
                ignored = Scope{};
                stack.push_back(&ignored);
                continue;
            }
            stack.push_back(&stored->second); // map nodes stay put on insertion
            continue;
        }
        if (head == ".ends") {
            if (stack.size() > 1)
                stack.pop_back();
            continue;
        }
        if (head == ".model" && tokens.size() >= 3) {
            const std::string text = text::lower(card.text);
            Model model;
            model.type = tokens[2].substr(0, tokens[2].find('('));
            model.level = std::atoi(cardValue(text, "level").c_str());
            model.version = cardValue(text, "version");
            out.models.emplace(tokens[1], model);
            continue;
        }
        if (head == ".global") {
            out.globals.insert(tokens.begin() + 1, tokens.end());
            continue;
        }
        if (head[0] == '.')
            continue;
        Scope& scope = *stack.back();
        if (const Element* first = scope.find(head)) {
            // ngspice: "device already exists, existing one being used", and the circuit
            // is not parsed.
            scope.repeated.push_back(where(card.at) + ": " + head + " is defined again (first at " +
                                     where(first->at) + "); ngspice refuses a circuit whose " +
                                     scope.describe() + " repeats an element");
            continue;
        }
        for (size_t k = 1; k < tokens.size(); ++k) {
            if (tokens[k].find_first_of("=('{") != std::string::npos)
                break;
            scope.nodes.insert(tokens[k]);
        }
        scope.m_byName[head] = scope.elements.size();
        scope.elements.push_back({head, std::move(tokens), card.at});
    }
    return out;
}
