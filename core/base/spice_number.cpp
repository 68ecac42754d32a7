#include "core/base/spice_number.h"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace spice_number {
namespace {

bool isBlank(char c) {
    return c == ' ' || c == '\t';
}
bool isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char lowerChar(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size())
        return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (lowerChar(text[i]) != prefix[i])
            return false;
    return true;
}

} // namespace

std::optional<double> parse(std::string_view text) {
    while (!text.empty() && isBlank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isBlank(text.back()))
        text.remove_suffix(1);
    // from_chars takes no leading '+'; SPICE does.
    if (!text.empty() && text.front() == '+' && text.size() > 1 && text[1] != '-')
        text.remove_prefix(1);
    if (text.empty())
        return std::nullopt;
    double mantissa = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] =
        std::from_chars(text.data(), end, mantissa, std::chars_format::general);
    if (error != std::errc() || stop == text.data())
        return std::nullopt;
    // from_chars reads "inf" and "nan" too; a SPICE number is neither.
    if (!std::isfinite(mantissa))
        return std::nullopt;
    std::string_view rest(stop, static_cast<size_t>(end - stop));
    static constexpr std::array<std::pair<std::string_view, double>, 11> suffixes = {
        {{"meg", 1e6},
         {"mil", 25.4e-6},
         {"t", 1e12},
         {"g", 1e9},
         {"k", 1e3},
         {"m", 1e-3},
         {"u", 1e-6},
         {"n", 1e-9},
         {"p", 1e-12},
         {"f", 1e-15},
         {"a", 1e-18}}};
    double scale = 1;
    for (const auto& [suffix, factor] : suffixes) {
        if (startsWithNoCase(rest, suffix)) {
            scale = factor;
            rest.remove_prefix(suffix.size());
            break;
        }
    }
    // Whatever follows the scale is a unit ("10uF", "1ns"): letters only.
    for (char c : rest)
        if (!isLetter(c))
            return std::nullopt;
    return mantissa * scale;
}

std::string format(double value) {
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    std::array<char, 64> buffer{};
    const bool integral = value == std::trunc(value) && std::abs(value) < 1e15;
    const auto result = integral
                            ? std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                            std::chars_format::fixed)
                            : std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

} // namespace spice_number
