#include "core/store/plot_layout.h"

#include "core/store/dimension_scales.h"
#include "core/store/h5_handle.h"
#include "core/store/store_layout.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <hdf5_hl.h>
#include <limits>
#include <set>

namespace {

// The commit reads the samples of a few vectors at a time, in slabs of rows: its buffer,
// and so the peak memory it adds, whatever the run's length.
constexpr size_t kSlabBytes = 1u << 20;
constexpr int kBandColumns = 64;

QString q(const std::string& text) {
    return QString::fromStdString(text);
}

std::string s(const QJsonValue& value) {
    return value.toString().toStdString();
}

// The steps of a plot as sample rows: step k is rows [start[k], end[k]).
struct Steps {
    std::vector<hsize_t> start, end;
    std::vector<double> values;
    hsize_t longest = 0;  // rows of the longest step
    hsize_t withRows = 0; // 1 + the last step that has rows (a 2-D plot's first extent)
};

Steps readSteps(hid_t run, bool stepped, hsize_t rows) {
    Steps steps;
    std::vector<double> table;
    if (stepped && h5::exists(run, part_layout::kSteps)) {
        H5Handle set(H5Dopen2(run, part_layout::kSteps, H5P_DEFAULT));
        const auto dims = h5::datasetExtent(set.get());
        if (dims.size() == 2 && dims[1] == 2 && dims[0] > 0) {
            table.resize(dims[0] * 2);
            if (H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, table.data()) <
                0)
                table.clear();
        }
    } else if (!stepped) {
        table = {0.0, std::numeric_limits<double>::quiet_NaN()};
    }
    const size_t count = table.size() / 2;
    hsize_t previous = 0;
    for (size_t k = 0; k < count; ++k) {
        const double first = table[2 * k];
        hsize_t at = first > 0 ? static_cast<hsize_t>(first) : 0;
        at = std::min(std::max(at, previous), rows);
        steps.start.push_back(at);
        steps.values.push_back(table[2 * k + 1]);
        previous = at;
    }
    for (size_t k = 0; k < count; ++k) {
        steps.end.push_back(k + 1 < count ? steps.start[k + 1] : rows);
        const hsize_t length = steps.end[k] - steps.start[k];
        steps.longest = std::max(steps.longest, length);
        if (length > 0)
            steps.withRows = k + 1;
    }
    return steps;
}

// Where one stored dataset's values come from and how it is shaped.
struct Target {
    enum class Shape {
        Flat,      // 1-D, one value per sample row
        FirstStep, // 1-D, the rows of step 0 (a coordinate every step shares)
        Grid,      // 2-D (step, point), NaN where a step is shorter
        PerStep,   // 1-D, the first row of each step (a stepped operating point)
        Scalar,    // the first row
    };
    std::string name; // its link in its parent
    int column = -1;  // -1: the sample's index within its step
    bool isComplex = false;
    Shape shape = Shape::Flat;
    H5Handle dataset;
};

class Builder {
public:
    Builder(hid_t part, hid_t store, const PlotLayout& layout)
        : m_part(part), m_store(store), m_layout(layout) {}
    bool build();

private:
    bool openSamples();
    bool readRows(hsize_t first, hsize_t count, int firstColumn, int columns,
                  std::vector<double>& out);
    std::vector<hsize_t> extentOf(const Target& target) const;
    bool create(hid_t parent, Target& target);
    bool fill(std::vector<Target*>& band);
    bool fillPointwise(Target& target);
    bool writeIndexScale(const char* name, hsize_t length);

    hid_t m_part, m_store;
    const PlotLayout& m_layout;
    H5Handle m_samples;
    hsize_t m_rows = 0;
    hsize_t m_chunkRows = 1;
    Steps m_steps;
    DimensionScales m_scales;
    H5Handle m_fileComplex = h5::complexType(H5T_IEEE_F64LE);
    H5Handle m_memoryComplex = h5::complexType(H5T_NATIVE_DOUBLE);
};

