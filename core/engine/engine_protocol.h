#pragma once

#include "core/base/result.h"
#include "core/engine/run_request.h"
#include "core/engine/sample_block.h"
#include "core/netlist/measure_results.h"

#include <QByteArray>
#include <QJsonObject>
#include <optional>
#include <vector>

// What a front end and wavebench-engine say to each other over the engine's stdin and
// stdout: frames of [u32 length, little-endian][u8 kind][payload]. A Message is a JSON
// object ({"op": ...} to the engine, {"ev": ...} from it); a Block is one SampleBlock of a
// run, binary (doubles as they are in memory), so that live plots cost no text conversion.
//
// Pure logic; Thread: any (a Reader is used by one thread at a time).
class EngineProtocol {
public:
    enum class Kind : unsigned char { Message = 1, Block = 2 };
    struct Frame {
        Kind kind = Kind::Message;
        QByteArray payload;
    };

    // Splits a byte stream into frames, however it arrives.
    class Reader {
    public:
        void feed(const QByteArray& bytes) { m_buffer.append(bytes); }
        // The next whole frame; an error when the stream is not this protocol.
        std::optional<Result<Frame>> next();

    private:
        QByteArray m_buffer;
        qsizetype m_offset = 0;
    };

    static QByteArray frame(const QJsonObject& message);
    static QByteArray frame(const SampleBlock& block, const std::string& runId);

    // The large fields of a request that the far side holds already: a job's points share
    // one tree.json (166 KB for the GF180 OTA) and probe map, which cost the engine 22 M
    // instructions a point to parse from the pipe. Each side keeps one per engine process;
    // a new engine process starts with an empty one.
    struct Shared {
        std::string treeJson;
        std::string probeMapJson;
        ProbeMap probeMap; // decoded, on the engine's side
    };
    // With `sent`, a field equal to what it holds is sent as "the same as before" (and
    // `sent` takes what is sent); `received` must then be the far side's.
    static QJsonObject encode(const RunRequest& request, Shared* sent = nullptr);
    static RunRequest decodeRequest(const QJsonObject& object, Shared* received = nullptr);
    // `previous` lends its shared column lists when they are the same, as in-process blocks
    // of one run share them.
    static Result<SampleBlockPtr> decodeBlock(const QByteArray& payload, std::string& runId,
                                              const SampleBlock* previous);
    static QJsonArray encode(const std::vector<MeasureResults::Measurement>& measurements);
    static std::vector<MeasureResults::Measurement> decodeMeasurements(const QJsonArray& array);
};
