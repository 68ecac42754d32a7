#include "core/jobs/job_selection.h"

#include "core/base/run_status.h"
#include "core/store/result_store.h"

#include <QFileInfo>
#include <charconv>

namespace {

bool parseInt(const std::string& text, int& value) {
    const char* end = text.data() + text.size();
    auto [ptr, error] = std::from_chars(text.data(), end, value);
    return error == std::errc() && ptr == end && !text.empty();
}

} // namespace

Result<JobSelection::Shard> JobSelection::parseShard(const std::string& text) {
    using R = Result<Shard>;
    const auto slash = text.find('/');
    Shard shard;
    if (slash == std::string::npos || !parseInt(text.substr(0, slash), shard.index) ||
        !parseInt(text.substr(slash + 1), shard.count))
        return R::failure("--shard \"" + text + "\": expected K/N, e.g. 3/8");
    if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count)
        return R::failure("--shard \"" + text + "\": K must be in 0 .. N-1 and N at least 1");
    return shard;
}

std::vector<size_t> JobSelection::all(size_t count) {
    std::vector<size_t> points(count);
    for (size_t i = 0; i < count; ++i)
        points[i] = i;
    return points;
}

std::vector<size_t> JobSelection::shard(const std::vector<size_t>& points, Shard shard) {
    std::vector<size_t> taken;
    for (size_t i = static_cast<size_t>(shard.index); i < points.size();
         i += static_cast<size_t>(shard.count))
        taken.push_back(points[i]);
    return taken;
}

bool JobSelection::isRerun(const std::string& status) {
    return isSupersedable(status);
}

std::vector<size_t> JobSelection::toResume(const std::vector<SimRun>& runs,
                                           const std::map<std::string, std::string>& statuses) {
    std::vector<size_t> points;
    for (size_t i = 0; i < runs.size(); ++i) {
        const auto found = statuses.find(runs[i].runId);
        if (found == statuses.end() || isRerun(found->second))
            points.push_back(i);
    }
    return points;
}

Result<std::map<std::string, std::string>> JobSelection::storedStatuses(const std::string& store) {
    using R = Result<std::map<std::string, std::string>>;
    std::map<std::string, std::string> statuses;
    if (!QFileInfo::exists(QString::fromStdString(store)))
        return statuses;
    auto runs = ResultStore::listRuns(store);
    if (!runs)
        return R::failure(runs.error());
    for (const auto& run : runs.value())
        statuses[run.runId] = run.status;
    return statuses;
}
