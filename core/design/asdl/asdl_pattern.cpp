#include "core/design/asdl/asdl_pattern.h"

#include "core/base/text.h"
#include "core/design/asdl/asdl_failure.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <set>

namespace {

constexpr size_t kMaxAtoms = 10000;

AsdlExpansion expandOrFail(const std::string& expression, const AsdlNamedPatterns& patterns,
                           const std::string& location, const std::string& what) {
    auto malformed = [&](const std::string& why) {
        asdlFail(location + ": malformed pattern in " + what + " \"" + expression + "\": " + why);
    };
    if (expression.empty())
        malformed("it is empty");
    if (expression.find('*') != std::string::npos)
        malformed("wildcards (*) are not supported");
    if (expression.find_first_of("[]") != std::string::npos)
        malformed("square brackets are not ASDL pattern syntax (a range is written <7:0>)");
    if (expression.find_first_of(" \t") != std::string::npos)
        malformed("whitespace is not allowed");

    AsdlExpansion result;
    std::vector<std::string> segments;
    {
        std::string segment;
        for (char c : expression) {
            if (c == ';') {
                segments.push_back(segment);
                segment.clear();
            } else {
                segment += c;
            }
        }
        segments.push_back(segment);
    }
    result.spliced = segments.size() > 1;
    std::set<std::string> seen;
    for (const auto& segment : segments) {
        if (segment.empty())
            malformed("empty splice segment");
        struct Partial {
            std::string literal, base;
            std::vector<std::string> parts;
            std::vector<std::pair<std::string, int>> axes;
        };
        std::vector<Partial> current(1);
        size_t i = 0;
        while (i < segment.size()) {
            const char c = segment[i];
            if (c == '>')
                malformed("'>' without a matching '<'");
            if (c != '<') {
                for (auto& p : current) {
                    p.literal += c;
                    p.base += c;
                }
                ++i;
                continue;
            }
            const auto close = segment.find('>', i + 1);
            if (close == std::string::npos)
                malformed("'<' is not closed");
            std::string content = segment.substr(i + 1, close - i - 1);
            if (content.find('<') != std::string::npos)
                malformed("groups cannot be nested");
            i = close + 1;
            std::string axis;
            if (!content.empty() && content[0] == '@') {
                const std::string name = content.substr(1);
                auto it = patterns.find(name);
                if (it == patterns.end())
                    malformed("no named pattern \"" + name + "\" in this module");
                content = it->second.group.substr(1, it->second.group.size() - 2);
                axis = it->second.axis;
            } else {
                result.unnamedGroup = true;
            }
            if (content.empty())
                malformed("empty group <>");
            std::vector<std::string> values;
            if (content.find(':') != std::string::npos) {
                const auto colon = content.find(':');
                const std::string from = content.substr(0, colon), to = content.substr(colon + 1);
                auto isInteger = [](const std::string& s) {
                    const size_t start = !s.empty() && s[0] == '-' ? 1 : 0;
                    return s.size() > start &&
                           std::all_of(s.begin() + static_cast<long>(start), s.end(),
                                       [](unsigned char ch) { return std::isdigit(ch); });
                };
                if (!isInteger(from) || !isInteger(to) || content.find('|') != std::string::npos)
                    malformed("<" + content + "> is not a range <start:end> of two integers");
                // Bounds beyond 10^9 would overflow (stol throws, a - b wraps); no real
                // range is that wide, since it may expand to 10000 atoms at most.
                auto bound = [&](const std::string& text) {
                    long value = 0;
                    const auto [end, error] =
                        std::from_chars(text.data(), text.data() + text.size(), value);
                    if (error != std::errc() || end != text.data() + text.size() ||
                        value > 1000000000L || value < -1000000000L)
                        malformed("<" + content + ">: a bound beyond 1000000000");
                    return value;
                };
                const long a = bound(from), b = bound(to);
                if (static_cast<size_t>(std::labs(a - b)) + 1 > kMaxAtoms)
                    malformed("the range expands to more than 10000 atoms");
                for (long v = a;; v += (b >= a ? 1 : -1)) {
                    values.push_back(std::to_string(v));
                    if (v == b)
                        break;
                }
            } else {
                std::string value;
                for (size_t k = 0; k <= content.size(); ++k) {
                    if (k == content.size() || content[k] == '|') {
                        if (value.empty())
                            malformed("empty alternative in <" + content + ">");
                        values.push_back(value);
                        value.clear();
                    } else {
                        value += content[k];
                    }
                }
            }
            if (!axis.empty()) {
                for (const auto& [known, length] : result.axisLengths)
                    if (known == axis)
                        malformed("axis \"" + axis + "\" is used twice");
                result.axisLengths.emplace_back(axis, static_cast<int>(values.size()));
            }
            if (current.size() * values.size() > kMaxAtoms)
                malformed("it expands to more than 10000 atoms");
            std::vector<Partial> next;
            next.reserve(current.size() * values.size());
            for (const auto& p : current) {
                for (size_t k = 0; k < values.size(); ++k) {
                    Partial q = p;
                    q.literal += values[k];
                    q.parts.push_back(values[k]);
                    if (!axis.empty())
                        q.axes.emplace_back(axis, static_cast<int>(k));
                    next.push_back(std::move(q));
                }
            }
            current = std::move(next);
        }
        for (auto& p : current) {
            if (!seen.insert(p.literal).second)
                malformed("it expands to \"" + p.literal + "\" twice");
            AsdlAtom atom;
            atom.literal = p.literal;
            atom.rendered = p.base + text::join(p.parts, "");
            atom.axes = std::move(p.axes);
            result.atoms.push_back(std::move(atom));
        }
        if (result.atoms.size() > kMaxAtoms)
            malformed("it expands to more than 10000 atoms");
    }
    return result;
}

} // namespace

