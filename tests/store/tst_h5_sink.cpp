// The store format without a simulator: H5Sink fed synthetic plots and batches, read back
// with ResultStore and, through a small Python checker, with h5py and xarray (h5netcdf).
// The layout is README.md's "Store layout".
#include "core/crefs/probe_resolver.h"
#include "core/design/vector_units.h"
#include "core/store/h5_sink.h"
#include "core/store/result_store.h"
#include "core/store/run_metadata.h"
#include "core/store/sample_batch.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <functional>
#include <hdf5.h>

namespace {

// Whether logs/warnings.jsonl holds a line {"level": level, "message": message}: each line is
// read as JSON, so the check does not depend on how the writer spaces it.
bool hasWarning(const std::string& jsonl, const char* level, const std::string& message = {}) {
    for (const auto& line : QString::fromStdString(jsonl).split('\n', Qt::SkipEmptyParts)) {
        const auto object = QJsonDocument::fromJson(line.toUtf8()).object();
        if (object.value("level").toString() == level &&
            (message.empty() || object.value("message").toString().toStdString() == message))
            return true;
    }
    return false;
}

using Row = std::function<std::vector<double>(long long row)>;

RunMetadata metadata(const std::string& runId) {
    RunMetadata m;
    m.runId = runId;
    m.netlist = "* " + runId + "\nv1 in 0 1\nr1 in out 1k\nc1 out 0 1n\n.end\n";
    m.netlistSha256 = std::string(64, 'a');
    m.ngspiceVersion = "ngspice-39";
    m.probeMapJson = "{\"map\": {}, \"aliases\": {}}";
    m.paramsYaml = "rval: 1k\n";
    m.treeJson = "{\"format\": \"wavebench.tree\"}";
    m.corner = "tt";
    m.sweep = "{\"rval\": 1000}";
    m.seed = 7;
    m.job = "synthetic";
    m.sweepIndex = 2;
    m.probes = {"top.nodes.out.v"};
    return m;
}

// The vectors of a plot as ngspice's init callback announces them.
std::vector<VectorInfo> vectors(std::initializer_list<VectorInfo> list) {
    return list;
}

// Hands the sink `rows` rows of `row(i)` in batches of `perBatch` rows, as the writer does.
void append(H5Sink& sink, long long first, long long rows, int perBatch, const Row& row) {
    const int columns = static_cast<int>(row(first).size());
    SampleBatch batch;
    batch.columns = columns;
    batch.capacity = perBatch;
    batch.values.assign(static_cast<size_t>(perBatch * columns), 0.0);
    for (long long start = first; start < first + rows; start += perBatch) {
        batch.rows = static_cast<int>(std::min<long long>(perBatch, first + rows - start));
        for (int r = 0; r < batch.rows; ++r) {
            const auto values = row(start + r);
            std::copy(values.begin(), values.end(),
                      batch.values.begin() + static_cast<std::ptrdiff_t>(r * columns));
        }
        sink.append(batch);
    }
}

// The synthetic runs, chosen so that Python computes the very same doubles (products and
// quotients of small integers): tests/store/check_h5_sink.py knows them too.
constexpr long long kTranRows = 20000; // more than one chunk of 16384 rows
constexpr long long kAcRows = 50;
const std::vector<long long> kLoopRows = {5, 7, 3}; // a shorter last step: NaN padding

std::vector<double> tranRow(long long i) {
    return {static_cast<double>(i) * 1e-9, static_cast<double>(i) * 0.5,
            -static_cast<double>(i) * 0.25};
}

// Complex vectors (and ngspice's complex frequency scale) take two columns.
std::vector<double> acRow(long long i) {
    return {static_cast<double>(i + 1) * 1000.0, 0.0, 1.0 / static_cast<double>(i + 1),
            -static_cast<double>(i) * 0.125};
}

std::vector<double> loopRow(long long step, long long i) {
    return {static_cast<double>(i) * 1e-6, static_cast<double>(step) * 10 + static_cast<double>(i)};
}

std::vector<double> dcRow(long long step, long long i) {
    return {static_cast<double>(i) * 0.5, static_cast<double>(step) + static_cast<double>(i) * 0.5};
}

const char* const kMeasuredNetlist = "* measured\nv1 in 0 pulse(0 1 0 1n)\nr1 in out 1k\n"
                                     "c1 out 0 1n\n.tran 1n 1u\n"
                                     ".measure tran tdelay trig v(in) val=0.5 rise=1 targ "
                                     "v(out) val=0.5 rise=1\n"
                                     ".meas tran vlate find v(out) at=20u\n.end\n";

std::unique_ptr<H5Sink> openSink(const std::string& path) {
    auto sink = H5Sink::open(path);
    if (!sink)
        qWarning("%s", sink.error().c_str());
    return sink ? std::move(sink.value()) : nullptr;
}

bool begin(H5Sink& sink, const std::string& plot, const std::vector<VectorInfo>& vectors,
           ProbeMap map = {}) {
    auto resolution = ProbeResolver(std::move(map)).resolve(vectors);
    if (!resolution) {
        qWarning("%s", resolution.error().c_str());
        return false;
    }
    VectorUnits().fill(resolution.value()); // as a run without a design does
    const auto begun = sink.beginPlot(plot, vectors, resolution.value());
    if (!begun)
        qWarning("%s", begun.error().c_str());
    return begun.ok();
}

// The object a path of the file names (its address), or HADDR_UNDEF.
haddr_t objectAt(hid_t file, const char* path) {
    H5O_info_t info;
    if (H5Oget_info_by_name2(file, path, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
        return HADDR_UNDEF;
    return info.addr;
}

// Each writer below stores one kind of run into `path` and finishes it ok.
void writeTran(const std::string& path) {
    auto sink = openSink(path);
    QVERIFY(sink);
    QVERIFY(sink->createRun(metadata("tran")).ok());
    QVERIFY(begin(*sink, "tran1", vectors({{"time", false, true}, {"out"}, {"v1#branch"}})));
    append(*sink, 0, kTranRows, 777, tranRow);
    QVERIFY(sink->finishRun(RunStatus::Ok, "").ok());
}

void writeAc(const std::string& path) {
    auto sink = openSink(path);
    QVERIFY(sink);
    QVERIFY(sink->createRun(metadata("ac")).ok());
    QVERIFY(begin(*sink, "ac1", vectors({{"frequency", true, true}, {"out", true, false}})));
    append(*sink, 0, kAcRows, 16, acRow);
    QVERIFY(sink->finishRun(RunStatus::Ok, "").ok());
}

void writeOp(const std::string& path) {
    auto sink = openSink(path);
    QVERIFY(sink);
    QVERIFY(sink->createRun(metadata("op")).ok());
    QVERIFY(begin(*sink, "op1", vectors({{"out"}, {"v1#branch"}})));
    append(*sink, 0, 1, 1, [](long long) { return std::vector<double>{0.75, -1e-3}; });
    // An operating point has one row; a repeat of it is not stored.
    append(*sink, 0, 1, 1, [](long long) { return std::vector<double>{9.0, 9.0}; });
    QVERIFY(sink->finishRun(RunStatus::Ok, "").ok());
}

// A .control loop over `foreach rv 1k 2k 4k`: every repeated tran plot is a step.
void writeLoop(const std::string& path) {
    auto sink = openSink(path);
    QVERIFY(sink);
    auto m = metadata("loop");
    m.stepping.kind = RunStepping::Kind::Plots;
    m.stepping.source = "rv";
    m.stepping.values = {1e3, 2e3, 4e3};
    QVERIFY(sink->createRun(m).ok());
    QVERIFY(begin(*sink, "tran1", vectors({{"time", false, true}, {"out"}})));
    for (size_t k = 0; k < kLoopRows.size(); ++k) {
        if (k > 0)
            sink->nextStep();
        const auto step = static_cast<long long>(k);
        append(*sink, 0, kLoopRows[k], 4, [step](long long i) { return loopRow(step, i); });
    }
    QVERIFY(sink->finishRun(RunStatus::Ok, "").ok());
}

// `.dc vd 0 1 0.5 vg 0.5 1 0.5`: one plot; the inner sweep restarting is the next step.
void writeDc2(const std::string& path) {
    auto sink = openSink(path);
    QVERIFY(sink);
    auto m = metadata("dc2");
    m.dcSweepSource = "vd";
    m.stepping.kind = RunStepping::Kind::DcSecondSource;
    m.stepping.source = "vg";
    m.stepping.unit = "V";
    m.stepping.values = {0.5, 1.0};
    m.stepping.innerPoints = 3;
    QVERIFY(sink->createRun(m).ok());
    QVERIFY(begin(*sink, "dc1", vectors({{"v-sweep", false, true}, {"d"}})));
    for (long long k = 0; k < 2; ++k) {
        if (k > 0)
            sink->nextStep();
        append(*sink, 0, 3, 3, [k](long long i) { return dcRow(k, i); });
    }
    QVERIFY(sink->finishRun(RunStatus::Ok, "").ok());
}

// An operating point in a loop over temperatures: one value per step.
void writeTemps(const std::string& path) {
    auto sink = openSink(path);
    QVERIFY(sink);
    auto m = metadata("temps");
    m.stepping.kind = RunStepping::Kind::Plots;
    m.stepping.source = "t";
    m.stepping.values = {-40, 27, 125};
    QVERIFY(sink->createRun(m).ok());
    QVERIFY(begin(*sink, "op1", vectors({{"out"}})));
    for (long long k = 0; k < 3; ++k) {
        if (k > 0)
            sink->nextStep();
        append(*sink, 0, 1, 1, [k](long long) {
            return std::vector<double>{0.5 + static_cast<double>(k) * 0.125};
        });
    }
    QVERIFY(sink->finishRun(RunStatus::Ok, "").ok());
}

// A tran run whose log carries .measure results, a failed measure and a warning.
void writeMeasured(const std::string& path, std::vector<MeasureResults::Measurement>* kept) {
    auto sink = openSink(path);
    QVERIFY(sink);
    auto m = metadata("measured");
    m.netlist = kMeasuredNetlist;
    QVERIFY(sink->createRun(m).ok());
    QVERIFY(begin(*sink, "tran1", vectors({{"time", false, true}, {"out"}, {"v1#branch"}})));
    append(*sink, 0, 100, 64, tranRow);
    for (const char* line :
         {"stdout Measurements for Transient Analysis",
          "stdout tdelay              =  6.931531e-07 targ=  6.936531e-07 trig=  5.000000e-10",
          "stderr Warning: vlate: out of interval", "stderr out of interval",
          "stderr .measure tran vlate find v(out) at=20u failed!"})
        sink->addLog(line);
    QVERIFY(sink->finishRun(RunStatus::Ok, "").ok());
    *kept = sink->finishedMeasurements();
}

void writeFailed(const std::string& path) {
    auto sink = openSink(path);
    QVERIFY(sink);
    QVERIFY(sink->createRun(metadata("failed")).ok());
    QVERIFY(begin(*sink, "tran1", vectors({{"time", false, true}, {"out"}, {"v1#branch"}})));
    append(*sink, 0, 10, 4, tranRow);
    sink->addLog("stderr Error: timestep too small");
    QVERIFY(sink->finishRun(RunStatus::Failed, "timestep too small").ok());
}

// The sink goes away with the run still open (a writer torn down mid-run).
void writeAbandoned(const std::string& path) {
    auto sink = openSink(path);
    QVERIFY(sink);
    QVERIFY(sink->createRun(metadata("abandoned")).ok());
    QVERIFY(begin(*sink, "tran1", vectors({{"time", false, true}, {"out"}, {"v1#branch"}})));
    append(*sink, 0, 10, 4, tranRow);
    QVERIFY(sink->hasRun());
}

} // namespace

class TestH5Sink : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void tranHasATimeCoordinate() {
        const auto store = path("tran.h5");
        writeTran(store);
        auto run = ResultStore::readRun(store, "tran");
        QVERIFY2(run.ok(), run.error().c_str());
        QCOMPARE(run->summary.status, std::string("ok"));
        QVERIFY(run->summary.success);
        QCOMPARE(run->summary.analysis, std::string("tran"));
        QCOMPARE(run->summary.coordinate, std::string("time"));
        QCOMPARE(run->summary.points, kTranRows);
        QCOMPARE(run->coordinate.size(), size_t(kTranRows));
        const auto* out = run->find("top.nodes.out.v");
        const auto* current = run->find("top.v1.i");
        QVERIFY(out && current);
        QCOMPARE(out->unit, std::string("V"));
        QCOMPARE(out->sourceVector, std::string("out"));
        QCOMPARE(out->nodeKind, std::string("node_voltage"));
        QCOMPARE(current->unit, std::string("A"));
        QCOMPARE(current->nodeKind, std::string("branch_current"));
        QVERIFY(out->imag.empty());
        QCOMPARE(run->vectors.size(), size_t(2));
        bool exact = true; // bit for bit, across batch and chunk boundaries
        for (long long i = 0; i < kTranRows; ++i) {
            const auto row = tranRow(i);
            const auto k = static_cast<size_t>(i);
            exact = exact && run->coordinate[k] == row[0] && out->values[k] == row[1] &&
                    current->values[k] == row[2];
        }
        QVERIFY(exact);
        // What the run was given comes back as it was written.
        const auto given = metadata("tran");
        QCOMPARE(run->netlist, given.netlist);
        QCOMPARE(run->probeMapJson, given.probeMapJson);
        QCOMPARE(run->treeJson, given.treeJson);
        QCOMPARE(run->netlistSha256, given.netlistSha256);
        QCOMPARE(run->ngspiceVersion, given.ngspiceVersion);
        QCOMPARE(run->seed, given.seed);
        QCOMPARE(run->corner, given.corner);
        QCOMPARE(run->sweep, given.sweep);
        QCOMPARE(run->sweepIndex, given.sweepIndex);
        QCOMPARE(run->job, given.job);
        QCOMPARE(run->summary.job, given.job);
        QVERIFY(!run->summary.started.empty() && !run->summary.finished.empty());
        QVERIFY(run->summary.started <= run->summary.finished);
        QVERIFY(run->stepStarts.empty());
    }

    // The GUI plots one cref of a big run without reading the others: a filtered read gives
    // exactly the crefs asked (with the run's probes when asked), the same values as a full
    // read, the others listed without values; a cref the run lacks is an error naming it.
    void aFilteredReadReadsOnlyTheCrefsAsked() {
        const auto store = path("filtered.h5");
        writeTran(store);
        auto full = ResultStore::readRun(store, "tran");
        QVERIFY2(full.ok(), full.error().c_str());
        QCOMPARE(full->probes, (std::vector<std::string>{"top.nodes.out.v"}));
        QVERIFY(full->unread.empty());

        auto one =
            ResultStore::readRun(store, "tran", ResultStore::VectorFilter::only({"top.v1.i"}));
        QVERIFY2(one.ok(), one.error().c_str());
        QCOMPARE(one->vectors.size(), size_t(1));
        QCOMPARE(one->vectors[0].cref, std::string("top.v1.i"));
        QCOMPARE(one->vectors[0].values, full->find("top.v1.i")->values);
        QCOMPARE(one->coordinate, full->coordinate);
        QCOMPARE(one->unread.size(), size_t(1));
        QCOMPARE(one->unread[0].cref, std::string("top.nodes.out.v"));
        QCOMPARE(one->unread[0].unit, std::string("V"));
        QVERIFY(one->unread[0].values.empty());

        auto probes =
            ResultStore::readRun(store, "tran", ResultStore::VectorFilter::only({}, true));
        QVERIFY2(probes.ok(), probes.error().c_str());
        QCOMPARE(probes->vectors.size(), size_t(1));
        QCOMPARE(probes->vectors[0].values, full->find("top.nodes.out.v")->values);

        auto unknown = ResultStore::readRun(store, "tran",
                                            ResultStore::VectorFilter::only({"top.nodes.nope.v"}));
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.error().find("top.nodes.nope.v") != std::string::npos,
                 unknown.error().c_str());
    }

