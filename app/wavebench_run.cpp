// wavebench-run: the headless front end (batch, CI, cluster job arrays). Same core as the GUI.
#include "core/base/spice_number.h"
#include "core/crefs/probe_map.h"
#include "core/engine/design_reader.h"
#include "core/engine/run_handle.h"
#include "core/engine/sim_session.h"
#include "core/jobs/job_runner.h"
#include "core/jobs/sim_job_spec.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTimer>
#include <atomic>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace {

std::atomic<bool> g_interrupted{false};

void onSignal(int) {
    g_interrupted = true;
}

const char* kUsage =
    "usage: wavebench-run NETLIST [--tran STEP STOP] [--probe-map FILE] [--out FILE.h5]\n"
    "                     [--run-id ID] [--quiet]\n"
    "       wavebench-run --tree DESIGN [--json] [--emitted NETLIST]\n"
    "       wavebench-run --job SPEC.yaml [--out FILE.h5] [--csv FILE.csv] [--quiet]\n"
    "\n"
    "NETLIST may be an ASDL design (.asdl): its emitted netlist (the .spice beside it, or\n"
    "--emitted) runs and every vector is stored under its ASDL cref.\n"
    "--tree prints the design hierarchy, one node a line (cref, kind, ngspice vector), or\n"
    "with --json the tree.json form.\n"
    "\n"
    "Runs NETLIST in the embedded ngspice and streams every node voltage, source current and\n"
    "probed device parameter into FILE.h5 (default: NETLIST's name with .h5, beside it).\n"
    "--tran replaces the netlist's own analyses; without it they run as written.\n"
    "--job runs every point of a job (sweeps, corners, Monte Carlo; see README) one after\n"
    "another into the job's store (or --out), prints one line per run and, with --csv,\n"
    "writes the measurements of all runs as a table.\n"
    "Exit status: 0 ok, 1 failed, 2 usage, 3 probes missing, 4 interrupted.\n";

struct Options {
    QString netlist;
    QString out;
    QString probeMap;
    QString runId;
    QString emitted;
    QString job;
    QString csv;
    std::optional<TranSpec> tran;
    bool quiet = false;
    bool tree = false;
    bool json = false;
};

std::optional<Options> parse(const QStringList& args, QString& error) {
    Options options;
    for (int i = 1; i < args.size(); ++i) {
        const QString& arg = args[i];
        auto value = [&](const char* name) -> std::optional<QString> {
            if (i + 1 >= args.size()) {
                error = QString("%1 needs a value").arg(name);
                return std::nullopt;
            }
            return args[++i];
        };
        if (arg == "--help" || arg == "-h") {
            error.clear();
            return std::nullopt;
        } else if (arg == "--tran") {
            if (i + 2 >= args.size()) {
                error = "--tran needs STEP and STOP";
                return std::nullopt;
            }
            options.tran = TranSpec{args[i + 1].toStdString(), args[i + 2].toStdString()};
            i += 2;
        } else if (arg == "--out" || arg == "-o") {
            auto v = value("--out");
            if (!v)
                return std::nullopt;
            options.out = *v;
        } else if (arg == "--probe-map") {
            auto v = value("--probe-map");
            if (!v)
                return std::nullopt;
            options.probeMap = *v;
        } else if (arg == "--run-id") {
            auto v = value("--run-id");
            if (!v)
                return std::nullopt;
            options.runId = *v;
        } else if (arg == "--emitted") {
            auto v = value("--emitted");
            if (!v)
                return std::nullopt;
            options.emitted = *v;
        } else if (arg == "--job") {
            auto v = value("--job");
            if (!v)
                return std::nullopt;
            options.job = *v;
        } else if (arg == "--csv") {
            auto v = value("--csv");
            if (!v)
                return std::nullopt;
            options.csv = *v;
        } else if (arg == "--tree") {
            options.tree = true;
        } else if (arg == "--json") {
            options.json = true;
        } else if (arg == "--quiet" || arg == "-q") {
            options.quiet = true;
        } else if (arg.startsWith("-")) {
            error = "unknown option " + arg;
            return std::nullopt;
        } else if (options.netlist.isEmpty()) {
            options.netlist = arg;
        } else {
            error = "more than one netlist given: " + arg;
            return std::nullopt;
        }
    }
    if (!options.job.isEmpty()) {
        // The job names its netlist, analysis, probe map and run ids itself.
        if (!options.netlist.isEmpty() || options.tran || !options.probeMap.isEmpty() ||
            !options.runId.isEmpty() || options.tree) {
            error = "--job takes no netlist, --tran, --probe-map, --run-id or --tree (the "
                    "job file names them)";
            return std::nullopt;
        }
        return options;
    }
    if (!options.csv.isEmpty()) {
        error = "--csv goes with --job";
        return std::nullopt;
    }
    if (options.netlist.isEmpty()) {
        error = "no netlist given";
        return std::nullopt;
    }
    if (options.out.isEmpty()) {
        QFileInfo info(options.netlist);
        options.out = info.absolutePath() + "/" + info.completeBaseName() + ".h5";
    }
    return options;
}

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

