#include "core/crefs/probe_map.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QUtf8StringView>
#include <algorithm>
#include <yaml-cpp/yaml.h>

namespace {
// 1024 characters over the longest escape of a byte (\xNN, \uNNNN): 6.
constexpr size_t kLongestImplicitKey = 1024 / 6;
} // namespace

std::string ProbeMap::toJson() const {
    QJsonObject mapObject;
    for (const auto& [cref, vector] : map)
        mapObject.insert(QString::fromStdString(cref), QString::fromStdString(vector));
    QJsonObject aliasObject;
    for (const auto& [alias, target] : aliases)
        aliasObject.insert(QString::fromStdString(alias), QString::fromStdString(target));
    QJsonObject root{{"map", mapObject}, {"aliases", aliasObject}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

Result<ProbeMap> ProbeMap::fromJson(const std::string& text, const std::string& origin) {
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(QByteArray::fromStdString(text), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Report a line number: offsets mean nothing to a person editing the file.
        const auto upTo = text.substr(0, static_cast<size_t>(parseError.offset));
        const auto line = 1 + std::count(upTo.begin(), upTo.end(), '\n');
        return Result<ProbeMap>::failure(origin + ":" + std::to_string(line) + ": " +
                                         parseError.errorString().toStdString());
    }
    if (!document.isObject())
        return Result<ProbeMap>::failure(origin + ": expected a JSON object with \"map\"");
    ProbeMap probeMap;
    const auto root = document.object();
    for (const auto& key : root.keys()) {
        if (key != "map" && key != "aliases")
            return Result<ProbeMap>::failure(origin + ": unknown key \"" + key.toStdString() +
                                             "\" (expected \"map\" and \"aliases\")");
    }
    for (const char* section : {"map", "aliases"}) {
        const auto value = root.value(section);
        if (value.isUndefined())
            continue;
        if (!value.isObject())
            return Result<ProbeMap>::failure(origin + ": \"" + section + "\" must be an object");
        const auto object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!it.value().isString())
                return Result<ProbeMap>::failure(origin + ": " + section + "." +
                                                 it.key().toStdString() + " must be a string");
            auto& target = std::string(section) == "map" ? probeMap.map : probeMap.aliases;
            target[it.key().toStdString()] = it.value().toString().toStdString();
        }
    }
    return probeMap;
}

Result<ProbeMap> ProbeMap::loadJsonFile(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return Result<ProbeMap>::failure(path + ": " + file.errorString().toStdString());
    return fromJson(file.readAll().toStdString(), path);
}

std::string ProbeMap::toYaml() const {
    YAML::Emitter out;
    out << YAML::BeginMap;
    for (const auto& [section, entries] :
         {std::pair<const char*, const std::map<std::string, std::string>*>{"map", &map},
          {"aliases", &aliases}}) {
        out << YAML::Key << section << YAML::Value;
        if (entries->empty()) {
            out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            continue;
        }
        out << YAML::BeginMap;
        for (const auto& [key, value] : *entries) {
            // An implicit key may be at most 1024 characters long (escapes included):
            // yaml-cpp writes longer ones all the same, then refuses to read them back. Past
            // a length that escaping could take there, this map's keys are written `? key`.
            if (key.size() > kLongestImplicitKey)
                out << YAML::LongKey;
            out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

Result<ProbeMap> ProbeMap::fromYaml(const std::string& text, const std::string& origin) {
    using R = Result<ProbeMap>;
    auto at = [&](const YAML::Node& node) {
        return origin + ":" + std::to_string(node.Mark().line + 1);
    };
    try {
        const YAML::Node root = YAML::Load(text);
        if (root.IsNull())
            return ProbeMap{};
        if (!root.IsMap())
            return R::failure(at(root) + ": expected a mapping with \"map\" and \"aliases\"");
        ProbeMap probeMap;
        for (const auto& entry : root) {
            const auto key = entry.first.as<std::string>();
            if (key != "map" && key != "aliases")
                return R::failure(at(entry.first) + ": unknown key \"" + key +
                                  "\" (expected \"map\" and \"aliases\")");
            if (entry.second.IsNull())
                continue;
            if (!entry.second.IsMap())
                return R::failure(at(entry.second) + ": \"" + key + "\" must be a mapping");
            auto& target = key == "map" ? probeMap.map : probeMap.aliases;
            for (const auto& item : entry.second) {
                if (!item.second.IsScalar())
                    return R::failure(at(item.second) + ": " + key + "." +
                                      item.first.as<std::string>() + " must be a string");
                const auto name = item.first.as<std::string>();
                if (target.count(name))
                    return R::failure(at(item.first) + ": " + key + "." + name + " is given twice");
                const auto value = item.second.as<std::string>();
                // yaml-cpp decodes the escapes \N and \_ (and a NUL byte before N) to single
                // Latin-1 bytes: text that no JSON map, HDF5 attribute or Python reads back.
                if (!QUtf8StringView(name).isValidUtf8() || !QUtf8StringView(value).isValidUtf8())
                    return R::failure(at(item.first) + ": " + key +
                                      " entry is not valid UTF-8 text (the escapes \\N and "
                                      "\\_ are not supported)");
                target[name] = value;
            }
        }
        return probeMap;
    } catch (const YAML::Exception& error) {
        return R::failure(origin + ":" + std::to_string(error.mark.line + 1) + ": " + error.msg);
    }
}

Result<ProbeMap> ProbeMap::loadFile(const std::string& path) {
    using R = Result<ProbeMap>;
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(path + ": " + file.errorString().toStdString());
    const QByteArray bytes = file.readAll();
    // A file given as a probe map that says nothing is a mistake (a truncated save, the
    // wrong file), not an empty map; and crefs and vectors are text, never stray bytes.
    if (bytes.trimmed().isEmpty())
        return R::failure(path + ": the probe map file is empty");
    int line = 1;
    for (const auto& text : bytes.split('\n')) {
        if (!QUtf8StringView(text).isValidUtf8())
            return R::failure(path + ":" + std::to_string(line) + ": not valid UTF-8 text");
        ++line;
    }
    const auto suffix = QFileInfo(file).suffix().toLower();
    if (suffix != "yaml" && suffix != "yml")
        return loadJsonFile(path);
    return fromYaml(bytes.toStdString(), path);
}

Result<bool> ProbeMap::saveFile(const std::string& path) const {
    const auto suffix = QFileInfo(QString::fromStdString(path)).suffix().toLower();
    const std::string text = (suffix == "yaml" || suffix == "yml") ? toYaml() : toJson();
    QSaveFile file(QString::fromStdString(path)); // never a half-written map on failure
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(text.data(), static_cast<qint64>(text.size())) !=
            static_cast<qint64>(text.size()) ||
        !file.commit())
        return Result<bool>::failure(path + ": " + file.errorString().toStdString());
    return true;
}
