#pragma once

#include "core/base/result.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

// A SimJobSpec as a form edits it: the YAML's fields as text, not yet validated (SimJobSpec
// does that, naming the line). It reads any YAML SimJobSpec accepts and writes YAML that
// SimJobSpec reads back to the same job; comments and key order are not kept. Pure logic.
struct JobSpecDraft {
    struct Sweep {
        std::string param;
        std::string kind = "values";     // "values", "lin" or "log"
        std::string values;              // kind values: "1k, 2.2k, 4.7k"
        std::string start, stop, points; // kind lin/log
    };
    struct Corner {
        std::string name;
        std::string libs;       // "models.lib tt; other.lib ff": file and section, ';' between
        std::string parameters; // "vth=0.05, vdd=1.7"
    };

    std::string name, netlist, store, probeMap;
    std::string analysisType;                        // "" keeps the netlist's own analyses
    std::map<std::string, std::string> analysisArgs; // keys of analysisKeys(analysisType)
    std::vector<std::pair<std::string, std::string>> parameters;
    std::vector<Sweep> sweeps;
    std::vector<Corner> corners;
    bool monteCarlo = false;
    std::string monteCarloCount, monteCarloSeed;

    // `origin` names the text in errors ("job.yaml:4: ...").
    static Result<JobSpecDraft> fromYaml(const std::string& text, const std::string& origin);
    std::string toYaml() const;

    // "tran", "ac", "dc", "op", "noise".
    static const std::vector<std::string>& analysisTypes();
    // The arguments of an analysis, in the order a form shows them.
    static const std::vector<std::string>& analysisKeys(const std::string& type);
};
