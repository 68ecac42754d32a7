#include "core/jobs/job_summary.h"

#include "core/base/csv.h"
#include "core/base/spice_number.h"

#include <QFile>
#include <QSaveFile>
#include <algorithm>
#include <set>

int JobSummary::count(RunStatus status) const {
    return static_cast<int>(std::count_if(runs.begin(), runs.end(),
                                          [&](const SimRun& r) { return r.status == status; }));
}

int JobSummary::skipped() const {
    return static_cast<int>(
        std::count_if(runs.begin(), runs.end(), [](const SimRun& r) { return r.skipped; }));
}

bool JobSummary::allOk() const {
    return !runs.empty() && count(RunStatus::Ok) == static_cast<int>(runs.size());
}

std::string JobSummary::measurementsCsv() const {
    std::vector<std::string> sweepNames;
    std::set<std::string> measureNames;
    for (const auto& run : runs) {
        for (const auto& [name, value] : run.sweep)
            if (std::find(sweepNames.begin(), sweepNames.end(), name) == sweepNames.end())
                sweepNames.push_back(name);
        for (const auto& [name, value] : run.measurements)
            measureNames.insert(name);
    }
    std::string csv = "index,run_id,analysis,corner,seed";
    for (const auto& name : sweepNames)
        csv += "," + csv::field(name);
    csv += ",status";
    for (const auto& name : measureNames)
        csv += "," + csv::field(name);
    csv += "\n";
    for (const auto& run : runs) {
        csv += std::to_string(run.index) + "," + csv::field(run.runId) + "," +
               csv::field(run.analysis) + "," + csv::field(run.corner) + "," +
               (run.seed < 0 ? std::string() : std::to_string(run.seed));
        for (const auto& name : sweepNames) {
            csv += ",";
            for (const auto& [swept, value] : run.sweep)
                if (swept == name)
                    csv += spice_number::format(value);
        }
        csv += "," + (run.skipped ? std::string("skipped") : toString(run.status));
        for (const auto& name : measureNames) {
            csv += ",";
            const auto found = run.measurements.find(name);
            if (found != run.measurements.end())
                csv += spice_number::format(found->second);
        }
        csv += "\n";
    }
    return csv;
}

Result<bool> JobSummary::writeMeasurementsCsv(const std::string& path) const {
    QSaveFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::WriteOnly))
        return Result<bool>::failure(path + ": " + file.errorString().toStdString());
    const std::string csv = measurementsCsv();
    file.write(csv.data(), static_cast<qint64>(csv.size()));
    if (!file.commit())
        return Result<bool>::failure(path + ": " + file.errorString().toStdString());
    return true;
}
