// Job specs, point netlists, measurement parsing and the measurement table: pure logic.
#include "core/jobs/job_spec_draft.h"
#include "core/jobs/job_summary.h"
#include "core/jobs/sim_job_spec.h"
#include "core/netlist/job_netlist.h"
#include "core/netlist/measure_results.h"
#include "core/netlist/run_netlist.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <set>

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return lines;
}

// What ngspice 39 printed through the shared library's character callback for a run with
// these measures (captured from a real run, see the .measure lines in parseRealOutput).
const char* kMeasureLog = R"(stdout Note: No compatibility mode selected!
stdout Circuit: * m
stdout Doing analysis at TEMP = 27.000000 and TNOM = 27.000000
stdout Initial Transient Solution
stdout No. of Data Rows : 1016
stdout Measurements for Transient Analysis
stderr out of interval
stderr .measure tran t1 trig v(in) val=0.5 rise=1 targ v(out) val=2 rise=1 failed!
stderr out of interval
stderr .measure tran w1 when v(out)=5 failed!
stderr Error: measure  d1 failed:
stderr function 'deriv' currently not supported
stderr .meas tran d1 deriv v(out) at=1u failed!
stdout a1                  =  7.680688e-01 from=  1.000000e-06 to=  2.007320e-06
stdout m1                  =  9.999546e-01 at=  1.000000e-05
stdout p1                  =  1.53614e+00
stdout bigname             =  1.376711e-04
stdout tdelay              =  6.931531e-07 targ=  6.936531e-07 trig=  5.000000e-10
)";

} // namespace

