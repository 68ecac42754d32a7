#pragma once

#include "core/base/result.h"
#include "core/design/asdl/asdl_rc.h"
#include "core/design/asdl/asdl_tree_reader.h"

#include <string>
#include <vector>

// The real ASDL compiler (`asdlc`, the Jianxun/ASDL project) run on a design into a cache
// folder of its own, `<cacheRoot>/<hash of compiler, entry, rc, lib roots>/` (never beside
// the user's files): `asdlc netlist` (the ngspice netlist and the compile log with its
// `emission_name_map`), `asdlc query tree --json --verbose-view --stage emitted` (the
// hierarchy, which the compiler gives even when the netlist fails, e.g. for devices without
// a sim.ngspice backend) and `asdlc depgraph-dump` (every file the compile reads), the three
// at once. A stamp of those files' contents (and the rc's and the backend config's) decides
// whether the cache is still the design's: a compile whose stamp matches runs nothing. A
// QLockFile in the cache folder keeps two processes from compiling one entry at once.
// Compiler diagnostics become errors naming file:line:column.
// Thread: any but the GUI thread (it waits for the compiler).
class AsdlCompiler {
public:
    struct Options {
        AsdlRc rc;                         // the design's rc (empty: none)
        std::vector<std::string> libRoots; // explicit (--lib) roots only; the compiler adds
                                           // the rc's and ASDL_LIB_PATH itself
        AsdlRc::Environment environment;   // the process's; the rc's env is added to it
        std::string cacheRoot;             // empty: defaultCacheRoot()
        // The files the design reads (entry and imports), when the built-in import resolver
        // knows them: the compile then skips `asdlc depgraph-dump`, one Python start-up and
        // parse of the design of three (on 2 cores, the 30,000-instance matrix's first open
        // took 3.7 s with it). Empty: the compiler's depgraph-dump says.
        std::vector<std::string> sources;
        int timeoutMs = 300000;
    };
    struct Compiled {
        std::string cacheDir;
        std::string netlist;        // the emitted netlist; empty when `netlist` failed
        std::string netlistProblem; // why there is no netlist (the compiler's diagnostics)
        std::string treeFile;       // the compiler's `query tree` JSON
        std::string logFile;        // the compile log ("" without a netlist)
        std::vector<AsdlTreeEntry> tree;
        std::vector<AsdlEmissionName> names; // the compile log's emission_name_map
        std::vector<std::string> sources;    // every file the compile read, absolute
        bool reused = false;                 // the stamp matched: nothing was run
    };

    // `given` when it names an executable, else `asdlc` on PATH; "" when there is none.
    static std::string find(const std::string& given = {});
    // $XDG_CACHE_HOME/wavebench/asdl (~/.cache/wavebench/asdl).
    static std::string defaultCacheRoot();

    explicit AsdlCompiler(std::string program);
    const std::string& program() const { return m_program; }

    // Compiles `entry` unless the cache holds a compile of the same sources. Fails naming
    // file:line:column when the compiler refuses the design (its `query tree` fails); a
    // design that only fails to netlist is a Compiled with netlistProblem.
    Result<Compiled> compile(const std::string& entry, const Options& options) const;

    // The compiler's stderr as errors: `file:line:col: error CODE: message` kept, a
    // diagnostic without a span prefixed with `entry`; notes dropped.
    static std::string diagnostics(const std::string& output, const std::string& entry);

private:
    std::string m_program;
};
