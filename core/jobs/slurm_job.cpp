#include "core/jobs/slurm_job.h"

#include "core/jobs/job_selection.h"
#include "core/store/result_store.h"
#include "core/store/store_paths.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>
#include <algorithm>

Result<SlurmJob::Plan> SlurmJob::plan(const SimJobSpec& spec, const Choice& choice) {
    using R = Result<Plan>;
    Plan plan;
    const std::string store = spec.storePath();
    if (QDir(QString::fromStdString(store_paths::shardsDir(store)))
            .entryList({"task-*.h5", "task-*.h5.parts"}, QDir::Files | QDir::Dirs)
            .size() > 0) {
        auto merged = StoreMerge::merge(store);
        if (!merged)
            return R::failure(merged.error());
        if (!merged->problems.empty())
            return R::failure(merged->problems.front());
        plan.earlierMerge = merged.value();
    }
    auto runs = spec.expand();
    if (!runs)
        return R::failure(runs.error());
    auto statuses = JobSelection::storedStatuses(store);
    if (!statuses)
        return R::failure(statuses.error());
    plan.points = JobSelection::all(runs->size());
    if (choice.resume) {
        plan.points = JobSelection::toResume(runs.value(), statuses.value());
    } else {
        // As JobRunner refuses a local job: runs are never overwritten.
        for (const auto& run : runs.value()) {
            const auto found = statuses->find(run.runId);
            if (found != statuses->end() && !JobSelection::isRerun(found->second))
                return R::failure(store + ": already holds run \"" + run.runId + "\" of job " +
                                  spec.name() +
                                  "; runs are never overwritten: --resume runs only what is "
                                  "missing, failed or interrupted");
        }
    }
    auto slurmArgs = SlurmSubmitter::splitArguments(choice.slurmArgs);
    if (!slurmArgs)
        return R::failure(slurmArgs.error());
    auto& request = plan.request;
    request.wavebenchRun = choice.wavebenchRun;
    request.specPath =
        QFileInfo(QString::fromStdString(spec.origin())).absoluteFilePath().toStdString();
    request.store = store;
    request.resume = choice.resume;
    request.workersPerTask = std::max(0, choice.workersPerTask);
    request.shards = choice.shards > 0
                         ? std::min<int>(choice.shards, static_cast<int>(plan.points.size()))
                         : SlurmSubmitter::defaultShards(plan.points.size());
    request.slurmArgs = slurmArgs.value();
    // Each task opens an ASDL design as the front end does (the CLI's options, the GUI's
    // project settings, the spec's asdlrc:).
    const auto& open = spec.designOptions();
    if (!open.asdlrcPath.empty())
        request.designArgs << "--asdlrc"
                           << QFileInfo(QString::fromStdString(open.asdlrcPath)).absoluteFilePath();
    if (!open.asdlcPath.empty())
        request.designArgs << "--asdlc" << QString::fromStdString(open.asdlcPath);
    for (const auto& root : open.libRoots)
        request.designArgs << "--lib" << QFileInfo(QString::fromStdString(root)).absoluteFilePath();
    if (!open.useCompiler)
        request.designArgs << "--no-compiler";
    plan.runs = std::move(runs.value());
    return R(std::move(plan));
}

Result<bool> SlurmJob::standing(const std::string& store, const std::vector<SimRun>& runs,
                                Outcome& outcome) {
    // A store no task got to make holds none of them.
    auto stored = QFileInfo::exists(QString::fromStdString(store))
                      ? ResultStore::listRuns(store)
                      : Result<std::vector<RunSummary>>(std::vector<RunSummary>{});
    std::map<std::string, const RunSummary*> byId;
    if (stored)
        for (const auto& summary : stored.value())
            byId[summary.runId] = &summary;
    for (SimRun run : runs) {
        const auto found = byId.find(run.runId);
        if (found == byId.end()) {
            ++outcome.counts["absent"];
            run.status = RunStatus::Failed;
            run.message = "not in the store: its Slurm task failed or was killed "
                          "(--resume runs it again)";
        } else {
            ++outcome.counts[found->second->status];
            run.status = runStatusFromString(found->second->status).value_or(RunStatus::Failed);
            run.message = found->second->message;
            run.runIds = {run.runId};
        }
        outcome.runs.push_back(std::move(run));
    }
    if (!stored)
        return Result<bool>::failure(stored.error());
    return true;
}

