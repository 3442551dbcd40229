#include "ocpp/rpc/frame.hpp"

#include <cstring>
#include <initializer_list>
#include <random>
#include <sys/random.h>
#include <sys/types.h>

namespace ocpp::rpc {
namespace {

bool fail(FrameError& e, ErrorCode code, std::string message, std::optional<std::string> id = std::nullopt) {
    e.code = code;
    e.message = std::move(message);
    e.call_id = std::move(id);
    return false;
}

void skip_ws(std::string_view s, std::size_t& i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
        ++i;
    }
}

// Finds the id of something that starts like a CALL ("[2, \"id\"") or a message of an unknown type ("[9, \"id\"") in
// text that is not valid JSON, so that the sender can still get a CALLERROR it can match. Answers (types 3 and 4) are
// never answered.
std::optional<std::string> recover_call_id(std::string_view s) {
    std::size_t i = 0;
    skip_ws(s, i);
    if (i >= s.size() || s[i++] != '[') {
        return std::nullopt;
    }
    skip_ws(s, i);
    const std::size_t digits = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        ++i;
    }
    const std::string_view type = s.substr(digits, i - digits);
    if (type.empty() || type == "3" || type == "4") {
        return std::nullopt;
    }
    for (char expected : {',', '"'}) {
        skip_ws(s, i);
        if (i >= s.size() || s[i++] != expected) {
            return std::nullopt;
        }
    }
    std::string id;
    while (i < s.size() && s[i] != '"' && s[i] != '\\' && id.size() <= kMaxMessageIdLength) {
        if (static_cast<unsigned char>(s[i]) < 0x20) {
            return std::nullopt;
        }
        id.push_back(s[i++]);
    }
    if (i >= s.size() || s[i] != '"' || id.empty() || id.size() > kMaxMessageIdLength) {
        return std::nullopt;
    }
    return id;
}

std::string type_word(const rapidjson::Value& v) {
    if (v.IsString()) {
        return "a string";
    }
    if (v.IsNumber()) {
        return "a number";
    }
    if (v.IsObject()) {
        return "an object";
    }
    if (v.IsArray()) {
        return "an array";
    }
    return v.IsNull() ? "null" : "a boolean";
}

} // namespace

bool parse_frame(std::string_view text, Frame& out, FrameError& error) {
    // Iterative parsing: deeply nested input cannot exhaust the stack.
    out.payload = nullptr;
    // The parse stacks (the reader's and the document's) come from this buffer instead of two heap blocks per frame;
    // deeply nested or very large frames continue in heap chunks that the pool frees on return.
    alignas(std::max_align_t) char stacks_buffer[1024];
    FrameDocument::Pool stacks(stacks_buffer, sizeof stacks_buffer, 8 * 1024);
    out.doc = std::make_unique<FrameDocument>(&stacks);
    auto& doc = out.doc->get();
    // Parsed in place, from a copy of the text in the document's own memory: strings then point into the copy instead
    // of being copied out of the text a character at a time. A NUL ends the text here as it did for the parser.
    char* copy = static_cast<char*>(doc.GetAllocator().Malloc(text.size() + 1));
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    doc.ParseInsitu<rapidjson::kParseIterativeFlag>(copy);
    if (doc.HasParseError()) {
        return fail(error, ErrorCode::FormationViolation,
                    "message is not valid JSON (error at byte " + std::to_string(doc.GetErrorOffset()) + ")",
                    recover_call_id(text));
    }
    const auto& a = doc;
    if (!a.IsArray()) {
        return fail(error, ErrorCode::FormationViolation, "message is " + type_word(a) + ", not an OCPP-J array");
    }
    if (a.Empty() || !a[0].IsInt()) {
        return fail(error, ErrorCode::FormationViolation, "the first element must be the message type 2, 3 or 4");
    }
    const int type = a[0].GetInt();
    if (type < 2 || type > 4) {
        // OCPP-J 1.6 has no MessageTypeNotSupported (2.0.1 added it): the frame does not have the structure of the
        // RPC framework, a FormationViolation. It is answered when its id can be read, as a CALL would be.
        std::optional<std::string> id;
        if (a.Size() >= 2 && a[1].IsString() && a[1].GetStringLength() > 0 &&
            a[1].GetStringLength() <= kMaxMessageIdLength) {
            id.emplace(a[1].GetString(), a[1].GetStringLength());
        }
        return fail(error, ErrorCode::FormationViolation,
                    "unknown message type " + std::to_string(type) +
                        "; OCPP-J 1.6 knows 2 (CALL), 3 (CALLRESULT) and 4 (CALLERROR)",
                    std::move(id));
    }
    if (a.Size() < 2 || !a[1].IsString()) {
        return fail(error, ErrorCode::FormationViolation, "the second element must be the message id (a string)");
    }
    const std::string_view id(a[1].GetString(), a[1].GetStringLength());
    // The id a CALLERROR about a broken CALL answers to (copied only when there is such an error).
    auto call_id = [&]() -> std::optional<std::string> {
        return type == 2 && !id.empty() ? std::optional<std::string>(id) : std::nullopt;
    };
    if (id.empty() || id.size() > kMaxMessageIdLength) {
        return fail(error, ErrorCode::FormationViolation,
                    "the message id must be 1 to 36 characters long, it has " + std::to_string(id.size()), call_id());
    }
    out.type = static_cast<MessageType>(type);
    out.id.assign(id.data(), id.size());
    switch (out.type) {
    case MessageType::Call:
        if (a.Size() != 4) {
            return fail(error, ErrorCode::FormationViolation,
                        "a CALL has 4 elements [2, id, action, payload], this one has " + std::to_string(a.Size()),
                        call_id());
        }
        if (!a[2].IsString() || a[2].GetStringLength() == 0) {
            return fail(error, ErrorCode::FormationViolation, "the action of a CALL must be a non-empty string",
                        call_id());
        }
        if (!a[3].IsObject()) {
            return fail(error, ErrorCode::FormationViolation,
                        "the payload of a CALL must be an object, not " + type_word(a[3]), call_id());
        }
        out.action.assign(a[2].GetString(), a[2].GetStringLength());
        out.payload = &a[3];
        return true;
    case MessageType::CallResult:
        if (a.Size() != 3) {
            return fail(error, ErrorCode::FormationViolation,
                        "a CALLRESULT has 3 elements [3, id, payload], this one has " + std::to_string(a.Size()));
        }
        if (!a[2].IsObject()) {
            return fail(error, ErrorCode::FormationViolation,
                        "the payload of a CALLRESULT must be an object, not " + type_word(a[2]));
        }
        out.payload = &a[2];
        return true;
    case MessageType::CallError:
        if (a.Size() != 5) {
            return fail(error, ErrorCode::FormationViolation,
                        "a CALLERROR has 5 elements [4, id, code, description, details], this one has " +
                            std::to_string(a.Size()));
        }
        if (!a[2].IsString() || !a[3].IsString() || !a[4].IsObject()) {
            return fail(error, ErrorCode::FormationViolation,
                        "a CALLERROR needs a string code, a string description and an object of details");
        }
        out.error_code.assign(a[2].GetString(), a[2].GetStringLength());
        out.error_description.assign(a[3].GetString(), a[3].GetStringLength());
        out.payload = &a[4];
        return true;
    }
    return false;
}