    void acIsComplex() {
        const auto store = path("ac.h5");
        writeAc(store);
        auto run = ResultStore::readRun(store, "ac");
        QVERIFY2(run.ok(), run.error().c_str());
        QCOMPARE(run->summary.analysis, std::string("ac"));
        QCOMPARE(run->summary.coordinate, std::string("frequency"));
        QCOMPARE(run->summary.points, kAcRows);
        const auto* out = run->find("top.nodes.out.v");
        QVERIFY(out);
        QCOMPARE(out->values.size(), size_t(kAcRows));
        QCOMPARE(out->imag.size(), size_t(kAcRows));
        for (long long i = 0; i < kAcRows; ++i) {
            const auto row = acRow(i);
            const auto k = static_cast<size_t>(i);
            QCOMPARE(run->coordinate[k], row[0]); // the real part of ngspice's complex scale
            QCOMPARE(out->values[k], row[2]);
            QCOMPARE(out->imag[k], row[3]);
        }
    }

    void operatingPointIsScalars() {
        const auto store = path("op.h5");
        writeOp(store);
        auto run = ResultStore::readRun(store, "op");
        QVERIFY2(run.ok(), run.error().c_str());
        QCOMPARE(run->summary.analysis, std::string("op"));
        QVERIFY(run->summary.coordinate.empty());
        QVERIFY(run->coordinate.empty());
        QCOMPARE(run->summary.points, 1LL);
        QCOMPARE(run->find("top.nodes.out.v")->values, std::vector<double>{0.75});
        QCOMPARE(run->find("top.v1.i")->values, std::vector<double>{-1e-3});
    }