SlurmJob::SlurmJob(QObject* parent) : QObject(parent) {
    static const int registered = [] {
        qRegisterMetaType<SlurmSubmitter::Progress>();
        qRegisterMetaType<SlurmJob::Outcome>();
        return 0;
    }();
    (void)registered;
    m_pool.setMaxThreadCount(1); // one sbatch, squeue or merge at a time
    m_pollTimer.setInterval(2000);
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &SlurmJob::poll);
}

SlurmJob::~SlurmJob() {
    m_pollTimer.stop();
    m_pool.waitForDone();
}

// `work` on the pool thread; `then(result)` back on this object's thread. ~SlurmJob waits
// for the pool, so `this` is alive when the work posts; if it is being destroyed, the queued
// call is dropped with its posted event.
template <typename Work, typename Then> void SlurmJob::offload(Work work, Then then) {
    m_pool.start([this, work = std::move(work), then = std::move(then)]() mutable {
        auto result = std::make_shared<decltype(work())>(work());
        QMetaObject::invokeMethod(
            this, [then = std::move(then), result]() mutable { then(std::move(*result)); },
            Qt::QueuedConnection);
    });
}

void SlurmJob::start(const SimJobSpec& spec, const Choice& choice) {
    if (m_running) {
        QMetaObject::invokeMethod(
            this, [this] { emit failed("a Slurm job is already being watched"); },
            Qt::QueuedConnection);
        return;
    }
    m_running = true;
    m_spec = spec;
    struct Submission {
        Result<Plan> plan = Result<Plan>::failure("");
        Result<SlurmSubmitter::Submitted> submitted =
            Result<SlurmSubmitter::Submitted>::failure("");
    };
    offload(
        [spec, choice] {
            Submission s;
            s.plan = plan(spec, choice);
            if (s.plan && !s.plan->points.empty())
                s.submitted = SlurmSubmitter::submit(s.plan->request);
            return s;
        },
        [this](Submission s) {
            if (!s.plan) {
                m_running = false;
                emit failed(QString::fromStdString(s.plan.error()));
                return;
            }
            if (s.plan->points.empty()) {
                m_running = false;
                emit failed(QString::fromStdString("job " + m_spec.name() +
                                                   ": nothing to run: the store holds every "
                                                   "point"));
                return;
            }
            if (!s.submitted) {
                m_running = false;
                emit failed(QString::fromStdString(s.submitted.error()));
                return;
            }
            m_runs = std::move(s.plan->runs);
            m_points = s.plan->points.size();
            m_request = s.plan->request;
            m_submitted = s.submitted.value();
            emit submitted(QString::fromStdString(m_submitted.arrayId), m_submitted.shards,
                           static_cast<int>(m_points));
            poll();
        });
}

void SlurmJob::poll() {
    offload([request = m_request,
             submitted = m_submitted] { return SlurmSubmitter::poll(request, submitted); },
            [this](Result<SlurmSubmitter::Progress> progress) {
                if (!progress) {
                    m_running = false;
                    emit failed(QString::fromStdString(progress.error()));
                    return;
                }
                emit this->progress(progress.value());
                if (progress->finished)
                    merge();
                else
                    m_pollTimer.start();
            });
}

void SlurmJob::merge() {
    offload(
        [store = m_request.store, runs = m_runs, arrayId = m_submitted.arrayId] {
            Outcome outcome;
            outcome.arrayId = arrayId;
            outcome.merge = StoreMerge::merge(store);
            standing(store, runs, outcome); // unreadable: every point counts as absent
            return outcome;
        },
        [this](Outcome outcome) {
            m_running = false;
            emit finished(outcome);
        });
}