Result<AsdlExpansion> AsdlPattern::expand(const std::string& expression,
                                          const AsdlNamedPatterns& patterns,
                                          const std::string& location, const std::string& what) {
    try {
        return expandOrFail(expression, patterns, location, what);
    } catch (const AsdlFailure& failure) {
        return Result<AsdlExpansion>::failure(failure.message);
    }
}

Result<std::vector<size_t>> AsdlPattern::broadcast(const AsdlExpansion& netAtoms,
                                                   const AsdlExpansion& endpointAtoms,
                                                   const std::string& net,
                                                   const std::string& endpoint,
                                                   const std::string& location) {
    using R = Result<std::vector<size_t>>;
    const size_t n = netAtoms.atoms.size(), m = endpointAtoms.atoms.size();
    std::vector<size_t> binding(m);
    if (n == 1 || n == m) {
        for (size_t k = 0; k < m; ++k)
            binding[k] = n == 1 ? 0 : k;
        return binding;
    }
    const std::string mismatch = "net \"" + net + "\" has " + std::to_string(n) +
                                 " atoms but endpoint \"" + endpoint + "\" has " +
                                 std::to_string(m);
    if (netAtoms.unnamedGroup || endpointAtoms.unnamedGroup || netAtoms.spliced ||
        endpointAtoms.spliced)
        return R::failure(location + ": " + mismatch + " (only named patterns <@name> broadcast)");
    size_t from = 0;
    for (const auto& [axis, length] : netAtoms.axisLengths) {
        auto it = std::find_if(
            endpointAtoms.axisLengths.begin() + static_cast<long>(from),
            endpointAtoms.axisLengths.end(),
            [&name = axis](const std::pair<std::string, int>& a) { return a.first == name; });
        if (it == endpointAtoms.axisLengths.end() || it->second != length)
            return R::failure(location + ": " + mismatch +
                              " and its axes do not contain the net's axes in order");
        from = static_cast<size_t>(it - endpointAtoms.axisLengths.begin()) + 1;
    }
    for (size_t k = 0; k < m; ++k) {
        size_t index = 0;
        for (const auto& [axis, length] : netAtoms.axisLengths) {
            int value = 0;
            for (const auto& [a, v] : endpointAtoms.atoms[k].axes)
                if (a == axis)
                    value = v;
            index = index * static_cast<size_t>(length) + static_cast<size_t>(value);
        }
        binding[k] = index;
    }
    return binding;
}

bool AsdlPattern::isOneGroup(const std::string& group) {
    return group.size() >= 3 && group.front() == '<' && group.back() == '>' &&
           group.find_first_of("<>", 1) == group.size() - 1;
}

Result<AsdlNamedPatterns>
AsdlPattern::namedPatterns(const std::map<std::string, std::string>& groups) {
    AsdlNamedPatterns patterns;
    for (const auto& [name, group] : groups) {
        if (!isOneGroup(group))
            return Result<AsdlNamedPatterns>::failure("pattern \"" + name + ": " + group +
                                                      "\" is not one group like <a|b> or <7:0>");
        patterns[name] = {group, name, 0};
    }
    return patterns;
}
