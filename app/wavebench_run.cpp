// wavebench-run: the headless front end (batch, CI, cluster job arrays). Same core as the GUI.
#include "app/command_line.h"
#include "core/base/spice_number.h"
#include "core/engine/design_reader.h"
#include "core/engine/engine_client.h"
#include "core/engine/run_handle.h"
#include "core/engine/run_planner.h"
#include "core/engine/sim_session.h"
#include "core/jobs/job_runner.h"
#include "core/jobs/sim_job_spec.h"
#include "core/store/store_recovery.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QThread>
#include <QTimer>
#include <atomic>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <unistd.h>

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

// --job: every run of the job, one line each; the exit status is the worst run's.
int runJob(QCoreApplication& app, const Options& options) {
    auto spec = SimJobSpec::fromFile(options.job.toStdString());
    if (!spec) {
        std::fprintf(stderr, "wavebench-run: %s\n", spec.error().c_str());
        return 1;
    }
    if (!options.out.isEmpty())
        spec->setStorePath(QFileInfo(options.out).absoluteFilePath().toStdString());
    announceRecovered(spec->storePath());
    auto session = makeSession(options);
    if (!session) {
        std::fprintf(stderr, "wavebench-run: %s\n", session.error().c_str());
        return 1;
    }
    const bool quiet = options.quiet;
    int exitCode = 1;
    {
        // ngspice is one per process: in-process, a job runs one point at a time.
        JobRunner::Options jobOptions;
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
        QObject::connect(&queue, &JobRunner::accepted, &app, [&] {
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
            const int count = static_cast<int>(queue.runs().size());
            std::printf("run %d/%d %s: %s%s\n", run.index + 1, count, run.runId.c_str(),
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

// tree: the design's hierarchy, one node a line or tree.json.
int printTree(const Options& options) {
    auto tree = DesignReader::read(options.netlist.toStdString(), options.emitted.toStdString());
    if (!tree) {
        std::fprintf(stderr, "wavebench-run: %s\n", tree.error().c_str());
        return 1;
    }
    std::fputs((options.json ? tree->toJson() : tree->toText()).c_str(), stdout);
    return 0;
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
            RunPlanner::Options wanted;
            wanted.designPath = options.netlists[index].toStdString();
            wanted.emittedNetlist = options.emitted.toStdString();
            wanted.storePath = options.out.toStdString();
            wanted.runId = options.runIds.value(index).toStdString();
            wanted.tran = options.tran;
            wanted.probeMapPath = options.probeMap.toStdString();
            auto planned = RunPlanner::planFile(wanted);
            if (!planned) {
                std::fprintf(stderr, "wavebench-run: %s\n", planned.error().c_str());
                exitCode = worseExitCode(exitCode, 1);
                ++outcomes[RunStatus::Failed];
                continue;
            }
            if (!planned->tree)
                std::fprintf(stderr,
                             "wavebench-run: note: no hierarchy for %s (%s); "
                             "vectors get their default crefs\n",
                             qPrintable(options.netlists[index]), planned->treeProblem.c_str());
            const QString out = QString::fromStdString(planned->request.storePath);
            if (announced.insert(planned->request.storePath).second)
                announceRecovered(planned->request.storePath);
            handle = session.value()->submit(planned->request, [&, out](RunHandle& run) {
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
        return runJob(app, options);
    case CommandLine::Command::Tree:
        return printTree(options);
    case CommandLine::Command::Recover:
        return recoverStore(options);
    case CommandLine::Command::Run:
        break;
    }
    return runDesigns(app, options);
}
