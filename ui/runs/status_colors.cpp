#include "ui/runs/status_colors.h"

namespace status_colors {

QColor ok() {
    return QColor(30, 130, 60);
}

QColor failed() {
    return QColor(200, 30, 30);
}

QColor warning() {
    return QColor(190, 110, 0);
}

QColor pending() {
    return QColor(120, 120, 120);
}

QColor of(RunStatus status) {
    switch (status) {
    case RunStatus::Ok:
        return ok();
    case RunStatus::Failed:
        return failed();
    case RunStatus::Missing:
    case RunStatus::Interrupted:
        return warning();
    case RunStatus::Running:
        break;
    }
    return pending();
}

} // namespace status_colors
