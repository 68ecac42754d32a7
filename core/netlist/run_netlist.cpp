#include "core/netlist/run_netlist.h"

#include "core/base/sha256.h"
#include "core/base/spice_number.h"
#include "core/base/text.h"
#include "core/crefs/probe_resolver.h"
#include "core/design/spice_lexer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace {

using text::lower;

// Commands of a .control script that start analyses, that loop, and that only make sense
// in interactive ngspice (there is no plot window in a shared library, and quit would
// unload it).
const std::set<std::string> kControlAnalyses = {"run", "tran", "ac", "dc",    "op", "noise",
                                                "tf",  "sens", "pz", "disto", "sp", "pss"};
const std::set<std::string> kControlLoops = {"foreach", "repeat", "while", "dowhile"};
const std::set<std::string> kInteractiveOnly = {
    "quit", "exit", "plot", "iplot", "gnuplot", "xgraph", "asciiplot", "hardcopy", "edit"};

// Points of a sweep from start to stop by step, as ngspice's DC loop counts them; -1 when
// there are too many to count (a step of 1e-15, or 1e-300 whose quotient is infinite: the
// labels of such steps would exhaust memory before ngspice even starts).
constexpr double kMaxSweepPoints = 1e6;
long long sweepPoints(double start, double stop, double step) {
    if (step == 0 || (stop - start) * step < 0)
        return 1;
    const double intervals = std::floor((stop - start) / step + 1e-9);
    if (!std::isfinite(intervals) || intervals >= kMaxSweepPoints)
        return -1;
    return static_cast<long long>(intervals) + 1;
}

// ".dc v1 0 1.8 0.01 v2 0 1.8 0.3": the second source makes ngspice repeat the first sweep
// for each of its values.
RunStepping dcStepping(const std::vector<std::string>& tokens) {
    RunStepping stepping;
    if (tokens.size() < 9)
        return stepping;
    std::optional<double> numbers[6];
    const size_t at[6] = {2, 3, 4, 6, 7, 8};
    for (int i = 0; i < 6; ++i)
        if (!(numbers[i] = spice_number::parse(tokens[at[i]])))
            return stepping;
    stepping.kind = RunStepping::Kind::DcSecondSource;
    stepping.source = lower(tokens[5]);
    stepping.unit = stepping.source[0] == 'v' ? "V" : stepping.source[0] == 'i' ? "A" : "";
    stepping.innerPoints = sweepPoints(*numbers[0], *numbers[1], *numbers[2]);
    stepping.innerDirection = *numbers[2] < 0 ? -1.0 : 1.0;
    // Too many outer steps to label (-1): the steps are still found, unlabelled.
    const long long outer = sweepPoints(*numbers[3], *numbers[4], *numbers[5]);
    for (long long k = 0; k < outer; ++k)
        stepping.values.push_back(*numbers[3] + static_cast<double>(k) * *numbers[5]);
    return stepping;
}

// A .control script that repeats analyses. When a single `foreach` loop does it over
// numbers ("foreach rv 1k 2k 3k"), its variable and values label the steps.
RunStepping controlStepping(const std::vector<std::string>& script) {
    RunStepping stepping;
    stepping.kind = RunStepping::Kind::Plots;
    int loops = 0;
    std::vector<std::string> foreachTokens;
    for (const auto& line : script) {
        const std::string word = text::firstWord(line);
        if (!kControlLoops.count(word))
            continue;
        ++loops;
        if (word == "foreach") {
            std::istringstream stream(line);
            foreachTokens.clear();
            for (std::string token; stream >> token;)
                foreachTokens.push_back(token);
        }
    }
    if (loops != 1 || foreachTokens.size() < 3)
        return stepping;
    std::vector<double> values;
    for (size_t i = 2; i < foreachTokens.size(); ++i) {
        const auto value = spice_number::parse(foreachTokens[i]);
        if (!value)
            return stepping; // a list of names, not of values
        values.push_back(*value);
    }
    stepping.source = lower(foreachTokens[1]);
    stepping.values = std::move(values);
    return stepping;
}

