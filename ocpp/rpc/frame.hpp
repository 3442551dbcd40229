#pragma once
// OCPP-J framing: CALL [2,id,action,payload], CALLRESULT [3,id,payload], CALLERROR [4,id,code,description,details].
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <rapidjson/document.h>

#include "ocpp/rpc/errors.hpp"
#include "ocpp/text/json_text.hpp"

namespace ocpp::rpc {

using JsonWriter = ocpp::JsonWriter;

enum class MessageType { Call = 2, CallResult = 3, CallError = 4 };

constexpr std::size_t kMaxMessageIdLength = 36;

// The JSON document of one parsed frame. Its values start in a small buffer inside this object, so an ordinary
// message costs one allocation (RapidJSON's default pool takes a 64 KiB chunk for every document); larger messages
// continue in further chunks. Its parse stacks come from an allocator the parser passes in, which needs to live only
// while the text is parsed (the stacks are empty afterwards and the document is never parsed again).
class FrameDocument {
public:
    using Pool = rapidjson::MemoryPoolAllocator<>;
    using Doc = rapidjson::GenericDocument<rapidjson::UTF8<>, Pool, Pool>;
    explicit FrameDocument(Pool* parse_stacks)
        : pool_(buffer_, sizeof buffer_, kChunkBytes)
        , doc_(&pool_, kStackBytes, parse_stacks) {}
    FrameDocument(const FrameDocument&) = delete;
    FrameDocument& operator=(const FrameDocument&) = delete;
    Doc& get() { return doc_; }

    static constexpr std::size_t kStackBytes = 256; // initial value stack of the parser; it grows as needed

private:
    static constexpr std::size_t kChunkBytes = 8 * 1024;
    alignas(std::max_align_t) char buffer_[768];
    Pool pool_;
    Doc doc_;
};

// A parsed frame. It owns its document (which does not move with the frame); payload points into it.
struct Frame {
    MessageType type = MessageType::Call;
    std::string id;
    std::string action;            // CALL
    std::string error_code;        // CALLERROR, as received (may be a code this version does not know)
    std::string error_description; // CALLERROR
    std::unique_ptr<FrameDocument> doc;
    const rapidjson::Value* payload = nullptr; // CALL/CALLRESULT payload, CALLERROR details

    Frame() = default;
    Frame(Frame&&) = default;
    Frame& operator=(Frame&&) = default;
};

// Why a text is not a valid frame, and how to answer it.
struct FrameError {
    ErrorCode code = ErrorCode::FormationViolation;
    std::string message;
    // The message id of a broken CALL when it could be recovered: such a CALL gets a CALLERROR with this id.
    std::optional<std::string> call_id;
};

// Parses one WebSocket text message. On failure fills `error` and returns false.
bool parse_frame(std::string_view text, Frame& out, FrameError& error);

// Serialisers. The payload writers put exactly one JSON value (the payload object) into the writer.
template <class WritePayload, class = std::enable_if_t<std::is_invocable_v<WritePayload&, JsonWriter&>>>
std::string serialize_call(std::string_view id, std::string_view action, WritePayload&& write_payload) {
    JsonText text;
    JsonWriter& w = text.writer();
    w.StartArray();
    w.Int(2);
    w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
    w.String(action.data(), static_cast<rapidjson::SizeType>(action.size()));
    write_payload(w);
    w.EndArray();
    return text.str();
}

// Writes a CALLRESULT [3, id, payload] into w (for a text that is sent without being kept).
template <class WritePayload, class = std::enable_if_t<std::is_invocable_v<WritePayload&, JsonWriter&>>>
void write_result(JsonWriter& w, std::string_view id, WritePayload&& write_payload) {
    w.StartArray();
    w.Int(3);
    w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
    write_payload(w);
    w.EndArray();
}

template <class WritePayload, class = std::enable_if_t<std::is_invocable_v<WritePayload&, JsonWriter&>>>
std::string serialize_result(std::string_view id, WritePayload&& write_payload) {
    JsonText text;
    write_result(text.writer(), id, write_payload);
    return text.str();
}

std::string serialize_call(std::string_view id, std::string_view action, const rapidjson::Value& payload);
std::string serialize_result(std::string_view id, const rapidjson::Value& payload);
// details defaults to {} as OCPP-J requires an object there.
std::string serialize_error(std::string_view id, ErrorCode code, std::string_view description,
                            const rapidjson::Value* details = nullptr);

// Unique message ids for one connection: a random prefix (seven base-62 characters of a 64-bit draw) and a counter
// ("b7Qz01K-42").
class MessageIdGenerator {
public:
    MessageIdGenerator();
    explicit MessageIdGenerator(std::uint64_t prefix)
        : prefix_(prefix) {}
    std::string next();

private:
    static constexpr std::size_t kPrefixChars = 7;
    std::uint64_t prefix_;
    std::uint64_t counter_ = 0;
};

} // namespace ocpp::rpc
