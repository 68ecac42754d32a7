// ResultStore on damaged stores, made with HDF5 calls of the test's own: what fuzzing
// (fuzz/fuzz_store_reader.cpp) found our reader doing with shapes and extents the writer
// never makes. Each is read as an error or as the value missing, never a crash.
#include "core/store/result_store.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <hdf5.h>
#include <limits>
#include <string>
#include <vector>

namespace {

// A store with one run group "r": a time coordinate of `points` doubles and one vector.
class DamagedStore {
public:
    explicit DamagedStore(const std::string& path, hsize_t points = 4) : m_path(path) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        m_file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
        H5Pset_create_intermediate_group(lcpl, 1);
        m_run = H5Gcreate2(m_file, "runs/r", lcpl, H5P_DEFAULT, H5P_DEFAULT);
        H5Pclose(lcpl);
        stringAttribute("coordinate", {"time"});
        stringAttribute("analysis", {"tran"});
        stringAttribute("status", {"ok"});
        std::vector<double> values(points);
        for (hsize_t i = 0; i < points; ++i)
            values[i] = static_cast<double>(i);
        doubles("time", {points}, values);
        doubles("vectors/top.out/data", {points}, values);
    }
    ~DamagedStore() { close(); }

    void close() {
        if (m_run >= 0)
            H5Gclose(m_run);
        if (m_file >= 0)
            H5Fclose(m_file);
        m_run = m_file = -1;
    }

    // A variable-length string attribute: scalar for one value, a list for several.
    void stringAttribute(const char* name, const std::vector<const char*>& values,
                         hid_t object = -1) {
        object = object < 0 ? m_run : object;
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        H5Tset_cset(type, H5T_CSET_UTF8); // as H5Sink and h5py write them
        hsize_t count = values.size();
        const hid_t space =
            values.size() == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &count, nullptr);
        if (H5Aexists(object, name) > 0)
            H5Adelete(object, name);
        const hid_t attr = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(attr, type, values.data());
        H5Aclose(attr);
        H5Sclose(space);
        H5Tclose(type);
    }

    void int64Attribute(const char* name, const std::vector<long long>& values) {
        hsize_t count = values.size();
        const hid_t space =
            values.size() == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &count, nullptr);
        if (H5Aexists(m_run, name) > 0)
            H5Adelete(m_run, name);
        const hid_t attr = H5Acreate2(m_run, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(attr, H5T_NATIVE_LLONG, values.data());
        H5Aclose(attr);
        H5Sclose(space);
    }

    // A dataset of doubles; with `values` empty and `chunked`, one that claims its extent
    // without storing anything (its chunks were never written).
    void doubles(const char* path, const std::vector<hsize_t>& dims,
                 const std::vector<double>& values, bool chunked = false) {
        std::vector<hsize_t> maxDims(dims.size(), H5S_UNLIMITED);
        const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(),
                                             chunked ? maxDims.data() : nullptr);
        const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        if (chunked) {
            std::vector<hsize_t> chunk(dims.size(), 1024);
            H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
        }
        const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
        H5Pset_create_intermediate_group(lcpl, 1);
        if (H5Lexists(m_run, path, H5P_DEFAULT) > 0)
            H5Ldelete(m_run, path, H5P_DEFAULT);
        const hid_t set = H5Dcreate2(m_run, path, H5T_IEEE_F64LE, space, lcpl, dcpl, H5P_DEFAULT);
        if (!values.empty())
            H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
        H5Dclose(set);
        H5Pclose(lcpl);
        H5Pclose(dcpl);
        H5Sclose(space);
    }

    // inputs/netlist as a list of variable-length strings instead of one.
    void stringListDataset(const char* path, const std::vector<const char*>& values) {
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        H5Tset_cset(type, H5T_CSET_UTF8);
        hsize_t count = values.size();
        const hid_t space = H5Screate_simple(1, &count, nullptr);
        const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
        H5Pset_create_intermediate_group(lcpl, 1);
        const hid_t set = H5Dcreate2(m_run, path, type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
        H5Dclose(set);
        H5Pclose(lcpl);
        H5Sclose(space);
        H5Tclose(type);
    }

private:
    std::string m_path;
    hid_t m_file = -1;
    hid_t m_run = -1;
};

} // namespace

