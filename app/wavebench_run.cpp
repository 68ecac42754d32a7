// wavebench-run: the headless front end (batch, CI, cluster job arrays). Same core as the GUI.
#include "app/command_line.h"
#include "core/base/phase_trace.h"
#include "core/base/spice_number.h"
#include "core/engine/design_reader.h"
#include "core/engine/engine_client.h"
#include "core/engine/run_handle.h"
#include "core/engine/run_planner.h"
#include "core/engine/sim_session.h"
#include "core/jobs/job_runner.h"
#include "core/jobs/job_selection.h"
#include "core/jobs/sim_job_spec.h"
#include "core/jobs/slurm_job.h"
#include "core/jobs/slurm_submitter.h"
#include "core/store/store_merge.h"
#include "core/store/store_paths.h"
#include "core/store/store_recovery.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unistd.h>
#include <unordered_map>

namespace {

std::atomic<bool> g_interrupted{false};

void onSignal(int) {
    g_interrupted = true;
}

using Options = CommandLine::Options;

int exitCodeOf(RunStatus status) {
    switch (status) {
    case RunStatus::Ok:
        return 0;
    case RunStatus::Missing:
        return 3;
    case RunStatus::Interrupted:
        return 4;
    default:
        return 1;
    }
}

std::string measurementText(const SimRun& run) {
    std::string text;
    for (const auto& [name, value] : run.measurements)
        text += "  " + name + "=" + spice_number::format(value);
    return text;
}

// ngspice in a wavebench-engine process (a crash in it fails the run, not wavebench-run),
// or with --in-process in this one.
Result<std::unique_ptr<RunSession>> makeSession(const Options& options) {
    using R = Result<std::unique_ptr<RunSession>>;
    if (options.inProcess) {
        auto session = SimSession::create();
        return session ? R(std::move(session.value())) : R::failure(session.error());
    }
    auto engine = EngineClient::create();
    return engine ? R(std::move(engine.value())) : R::failure(engine.error());
}

// What a killed or crashed process left in the store is committed (as interrupted) before a
// new run goes in; each run recovered is named, so that nobody wonders where it came from.
void announceRecovered(const std::string& store) {
    if (store.empty() || !QFileInfo::exists(QString::fromStdString(store)))
        return;
    auto recovered = StoreRecovery::recover(store);
    if (!recovered) {
        std::fprintf(stderr, "wavebench-run: %s\n", recovered.error().c_str());
        return;
    }
    for (const auto& run : recovered.value())
        std::fprintf(stderr, "wavebench-run: recovered run %s into %s: %s (%s)\n",
                     run.runId.c_str(), store.c_str(), run.status.c_str(), run.message.c_str());
}

// --shard, --resume, --resume-from: the points of the job this process runs (indices into
// expand()); nullopt: all of them.
Result<std::optional<std::vector<size_t>>> selectPoints(const SimJobSpec& spec,
                                                        const Options& options) {
    using R = Result<std::optional<std::vector<size_t>>>;
    const auto& cluster = options.cluster;
    if (cluster.shard.isEmpty() && !cluster.resume && cluster.resumeFrom.isEmpty())
        return std::optional<std::vector<size_t>>();
    auto runs = spec.expand();
    if (!runs)
        return R::failure(runs.error());
    auto points = JobSelection::all(runs->size());
    if (cluster.resume || !cluster.resumeFrom.isEmpty()) {
        const std::string against =
            cluster.resumeFrom.isEmpty()
                ? spec.storePath()
                : QFileInfo(cluster.resumeFrom).absoluteFilePath().toStdString();
        auto statuses = JobSelection::storedStatuses(against);
        if (!statuses)
            return R::failure(statuses.error());
        points = JobSelection::toResume(runs.value(), statuses.value());
    }
    if (!cluster.shard.isEmpty()) {
        auto shard = JobSelection::parseShard(cluster.shard.toStdString());
        if (!shard)
            return R::failure(shard.error());
        points = JobSelection::shard(points, shard.value());
    }
    return std::optional<std::vector<size_t>>(std::move(points));
}

// What a merge did, one line each; false when something could not be merged.
bool printMerge(const std::string& store, const Result<MergeReport>& merged) {
    if (!merged) {
        std::fprintf(stderr, "wavebench-run: %s\n", merged.error().c_str());
        return false;
    }
    for (const auto& run : merged->recovered)
        std::printf("recovered run %s from a shard: %s (%s)\n", run.runId.c_str(),
                    run.status.c_str(), run.message.c_str());
    for (const auto& problem : merged->problems)
        std::fprintf(stderr, "wavebench-run: %s\n", problem.c_str());
    std::printf("merged %d run%s into %s (%d there already, %d superseded) from %d shard%s; "
                "%zu removed\n",
                merged->copied + merged->superseded,
                merged->copied + merged->superseded == 1 ? "" : "s", store.c_str(),
                merged->alreadyThere, merged->superseded, merged->shards,
                merged->shards == 1 ? "" : "s", merged->shardsRemoved.size());
    std::fflush(stdout);
    return merged->problems.empty();
}

// merge: the shards of a job array into the store.
int mergeStore(const Options& options) {
    const std::string store = QFileInfo(options.out).absoluteFilePath().toStdString();
    return printMerge(store, StoreMerge::merge(store)) ? 0 : 1;
}

// The job of --job/`job`, into --out if given, after what a killed process left in its
// store is committed (and named); nothing (the error printed) when the spec does not load.
DesignOpenOptions openOptionsOf(const Options& options);

std::optional<SimJobSpec> loadJob(const Options& options) {
    auto spec = SimJobSpec::fromFile(options.job.toStdString());
    if (!spec) {
        std::fprintf(stderr, "wavebench-run: %s\n", spec.error().c_str());
        return std::nullopt;
    }
    if (!options.out.isEmpty())
        spec->setStorePath(QFileInfo(options.out).absoluteFilePath().toStdString());
    DesignOpenOptions open = openOptionsOf(options);
    if (open.asdlrcPath.empty()) // the spec's asdlrc: unless --asdlrc names another
        open.asdlrcPath = spec->designOptions().asdlrcPath;
    spec->setDesignOptions(open);
    announceRecovered(spec->storePath());
    return std::move(spec.value());
}

// How the job stands in its store after a merge: exit status 1 when points are missing (a
// task failed) or failed, 4 interrupted, 3 probes missing, else 0.
int reportJobInStore(const SimJobSpec& spec, const std::vector<SimRun>& runs) {
    SlurmJob::Outcome outcome;
    if (auto read = SlurmJob::standing(spec.storePath(), runs, outcome); !read) {
        std::fprintf(stderr, "wavebench-run: %s\n", read.error().c_str());
        return 1;
    }
    auto& count = outcome.counts;
    std::printf("job %s: %zu points, %d ok, %d failed, %d missing, %d interrupted, %d not in the "
                "store -> %s\n",
                spec.name().c_str(), runs.size(), count["ok"], count["failed"], count["missing"],
                count["interrupted"], count["absent"], spec.storePath().c_str());
    if (count["absent"] || count["failed"] || count["interrupted"])
        std::printf("`wavebench-run job %s --resume%s` runs the points not in the store, failed "
                    "or interrupted%s\n",
                    spec.origin().c_str(), " --slurm",
                    count["absent"] ? " (a task that failed or was killed leaves its points out)"
                                    : "");
    return count["absent"] || count["failed"] ? 1
           : count["interrupted"]             ? 4
           : count["missing"]                 ? 3
                                              : 0;
}

// --slurm: one job array, a task per shard, each into its shard store; waits, showing the
// runs landed in the shards, then merges. --no-wait: prints the array id and returns.
int runJobOnSlurm(const Options& options) {
    auto spec = loadJob(options);
    if (!spec)
        return 1;
    const std::string store = spec->storePath();
    const auto& cluster = options.cluster;
    SlurmJob::Choice choice;
    choice.resume = cluster.resume;
    choice.shards = cluster.shards;
    choice.workersPerTask = options.jobs;
    choice.slurmArgs = cluster.slurmArgs.toStdString();
    choice.wavebenchRun = QCoreApplication::applicationFilePath().toStdString();
    auto plan = SlurmJob::plan(spec.value(), choice);
    if (!plan) {
        std::fprintf(stderr, "wavebench-run: %s\n", plan.error().c_str());
        return 1;
    }
    if (plan->earlierMerge)
        printMerge(store, plan->earlierMerge.value());
    const auto& points = plan->points;
    const auto& runs = plan->runs;
    if (points.empty()) {
        std::printf("job %s: nothing to run -> %s\n", spec->name().c_str(), store.c_str());
        return 0;
    }
    const auto& request = plan->request;
    // A task's job file names the store; --out does not reach it, the shard store does.
    auto submitted = SlurmSubmitter::submit(request);
    if (!submitted) {
        std::fprintf(stderr, "wavebench-run: %s\n", submitted.error().c_str());
        return 1;
    }
    std::printf("slurm array %s: %d tasks for %zu points -> %s\n", submitted->arrayId.c_str(),
                submitted->shards, points.size(), store_paths::shardsDir(store).c_str());
    std::fflush(stdout);
    if (cluster.noWait) {
        std::printf("`wavebench-run merge %s` merges the shards once the array is done\n",
                    store.c_str());
        return 0;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::string last;
    while (true) {
        auto progress = SlurmSubmitter::poll(request, submitted.value());
        if (!progress) {
            std::fprintf(stderr, "wavebench-run: %s\n", progress.error().c_str());
            return 1;
        }
        const std::string line = "slurm array " + submitted->arrayId + ": " +
                                 std::to_string(progress->runsLanded) + "/" +
                                 std::to_string(points.size()) + " runs landed, " +
                                 std::to_string(progress->running) + " tasks running, " +
                                 std::to_string(progress->pending) + " pending";
        if (!options.quiet && line != last)
            std::fprintf(stderr, "%s\n", line.c_str());
        last = line;
        if (progress->finished)
            break;
        for (int i = 0; i < 10 && !g_interrupted; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (g_interrupted) {
            std::fprintf(stderr,
                         "\nwavebench-run: the array %s keeps running (scancel %s stops it); "
                         "`wavebench-run merge %s` merges its shards once it is done\n",
                         submitted->arrayId.c_str(), submitted->arrayId.c_str(), store.c_str());
            return 4;
        }
    }
    const bool merged = printMerge(store, StoreMerge::merge(store));
    const int status = reportJobInStore(spec.value(), runs);
    return merged ? status : 1;
}

// --job: every run of the job, one line each; the exit status is the worst run's.
int runJob(QCoreApplication& app, const Options& options) {
    auto spec = loadJob(options);
    if (!spec)
        return 1;
    auto selected = selectPoints(spec.value(), options);
    if (!selected) {
        std::fprintf(stderr, "wavebench-run: %s\n", selected.error().c_str());
        return 1;
    }
    JobRunner::Options runnerOptions;
    if (selected->has_value()) {
        if (selected->value().empty()) {
            std::printf("job %s: nothing to run -> %s\n", spec->name().c_str(),
                        spec->storePath().c_str());
            return 0;
        }
        runnerOptions.points = selected->value();
    }
    auto session = makeSession(options);
    if (!session) {
        std::fprintf(stderr, "wavebench-run: %s\n", session.error().c_str());
        return 1;
    }
    const bool quiet = options.quiet;
    int exitCode = 1;
    {
        // ngspice is one per process: in-process, a job runs one point at a time.
        JobRunner::Options jobOptions = runnerOptions;
        jobOptions.workers = options.jobs > 0 ? options.jobs : QThread::idealThreadCount();
        if (options.inProcess && options.jobs > 1)
            std::fprintf(stderr,
                         "wavebench-run: --in-process runs one point at a time "
                         "(ngspice is one per process); --jobs %d ignored\n",
                         options.jobs);
        JobRunner::SessionFactory moreWorkers;
        if (!options.inProcess)
            moreWorkers = [] { return makeSession(Options{}); };
        JobRunner queue(*session.value(), moreWorkers);
        // Runs are numbered within what this process runs (a shard, a resume: a part of the
        // job), looked up by their index in the job.
        std::unordered_map<int, int> positionOf;
        QObject::connect(&queue, &JobRunner::accepted, &app, [&] {
            for (size_t i = 0; i < queue.runs().size(); ++i)
                positionOf[queue.runs()[i].index] = static_cast<int>(i);
            for (const auto& error : queue.workerErrors())
                std::fprintf(stderr, "wavebench-run: a worker did not start: %s\n", error.c_str());
        });
        QObject::connect(&queue, &JobRunner::progress, &app,
                         [quiet](int index, int count, const QString& runId) {
                             if (!quiet)
                                 std::fprintf(stderr, "run %d/%d %s ...\n", index + 1, count,
                                              qPrintable(runId));
                         });
        QObject::connect(&queue, &JobRunner::runFinished, &app, [&](const SimRun& run) {
            const int position = positionOf[run.index];
            const int count = static_cast<int>(queue.runs().size());
            std::printf("run %d/%d %s: %s%s\n", position + 1, count, run.runId.c_str(),
                        run.skipped ? "skipped" : toString(run.status).c_str(),
                        measurementText(run).c_str());
            std::fflush(stdout);
            if (run.status != RunStatus::Ok && !run.skipped && !run.message.empty())
                std::fprintf(stderr, "%s\n", run.message.c_str());
        });
        QObject::connect(&queue, &JobRunner::finished, &app, [&](const JobSummary& summary) {
            std::printf("job %s: %zu runs, %d ok, %d failed, %d missing, %d interrupted, %d "
                        "skipped -> %s\n",
                        summary.job.c_str(), summary.runs.size(), summary.count(RunStatus::Ok),
                        summary.count(RunStatus::Failed), summary.count(RunStatus::Missing),
                        summary.count(RunStatus::Interrupted) - summary.skipped(),
                        summary.skipped(), summary.storePath.c_str());
            exitCode = summary.count(RunStatus::Failed)        ? 1
                       : summary.count(RunStatus::Interrupted) ? 4
                       : summary.count(RunStatus::Missing)     ? 3
                                                               : 0;
            if (!options.csv.isEmpty()) {
                if (auto written = summary.writeMeasurementsCsv(options.csv.toStdString())) {
                    std::printf("measurements -> %s\n", qPrintable(options.csv));
                } else {
                    std::fprintf(stderr, "wavebench-run: %s\n", written.error().c_str());
                    exitCode = 1;
                }
            }
            app.quit();
        });
        // Refused before anything ran (the store holds the job's runs, say): exit status 1.
        QObject::connect(&queue, &JobRunner::refused, &app, [&](const QString& why) {
            std::fprintf(stderr, "wavebench-run: %s\n", qPrintable(why));
            exitCode = 1;
            app.quit();
        });
        queue.start(spec.value(), jobOptions);
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
        QTimer interruptPoll;
        QObject::connect(&interruptPoll, &QTimer::timeout, &app, [&] {
            if (g_interrupted.exchange(false)) {
                std::fprintf(stderr, "\nwavebench-run: stopping the job; partial data is kept\n");
                queue.stop();
            }
        });
        interruptPoll.start(100);
        app.exec();
    }
    return exitCode;
}

// recover: the same, on its own; exit status 1 when something could not be recovered.
int recoverStore(const Options& options) {
    const std::string store = options.out.toStdString();
    if (!QFileInfo::exists(options.out) && !QFileInfo::exists(options.out + ".parts")) {
        std::fprintf(stderr, "wavebench-run: %s: no such store\n", store.c_str());
        return 1;
    }
    auto recovered = StoreRecovery::recover(store);
    if (!recovered) {
        std::fprintf(stderr, "wavebench-run: %s\n", recovered.error().c_str());
        return 1;
    }
    for (const auto& run : recovered.value())
        std::printf("recovered run %s: %s (%s)\n", run.runId.c_str(), run.status.c_str(),
                    run.message.c_str());
    std::printf("%s: %zu run%s recovered\n", store.c_str(), recovered->size(),
                recovered->size() == 1 ? "" : "s");
    return 0;
}

DesignOpenOptions openOptionsOf(const Options& options) {
    DesignOpenOptions open;
    open.asdlrcPath = options.asdlrc.toStdString();
    open.asdlcPath = options.asdlc.toStdString();
    for (const auto& lib : options.libs)
        open.libRoots.push_back(lib.toStdString());
    open.emittedNetlist = options.emitted.toStdString();
    open.useCompiler = !options.noCompiler;
    return open;
}

// tree: the design's hierarchy, one node a line or tree.json. A design that cannot run
// still prints; what keeps it from running goes to stderr.
int printTree(const Options& options) {
    const std::string path = options.netlist.toStdString();
    auto opened = DesignReader::open(path, openOptionsOf(options));
    if (!opened) {
        std::fprintf(stderr, "wavebench-run: %s\n", opened.error().c_str());
        return 1;
    }
    if (!opened->treeProblem.empty()) {
        std::fprintf(stderr, "wavebench-run: %s\n", opened->treeProblem.c_str());
        return 1;
    }
    if (!opened->note.empty())
        std::fprintf(stderr, "wavebench-run: note: %s\n", opened->note.c_str());
    if (!opened->notRunnable.empty())
        std::fprintf(stderr, "wavebench-run: note: cannot run: %s\n", opened->notRunnable.c_str());
    if (options.json)
        opened->tree.writeJson(
            [](std::string_view piece) { std::fwrite(piece.data(), 1, piece.size(), stdout); });
    else
        std::fputs(opened->tree.toText().c_str(), stdout);
    // Nothing follows but the exit, and freeing a 30,000-instance design's 470,000 nodes
    // one string at a time costs 0.5 s of it.
    const bool written = std::fflush(stdout) == 0 && std::fflush(stderr) == 0;
    std::_Exit(written ? 0 : 1);
}

// The worst of several runs' exit statuses, as a job ranks them: failed, then interrupted,
// then probes missing, then ok.
int worseExitCode(int a, int b) {
    for (int code : {1, 4, 3})
        if (a == code || b == code)
            return code;
    return 0;
}

// run: each design, in order, one run each into its store, through one session (one
// engine). Each run starts from a freshly loaded ngspice; a design that fails does not stop
// the ones after it, Ctrl-C does. The exit status is the worst run's.
int runDesigns(QCoreApplication& app, const Options& options) {
    auto planningOf = [&options](int index) {
        RunPlanner::Options wanted;
        wanted.designPath = options.netlists[index].toStdString();
        wanted.emittedNetlist = options.emitted.toStdString();
        wanted.storePath = options.out.toStdString();
        wanted.runId = options.runIds.value(index).toStdString();
        wanted.tran = options.tran;
        wanted.probeMapPath = options.probeMap.toStdString();
        wanted.open = openOptionsOf(options);
        for (const auto& cref : options.probes)
            wanted.probes.push_back(cref.toStdString());
        return wanted;
    };
    // The first design is planned (read, its tree built and serialised: 15 ms for a
    // 1000-section ladder) while the engine process starts and loads ngspice (10 ms), not
    // after it.
    std::future<Result<RunPlanner::Plan>> firstPlan;
    if (!options.netlists.isEmpty())
        firstPlan = std::async(std::launch::async,
                               [wanted = planningOf(0)] { return RunPlanner::planFile(wanted); });
    auto session = makeSession(options);
    if (!session) {
        std::fprintf(stderr, "wavebench-run: %s\n", session.error().c_str());
        return 1;
    }
    const bool tty = isatty(fileno(stderr));
    const bool quiet = options.quiet;
    const int count = static_cast<int>(options.netlists.size());
    int exitCode = 0;
    int next = 0;
    std::map<RunStatus, int> outcomes; // a design that could not be planned counts as failed
    bool stopping = false;
    std::shared_ptr<RunHandle> handle;
    std::set<std::string> announced; // the stores recovered already

    // Plans and submits the next design; a design that cannot be planned (a missing file,
    // an ASDL design that cannot be read) fails without a run, and the next one follows.
    std::function<void()> startNext = [&] {
        handle.reset();
        while (next < count && !stopping) {
            const int index = next++;
            auto planned = index == 0 && firstPlan.valid()
                               ? firstPlan.get()
                               : RunPlanner::planFile(planningOf(index));
            phase_trace::mark("front: planned");
            if (!planned) {
                std::fprintf(stderr, "wavebench-run: %s\n", planned.error().c_str());
                exitCode = worseExitCode(exitCode, 1);
                ++outcomes[RunStatus::Failed];
                continue;
            }
            if (!planned->compiler.empty() && !options.quiet)
                std::fprintf(
                    stderr, "wavebench-run: %s: %s (%s)\n", qPrintable(options.netlists[index]),
                    planned->compileReused ? "compiled already, sources unchanged" : "compiled",
                    planned->compiler.c_str());
            if (!planned->note.empty())
                std::fprintf(stderr, "wavebench-run: note: %s\n", planned->note.c_str());
            if (!planned->tree)
                std::fprintf(stderr,
                             "wavebench-run: note: no hierarchy for %s (%s); "
                             "vectors get their default crefs\n",
                             qPrintable(options.netlists[index]), planned->treeProblem.c_str());
            const QString out = QString::fromStdString(planned->request.storePath);
            if (announced.insert(planned->request.storePath).second)
                announceRecovered(planned->request.storePath);
            phase_trace::mark("front: submit");
            // The tree and the request's texts are let go as they are handed on: the front
            // end's peak holds one copy of a tree.json of megabytes, not three.
            planned->tree.reset();
            handle = session.value()->submit(std::move(planned->request), [&, out](RunHandle& run) {
                QObject::connect(
                    &run, &RunHandle::progress, &app,
                    [tty, quiet, lastDecile = -1](double percent, const QString& text) mutable {
                        if (quiet || percent < 0)
                            return;
                        if (tty) {
                            std::fprintf(stderr, "\r%-40s", qPrintable(text));
                            std::fflush(stderr);
                        } else if (static_cast<int>(percent / 10) != lastDecile) {
                            lastDecile = static_cast<int>(percent / 10);
                            std::fprintf(stderr, "%s\n", qPrintable(text));
                        }
                    });
                QObject::connect(&run, &RunHandle::finished, &app,
                                 [&, out, raw = &run](RunStatus status, const QString& message) {
                                     phase_trace::mark("front: finished");
                                     if (tty && !quiet)
                                         std::fprintf(stderr, "\r%-40s\r", "");
                                     const QString ids = raw->runIds().join(", ");
                                     std::printf("run %s: %s, %lld points -> %s (group /runs/%s)\n",
                                                 qPrintable(raw->runId()), toString(status).c_str(),
                                                 raw->points(), qPrintable(out),
                                                 qPrintable(ids.isEmpty() ? raw->runId() : ids));
                                     std::fflush(stdout);
                                     if (!message.isEmpty())
                                         std::fprintf(status == RunStatus::Ok ? stdout : stderr,
                                                      "%s\n", qPrintable(message));
                                     exitCode = worseExitCode(exitCode, exitCodeOf(status));
                                     ++outcomes[status];
                                     // Queued: the handle that emitted this is released in
                                     // startNext.
                                     QMetaObject::invokeMethod(&app, startNext,
                                                               Qt::QueuedConnection);
                                 });
            });
            return;
        }
        if (count > 1) {
            std::printf("%d netlists: %d ok, %d failed, %d missing, %d interrupted, %d not run\n",
                        count, outcomes[RunStatus::Ok], outcomes[RunStatus::Failed],
                        outcomes[RunStatus::Missing], outcomes[RunStatus::Interrupted],
                        count - next);
        }
        app.quit();
    };

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, &app, [&] {
        if (g_interrupted.exchange(false)) {
            std::fprintf(stderr, "\nwavebench-run: stopping; partial data is kept%s\n",
                         next < count ? ", the netlists after this one are not run" : "");
            stopping = true;
            session.value()->stop();
        }
    });
    interruptPoll.start(100);
    QMetaObject::invokeMethod(&app, startNext, Qt::QueuedConnection);
    app.exec(); // also when already finished: the queued finished() ends the loop
    if (stopping && next < count)
        exitCode = worseExitCode(exitCode, 4); // netlists left not run
    return exitCode;
}

} // namespace

int main(int argc, char** argv) {
    phase_trace::mark("front: main");
    QCoreApplication app(argc, argv);
    std::setlocale(LC_NUMERIC, "C"); // ngspice parses numbers with the C locale
    // A file-size limit (ulimit -f, a quota) makes a write fail with EFBIG, which the store
    // reports naming the file, instead of killing the process mid-write.
    std::signal(SIGXFSZ, SIG_IGN);
    const auto parsed = CommandLine::parse(std::vector<std::string>(argv + 1, argv + argc));
    if (!parsed.options)
        return parsed.exitStatus;
    const Options& options = *parsed.options;
    switch (options.command) {
    case CommandLine::Command::Job:
        return options.cluster.slurm ? runJobOnSlurm(options) : runJob(app, options);
    case CommandLine::Command::Merge:
        return mergeStore(options);
    case CommandLine::Command::Tree:
        return printTree(options);
    case CommandLine::Command::Recover:
        return recoverStore(options);
    case CommandLine::Command::Run:
        break;
    }
    return runDesigns(app, options);
}
