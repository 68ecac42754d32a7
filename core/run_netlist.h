#pragma once

#include "result.h"

#include <optional>
#include <string>
#include <vector>

// A transient analysis given on the command line or in the GUI; it replaces the netlist's
// own analysis lines.
struct TranSpec {
    std::string step;
    std::string stop;
};

// The netlist text as ngspice will get it: relative .include/.lib paths made absolute
// (ngSpice_Circ has no file to resolve them against), .control blocks set aside, the
// user's .save lines taken over by the session (it streams every node and adds validated
// device-parameter saves), and optionally the analysis replaced. Pure logic.
class RunNetlist {
public:
    static Result<RunNetlist> fromFile(const std::string& path,
                                       const std::optional<TranSpec>& tran);
    static Result<RunNetlist> fromText(const std::string& text, const std::string& baseDir,
                                       const std::string& origin,
                                       const std::optional<TranSpec>& tran);

    const std::vector<std::string>& lines() const { return m_lines; }
    std::string text() const;
    std::string sha256() const;
    // Device-parameter vectors the netlist's own .save lines asked for ("@m1[gm]").
    const std::vector<std::string>& deviceSaves() const { return m_deviceSaves; }
    // The first source a `.dc` line sweeps ("v1"), "" when there is none.
    const std::string& dcSweepSource() const { return m_dcSweepSource; }
    // What was changed, for the run log.
    const std::vector<std::string>& notes() const { return m_notes; }

private:
    std::vector<std::string> m_lines;
    std::vector<std::string> m_deviceSaves;
    std::vector<std::string> m_notes;
    std::string m_dcSweepSource;
};
