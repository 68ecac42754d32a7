#pragma once

#include "core/base/result.h"
#include "core/engine/design_open_options.h"
#include "core/jobs/sim_run.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// A job: one netlist run over parameter sweeps, process corners and Monte Carlo seeds,
// read from YAML. Pure logic (expand() reads the netlist file); any thread.
//
// Format. Paths are relative to the spec file; every key but `netlist` is optional.
//
//   name: rc_corners          # the runs' `job` attribute; default: the spec file's base name
//   netlist: rc.cir           # SPICE netlist or ASDL design (compiled: DesignReader::open);
//                             # its .measure statements are stored per run
//   store: rc.h5              # HDF5 store; default: <spec base name>.h5 beside the spec
//   probe_map: probes.json    # JSON or YAML probe map
//   asdlrc: ../.asdlrc        # an ASDL design's .asdlrc; default: the nearest above it
//   analysis: {type: tran, step: 10n, stop: 10u}   # replaces the netlist's own analyses
//     #   tran:  step, stop [, start, maxstep]
//     #   ac:    variation (dec|oct|lin), points, fstart, fstop
//     #   dc:    source, start, stop, step
//     #   op:    nothing else
//     #   noise: output (v(out) or v(out,ref)), source, variation, points, fstart, fstop
//     #          [, points_per_summary]
//   parameters: {cload: 1n}   # .param name=value; the value is SPICE text (expressions too)
//   sweeps:                   # nested, the first sweep outermost: the cartesian product
//     - {param: rval, values: [1k, 2.2k, 4.7k]}
//     - {param: vdd, lin: {start: 1.6, stop: 2.0, points: 5}}   # ends exact, equal steps
//     - {param: cl, log: {start: 1p, stop: 1n, points: 4}}      # ends exact, equal ratios
//   corners:                  # each point runs in every corner
//     - name: ss
//       lib: [{file: models.lib, section: ss}]
//       parameters: {vth_shift: 0.05}
//   montecarlo: {count: 20, seed: 1234}   # run k of a point gets seed 1234 + k (default 1)
//
// Numbers take SPICE suffixes (1n, 4.7k, 1meg, 10u). Runs are ordered corner, then sweep
// point, then seed (innermost), so every corner and point sees the same seeds. A point's
// parameters, later ones winning: the netlist's .param < `parameters` < the corner's .lib
// sections < the corner's `parameters` < the sweep values (see JobNetlist).
//
// Run ids: <analysis>-<corner, or nom>-s<seed, or none>-p<sweep index, 3 digits>-<hash>,
// e.g. tran-ss-s1234-p003-1a2b3c4d, where <hash> is the first 8 hex digits of the point
// netlist's SHA-256 (the run's netlist_sha256 attribute). The same point of the same
// netlist therefore always has the same id, and a changed one a new id.
//
// Errors name the spec file and line: "job.yaml:7: unknown key "valus" in sweeps[0] ...".
class SimJobSpec {
public:
    struct Analysis {
        std::string type; // "" keeps the netlist's own analyses
        std::string line; // ".ac dec 20 1 1g"
    };
    struct Sweep {
        std::string param;
        std::vector<double> values;
    };
    struct Lib {
        std::string file; // absolute
        std::string section;
    };
    struct Corner {
        std::string name;
        std::vector<Lib> libs;
        std::vector<std::pair<std::string, std::string>> parameters;
    };

    static Result<SimJobSpec> fromFile(const std::string& path);
    // `origin` names the text in errors; relative paths resolve against `baseDir`.
    static Result<SimJobSpec> fromYaml(const std::string& text, const std::string& origin,
                                       const std::string& baseDir);

    const std::string& origin() const { return m_origin; }
    const std::string& name() const { return m_name; }
    const std::string& netlistPath() const { return m_netlistPath; }   // absolute
    const std::string& storePath() const { return m_storePath; }       // absolute
    const std::string& probeMapPath() const { return m_probeMapPath; } // absolute or ""
    // How an ASDL design (`netlist: tb.asdl`) opens: `asdlrc:` of the spec, or what the
    // front end sets (--asdlrc, --asdlc, --lib; the GUI's project settings).
    const DesignOpenOptions& designOptions() const { return m_designOptions; }
    void setDesignOptions(const DesignOpenOptions& options) { m_designOptions = options; }
    const Analysis& analysis() const { return m_analysis; }
    const std::vector<std::pair<std::string, std::string>>& parameters() const {
        return m_parameters;
    }
    const std::vector<Sweep>& sweeps() const { return m_sweeps; }
    const std::vector<Corner>& corners() const { return m_corners; }
    int monteCarloCount() const { return m_monteCarloCount; } // 0: no Monte Carlo
    long long monteCarloSeed() const { return m_monteCarloSeed; }

    void setStorePath(const std::string& path) { m_storePath = path; }

    // The cartesian product of the sweeps, the first sweep varying slowest; one empty point
    // when there are no sweeps.
    std::vector<std::vector<std::pair<std::string, double>>> sweepPoints() const;
    // Every run of the job, each with its netlist text and run id. Reads the netlist, or
    // `netlistPath` when given; an ASDL design is opened (compiled) for the netlist it runs,
    // unless `netlistPath` names it.
    Result<std::vector<SimRun>> expand(const std::string& netlistPath = {}) const;
    // The arguments of each analysis type: required, optional, and which are numbers.
    struct AnalysisForm {
        std::vector<std::string> required, optional, numeric;
    };
    static const std::map<std::string, AnalysisForm>& analysisForms();
    // How many runs expand() makes: corners × sweep points × seeds.
    long long runCount() const;
    // The most runs one job may have (sweeps x corners x Monte Carlo): fromText refuses more.
    static constexpr long long kMaxRuns = 1000000;

private:
    std::string m_origin;
    int m_netlistLine = 0;
    std::string m_name;
    std::string m_netlistPath;
    std::string m_storePath;
    std::string m_probeMapPath;
    DesignOpenOptions m_designOptions;
    Analysis m_analysis;
    std::vector<std::pair<std::string, std::string>> m_parameters;
    std::vector<Sweep> m_sweeps;
    std::vector<Corner> m_corners;
    int m_monteCarloCount = 0;
    long long m_monteCarloSeed = 1;
};
