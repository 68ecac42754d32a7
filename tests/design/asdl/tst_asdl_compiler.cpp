// The real ASDL compiler (asdlc: PATH, else ../shared/tools/asdlc) run by AsdlCompiler: the
// mosbius top design's tree holds every instance path of the compiler's own `query tree`,
// the built-in reader agrees with the compiler on every design of ../shared/asdl-examples it
// accepts, the cache is reused until a source changes, and diagnostics name
// file:line:column (LVS-only standard cells: tst_design_open). Skips without asdlc.
#include "core/design/asdl/asdl_compiler.h"
#include "core/design/asdl/asdl_reader.h"
#include "tests/support/test_files.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <memory>
#include <set>

namespace {

const QString kShared = QStringLiteral(WAVEBENCH_SHARED_ASDL);
const std::string kAsdl = kShared.toStdString() + "/ASDL";
const std::string kData = std::string(WAVEBENCH_TEST_DATA) + "/asdl";

std::string compilerHere() {
    auto found = AsdlCompiler::find();
    if (found.empty())
        found = AsdlCompiler::find((kShared + "/../tools/asdlc").toStdString());
    return found;
}

#define NEED_COMPILER(name)                                                                        \
    const std::string name = compilerHere();                                                       \
    if (name.empty())                                                                              \
        QSKIP("no ASDL compiler: asdlc is not on PATH and ../shared/tools/asdlc is absent");       \
    if (!QFileInfo::exists(kShared))                                                               \
    QSKIP("../shared/asdl-examples is absent")

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Symlinks resolved (../shared is one): the compiler names files by their real path.
std::set<std::string> canonical(const std::vector<std::string>& files) {
    std::set<std::string> result;
    for (const auto& file : files)
        result.insert(QFileInfo(QString::fromStdString(file)).canonicalFilePath().toStdString());
    return result;
}

std::string canonical(const std::string& file) {
    return QFileInfo(QString::fromStdString(file)).canonicalFilePath().toStdString();
}

// (path, resolved ref), sorted: the compiler lists children by name.
std::vector<std::pair<std::string, std::string>>
pathsAndRefs(const std::vector<AsdlTreeEntry>& entries) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& e : entries)
        rows.emplace_back(e.path, e.resolvedRef);
    std::sort(rows.begin(), rows.end());
    return rows;
}

std::set<std::string> pathsOf(const std::vector<AsdlTreeEntry>& entries) {
    std::set<std::string> paths;
    for (const auto& e : entries)
        paths.insert(e.path);
    return paths;
}

AsdlCompiler::Options optionsFor(const std::string& entry, const QTemporaryDir& cache,
                                 std::vector<std::string> libs = {}) {
    AsdlCompiler::Options options;
    auto rc = AsdlRc::load(entry);
    if (rc)
        options.rc = rc.value();
    options.libRoots = std::move(libs);
    options.environment = AsdlRc::processEnvironment();
    options.cacheRoot = cache.path().toStdString();
    return options;
}

} // namespace

class TestAsdlCompiler : public QObject {
    Q_OBJECT

private slots:
    void mosbiusTreeHoldsEveryPathOfTheCompilersOwn() {
        NEED_COMPILER(asdlc);
        const std::string dir =
            kAsdl + "/examples/libs/mosbius_devices/top_mosbius_devices_v1_nmos";
        const std::string entry = dir + "/top_mosbius_devices_v1_nmos.asdl";
        QTemporaryDir cache;
        // Nothing but the checkout's .asdlrc finds gf180mcu.asdl.
        auto compiled = AsdlCompiler(asdlc).compile(entry, optionsFor(entry, cache));
        QVERIFY2(compiled.ok(), compiled.error().c_str());
        QVERIFY2(compiled->netlistProblem.empty(), compiled->netlistProblem.c_str());
        QVERIFY(!compiled->reused);
        QVERIFY(QDir(QString::fromStdString(compiled->cacheDir))
                    .absolutePath()
                    .startsWith(cache.path()));
        auto reference =
            AsdlTreeReader::readTreeFile(dir + "/top_mosbius_devices_v1_nmos.tree.json");
        QVERIFY2(reference.ok(), reference.error().c_str());
        const auto ours = pathsOf(compiled->tree);
        for (const auto& path : pathsOf(reference.value()))
            QVERIFY2(ours.count(path), path.c_str());
        QCOMPARE(ours.size(), reference->size());
        // The compile log's names and the files the compile read.
        QVERIFY(!compiled->names.empty());
        QCOMPARE(compiled->names.front().emittedName, std::string("top_mosbius_devices_v1_nmos"));
        const auto sources = canonical(compiled->sources);
        QVERIFY(sources.count(canonical(kAsdl + "/examples/pdks/gf180mcu/asdl/gf180mcu.asdl")));
        QVERIFY(sources.count(
            canonical(kAsdl + "/examples/libs/mosbius_devices/ota_nmos/ota_nmos.asdl")));
        QVERIFY(sources.count(canonical(kAsdl + "/.asdlrc")));
        QFile netlist(QString::fromStdString(compiled->netlist));
        QVERIFY(netlist.open(QIODevice::ReadOnly));
        QVERIFY(netlist.readAll().contains(".subckt ota_nmos inp inn out vbn vdd vss"));

        // The built-in reader, given the rc's roots, joins the design with that netlist.
        AsdlReadOptions read;
        read.libRoots = optionsFor(entry, cache).rc.searchRoots({}, AsdlRc::processEnvironment());
        read.emittedNetlist = compiled->netlist;
        auto tree = AsdlReader::readFile(entry, read);
        QVERIFY2(tree.ok(), tree.error().c_str());
        QVERIFY(tree->find("top.nmos_ota.mn_in_p.op.gm"));
        QCOMPARE(tree->find("top.nmos_ota.mn_in_p.op.gm")->vector,
                 std::string("@m.xnmos_ota.xmn_in_p.m0[gm]"));
    }

