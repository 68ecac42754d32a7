#pragma once

#include <string>

// How to read a line ngspice printed through its character callback ("stdout ..." or
// "stderr ..."). The one place that decides what counts as an error. Pure logic.
class NgspiceOutput {
public:
    // An error that fails the run: "Error: unknown subckt", "Timestep too small",
    // "run simulation(s) aborted", "singular matrix". Warnings are not errors.
    static bool isError(const std::string& line);
    // "error", "warning" or "" (for warnings.jsonl).
    static std::string severity(const std::string& line);
    // ngspice's terminal progress indicator ("Reference value : ..."), noise in a log.
    static bool isProgressNoise(const std::string& line);
    // The line without its "stdout "/"stderr " prefix.
    static std::string text(const std::string& line);
    // The analysis of a plot type: "tran3" -> "tran", "" -> "unknown".
    static std::string analysisOf(const std::string& plotType);
};
