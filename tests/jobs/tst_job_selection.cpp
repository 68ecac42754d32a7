// Which points a shard of a job array and --resume take (JobSelection), and the batch script
// and arguments of a Slurm submission (SlurmSubmitter): pure logic.
#include "core/jobs/job_selection.h"
#include "core/jobs/slurm_submitter.h"

#include <QTemporaryDir>
#include <QTest>
#include <set>

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

class TestJobSelection : public QObject {
    Q_OBJECT
private slots:
    void parsesShards() {
        auto shard = JobSelection::parseShard("3/8");
        QVERIFY(shard);
        QCOMPARE(shard->index, 3);
        QCOMPARE(shard->count, 8);
        QVERIFY(JobSelection::parseShard("0/1"));
        for (const char* bad : {"8/8", "-1/4", "1/0", "1", "a/b", "1/2/3", "1/ 2", ""}) {
            auto refused = JobSelection::parseShard(bad);
            QVERIFY2(!refused, bad);
            QVERIFY2(contains(refused.error(), std::string("--shard \"") + bad + "\""),
                     refused.error().c_str());
        }
    }

    void shardsAreStridedAndCoverEveryPointOnce() {
        const auto points = JobSelection::all(12);
        QCOMPARE(JobSelection::shard(points, {1, 5}), (std::vector<size_t>{1, 6, 11}));
        for (int count : {1, 2, 5, 12, 13, 64}) {
            std::multiset<size_t> seen;
            size_t smallest = points.size(), largest = 0;
            for (int k = 0; k < count; ++k) {
                const auto taken = JobSelection::shard(points, {k, count});
                seen.insert(taken.begin(), taken.end());
                smallest = std::min(smallest, taken.size());
                largest = std::max(largest, taken.size());
            }
            QCOMPARE(seen, std::multiset<size_t>(points.begin(), points.end()));
            QVERIFY(largest - smallest <= 1); // balanced to one point
        }
        // A shard of a selection keeps the job's own indices.
        QCOMPARE(JobSelection::shard({2, 5, 7, 9}, {1, 2}), (std::vector<size_t>{5, 9}));
    }

    void resumeTakesWhatIsMissingFailedOrInterrupted() {
        std::vector<SimRun> runs(5);
        for (size_t i = 0; i < runs.size(); ++i)
            runs[i].runId = "r" + std::to_string(i);
        const std::map<std::string, std::string> statuses{{"r0", "ok"},
                                                          {"r1", "failed"},
                                                          {"r3", "interrupted"},
                                                          {"r4", "missing"},
                                                          {"other", "failed"}};
        QCOMPARE(JobSelection::toResume(runs, statuses), (std::vector<size_t>{1, 2, 3}));
        QVERIFY(
            JobSelection::toResume(
                runs, {{"r0", "ok"}, {"r1", "ok"}, {"r2", "ok"}, {"r3", "missing"}, {"r4", "ok"}})
                .empty());
        QVERIFY(!JobSelection::isRerun("ok"));
        QVERIFY(!JobSelection::isRerun("running"));
    }

    void aStoreThatDoesNotExistHoldsNothing() {
        auto statuses = JobSelection::storedStatuses("/nonexistent/folder/store.h5");
        QVERIFY2(statuses, statuses.error().c_str());
        QVERIFY(statuses->empty());
    }

    void defaultShardCount() {
        QCOMPARE(SlurmSubmitter::defaultShards(0), 1);
        QCOMPARE(SlurmSubmitter::defaultShards(12), 12);
        QCOMPARE(SlurmSubmitter::defaultShards(5000), 64);
    }

    void slurmArgumentsSplitAsAShellWould() {
        auto split = SlurmSubmitter::splitArguments("-p short --account=\"my lab\" -t 0:10:00");
        QVERIFY(split);
        QCOMPARE(split.value(), (QStringList{"-p", "short", "--account=my lab", "-t", "0:10:00"}));
        QVERIFY(SlurmSubmitter::splitArguments("")->isEmpty());
        auto unterminated = SlurmSubmitter::splitArguments("-p \"short");
        QVERIFY(!unterminated);
        QVERIFY(contains(unterminated.error(), "unterminated quote"));
    }

    void batchScriptRunsTheTasksShardWithQuotedPaths() {
        SlurmSubmitter::Request request;
        request.wavebenchRun = "/opt/wave bench/wavebench-run";
        request.specPath = "/home/me/it's/job.yaml";
        request.store = "/shared/runs/job.h5";
        request.shards = 7;
        std::string script = SlurmSubmitter::batchScript(request);
        QVERIFY2(contains(script,
                          "exec '/opt/wave bench/wavebench-run' job "
                          "'/home/me/it'\\''s/job.yaml' --shard \"$SLURM_ARRAY_TASK_ID/7\" "
                          "--out '/shared/runs/job.h5.shards'\"/task-$SLURM_ARRAY_TASK_ID.h5\""),
                 script.c_str());
        QVERIFY(contains(script, "#SBATCH --output=/shared/runs/job.h5.shards/task-%a.log"));
        QVERIFY(!contains(script, "--resume-from"));
        request.resume = true;
        script = SlurmSubmitter::batchScript(request);
        QVERIFY(contains(script, "--resume-from '/shared/runs/job.h5' --jobs 1 --quiet"));
        // A task runs one engine on the one CPU it asked for, not one per core of the node.
        QVERIFY(!contains(script, "--cpus-per-task"));
        request.workersPerTask = 4;
        script = SlurmSubmitter::batchScript(request);
        QVERIFY(contains(script, "#SBATCH --cpus-per-task=4\n"));
        QVERIFY(contains(script, " --jobs 4 --quiet"));
        // Each task opens an ASDL design as the front end did (quoted as the paths are).
        request.designArgs = {"--asdlrc", "/p/my rc/.asdlrc", "--lib", "/pdk/asdl"};
        script = SlurmSubmitter::batchScript(request);
        QVERIFY2(contains(script, " '--asdlrc' '/p/my rc/.asdlrc' '--lib' '/pdk/asdl' --jobs 4"),
                 script.c_str());
    }

    void aMissingSbatchIsNamed() {
        QTemporaryDir dir;
        SlurmSubmitter::Request request;
        request.wavebenchRun = "/bin/true";
        request.specPath = dir.filePath("job.yaml").toStdString();
        request.store = dir.filePath("job.h5").toStdString();
        request.shards = 2;
        request.sbatch = dir.filePath("no-such-sbatch").toStdString();
        auto submitted = SlurmSubmitter::submit(request);
        QVERIFY(!submitted);
        QVERIFY2(contains(submitted.error(), request.sbatch + " --parsable --array=0-1"),
                 submitted.error().c_str());
        QVERIFY2(contains(submitted.error(), "not found"), submitted.error().c_str());
        // sbatch that refuses: its exit status and stderr are named.
        request.sbatch = "/bin/false";
        submitted = SlurmSubmitter::submit(request);
        QVERIFY(!submitted);
        QVERIFY2(contains(submitted.error(), "/bin/false --parsable") &&
                     contains(submitted.error(), "exit status 1"),
                 submitted.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestJobSelection)
#include "tst_job_selection.moc"