    void controlLoopStepsArePlots() {
        const auto store = path("loop.h5");
        writeLoop(store);
        auto run = ResultStore::readRun(store, "loop");
        QVERIFY2(run.ok(), run.error().c_str());
        QCOMPARE(run->summary.coordinate, std::string("time"));
        QCOMPARE(run->stepSource, std::string("rv"));
        QCOMPARE(run->stepValues, (std::vector<double>{1e3, 2e3, 4e3}));
        QCOMPARE(run->stepStarts, (std::vector<size_t>{0, 5, 12}));
        // Every step's points, padding included: 3 steps of the longest (7).
        QCOMPARE(run->summary.points, 21LL);
        const auto* out = run->find("top.nodes.out.v");
        QVERIFY(out);
        QCOMPARE(run->coordinate.size(), size_t(15)); // the padding is not read back
        QCOMPARE(out->values.size(), size_t(15));
        size_t at = 0;
        for (long long k = 0; k < 3; ++k)
            for (long long i = 0; i < kLoopRows[static_cast<size_t>(k)]; ++i, ++at) {
                QCOMPARE(run->coordinate[at], loopRow(k, i)[0]);
                QCOMPARE(out->values[at], loopRow(k, i)[1]);
            }
    }

    void dcSecondSourceStepsShareTheSweep() {
        const auto store = path("dc2.h5");
        writeDc2(store);
        auto run = ResultStore::readRun(store, "dc2");
        QVERIFY2(run.ok(), run.error().c_str());
        QCOMPARE(run->summary.analysis, std::string("dc"));
        QCOMPARE(run->summary.coordinate, std::string("vd")); // the swept source, not v-sweep
        QCOMPARE(run->summary.points, 6LL);
        QCOMPARE(run->stepSource, std::string("vg"));
        QCOMPARE(run->stepValues, (std::vector<double>{0.5, 1.0}));
        QCOMPARE(run->stepStarts, (std::vector<size_t>{0, 3}));
        QCOMPARE(run->coordinate, (std::vector<double>{0, 0.5, 1.0, 0, 0.5, 1.0}));
        QCOMPARE(run->find("top.nodes.d.v")->values,
                 (std::vector<double>{0, 0.5, 1.0, 1.0, 1.5, 2.0}));
    }

