#include "core/design/asdl/asdl_compiler.h"

#include "core/base/sha256.h"
#include "core/design/spice_lexer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <map>
#include <memory>

namespace {

// The stamp's hash of a file; "" when it cannot be read (a deleted source never matches).
std::string contentHash(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return sha256::hex(file.readAll().toStdString());
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size() && file.flush();
}

struct Stamp {
    std::vector<std::pair<std::string, std::string>> sources; // path, content hash
    std::string netlistProblem;
};

std::optional<Stamp> readStamp(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const auto doc = QJsonDocument::fromJson(file.readAll());
    if (!doc.isObject())
        return std::nullopt;
    Stamp stamp;
    for (const auto& row : doc.object()["sources"].toArray())
        stamp.sources.emplace_back(row.toObject()["path"].toString().toStdString(),
                                   row.toObject()["sha256"].toString().toStdString());
    stamp.netlistProblem = doc.object()["netlistProblem"].toString().toStdString();
    return stamp;
}

bool writeStamp(const QString& path, const Stamp& stamp) {
    QJsonArray sources;
    for (const auto& [file, hash] : stamp.sources)
        sources.append(QJsonObject{{"path", QString::fromStdString(file)},
                                   {"sha256", QString::fromStdString(hash)}});
    return writeFile(
        path,
        QJsonDocument(QJsonObject{{"sources", sources},
                                  {"netlistProblem", QString::fromStdString(stamp.netlistProblem)}})
            .toJson());
}

// The files a compile read, from `asdlc depgraph-dump`.
std::vector<std::string> depgraphFiles(const QByteArray& json) {
    std::vector<std::string> files;
    for (const auto& row : QJsonDocument::fromJson(json).object()["files"].toArray())
        files.push_back(row.toObject()["file_id"].toString().toStdString());
    return files;
}

struct Call {
    QStringList arguments;
    std::unique_ptr<QProcess> process;
    QByteArray out, err;
    std::string problem; // could not start, timed out
    bool ok() const {
        return problem.empty() && process->exitStatus() == QProcess::NormalExit &&
               process->exitCode() == 0;
    }
};

} // namespace

std::string AsdlCompiler::find(const std::string& given) {
    if (!given.empty()) {
        const QFileInfo info(QString::fromStdString(given));
        if (info.isFile() && info.isExecutable())
            return info.absoluteFilePath().toStdString();
        return QStandardPaths::findExecutable(QString::fromStdString(given)).toStdString();
    }
    return QStandardPaths::findExecutable(QStringLiteral("asdlc")).toStdString();
}

std::string AsdlCompiler::defaultCacheRoot() {
    return (QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
            "/wavebench/asdl")
        .toStdString();
}

AsdlCompiler::AsdlCompiler(std::string program) : m_program(std::move(program)) {}

std::string AsdlCompiler::diagnostics(const std::string& output, const std::string& entry) {
    static const QRegularExpression located(
        QStringLiteral("^(.+):(\\d+):(\\d+): (error|fatal) (.*)$"));
    static const QRegularExpression unlocated(QStringLiteral("^(error|fatal) (.*)$"));
    QStringList kept;
    const auto lines = QString::fromStdString(output).split('\n');
    for (const auto& line : lines) {
        if (located.match(line).hasMatch())
            kept << line;
        else if (unlocated.match(line).hasMatch())
            kept << QString::fromStdString(entry) + ": " + line;
    }
    if (kept.isEmpty()) // not the compiler's diagnostics (a Python traceback, a wrapper)
        return entry + ": asdlc: " + QString::fromStdString(output).trimmed().toStdString();
    kept.removeDuplicates();
    return kept.join('\n').toStdString();
}

