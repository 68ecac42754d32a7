#include "tests/support/raw_file.h"

#include <cstring>
#include <fstream>
#include <sstream>

bool RawFile::load(const std::string& path, std::string* error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *error = path + ": cannot open";
        return false;
    }
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto marker = content.find("Binary:\n");
    if (marker == std::string::npos) {
        *error = path + ": not a binary raw file";
        return false;
    }
    std::istringstream header(content.substr(0, marker));
    std::string line;
    bool inVariables = false;
    while (std::getline(header, line)) {
        if (line.rfind("Flags:", 0) == 0 && line.find("complex") != std::string::npos) {
            *error = path + ": complex raw files are not supported here";
            return false;
        }
        if (line.rfind("Variables:", 0) == 0) {
            inVariables = true;
            continue;
        }
        if (inVariables) {
            std::istringstream fields(line);
            int index;
            std::string name;
            if (fields >> index >> name)
                m_names.push_back(name);
        }
    }
    const size_t offset = marker + std::strlen("Binary:\n");
    const size_t rowBytes = sizeof(double) * m_names.size();
    if (m_names.empty() || (content.size() - offset) % rowBytes != 0) {
        *error = path + ": size does not match the variable count";
        return false;
    }
    m_points = (content.size() - offset) / rowBytes;
    for (const auto& name : m_names)
        m_data[name].resize(m_points);
    for (size_t p = 0; p < m_points; ++p) {
        for (size_t v = 0; v < m_names.size(); ++v) {
            double value;
            std::memcpy(&value, content.data() + offset + p * rowBytes + v * sizeof(double),
                        sizeof(double));
            m_data[m_names[v]][p] = value;
        }
    }
    return true;
}