    void steppedOperatingPointIsACurve() {
        const auto store = path("temps.h5");
        writeTemps(store);
        auto run = ResultStore::readRun(store, "temps");
        QVERIFY2(run.ok(), run.error().c_str());
        QCOMPARE(run->summary.coordinate, std::string("t"));
        QCOMPARE(run->coordinate, (std::vector<double>{-40, 27, 125}));
        QCOMPARE(run->summary.points, 3LL);
        QCOMPARE(run->find("top.nodes.out.v")->values, (std::vector<double>{0.5, 0.625, 0.75}));
    }

    void logsAndMeasurementsAreStored() {
        const auto store = path("measured.h5");
        std::vector<MeasureResults::Measurement> kept;
        writeMeasured(store, &kept);
        auto run = ResultStore::readRun(store, "measured");
        QVERIFY2(run.ok(), run.error().c_str());
        QVERIFY(run->log.find("stdout tdelay              =  6.931531e-07") != std::string::npos);
        QVERIFY(run->log.find("stderr out of interval\n") != std::string::npos);
        QVERIFY(hasWarning(run->warnings, "warning", "stderr Warning: vlate: out of interval"));
        QVERIFY(hasWarning(run->warnings, "error", "stderr out of interval"));
        QVERIFY(run->warnings.find("Measurements for") == std::string::npos); // stdout: no
        QCOMPARE(run->measurements.size(), size_t(2));
        QCOMPARE(run->measurements.at("tdelay"), 6.931531e-07);
        QVERIFY(!run->measurementMessages.count("tdelay"));
        QVERIFY(std::isnan(run->measurements.at("vlate")));
        const std::string why = run->measurementMessages.at("vlate");
        QVERIFY2(why.find("out of interval") != std::string::npos, why.c_str());
        QVERIFY2(why.find("vlate find v(out) at=20u") != std::string::npos, why.c_str());
        // What the sink kept for the caller is what it stored.
        QCOMPARE(kept.size(), size_t(2));
        QCOMPARE(kept[0].name, std::string("tdelay"));
        QCOMPARE(kept[0].value, 6.931531e-07);
        QCOMPARE(kept[0].extras.size(), size_t(2));
        QCOMPARE(kept[1].name, std::string("vlate"));
        QCOMPARE(kept[1].message, why);
    }

