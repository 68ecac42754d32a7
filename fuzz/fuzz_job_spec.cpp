// SimJobSpec on any bytes: the spec (job.yaml) and the files it may name beside it
// (netlist.cir, models.lib, probes.json), the parts of the input between NULs. A spec that
// is accepted is expanded into its runs, as JobRunner's pre-flight does (when it has few
// enough: expanding a million runs is bounded but takes minutes), and read by the form's
// JobSpecDraft too, whose YAML must give the same job.
#include "core/jobs/job_spec_draft.h"
#include "core/jobs/sim_job_spec.h"
#include "fuzz/scratch_dir.h"

#include <cstdlib>

namespace {
constexpr long long kMaxExpandedRuns = 64;
}

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
        if (spec && (!again || again->runCount() != spec->runCount()))
            abort();
    }
    dir.clear();
    return 0;
}
