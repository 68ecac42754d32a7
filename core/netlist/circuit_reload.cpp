#include "core/netlist/circuit_reload.h"

#include "core/base/spice_number.h"
#include "core/base/text.h"
#include "core/design/spice_lexer.h"

#include <QDateTime>
#include <QFileInfo>
#include <cctype>
#include <regex>

namespace {

using text::lower;

// JobNetlist's seed line, exactly as it writes it.
const std::regex kSeedLine(R"(\.options seed=(\d{1,18}))");
// A `.param` line JobNetlist writes: one assignment of a plain value.
const std::regex kParamLine(R"(\.param ([A-Za-z_][A-Za-z0-9_]*)=(\S+))");

bool isNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// `word` in `lowered` as a whole name, followed by "(" (blanks between) when `call`. Plain
// searches: the PDK's cards are 1.3 MB, where std::regex cost 250 M instructions.
bool mentions(const std::string& lowered, const std::string& word, bool call) {
    for (auto at = lowered.find(word); at != std::string::npos; at = lowered.find(word, at + 1)) {
        if (at > 0 && isNameChar(lowered[at - 1]))
            continue;
        size_t end = at + word.size();
        if (!call) {
            if (end == lowered.size() || !isNameChar(lowered[end]))
                return true;
            continue;
        }
        while (end < lowered.size() && (lowered[end] == ' ' || lowered[end] == '\t'))
            ++end;
        if (end < lowered.size() && lowered[end] == '(')
            return true;
    }
    return false;
}

bool isComment(const std::string& line) {
    const auto first = line.find_first_not_of(" \t");
    return first == std::string::npos || line[first] == '*';
}

// Another card that sets a seed (".option seed=5", ".options SEED = 3"): which one ngspice
// takes is not ours to guess.
bool setsSeed(const std::string& line) {
    const std::string lowered = lower(text::trim(line));
    return text::startsWith(lowered, ".opt") && lowered.find("seed") != std::string::npos;
}

struct Param {
    std::string name; // lower case, as ngspice's deck has it
    std::string value;
};

CircuitReload::Facts::Stamp stampOf(const std::string& path) {
    const QFileInfo info(QString::fromStdString(path));
    CircuitReload::Facts::Stamp stamp;
    stamp.path = path;
    if (info.exists()) {
        stamp.size = info.size();
        stamp.modifiedMs = info.lastModified().toMSecsSinceEpoch();
    }
    return stamp;
}

std::optional<Param> paramOf(const std::string& line) {
    std::smatch match;
    if (!std::regex_match(line, match, kParamLine))
        return std::nullopt;
    const std::string value = match[2];
    if (!spice_number::parse(value))
        return std::nullopt; // an expression: alterparam takes one token, numparam more
    return Param{lower(match[1].str()), lower(value)};
}

} // namespace

CircuitReload::Deck CircuitReload::deckFor(const std::vector<std::string>& lines) {
    Deck deck;
    int seedLine = -1;
    int seedCards = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (!setsSeed(lines[i]))
            continue;
        ++seedCards;
        if (std::regex_match(lines[i], kSeedLine))
            seedLine = static_cast<int>(i);
    }
    if (seedCards != 1 || seedLine < 0) {
        deck.lines = lines;
        return deck;
    }
    std::smatch match;
    std::regex_match(lines[static_cast<size_t>(seedLine)], match, kSeedLine);
    deck.seed = std::stoll(match[1]);
    if (deck.seed <= 0 || deck.seed > 2147483647) { // setseed takes a positive int
        deck.seed = -1;
        deck.lines = lines;
        return deck;
    }
    deck.lines = lines;
    deck.lines.erase(deck.lines.begin() + seedLine);
    return deck;
}

CircuitReload::Facts CircuitReload::factsOf(const std::string& netlistText,
                                            const std::string& file) {
    Facts facts;
    auto expanded = SpiceLexer::expand(netlistText, file, {});
    if (!expanded) {
        facts.unsafe = true;
        return facts;
    }
    std::set<std::string> files;
    int depth = 0;
    for (const auto& card : expanded->cards) {
        if (!card.at.file.empty() && card.at.file != file && files.insert(card.at.file).second)
            facts.files.push_back(stampOf(card.at.file));
        const std::string head = card.head();
        if (head == ".subckt")
            ++depth;
        else if (head == ".ends" && depth > 0)
            --depth;
        else if (head == ".if" || head == ".elseif")
            facts.unsafe = true;
        else if (depth > 0 && (head == ".param" || head == ".para" || head == ".params"))
            for (size_t i = 1; i < card.tokens.size(); ++i) {
                // "name=value"; words of an expression with blanks come without one.
                const auto equals = card.tokens[i].find('=');
                const std::string name = text::trim(card.tokens[i].substr(0, equals));
                if (equals != std::string::npos && text::isIdentifier(name))
                    facts.subcircuitParameters.insert(lower(name));
            }
        const std::string lowered = lower(card.text);
        for (const char* draw : {"agauss", "gauss", "aunif", "unif", "limit"})
            facts.draws = facts.draws || mentions(lowered, draw, true);
        for (const char* source : {"trnoise", "trrandom"})
            facts.unsafe = facts.unsafe || mentions(lowered, source, false);
    }
    return facts;
}

bool CircuitReload::filesUnchanged(const Facts& facts, long long loadedAtMs) {
    constexpr long long kFileTimeSlackMs = 1000;
    for (const auto& stamp : facts.files)
        if (stamp.modifiedMs < 0 || stamp.modifiedMs + kFileTimeSlackMs > loadedAtMs ||
            !(stampOf(stamp.path) == stamp))
            return false;
    return true;
}

bool CircuitReload::mayReload(const Deck& loaded, const Deck& next) {
    if (loaded.lines.size() != next.lines.size() || (loaded.seed < 0) != (next.seed < 0))
        return false;
    for (size_t i = 0; i < next.lines.size(); ++i) {
        const std::string& was = loaded.lines[i];
        const std::string& is = next.lines[i];
        if (was == is || (isComment(was) && isComment(is)))
            continue;
        const auto before = paramOf(was), after = paramOf(is);
        if (!before || !after || before->name != after->name)
            return false;
    }
    return true;
}

std::optional<std::vector<std::string>>
CircuitReload::reload(const Deck& loaded, const Facts& facts, const Deck& next) {
    if (facts.unsafe || !mayReload(loaded, next))
        return std::nullopt;
    // Without a seed, a fresh library's first draws are not the continued sequence.
    if (next.seed < 0 && facts.draws)
        return std::nullopt;
    std::vector<std::string> commands;
    if (next.seed >= 0)
        commands.push_back("setseed " + std::to_string(next.seed));
    for (size_t i = 0; i < next.lines.size(); ++i) {
        if (loaded.lines[i] == next.lines[i])
            continue;
        const auto param = paramOf(next.lines[i]);
        if (!param)
            continue; // a comment
        if (facts.subcircuitParameters.count(param->name))
            return std::nullopt;
        commands.push_back("alterparam " + param->name + "=" + param->value);
    }
    commands.push_back("reset");
    return commands;
}
