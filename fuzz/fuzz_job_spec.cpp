// SimJobSpec on any bytes: the spec (job.yaml) and the files it may name beside it
// (netlist.cir, models.lib, probes.json), the parts of the input between NULs. A spec that
// is accepted is expanded into its runs, as JobRunner's pre-flight does (when it has few
// enough: expanding a million runs is bounded but takes minutes), and read by the form's
// JobSpecDraft too, whose YAML must give the same job.
#include "core/jobs/job_spec_draft.h"
#include "core/jobs/sim_job_spec.h"
#include "fuzz/scratch_dir.h"

#include <algorithm>
#include <cstdlib>

namespace {
constexpr long long kMaxExpandedRuns = 64;

bool sameJob(const SimJobSpec& a, const SimJobSpec& b) {
    auto sameCorners = [](const SimJobSpec::Corner& x, const SimJobSpec::Corner& y) {
        auto sameLib = [](const SimJobSpec::Lib& l, const SimJobSpec::Lib& m) {
            return l.file == m.file && l.section == m.section;
        };
        return x.name == y.name && x.parameters == y.parameters &&
               std::equal(x.libs.begin(), x.libs.end(), y.libs.begin(), y.libs.end(), sameLib);
    };
    auto sameSweeps = [](const SimJobSpec::Sweep& x, const SimJobSpec::Sweep& y) {
        return x.param == y.param && x.values == y.values;
    };
    return a.name() == b.name() && a.netlistPath() == b.netlistPath() &&
           a.storePath() == b.storePath() && a.probeMapPath() == b.probeMapPath() &&
           a.analysis().line == b.analysis().line && a.parameters() == b.parameters() &&
           std::equal(a.sweeps().begin(), a.sweeps().end(), b.sweeps().begin(), b.sweeps().end(),
                      sameSweeps) &&
           std::equal(a.corners().begin(), a.corners().end(), b.corners().begin(),
                      b.corners().end(), sameCorners) &&
           a.monteCarloCount() == b.monteCarloCount() &&
           (a.monteCarloCount() == 0 || a.monteCarloSeed() == b.monteCarloSeed());
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& dir = ScratchDir::instance();
    const auto parts = splitParts(data, size, 4);
    const std::string specPath = dir.write("job.yaml", parts[0]);
    const char* others[] = {"netlist.cir", "models.lib", "probes.json"};
    for (size_t i = 1; i < parts.size(); ++i)
        dir.write(others[i - 1], parts[i]);

    const auto spec = SimJobSpec::fromFile(specPath);
    if (spec) {
        (void)spec->sweepPoints().size();
        if (spec->runCount() <= kMaxExpandedRuns)
            (void)spec->expand();
    }
    if (const auto draft = JobSpecDraft::fromYaml(parts[0], specPath)) {
        const std::string yaml = draft->toYaml();
        const auto again = SimJobSpec::fromYaml(yaml, specPath, dir.root());
        // The draft writes back any job SimJobSpec accepts, as the same job.
        if (spec && (!again || !sameJob(spec.value(), again.value())))
            abort();
    }
    dir.clear();
    return 0;
}
