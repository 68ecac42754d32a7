#include "core/store/h5_writer.h"

#include "core/base/phase_trace.h"
#include "core/netlist/measure_results.h"
#include "core/netlist/ngspice_output.h"
#include "core/store/journal_driver.h"
#include "core/store/measurement_store.h"
#include "core/store/plot_layout.h"
#include "core/store/sample_batch.h"
#include "core/store/store_layout.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cctype>
#include <hdf5_hl.h>
#include <limits>
#include <malloc.h>

namespace {

constexpr size_t kMaxLogBytes = 32u << 20;
constexpr auto kFlushInterval = std::chrono::seconds(1);
// Staging is bounded by this many values over all columns (1 MB; at least 256 rows, so
// 2 MB for a thousand vectors): a flush is one write, so small blocks cost no more.
constexpr int kStagingBudget = 1 << 17;
constexpr int kChunkColumns = 64;

std::string isoNow() {
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString();
}

} // namespace

Result<std::unique_ptr<H5Writer>> H5Writer::open(const std::string& path) {
    using R = Result<std::unique_ptr<H5Writer>>;
    std::lock_guard lock(h5Mutex());
    h5::silenceErrorStack();
    // HDF5 keeps freed blocks on free lists of its own; without limits, creating a thousand
    // datasets leaves tens of MB there for the rest of the process.
    H5set_free_list_limits(1 << 20, 256 << 10, 1 << 20, 256 << 10, 1 << 20, 256 << 10);
    std::unique_ptr<H5Writer> sink(new H5Writer);
    sink->m_path = path;
    sink->m_control = std::make_unique<JournalControl>();
    auto fapl = JournalDriver::fileAccess(sink->m_control.get());
    sink->m_file = H5Handle(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get()));
    if (!sink->m_file.valid())
        return R::failure(sink->m_control->openError.empty() ? path + ": cannot create HDF5 file"
                                                             : sink->m_control->openError);
    return R(std::move(sink));
}

const std::string& H5Writer::failure() const {
    return m_control->failure;
}

H5Writer::~H5Writer() {
    std::lock_guard lock(h5Mutex());
    if (m_run.valid())
        finishRun(RunStatus::Interrupted, "writer closed before the run ended");
    m_samples.reset();
    m_steps.reset();
    m_run.reset();
    m_file.reset();
}

