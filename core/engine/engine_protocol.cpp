#include "core/engine/engine_protocol.h"

#include <QDataStream>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>
#include <cstring>
#include <limits>

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
    const auto* bytes = reinterpret_cast<const unsigned char*>(m_buffer.constData() + m_offset);
    const quint32 length =
        bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (static_cast<quint32>(bytes[3]) << 24);
    if (length == 0 || length > kMaxFrame)
        return R::failure("engine protocol: a frame of " + std::to_string(length) + " bytes");
    if (available < static_cast<qsizetype>(length) + 4)
        return std::nullopt;
    Frame frame;
    frame.kind = static_cast<Kind>(bytes[4]);
    if (frame.kind != Kind::Message && frame.kind != Kind::Block)
        return R::failure("engine protocol: unknown frame kind " + std::to_string(bytes[4]));
    frame.payload = m_buffer.mid(m_offset + 5, static_cast<qsizetype>(length) - 1);
    m_offset += static_cast<qsizetype>(length) + 4;
    if (m_offset > (1 << 20) && m_offset * 2 > m_buffer.size()) {
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

QJsonObject EngineProtocol::encode(const RunRequest& r, Shared* sent) {
    const std::string probeMap = r.probeMap.toJson();
    QJsonObject o{{"netlistPath", q(r.netlistPath)},
                  {"netlistText", q(r.netlistText)},
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
    if (sent && sent->treeJson == r.treeJson) {
        o["treeJsonAsBefore"] = true;
    } else {
        o["treeJson"] = q(r.treeJson);
        if (sent)
            sent->treeJson = r.treeJson;
    }
    if (sent && sent->probeMapJson == probeMap) {
        o["probeMapAsBefore"] = true;
    } else {
        o["probeMap"] = q(probeMap);
        if (sent)
            sent->probeMapJson = probeMap;
    }
    return o;
}

RunRequest EngineProtocol::decodeRequest(const QJsonObject& o, Shared* received) {
    RunRequest r;
    r.netlistPath = s(o["netlistPath"]);
    r.netlistText = s(o["netlistText"]);
    r.baseDir = s(o["baseDir"]);
    if (received && o["probeMapAsBefore"].toBool()) {
        r.probeMap = received->probeMap;
    } else {
        const std::string json = s(o["probeMap"]);
        if (auto map = ProbeMap::fromJson(json, "the front end's probe map"))
            r.probeMap = map.value();
        if (received) {
            received->probeMapJson = json;
            received->probeMap = r.probeMap;
        }
    }
    r.storePath = s(o["storePath"]);
    r.runId = s(o["runId"]);
    r.paramsYaml = s(o["paramsYaml"]);
    if (received && o["treeJsonAsBefore"].toBool()) {
        r.treeJson = received->treeJson;
    } else {
        r.treeJson = s(o["treeJson"]);
        if (received)
            received->treeJson = r.treeJson;
    }
    r.job = s(o["job"]);
    r.analysis = s(o["analysis"]);
    r.corner = s(o["corner"]);
    r.sweep = s(o["sweep"]);
    r.sweepIndex = static_cast<long long>(o["sweepIndex"].toDouble(-1));
    r.seed = static_cast<long long>(o["seed"].toDouble(-1));
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
