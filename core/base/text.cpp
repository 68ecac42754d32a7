#include "core/base/text.h"

#include <QUtf8StringView>
#include <algorithm>
#include <cctype>

namespace text {
namespace {

constexpr std::string_view kBlanks = " \t\r\n";
// What separates words: any white space, as in a stream read with >>.
constexpr std::string_view kSpace = " \t\r\n\f\v";

char lowerChar(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

std::string lower(std::string_view text) {
    std::string result(text);
    for (char& c : result)
        c = lowerChar(c);
    return result;
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(kBlanks);
    if (first == std::string_view::npos)
        return {};
    return std::string(text.substr(first, text.find_last_not_of(kBlanks) - first + 1));
}

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> result;
    size_t at = 0;
    while (at < text.size()) {
        const auto begin = text.find_first_not_of(kSpace, at);
        if (begin == std::string_view::npos)
            break;
        const auto end = text.find_first_of(kSpace, begin);
        result.emplace_back(text.substr(begin, end == std::string_view::npos ? end : end - begin));
        at = end == std::string_view::npos ? text.size() : end;
    }
    return result;
}

std::string firstWord(std::string_view text) {
    const auto begin = text.find_first_not_of(kSpace);
    if (begin == std::string_view::npos)
        return {};
    const auto end = text.find_first_of(kSpace, begin);
    return lower(text.substr(begin, end == std::string_view::npos ? end : end - begin));
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> result;
    if (text.empty())
        return result;
    size_t begin = 0;
    for (;;) {
        const auto end = text.find(separator, begin);
        result.emplace_back(text.substr(begin, end == std::string_view::npos ? end : end - begin));
        if (end == std::string_view::npos)
            return result;
        begin = end + 1;
    }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator, size_t from) {
    std::string result;
    for (size_t i = from; i < parts.size(); ++i) {
        if (i > from)
            result += separator;
        result += parts[i];
    }
    return result;
}

bool isIdentifier(std::string_view text) {
    if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_'))
        return false;
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

} // namespace text

bool text::isUtf8(std::string_view text) {
    return QUtf8StringView(text.data(), static_cast<qsizetype>(text.size())).isValidUtf8();
}

std::string text::escaped(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {
            out += c;
            continue;
        }
        out += "\\x";
        out += kHex[u >> 4];
        out += kHex[u & 0xf];
    }
    return out;
}
