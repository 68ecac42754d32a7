#include "app/command_line.h"

#include "app/legacy_command_line.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <set>

namespace {

// The forms, for usage errors; --help tells the rest.
const char* kSynopsis =
    "usage: wavebench-run run NETLIST... [--tran STEP STOP] [--probe CREF]... [--probe-map FILE]\n"
    "                         [--out FILE.h5]\n"
    "                         [--run-id ID]... [--emitted NETLIST] [--quiet] [--in-process]\n"
    "                         [--asdlrc FILE] [--asdlc PATH] [--lib DIR]... [--no-compiler]\n"
    "       wavebench-run tree DESIGN [--json] [--emitted NETLIST] [--asdlrc FILE] [--asdlc PATH]\n"
    "                         [--lib DIR]... [--no-compiler]\n"
    "       wavebench-run job SPEC.yaml [--out FILE.h5] [--csv FILE.csv] [--jobs N] [--quiet]\n"
    "                         [--asdlrc FILE] [--asdlc PATH] [--lib DIR]... [--no-compiler]\n"
    "                         [--in-process] [--shard K/N] [--resume]\n"
    "                         [--slurm [--slurm-args ARGS] [--shards N] [--no-wait]]\n"
    "       wavebench-run recover STORE.h5\n"
    "       wavebench-run merge STORE.h5\n"
    "       wavebench-run import   (not implemented yet)\n"
    "       wavebench-run [COMMAND] --help\n";

const char* kExitStatus =
    "Exit status: 0 ok, 1 failed, 2 usage (and the commands not implemented yet), 3 probes\n"
    "missing, 4 interrupted. Ctrl-C stops a run or a job cleanly; partial data is kept.";

const char* kFooter =
    "Without a command, the earlier forms still work: `wavebench-run NETLIST ...` is `run`,\n"
    "`wavebench-run --tree DESIGN ...` is `tree` and `wavebench-run --job SPEC ...` is `job`.\n"
    "`wavebench-run COMMAND --help` tells more.\n";

const char* kRunDetail =
    "Streams every node voltage, source current and probed device parameter into FILE.h5.\n"
    "--tran replaces the netlist's own analyses; without it they run as written.\n"
    "NETLIST may be an ASDL design (.asdl), read with its project's .asdlrc (or --asdlrc): with\n"
    "the ASDL compiler asdlc installed (or --asdlc), it is compiled into Wavebench's cache\n"
    "(again only when one of its files changed) and the compiler's netlist runs; without it\n"
    "(or with --no-compiler) its emitted netlist (the .spice beside it, or --emitted) runs.\n"
    "Every vector is stored under its ASDL cref.\n"
    "Several NETLISTs run one after another in this one process and engine, in the order\n"
    "given, each its own run (into FILE.h5, or each beside its netlist), each starting from a\n"
    "freshly loaded ngspice: a run gives what it gives alone. A netlist that fails does not\n"
    "stop the ones after it; Ctrl-C stops the current run and runs none after it. --run-id\n"
    "is given once per NETLIST, in order, or not at all. The exit status is the worst run's:\n"
    "1 if any failed, else 4 if one was interrupted, else 3 if a probe was missing, else 0.\n";

const char* kRecoverDetail =
    "Commits into the store every run a process that died left beside it (in STORE.h5.parts/),\n"
    "as interrupted with the data it had flushed, and undoes a commit that was cut short. Every\n"
    "run and the GUI do this by themselves when they open a store; this command does it now.\n"
    "Runs still being written by a live process are left alone.\n";

const char* kTreeDetail =
    "Prints the design hierarchy, one node a line (cref, kind, ngspice vector), or with\n"
    "--json the tree.json form that every run stores. An ASDL design is opened as `run` opens\n"
    "it; one that cannot run (no netlist, devices without an ngspice backend) still prints its\n"
    "whole hierarchy, and stderr says what is missing.\n";

const char* kJobDetail =
    "Runs every point of a job (sweeps, corners, Monte Carlo; see README) into the job's store\n"
    "(or --out), on --jobs engine processes at once (default: one per core), prints one line\n"
    "per run as it ends and, with --csv, writes the measurements of all runs as a table. The\n"
    "runs, their ids and values are the same whatever --jobs. The exit status is the worst\n"
    "run's.\n"
    "--shard K/N runs only shard K of N (the K-th, (K+N)-th, ... point), with the job's run ids.\n"
    "--resume runs only the points the store misses or holds as failed or interrupted; their\n"
    "earlier runs are kept under /superseded/<run_id>/<n> (docs/store.md).\n"
    "--slurm submits one Slurm job array (one task per shard, --shards N, default\n"
    "min(points, 64); with --jobs N, each task asks for N cores and runs N engines) whose\n"
    "tasks write shard stores in STORE.h5.shards/, waits showing\n"
    "progress, then merges them into the store (as `merge` does). --slurm-args are given to\n"
    "sbatch (partition, account, time: see README). --no-wait prints the array id and returns;\n"
    "`wavebench-run merge STORE.h5` merges once the array is done.\n";

const char* kMergeDetail =
    "Merges the shard stores of a job array (STORE.h5.shards/task-<k>.h5) into the store: each\n"
    "run copied exactly, read back and compared, a shard removed once every run of it is\n"
    "verified. Runs a killed task left are recovered first, as interrupted. Merging again after\n"
    "a merge was cut short finishes it; a run the store holds with other content is an error\n"
    "naming it. Exit status 1 when something could not be merged (the shard is kept).\n";

// Commands later issues fill in; registered now so that scripts and --help know them.
struct PlannedCommand {
    const char* name;
    const char* what;
};
const PlannedCommand kPlanned[] = {
    {"import", "import an ngspice raw file into a store as a run"},
};

CommandLine::Parsed usageError(const std::string& error) {
    std::fprintf(stderr, "wavebench-run: %s\n\n%s", error.c_str(), kSynopsis);
    return {std::nullopt, 2};
}

} // namespace

