#pragma once

#include "core/base/result.h"
#include "core/netlist/run_stepping.h"

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
// (ngSpice_Circ has no file to resolve them against), the user's .save lines taken over by
// the session (it streams every node and adds validated device-parameter saves), and
// optionally the analysis replaced. A .control block that runs analyses (a foreach loop
// over alter/alterparam, say) becomes the run's control script, minus the commands that
// only make sense in interactive ngspice (plot, quit); other .control blocks, and every
// block when the analysis is replaced, are set aside. Pure logic.
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
    // The .control script to run instead of a plain `run`; empty when there is none.
    const std::vector<std::string>& controlScript() const { return m_controlScript; }
    // Whether ngspice loops over several sweeps inside this one run.
    const RunStepping& stepping() const { return m_stepping; }
    // What was changed, for the run log.
    const std::vector<std::string>& notes() const { return m_notes; }

private:
    std::vector<std::string> m_lines;
    std::vector<std::string> m_deviceSaves;
    std::vector<std::string> m_notes;
    std::vector<std::string> m_controlScript;
    RunStepping m_stepping;
    std::string m_dcSweepSource;
};