class TestResultStore : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void anUndamagedRunReads() {
        const auto file = path("plain.h5");
        DamagedStore(file).close();
        auto run = ResultStore::readRun(file, "r");
        QVERIFY2(run.ok(), run.error().c_str());
        QCOMPARE(run->summary.status, std::string("ok"));
        QCOMPARE(run->summary.points, 4LL);
        QCOMPARE(run->coordinate, (std::vector<double>{0, 1, 2, 3}));
        QVERIFY(run->find("top.out") != nullptr);
    }

    // Found by fuzzing: a string or int64 attribute, a measurement or an input that holds a
    // list where one value belongs was read over the one variable (ASan: stack-buffer-
    // overflow in H5Aread). Such a value is read as missing.
    void listsWhereOneValueBelongsAreMissingValues() {
        const auto file = path("lists.h5");
        {
            DamagedStore store(file);
            store.stringAttribute("status", {"ok", "failed", "running"});
            store.stringAttribute("job", {"a", "b"});
            store.int64Attribute("seed", {1, 2, 3, 4});
            store.int64Attribute("sweep_index", {5, 6});
            store.doubles("measurements/tdelay", {5}, {1, 2, 3, 4, 5});
            store.stringListDataset("inputs/netlist", {"* a", "* b", "* c"});
        }
        auto runs = ResultStore::listRuns(file);
        QVERIFY2(runs.ok(), runs.error().c_str());
        QCOMPARE(runs->size(), size_t(1));
        QCOMPARE(runs->front().status, std::string());
        QCOMPARE(runs->front().job, std::string());
        auto run = ResultStore::readRun(file, "r");
        QVERIFY2(run.ok(), run.error().c_str());
        QCOMPARE(run->seed, -1LL);
        QCOMPARE(run->sweepIndex, -1LL);
        QCOMPARE(run->netlist, std::string());
        QVERIFY(run->measurements.count("tdelay"));
        QVERIFY(std::isnan(run->measurements.at("tdelay")));
        QCOMPARE(run->coordinate.size(), size_t(4));
    }

    // Found by fuzzing: a dataset that claims 2^34 points it does not store (chunks never
    // written) was allocated whole (out of memory). The vector is an error naming it. Found
    // beside it, reading the code: a step_index of 2^40 steps was looped over; such steps
    // are no stepping at all.
    void extentsTheFileDoesNotStoreAreRefused() {
        const auto file = path("huge.h5");
        {
            DamagedStore store(file);
            // Of another rank than the coordinate, so not cut to its extent.
            store.doubles("vectors/top.huge/data", {hsize_t(1) << 17, hsize_t(1) << 17}, {}, true);
        }
        auto run = ResultStore::readRun(file, "r");
        QVERIFY(!run.ok());
        QCOMPARE(run.error(), file + ": run \"r\": cannot read top.huge");

        const auto coordinate = path("huge_time.h5");
        {
            DamagedStore store(coordinate);
            store.doubles("time", {hsize_t(1) << 34}, {}, true);
        }
        run = ResultStore::readRun(coordinate, "r");
        QVERIFY(!run.ok());
        QCOMPARE(run.error(), coordinate + ": run \"r\": cannot read its coordinate");

        const auto steps = path("huge_steps.h5");
        {
            DamagedStore store(steps);
            store.doubles("step_index", {hsize_t(1) << 40}, {}, true);
            store.int64Attribute("steps", {3});
        }
        run = ResultStore::readRun(steps, "r");
        QVERIFY2(run.ok(), run.error().c_str());
        QVERIFY(run->stepStarts.empty());
        QCOMPARE(run->coordinate.size(), size_t(4));

        // A real (small) step_index still steps: 2 steps of the shared 4-point sweep.
        const auto stepped = path("two_steps.h5");
        {
            DamagedStore store(stepped);
            store.doubles("step_index", {2}, {0, 1});
            store.doubles("vectors/top.out/data", {2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
            store.int64Attribute("steps", {2});
        }
        run = ResultStore::readRun(stepped, "r");
        QVERIFY2(run.ok(), run.error().c_str());
        QCOMPARE(run->stepStarts, (std::vector<size_t>{0, 4}));
        QCOMPARE(run->coordinate.size(), size_t(8));
    }

    // Found reading the code beside a fuzz finding: a `steps` attribute near 2^63
    // overflowed the summary's point count (signed overflow, UB). The count saturates.
    void aHugeStepsAttributeDoesNotOverflow() {
        const auto file = path("steps_attr.h5");
        {
            DamagedStore store(file);
            store.int64Attribute("steps", {std::numeric_limits<long long>::max() / 2});
        }
        auto runs = ResultStore::listRuns(file);
        QVERIFY2(runs.ok(), runs.error().c_str());
        QCOMPARE(runs->front().points, std::numeric_limits<long long>::max());
        QVERIFY(ResultStore::readRun(file, "r").ok());
    }
};

QTEST_MAIN(TestResultStore)
#include "tst_result_store.moc"
