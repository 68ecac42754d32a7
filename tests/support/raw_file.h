#pragma once

#include <map>
#include <string>
#include <vector>

// Reads a binary ngspice raw file (`ngspice -b -r out.raw`), real data only: the reference
// the streamed store is compared against.
class RawFile {
public:
    bool load(const std::string& path, std::string* error);
    const std::vector<std::string>& names() const { return m_names; }
    const std::vector<double>& values(const std::string& name) const { return m_data.at(name); }
    size_t points() const { return m_points; }

private:
    std::vector<std::string> m_names;
    std::map<std::string, std::vector<double>> m_data;
    size_t m_points = 0;
};