std::string serialize_call(std::string_view id, std::string_view action, const rapidjson::Value& payload) {
    return serialize_call(id, action, [&](JsonWriter& w) { payload.Accept(w); });
}

std::string serialize_result(std::string_view id, const rapidjson::Value& payload) {
    return serialize_result(id, [&](JsonWriter& w) { payload.Accept(w); });
}

std::string serialize_error(std::string_view id, ErrorCode code, std::string_view description,
                            const rapidjson::Value* details) {
    JsonText text;
    JsonWriter& w = text.writer();
    w.StartArray();
    w.Int(4);
    w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
    const auto c = to_string(code);
    w.String(c.data(), static_cast<rapidjson::SizeType>(c.size()));
    w.String(description.data(), static_cast<rapidjson::SizeType>(description.size()));
    if (details && details->IsObject()) {
        details->Accept(w);
    } else {
        w.StartObject();
        w.EndObject();
    }
    w.EndArray();
    return text.str();
}

MessageIdGenerator::MessageIdGenerator() {
    // One getrandom() call: std::random_device opens and closes a device file per construction, and every
    // connection's peer makes one of these (it was 3-5 % of the central system's CPU in a connection storm).
    if (::getrandom(&prefix_, sizeof prefix_, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof prefix_)) {
        std::random_device rd;
        prefix_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    }
}

std::string MessageIdGenerator::next() {
    // Seven base-62 characters of the prefix (about 41 bits: a peer's ids differ from its earlier connections'), a
    // dash and the counter in decimal: up to 15 characters for a connection's first ten million calls, which
    // std::string keeps inline (no allocation per call) and which is shorter on the wire both ways.
    static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    char text[kPrefixChars + 1 + 20];
    std::uint64_t p = prefix_;
    for (std::size_t i = 0; i < kPrefixChars; ++i) {
        text[kPrefixChars - 1 - i] = kDigits[p % 62];
        p /= 62;
    }
    text[kPrefixChars] = '-';
    char digits[20];
    std::size_t n = 0;
    for (std::uint64_t c = ++counter_; c != 0 || n == 0; c /= 10) {
        digits[n++] = static_cast<char>('0' + c % 10);
    }
    for (std::size_t i = 0; i < n; ++i) {
        text[kPrefixChars + 1 + i] = digits[n - 1 - i];
    }
    return std::string(text, kPrefixChars + 1 + n);
}

} // namespace ocpp::rpc