    void statusAndSuccessMarker() {
        const auto store = path("status.h5");
        {
            // While a run is open it reads back as running, without _SUCCESS.
            auto sink = openSink(store);
            QVERIFY(sink);
            QVERIFY(!sink->hasRun());
            QVERIFY(sink->createRun(metadata("open")).ok());
            QVERIFY(sink->hasRun());
            auto running = ResultStore::readRun(store, "open");
            QVERIFY2(running.ok(), running.error().c_str());
            QCOMPARE(running->summary.status, std::string("running"));
            QVERIFY(!running->summary.success);
            QVERIFY(running->summary.finished.empty());
            // A second run cannot start in a sink whose run is still open.
            QVERIFY(!sink->createRun(metadata("second")).ok());
            QVERIFY(sink->finishRun(RunStatus::Missing, "not produced by ngspice: v(x)").ok());
            QVERIFY(!sink->hasRun());
            QVERIFY(!sink->finishRun(RunStatus::Ok, "").ok()); // nothing open any more
        }
        writeFailed(store);
        writeAbandoned(store);
        writeOp(store);
        auto runs = ResultStore::listRuns(store);
        QVERIFY2(runs.ok(), runs.error().c_str());
        std::map<std::string, RunSummary> byId;
        for (const auto& r : runs.value())
            byId[r.runId] = r;
        QCOMPARE(byId.size(), size_t(4));
        QCOMPARE(byId["open"].status, std::string("missing"));
        QCOMPARE(byId["open"].message, std::string("not produced by ngspice: v(x)"));
        QVERIFY(!byId["open"].success);
        QCOMPARE(byId["failed"].status, std::string("failed"));
        QCOMPARE(byId["failed"].message, std::string("timestep too small"));
        QVERIFY(!byId["failed"].success);
        QCOMPARE(byId["failed"].points, 10LL); // the data before the failure is kept
        QCOMPARE(byId["abandoned"].status, std::string("interrupted"));
        QCOMPARE(byId["abandoned"].message, std::string("writer closed before the run ended"));
        QVERIFY(!byId["abandoned"].success);
        QCOMPARE(byId["abandoned"].points, 10LL);
        QCOMPARE(byId["op"].status, std::string("ok"));
        QVERIFY(byId["op"].success);
        // Listed in the order they started (runs may share a millisecond).
        QVERIFY(std::is_sorted(
            runs->begin(), runs->end(),
            [](const RunSummary& a, const RunSummary& b) { return a.started < b.started; }));
        auto failed = ResultStore::readRun(store, "failed");
        QVERIFY(failed.ok());
        QVERIFY(hasWarning(failed->warnings, "error"));
        auto ids = ResultStore::runIds(store);
        QVERIFY(ids.ok());
        QCOMPARE(ids->size(), size_t(4));
    }

