#include "core/netlist/ngspice_output.h"

#include "core/base/text.h"

#include <algorithm>
#include <cctype>

namespace {
bool fromStderr(const std::string& line) {
    return line.rfind("stderr", 0) == 0;
}
} // namespace

bool NgspiceOutput::isError(const std::string& line) {
    if (!fromStderr(line))
        return false;
    const auto l = text::lower(line);
    if (l.find("warning") != std::string::npos)
        return false;
    return l.find("error") != std::string::npos || l.find("aborted") != std::string::npos ||
           l.find("too small") != std::string::npos || l.find("singular") != std::string::npos;
}

std::string NgspiceOutput::severity(const std::string& line) {
    if (text::lower(line).find("warning") != std::string::npos)
        return "warning";
    return fromStderr(line) ? "error" : "";
}

bool NgspiceOutput::isProgressNoise(const std::string& line) {
    return line.find("Reference value") != std::string::npos;
}

std::string NgspiceOutput::text(const std::string& line) {
    for (const char* prefix : {"stdout ", "stderr "})
        if (line.rfind(prefix, 0) == 0)
            return line.substr(7);
    return line;
}

std::string NgspiceOutput::analysisOf(const std::string& plotType) {
    std::string analysis = plotType;
    while (!analysis.empty() && std::isdigit(static_cast<unsigned char>(analysis.back())))
        analysis.pop_back();
    return analysis.empty() ? "unknown" : analysis;
}
