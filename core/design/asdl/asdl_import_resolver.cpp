#include "core/design/asdl/asdl_import_resolver.h"

#include "core/base/file_path.h"
#include "core/base/text.h"
#include "core/design/asdl/asdl_failure.h"
#include "core/design/asdl/asdl_names.h"

#include <QDir>
#include <QFileInfo>
#include <QString>
#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace {

using asdl_names::where;

std::string normalized(const QString& path) {
    return asdl_names::normalizedPath(path.toStdString());
}

// `$VAR`, `${VAR}` and a leading `~`, as the compiler expands import paths.
std::string expandEnvironment(const std::string& path, const std::string& location) {
    std::string result;
    for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] != '$') {
            result += path[i];
            continue;
        }
        std::string name;
        if (i + 1 < path.size() && path[i + 1] == '{') {
            const auto close = path.find('}', i);
            if (close == std::string::npos)
                asdlFail(location + ": malformed import path \"" + path + "\": '${' is not closed");
            name = path.substr(i + 2, close - i - 2);
            i = close;
        } else {
            size_t k = i + 1;
            while (k < path.size() &&
                   (std::isalnum(static_cast<unsigned char>(path[k])) || path[k] == '_'))
                ++k;
            name = path.substr(i + 1, k - i - 1);
            i = k - 1;
        }
        const char* value = std::getenv(name.c_str());
        if (name.empty() || !value)
            asdlFail(location + ": malformed import path \"" + path + "\": $" + name +
                     " is not set");
        result += value;
    }
    if (!result.empty() && result[0] == '~')
        result = QDir::homePath().toStdString() + result.substr(1);
    return result;
}

std::string resolveOrFail(const std::string& importer, const AsdlImportDecl& import,
                          const std::vector<std::string>& libRoots) {
    const std::string location = where(importer, import.line);
    const std::string path = expandEnvironment(import.path, location);
    if (path.empty())
        asdlFail(location + ": malformed import path \"" + import.path + "\" (empty)");
    const QString dir = QFileInfo(QString::fromStdString(importer)).absolutePath();
    if (path.rfind("./", 0) == 0 || path.rfind("../", 0) == 0 || file_path::isAbsolute(path)) {
        const QString full = QString::fromStdString(file_path::absolute(path, dir.toStdString()));
        if (!QFileInfo(full).isFile())
            asdlFail(location + ": import \"" + import.ns + ": " + import.path +
                     "\": no such file " + normalized(full));
        return normalized(full);
    }
    // A logical path: --lib roots, then ASDL_LIB_PATH; exactly one match.
    std::vector<std::string> roots = libRoots;
    if (const char* env = std::getenv("ASDL_LIB_PATH"))
        for (const auto& entry : QString::fromLocal8Bit(env).split(':', Qt::SkipEmptyParts))
            roots.push_back(entry.toStdString());
    std::vector<std::string> matches;
    for (const auto& root : roots) {
        const QString candidate =
            QDir(QString::fromStdString(root)).filePath(QString::fromStdString(path));
        if (QFileInfo(candidate).isFile()) {
            const auto found = normalized(candidate);
            if (std::find(matches.begin(), matches.end(), found) == matches.end())
                matches.push_back(found);
        }
    }
    if (matches.empty())
        asdlFail(location + ": import \"" + import.ns + ": " + import.path +
                 "\" not found in the library roots (" +
                 (roots.empty() ? std::string("none: pass lib roots or set ASDL_LIB_PATH")
                                : text::join(roots, ", ")) +
                 ")");
    if (matches.size() > 1)
        asdlFail(location + ": import \"" + import.path +
                 "\" is ambiguous: " + text::join(matches, ", "));
    return matches.front();
}

} // namespace

Result<std::string> AsdlImportResolver::resolve(const std::string& importer,
                                                const AsdlImportDecl& import,
                                                const std::vector<std::string>& libRoots) {
    try {
        return resolveOrFail(importer, import, libRoots);
    } catch (const AsdlFailure& failure) {
        return Result<std::string>::failure(failure.message);
    }
}