    // The built-in reader's hierarchy against `asdlc query tree` on every .asdl of the
    // examples; the compiler's refusals are listed, not compared.
    void builtInReaderAgreesWithTheCompilerEverywhere() {
        NEED_COMPILER(asdlc);
        std::vector<std::string> designs;
        QDirIterator it(QString::fromStdString(kAsdl + "/examples/libs"), {"*.asdl"}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            designs.push_back(it.next().toStdString());
        std::sort(designs.begin(), designs.end());
        QVERIFY(designs.size() >= 8);
        // All at once: each is a Python start-up (~1 s of CPU).
        // The compiler's file list too: the compile trusts the built-in import resolver's
        // (AsdlReader::readFacts) instead of running depgraph-dump, so they must agree.
        std::vector<std::unique_ptr<QProcess>> calls, depgraphs;
        for (const auto& design : designs) {
            auto process = std::make_unique<QProcess>();
            process->start(
                QString::fromStdString(asdlc),
                {"query", "tree", QString::fromStdString(design), "--json", "--verbose-view"});
            calls.push_back(std::move(process));
            auto depgraph = std::make_unique<QProcess>();
            depgraph->start(QString::fromStdString(asdlc),
                            {"depgraph-dump", QString::fromStdString(design), "--compact"});
            depgraphs.push_back(std::move(depgraph));
        }
        for (auto& call : calls)
            call->waitForFinished(120000);
        for (auto& call : depgraphs)
            call->waitForFinished(120000);
        int compared = 0;
        QStringList refused;
        for (size_t i = 0; i < designs.size(); ++i) {
            QVERIFY(calls[i]->state() == QProcess::NotRunning);
            const auto out = calls[i]->readAllStandardOutput();
            if (calls[i]->exitCode() != 0) {
                refused << QString::fromStdString(designs[i]) + ": " +
                               QString::fromUtf8(calls[i]->readAllStandardError()).trimmed();
                continue;
            }
            auto theirs = AsdlTreeReader::readTreeJson(out.toStdString(), designs[i]);
            QVERIFY2(theirs.ok(), theirs.error().c_str());
            AsdlReadOptions read;
            auto rc = AsdlRc::load(designs[i]);
            QVERIFY2(rc.ok(), rc.error().c_str());
            read.libRoots = rc->searchRoots({}, AsdlRc::processEnvironment());
            auto ours = AsdlReader::readHierarchy(designs[i], read);
            QVERIFY2(ours.ok(), (designs[i] + ": " + ours.error()).c_str());
            QCOMPARE(ours->size(), theirs->size());
            QCOMPARE(pathsAndRefs(ours.value()), pathsAndRefs(theirs.value()));
            QCOMPARE(depgraphs[i]->exitCode(), 0);
            std::set<std::string> theirFiles, ourFiles;
            for (const auto& row : QJsonDocument::fromJson(depgraphs[i]->readAllStandardOutput())
                                       .object()["files"]
                                       .toArray())
                theirFiles.insert(QFileInfo(row.toObject()["file_id"].toString())
                                      .canonicalFilePath()
                                      .toStdString());
            auto facts = AsdlReader::readFacts(designs[i], read);
            QVERIFY2(facts.ok(), facts.error().c_str());
            for (const auto& file : facts->sources)
                ourFiles.insert(
                    QFileInfo(QString::fromStdString(file)).canonicalFilePath().toStdString());
            QVERIFY2(!theirFiles.empty(), designs[i].c_str());
            QCOMPARE(ourFiles, theirFiles);
            ++compared;
        }
        qInfo("compared %d designs; the compiler refused %lld:\n%s", compared,
              static_cast<long long>(refused.size()), qPrintable(refused.join('\n')));
        QVERIFY(compared >= 6);
    }

    void aSecondCompileIsAStampHitUntilASourceChanges() {
        NEED_COMPILER(asdlc);
        QTemporaryDir work, cache;
        test_files::copyTree(QString::fromStdString(kData), work.path());
        const std::string entry = work.filePath("compiled/tb_divider.asdl").toStdString();
        const AsdlCompiler compiler(asdlc);
        QElapsedTimer clock;
        clock.start();
        auto first = compiler.compile(entry, optionsFor(entry, cache));
        const auto firstMs = clock.restart();
        QVERIFY2(first.ok(), first.error().c_str());
        QVERIFY(!first->reused);
        auto second = compiler.compile(entry, optionsFor(entry, cache));
        const auto secondMs = clock.restart();
        QVERIFY2(second.ok(), second.error().c_str());
        QVERIFY(second->reused);
        QCOMPARE(second->netlist, first->netlist);
        QCOMPARE(pathsOf(second->tree), pathsOf(first->tree));
        qInfo("compile %lld ms, stamp hit %lld ms", static_cast<long long>(firstMs),
              static_cast<long long>(secondMs));
        QVERIFY(secondMs < firstMs);

        // Another process compiling the same entry holds the cache entry's lock: this one
        // waits for it, and says so when it waits too long.
        {
            QLockFile held(QDir(QString::fromStdString(first->cacheDir)).filePath("compile.lock"));
            QVERIFY(held.tryLock(0));
            auto options = optionsFor(entry, cache);
            options.timeoutMs = 300;
            auto blocked = compiler.compile(entry, options);
            QVERIFY(!blocked.ok());
            QVERIFY2(contains(blocked.error(), "another process is compiling"),
                     blocked.error().c_str());
        }
        auto unlocked = compiler.compile(entry, optionsFor(entry, cache));
        QVERIFY2(unlocked.ok() && unlocked->reused, unlocked ? "" : unlocked.error().c_str());
        const std::set<std::string> sources(first->sources.begin(), first->sources.end());
        const auto cell = work.filePath("compiled/cells/divider.asdl").toStdString();
        QVERIFY(sources.count(cell));
        QVERIFY(sources.count(work.filePath("compiled/lib/natives.asdl").toStdString()));
        QVERIFY(sources.count(work.filePath("compiled/.asdlrc").toStdString()));

        // An imported file's parameter changes: the next compile runs and emits it.
        QFile file(QString::fromStdString(cell));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray text = file.readAll();
        file.close();
        QVERIFY(text.contains("r_top: nat.res r=1k"));
        text.replace("r_top: nat.res r=1k", "r_top: nat.res r=3k");
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text);
        file.close();
        auto third = compiler.compile(entry, optionsFor(entry, cache));
        QVERIFY2(third.ok(), third.error().c_str());
        QVERIFY(!third->reused);
        QFile netlist(QString::fromStdString(third->netlist));
        QVERIFY(netlist.open(QIODevice::ReadOnly));
        const QByteArray emitted = netlist.readAll();
        QVERIFY2(emitted.contains("Rr_top in mid 3k"), emitted.constData());
        // The rc's env reached the compiler: the models device's $NATIVE_DIR is expanded.
        QVERIFY2(emitted.contains(".include " + work.filePath("compiled/lib/natives.inc").toUtf8()),
                 emitted.constData());
    }

