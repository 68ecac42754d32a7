#include "core/base/file_path.h"

#include <filesystem>
#include <system_error>

namespace file_path {

namespace {

std::string currentDirectory() {
    std::error_code error;
    auto current = std::filesystem::current_path(error);
    return error ? std::string("/") : current.string();
}

std::string normal(const std::filesystem::path& path) {
    std::string text = path.lexically_normal().string();
    while (text.size() > 1 && text.back() == '/')
        text.pop_back();
    return text;
}

} // namespace

bool isAbsolute(const std::string& path) {
    return !path.empty() && path.front() == '/';
}

std::string absolute(const std::string& path, const std::string& baseDir) {
    if (isAbsolute(path))
        return normal(path);
    const std::string base = isAbsolute(baseDir) ? baseDir : absolute(baseDir);
    return normal(std::filesystem::path(base) / path);
}

std::string absolute(const std::string& path) {
    return absolute(path, currentDirectory());
}

} // namespace file_path
