#include "core/design/asdl/asdl_rc.h"

#include "core/base/file_path.h"

#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <algorithm>
#include <yaml-cpp/yaml.h>

namespace {

constexpr int kMaxExpansionPasses = 10; // config.py's _MAX_EXPANSION_PASSES
// A value that doubles on each of the 10 x 10 passes (`A: ${A}${A}`) would take 2^100 bytes
// (config.py too: found by fuzzing). No path or variable of a project is this long.
constexpr qsizetype kMaxValueChars = 64 * 1024;

std::string at(const std::string& rc, const YAML::Node& node) {
    const auto mark = node.Mark();
    return mark.line >= 0 ? rc + ":" + std::to_string(mark.line + 1) : rc;
}

// config.py's _expand_tokens: `${NAME}` from `env`, unknown ones left as written, repeated
// until nothing changes.
std::string expandTokens(const std::string& value, const AsdlRc::Environment& env, bool* tooLong) {
    static const QRegularExpression token(QStringLiteral("\\$\\{([^}]+)\\}"));
    QString expanded = QString::fromStdString(value);
    for (int pass = 0; pass < kMaxExpansionPasses; ++pass) {
        QString next;
        qsizetype last = 0;
        auto it = token.globalMatch(expanded);
        while (it.hasNext()) {
            const auto match = it.next();
            next += expanded.mid(last, match.capturedStart() - last);
            const auto found = env.find(match.captured(1).toStdString());
            next += found != env.end() ? QString::fromStdString(found->second) : match.captured(0);
            last = match.capturedEnd();
            if (next.size() > kMaxValueChars) {
                *tooLong = true;
                return value;
            }
        }
        next += expanded.mid(last);
        if (next == expanded)
            break;
        expanded = next;
    }
    return expanded.toStdString();
}

std::string expandUser(const std::string& value) {
    if (value == "~" || value.rfind("~/", 0) == 0)
        return QDir::homePath().toStdString() + value.substr(1);
    return value;
}

// config.py's _resolve_rc_path.
Result<std::string> resolvePath(const std::string& value, const QDir& rcDir,
                                const std::string& where) {
    const std::string expanded = expandUser(value);
    if (QString::fromStdString(expanded).trimmed().isEmpty())
        return Result<std::string>::failure(where + ": the path \"" + value +
                                            "\" resolved to an empty string");
    return file_path::absolute(expanded, rcDir.absolutePath().toStdString());
}

} // namespace

std::string AsdlRc::discover(const std::string& entryFile) {
    QDir dir = QFileInfo(QString::fromStdString(entryFile)).absoluteDir();
    while (true) {
        const QFileInfo candidate(dir.filePath(QStringLiteral(".asdlrc")));
        if (candidate.isFile())
            return candidate.absoluteFilePath().toStdString();
        if (!dir.cdUp())
            return {};
    }
}

AsdlRc::Environment AsdlRc::processEnvironment() {
    Environment environment;
    const auto system = QProcessEnvironment::systemEnvironment();
    for (const auto& key : system.keys())
        environment[key.toStdString()] = system.value(key).toStdString();
    return environment;
}

Result<AsdlRc> AsdlRc::load(const std::string& entryFile, const std::string& explicitPath) {
    return load(entryFile, explicitPath, processEnvironment());
}

Result<AsdlRc> AsdlRc::load(const std::string& entryFile, const std::string& explicitPath,
                            const Environment& environment) {
    const std::string rc =
        explicitPath.empty()
            ? discover(entryFile)
            : QFileInfo(QString::fromStdString(explicitPath)).absoluteFilePath().toStdString();
    if (rc.empty())
        return AsdlRc{};
    return parse(rc, environment);
}

