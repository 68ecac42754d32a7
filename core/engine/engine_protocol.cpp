#include "core/engine/engine_protocol.h"

#include <QDataStream>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

namespace {

constexpr quint32 kMaxFrame = 1u << 30;

QByteArray framed(EngineProtocol::Kind kind, const QByteArray& payload) {
    QByteArray out;
    const quint32 length = static_cast<quint32>(payload.size() + 1);
    out.reserve(static_cast<qsizetype>(length) + 4);
    for (int i = 0; i < 4; ++i)
        out.append(static_cast<char>((length >> (8 * i)) & 0xff));
    out.append(static_cast<char>(kind));
    out.append(payload);
    return out;
}

QString q(const std::string& text) {
    return QString::fromStdString(text);
}

std::string s(const QJsonValue& value) {
    return value.toString().toStdString();
}

void writeStrings(QDataStream& out, const std::shared_ptr<const std::vector<std::string>>& list) {
    const auto n = static_cast<quint32>(list ? list->size() : 0);
    out << n;
    for (quint32 i = 0; i < n; ++i)
        out << QByteArray::fromStdString((*list)[i]);
}

std::vector<std::string> readStrings(QDataStream& in) {
    quint32 n = 0;
    in >> n;
    std::vector<std::string> list;
    for (quint32 i = 0; i < n && in.status() == QDataStream::Ok; ++i) {
        QByteArray text;
        in >> text;
        list.push_back(text.toStdString());
    }
    return list;
}

void writeDoubles(QDataStream& out, const std::vector<double>& values) {
    out << static_cast<quint64>(values.size());
    out.writeRawData(reinterpret_cast<const char*>(values.data()),
                     static_cast<int>(values.size() * sizeof(double)));
}

bool readDoubles(QDataStream& in, std::vector<double>& values) {
    quint64 n = 0;
    in >> n;
    if (n > kMaxFrame / sizeof(double))
        return false;
    values.resize(n);
    return in.readRawData(reinterpret_cast<char*>(values.data()),
                          static_cast<int>(n * sizeof(double))) == static_cast<int>(n * 8);
}

void putU32(QByteArray& out, quint32 value) {
    for (int i = 0; i < 4; ++i)
        out.append(static_cast<char>((value >> (8 * i)) & 0xff));
}

quint32 u32At(const char* at) {
    const auto* b = reinterpret_cast<const unsigned char*>(at);
    return b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<quint32>(b[3]) << 24);
}

// Pairs of byte strings (a probe map's entries, the units of vectors) as one text:
// [u32 count]([u32 length][bytes][u32 length][bytes])...
void putPairs(QByteArray& out, const std::map<std::string, std::string>& pairs) {
    putU32(out, static_cast<quint32>(pairs.size()));
    for (const auto& [key, value] : pairs)
        for (const std::string* text : {&key, &value}) {
            putU32(out, static_cast<quint32>(text->size()));
            out.append(text->data(), static_cast<qsizetype>(text->size()));
        }
}

// Reads what putPairs wrote from `text` at `at`; false when it is cut short.
bool takePairs(const std::string& text, size_t& at, std::map<std::string, std::string>& pairs) {
    auto take = [&](std::string& into) {
        if (text.size() - at < 4)
            return false;
        const quint32 length = u32At(text.data() + at);
        at += 4;
        if (text.size() - at < length)
            return false;
        into.assign(text, at, length);
        at += length;
        return true;
    };
    if (text.size() - at < 4)
        return false;
    quint32 count = u32At(text.data() + at);
    at += 4;
    for (; count > 0; --count) {
        std::string key, value;
        if (!take(key) || !take(value))
            return false;
        pairs.emplace_hint(pairs.end(), std::move(key), std::move(value));
    }
    return true;
}

std::shared_ptr<const std::vector<std::string>>
shared(std::vector<std::string> list,
       const std::shared_ptr<const std::vector<std::string>>& prior) {
    if (prior && *prior == list)
        return prior;
    return std::make_shared<const std::vector<std::string>>(std::move(list));
}

} // namespace

