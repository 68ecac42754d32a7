#include "core/netlist/job_netlist.h"

#include "core/netlist/netlist_text.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace {

using netlist_text::firstWord;

std::string quotedIfNeeded(const std::string& path) {
    return path.find_first_of(" \t") == std::string::npos ? path : "\"" + path + "\"";
}

} // namespace

std::string JobNetlist::build(const std::string& netlistText, const Point& point) {
    const auto input = netlist_text::lines(netlistText);
    std::vector<std::string> lines;
    lines.push_back(input.empty() ? std::string("* wavebench job") : input.front());
    if (point.seed >= 0)
        lines.push_back(".options seed=" + std::to_string(point.seed));

    std::vector<std::string> block;
    block.push_back("* [wavebench job] " + point.label);
    for (const auto& [file, section] : point.libs)
        block.push_back(".lib " + quotedIfNeeded(file) + " " + section);
    for (const auto& [name, value] : point.parameters)
        block.push_back(".param " + name + "=" + value);
    if (!point.analysisLine.empty())
        block.push_back(point.analysisLine);

    bool inControl = false, commenting = false, inserted = false;
    for (size_t i = 1; i < input.size(); ++i) {
        const std::string& line = input[i];
        const std::string word = firstWord(line);
        if (inserted) {
            lines.push_back(line); // after .end: ngspice does not read it either
            continue;
        }
        // The job's analysis replaces a .control script's too, so the script is set aside.
        const std::string controlPrefix = point.analysisLine.empty() ? "" : "* [wavebench job] ";
        if (inControl) {
            inControl = word != ".endc";
            lines.push_back(controlPrefix + line);
            continue;
        }
        if (word == ".control") {
            inControl = true;
            lines.push_back(controlPrefix + line);
            continue;
        }
        if (!word.empty() && word[0] == '+') {
            lines.push_back(commenting ? "* [wavebench job] " + line : line);
            continue;
        }
        if (!word.empty() && word[0] != '*')
            commenting = false;
        if (word == ".end") {
            lines.insert(lines.end(), block.begin(), block.end());
            lines.push_back(line);
            inserted = true;
            continue;
        }
        if (!point.analysisLine.empty() && netlist_text::isAnalysis(word)) {
            lines.push_back("* [wavebench job] " + line);
            commenting = true;
            continue;
        }
        lines.push_back(line);
    }
    if (!inserted) {
        lines.insert(lines.end(), block.begin(), block.end());
        lines.push_back(".end");
    }
    std::string text;
    for (const auto& line : lines)
        text += line + "\n";
    return text;
}

std::vector<std::string> JobNetlist::analyses(const std::string& netlistText) {
    std::vector<std::string> result;
    const auto input = netlist_text::lines(netlistText);
    bool inControl = false;
    for (size_t i = 1; i < input.size(); ++i) {
        const std::string word = firstWord(input[i]);
        if (word == ".control")
            inControl = true;
        else if (word == ".endc")
            inControl = false;
        else if (word == ".end" && !inControl)
            break;
        else if (!inControl && netlist_text::isAnalysis(word))
            result.push_back(word.substr(1));
    }
    return result;
}