Result<bool> H5Writer::createRun(const RunMetadata& metadata) {
    using R = Result<bool>;
    std::lock_guard lock(h5Mutex());
    if (m_run.valid())
        return R::failure("internal: a run is still open in " + m_path);
    if (metadata.runId.empty() || metadata.runId.find('/') != std::string::npos ||
        metadata.runId == "." || metadata.runId == "..")
        return R::failure("invalid run id \"" + metadata.runId + "\"");
    if (!h5::exists(m_file.get(), store_layout::kRuns)) {
        H5Handle runs(
            H5Gcreate2(m_file.get(), store_layout::kRuns, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        if (!runs.valid())
            return R::failure(m_path + ": cannot create /runs");
    }
    const std::string group = store_layout::runPath(metadata.runId);
    if (h5::exists(m_file.get(), group))
        return R::failure(m_path + ": run \"" + metadata.runId +
                          "\" already exists; runs are never overwritten");
    H5Handle gcpl(H5Pcreate(H5P_GROUP_CREATE));
    H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    m_run = H5Handle(H5Gcreate2(m_file.get(), group.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT));
    if (!m_run.valid())
        return R::failure(m_path + ": cannot create /" + group);
    m_runId = metadata.runId;
    m_dcSweepSource = metadata.dcSweepSource;
    m_stepping = metadata.stepping;
    m_stepped = false;
    m_points = 0;
    m_stagedRows = 0;
    m_samples.reset();
    m_steps.reset();
    m_log.clear();
    m_warnings.clear();
    m_logTruncated = false;
    m_measures = MeasureResults::declared(metadata.netlist);

    const hid_t run = m_run.get();
    bool ok =
        h5::writeStringAttribute(run, store_layout::kRunId, metadata.runId) &&
        h5::writeStringAttribute(run, store_layout::kAnalysis, metadata.analysis) &&
        h5::writeStringAttribute(run, store_layout::kStatus, toString(RunStatus::Running)) &&
        h5::writeStringAttribute(run, store_layout::kMessage, "") &&
        h5::writeStringAttribute(run, store_layout::kNetlistSha256, metadata.netlistSha256) &&
        h5::writeStringAttribute(run, store_layout::kNgspiceVersion, metadata.ngspiceVersion) &&
        h5::writeStringAttribute(run, store_layout::kStarted, isoNow()) &&
        h5::writeStringAttribute(run, store_layout::kFinished, "") &&
        h5::writeInt64Attribute(run, store_layout::kSeed, metadata.seed) &&
        h5::writeStringAttribute(run, store_layout::kCorner, metadata.corner) &&
        h5::writeStringAttribute(run, store_layout::kSweep, metadata.sweep) &&
        h5::writeStringAttribute(run, store_layout::kJob, metadata.job) &&
        h5::writeInt64Attribute(run, store_layout::kSweepIndex, metadata.sweepIndex) &&
        (metadata.probes.empty() ||
         h5::writeStringListAttribute(run, store_layout::kProbes, metadata.probes)) &&
        h5::writeStringAttribute(run, store_layout::kCoordinate, "");
    H5Handle inputs(H5Gcreate2(run, store_layout::kInputs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    ok = ok && inputs.valid() &&
         h5::writeStringDataset(inputs.get(), store_layout::kNetlist, metadata.netlist) &&
         h5::writeStringDataset(inputs.get(), store_layout::kProbeMapJson, metadata.probeMapJson) &&
         h5::writeStringDataset(inputs.get(), store_layout::kParamsYaml, metadata.paramsYaml) &&
         h5::writeStringDataset(inputs.get(), store_layout::kTreeJson, metadata.treeJson);
    if (ok) {
        // Its name in the store's /trees: the commit need not read a tree the store has.
        H5Handle tree(H5Dopen2(inputs.get(), store_layout::kTreeJson, H5P_DEFAULT));
        ok = h5::writeStringAttribute(tree.get(), store_layout::kTreeSha256,
                                      store_layout::treeDigest(metadata.treeJson));
    }
    H5Fflush(m_file.get(), H5F_SCOPE_LOCAL);
    if (!ok)
        return R::failure(m_path + ": cannot write the metadata of run \"" + m_runId + "\"");
    m_lastFlush = std::chrono::steady_clock::now();
    return true;
}

Result<bool> H5Writer::beginPlot(const std::string& plotType,
                                 const std::vector<VectorInfo>& vectors,
                                 const Resolution& resolution) {
    phase_trace::mark("writer: beginPlot");
    const std::string analysis = NgspiceOutput::analysisOf(plotType);
    using R = Result<bool>;
    std::lock_guard lock(h5Mutex());
    if (!m_run.valid())
        return R::failure("internal: no run open");
    const hid_t run = m_run.get();
    if (h5::exists(run, part_layout::kPlot))
        return R::failure("internal: run \"" + m_runId + "\" has a plot already");
    const PlotLayout layout =
        PlotLayout::describe(analysis, vectors, resolution, m_stepping, m_dcSweepSource);
    if (const std::string why = layout.problem(); !why.empty())
        return R::failure(m_path + ": cannot store the plot of run \"" + m_runId + "\": " + why);
    h5::writeStringAttribute(run, store_layout::kAnalysis, analysis);
    if (!layout.stepSource.empty())
        h5::writeStringAttribute(run, store_layout::kStepSource, layout.stepSource);
    if (!layout.scalar)
        h5::writeStringAttribute(run, store_layout::kCoordinate, layout.coordinateName);
    if (!h5::writeStringDataset(run, part_layout::kPlot, layout.toJson()))
        return R::failure(m_path + ": cannot write the plot of run \"" + m_runId + "\"");

    m_columns = std::max(1, layout.columns);
    m_scalarPlot = layout.scalar;
    m_stepped = layout.stepped;
    m_step = 0;
    m_stepHasValue = false;
    m_points = 0;
    m_stagedRows = 0;
    // An operating point has a row (a step); anything else is staged a few MB at a time.
    m_chunkRows = m_scalarPlot ? 1 : std::clamp(kStagingBudget / m_columns, 256, 16384);
    // Chunks of a few dozen columns: a flush writes whole chunks, and the commit reads the
    // samples of a few vectors without reading every other vector's.
    const hsize_t chunk[2] = {static_cast<hsize_t>(m_chunkRows),
                              static_cast<hsize_t>(std::min(m_columns, kChunkColumns))};
    const hsize_t dims[2] = {0, static_cast<hsize_t>(m_columns)};
    const hsize_t maxDims[2] = {H5S_UNLIMITED, static_cast<hsize_t>(m_columns)};
    H5Handle space(H5Screate_simple(2, dims, maxDims));
    H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_chunk(dcpl.get(), 2, chunk);
    H5Handle dapl(H5Pcreate(H5P_DATASET_ACCESS));
    H5Pset_chunk_cache(dapl.get(), 0, 0, 1.0); // whole chunks: nothing worth caching
    m_samples = H5Handle(H5Dcreate2(run, part_layout::kSamples, H5T_IEEE_F64LE, space.get(),
                                    H5P_DEFAULT, dcpl.get(), dapl.get()));
    if (!m_samples.valid())
        return R::failure(m_path + ": cannot create the samples of run \"" + m_runId + "\"");
    if (m_stepped) {
        const hsize_t stepChunk[2] = {64, 2};
        const hsize_t stepMax[2] = {H5S_UNLIMITED, 2};
        const hsize_t none[2] = {0, 2};
        H5Handle stepSpace(H5Screate_simple(2, none, stepMax));
        H5Handle stepDcpl(H5Pcreate(H5P_DATASET_CREATE));
        H5Pset_chunk(stepDcpl.get(), 2, stepChunk);
        m_steps = H5Handle(H5Dcreate2(run, part_layout::kSteps, H5T_IEEE_F64LE, stepSpace.get(),
                                      H5P_DEFAULT, stepDcpl.get(), H5P_DEFAULT));
        if (!m_steps.valid())
            return R::failure(m_path + ": cannot create the steps of run \"" + m_runId + "\"");
        writeStepStart();
    }
    m_staged.assign(static_cast<size_t>(m_chunkRows) * static_cast<size_t>(m_columns), 0.0);
    H5Fflush(m_file.get(), H5F_SCOPE_LOCAL);
    phase_trace::mark("writer: plot begun");
    return true;
}

// The step that begins now: the sample row it starts at, and the stepped source's value.
void H5Writer::writeStepStart() {
    H5Handle space(H5Dget_space(m_steps.get()));
    hsize_t dims[2] = {0, 2};
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    const hsize_t grown[2] = {dims[0] + 1, 2};
    H5Dset_extent(m_steps.get(), grown);
    H5Handle fileSpace(H5Dget_space(m_steps.get()));
    const hsize_t start[2] = {dims[0], 0}, block[2] = {1, 2};
    H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start, nullptr, block, nullptr);
    H5Handle memSpace(H5Screate_simple(2, block, nullptr));
    const double row[2] = {static_cast<double>(m_points), m_stepping.valueAt(m_step)};
    H5Dwrite(m_steps.get(), H5T_NATIVE_DOUBLE, memSpace.get(), fileSpace.get(), H5P_DEFAULT, row);
}

void H5Writer::nextStep() {
    std::lock_guard lock(h5Mutex());
    if (!m_stepped || !m_samples.valid())
        return;
    flushStaged();
    ++m_step;
    m_stepHasValue = false;
    writeStepStart();
}

void H5Writer::append(const SampleBatch& batch, int first, int last) {
    std::lock_guard lock(h5Mutex());
    if (!m_samples.valid())
        return;
    if (last < 0 || last > batch.rows)
        last = batch.rows;
    if (first >= last)
        return;
    if (m_scalarPlot) {
        // An operating point has one row; a second one would only repeat it. In a stepped
        // run each step's operating point is one row.
        if (m_stepped ? m_stepHasValue : m_points + m_stagedRows > 0)
            return;
        last = first + 1;
        m_stepHasValue = true;
    }
    const size_t width = static_cast<size_t>(std::min(m_columns, batch.columns));
    for (int row = first; row < last; ++row) {
        const double* source = batch.values.data() + static_cast<size_t>(row) * batch.columns;
        double* staged = m_staged.data() + static_cast<size_t>(m_stagedRows) * m_columns;
        std::copy(source, source + width, staged);
        std::fill(staged + width, staged + m_columns, std::numeric_limits<double>::quiet_NaN());
        // Flushes end on a chunk's boundary, also after a flush on the clock.
        if (++m_stagedRows == m_chunkRows - static_cast<int>(m_points % m_chunkRows))
            flushStaged();
    }
    if (std::chrono::steady_clock::now() - m_lastFlush >= kFlushInterval) {
        flushStaged();
        H5Fflush(m_file.get(), H5F_SCOPE_LOCAL);
        m_lastFlush = std::chrono::steady_clock::now();
    }
}

void H5Writer::flushStaged() {
    if (m_stagedRows == 0 || !m_samples.valid())
        return;
    const hsize_t count = static_cast<hsize_t>(m_stagedRows);
    const hsize_t columns = static_cast<hsize_t>(m_columns);
    const hsize_t start[2] = {static_cast<hsize_t>(m_points), 0};
    const hsize_t block[2] = {count, columns};
    const hsize_t grown[2] = {start[0] + count, columns};
    H5Dset_extent(m_samples.get(), grown);
    H5Handle fileSpace(H5Dget_space(m_samples.get()));
    H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start, nullptr, block, nullptr);
    H5Handle memSpace(H5Screate_simple(2, block, nullptr));
    H5Dwrite(m_samples.get(), H5T_NATIVE_DOUBLE, memSpace.get(), fileSpace.get(), H5P_DEFAULT,
             m_staged.data());
    m_points += m_stagedRows;
    m_stagedRows = 0;
}

void H5Writer::addLog(const std::string& line) {
    if (m_log.size() + line.size() < kMaxLogBytes) {
        m_log += line;
        m_log += '\n';
    } else {
        m_logTruncated = true;
    }
    const auto severity = NgspiceOutput::severity(line);
    if (!severity.empty() && m_warnings.size() < kMaxLogBytes)
        m_warnings += QJsonDocument(QJsonObject{{"level", QString::fromStdString(severity)},
                                                {"message", QString::fromStdString(line)}})
                          .toJson(QJsonDocument::Compact)
                          .toStdString() +
                      '\n'; // JSON Lines: one compact object a line
}

void H5Writer::writeLogs() {
    const hid_t run = m_run.get();
    if (h5::exists(run, store_layout::kLogs))
        return;
    H5Handle logs(H5Gcreate2(run, store_layout::kLogs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    std::string log = m_log;
    if (m_logTruncated)
        log += "[wavebench: log truncated at 32 MB]\n";
    h5::writeStringDataset(logs.get(), store_layout::kNgspiceLog, log);
    h5::writeStringDataset(logs.get(), store_layout::kWarningsLog, m_warnings);
}

Result<bool> H5Writer::finishRun(RunStatus status, const std::string& message) {
    using R = Result<bool>;
    std::lock_guard lock(h5Mutex());
    if (!m_run.valid())
        return R::failure("internal: no run open");
    phase_trace::mark("writer: finishRun");
    flushStaged();
    writeLogs();
    const hid_t run = m_run.get();
    bool ok = h5::writeStringAttribute(run, store_layout::kStatus, toString(status)) &&
              h5::writeStringAttribute(run, store_layout::kMessage, message) &&
              h5::writeStringAttribute(run, store_layout::kFinished, isoNow());
    if (m_stepped)
        ok = h5::writeInt64Attribute(run, store_layout::kSteps, m_step + 1) && ok;
    m_finishedMeasurements.clear();
    ok = MeasurementStore::store(run, m_log, m_measures, &m_finishedMeasurements) &&
         ok; // before _SUCCESS
    if (ok && status == RunStatus::Ok) {
        H5Handle marker(
            H5Gcreate2(run, store_layout::kSuccess, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        ok = marker.valid();
    }
    m_samples.reset();
    m_steps.reset();
    m_staged = {};
    m_stepped = false;
    m_run.reset();
    ok = H5Fflush(m_file.get(), H5F_SCOPE_LOCAL) >= 0 && ok;
    if (!failure().empty())
        return R::failure(failure());
    if (!ok)
        return R::failure(m_path + ": cannot finalise run \"" + m_runId + "\"");
    return true;
}
