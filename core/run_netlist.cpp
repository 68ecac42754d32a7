#include "run_netlist.h"

#include "probe_resolver.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <set>
#include <sstream>

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), ::tolower);
    return text;
}

std::string firstWord(const std::string& line) {
    std::istringstream stream(line);
    std::string word;
    stream >> word;
    return lower(word);
}

const std::set<std::string> kAnalyses = {".tran", ".ac",   ".dc", ".op",    ".noise",
                                         ".tf",   ".sens", ".pz", ".disto", ".sp"};

// ".include models.lib" -> ".include /abs/dir/models.lib"; quotes are kept.
std::string absolutePathLine(const std::string& line, const std::string& baseDir) {
    std::istringstream stream(line);
    std::string keyword, path;
    stream >> keyword >> path;
    if (path.empty())
        return line;
    std::string rest;
    std::getline(stream, rest);
    char quote = 0;
    if (path.size() >= 2 && (path.front() == '"' || path.front() == '\'')) {
        quote = path.front();
        path = path.substr(1, path.size() - 2);
    }
    if (QDir::isAbsolutePath(QString::fromStdString(path)) || path.rfind("~", 0) == 0)
        return line;
    std::string absolute = QDir(QString::fromStdString(baseDir))
                               .absoluteFilePath(QString::fromStdString(path))
                               .toStdString();
    if (quote || absolute.find(' ') != std::string::npos)
        absolute = "\"" + absolute + "\"";
    return keyword + " " + absolute + rest;
}

} // namespace

Result<RunNetlist> RunNetlist::fromFile(const std::string& path,
                                        const std::optional<TranSpec>& tran) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return Result<RunNetlist>::failure(path + ": " + file.errorString().toStdString());
    const auto baseDir = QFileInfo(file).absolutePath().toStdString();
    return fromText(file.readAll().toStdString(), baseDir, path, tran);
}

Result<RunNetlist> RunNetlist::fromText(const std::string& text, const std::string& baseDir,
                                        const std::string& origin,
                                        const std::optional<TranSpec>& tran) {
    using R = Result<RunNetlist>;
    RunNetlist netlist;
    std::vector<std::string> input;
    {
        std::istringstream stream(text);
        std::string line;
        while (std::getline(stream, line)) {
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            input.push_back(line);
        }
    }
    if (input.empty())
        return R::failure(origin + ": empty netlist");

    bool hasAnalysis = false;
    bool inControl = false;
    bool commentingContinuation = false;
    std::string previousKeyword;
    netlist.m_lines.push_back(input.front()); // the title line, whatever it says
    for (size_t i = 1; i < input.size(); ++i) {
        const std::string& line = input[i];
        const std::string word = firstWord(line);
        const std::string where = origin + ":" + std::to_string(i + 1);
        if (inControl) {
            if (word == ".endc")
                inControl = false;
            continue;
        }
        if (word == ".control") {
            inControl = true;
            netlist.m_notes.push_back(where + ": .control block not run (Wavebench drives the "
                                              "analysis itself)");
            continue;
        }
        if (word == ".end")
            break;
        if (!word.empty() && word[0] == '+') {
            if (commentingContinuation) {
                netlist.m_lines.push_back("* [wavebench] " + line);
                continue;
            }
            if (previousKeyword == ".save") {
                std::istringstream stream(line.substr(line.find('+') + 1));
                std::string token;
                while (stream >> token)
                    if (ProbeResolver::isDeviceParameter(token))
                        netlist.m_deviceSaves.push_back(ProbeResolver::normalizeVector(token));
                continue;
            }
            netlist.m_lines.push_back(line);
            continue;
        }
        if (!word.empty() && word[0] != '*')
            previousKeyword = word;
        commentingContinuation = false;
        if (word == ".save") {
            std::istringstream stream(line);
            std::string token;
            stream >> token; // .save
            while (stream >> token)
                if (ProbeResolver::isDeviceParameter(token))
                    netlist.m_deviceSaves.push_back(ProbeResolver::normalizeVector(token));
            continue;
        }
        if (kAnalyses.count(word)) {
            if (tran) {
                netlist.m_lines.push_back("* [wavebench] " + line);
                commentingContinuation = true;
                continue;
            }
            hasAnalysis = true;
            if (word == ".dc" && netlist.m_dcSweepSource.empty()) {
                std::istringstream stream(line);
                std::string keyword, source;
                stream >> keyword >> source;
                netlist.m_dcSweepSource = lower(source);
            }
        }
        if (word == ".include" || word == ".inc" || word == ".lib") {
            netlist.m_lines.push_back(absolutePathLine(line, baseDir));
            continue;
        }
        netlist.m_lines.push_back(line);
    }
    if (inControl)
        return R::failure(origin + ": .control block without .endc");
    if (tran) {
        netlist.m_lines.push_back(".tran " + tran->step + " " + tran->stop);
        hasAnalysis = true;
    }
    if (!hasAnalysis)
        return R::failure(origin + ": no analysis (.tran, .ac, .dc, .op, ...) in the netlist; "
                                   "add one or give --tran STEP STOP");
    netlist.m_lines.push_back(".end");
    std::sort(netlist.m_deviceSaves.begin(), netlist.m_deviceSaves.end());
    netlist.m_deviceSaves.erase(
        std::unique(netlist.m_deviceSaves.begin(), netlist.m_deviceSaves.end()),
        netlist.m_deviceSaves.end());
    return netlist;
}

std::string RunNetlist::text() const {
    std::string joined;
    for (const auto& line : m_lines)
        joined += line + "\n";
    return joined;
}

std::string RunNetlist::sha256() const {
    return QCryptographicHash::hash(QByteArray::fromStdString(text()), QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}
