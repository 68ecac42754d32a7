#include "core/netlist/measure_results.h"

#include "core/base/text.h"
#include "core/design/spice_lexer.h"
#include "core/netlist/ngspice_output.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <sstream>

namespace {

bool isMeasureKeyword(const std::string& word) {
    const auto w = text::lower(word);
    return w == ".meas" || w == ".measure";
}

// "9.998765e-01" -> value; false when the text is not a whole number.
bool readNumber(const std::string& text, double& value) {
    if (text.empty())
        return false;
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return end && *end == '\0';
}

// "tdelay = 6.9e-07 targ= 6.9e-07 trig= 5e-10" -> name, value and the extra pairs.
bool readResultLine(const std::string& text, std::string& name, double& value,
                    std::vector<std::pair<std::string, double>>& extras) {
    const auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0)
        return false;
    name = text::trim(text.substr(0, equals));
    if (name.empty() || name.find_first_of(" \t") != std::string::npos)
        return false;
    // Split "a= 1 b= 2" into tokens with the '=' separated out.
    std::string rest;
    for (char c : text.substr(equals + 1))
        rest += c == '=' ? std::string(" = ") : std::string(1, c);
    const auto tokens = text::words(rest);
    if (tokens.empty() || !readNumber(tokens[0], value))
        return false;
    extras.clear();
    for (size_t i = 1; i + 2 < tokens.size(); i += 3) {
        double extra = 0;
        if (tokens[i + 1] != "=" || !readNumber(tokens[i + 2], extra))
            break;
        extras.emplace_back(text::lower(tokens[i]), extra);
    }
    name = text::lower(name);
    return true;
}

} // namespace

std::vector<MeasureResults::Declared> MeasureResults::declared(const std::string& netlistText) {
    std::vector<Declared> result;
    for (const auto& card : SpiceLexer::lex(netlistText, "").cards) {
        const auto& tokens = card.tokens;
        if (!isMeasureKeyword(card.head()) || tokens.size() < 3)
            continue;
        Declared measure{text::lower(tokens[2]), text::lower(tokens[1])};
        const bool known = std::any_of(result.begin(), result.end(),
                                       [&](const Declared& d) { return d.name == measure.name; });
        if (!known)
            result.push_back(std::move(measure));
    }
    return result;
}

std::vector<MeasureResults::Measurement>
MeasureResults::parse(const std::string& log, const std::vector<Declared>& declared,
                      const std::string& analysis) {
    std::vector<Measurement> result;
    for (const auto& d : declared)
        if (analysis.empty() || d.analysis == analysis)
            result.push_back({d.name, d.analysis, std::nan(""), {}, {}});
    if (result.empty())
        return result;
    std::vector<bool> found(result.size(), false);
    auto slotOf = [&](const std::string& name) -> int {
        for (size_t i = 0; i < result.size(); ++i)
            if (result[i].name == name && !found[i])
                return static_cast<int>(i);
        return -1;
    };

    // ngspice prints a failed measure's reason on the lines just before "... failed!".
    std::deque<std::string> reasons;
    std::istringstream stream(log);
    std::string line;
    while (std::getline(stream, line)) {
        const bool isError = line.rfind("stderr", 0) == 0;
        const std::string text = text::trim(NgspiceOutput::text(line));
        if (text.empty())
            continue;
        const auto tokens = text::words(text);
        if (isMeasureKeyword(tokens[0]) && tokens.size() >= 3 && text.size() >= 7 &&
            text.compare(text.size() - 7, 7, "failed!") == 0) {
            const int slot = slotOf(text::lower(tokens[2]));
            if (slot >= 0) {
                std::string why;
                for (const auto& reason : reasons)
                    why += (why.empty() ? "" : "; ") + reason;
                auto& m = result[static_cast<size_t>(slot)];
                m.message = (why.empty() ? std::string("failed") : why) + ": " +
                            text.substr(0, text.size() - 8);
                found[static_cast<size_t>(slot)] = true;
            }
            reasons.clear();
            continue;
        }
        std::string name;
        double value = 0;
        std::vector<std::pair<std::string, double>> extras;
        if (readResultLine(text, name, value, extras)) {
            const int slot = slotOf(name);
            if (slot >= 0) {
                auto& m = result[static_cast<size_t>(slot)];
                m.value = value;
                m.extras = std::move(extras);
                found[static_cast<size_t>(slot)] = true;
                reasons.clear();
                continue;
            }
        }
        if (text.rfind("Measurements for", 0) == 0) {
            reasons.clear();
        } else if (isError) {
            reasons.push_back(text);
            if (reasons.size() > 4)
                reasons.pop_front();
        }
    }
    for (size_t i = 0; i < result.size(); ++i)
        if (!found[i])
            result[i].message = "ngspice printed no result for this measure (the run did not "
                                "complete, or ngspice evaluated another analysis)";
    return result;
}