class TestSimJobSpec : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

    void write(const char* name, const std::string& text) {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text.c_str());
    }

    // Parses `yaml` as if it were <tmp>/job.yaml.
    Result<SimJobSpec> parse(const std::string& yaml) {
        return SimJobSpec::fromYaml(yaml, path("job.yaml"), m_dir.path().toStdString());
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        write("rc.cir", "* rc\n.param rval=1k\nv1 in 0 pwl(0 0 1n 1)\nr1 in out {rval}\n"
                        "c1 out 0 1n\n.tran 10n 10u\n.measure tran vfinal find v(out) at=9u\n"
                        ".end\n");
        write("models.lib", ".lib tt\n.param cval=1n\n.endl tt\n.lib ss\n.param cval=1.2n\n"
                            ".endl ss\n");
        write("probes.json", R"J({"map": {"top.out": "v(out)"}})J");
    }

    void draftRoundTripKeepsTheJob() {
        const std::string yaml = R"(name: rc_corners
netlist: rc.cir
store: out/rc.h5
probe_map: probes.json
analysis: {type: tran, step: 10n, stop: 5u, maxstep: 1n}
parameters: {cload: 1n, vdd: "{2*0.9}"}
sweeps:
  - {param: rval, values: [1k, 2.2k, 4.7k]}
  - param: vdd
    lin: {start: 1.6, stop: 2.0, points: 5}
  - {param: cl, log: {start: 1p, stop: 1n, points: 4}}
corners:
  - name: tt
    lib: [{file: models.lib, section: tt}]
  - name: ss
    lib: [{file: models.lib, section: ss}, {file: models.lib, section: tt}]
    parameters: {vth_shift: 0.05, vdd: 1.7}
montecarlo: {count: 3, seed: 1234}
)";
        auto draft = JobSpecDraft::fromYaml(yaml, "job.yaml");
        QVERIFY2(draft.ok(), draft.error().c_str());
        QCOMPARE(draft->analysisType, std::string("tran"));
        QCOMPARE(draft->analysisArgs.at("maxstep"), std::string("1n"));
        QCOMPARE(draft->sweeps.size(), size_t(3));
        QCOMPARE(draft->sweeps[0].values, std::string("1k, 2.2k, 4.7k"));
        QCOMPARE(draft->sweeps[2].kind, std::string("log"));
        QCOMPARE(draft->sweeps[2].stop, std::string("1n"));
        QCOMPARE(draft->corners[1].libs, std::string("models.lib ss; models.lib tt"));
        QCOMPARE(draft->corners[1].parameters, std::string("vth_shift=0.05, vdd=1.7"));
        QCOMPARE(draft->monteCarloCount, std::string("3"));
        // Written back and read as a job: the same runs, to the run id (netlist hash).
        const auto written = draft->toYaml();
        auto original = parse(yaml);
        auto again = parse(written);
        QVERIFY2(again.ok(), (again.ok() ? written : again.error() + "\n" + written).c_str());
        auto a = original->expand();
        auto b = again->expand();
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(b->size(), size_t(3 * 5 * 4 * 2 * 3));
        for (size_t i = 0; i < a->size(); ++i)
            QCOMPARE(b.value()[i].runId, a.value()[i].runId);
        // And read back as a draft: unchanged.
        auto redraft = JobSpecDraft::fromYaml(written, "job.yaml");
        QVERIFY(redraft.ok());
        QCOMPARE(redraft->toYaml(), written);
        // Errors name the line.
        auto bad =
            JobSpecDraft::fromYaml("name: x\nsweeps:\n  - {param: a, values: 3}\n", "job.yaml");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().rfind("job.yaml:3:", 0) == 0, bad.error().c_str());
        QVERIFY(!JobSpecDraft::fromYaml("naem: x\n", "job.yaml").ok());
        // A key the form could not show is an error, not silently dropped.
        auto nested = JobSpecDraft::fromYaml("name: x\nmontecarlo: {count: 2, sed: 1}\n", "j.yaml");
        QVERIFY(!nested.ok());
        QVERIFY2(nested.error().find("j.yaml:2") == 0 &&
                     nested.error().find("sed") != std::string::npos,
                 nested.error().c_str());
        QVERIFY(!JobSpecDraft::fromYaml("analysis: {type: tran, stop: 1u, stpe: 1n}\n", "j").ok());
        QVERIFY(JobSpecDraft::fromYaml("", "job.yaml").ok());
    }

    void draftKeepsCommasInsideExpressions() {
        const std::string yaml =
            "netlist: rc.cir\n"
            "sweeps:\n  - {param: rval, values: [1k, 3k]}\n"
            "corners:\n  - {name: tt, parameters: {f: \"{max(1,2)}\", g: 3}}\n";
        auto draft = JobSpecDraft::fromYaml(yaml, "job.yaml");
        QVERIFY(draft.ok());
        auto again = JobSpecDraft::fromYaml(draft->toYaml(), "job.yaml");
        QVERIFY2(again.ok(), again.ok() ? "" : again.error().c_str());
        QCOMPARE(again->corners[0].parameters, std::string("f={max(1,2)}, g=3"));
        QCOMPARE(again->sweeps[0].values, std::string("1k, 3k"));
        QVERIFY(parse(draft->toYaml()).ok());
    }

    void parsesEveryKey() {
        auto spec = parse(R"(name: rc_corners
netlist: rc.cir
store: out/rc.h5
probe_map: probes.json
analysis: {type: tran, step: 10n, stop: 5u}
parameters: {cload: 1n, vdd: "{2*0.9}"}
sweeps:
  - {param: rval, values: [1k, 2.2k, 4.7k]}
  - param: vdd
    lin: {start: 1.6, stop: 2.0, points: 5}
  - {param: cl, log: {start: 1p, stop: 1n, points: 4}}
corners:
  - name: tt
    lib: [{file: models.lib, section: tt}]
  - name: ss
    lib: [{file: models.lib, section: ss}]
    parameters: {vth_shift: 0.05}
montecarlo: {count: 20, seed: 1234}
)");
        QVERIFY2(spec.ok(), spec.error().c_str());
        QCOMPARE(spec->name(), std::string("rc_corners"));
        QCOMPARE(spec->netlistPath(), path("rc.cir"));
        QCOMPARE(spec->storePath(), path("out/rc.h5"));
        QCOMPARE(spec->probeMapPath(), path("probes.json"));
        QCOMPARE(spec->analysis().type, std::string("tran"));
        QCOMPARE(spec->analysis().line, std::string(".tran 10n 5u"));
        QCOMPARE(spec->parameters().size(), size_t(2));
        QCOMPARE(spec->parameters()[0], std::make_pair(std::string("cload"), std::string("1n")));
        QCOMPARE(spec->parameters()[1].second, std::string("{2*0.9}"));
        QCOMPARE(spec->sweeps().size(), size_t(3));
        QCOMPARE(spec->sweeps()[0].param, std::string("rval"));
        QVERIFY(spec->sweeps()[0].values == (std::vector<double>{1000, 2200, 4700}));
        QCOMPARE(spec->sweeps()[1].values.size(), size_t(5));
        QCOMPARE(spec->sweeps()[2].values.size(), size_t(4));
        QCOMPARE(spec->corners().size(), size_t(2));
        QCOMPARE(spec->corners()[1].name, std::string("ss"));
        QCOMPARE(spec->corners()[1].libs.front().file, path("models.lib"));
        QCOMPARE(spec->corners()[1].libs.front().section, std::string("ss"));
        QCOMPARE(spec->corners()[1].parameters.front().first, std::string("vth_shift"));
        QCOMPARE(spec->corners()[0].parameters.size(), size_t(0));
        QCOMPARE(spec->monteCarloCount(), 20);
        QCOMPARE(spec->monteCarloSeed(), 1234LL);
        QCOMPARE(spec->sweepPoints().size(), size_t(3 * 5 * 4));
    }

    void defaultsFromTheSpecFile() {
        write("defaults.yaml", "netlist: rc.cir\n");
        auto spec = SimJobSpec::fromFile(path("defaults.yaml"));
        QVERIFY2(spec.ok(), spec.error().c_str());
        QCOMPARE(spec->name(), std::string("defaults"));
        QCOMPARE(spec->storePath(), path("defaults.h5"));
        QCOMPARE(spec->analysis().type, std::string());
        QCOMPARE(spec->monteCarloCount(), 0);
        QCOMPARE(spec->sweepPoints().size(), size_t(1));
        QVERIFY(spec->sweepPoints().front().empty());
    }

    void analysisForms_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("line");
        QTest::newRow("tran") << "{type: tran, step: 1n, stop: 10u}"
                              << ".tran 1n 10u";
        QTest::newRow("tran start") << "{type: tran, step: 1n, stop: 10u, start: 1u}"
                                    << ".tran 1n 10u 1u";
        QTest::newRow("tran maxstep") << "{type: tran, step: 1n, stop: 10u, maxstep: 2n}"
                                      << ".tran 1n 10u 0 2n";
        QTest::newRow("ac") << "{type: ac, variation: dec, points: 20, fstart: 1, fstop: 1g}"
                            << ".ac dec 20 1 1g";
        QTest::newRow("dc") << "{type: dc, source: v1, start: 0, stop: 1.8, step: 10m}"
                            << ".dc v1 0 1.8 10m";
        QTest::newRow("op") << "{type: op}"
                            << ".op";
        QTest::newRow("noise") << "{type: noise, output: out, source: v1, variation: oct, "
                                  "points: 8, fstart: 10, fstop: 1meg}"
                               << ".noise v(out) v1 oct 8 10 1meg";
        QTest::newRow("noise ref") << "{type: noise, output: 'v(out,ref)', source: v1, "
                                      "variation: dec, points: 10, fstart: 1, fstop: 1g, "
                                      "points_per_summary: 5}"
                                   << ".noise v(out,ref) v1 dec 10 1 1g 5";
    }

    void analysisForms() {
        QFETCH(QString, yaml);
        QFETCH(QString, line);
        auto spec = parse("netlist: rc.cir\nanalysis: " + yaml.toStdString() + "\n");
        QVERIFY2(spec.ok(), spec.error().c_str());
        QCOMPARE(QString::fromStdString(spec->analysis().line), line);
    }

    void nestedSweepsAreTheCartesianProductInOrder() {
        auto spec = parse(R"(netlist: rc.cir
sweeps:
  - {param: a, values: [1, 2]}
  - {param: b, values: [10, 20, 30]}
  - {param: c, values: [100, 200]}
)");
        QVERIFY2(spec.ok(), spec.error().c_str());
        const auto points = spec->sweepPoints();
        QCOMPARE(points.size(), size_t(12));
        size_t i = 0;
        for (double a : {1, 2})
            for (double b : {10, 20, 30})
                for (double c : {100, 200}) {
                    const std::vector<std::pair<std::string, double>> expected{
                        {"a", a}, {"b", b}, {"c", c}};
                    QVERIFY2(points[i] == expected, qPrintable(QString("point %1").arg(i)));
                    ++i;
                }
    }

    void linAndLogRangesAreExact() {
        auto spec = parse(R"(netlist: rc.cir
sweeps:
  - {param: a, lin: {start: 1, stop: 2, points: 5}}
  - {param: b, lin: {start: 0, stop: 1, points: 11}}
  - {param: c, log: {start: 1, stop: 1k, points: 4}}
  - {param: d, log: {start: 1p, stop: 1n, points: 4}}
  - {param: e, log: {start: -1, stop: -100, points: 3}}
  - {param: f, lin: {start: 0.1, stop: 0.7, points: 3}}
)");
        QVERIFY2(spec.ok(), spec.error().c_str());
        const auto& s = spec->sweeps();
        QVERIFY(s[0].values == (std::vector<double>{1, 1.25, 1.5, 1.75, 2}));
        QCOMPARE(s[1].values.size(), size_t(11));
        for (int i = 0; i <= 10; ++i)
            QCOMPARE(s[1].values[static_cast<size_t>(i)], i / 10.0); // 0.3 is 0.3, no drift
        QVERIFY(s[2].values == (std::vector<double>{1, 10, 100, 1000}));
        QVERIFY(s[3].values == (std::vector<double>{1e-12, 1e-11, 1e-10, 1e-9}));
        QVERIFY(s[4].values == (std::vector<double>{-1, -10, -100}));
        QCOMPARE(s[5].values.front(), 0.1); // the ends are the numbers written
        QCOMPARE(s[5].values.back(), 0.7);
        QCOMPARE(s[5].values[1], 0.4);
    }

    void errorsNameFileAndLine_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("unknown key") << "netlist: rc.cir\nsweep: []\n"
                                     << 2 << "unknown key \"sweep\"";
        QTest::newRow("unknown sweep key")
            << "netlist: rc.cir\nsweeps:\n  - param: rval\n    valus: [1, 2]\n"
            << 4 << "unknown key \"valus\" in sweeps[0]";
        QTest::newRow("unknown analysis key")
            << "netlist: rc.cir\nanalysis: {type: ac, variation: dec, points: 2, fstart: 1,\n"
               "  fstop: 1g, step: 3}\n"
            << 3 << "unknown key \"step\" in analysis (ac)";
        QTest::newRow("unknown analysis") << "netlist: rc.cir\nanalysis: {type: pz}\n"
                                          << 2 << "unknown analysis \"pz\"";
        QTest::newRow("analysis key missing") << "netlist: rc.cir\n\nanalysis: {type: tran, "
                                                 "step: 1n}\n"
                                              << 3 << "\"stop\" is missing";
        QTest::newRow("analysis not a number")
            << "netlist: rc.cir\nanalysis: {type: tran, step: fast, stop: 1u}\n"
            << 2 << "\"fast\" is not a number";
        QTest::newRow("lin one point")
            << "netlist: rc.cir\nsweeps:\n  - param: rval\n    lin: {start: 1, stop: 2,\n"
               "          points: 1}\n"
            << 5 << "bad range: lin.points must be 2 or more";
        QTest::newRow("log through zero") << "netlist: rc.cir\nsweeps:\n  - param: rval\n    log: "
                                             "{start: 0, stop: 1k, points: 3}\n"
                                          << 4 << "bad range: log";
        QTest::newRow("log sign change")
            << "netlist: rc.cir\nsweeps:\n  - {param: rval, log: {start: -1, stop: 1, points: 3}}\n"
            << 3 << "bad range: log";
        QTest::newRow("points not whole") << "netlist: rc.cir\nsweeps:\n  - {param: rval, lin: "
                                             "{start: 1, stop: 2, points: 2.5}}\n"
                                          << 3 << "not a whole number";
        QTest::newRow("value not a number")
            << "netlist: rc.cir\nsweeps:\n  - param: rval\n    values: [1k,\n      abc]\n"
            << 5 << "values[1]: \"abc\" is not a number";
        QTest::newRow("empty values") << "netlist: rc.cir\nsweeps:\n  - {param: r, values: []}\n"
                                      << 3 << "non-empty list";
        QTest::newRow("two forms") << "netlist: rc.cir\nsweeps:\n  - {param: r, values: [1], "
                                      "lin: {start: 1, stop: 2, points: 2}}\n"
                                   << 3 << "exactly one of values, lin or log";
        QTest::newRow("swept twice") << "netlist: rc.cir\nsweeps:\n  - {param: r, values: [1]}\n"
                                        "  - {param: r, values: [2]}\n"
                                     << 4 << "\"r\" is swept twice";
        QTest::newRow("bad param name") << "netlist: rc.cir\nparameters: {2x: 1}\n"
                                        << 2 << "\"2x\" is not a parameter name";
        QTest::newRow("missing netlist") << "name: x\nnetlist: nosuch.cir\n"
                                         << 2 << "netlist \"nosuch.cir\" not found";
        QTest::newRow("missing lib") << "netlist: rc.cir\ncorners:\n  - name: ss\n"
                                        "    lib: [{file: nosuch.lib, section: ss}]\n"
                                     << 4 << "corners[0].lib[0].file \"nosuch.lib\" not found";
        QTest::newRow("corner name") << "netlist: rc.cir\ncorners:\n  - {name: s-s}\n"
                                     << 3 << "letters, digits and _ only";
        QTest::newRow("corner twice") << "netlist: rc.cir\ncorners:\n  - {name: ss}\n"
                                         "  - {name: ss}\n"
                                      << 4 << "a second corner named \"ss\"";
        QTest::newRow("montecarlo count") << "netlist: rc.cir\nmontecarlo: {count: 0}\n"
                                          << 2 << "montecarlo.count must be 1 or more";
        QTest::newRow("montecarlo seed") << "netlist: rc.cir\nmontecarlo:\n  count: 2\n"
                                            "  seed: -4\n"
                                         << 4 << "seeds must lie in";
        // Found by fuzzing: a key given twice; SimJobSpec read the first, the form the last.
        QTest::newRow("key twice") << "netlist: rc.cir\nname: a\nnetlist: other.cir\n"
                                   << 3 << "\"netlist\" is given twice in the job";
        QTest::newRow("sweep key twice")
            << "netlist: rc.cir\nsweeps:\n  - {param: r, values: [1], param: c}\n"
            << 3 << "\"param\" is given twice in sweeps[0]";
        // Found by fuzzing: a section of several words, which the form (and the .lib line)
        // read as part of the file name.
        QTest::newRow("lib section of two words")
            << "netlist: rc.cir\ncorners:\n  - name: ss\n"
               "    lib: [{file: models.lib, section: \"s s\"}]\n"
            << 4 << "corners[0].lib[0].section \"s s\": a library section is one word";
        QTest::newRow("lib section with a comment")
            << "netlist: rc.cir\ncorners:\n  - name: ss\n"
               "    lib: [{file: models.lib, section: \"ss;x\"}]\n"
            << 4 << "a library section is one word";
        // Found beside a fuzz finding of the form: ngspice stops at `.param a=1,2`
        // ("sign expected"), and the form split the value into two parameters.
        QTest::newRow("comma in a parameter")
            << "netlist: rc.cir\ncorners:\n  - name: ss\n    parameters: {b: \"x,y=3\"}\n"
            << 4 << "corners[0].parameters.b: \"x,y=3\": a comma outside brackets ends";
        QTest::newRow("comma in a job parameter") << "netlist: rc.cir\nparameters: {a: \"1,2\"}\n"
                                                  << 2 << "parameters.a: \"1,2\": a comma";
        // As in probe maps (fuzzing found it there): yaml-cpp reads \N as a Latin-1 byte.
        QTest::newRow("escape \\N") << "netlist: rc.cir\nname: \"a\\Nb\"\n"
                                    << 2 << "name: not valid UTF-8 text";
        QTest::newRow("yaml syntax") << "netlist: rc.cir\nsweeps: [\n  {param: a\n" << 4 << "";
        // Found by fuzzing: 10^12 runs ended in bad_alloc, 10^6 x 3000 hung while expanding.
        QTest::newRow("too many runs: sweeps")
            << "netlist: rc.cir\nsweeps:\n"
               "  - {param: a, lin: {start: 0, stop: 1, points: 1000000}}\n"
               "  - {param: b, lin: {start: 0, stop: 1, points: 1000000}}\n"
            << 3 << "the job has 1000000000000 runs (sweeps x corners x Monte Carlo)";
        QTest::newRow("too many runs: monte carlo")
            << "netlist: rc.cir\nsweeps:\n"
               "  - {param: a, lin: {start: 0, stop: 1, points: 1000000}}\n"
               "montecarlo: {count: 3000}\n"
            << 4 << "at most 1000000 are allowed";
    }

    void errorsNameFileAndLine() {
        QFETCH(QString, yaml);
        QFETCH(int, line);
        QFETCH(QString, fragment);
        auto spec = parse(yaml.toStdString());
        QVERIFY(!spec.ok());
        const std::string prefix = path("job.yaml") + ":" + std::to_string(line) + ":";
        QVERIFY2(spec.error().rfind(prefix, 0) == 0, spec.error().c_str());
        QVERIFY2(contains(spec.error(), fragment.toStdString()), spec.error().c_str());
    }

    // Found by fuzzing: of a key given twice SimJobSpec read the first and JobSpecDraft the
    // last, so the form rewrote another job than the one that ran. Both refuse it, at the
    // line of the second.
    void keysGivenTwiceAreRefusedByTheFormToo() {
        for (const std::string& yaml :
             {std::string("name: a\nnetlist: rc.cir\nname: b\n"),
              std::string("netlist: rc.cir\nmontecarlo:\n  count: 2\n  count: 3\n"),
              std::string("netlist: rc.cir\nanalysis: {type: op, type: tran}\n")}) {
            auto draft = JobSpecDraft::fromYaml(yaml, "job.yaml");
            QVERIFY2(!draft.ok(), yaml.c_str());
            QVERIFY2(contains(draft.error(), "is given twice"), draft.error().c_str());
            auto spec = parse(yaml);
            QVERIFY2(!spec.ok(), yaml.c_str());
            QVERIFY2(contains(spec.error(), "is given twice"), spec.error().c_str());
        }
        auto draft = JobSpecDraft::fromYaml("name: a\nnetlist: rc.cir\nname: b\n", "job.yaml");
        QCOMPARE(draft.error(), std::string("job.yaml:3: \"name\" is given twice"));
    }

    // Found by fuzzing: a value of stray bytes was accepted; the form's YAML wrote it back
    // as U+FFFD (another job), and netlists and HDF5 attributes would carry it garbled.
    void invalidUtf8ValuesAreErrors() {
        auto spec = parse("netlist: rc.cir\nanalysis: {type: dc, source: \"v\xff\",\n"
                          "  start: 0, stop: 1, step: 0.1}\n");
        QVERIFY(!spec.ok());
        QCOMPARE(spec.error(), path("job.yaml") + ":2: analysis.source: not valid UTF-8 text");
        auto fine = parse("netlist: rc.cir\nname: \"\xc2\xb5job\"\n"); // µ
        QVERIFY2(fine.ok(), fine.error().c_str());
        QCOMPARE(fine->name(), std::string("\xc2\xb5job"));
    }

    // Found by fuzzing: yaml-cpp keeps a `\r` that ends the file in the last value, so
    // `store: out.h5\r` named another store than the form wrote back (it trims values).
    // Values are read without surrounding blanks; a blank value is no value.
    void valuesAreReadWithoutSurroundingBlanks() {
        auto spec = parse("netlist: rc.cir\nstore: out.h5\r");
        QVERIFY2(spec.ok(), spec.error().c_str());
        QCOMPARE(spec->storePath(), path("out.h5"));
        auto draft = JobSpecDraft::fromYaml("netlist: rc.cir\nstore: out.h5\r", "job.yaml");
        QVERIFY2(draft.ok(), draft.error().c_str());
        auto again = parse(draft->toYaml());
        QVERIFY2(again.ok(), again.error().c_str());
        QCOMPARE(again->storePath(), spec->storePath());
        auto blank = parse("netlist: rc.cir\nname: \"  \"\n");
        QVERIFY(!blank.ok());
        QCOMPARE(blank.error(), path("job.yaml") + ":2: name: expected a value");
    }

    void noNetlistKeyNamesTheFile() {
        auto spec = parse("name: x\n");
        QVERIFY(!spec.ok());
        QVERIFY2(contains(spec.error(), path("job.yaml") + ": no netlist"), spec.error().c_str());
    }

    void expandGivesEveryPointItsNetlistAndId() {
        auto spec = parse(R"(name: mc
netlist: rc.cir
analysis: {type: tran, step: 10n, stop: 5u}
parameters: {cload: 1n}
sweeps:
  - {param: rval, values: [1k, 2k]}
corners:
  - {name: tt, lib: [{file: models.lib, section: tt}]}
  - {name: ss, lib: [{file: models.lib, section: ss}], parameters: {vth_shift: 0.05}}
montecarlo: {count: 2, seed: 5}
)");
        QVERIFY2(spec.ok(), spec.error().c_str());
        auto runs = spec->expand();
        QVERIFY2(runs.ok(), runs.error().c_str());
        QCOMPARE(runs->size(), size_t(8));
        const QRegularExpression idForm("^tran-(tt|ss)-s(5|6)-p00[01]-[0-9a-f]{8}$");
        std::set<std::string> ids;
        size_t i = 0;
        for (const char* corner : {"tt", "ss"})
            for (int point = 0; point < 2; ++point)
                for (long long seed : {5, 6}) {
                    const SimRun& run = runs.value()[i];
                    QCOMPARE(run.index, static_cast<int>(i));
                    QCOMPARE(run.job, std::string("mc"));
                    QCOMPARE(run.analysis, std::string("tran"));
                    QCOMPARE(run.corner, std::string(corner));
                    QCOMPARE(run.sweepIndex, point);
                    QCOMPARE(run.seed, seed);
                    QCOMPARE(run.sweep.front().second, point == 0 ? 1000.0 : 2000.0);
                    QCOMPARE(run.sweepJson(),
                             std::string(point == 0 ? "{\"rval\": 1000}" : "{\"rval\": 2000}"));
                    QVERIFY2(idForm.match(QString::fromStdString(run.runId)).hasMatch(),
                             run.runId.c_str());
                    QVERIFY(run.runId.rfind(std::string("tran-") + corner + "-s" +
                                                std::to_string(seed) + "-p00" +
                                                std::to_string(point) + "-",
                                            0) == 0);
                    // The hash is that of exactly what ngspice gets (netlist_sha256).
                    auto given = RunNetlist::fromText(run.netlistText, m_dir.path().toStdString(),
                                                      "rc.cir", {});
                    QVERIFY2(given.ok(), given.error().c_str());
                    QCOMPARE(run.runId.substr(run.runId.size() - 8), given->sha256().substr(0, 8));
                    ids.insert(run.runId);

                    const auto lines = linesOf(run.netlistText);
                    QCOMPARE(lines[0], std::string("* rc"));
                    QCOMPARE(lines[1], ".options seed=" + std::to_string(seed));
                    QVERIFY(contains(run.netlistText, "* [wavebench job] .tran 10n 10u\n"));
                    QVERIFY(contains(run.netlistText,
                                     ".lib " + path("models.lib") + " " + corner + "\n"));
                    std::string tail = ".param cload=1n\n";
                    if (std::string(corner) == "ss")
                        tail += ".param vth_shift=0.05\n";
                    tail += std::string(".param rval=") + (point == 0 ? "1000" : "2000") +
                            "\n.tran 10n 5u\n.end\n";
                    QVERIFY2(contains(run.netlistText, tail), run.netlistText.c_str());
                    QVERIFY(contains(run.paramsYaml, std::string("corner: ") + corner));
                    QVERIFY(contains(run.paramsYaml, "seed: " + std::to_string(seed)));
                    ++i;
                }
        QCOMPARE(ids.size(), size_t(8));
    }

    void expandWithoutSeedsOrCorners() {
        auto spec = parse("netlist: rc.cir\nsweeps:\n  - {param: rval, lin: {start: 1k, stop: "
                          "2k, points: 11}}\n");
        QVERIFY2(spec.ok(), spec.error().c_str());
        auto runs = spec->expand();
        QVERIFY2(runs.ok(), runs.error().c_str());
        QCOMPARE(runs->size(), size_t(11));
        const auto& last = runs->back();
        QCOMPARE(last.corner, std::string());
        QCOMPARE(last.seed, -1LL);
        QCOMPARE(last.analysis, std::string("tran")); // the netlist's own
        QVERIFY2(last.runId.rfind("tran-nom-snone-p010-", 0) == 0, last.runId.c_str());
        QVERIFY(!contains(last.netlistText, ".options seed"));
        QVERIFY(contains(last.netlistText, "\n.tran 10n 10u\n")); // kept, not commented
        QVERIFY(contains(last.netlistText, ".param rval=2000\n.end\n"));
    }

    void expandFailsWhenTheNetlistHasNoAnalysis() {
        write("noanalysis.cir", "* none\nr1 a 0 1k\n.end\n");
        auto spec = parse("netlist: noanalysis.cir\n");
        QVERIFY2(spec.ok(), spec.error().c_str());
        auto runs = spec->expand();
        QVERIFY(!runs.ok());
        QVERIFY2(contains(runs.error(), path("job.yaml") + ":1:"), runs.error().c_str());
        QVERIFY(contains(runs.error(), "no analysis"));
    }

    void jobNetlistSetsAsideControlBlocksAndContinuations() {
        JobNetlist::Point point;
        point.label = "p";
        point.analysisLine = ".ac dec 10 1 1g";
        point.parameters = {{"a", "1"}};
        const std::string text = "title\nr1 a 0 1k\n.tran 1n\n+ 10u\n.control\ntran 1n 1u\n"
                                 ".endc\n.op\n";
        const auto out = JobNetlist::build(text, point);
        QCOMPARE(out, std::string("title\nr1 a 0 1k\n* [wavebench job] .tran 1n\n"
                                  "* [wavebench job] + 10u\n* [wavebench job] .control\n"
                                  "* [wavebench job] tran 1n 1u\n* [wavebench job] .endc\n"
                                  "* [wavebench job] .op\n* [wavebench job] p\n.param a=1\n"
                                  ".ac dec 10 1 1g\n.end\n"));
        QVERIFY(JobNetlist::analyses(text) == (std::vector<std::string>{"tran", "op"}));
    }

    void declaredMeasures() {
        const auto declared = MeasureResults::declared(
            "t\n.measure tran vfinal find v(out) at=9u\n.MEAS AC Gain max vdb(out)\n"
            ".control\nmeas tran x find v(out) at=1u\n.meas tran y find v(out) at=1u\n.endc\n"
            "* .meas tran z find v(out) at=1u\n");
        QCOMPARE(declared.size(), size_t(2));
        QCOMPARE(declared[0].name, std::string("vfinal"));
        QCOMPARE(declared[0].analysis, std::string("tran"));
        QCOMPARE(declared[1].name, std::string("gain"));
        QCOMPARE(declared[1].analysis, std::string("ac"));
    }

    void parseRealOutput() {
        const auto declared = MeasureResults::declared(
            "* m\n"
            ".measure tran t1 trig v(in) val=0.5 rise=1 targ v(out) val=2 rise=1\n"
            ".measure tran w1 when v(out)=5\n"
            ".measure tran a1 avg v(out) from=1u to=2u\n"
            ".meas tran m1 max v(out)\n"
            ".meas tran p1 param='a1*2'\n"
            ".meas tran BigName find v(out) when v(in)=0.5\n"
            ".meas tran d1 deriv v(out) at=1u\n"
            ".meas tran tdelay trig v(in) val=0.5 rise=1 targ v(out) val=0.5 rise=1\n"
            ".meas tran never find v(out) at=1u\n"
            ".meas ac gain max vdb(out)\n");
        const auto results = MeasureResults::parse(kMeasureLog, declared, "tran");
        QCOMPARE(results.size(), size_t(9)); // the ac measure belongs to another analysis
        std::map<std::string, MeasureResults::Measurement> byName;
        for (const auto& m : results)
            byName[m.name] = m;
        QCOMPARE(byName["a1"].value, 7.680688e-01);
        QVERIFY(byName["a1"].message.empty());
        QCOMPARE(byName["a1"].extras.size(), size_t(2));
        QCOMPARE(byName["a1"].extras[1].first, std::string("to"));
        QCOMPARE(byName["a1"].extras[1].second, 2.007320e-06);
        QCOMPARE(byName["m1"].value, 9.999546e-01);
        QCOMPARE(byName["p1"].value, 1.53614);
        QCOMPARE(byName["bigname"].value, 1.376711e-04);
        QCOMPARE(byName["tdelay"].value, 6.931531e-07);
        QCOMPARE(byName["tdelay"].extras[0], std::make_pair(std::string("targ"), 6.936531e-07));
        QCOMPARE(byName["tdelay"].extras[1], std::make_pair(std::string("trig"), 5e-10));
        QVERIFY(std::isnan(byName["t1"].value));
        QCOMPARE(byName["t1"].message,
                 std::string("out of interval: .measure tran t1 trig v(in) val=0.5 rise=1 "
                             "targ v(out) val=2 rise=1"));
        QVERIFY(std::isnan(byName["w1"].value));
        QCOMPARE(byName["w1"].message,
                 std::string("out of interval: .measure tran w1 when v(out)=5"));
        QVERIFY(std::isnan(byName["d1"].value));
        QVERIFY2(contains(byName["d1"].message, "Error: measure  d1 failed:; function 'deriv' "
                                                "currently not supported: .meas tran d1"),
                 byName["d1"].message.c_str());
        QVERIFY(std::isnan(byName["never"].value));
        QVERIFY(contains(byName["never"].message, "printed no result"));

        const auto ac = MeasureResults::parse(kMeasureLog, declared, "ac");
        QCOMPARE(ac.size(), size_t(1));
        QVERIFY(std::isnan(ac.front().value));
        QVERIFY(MeasureResults::parse(kMeasureLog, declared, "dc").empty());
    }

    void sweepJsonKeepsTheSweepOrderAndEveryValue() {
        SimRun run;
        run.sweep = {{"vdd", 1.8}, {"rval", 2200}, {"cl", 1e-12}, {"big", 1e15}, {"x", 0.1 + 0.2}};
        // The text is part of each point's netlist (its label), so of the run id's hash: it
        // must not change, and the sweeps keep the job's order (QJsonObject would sort them).
        const std::string text = run.sweepJson();
        QCOMPARE(text,
                 std::string(R"json({"vdd": 1.8, "rval": 2200, "cl": 1e-12, "big": 1e+15, )json"
                             R"json("x": 0.30000000000000004})json"));
        QJsonParseError error;
        const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(text), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject object = document.object();
        QCOMPARE(object.size(), static_cast<qsizetype>(run.sweep.size()));
        size_t at = 0;
        for (const auto& [name, value] : run.sweep) {
            QCOMPARE(object.value(QString::fromStdString(name)).toDouble(), value); // exactly
            const auto found = text.find("\"" + name + "\"");
            QVERIFY2(found != std::string::npos && found >= at, name.c_str());
            at = found;
        }
        QCOMPARE(SimRun{}.sweepJson(), std::string("{}"));
    }

    void measurementTable() {
        JobSummary summary;
        SimRun a;
        a.index = 0;
        a.runId = "tran-tt-s5-p000-00000000";
        a.analysis = "tran";
        a.corner = "tt";
        a.seed = 5;
        a.sweep = {{"rval", 1000}, {"vdd", 1.8}};
        a.status = RunStatus::Ok;
        a.measurements = {{"vfinal", 0.9998765}, {"tdelay", 6.931531e-07}, {"bad", std::nan("")}};
        SimRun b = a;
        b.index = 1;
        b.runId = "tran-tt-s5-p001-11111111";
        b.sweep = {{"rval", 2200}, {"vdd", 0.1 + 0.2}};
        b.status = RunStatus::Failed;
        b.measurements = {{"vfinal", 0.5}};
        SimRun c = b;
        c.index = 2;
        c.runId = "tran,odd";
        c.seed = -1;
        c.status = RunStatus::Interrupted;
        c.skipped = true;
        c.measurements.clear();
        summary.runs = {a, b, c};
        QCOMPARE(summary.measurementsCsv(),
                 std::string("index,run_id,analysis,corner,seed,rval,vdd,status,bad,tdelay,vfinal\n"
                             "0,tran-tt-s5-p000-00000000,tran,tt,5,1000,1.8,ok,nan,6.931531e-07,"
                             "0.9998765\n"
                             "1,tran-tt-s5-p001-11111111,tran,tt,5,2200,0.30000000000000004,"
                             "failed,,,0.5\n"
                             "2,\"tran,odd\",tran,tt,,2200,0.30000000000000004,skipped,,,\n"));
        QCOMPARE(summary.count(RunStatus::Ok), 1);
        QCOMPARE(summary.count(RunStatus::Interrupted), 1);
        QCOMPARE(summary.skipped(), 1);
        QVERIFY(!summary.allOk());
        auto written = summary.writeMeasurementsCsv(path("table.csv"));
        QVERIFY2(written.ok(), written.error().c_str());
        QFile file(m_dir.filePath("table.csv"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().toStdString(), summary.measurementsCsv());
        QVERIFY(!summary.writeMeasurementsCsv(path("no/such/dir/table.csv")).ok());
    }
};

QTEST_GUILESS_MAIN(TestSimJobSpec)
#include "tst_sim_job_spec.moc"