bool Builder::openSamples() {
    if (!h5::exists(m_part, part_layout::kSamples))
        return true; // no sample yet
    m_samples = H5Handle(H5Dopen2(m_part, part_layout::kSamples, H5P_DEFAULT));
    const auto dims = h5::datasetExtent(m_samples.get());
    if (!m_samples.valid() || dims.size() != 2 || dims[1] < static_cast<hsize_t>(m_layout.columns))
        return false;
    m_rows = dims[0];
    H5Handle createList(H5Dget_create_plist(m_samples.get()));
    hsize_t chunk[2] = {1, 1};
    if (H5Pget_layout(createList.get()) == H5D_CHUNKED)
        H5Pget_chunk(createList.get(), 2, chunk);
    m_chunkRows = std::max<hsize_t>(chunk[0], 1);
    return true;
}

bool Builder::readRows(hsize_t first, hsize_t count, int firstColumn, int columns,
                       std::vector<double>& out) {
    out.resize(static_cast<size_t>(count) * static_cast<size_t>(columns));
    if (count == 0)
        return true;
    H5Handle space(H5Dget_space(m_samples.get()));
    const hsize_t start[2] = {first, static_cast<hsize_t>(firstColumn)};
    const hsize_t block[2] = {count, static_cast<hsize_t>(columns)};
    H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, block, nullptr);
    H5Handle memory(H5Screate_simple(2, block, nullptr));
    return H5Dread(m_samples.get(), H5T_NATIVE_DOUBLE, memory.get(), space.get(), H5P_DEFAULT,
                   out.data()) >= 0;
}

std::vector<hsize_t> Builder::extentOf(const Target& target) const {
    switch (target.shape) {
    case Target::Shape::Flat:
        return {m_rows};
    case Target::Shape::FirstStep:
        return {m_steps.end.empty() ? 0 : m_steps.end[0]};
    case Target::Shape::Grid:
        return {m_steps.withRows, m_steps.longest};
    case Target::Shape::PerStep:
        return {m_steps.withRows};
    case Target::Shape::Scalar:
        break;
    }
    return {};
}

