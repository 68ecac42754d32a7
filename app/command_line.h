#pragma once

#include "core/netlist/run_netlist.h"

#include <QString>
#include <QStringList>
#include <optional>
#include <string>
#include <vector>

// wavebench-run's command line, parsed by CLI11: the subcommands run, tree, job, recover and
// merge, the ones later issues fill in (import: exit status 2 for now), and the
// earlier flag forms through LegacyCommandLine. Help and usage errors are printed here.
// Thread: the main thread, before the event loop starts.
class CommandLine {
public:
    enum class Command { Run, Tree, Job, Recover, Merge };
    struct Options {
        Command command = Command::Run;
        QString netlist;      // tree: the design; run: the first of `netlists`
        QStringList netlists; // run: the designs, run in this order, each its own run
        QString out;          // run, job: the store; recover: the store to recover
        QString probeMap;
        QStringList probes; // run: --probe CREF, the design's crefs to store besides its defaults
        QStringList runIds; // run: none, or one per netlist
        QString emitted;
        // run, tree: how an ASDL design is opened (DesignOpenOptions)
        QString asdlrc;          // --asdlrc: instead of the nearest .asdlrc
        QString asdlc;           // --asdlc: the compiler, instead of asdlc on PATH
        QStringList libs;        // --lib, in order: before the rc's roots and ASDL_LIB_PATH
        bool noCompiler = false; // --no-compiler: the built-in reader
        QString job;             // job: the spec
        QString csv;
        std::optional<TranSpec> tran;
        bool quiet = false;
        bool json = false;
        bool inProcess = false; // run, job: ngspice in this process, not in wavebench-engine
        int jobs = 0;           // job: points at once; 0: one per core
        // job: the points to run, and on what (see runJobOnSlurm in wavebench_run.cpp)
        struct Cluster {
            QString shard;       // "K/N": only shard K of N of the job's points
            bool resume = false; // only the points missing from the store, failed or interrupted
            QString resumeFrom;  // the store to resume against (an array task: the job's)
            bool slurm = false;  // submit a Slurm job array, wait, merge
            QString slurmArgs;   // given to sbatch, split as a shell would
            int shards = 0;      // array tasks; 0: SlurmSubmitter::defaultShards
            bool noWait = false; // print the array id and return
        } cluster;
    };
    struct Parsed {
        std::optional<Options> options; // empty: nothing to run, exit with exitStatus
        int exitStatus = 0;             // 0 after --help, 2 after a usage error
    };

    // `arguments` without the program name.
    static Parsed parse(const std::vector<std::string>& arguments);
};
