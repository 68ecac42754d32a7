#pragma once

#include <string>
#include <vector>

// Reading SPICE netlist text card by card, for the classes that rewrite netlists before
// ngspice gets them (RunNetlist, JobNetlist). Pure logic.
namespace netlist_text {

// The lines of `text`, without their line ends (CR LF or LF).
std::vector<std::string> lines(const std::string& text);
// The first word of a line, lower case: ".tran", "r1", "+", "*".
std::string firstWord(const std::string& line);
// ".tran", ".ac", ".dc", ".op", ".noise", ...: a dot card that starts an analysis.
bool isAnalysis(const std::string& word);

} // namespace netlist_text
