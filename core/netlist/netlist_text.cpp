#include "core/netlist/netlist_text.h"

#include "core/base/text.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace netlist_text {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream stream(text);
    std::string line;
    while (std::getline(stream, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        out.push_back(line);
    }
    return out;
}

std::string firstWord(const std::string& line) {
    std::istringstream stream(line);
    std::string word;
    stream >> word;
    return text::lower(word);
}

bool isAnalysis(const std::string& word) {
    static const std::set<std::string> analyses = {".tran", ".ac",   ".dc", ".op",    ".noise",
                                                   ".tf",   ".sens", ".pz", ".disto", ".sp"};
    return analyses.count(word) > 0;
}

} // namespace netlist_text