// Why ngspice 39 would crash or never end on this card, or "" when it would not. Measured
// with ngspice 39 (`ngspice -b` crashes the same way; the library takes the process with it):
// a .model without a name and a type segfaults while the circuit loads; a .measure without
// what to measure, or a `find` without `at` or `when ...`, segfaults in ngspice's thread
// once another measure of the netlist is evaluated; a .dc step of 0, a missing one, or a
// word that is no number (".dc vd 0 1.8 vg ...", read as 0), sweeps forever.
std::string unrunnableCard(const SpiceLexer::Card& card) {
    const std::string head = card.head();
    const auto& tokens = card.tokens;
    if (head == ".model" && tokens.size() < 3)
        return ".model needs a name and a type (\".model nch nmos level=1 ...\"); ngspice 39 "
               "crashes on this one";
    if (head == ".meas" || head == ".measure") {
        if (tokens.size() < 4)
            return head + " needs an analysis, a name and what to measure (\"" + head +
                   " tran tdelay find v(out) at=1u\"); ngspice 39 crashes on this one";
        if (lower(tokens[3]) == "find") {
            bool where = false;
            for (size_t i = 5; i < tokens.size() && !where; ++i) {
                const std::string word = lower(tokens[i]);
                where =
                    text::startsWith(word, "at") ||
                    (text::startsWith(word, "when") && (word.size() > 4 || i + 1 < tokens.size()));
            }
            if (!where)
                return head + " ... find needs a vector and at=TIME or when CONDITION; ngspice "
                              "39 crashes on this one";
        }
    }
    if (head == ".dc") {
        // .dc SRC START STOP STEP [SRC2 START2 STOP2 STEP2]; a missing step is read as 0.
        if (tokens.size() < 5 || (tokens.size() > 5 && tokens.size() < 9))
            return ".dc needs a source, start, stop and step" +
                   std::string(tokens.size() > 5 ? " for each of its two sources" : "") +
                   " (\".dc v1 0 1.8 0.01\"); without them ngspice 39 sweeps forever";
        for (size_t step : {size_t(4), size_t(8)}) {
            if (step >= tokens.size())
                break;
            const std::string& word = tokens[step];
            const auto value = spice_number::parse(word);
            const bool expression = !word.empty() && (word[0] == '{' || word[0] == '\'');
            if ((value && *value == 0) || (!value && !expression))
                return ".dc step " + word + (value ? "" : " (not a number)") +
                       " never reaches the stop value; ngspice 39 sweeps forever";
        }
    }
    return {};
}

} // namespace

Result<RunNetlist> RunNetlist::fromFile(const std::string& path,
                                        const std::optional<TranSpec>& tran) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return Result<RunNetlist>::failure(path + ": " + file.errorString().toStdString());
    const auto baseDir = QFileInfo(file).absolutePath().toStdString();
    return fromText(file.readAll().toStdString(), baseDir, path, tran);
}