std::optional<Result<EngineProtocol::Frame>> EngineProtocol::Reader::next() {
    using R = Result<Frame>;
    const qsizetype available = m_buffer.size() - m_offset;
    if (available < 5)
        return std::nullopt;
    const char* start = m_buffer.constData() + m_offset;
    const quint32 length = u32At(start);
    if (length == 0 || length > kMaxFrame)
        return R::failure("engine protocol: a frame of " + std::to_string(length) + " bytes");
    if (available < static_cast<qsizetype>(length) + 4)
        return std::nullopt;
    Frame frame;
    const auto kind = static_cast<unsigned char>(start[4]);
    frame.kind = static_cast<Kind>(kind);
    if (frame.kind != Kind::Message && frame.kind != Kind::Block &&
        frame.kind != Kind::MessageWithTexts)
        return R::failure("engine protocol: unknown frame kind " + std::to_string(kind));
    const char* payload = start + 5;
    const quint32 size = length - 1;
    if (frame.kind == Kind::MessageWithTexts) {
        // The texts go straight from the buffer into their strings: no payload copy.
        const char* end = payload + size;
        auto cut = [] { return R::failure("engine protocol: a message whose texts are cut"); };
        if (size < 4 || u32At(payload) > size - 4)
            return cut();
        const quint32 jsonLength = u32At(payload);
        frame.payload = QByteArray(payload + 4, jsonLength);
        const char* at = payload + 4 + jsonLength;
        if (end - at < 4)
            return cut();
        quint32 count = u32At(at);
        at += 4;
        if (count > size / 4)
            return cut();
        frame.texts.reserve(count);
        for (; count > 0; --count) {
            if (end - at < 4 || u32At(at) > static_cast<quint32>(end - at - 4))
                return cut();
            const quint32 textLength = u32At(at);
            frame.texts.emplace_back(at + 4, textLength);
            at += 4 + textLength;
        }
    } else {
        frame.payload = QByteArray(payload, size);
    }
    m_offset += static_cast<qsizetype>(length) + 4;
    if (m_offset == m_buffer.size()) {
        m_buffer.clear(); // all read: a request's megabytes are not kept for the next one
        m_offset = 0;
    } else if (m_offset > (1 << 20) && m_offset * 2 > m_buffer.size()) {
        m_buffer.remove(0, m_offset); // keep the buffer from growing with the stream
        m_offset = 0;
    }
    return R(std::move(frame));
}

QByteArray EngineProtocol::frame(const QJsonObject& message) {
    return framed(Kind::Message, QJsonDocument(message).toJson(QJsonDocument::Compact));
}

QByteArray EngineProtocol::frame(const SampleBlock& block, const std::string& runId) {
    QByteArray payload;
    QDataStream out(&payload, QIODevice::WriteOnly);
    out << QByteArray::fromStdString(runId);
    writeStrings(out, block.crefs);
    writeStrings(out, block.vectors);
    writeStrings(out, block.units);
    out << QByteArray::fromStdString(block.coordinate)
        << QByteArray::fromStdString(block.coordinateUnit) << qint64(block.firstRow)
        << qint64(block.step) << QByteArray::fromStdString(block.stepSource) << block.stepValue;
    writeDoubles(out, block.coordinateValues);
    out << static_cast<quint32>(block.columns.size());
    for (const auto& column : block.columns)
        writeDoubles(out, column);
    out << static_cast<quint32>(block.imag.size());
    for (const auto& column : block.imag)
        writeDoubles(out, column);
    return framed(Kind::Block, payload);
}

Result<SampleBlockPtr> EngineProtocol::decodeBlock(const QByteArray& payload, std::string& runId,
                                                   const SampleBlock* previous) {
    using R = Result<SampleBlockPtr>;
    QDataStream in(payload);
    auto block = std::make_shared<SampleBlock>();
    QByteArray id, coordinate, unit, stepSource;
    in >> id;
    runId = id.toStdString();
    block->crefs = shared(readStrings(in), previous ? previous->crefs : nullptr);
    block->vectors = shared(readStrings(in), previous ? previous->vectors : nullptr);
    block->units = shared(readStrings(in), previous ? previous->units : nullptr);
    qint64 firstRow = 0, step = -1;
    in >> coordinate >> unit >> firstRow >> step >> stepSource >> block->stepValue;
    block->coordinate = coordinate.toStdString();
    block->coordinateUnit = unit.toStdString();
    block->firstRow = firstRow;
    block->step = step;
    block->stepSource = stepSource.toStdString();
    bool ok = readDoubles(in, block->coordinateValues);
    quint32 columns = 0;
    in >> columns;
    if (columns > kMaxFrame / 8)
        return R::failure("engine protocol: a block of " + std::to_string(columns) + " columns");
    block->columns.resize(columns);
    for (auto& column : block->columns)
        ok = ok && readDoubles(in, column);
    quint32 imaginary = 0;
    in >> imaginary;
    if (imaginary > columns)
        return R::failure("engine protocol: more imaginary columns than columns");
    block->imag.resize(imaginary);
    for (auto& column : block->imag)
        ok = ok && readDoubles(in, column);
    if (!ok || in.status() != QDataStream::Ok)
        return R::failure("engine protocol: a truncated sample block");
    return R(SampleBlockPtr(std::move(block)));
}