    void diagnosticsNameFileLineAndColumn() {
        NEED_COMPILER(asdlc);
        QTemporaryDir cache;
        const std::string entry = kData + "/compiled/broken.asdl";
        auto compiled = AsdlCompiler(asdlc).compile(entry, optionsFor(entry, cache));
        QVERIFY(!compiled.ok());
        QVERIFY2(contains(compiled.error(), entry + ":11:7: error IR-010") &&
                     contains(compiled.error(), "nat.no_such_device"),
                 compiled.error().c_str());
        QVERIFY2(!contains(compiled.error(), "note:"), compiled.error().c_str());
        // A diagnostic without a span gets the entry's name.
        QCOMPARE(AsdlCompiler::diagnostics("error EMIT-004: no backend\n  note: No source span "
                                           "available.\n",
                                           "/d/x.asdl"),
                 std::string("/d/x.asdl: error EMIT-004: no backend"));
    }

    // LVS-only standard cells through the compiler: tst_design_open.

    void aMissingCompilerIsNamed() {
        QTemporaryDir cache;
        auto compiled = AsdlCompiler("/nonexistent/asdlc")
                            .compile(kData + "/compiled/tb_divider.asdl", AsdlCompiler::Options{});
        QVERIFY(!compiled.ok());
        QVERIFY2(contains(compiled.error(), "/nonexistent/asdlc"), compiled.error().c_str());
        QCOMPARE(AsdlCompiler::find("/nonexistent/asdlc"), std::string());
    }
};

QTEST_GUILESS_MAIN(TestAsdlCompiler)
#include "tst_asdl_compiler.moc"
