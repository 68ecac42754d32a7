#include "core/jobs/slurm_submitter.h"

#include "core/store/result_store.h"
#include "core/store/store_paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <algorithm>

namespace {

// 'text' for sh, whatever it holds.
std::string shellQuoted(const std::string& text) {
    std::string quoted = "'";
    for (char c : text)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

struct Finished {
    int exitCode = 0;
    std::string out, err;
};

// Runs a Slurm command; errors name the command line and what it printed.
Result<Finished> runCommand(const std::string& program, const QStringList& arguments,
                            int timeoutSeconds) {
    using R = Result<Finished>;
    const std::string line = program + " " + arguments.join(QLatin1Char(' ')).toStdString();
    QProcess process;
    process.start(QString::fromStdString(program), arguments);
    if (!process.waitForStarted(timeoutSeconds * 1000))
        return R::failure(
            "cannot run `" + line + "`: " +
            (process.error() == QProcess::FailedToStart
                 ? program + " not found (is Slurm's client, slurm-client, installed and on PATH?)"
                 : process.errorString().toStdString()));
    if (!process.waitForFinished(timeoutSeconds * 1000)) {
        process.kill();
        process.waitForFinished(5000);
        return R::failure("`" + line + "` did not answer within " + std::to_string(timeoutSeconds) +
                          " s (is slurmctld reachable?)");
    }
    Finished done;
    done.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    done.out = QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed().toStdString();
    done.err = QString::fromLocal8Bit(process.readAllStandardError()).trimmed().toStdString();
    if (done.exitCode != 0 && done.err.find("Invalid job id") == std::string::npos)
        return R::failure("`" + line + "` failed (exit status " + std::to_string(done.exitCode) +
                          ")" + (done.err.empty() ? "" : ": " + done.err));
    return done;
}

} // namespace

int SlurmSubmitter::defaultShards(size_t points) {
    return static_cast<int>(std::clamp<size_t>(points, 1, 64));
}

Result<QStringList> SlurmSubmitter::splitArguments(const std::string& text) {
    const QString given = QString::fromStdString(text);
    const QStringList split = QProcess::splitCommand(given);
    // splitCommand drops an unterminated quote silently; count them to say so.
    if (given.count('"') % 2 != 0)
        return Result<QStringList>::failure("--slurm-args \"" + text + "\": unterminated quote");
    return split;
}

namespace {
std::string designArguments(const QStringList& arguments) {
    std::string out;
    for (const auto& argument : arguments)
        out += " " + shellQuoted(argument.toStdString());
    return out;
}
} // namespace

std::string SlurmSubmitter::batchScript(const Request& request) {
    const std::string shards = store_paths::shardsDir(request.store);
    const std::string count = std::to_string(request.shards);
    std::string script = "#!/bin/sh\n"
                         "# Written by wavebench-run --slurm: task k of the array runs shard k/" +
                         count + " of the job\n# into its own shard store; `wavebench-run merge " +
                         request.store + "` merges them.\n";
    script += "#SBATCH --job-name=wavebench\n";
    script += "#SBATCH --output=" + shards + "/task-%a.log\n";
    const std::string workers = std::to_string(request.workersPerTask);
    if (request.workersPerTask > 0)
        script += "#SBATCH --cpus-per-task=" + workers + "\n";
    script += "exec " + shellQuoted(request.wavebenchRun) + " job " +
              shellQuoted(request.specPath) + " --shard \"$SLURM_ARRAY_TASK_ID/" + count +
              "\" --out " + shellQuoted(shards) + "\"/task-$SLURM_ARRAY_TASK_ID.h5\"" +
              (request.resume ? " --resume-from " + shellQuoted(request.store) : "") +
              designArguments(request.designArgs) + " --jobs " +
              (request.workersPerTask > 0 ? workers : std::string("1")) + " --quiet\n";
    return script;
}

Result<SlurmSubmitter::Submitted> SlurmSubmitter::submit(const Request& request) {
    using R = Result<Submitted>;
    const QString shards = QString::fromStdString(store_paths::shardsDir(request.store));
    if (!QDir().mkpath(shards))
        return R::failure(shards.toStdString() + ": cannot create the shards' folder");
    Submitted submitted;
    submitted.shards = request.shards;
    submitted.script = (shards + "/array.sh").toStdString();
    QFile file(QString::fromStdString(submitted.script));
    const std::string text = batchScript(request);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(text.data(), static_cast<qint64>(text.size())) !=
            static_cast<qint64>(text.size()))
        return R::failure(submitted.script +
                          ": cannot write the batch script: " + file.errorString().toStdString());
    file.close();
    QStringList arguments{"--parsable", "--array=0-" + QString::number(request.shards - 1)};
    arguments << request.slurmArgs << QString::fromStdString(submitted.script);
    auto done = runCommand(request.sbatch, arguments, request.timeoutSeconds);
    if (!done)
        return R::failure(done.error());
    // --parsable: "<id>" or "<id>;<cluster>"
    submitted.arrayId = done->out.substr(0, done->out.find(';'));
    if (submitted.arrayId.empty() ||
        !std::all_of(submitted.arrayId.begin(), submitted.arrayId.end(), ::isdigit))
        return R::failure(request.sbatch + " printed no job id: \"" + done->out + "\" " +
                          done->err);
    return submitted;
}

Result<SlurmSubmitter::Progress> SlurmSubmitter::poll(const Request& request,
                                                      const Submitted& submitted) {
    using R = Result<Progress>;
    Progress progress;
    auto listed = runCommand(request.squeue,
                             {"--noheader", "--array", "--jobs",
                              QString::fromStdString(submitted.arrayId), "--format", "%T"},
                             request.timeoutSeconds);
    if (!listed)
        return R::failure(listed.error());
    const QStringList states = QString::fromStdString(listed->out).split('\n', Qt::SkipEmptyParts);
    for (const QString& state : states) {
        if (state.trimmed() == "PENDING")
            ++progress.pending;
        else if (state.trimmed() == "RUNNING" || state.trimmed() == "COMPLETING" ||
                 state.trimmed() == "CONFIGURING")
            ++progress.running;
    }
    progress.finished = states.isEmpty(); // ended tasks leave squeue (or it forgot the id)
    for (int task = 0; task < submitted.shards; ++task) {
        const std::string shard = store_paths::shardPath(request.store, task);
        if (!QFileInfo::exists(QString::fromStdString(shard)))
            continue;
        // runIds() lists the parts of runs in progress too: those have not landed yet.
        auto ids = ResultStore::runIds(shard);
        const QDir parts(QString::fromStdString(store_paths::partsDir(shard)));
        if (ids)
            progress.runsLanded += static_cast<int>(ids->size()) -
                                   static_cast<int>(parts.entryList({"*.h5"}, QDir::Files).size());
    }
    return progress;
}