    void runsWithOneTreeShareItsStoredCopy() {
        // A job's runs carry the same tree.json: the store holds it once, under
        // /trees/<sha256>, and every run's inputs/tree.json is a hard link to it.
        const auto store = path("trees.h5");
        auto sink = openSink(store);
        QVERIFY(sink);
        const std::string other = "{\"format\": \"wavebench.tree\", \"nodes\": []}";
        for (const char* id : {"p0", "p1", "p2"}) {
            auto given = metadata(id);
            if (std::string(id) == "p2")
                given.treeJson = other;
            QVERIFY(sink->createRun(given).ok());
            QVERIFY(begin(*sink, "tran1", vectors({{"time", false, true}, {"out"}})));
            append(*sink, 0, 100, 10, [](long long i) {
                return std::vector<double>{double(i), 0.5 * double(i)};
            });
            // A reader of the run while it writes (its part) sees the tree too.
            auto live = ResultStore::readRun(store, id);
            QVERIFY2(live.ok(), live.error().c_str());
            QCOMPARE(live->summary.status, std::string("running"));
            QCOMPARE(live->treeJson, given.treeJson);
            QVERIFY(sink->finishRun(RunStatus::Ok, "").ok());
        }
        sink.reset();
        for (const char* id : {"p0", "p1", "p2"}) {
            auto run = ResultStore::readRun(store, id);
            QVERIFY2(run.ok(), run.error().c_str());
            QCOMPARE(run->treeJson, std::string(id) == "p2" ? other : metadata(id).treeJson);
        }
        hid_t file = H5Fopen(store.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
        QVERIFY(file >= 0);
        H5G_info_t trees{};
        const bool listed = H5Gget_info_by_name(file, "trees", &trees, H5P_DEFAULT) >= 0;
        const haddr_t p0 = objectAt(file, "runs/p0/inputs/tree.json");
        const haddr_t p1 = objectAt(file, "runs/p1/inputs/tree.json");
        const haddr_t p2 = objectAt(file, "runs/p2/inputs/tree.json");
        H5O_info_t info{};
        H5Oget_info_by_name2(file, "runs/p0/inputs/tree.json", &info, H5O_INFO_BASIC, H5P_DEFAULT);
        H5Fclose(file);
        QVERIFY(listed);
        QCOMPARE(trees.nlinks, hsize_t(2)); // two distinct trees
        QVERIFY(p0 != HADDR_UNDEF && p0 == p1 && p2 != p0);
        QCOMPARE(info.rc, 3u); // /trees/<sha>, p0's and p1's inputs/tree.json
    }

    // A vector whose cref is the coordinate's name: the plot is refused when it begins, naming the
    // clash, and the run is stored as failed (the part must never hold a plot that no commit can
    // build).
    void aCrefThatClashesWithTheCoordinateFailsTheRun() {
        const std::string path = m_dir.filePath("clash.h5").toStdString();
        auto sink = openSink(path);
        QVERIFY(sink);
        QVERIFY(sink->createRun(metadata("clash")));
        // As a resolver would never give it (it refuses such a map): the store's own check.
        auto resolution =
            ProbeResolver().resolve(vectors({{"time", false, true}, {"out", false, false}}));
        QVERIFY(resolution);
        resolution->vectors[1].cref = resolution->vectors[0].cref;
        const auto begun =
            sink->beginPlot("tran1", vectors({{"time", false, true}, {"out"}}), resolution.value());
        QVERIFY(!begun);
        QVERIFY2(QString::fromStdString(begun.error()).contains("\"time\" would be stored twice"),
                 begun.error().c_str());
        QVERIFY(sink->finishRun(RunStatus::Failed, begun.error()));
        const auto run = ResultStore::readRun(path, "clash");
        QVERIFY2(run, run ? "" : run.error().c_str());
        QCOMPARE(QString::fromStdString(run->summary.status), QString("failed"));
    }

    void duplicateRunIdIsRefused() {
        const auto store = path("duplicate.h5");
        writeTran(store);
        const auto before = ResultStore::readRun(store, "tran");
        QVERIFY(before.ok());
        {
            auto sink = openSink(store); // a later session, the same store
            QVERIFY(sink);
            auto again = sink->createRun(metadata("tran"));
            QVERIFY(!again.ok());
            QVERIFY2(again.error().find("\"tran\" already exists") != std::string::npos,
                     again.error().c_str());
            QVERIFY(again.error().find(store) != std::string::npos);
            QVERIFY(!sink->hasRun());
            for (const char* bad : {"", "a/b", ".", ".."}) {
                auto refused = sink->createRun(metadata(bad));
                QVERIFY(!refused.ok());
                QVERIFY2(refused.error().find("invalid run id") != std::string::npos,
                         refused.error().c_str());
            }
        }
        const auto after = ResultStore::readRun(store, "tran");
        QVERIFY(after.ok());
        QCOMPARE(after->summary.status, std::string("ok"));
        QVERIFY(after->summary.success);
        QCOMPARE(after->summary.started, before->summary.started);
        QVERIFY(after->coordinate == before->coordinate);
        QVERIFY(after->find("top.nodes.out.v")->values == before->find("top.nodes.out.v")->values);
        QCOMPARE(ResultStore::runIds(store)->size(), size_t(1));
    }

    void fileThatIsNotHdf5IsRefusedAndUntouched() {
        const auto store = path("not_hdf5.h5");
        const QByteArray text("this is not an HDF5 file\n");
        {
            QFile file(QString::fromStdString(store));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(text);
        }
        auto sink = H5Sink::open(store);
        QVERIFY(!sink.ok());
        QVERIFY2(sink.error().find(store) != std::string::npos, sink.error().c_str());
        QVERIFY(sink.error().find("not a readable HDF5 file") != std::string::npos);
        QFile file(QString::fromStdString(store));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), text);
        auto listed = ResultStore::listRuns(store);
        QVERIFY(!listed.ok());
        QVERIFY(listed.error().find(store) != std::string::npos);