QByteArray EngineProtocol::runFrame(const RunRequest& r, bool blocks, Shared* sent) {
    QJsonObject o{{"netlistPath", q(r.netlistPath)},
                  {"baseDir", q(r.baseDir)},
                  {"storePath", q(r.storePath)},
                  {"runId", q(r.runId)},
                  {"paramsYaml", q(r.paramsYaml)},
                  {"job", q(r.job)},
                  {"analysis", q(r.analysis)},
                  {"corner", q(r.corner)},
                  {"sweep", q(r.sweep)},
                  {"sweepIndex", double(r.sweepIndex)},
                  {"seed", double(r.seed)}};
    if (r.tran)
        o["tran"] = QJsonArray{q(r.tran->step), q(r.tran->stop)};
    if (!r.probes.empty()) {
        QJsonArray probes;
        for (const auto& cref : r.probes)
            probes.append(q(cref));
        o["probes"] = probes;
    }
    if (!r.environment.empty()) {
        QJsonArray environment;
        for (const auto& [name, value] : r.environment)
            environment.append(QJsonArray{q(name), q(value)});
        o["environment"] = environment;
    }
    // The texts and their names, in the order they follow the JSON; the pairs' encodings
    // are owned here, the other texts are the request's.
    QJsonArray names;
    std::vector<std::pair<const char*, size_t>> texts;
    std::vector<QByteArray> encoded;
    encoded.reserve(2);
    auto attach = [&](const char* name, const char* data, size_t size) {
        names.append(name);
        texts.emplace_back(data, size);
    };
    auto attachPairs = [&](const char* name,
                           std::initializer_list<const std::map<std::string, std::string>*> lists) {
        QByteArray& pairs = encoded.emplace_back();
        for (const auto* list : lists)
            putPairs(pairs, *list);
        attach(name, pairs.constData(), static_cast<size_t>(pairs.size()));
    };
    attach("netlistText", r.netlistText.data(), r.netlistText.size());
    if (sent && sent->treeJson == r.treeJson) {
        o["treeJsonAsBefore"] = true;
    } else {
        attach("treeJson", r.treeJson.data(), r.treeJson.size());
        if (sent)
            sent->treeJson = r.treeJson;
    }
    // The probe map crosses as its entries (namesOnly stays behind, as it did when the map
    // crossed as probe_map.json).
    if (sent && sent->probeMap == r.probeMap) {
        o["probeMapAsBefore"] = true;
    } else {
        attachPairs("probeMap", {&r.probeMap.map, &r.probeMap.aliases});
        if (sent)
            sent->probeMap = r.probeMap;
    }
    if (r.units) {
        if (sent && sent->units && (sent->units == r.units || *sent->units == *r.units)) {
            o["unitsAsBefore"] = true;
        } else {
            attachPairs("units", {&r.units->treeUnits()});
            if (sent)
                sent->units = r.units;
        }
    }
    o["texts"] = names;
    const QByteArray json =
        QJsonDocument(QJsonObject{{"op", "run"}, {"blocks", blocks}, {"request", o}})
            .toJson(QJsonDocument::Compact);
    size_t length = 1 + 4 + static_cast<size_t>(json.size()) + 4;
    for (const auto& text : texts)
        length += 4 + text.second;
    // Written in place: a frame of megabytes is built once, not copied into its header.
    QByteArray out;
    out.reserve(static_cast<qsizetype>(length) + 4);
    putU32(out, static_cast<quint32>(length));
    out.append(static_cast<char>(Kind::MessageWithTexts));
    putU32(out, static_cast<quint32>(json.size()));
    out.append(json);
    putU32(out, static_cast<quint32>(texts.size()));
    for (const auto& [data, size] : texts) {
        putU32(out, static_cast<quint32>(size));
        out.append(data, static_cast<qsizetype>(size));
    }
    return out;
}

