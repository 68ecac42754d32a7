#include "core/base/run_status.h"

std::string toString(RunStatus status) {
    switch (status) {
    case RunStatus::Running:
        return "running";
    case RunStatus::Ok:
        return "ok";
    case RunStatus::Failed:
        return "failed";
    case RunStatus::Missing:
        return "missing";
    case RunStatus::Interrupted:
        return "interrupted";
    }
    return "failed";
}

std::optional<RunStatus> runStatusFromString(const std::string& text) {
    for (auto s : {RunStatus::Running, RunStatus::Ok, RunStatus::Failed, RunStatus::Missing,
                   RunStatus::Interrupted}) {
        if (toString(s) == text)
            return s;
    }
    return std::nullopt;
}

static int severity(RunStatus s) {
    switch (s) {
    case RunStatus::Ok:
        return 0;
    case RunStatus::Running:
        return 1;
    case RunStatus::Missing:
        return 2;
    case RunStatus::Interrupted:
        return 3;
    case RunStatus::Failed:
        return 4;
    }
    return 4;
}

RunStatus worseOf(RunStatus a, RunStatus b) {
    return severity(a) >= severity(b) ? a : b;
}

bool isSupersedable(const std::string& status) {
    return status == toString(RunStatus::Failed) || status == toString(RunStatus::Interrupted);
}