CommandLine::Parsed CommandLine::parse(const std::vector<std::string>& arguments) {
    CLI::App cli("wavebench-run: the headless front end of Wavebench (batch, CI, cluster job "
                 "arrays), the same core as the GUI.",
                 "wavebench-run");
    cli.footer(std::string(kFooter) + "\n" + kExitStatus);
    cli.require_subcommand(1);

    struct {
        std::string design, out, probeMap, emitted, csv, asdlrc, asdlc;
        std::vector<std::string> designs, runIds, tran, libs, probes;
        bool quiet = false, json = false, inProcess = false, noCompiler = false;
        int jobs = 0;
    } given;
    Options::Cluster cluster;
    std::string shard, resumeFrom, slurmArgs;

    auto detail = [](CLI::App* command, const char* text) {
        command->footer(std::string(text) + "\n" + kExitStatus);
    };
    auto addAsdlOptions = [&given](CLI::App* command) {
        command
            ->add_option("--asdlrc", given.asdlrc,
                         "an ASDL design's .asdlrc (default: the nearest one above it)")
            ->type_name("FILE");
        command->add_option("--asdlc", given.asdlc, "the ASDL compiler (default: asdlc on PATH)")
            ->type_name("PATH");
        command
            ->add_option("--lib", given.libs,
                         "an ASDL library root, searched before the .asdlrc's and "
                         "ASDL_LIB_PATH (repeatable)")
            ->type_name("DIR")
            ->expected(1)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
        command->add_flag("--no-compiler", given.noCompiler,
                          "read an ASDL design with the built-in reader, even with asdlc");
    };
    auto* run = cli.add_subcommand("run", "run a netlist or an ASDL design into an HDF5 store");
    detail(run, kRunDetail);
    run->add_option("NETLIST", given.designs,
                    "SPICE netlists or ASDL designs, run in this order, each its own run")
        ->required();
    run->add_option("--tran", given.tran, "replace the netlist's own analyses with .tran STEP STOP")
        ->expected(2)
        ->type_name("STEP STOP");
    run->add_option("--probe", given.probes,
                    "also store this cref of the design, e.g. a transistor's "
                    "top.ota.mn_in_p.op.gm (repeat it for more)")
        ->type_name("CREF")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    run->add_option("--probe-map", given.probeMap,
                    "probe map (JSON or YAML) naming vectors by cref")
        ->type_name("FILE");
    run->add_option("-o,--out", given.out,
                    "store (default: NETLIST's name with .h5, beside it); never overwritten")
        ->type_name("FILE.h5");
    run->add_option("--run-id", given.runIds,
                    "the run's id (default: generated); with several NETLISTs, once per "
                    "NETLIST, in order")
        ->type_name("ID")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    run->add_option("--emitted", given.emitted, "an ASDL design's netlist, if not beside it")
        ->type_name("NETLIST");
    run->add_flag("-q,--quiet", given.quiet, "no progress on stderr");
    run->add_flag("--in-process", given.inProcess,
                  "run ngspice in this process, not in a wavebench-engine process");
    addAsdlOptions(run);
    run->allow_extras(); // refused below, in the words of the earlier parser

    auto* tree = cli.add_subcommand("tree", "print a design's hierarchy of crefs");
    detail(tree, kTreeDetail);
    tree->add_option("DESIGN", given.design, "SPICE netlist or ASDL design")->required();
    tree->add_flag("--json", given.json, "print tree.json");
    tree->add_option("--emitted", given.emitted, "an ASDL design's netlist, if not beside it")
        ->type_name("NETLIST");
    addAsdlOptions(tree);
    tree->allow_extras();

    auto* job =
        cli.add_subcommand("job", "run every point of a job (SimJobSpec YAML) into one store");
    detail(job, kJobDetail);
    job->add_option("SPEC", given.design, "job file (YAML)")->required()->type_name("SPEC.yaml");
    job->add_option("-o,--out", given.out, "store instead of the job's own")->type_name("FILE.h5");
    job->add_option("--csv", given.csv, "measurements of all runs as a table")
        ->type_name("FILE.csv");
    job->add_option("-j,--jobs", given.jobs,
                    "points run at once, each in an engine process (default: one per core)")
        ->type_name("N")
        ->check(CLI::Range(1, 1024));
    job->add_flag("-q,--quiet", given.quiet, "no progress on stderr");
    addAsdlOptions(job);
    job->add_flag("--in-process", given.inProcess,
                  "run ngspice in this process (one point at a time), not in engine processes");
    job->add_option("--shard", shard, "run only shard K of N of the job's points")
        ->type_name("K/N");
    job->add_flag("--resume", cluster.resume,
                  "run only the points the store misses or holds as failed or interrupted");
    job->add_option("--resume-from", resumeFrom,
                    "--resume against this store (what an array task is given)")
        ->type_name("STORE.h5");
    job->add_flag("--slurm", cluster.slurm, "run as a Slurm job array, then merge the shards");
    job->add_option("--slurm-args", slurmArgs, "arguments for sbatch, split as a shell would")
        ->type_name("ARGS");
    job->add_option("--shards", cluster.shards, "array tasks (default: min(points, 64))")
        ->type_name("N")
        ->check(CLI::Range(1, 100000));
    job->add_flag("--no-wait", cluster.noWait, "print the array's id and return");
    job->allow_extras();

    auto* recover = cli.add_subcommand(
        "recover", "commit the runs a killed or crashed process left, as interrupted");
    detail(recover, kRecoverDetail);
    recover->add_option("STORE", given.design, "the store")->required()->type_name("STORE.h5");
    recover->allow_extras();

    auto* merge = cli.add_subcommand(
        "merge", "merge the shard stores of a job array (STORE.h5.shards/) into the store");
    detail(merge, kMergeDetail);
    merge->add_option("STORE", given.design, "the store")->required()->type_name("STORE.h5");
    merge->allow_extras();

    std::set<std::string> commands{"run", "tree", "job", "recover", "merge"};
    std::vector<CLI::App*> planned;
    for (const auto& command : kPlanned) {
        auto* app = cli.add_subcommand(command.name, std::string("not implemented yet (exit status "
                                                                 "2): ") +
                                                         command.what);
        app->allow_extras();
        planned.push_back(app);
        commands.insert(command.name);
    }

    auto reversed = LegacyCommandLine::toSubcommands(arguments, commands);
    std::reverse(reversed.begin(), reversed.end()); // CLI11 takes them last first
    try {
        cli.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        return {std::nullopt, cli.exit(e)};
    } catch (const CLI::CallForAllHelp& e) {
        return {std::nullopt, cli.exit(e)};
    } catch (const CLI::ParseError& e) {
        return usageError(e.what());
    }

    // The earlier parser's words for what a command does not take.
    for (const auto* command : {run, tree, job, recover, merge}) {
        const auto extras = command->remaining();
        if (!command->parsed() || extras.empty())
            continue;
        const std::string& extra = extras.front();
        const std::string error = extra.size() > 1 && extra[0] == '-'
                                      ? "unknown option " + extra
                                      : "more than one " +
                                            std::string(command == job       ? "job"
                                                        : command == recover ? "store"
                                                        : command == merge   ? "store"
                                                                             : "netlist") +
                                            " given: " + extra;
        return usageError(error);
    }
    for (size_t i = 0; i < planned.size(); ++i) {
        if (planned[i]->parsed()) {
            std::fprintf(stderr, "wavebench-run %s: not implemented yet: %s\n", kPlanned[i].name,
                         kPlanned[i].what);
            return {std::nullopt, 2};
        }
    }

    if (run->parsed() && !given.runIds.empty() && given.runIds.size() != given.designs.size())
        return usageError("--run-id given " + std::to_string(given.runIds.size()) +
                          " time(s) for " + std::to_string(given.designs.size()) +
                          " netlists: give one per NETLIST, in order, or none");
    if (run->parsed() && !given.emitted.empty() && given.designs.size() > 1)
        return usageError("--emitted names the netlist of one ASDL design; " +
                          std::to_string(given.designs.size()) + " netlists given");

    Options options;
    options.out = QString::fromStdString(given.out);
    options.probeMap = QString::fromStdString(given.probeMap);
    for (const auto& id : given.runIds)
        options.runIds << QString::fromStdString(id);
    options.emitted = QString::fromStdString(given.emitted);
    options.asdlrc = QString::fromStdString(given.asdlrc);
    options.asdlc = QString::fromStdString(given.asdlc);
    for (const auto& lib : given.libs)
        options.libs << QString::fromStdString(lib);
    for (const auto& cref : given.probes)
        options.probes << QString::fromStdString(cref);
    options.noCompiler = given.noCompiler;
    options.csv = QString::fromStdString(given.csv);
    options.quiet = given.quiet;
    options.inProcess = given.inProcess;
    options.json = given.json;
    options.jobs = given.jobs;
    if (given.tran.size() == 2)
        options.tran = TranSpec{given.tran[0], given.tran[1]};
    const bool slurmOnly = !slurmArgs.empty() || cluster.shards > 0 || cluster.noWait;
    if (job->parsed() && slurmOnly && !cluster.slurm)
        return usageError("--slurm-args, --shards and --no-wait go with --slurm");
    if (job->parsed() && cluster.slurm && !given.csv.empty())
        return usageError("--csv is written by a local job; after --slurm, read the table from "
                          "the merged store (python: wavebench.job_table)");
    if (job->parsed() && cluster.slurm && !shard.empty())
        return usageError("--shard is what each task of --slurm is given; not both");
    cluster.shard = QString::fromStdString(shard);
    cluster.resumeFrom = QString::fromStdString(resumeFrom);
    cluster.slurmArgs = QString::fromStdString(slurmArgs);
    options.cluster = cluster;
    if (merge->parsed()) {
        options.command = Command::Merge;
        options.out = QString::fromStdString(given.design);
    } else if (recover->parsed()) {
        options.command = Command::Recover;
        options.out = QString::fromStdString(given.design);
    } else if (job->parsed()) {
        options.command = Command::Job;
        options.job = QString::fromStdString(given.design);
    } else if (tree->parsed()) {
        options.command = Command::Tree;
        options.netlist = QString::fromStdString(given.design);
    } else {
        options.command = Command::Run;
        for (const auto& design : given.designs)
            options.netlists << QString::fromStdString(design);
        options.netlist = options.netlists.value(0);
    }
    return {options, 0};
}
