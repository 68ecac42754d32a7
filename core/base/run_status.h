#pragma once

#include <optional>
#include <string>

// Lifecycle of one run as stored in the `status` attribute of /runs/<id>.
enum class RunStatus { Running, Ok, Failed, Missing, Interrupted };

std::string toString(RunStatus status);
std::optional<RunStatus> runStatusFromString(const std::string& text);

// Whether a run stored with this status (its `status` attribute) runs again when its point
// is resumed: failed and interrupted runs do, and their new run supersedes them; others
// are never replaced.
bool isSupersedable(const std::string& status);

// When several things went wrong, the most severe one is reported.
RunStatus worseOf(RunStatus a, RunStatus b);