        // Nowhere to create one: an error naming the path.
        const auto nowhere = path("no/such/folder/x.h5");
        auto created = H5Sink::open(nowhere);
        QVERIFY(!created.ok());
        QVERIFY2(created.error().find(nowhere) != std::string::npos, created.error().c_str());
        auto unknown = ResultStore::readRun(path("tran.h5"), "nope");
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.error().find("nope") != std::string::npos);
    }

    // The same layout as Python sees it: h5py for the raw datasets and attributes, xarray
    // through h5netcdf for dimensions and coordinates, and our own python/wavebench reader.
    void pythonReadsTheLayout() {
        const auto store = path("python.h5");
        writeTran(store);
        writeAc(store);
        writeOp(store);
        writeLoop(store);
        writeDc2(store);
        writeTemps(store);
        std::vector<MeasureResults::Measurement> kept;
        writeMeasured(store, &kept);
        writeFailed(store);
        if (QTest::currentTestFailed())
            return;
        QProcess python;
        python.setProcessChannelMode(QProcess::MergedChannels);
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral(WAVEBENCH_STORE_CHECKER), QString::fromStdString(store)});
        QVERIFY(python.waitForFinished(120000));
        const QString output = QString::fromUtf8(python.readAll());
        qInfo("%s", qPrintable(output.trimmed()));
        QVERIFY2(python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0,
                 qPrintable(output));
        QVERIFY2(output.contains(" 0 failed"), qPrintable(output));
    }
};

QTEST_GUILESS_MAIN(TestH5Sink)
#include "tst_h5_sink.moc"