// --job: every run of the job, one line each; the exit status is the worst run's.
int runJob(QCoreApplication& app, const Options& options) {
    auto spec = SimJobSpec::fromFile(options.job.toStdString());
    if (!spec) {
        std::fprintf(stderr, "wavebench-run: %s\n", spec.error().c_str());
        return 1;
    }
    if (!options.out.isEmpty())
        spec->setStorePath(QFileInfo(options.out).absoluteFilePath().toStdString());
    auto session = SimSession::create();
    if (!session) {
        std::fprintf(stderr, "wavebench-run: %s\n", session.error().c_str());
        return 1;
    }
    const bool quiet = options.quiet;
    int exitCode = 1;
    {
        JobRunner queue(*session.value());
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
        auto started = queue.start(spec.value());
        if (!started) {
            std::fprintf(stderr, "wavebench-run: %s\n", started.error().c_str());
            return 1;
        }
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

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    std::setlocale(LC_NUMERIC, "C"); // ngspice parses numbers with the C locale
    QString error;
    auto options = parse(app.arguments(), error);
    if (!options) {
        if (error.isEmpty()) {
            std::fputs(kUsage, stdout);
            return 0;
        }
        std::fprintf(stderr, "wavebench-run: %s\n\n%s", qPrintable(error), kUsage);
        return 2;
    }
    if (!options->job.isEmpty())
        return runJob(app, *options);
    if (!QFileInfo(options->netlist).isFile()) {
        std::fprintf(stderr, "wavebench-run: %s: no such file\n", qPrintable(options->netlist));
        return 1;
    }
    // The design's hierarchy: printed with --tree, stored with every run (tree.json) and
    // the source of the crefs that differ from ngspice's names (ASDL, port nets).
    const std::string design = options->netlist.toStdString();
    auto tree = DesignReader::read(design, options->emitted.toStdString());
    if (options->tree) {
        if (!tree) {
            std::fprintf(stderr, "wavebench-run: %s\n", tree.error().c_str());
            return 1;
        }
        std::fputs((options->json ? tree->toJson() : tree->toText()).c_str(), stdout);
        return 0;
    }
    std::string netlistPath = design;
    if (DesignReader::isAsdl(design)) {
        if (!tree) {
            std::fprintf(stderr, "wavebench-run: %s\n", tree.error().c_str());
            return 1;
        }
        QFileInfo info(options->netlist);
        netlistPath =
            !options->emitted.isEmpty()
                ? options->emitted.toStdString()
                : (info.absolutePath() + "/" + info.completeBaseName() + ".spice").toStdString();
    } else if (!tree) {
        std::fprintf(stderr,
                     "wavebench-run: note: no hierarchy for this netlist (%s); "
                     "vectors get their default crefs\n",
                     tree.error().c_str());
    }

    RunRequest request;
    request.netlistPath = netlistPath;
    request.storePath = options->out.toStdString();
    request.runId = options->runId.toStdString();
    request.tran = options->tran;
    if (!options->probeMap.isEmpty()) {
        auto map = ProbeMap::loadFile(options->probeMap.toStdString());
        if (!map) {
            std::fprintf(stderr, "wavebench-run: %s\n", map.error().c_str());
            return 1;
        }
        request.probeMap = map.value();
    }
    if (tree) {
        request.treeJson = tree->toJson();
        request.probeMap = tree->probeMapFor(request.probeMap);
    }

    auto session = SimSession::create();
    if (!session) {
        std::fprintf(stderr, "wavebench-run: %s\n", session.error().c_str());
        return 1;
    }
    const bool tty = isatty(fileno(stderr));
    const bool quiet = options->quiet;
    int exitCode = 1;
    std::shared_ptr<RunHandle> handle;
    handle = session.value()->submit(request, [&](RunHandle& run) {
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
                         [&](RunStatus status, const QString& message) {
                             if (tty && !quiet)
                                 std::fprintf(stderr, "\r%-40s\r", "");
                             const QString ids = run.runIds().join(", ");
                             std::printf("run %s: %s, %lld points -> %s (group /runs/%s)\n",
                                         qPrintable(run.runId()), toString(status).c_str(),
                                         run.points(), qPrintable(options->out),
                                         qPrintable(ids.isEmpty() ? run.runId() : ids));
                             if (!message.isEmpty())
                                 std::fprintf(status == RunStatus::Ok ? stdout : stderr, "%s\n",
                                              qPrintable(message));
                             exitCode = exitCodeOf(status);
                             app.quit();
                         });
    });

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, &app, [&] {
        if (g_interrupted.exchange(false)) {
            std::fprintf(stderr, "\nwavebench-run: stopping; partial data is kept\n");
            session.value()->stop();
        }
    });
    interruptPoll.start(100);
    app.exec(); // also when already finished: the queued finished() ends the loop
    return exitCode;
}