Result<AsdlRc> AsdlRc::parse(const std::string& rcPath, const Environment& environment) {
    using R = Result<AsdlRc>;
    const QFileInfo info(QString::fromStdString(rcPath));
    const std::string rc = info.absoluteFilePath().toStdString();
    if (!info.isFile())
        return R::failure(rc + ": .asdlrc not found");
    YAML::Node root;
    try {
        root = YAML::LoadFile(rc);
    } catch (const YAML::BadFile&) {
        return R::failure(rc + ": cannot read the .asdlrc");
    } catch (const YAML::Exception& e) {
        return R::failure(rc + ":" + std::to_string(e.mark.line + 1) +
                          ": not valid YAML: " + e.msg);
    }
    if (root.IsNull())
        root = YAML::Node(YAML::NodeType::Map);
    if (!root.IsMap())
        return R::failure(at(rc, root) + ": an .asdlrc must be a YAML mapping");

    AsdlRc result;
    result.path = rc;
    try {
        const auto version = root["schema_version"];
        if (!version || !version.IsScalar() || version.Scalar() != "1")
            return R::failure(at(rc, version ? version : root) + ": schema_version " +
                              (version && version.IsScalar() ? "\"" + version.Scalar() + "\""
                                                             : std::string("missing")) +
                              " is not supported; expected 1");

        // _parse_env: string keys to string values, in file order.
        Variables raw;
        if (const auto env = root["env"]; env && !env.IsNull()) {
            if (!env.IsMap())
                return R::failure(at(rc, env) +
                                  ": env must be a mapping of string keys to string values");
            for (const auto& entry : env) {
                if (!entry.second.IsScalar() || entry.second.Tag() == "tag:yaml.org,2002:null")
                    return R::failure(at(rc, entry.second) + ": env value of " +
                                      entry.first.Scalar() + " must be a string");
                // A name given twice: the last value, where the name first came (as
                // PyYAML's dict has it). Found by fuzzing.
                const auto same = std::find_if(raw.begin(), raw.end(), [&entry](const auto& v) {
                    return v.first == entry.first.Scalar();
                });
                if (same != raw.end())
                    same->second = entry.second.Scalar();
                else
                    raw.emplace_back(entry.first.Scalar(), entry.second.Scalar());
            }
        }

        // _expand_env: the process environment (with ASDLRC_DIR) wins over the rc's own
        // variables, which are expanded in order until they settle.
        const QDir rcDir = info.absoluteDir();
        Environment base = environment;
        base["ASDLRC_DIR"] = rcDir.absolutePath().toStdString();
        Environment effective = base;
        for (const auto& [key, value] : raw)
            effective.emplace(key, value);
        bool tooLong = false;
        auto growing = [&rc, &tooLong](const YAML::Node& node, const std::string& what) {
            tooLong = false;
            return R::failure(at(rc, node) + ": " + what + " expands to more than " +
                              std::to_string(kMaxValueChars / 1024) +
                              " KB (a variable defined through itself?)");
        };
        std::map<std::string, std::string> expanded;
        for (int pass = 0; pass < kMaxExpansionPasses; ++pass) {
            bool changed = false;
            for (const auto& [key, value] : raw) {
                const std::string next = expandTokens(value, effective, &tooLong);
                if (tooLong)
                    return growing(root["env"][key], "env " + key);
                auto found = expanded.find(key);
                if (found == expanded.end() || found->second != next) {
                    expanded[key] = next;
                    changed = true;
                }
                if (!base.count(key))
                    effective[key] = next;
            }
            if (!changed)
                break;
        }
        for (const auto& [key, value] : raw)
            result.env.emplace_back(key, expanded[key]);

        if (const auto roots = root["lib_roots"]; roots && !roots.IsNull()) {
            if (!roots.IsSequence())
                return R::failure(at(rc, roots) + ": lib_roots must be a list of string paths");
            for (const auto& entry : roots) {
                if (!entry.IsScalar())
                    return R::failure(at(rc, entry) + ": lib_roots entries must be strings");
                const auto path = expandTokens(entry.Scalar(), effective, &tooLong);
                if (tooLong)
                    return growing(entry, "a lib_roots entry");
                auto resolved = resolvePath(path, rcDir, at(rc, entry));
                if (!resolved)
                    return R::failure(resolved.error());
                result.libRoots.push_back(resolved.value());
            }
        }
        if (const auto backend = root["backend_config"]; backend && !backend.IsNull()) {
            if (!backend.IsScalar())
                return R::failure(at(rc, backend) + ": backend_config must be a string path");
            const auto path = expandTokens(backend.Scalar(), effective, &tooLong);
            if (tooLong)
                return growing(backend, "backend_config");
            auto resolved = resolvePath(path, rcDir, at(rc, backend));
            if (!resolved)
                return R::failure(resolved.error());
            result.backendConfig = resolved.value();
        }
    } catch (const YAML::Exception& e) {
        return R::failure(rc + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    return result;
}

AsdlRc::Environment AsdlRc::merged(const Environment& environment) const {
    Environment result = environment;
    for (const auto& [key, value] : env)
        result.emplace(key, value);
    return result;
}

AsdlRc::Variables AsdlRc::effectiveEnv(const Environment& environment) const {
    Variables result;
    for (const auto& [key, value] : env) {
        const auto found = environment.find(key);
        result.emplace_back(key, found != environment.end() ? found->second : value);
    }
    return result;
}

std::vector<std::string> AsdlRc::searchRoots(const std::vector<std::string>& explicitRoots,
                                             const Environment& environment) const {
    std::vector<std::string> roots;
    for (const auto& root : explicitRoots)
        roots.push_back(file_path::absolute(expandUser(root)));
    roots.insert(roots.end(), libRoots.begin(), libRoots.end());
    const auto all = merged(environment);
    if (const auto found = all.find("ASDL_LIB_PATH"); found != all.end()) {
        for (const auto& entry : QString::fromStdString(found->second).split(':')) {
            const auto trimmed = entry.trimmed();
            if (!trimmed.isEmpty())
                roots.push_back(file_path::absolute(expandUser(trimmed.toStdString())));
        }
    }
    return roots;
}
