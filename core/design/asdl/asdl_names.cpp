#include "core/design/asdl/asdl_names.h"

#include "core/base/file_path.h"
#include "core/base/text.h"

#include <algorithm>
#include <cctype>

namespace asdl_names {

std::string where(const std::string& file, int line) {
    return line > 0 ? file + ":" + std::to_string(line) : file;
}

bool isIdentifier(const std::string& text) {
    return text::isIdentifier(text);
}

bool isNetName(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_';
    });
}

bool isModuleSymbol(const std::string& text) {
    const auto at = text.find('@');
    if (at == std::string::npos)
        return isIdentifier(text);
    return isIdentifier(text.substr(0, at)) && isIdentifier(text.substr(at + 1));
}

std::string realizationName(const std::string& symbol) {
    const auto at = symbol.find('@');
    if (at == std::string::npos)
        return symbol;
    const std::string view = symbol.substr(at + 1);
    return view == "default" ? symbol.substr(0, at) : symbol.substr(0, at) + "_" + view;
}

std::string normalizedPath(const std::string& path) {
    return file_path::absolute(path);
}

} // namespace asdl_names
