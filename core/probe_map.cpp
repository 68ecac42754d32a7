#include "probe_map.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

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
