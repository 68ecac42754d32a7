#pragma once

#include <optional>
#include <string>

// Lifecycle of one run as stored in the `status` attribute of /runs/<id>.
enum class RunStatus { Running, Ok, Failed, Missing, Interrupted };

std::string toString(RunStatus status);
std::optional<RunStatus> runStatusFromString(const std::string& text);

// When several things went wrong, the most severe one is reported.
RunStatus worseOf(RunStatus a, RunStatus b);