Result<RunNetlist> RunNetlist::fromText(const std::string& text, const std::string& baseDir,
                                        const std::string& origin,
                                        const std::optional<TranSpec>& tran) {
    using R = Result<RunNetlist>;
    RunNetlist netlist;
    const SpiceLexer::Text lexed = SpiceLexer::lex(text, origin);
    if (lexed.lines.empty())
        return R::failure(origin + ": empty netlist");
    if (auto problem = lexed.unclosedControl(); !problem.empty())
        return R::failure(problem);

    // The user's lines up to .end, changed card by card; a removed line is nullopt.
    const size_t kept = lexed.endLine ? static_cast<size_t>(lexed.endLine - 1) : lexed.lines.size();
    std::vector<std::optional<std::string>> lines(lexed.lines.begin(),
                                                  lexed.lines.begin() + static_cast<long>(kept));
    auto line = [&](int number) -> std::optional<std::string>& {
        return lines[static_cast<size_t>(number - 1)];
    };
    bool hasAnalysis = false;
    for (const auto& card : lexed.cards) {
        const std::string head = card.head();
        if (const std::string why = unrunnableCard(card); !why.empty())
            return R::failure(origin + ":" + std::to_string(card.at.line) + ": " + why);
        if (head == ".save") {
            for (size_t i = 1; i < card.tokens.size(); ++i)
                if (ProbeResolver::isDeviceParameter(card.tokens[i]))
                    netlist.m_deviceSaves.push_back(ProbeResolver::normalizeVector(card.tokens[i]));
            for (int number : card.lines)
                line(number).reset();
            continue;
        }
        if (SpiceLexer::isAnalysis(head)) {
            if (tran) {
                for (int number : card.lines)
                    line(number) = "* [wavebench] " + *line(number);
                continue;
            }
            hasAnalysis = true;
            if (head == ".dc" && netlist.m_dcSweepSource.empty() && card.tokens.size() > 1) {
                netlist.m_dcSweepSource = lower(card.tokens[1]);
                netlist.m_stepping = dcStepping(card.tokens);
            }
        }
        // `.lib name` opens a section definition: no file to resolve.
        if (head == ".include" || head == ".inc" || (head == ".lib" && card.tokens.size() >= 3))
            line(card.at.line) = SpiceLexer::withAbsolutePath(*line(card.at.line), baseDir);
    }

    struct ControlLine {
        std::string text;
        std::string where;
    };
    std::vector<ControlLine> control;
    for (const auto& block : lexed.controls) {
        for (int number = block.at.line; number <= block.endLine; ++number)
            line(number).reset();
        for (size_t i = 0; i < block.body.size(); ++i)
            control.push_back({block.body[i], origin + ":" + std::to_string(block.lines[i])});
    }
    for (auto& kept : lines)
        if (kept)
            netlist.m_lines.push_back(std::move(*kept));

    if (!control.empty()) {
        const std::string controlWhere = origin + ":" + std::to_string(lexed.controls[0].at.line);
        int analysisCommands = 0;
        bool loops = false;
        for (const auto& c : control) {
            const std::string word = text::firstWord(c.text);
            analysisCommands += kControlAnalyses.count(word) ? 1 : 0;
            loops = loops || kControlLoops.count(word);
        }
        if (tran) {
            netlist.m_notes.push_back(controlWhere + ": .control block not run (the analysis is "
                                                     "given to Wavebench)");
        } else if (analysisCommands == 0) {
            netlist.m_notes.push_back(controlWhere + ": .control block not run (it runs no "
                                                     "analysis; Wavebench runs the netlist's)");
        } else {
            for (const auto& c : control) {
                if (kInteractiveOnly.count(text::firstWord(c.text)))
                    netlist.m_notes.push_back(c.where + ": \"" + text::firstWord(c.text) +
                                              "\" not run (interactive ngspice only)");
                else
                    netlist.m_controlScript.push_back(c.text);
            }
            hasAnalysis = true;
            if (loops || analysisCommands > 1)
                netlist.m_stepping = controlStepping(netlist.m_controlScript);
        }
    }
    if (tran) {
        netlist.m_lines.push_back(".tran " + tran->step + " " + tran->stop);
        hasAnalysis = true;
    }
    if (!hasAnalysis)
        return R::failure(origin + ": no analysis (.tran, .ac, .dc, .op, ...) in the netlist; "
                                   "add one or give --tran STEP STOP");
    netlist.m_lines.push_back(".end");
    std::sort(netlist.m_deviceSaves.begin(), netlist.m_deviceSaves.end());
    netlist.m_deviceSaves.erase(
        std::unique(netlist.m_deviceSaves.begin(), netlist.m_deviceSaves.end()),
        netlist.m_deviceSaves.end());
    return netlist;
}

std::string RunNetlist::text() const {
    std::string joined;
    for (const auto& line : m_lines)
        joined += line + "\n";
    return joined;
}

std::string RunNetlist::sha256() const {
    return sha256::hex(text());
}
