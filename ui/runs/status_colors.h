#pragma once

#include "core/base/run_status.h"

#include <QColor>

// The colours a run's status is shown in, so that the runs browser, the job table, the run
// controls and the log agree. Pure logic.
namespace status_colors {

QColor ok();
QColor failed();  // also errors in the log
QColor warning(); // interrupted or missing runs, and warnings in the log
QColor pending(); // a job's run that has not ended

// Ok, Failed, Missing and Interrupted as above; Running: pending().
QColor of(RunStatus status);

} // namespace status_colors
