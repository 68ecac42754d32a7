#pragma once

#include "core/base/result.h"
#include "core/design/vector_units.h"
#include "core/engine/run_request.h"
#include "core/engine/sample_block.h"
#include "core/netlist/measure_results.h"

#include <QByteArray>
#include <QJsonObject>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// What a front end and wavebench-engine say to each other over the engine's stdin and
// stdout: frames of [u32 length, little-endian][u8 kind][payload]. A Message is a JSON
// object ({"op": ...} to the engine, {"ev": ...} from it); a Block is one SampleBlock of a
// run, binary (doubles as they are in memory), so that live plots cost no text conversion.
// A Message with texts is a Message and byte strings carried raw after it
// ([u32 JSON length][JSON][u32 count]([u32 length][bytes])...): a run request's tree.json
// (2.7 MB for a 1000-section RC ladder) crosses without JSON escaping, UTF-16 conversion or
// parsing, which cost 460 M instructions (50 ms) a run as a JSON string.
//
// Pure logic; Thread: any (a Reader is used by one thread at a time).
class EngineProtocol {
public:
    enum class Kind : unsigned char { Message = 1, Block = 2, MessageWithTexts = 3 };
    struct Frame {
        Kind kind = Kind::Message;
        QByteArray payload;             // a Message's JSON (both message kinds), a Block's bytes
        std::vector<std::string> texts; // MessageWithTexts: the texts, in order
    };

    // Splits a byte stream into frames, however it arrives.
    class Reader {
    public:
        void feed(const QByteArray& bytes) { m_buffer.append(bytes); }
        void feed(const char* bytes, qsizetype size) { m_buffer.append(bytes, size); }
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
        ProbeMap probeMap;
        std::shared_ptr<const VectorUnits> units;
    };
    // The frame of {"op": "run", "blocks": blocks, "request": {...}}: the request's small
    // fields in the JSON, its netlist text, tree.json, probe map and the design's units as
    // texts. With `sent`, a tree, probe map or units equal to what it holds are sent as
    // "the same as before" (and `sent` takes what is sent); the far side's `received` must
    // then be the one that decoded the frames before.
    static QByteArray runFrame(const RunRequest& request, bool blocks, Shared* sent = nullptr);
    // The request of a "run" message and the texts of its frame (moved into the request).
    static RunRequest decodeRequest(const QJsonObject& message, std::vector<std::string> texts,
                                    Shared* received = nullptr);
    // `previous` lends its shared column lists when they are the same, as in-process blocks
    // of one run share them.
    static Result<SampleBlockPtr> decodeBlock(const QByteArray& payload, std::string& runId,
                                              const SampleBlock* previous);
    static QJsonArray encode(const std::vector<MeasureResults::Measurement>& measurements);
    static std::vector<MeasureResults::Measurement> decodeMeasurements(const QJsonArray& array);
};