bool Builder::create(hid_t parent, Target& target) {
    const auto dims = extentOf(target);
    H5Handle space(target.shape == Target::Shape::Scalar
                       ? H5Screate(H5S_SCALAR)
                       : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    H5Handle createList(H5Pcreate(H5P_DATASET_CREATE));
    if (target.shape == Target::Shape::Grid) {
        // A step shorter than the longest reads NaN past its end.
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double nanPair[2] = {nan, nan};
        if (target.isComplex)
            H5Pset_fill_value(createList.get(), m_memoryComplex.get(), nanPair);
        else
            H5Pset_fill_value(createList.get(), H5T_NATIVE_DOUBLE, &nan);
    } else if (target.shape != Target::Shape::Scalar && target.shape != Target::Shape::PerStep) {
        H5Pset_fill_time(createList.get(), H5D_FILL_TIME_NEVER); // every element is written
    }
    target.dataset = H5Handle(H5Dcreate2(parent, target.name.c_str(),
                                         target.isComplex ? m_fileComplex.get() : H5T_IEEE_F64LE,
                                         space.get(), H5P_DEFAULT, createList.get(), H5P_DEFAULT));
    return target.dataset.valid();
}

// Values of a stepped operating point or an operating point: a row or one per step.
bool Builder::fillPointwise(Target& target) {
    const size_t width = target.isComplex ? 2 : 1;
    const hid_t memoryType = target.isComplex ? m_memoryComplex.get() : H5T_NATIVE_DOUBLE;
    std::vector<double> row;
    if (target.shape == Target::Shape::Scalar) {
        if (m_rows == 0)
            return true; // never got its point: the fill value, as a plot written directly
        if (!readRows(0, 1, target.column, static_cast<int>(width), row))
            return false;
        return H5Dwrite(target.dataset.get(), memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                        row.data()) >= 0;
    }
    // An operating point's part has a row a step at most: its column read once, whole.
    const hsize_t rows = m_steps.withRows == 0 ? 0 : m_steps.end[m_steps.withRows - 1];
    if (!readRows(0, rows, target.column, static_cast<int>(width), row))
        return false;
    std::vector<double> values(static_cast<size_t>(m_steps.withRows) * width, 0.0);
    for (hsize_t k = 0; k < m_steps.withRows; ++k)
        if (m_steps.end[k] > m_steps.start[k])
            std::copy_n(row.begin() + static_cast<long>(m_steps.start[k] * width), width,
                        values.begin() + static_cast<long>(k * width));
    return values.empty() || H5Dwrite(target.dataset.get(), memoryType, H5S_ALL, H5S_ALL,
                                      H5P_DEFAULT, values.data()) >= 0;
}

// A band of vectors whose columns lie close together in a sample row: their samples are
// read a slab of rows at a time and written into each dataset.
bool Builder::fill(std::vector<Target*>& band) {
    int first = std::numeric_limits<int>::max(), last = 0;
    for (const Target* target : band)
        if (target->column >= 0) {
            first = std::min(first, target->column);
            last = std::max(last, target->column + (target->isComplex ? 2 : 1));
        }
    const bool reads = last > 0;
    const int width = reads ? last - first : 0;
    hsize_t rows = 0; // the rows any target of the band takes
    for (const Target* target : band)
        rows = std::max(rows,
                        target->shape == Target::Shape::FirstStep ? extentOf(*target)[0] : m_rows);
    hsize_t slab =
        std::max<hsize_t>(kSlabBytes / sizeof(double) / static_cast<size_t>(std::max(width, 1)), 1);
    slab = std::max(m_chunkRows, slab / m_chunkRows * m_chunkRows);
    std::vector<double> block, values;
    for (hsize_t r0 = 0; r0 < rows; r0 += slab) {
        const hsize_t count = std::min(slab, rows - r0);
        if (reads && !readRows(r0, count, first, width, block))
            return false;
        for (Target* target : band) {
            const size_t pair = target->isComplex ? 2 : 1;
            const hid_t memoryType = target->isComplex ? m_memoryComplex.get() : H5T_NATIVE_DOUBLE;
            // Segments of rows [a, b) that go to one place: the whole slab, or per step.
            auto write = [&](hsize_t a, hsize_t b, const std::vector<hsize_t>& at) {
                if (b <= a)
                    return true;
                values.resize(static_cast<size_t>(b - a) * pair);
                for (hsize_t r = a; r < b; ++r) {
                    const size_t i = static_cast<size_t>(r - a) * pair;
                    if (target->column < 0) {
                        values[i] = static_cast<double>(at.size() == 2 ? r - a + at[1] : r);
                        continue;
                    }
                    const double* row = block.data() + static_cast<size_t>(r - r0) * width;
                    for (size_t c = 0; c < pair; ++c)
                        values[i + c] = row[static_cast<size_t>(target->column - first) + c];
                }
                H5Handle space(H5Dget_space(target->dataset.get()));
                std::vector<hsize_t> blockDims(at.size(), 1);
                blockDims.back() = b - a;
                H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, at.data(), nullptr,
                                    blockDims.data(), nullptr);
                const hsize_t n = b - a;
                H5Handle memory(H5Screate_simple(1, &n, nullptr));
                return H5Dwrite(target->dataset.get(), memoryType, memory.get(), space.get(),
                                H5P_DEFAULT, values.data()) >= 0;
            };
            const hsize_t r1 = r0 + count;
            bool ok = true;
            if (target->shape == Target::Shape::Grid) {
                for (size_t k = 0; ok && k < m_steps.start.size(); ++k) {
                    const hsize_t a = std::max(r0, m_steps.start[k]);
                    const hsize_t b = std::min(r1, m_steps.end[k]);
                    ok = write(a, b, {static_cast<hsize_t>(k), a - m_steps.start[k]});
                }
            } else {
                const hsize_t end =
                    target->shape == Target::Shape::FirstStep ? extentOf(*target)[0] : m_rows;
                ok = write(r0, std::min(r1, end), {r0});
            }
            if (!ok)
                return false;
        }
    }
    return true;
}

bool Builder::writeIndexScale(const char* name, hsize_t length) {
    H5Handle space(H5Screate_simple(1, &length, nullptr));
    H5Handle dataset(H5Dcreate2(m_store, name, H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                H5P_DEFAULT));
    if (!dataset.valid())
        return false;
    std::vector<long long> values(static_cast<size_t>(length));
    for (hsize_t i = 0; i < length; ++i)
        values[static_cast<size_t>(i)] = static_cast<long long>(i);
    return (values.empty() || H5Dwrite(dataset.get(), H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL,
                                       H5P_DEFAULT, values.data()) >= 0) &&
           H5DSset_scale(dataset.get(), name) >= 0;
}

