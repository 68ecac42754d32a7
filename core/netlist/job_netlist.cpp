#include "core/netlist/job_netlist.h"

#include "core/design/spice_lexer.h"

namespace {

const char* const kAside = "* [wavebench job] ";

std::string quotedIfNeeded(const std::string& path) {
    return path.find_first_of(" \t") == std::string::npos ? path : "\"" + path + "\"";
}

} // namespace

std::string JobNetlist::build(const std::string& netlistText, const Point& point) {
    const SpiceLexer::Text lexed = SpiceLexer::lex(netlistText, "");
    std::vector<std::string> input = lexed.lines;
    std::vector<std::string> lines;
    lines.push_back(input.empty() ? std::string("* wavebench job") : input.front());
    if (point.seed >= 0)
        lines.push_back(".options seed=" + std::to_string(point.seed));

    std::vector<std::string> block;
    block.push_back(kAside + point.label);
    for (const auto& [file, section] : point.libs)
        block.push_back(".lib " + quotedIfNeeded(file) + " " + section);
    for (const auto& [name, value] : point.parameters)
        block.push_back(".param " + name + "=" + value);
    if (!point.analysisLine.empty())
        block.push_back(point.analysisLine);

    // The job's analysis replaces the netlist's, and a .control script's too, so both are
    // set aside line by line; the rest stays as the user wrote it.
    if (!point.analysisLine.empty()) {
        auto aside = [&](int number) {
            input[static_cast<size_t>(number - 1)] =
                kAside + input[static_cast<size_t>(number - 1)];
        };
        for (const auto& card : lexed.cards)
            if (SpiceLexer::isAnalysis(card.head()))
                for (int number : card.lines)
                    aside(number);
        for (const auto& control : lexed.controls) {
            const int last = control.endLine ? control.endLine : static_cast<int>(input.size());
            for (int number = control.at.line; number <= last; ++number)
                aside(number);
        }
    }
    // The block goes just before .end; lines after it are kept, though ngspice does not
    // read them either.
    const size_t end = lexed.endLine ? static_cast<size_t>(lexed.endLine - 1) : input.size();
    for (size_t i = 1; i < end; ++i)
        lines.push_back(input[i]);
    lines.insert(lines.end(), block.begin(), block.end());
    if (lexed.endLine)
        lines.insert(lines.end(), input.begin() + static_cast<long>(end), input.end());
    else
        lines.push_back(".end");
    std::string text;
    for (const auto& line : lines)
        text += line + "\n";
    return text;
}

std::vector<std::string> JobNetlist::analyses(const std::string& netlistText) {
    std::vector<std::string> result;
    for (const auto& card : SpiceLexer::lex(netlistText, "").cards)
        if (SpiceLexer::isAnalysis(card.head()))
            result.push_back(card.head().substr(1));
    return result;
}
