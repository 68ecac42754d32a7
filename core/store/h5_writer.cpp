#include "core/store/h5_writer.h"

#include "core/base/phase_trace.h"
#include "core/netlist/measure_results.h"
#include "core/netlist/ngspice_output.h"
#include "core/store/dimension_scales.h"
#include "core/store/journal_driver.h"
#include "core/store/measurement_store.h"
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
// Staging is bounded by this many values over all columns (4 MB).
constexpr int kStagingBudget = 1 << 19;
constexpr const char* kStepScale = store_layout::kStepIndex;
constexpr const char* kPointScale = store_layout::kPoint;

// Grows a 1-D dataset to hold `index` and writes one value there.
bool writeAt(hid_t location, const char* name, hsize_t index, hid_t memType, const void* value) {
    H5Handle dataset(H5Dopen2(location, name, H5P_DEFAULT));
    if (!dataset.valid())
        return false;
    H5Handle space(H5Dget_space(dataset.get()));
    hsize_t size = 0;
    H5Sget_simple_extent_dims(space.get(), &size, nullptr);
    if (size <= index) {
        const hsize_t grown = index + 1;
        H5Dset_extent(dataset.get(), &grown);
    }
    H5Handle fileSpace(H5Dget_space(dataset.get()));
    const hsize_t one = 1;
    H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, &index, nullptr, &one, nullptr);
    H5Handle memSpace(H5Screate_simple(1, &one, nullptr));
    return H5Dwrite(dataset.get(), memType, memSpace.get(), fileSpace.get(), H5P_DEFAULT, value) >=
           0;
}

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
    m_columns.clear();
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
    m_columns.clear();
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
    h5::writeStringAttribute(run, store_layout::kAnalysis, analysis);

    // Layout of the incoming batch columns (complex vectors take two).
    std::vector<int> sourceColumn;
    int column = 0;
    for (const auto& v : vectors) {
        sourceColumn.push_back(column);
        column += v.isComplex ? 2 : 1;
    }
    const int totalColumns = std::max(1, column);
    m_chunkRows = std::clamp(kStagingBudget / totalColumns, 256, 16384);

    H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    const hsize_t chunk = static_cast<hsize_t>(m_chunkRows);
    H5Pset_chunk(dcpl.get(), 1, &chunk);
    H5Handle dapl(H5Pcreate(H5P_DATASET_ACCESS));
    // Writes are whole chunks; a chunk cache per dataset would only cost memory.
    H5Pset_chunk_cache(dapl.get(), 0, 0, 1.0);
    const hsize_t zero = 0, unlimited = H5S_UNLIMITED;
    H5Handle space(H5Screate_simple(1, &zero, &unlimited));
    H5Handle fileComplex = h5::complexType(H5T_IEEE_F64LE);

    auto makeDataset = [&](hid_t location, const std::string& name, bool isComplex) {
        return H5Handle(H5Dcreate2(location, name.c_str(),
                                   isComplex ? fileComplex.get() : H5T_IEEE_F64LE, space.get(),
                                   H5P_DEFAULT, dcpl.get(), dapl.get()));
    };

    m_columns.clear();
    const bool hasScale = resolution.scaleIndex >= 0;
    m_scalarPlot = analysis == "op";
    m_stepped = m_stepping.steps(analysis);
    m_step = 0;
    m_stepPoints = 0;
    m_pointScaleSize = 0;
    m_stepHasValue = false;
    const bool ragged = m_stepped && !m_scalarPlot && m_stepping.kind == RunStepping::Kind::Plots;

    // Stepped layout: 2-D (step_index, coordinate or point), NaN where a step is shorter.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double nanPair[2] = {nan, nan};
    H5Handle nativeComplex = h5::complexType(H5T_NATIVE_DOUBLE);
    auto make2D = [&](hid_t location, const std::string& name, bool isComplex) {
        const hsize_t dims[2] = {0, 0}, maxDims[2] = {H5S_UNLIMITED, H5S_UNLIMITED};
        const hsize_t chunk2[2] = {1, static_cast<hsize_t>(m_chunkRows)};
        H5Handle space2(H5Screate_simple(2, dims, maxDims));
        H5Handle dcpl2(H5Pcreate(H5P_DATASET_CREATE));
        H5Pset_chunk(dcpl2.get(), 2, chunk2);
        if (isComplex)
            H5Pset_fill_value(dcpl2.get(), nativeComplex.get(), nanPair);
        else
            H5Pset_fill_value(dcpl2.get(), H5T_NATIVE_DOUBLE, &nan);
        return H5Handle(H5Dcreate2(location, name.c_str(),
                                   isComplex ? fileComplex.get() : H5T_IEEE_F64LE, space2.get(),
                                   H5P_DEFAULT, dcpl2.get(), dapl.get()));
    };
    auto makeStepDataset = [&](hid_t location, const std::string& name, hid_t type) {
        const hsize_t stepChunk = 64;
        H5Handle stepDcpl(H5Pcreate(H5P_DATASET_CREATE));
        H5Pset_chunk(stepDcpl.get(), 1, &stepChunk);
        return H5Handle(H5Dcreate2(location, name.c_str(), type, space.get(), H5P_DEFAULT,
                                   stepDcpl.get(), H5P_DEFAULT));
    };
    DimensionScales scales; // every attachment of the plot, written in one go
    H5Handle stepScale, pointScale;
    if (m_stepped) {
        stepScale = makeStepDataset(run, kStepScale, H5T_STD_I64LE);
        if (!stepScale.valid())
            return R::failure(m_path + ": cannot create " + kStepScale + " in run \"" + m_runId +
                              "\"");
        H5DSset_scale(stepScale.get(), kStepScale);
        if (ragged) {
            // The point dimension counts samples: integers, like step_index.
            pointScale = H5Handle(H5Dcreate2(run, kPointScale, H5T_STD_I64LE, space.get(),
                                             H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
            if (!pointScale.valid())
                return R::failure(m_path + ": cannot create " + kPointScale + " in run \"" +
                                  m_runId + "\"");
            H5DSset_scale(pointScale.get(), kPointScale);
        }
    }

    std::string coordinateName =
        hasScale ? resolution.vectors[static_cast<size_t>(resolution.scaleIndex)].cref
                 : std::string("index");
    // The scale's unit as resolved (a "v-sweep" is in V): renaming it below keeps it.
    const std::string coordinateUnit =
        hasScale ? resolution.vectors[static_cast<size_t>(resolution.scaleIndex)].unit : "";
    // ngspice calls every DC sweep "v-sweep"/"i-sweep"; the swept source names it better.
    if (analysis == "dc" && !m_dcSweepSource.empty() && coordinateName.size() > 6 &&
        coordinateName.compare(coordinateName.size() - 6, 6, "-sweep") == 0)
        coordinateName = m_dcSweepSource;
    m_coordinateName = coordinateName;
    if (hasStepSource()) {
        H5Handle outer = makeStepDataset(run, m_stepping.source, H5T_IEEE_F64LE);
        if (!outer.valid())
            return R::failure(m_path + ": cannot create \"" + m_stepping.source + "\" in run \"" +
                              m_runId + "\"");
        h5::writeStringAttribute(outer.get(), store_layout::kUnit, m_stepping.unit);
        scales.attach(run, outer.get(), {kStepScale});
        h5::writeStringAttribute(run, store_layout::kStepSource, m_stepping.source);
    }
    H5Handle coordinateSet;
    if (!m_scalarPlot) {
        coordinateSet =
            ragged ? make2D(run, coordinateName, false) : makeDataset(run, coordinateName, false);
        if (!coordinateSet.valid())
            return R::failure(m_path + ": cannot create coordinate \"" + coordinateName + "\"");
        if (ragged) {
            // Each step has a time axis of its own: a 2-D coordinate, not a dimension.
            scales.attach(run, coordinateSet.get(), {kStepScale, kPointScale});
        } else {
            H5DSset_scale(coordinateSet.get(), coordinateName.c_str());
        }
        h5::writeStringAttribute(coordinateSet.get(), store_layout::kUnit, coordinateUnit);
        h5::writeStringAttribute(run, store_layout::kCoordinate, coordinateName);
        Column coordinate;
        coordinate.link = coordinateName;
        coordinate.sourceColumn =
            hasScale ? sourceColumn[static_cast<size_t>(resolution.scaleIndex)] : -1;
        coordinate.rank = ragged ? 2 : 1;
        coordinate.firstStepOnly = m_stepped && !ragged;
        m_columns.push_back(std::move(coordinate));
    }
    H5Handle scalarSpace(H5Screate(H5S_SCALAR));

    H5Handle vectorsGroup(
        H5Gcreate2(run, store_layout::kVectors, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (!vectorsGroup.valid())
        return R::failure(m_path + ": cannot create vectors/ in run \"" + m_runId + "\"");
    for (size_t i = 0; i < resolution.vectors.size(); ++i) {
        if (static_cast<int>(i) == resolution.scaleIndex)
            continue;
        const auto& resolved = resolution.vectors[i];
        H5Handle holder(H5Gcreate2(vectorsGroup.get(), resolved.cref.c_str(), H5P_DEFAULT,
                                   H5P_DEFAULT, H5P_DEFAULT));
        Column col;
        col.link = resolved.cref;
        col.isComplex = vectors[i].isComplex;
        col.sourceColumn = sourceColumn[i];
        H5Handle dataset;
        if (holder.valid() && m_scalarPlot && !m_stepped) {
            dataset =
                H5Handle(H5Dcreate2(holder.get(), store_layout::kData,
                                    col.isComplex ? fileComplex.get() : H5T_IEEE_F64LE,
                                    scalarSpace.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        } else if (holder.valid() && m_stepped && m_scalarPlot) {
            dataset = makeStepDataset(holder.get(), store_layout::kData,
                                      col.isComplex ? fileComplex.get() : H5T_IEEE_F64LE);
        } else if (holder.valid() && m_stepped) {
            dataset = make2D(holder.get(), store_layout::kData, col.isComplex);
            col.rank = 2;
        } else if (holder.valid()) {
            dataset = makeDataset(holder.get(), store_layout::kData, col.isComplex);
        }
        if (!dataset.valid())
            return R::failure(m_path + ": cannot create vectors/" + resolved.cref + "/" +
                              store_layout::kData);
        const hid_t ds = dataset.get();
        const std::string nodeKind = toString(resolved.nodeKind);
        h5::addStringAttributes(ds, {{store_layout::kUnit, &resolved.unit},
                                     {store_layout::kSourceVector, &resolved.vector},
                                     {store_layout::kNodeKind, &nodeKind}});
        h5::writeStringListAttribute(ds, store_layout::kAliases, resolved.aliases);
        const std::string target = store_layout::vectorDataPath(resolved.cref);
        if (m_stepped) {
            // CF convention: xarray makes the names in `coordinates` coordinates of the
            // variable (each step's own time axis, the stepped source's values).
            std::string coordinates;
            if (col.rank == 1)
                scales.attach(run, ds, {kStepScale});
            else if (ragged)
                scales.attach(run, ds, {kStepScale, kPointScale});
            else
                scales.attach(run, ds, {kStepScale, coordinateName});
            if (ragged)
                coordinates = coordinateName;
            if (hasStepSource())
                coordinates += (coordinates.empty() ? "" : " ") + m_stepping.source;
            if (!coordinates.empty())
                h5::writeStringAttribute(ds, store_layout::kCoordinates, coordinates);
        } else if (coordinateSet.valid()) {
            scales.attach(run, ds, {coordinateName});
        }
        // The hard link makes each cref a variable of the run group for xarray/h5netcdf.
        if (H5Lcreate_hard(run, target.c_str(), run, resolved.cref.c_str(), H5P_DEFAULT,
                           H5P_DEFAULT) < 0)
            return R::failure(m_path + ": cannot link cref \"" + resolved.cref + "\"");
        m_columns.push_back(std::move(col));
    }
    if (!scales.finish(run))
        return R::failure(m_path + ": cannot attach the dimension scales of run \"" + m_runId +
                          "\"");
    for (auto& col : m_columns)
        col.staged.assign(static_cast<size_t>(m_chunkRows) * (col.isComplex ? 2 : 1), 0.0);
    if (m_stepped)
        writeStepValues();
    H5Fflush(m_file.get(), H5F_SCOPE_LOCAL);
    // Creating a thousand datasets churns through HDF5's and malloc's free lists; hand
    // what is free back to the system rather than carry it for the whole run.
    H5garbage_collect();
    malloc_trim(0);
    phase_trace::mark("writer: plot begun");
    return true;
}

bool H5Writer::hasStepSource() const {
    // A name of its own in the run group: not a dimension, not the coordinate.
    return m_stepped && !m_stepping.source.empty() && m_stepping.source != kStepScale &&
           m_stepping.source != kPointScale && m_stepping.source != m_coordinateName &&
           m_stepping.source.find('/') == std::string::npos;
}

void H5Writer::writeStepValues() {
    const hid_t run = m_run.get();
    const auto index = static_cast<hsize_t>(m_step);
    const long long step = m_step;
    writeAt(run, kStepScale, index, H5T_NATIVE_LLONG, &step);
    if (hasStepSource()) {
        const double value = m_stepping.valueAt(m_step);
        writeAt(run, m_stepping.source.c_str(), index, H5T_NATIVE_DOUBLE, &value);
    }
}

void H5Writer::nextStep() {
    std::lock_guard lock(h5Mutex());
    if (!m_stepped || m_columns.empty())
        return;
    flushStaged();
    ++m_step;
    m_stepPoints = 0;
    m_stepHasValue = false;
    writeStepValues();
}

void H5Writer::append(const SampleBatch& batch, int first, int last) {
    std::lock_guard lock(h5Mutex());
    if (m_columns.empty())
        return;
    if (last < 0 || last > batch.rows)
        last = batch.rows;
    if (first >= last)
        return;
    if (m_scalarPlot) {
        // An operating point has one row; a second one would only repeat it. In a stepped
        // run each step's operating point is one element along step_index.
        const double* row = batch.values.data() + static_cast<size_t>(first) * batch.columns;
        H5Handle complexMem = h5::complexType(H5T_NATIVE_DOUBLE);
        if (m_stepped && !m_stepHasValue) {
            for (auto& col : m_columns)
                writeAt(m_run.get(), col.link.c_str(), static_cast<hsize_t>(m_step),
                        col.isComplex ? complexMem.get() : H5T_NATIVE_DOUBLE,
                        row + col.sourceColumn);
            m_stepHasValue = true;
            m_points = m_step + 1;
        } else if (!m_stepped && m_points == 0) {
            for (auto& col : m_columns) {
                H5Handle dataset(H5Dopen2(m_run.get(), col.link.c_str(), H5P_DEFAULT));
                H5Dwrite(dataset.get(), col.isComplex ? complexMem.get() : H5T_NATIVE_DOUBLE,
                         H5S_ALL, H5S_ALL, H5P_DEFAULT, row + col.sourceColumn);
            }
            m_points = 1;
        }
        return;
    }
    const double* values = batch.values.data();
    for (int row = first; row < last; ++row) {
        const double* source = values + static_cast<size_t>(row) * batch.columns;
        const size_t at = static_cast<size_t>(m_stagedRows);
        const long long rowBase = m_stepped ? m_stepPoints : m_points;
        for (auto& col : m_columns) {
            if (col.sourceColumn < 0) {
                col.staged[at] = static_cast<double>(rowBase + m_stagedRows);
            } else if (col.isComplex) {
                col.staged[2 * at] = source[col.sourceColumn];
                col.staged[2 * at + 1] = source[col.sourceColumn + 1];
            } else {
                col.staged[at] = source[col.sourceColumn];
            }
        }
        if (++m_stagedRows == m_chunkRows)
            flushStaged();
    }
    if (std::chrono::steady_clock::now() - m_lastFlush >= kFlushInterval) {
        flushStaged();
        H5Fflush(m_file.get(), H5F_SCOPE_LOCAL);
        m_lastFlush = std::chrono::steady_clock::now();
    }
}

void H5Writer::flushStaged() {
    if (m_stagedRows == 0)
        return;
    const hsize_t count = static_cast<hsize_t>(m_stagedRows);
    const hsize_t start = static_cast<hsize_t>(m_stepped ? m_stepPoints : m_points);
    H5Handle memSpace(H5Screate_simple(1, &count, nullptr));
    H5Handle complexMem = h5::complexType(H5T_NATIVE_DOUBLE);
    H5Handle dapl(H5Pcreate(H5P_DATASET_ACCESS));
    H5Pset_chunk_cache(dapl.get(), 0, 0, 1.0); // whole chunks: nothing worth caching
    for (auto& col : m_columns) {
        if (col.firstStepOnly && m_step > 0)
            continue; // every step has the same sweep values
        H5Handle dataset(H5Dopen2(m_run.get(), col.link.c_str(), dapl.get()));
        const hid_t ds = dataset.get();
        H5Handle fileSpace;
        if (col.rank == 2) {
            hsize_t dims[2] = {0, 0};
            {
                H5Handle current(H5Dget_space(ds));
                H5Sget_simple_extent_dims(current.get(), dims, nullptr);
            }
            const hsize_t grown[2] = {std::max(dims[0], static_cast<hsize_t>(m_step) + 1),
                                      std::max(dims[1], start + count)};
            H5Dset_extent(ds, grown);
            fileSpace = H5Handle(H5Dget_space(ds));
            const hsize_t offset[2] = {static_cast<hsize_t>(m_step), start};
            const hsize_t block[2] = {1, count};
            H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, offset, nullptr, block, nullptr);
        } else {
            const hsize_t newSize = start + count;
            H5Dset_extent(ds, &newSize);
            fileSpace = H5Handle(H5Dget_space(ds));
            H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr);
        }
        H5Dwrite(ds, col.isComplex ? complexMem.get() : H5T_NATIVE_DOUBLE, memSpace.get(),
                 fileSpace.get(), H5P_DEFAULT, col.staged.data());
    }
    if (m_stepped && m_stepping.kind == RunStepping::Kind::Plots &&
        static_cast<long long>(start + count) > m_pointScaleSize) {
        // The point dimension grows with the longest step.
        const hsize_t from = static_cast<hsize_t>(m_pointScaleSize), to = start + count;
        std::vector<long long> indices(to - from);
        for (hsize_t i = from; i < to; ++i)
            indices[i - from] = static_cast<long long>(i);
        H5Handle scale(H5Dopen2(m_run.get(), kPointScale, H5P_DEFAULT));
        H5Dset_extent(scale.get(), &to);
        H5Handle scaleSpace(H5Dget_space(scale.get()));
        const hsize_t added = to - from;
        H5Sselect_hyperslab(scaleSpace.get(), H5S_SELECT_SET, &from, nullptr, &added, nullptr);
        H5Handle addedSpace(H5Screate_simple(1, &added, nullptr));
        H5Dwrite(scale.get(), H5T_NATIVE_LLONG, addedSpace.get(), scaleSpace.get(), H5P_DEFAULT,
                 indices.data());
        m_pointScaleSize = static_cast<long long>(to);
    }
    m_points += m_stagedRows;
    m_stepPoints += m_stagedRows;
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
    m_columns.clear();
    m_stepped = false;
    m_run.reset();
    ok = H5Fflush(m_file.get(), H5F_SCOPE_LOCAL) >= 0 && ok;
    if (!failure().empty())
        return R::failure(failure());
    if (!ok)
        return R::failure(m_path + ": cannot finalise run \"" + m_runId + "\"");
    return true;
}