bool Builder::build() {
    if (!openSamples())
        return false;
    const PlotLayout& plot = m_layout;
    m_steps = readSteps(m_part, plot.stepped, m_rows);
    const hid_t run = m_store;
    using Shape = Target::Shape;
    const char* stepScale = store_layout::kStepIndex;
    const char* pointScale = store_layout::kPoint;

    // In the order a plot written directly creates them (xarray lists variables so).
    if (plot.stepped) {
        if (!writeIndexScale(stepScale, m_steps.start.size()))
            return false;
        if (plot.ragged && !writeIndexScale(pointScale, m_steps.longest))
            return false;
    }
    if (!plot.stepSource.empty()) {
        const hsize_t count = m_steps.values.size();
        H5Handle space(H5Screate_simple(1, &count, nullptr));
        H5Handle source(H5Dcreate2(run, plot.stepSource.c_str(), H5T_IEEE_F64LE, space.get(),
                                   H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        if (!source.valid() ||
            (count > 0 && H5Dwrite(source.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                   m_steps.values.data()) < 0) ||
            !h5::writeStringAttribute(source.get(), store_layout::kUnit, plot.stepUnit) ||
            !m_scales.attach(run, source.get(), {stepScale}, "0"))
            return false;
    }
    std::vector<Target> targets;
    targets.reserve(plot.vectors.size() + 1);
    if (!plot.scalar) {
        Target coordinate;
        coordinate.name = plot.coordinateName;
        coordinate.column = plot.coordinateColumn;
        coordinate.shape = plot.ragged    ? Shape::Grid
                           : plot.stepped ? Shape::FirstStep
                                          : Shape::Flat;
        if (!create(run, coordinate))
            return false;
        const hid_t ds = coordinate.dataset.get();
        if (plot.ragged) {
            // Each step has a time axis of its own: a 2-D coordinate, not a dimension.
            if (!m_scales.attach(run, ds, {stepScale, pointScale}, "1"))
                return false;
        } else if (H5DSset_scale(ds, plot.coordinateName.c_str()) < 0) {
            return false;
        }
        if (!h5::writeStringAttribute(ds, store_layout::kUnit, plot.coordinateUnit))
            return false;
        targets.push_back(std::move(coordinate));
    }
    H5Handle groups = h5::compactGroupCreateList(0);
    H5Handle vectorsGroup(
        H5Gcreate2(run, store_layout::kVectors, H5P_DEFAULT, groups.get(), H5P_DEFAULT));
    if (!vectorsGroup.valid())
        return false;

    // A band: the coordinate first, then vectors as long as their columns stay close.
    std::vector<Target*> band;
    int bandFirst = 0;
    auto flush = [&]() {
        const bool ok =
            band.empty() ||
            (band.front()->shape == Shape::Scalar || band.front()->shape == Shape::PerStep
                 ? std::all_of(band.begin(), band.end(),
                               [&](Target* t) { return fillPointwise(*t); })
                 : fill(band));
        for (Target* target : band)
            target->dataset.reset();
        band.clear();
        return ok;
    };
    if (!targets.empty())
        band.push_back(&targets.front());
    bandFirst = targets.empty() ? 0 : std::max(targets.front().column, 0);
    const Shape vectorShape = plot.scalar    ? (plot.stepped ? Shape::PerStep : Shape::Scalar)
                              : plot.stepped ? Shape::Grid
                                             : Shape::Flat;
    for (const auto& vector : plot.vectors) {
        if (!band.empty() &&
            (vector.column + 2 - bandFirst > kBandColumns || vector.column < bandFirst ||
             band.size() >= static_cast<size_t>(kBandColumns)) &&
            !flush())
            return false;
        if (band.empty())
            bandFirst = vector.column;
        H5Handle holder(H5Gcreate2(vectorsGroup.get(), vector.cref.c_str(), H5P_DEFAULT,
                                   groups.get(), H5P_DEFAULT));
        Target target;
        target.name = store_layout::kData;
        target.column = vector.column;
        target.isComplex = vector.isComplex;
        target.shape = vectorShape;
        if (!holder.valid() || !create(holder.get(), target))
            return false;
        const hid_t ds = target.dataset.get();
        h5::addStringAttributes(ds, {{store_layout::kUnit, &vector.unit},
                                     {store_layout::kSourceVector, &vector.sourceVector},
                                     {store_layout::kNodeKind, &vector.nodeKind}});
        h5::writeStringListAttribute(ds, store_layout::kAliases, vector.aliases);
        bool attached = true;
        // A copy (a merge) visits vectors/ by name: REFERENCE_LIST in that order here too.
        const std::string order = "2" + vector.cref;
        if (plot.stepped) {
            // CF convention: xarray makes the names in `coordinates` coordinates of the
            // variable (each step's own time axis, the stepped source's values).
            if (vectorShape == Shape::PerStep)
                attached = m_scales.attach(run, ds, {stepScale}, order);
            else if (plot.ragged)
                attached = m_scales.attach(run, ds, {stepScale, pointScale}, order);
            else
                attached = m_scales.attach(run, ds, {stepScale, plot.coordinateName}, order);
            std::string coordinates = plot.ragged ? plot.coordinateName : std::string();
            if (!plot.stepSource.empty())
                coordinates += (coordinates.empty() ? "" : " ") + plot.stepSource;
            if (!coordinates.empty())
                h5::writeStringAttribute(ds, store_layout::kCoordinates, coordinates);
        } else if (!plot.scalar) {
            attached = m_scales.attach(run, ds, {plot.coordinateName}, order);
        }
        // The hard link makes each cref a variable of the run group for xarray/h5netcdf.
        const std::string path = store_layout::vectorDataPath(vector.cref);
        if (!attached || H5Lcreate_hard(run, path.c_str(), run, vector.cref.c_str(), H5P_DEFAULT,
                                        H5P_DEFAULT) < 0)
            return false;
        targets.push_back(std::move(target));
        band.push_back(&targets.back());
    }
    return flush() && m_scales.finish(run);
}

} // namespace

PlotLayout PlotLayout::describe(const std::string& analysis, const std::vector<VectorInfo>& vectors,
                                const Resolution& resolution, const RunStepping& stepping,
                                const std::string& dcSweepSource) {
    PlotLayout layout;
    layout.analysis = analysis;
    std::vector<int> sourceColumn;
    int column = 0;
    for (const auto& v : vectors) {
        sourceColumn.push_back(column);
        column += v.isComplex ? 2 : 1;
    }
    layout.columns = column;
    const bool hasScale = resolution.scaleIndex >= 0;
    layout.scalar = analysis == "op";
    layout.stepped = stepping.steps(analysis);
    layout.ragged = layout.stepped && !layout.scalar && stepping.kind == RunStepping::Kind::Plots;
    const auto scale = static_cast<size_t>(std::max(resolution.scaleIndex, 0));
    std::string name = hasScale ? resolution.vectors[scale].cref : std::string("index");
    // ngspice calls every DC sweep "v-sweep"/"i-sweep"; the swept source names it better.
    // The scale's unit as resolved (a "v-sweep" is in V) stays.
    if (analysis == "dc" && !dcSweepSource.empty() && name.size() > 6 &&
        name.compare(name.size() - 6, 6, "-sweep") == 0)
        name = dcSweepSource;
    layout.coordinateName = name;
    layout.coordinateUnit = hasScale ? resolution.vectors[scale].unit : "";
    layout.coordinateColumn = hasScale && scale < sourceColumn.size() ? sourceColumn[scale] : -1;
    if (layout.stepped && !stepping.source.empty() && stepping.source != store_layout::kStepIndex &&
        stepping.source != store_layout::kPoint && stepping.source != name &&
        stepping.source.find('/') == std::string::npos) {
        layout.stepSource = stepping.source;
        layout.stepUnit = stepping.unit;
    }
    for (size_t i = 0; i < resolution.vectors.size() && i < vectors.size(); ++i) {
        if (static_cast<int>(i) == resolution.scaleIndex)
            continue;
        const auto& resolved = resolution.vectors[i];
        layout.vectors.push_back({resolved.cref, resolved.unit, resolved.vector,
                                  toString(resolved.nodeKind), resolved.aliases,
                                  vectors[i].isComplex, sourceColumn[i]});
    }
    return layout;
}

std::string PlotLayout::problem() const {
    std::set<std::string> names = {store_layout::kInputs,       store_layout::kLogs,
                                   store_layout::kMeasurements, store_layout::kVectors,
                                   store_layout::kSuccess,      part_layout::kPlot,
                                   part_layout::kSamples,       part_layout::kSteps};
    auto take = [&](const std::string& name, const char* what) -> std::string {
        if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
            return std::string(what) + " \"" + name + "\" is not a name HDF5 can store";
        if (!names.insert(name).second)
            return std::string(what) + " \"" + name + "\" would be stored twice in the run";
        return {};
    };
    std::string why;
    if (stepped)
        why = take(store_layout::kStepIndex, "the dimension");
    if (why.empty() && ragged)
        why = take(store_layout::kPoint, "the dimension");
    if (why.empty() && !stepSource.empty())
        why = take(stepSource, "the stepped source");
    if (why.empty() && !scalar)
        why = take(coordinateName, "the coordinate");
    for (size_t i = 0; why.empty() && i < vectors.size(); ++i)
        why = take(vectors[i].cref, "the cref");
    return why;
}

std::string PlotLayout::toJson() const {
    QJsonArray list;
    for (const auto& v : vectors) {
        QJsonArray aliasList;
        for (const auto& alias : v.aliases)
            aliasList.append(q(alias));
        list.append(QJsonObject{{"cref", q(v.cref)},
                                {"unit", q(v.unit)},
                                {"source_vec", q(v.sourceVector)},
                                {"node_kind", q(v.nodeKind)},
                                {"aliases", aliasList},
                                {"complex", v.isComplex},
                                {"column", v.column}});
    }
    const QJsonObject object{{"format", "wavebench.part.plot/1"},
                             {"analysis", q(analysis)},
                             {"coordinate", q(coordinateName)},
                             {"coordinate_unit", q(coordinateUnit)},
                             {"coordinate_column", coordinateColumn},
                             {"scalar", scalar},
                             {"stepped", stepped},
                             {"ragged", ragged},
                             {"step_source", q(stepSource)},
                             {"step_unit", q(stepUnit)},
                             {"columns", columns},
                             {"vectors", list}};
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

Result<PlotLayout> PlotLayout::fromJson(const std::string& json) {
    using R = Result<PlotLayout>;
    QJsonParseError error{};
    const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
    const QJsonObject o = document.object();
    if (error.error != QJsonParseError::NoError || o["format"] != "wavebench.part.plot/1")
        return R::failure("the part's plot layout cannot be read");
    PlotLayout layout;
    layout.analysis = s(o["analysis"]);
    layout.coordinateName = s(o["coordinate"]);
    layout.coordinateUnit = s(o["coordinate_unit"]);
    layout.coordinateColumn = o["coordinate_column"].toInt(-1);
    layout.scalar = o["scalar"].toBool();
    layout.stepped = o["stepped"].toBool();
    layout.ragged = o["ragged"].toBool();
    layout.stepSource = s(o["step_source"]);
    layout.stepUnit = s(o["step_unit"]);
    layout.columns = o["columns"].toInt();
    for (const auto& item : o["vectors"].toArray()) {
        const QJsonObject v = item.toObject();
        Vector vector{s(v["cref"]), s(v["unit"]),          s(v["source_vec"]),   s(v["node_kind"]),
                      {},           v["complex"].toBool(), v["column"].toInt(-1)};
        for (const auto& alias : v["aliases"].toArray())
            vector.aliases.push_back(alias.toString().toStdString());
        const int width = vector.isComplex ? 2 : 1;
        if (vector.cref.empty() || vector.column < 0 || vector.column + width > layout.columns)
            return R::failure("the part's plot layout names a vector outside its samples");
        layout.vectors.push_back(std::move(vector));
    }
    if (layout.coordinateColumn >= layout.columns)
        return R::failure("the part's plot layout names a coordinate outside its samples");
    return layout;
}

bool PlotLayout::heldBy(hid_t partRun) {
    return H5Lexists(partRun, part_layout::kPlot, H5P_DEFAULT) > 0;
}

bool PlotLayout::build(hid_t partRun, hid_t storeRun) {
    auto layout = fromJson(h5::readStringDataset(partRun, part_layout::kPlot));
    if (!layout)
        return false;
    return Builder(partRun, storeRun, layout.value()).build();
}
