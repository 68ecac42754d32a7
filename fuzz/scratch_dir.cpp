#include "fuzz/scratch_dir.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

ScratchDir& ScratchDir::instance() {
    static ScratchDir dir;
    return dir;
}

ScratchDir::ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/wavebench-fuzz-XXXXXX";
    fs::create_directories(fs::path(pattern).parent_path());
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("cannot create a scratch directory under " + pattern);
    m_root = pattern;
}

ScratchDir::~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
}

std::string ScratchDir::path(const std::string& name) const {
    return m_root + "/" + name;
}

std::string ScratchDir::write(const std::string& name, const std::string& bytes) {
    const std::string file = path(name);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return file;
}

void ScratchDir::clear() {
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(m_root, ignored))
        fs::remove_all(entry.path(), ignored);
}

std::vector<std::string> splitParts(const uint8_t* data, size_t size, size_t maxParts) {
    std::vector<std::string> parts(1);
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == 0 && parts.size() < maxParts)
            parts.emplace_back();
        else
            parts.back().push_back(static_cast<char>(data[i]));
    }
    return parts;
}