Result<AsdlCompiler::Compiled> AsdlCompiler::compile(const std::string& entryPath,
                                                     const Options& options) const {
    using R = Result<Compiled>;
    if (m_program.empty() || !QFileInfo(QString::fromStdString(m_program)).isExecutable())
        return R::failure((m_program.empty() ? std::string("asdlc") : m_program) +
                          ": not an executable ASDL compiler");
    const QFileInfo entryInfo(QString::fromStdString(entryPath));
    if (!entryInfo.isFile())
        return R::failure(entryPath + ": no such file");
    const std::string entry = entryInfo.absoluteFilePath().toStdString();

    // The format of what a cache entry holds is part of its key: a Wavebench that treats
    // the compiler's output otherwise (2: relative includes made absolute) compiles afresh.
    std::string key =
        std::string("wavebench-asdl-cache 2\n") + m_program + "\n" + entry + "\n" + options.rc.path;
    for (const auto& root : options.libRoots)
        key += "\n" + root;
    const QString root =
        QString::fromStdString(options.cacheRoot.empty() ? defaultCacheRoot() : options.cacheRoot);
    const QDir dir(root + "/" + QString::fromStdString(sha256::hex(key).substr(0, 16)));
    if (!QDir().mkpath(dir.path()))
        return R::failure(dir.path().toStdString() + ": cannot create the compiler's cache folder");

    QLockFile lock(dir.filePath("compile.lock"));
    lock.setStaleLockTime(0); // a long compile is not stale; a dead holder's lock is
    if (!lock.tryLock(options.timeoutMs))
        return R::failure(dir.path().toStdString() + ": another process is compiling " + entry +
                          " and did not finish within " + std::to_string(options.timeoutMs / 1000) +
                          " s");

    Compiled compiled;
    compiled.cacheDir = dir.path().toStdString();
    compiled.treeFile = dir.filePath("design.tree.json").toStdString();
    const QString netlist = dir.filePath("design.spice");
    const QString log = dir.filePath("design.log.json");
    const QString stampPath = dir.filePath("stamp.json");

    auto finish = [&](Compiled& c) -> Result<Compiled> {
        auto tree = AsdlTreeReader::readTreeFile(c.treeFile);
        if (!tree)
            return R::failure(tree.error());
        c.tree = std::move(tree.value());
        if (c.netlistProblem.empty()) {
            c.netlist = netlist.toStdString();
            c.logFile = log.toStdString();
            if (auto names = AsdlTreeReader::readCompileLogFile(c.logFile))
                c.names = std::move(names.value());
        }
        return c;
    };

    // The sources as they were before the compiler read them: one edited while it ran leaves
    // no stamp, so the next open compiles what is there then.
    std::map<std::string, std::string> before;
    before[entry] = contentHash(entry);
    if (auto stamp = readStamp(stampPath)) {
        bool same = !stamp->sources.empty() &&
                    QFileInfo::exists(dir.filePath("design.tree.json")) &&
                    (!stamp->netlistProblem.empty() || QFileInfo::exists(netlist));
        for (const auto& [file, hash] : stamp->sources) {
            before[file] = contentHash(file);
            same = same && before[file] == hash;
        }
        if (same) {
            compiled.reused = true;
            compiled.netlistProblem = stamp->netlistProblem;
            for (const auto& source : stamp->sources)
                compiled.sources.push_back(source.first);
            return finish(compiled);
        }
    }
    QFile::remove(stampPath);
    QFile::remove(netlist);
    QFile::remove(log);

    QStringList common;
    if (!options.rc.path.empty())
        common << "--config" << QString::fromStdString(options.rc.path);
    for (const auto& lib : options.libRoots)
        common << "--lib" << QString::fromStdString(lib);
    QProcessEnvironment environment;
    for (const auto& [name, value] : options.rc.merged(options.environment))
        environment.insert(QString::fromStdString(name), QString::fromStdString(value));

    const QString input = QString::fromStdString(entry);
    const bool sourcesKnown = !options.sources.empty();
    Call calls[3];
    calls[0].arguments =
        QStringList{"netlist", input, "--backend", "sim.ngspice", "-o", netlist, "--log", log} +
        common;
    calls[1].arguments =
        QStringList{"query", "tree", input, "--json", "--verbose-view", "--stage", "emitted"} +
        common;
    calls[2].arguments = QStringList{"depgraph-dump", input, "--compact"} + common;
    // At once: each is a Python start-up and a parse of the design (~1 s).
    const int callCount = sourcesKnown ? 2 : 3;
    for (int i = 0; i < callCount; ++i) {
        auto& call = calls[i];
        call.process = std::make_unique<QProcess>();
        call.process->setProgram(QString::fromStdString(m_program));
        call.process->setArguments(call.arguments);
        call.process->setProcessEnvironment(environment);
        call.process->start();
    }
    for (int i = 0; i < callCount; ++i) {
        auto& call = calls[i];
        auto& process = *call.process;
        if (!process.waitForStarted(10000)) {
            call.problem =
                m_program + ": could not start (" + process.errorString().toStdString() + ")";
            continue;
        }
        if (!process.waitForFinished(options.timeoutMs)) {
            process.kill();
            process.waitForFinished(2000);
            call.problem = m_program + " " + call.arguments.join(' ').toStdString() +
                           ": no answer within " + std::to_string(options.timeoutMs / 1000) + " s";
            continue;
        }
        call.out = process.readAllStandardOutput();
        call.err = process.readAllStandardError();
        if (process.exitCode() == 127)
            call.problem = m_program + ": " + call.err.trimmed().toStdString();
    }
    auto& [netlistCall, treeCall, depCall] = calls;
    if (!treeCall.ok())
        return R::failure(!treeCall.problem.empty()
                              ? treeCall.problem
                              : diagnostics((treeCall.err + treeCall.out).toStdString(), entry));
    if (!writeFile(QString::fromStdString(compiled.treeFile), treeCall.out))
        return R::failure(compiled.treeFile + ": cannot write the compiler's tree");
    if (netlistCall.ok()) {
        // The netlist lives in the cache, not beside the design where `asdlc netlist` would
        // write it: its relative .include/.lib paths (a device template's `.include
        // models.lib`) are of the design's folder, so they are made absolute against it.
        QFile file(netlist);
        if (!file.open(QIODevice::ReadOnly))
            return R::failure(netlist.toStdString() + ": cannot read the compiler's netlist");
        const std::string text = file.readAll().toStdString();
        file.close();
        const std::string moved = SpiceLexer::withAbsolutePaths(
            text, QFileInfo(QString::fromStdString(entry)).absolutePath().toStdString());
        if (moved != text && !writeFile(netlist, QByteArray::fromStdString(moved)))
            return R::failure(netlist.toStdString() + ": cannot write the compiler's netlist");
    } else {
        compiled.netlistProblem =
            !netlistCall.problem.empty()
                ? netlistCall.problem
                : diagnostics((netlistCall.err + netlistCall.out).toStdString(), entry);
        QFile::remove(netlist);
    }

    Stamp stamp;
    stamp.netlistProblem = compiled.netlistProblem;
    const bool sourcesOk = sourcesKnown || depCall.ok();
    std::vector<std::string> sources = sourcesKnown   ? options.sources
                                       : depCall.ok() ? depgraphFiles(depCall.out)
                                                      : std::vector<std::string>{};
    if (sources.empty())
        sources.push_back(entry);
    if (!options.rc.path.empty())
        sources.push_back(options.rc.path);
    if (!options.rc.backendConfig.empty())
        sources.push_back(options.rc.backendConfig);
    bool settled = true;
    for (const auto& source : sources) {
        stamp.sources.emplace_back(source, contentHash(source));
        const auto known = before.find(source);
        settled =
            settled && (known == before.end() || known->second == stamp.sources.back().second);
    }
    compiled.sources = sources;
    // Only a compile whose imports are all known, and that read them as they are now, may be
    // reused; otherwise the next open compiles again.
    if (sourcesOk && settled && !writeStamp(stampPath, stamp))
        return R::failure(stampPath.toStdString() + ": cannot write the compile's stamp");
    return finish(compiled);
}