RunRequest EngineProtocol::decodeRequest(const QJsonObject& message, std::vector<std::string> texts,
                                         Shared* received) {
    const QJsonObject o = message["request"].toObject();
    std::map<std::string, std::string*> fields;
    RunRequest r;
    std::string probeMap, units;
    fields["netlistText"] = &r.netlistText;
    fields["treeJson"] = &r.treeJson;
    fields["probeMap"] = &probeMap;
    fields["units"] = &units;
    std::set<std::string> given;
    const QJsonArray names = o["texts"].toArray();
    for (qsizetype i = 0; i < names.size() && i < static_cast<qsizetype>(texts.size()); ++i) {
        const std::string name = s(names[i]);
        if (auto field = fields.find(name); field != fields.end()) {
            *field->second = std::move(texts[static_cast<size_t>(i)]);
            given.insert(name);
        }
    }
    r.netlistPath = s(o["netlistPath"]);
    r.baseDir = s(o["baseDir"]);
    for (const auto& pair : o["environment"].toArray())
        r.environment.emplace_back(s(pair.toArray().at(0)), s(pair.toArray().at(1)));
    if (received && o["probeMapAsBefore"].toBool()) {
        r.probeMap = received->probeMap;
    } else if (given.count("probeMap")) {
        size_t at = 0;
        ProbeMap map;
        if (takePairs(probeMap, at, map.map) && takePairs(probeMap, at, map.aliases))
            r.probeMap = std::move(map);
        if (received)
            received->probeMap = r.probeMap;
    }
    if (received && o["unitsAsBefore"].toBool()) {
        r.units = received->units;
    } else if (given.count("units")) {
        size_t at = 0;
        std::map<std::string, std::string> pairs;
        if (takePairs(units, at, pairs))
            r.units =
                std::make_shared<const VectorUnits>(VectorUnits::fromTreeUnits(std::move(pairs)));
        if (received)
            received->units = r.units;
    }
    r.storePath = s(o["storePath"]);
    r.runId = s(o["runId"]);
    r.paramsYaml = s(o["paramsYaml"]);
    if (received && o["treeJsonAsBefore"].toBool()) {
        r.treeJson = received->treeJson;
    } else if (received) {
        received->treeJson = r.treeJson;
    }
    r.job = s(o["job"]);
    r.analysis = s(o["analysis"]);
    r.corner = s(o["corner"]);
    r.sweep = s(o["sweep"]);
    r.sweepIndex = static_cast<long long>(o["sweepIndex"].toDouble(-1));
    r.seed = static_cast<long long>(o["seed"].toDouble(-1));
    for (const auto& cref : o["probes"].toArray())
        r.probes.push_back(cref.toString().toStdString());
    const QJsonArray tran = o["tran"].toArray();
    if (tran.size() == 2)
        r.tran = TranSpec{s(tran[0]), s(tran[1])};
    return r;
}

QJsonArray EngineProtocol::encode(const std::vector<MeasureResults::Measurement>& measurements) {
    QJsonArray array;
    for (const auto& m : measurements) {
        QJsonArray extras;
        for (const auto& [name, value] : m.extras)
            extras.append(
                QJsonArray{q(name), std::isfinite(value) ? QJsonValue(value) : QJsonValue()});
        // JSON has no NaN: a failed measure's value travels as null.
        array.append(
            QJsonObject{{"name", q(m.name)},
                        {"analysis", q(m.analysis)},
                        {"value", std::isfinite(m.value) ? QJsonValue(m.value) : QJsonValue()},
                        {"message", q(m.message)},
                        {"extras", extras}});
    }
    return array;
}

std::vector<MeasureResults::Measurement>
EngineProtocol::decodeMeasurements(const QJsonArray& array) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<MeasureResults::Measurement> measurements;
    for (const auto& item : array) {
        const QJsonObject o = item.toObject();
        MeasureResults::Measurement m;
        m.name = s(o["name"]);
        m.analysis = s(o["analysis"]);
        m.value = o["value"].isDouble() ? o["value"].toDouble() : nan;
        m.message = s(o["message"]);
        for (const auto& extra : o["extras"].toArray()) {
            const QJsonArray pair = extra.toArray();
            m.extras.emplace_back(s(pair[0]), pair[1].isDouble() ? pair[1].toDouble() : nan);
        }
        measurements.push_back(std::move(m));
    }
    return measurements;
}
