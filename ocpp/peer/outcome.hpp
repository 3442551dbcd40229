#pragma once
// What a CALL we sent came to, and how a handler answers a CALL it received.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/rpc/errors.hpp"
#include "ocpp/rpc/frame.hpp"
#include "ocpp/util/clock.hpp"
#include "ocpp/v16/codec.hpp"
#include "ocpp/validation/schema.hpp"

namespace ocpp {

class Peer;

enum class CallStatus {
    Ok,              // a CALLRESULT arrived (and validated, in strict mode)
    CallError,       // the peer answered with a CALLERROR
    Timeout,         // no answer within the call timeout
    Closed,          // the connection closed before an answer
    QueueFull,       // too many calls already waiting; nothing was sent
    InvalidRequest,  // our own payload broke its schema; nothing was sent
    InvalidResponse, // the answer broke its schema (strict) or does not convert
};

const char* to_string(CallStatus status);

struct RawOutcome {
    CallStatus status = CallStatus::Ok;
    const rapidjson::Value* payload = nullptr; // the CALLRESULT payload, valid during the callback
    std::string error_code;                    // CALLERROR code as received
    std::string error_description;             // CALLERROR description, or what went wrong
    std::vector<validation::Finding> findings; // schema deviations of the request or the answer
    Clock::Duration latency{};
};

template <class Conf> struct CallOutcome {
    CallStatus status = CallStatus::Ok;
    std::optional<Conf> conf; // set when status is Ok
    std::string error_code;
    std::string error_description;
    std::vector<validation::Finding> findings;
    Clock::Duration latency{};
    bool ok() const { return status == CallStatus::Ok; }
};

// The one function that maps a schema or conversion rule to the CALLERROR code OCPP-J 1.6 defines for it.
rpc::ErrorCode error_code_for(const std::string& rule, const std::string& pointer);
// "/idTag: is 25 characters long, at most 20 allowed"-style text for a CALLERROR description.
std::string describe(const std::vector<validation::Finding>& findings);

// Answers one received CALL, exactly once. Copies share the answer; if every copy is dropped without an answer,
// an InternalError CALLERROR goes out so the peer is never left waiting. Use on the peer's thread.
class RawReply {
public:
    RawReply(std::weak_ptr<Peer> peer, std::string id, std::string action);
    template <class Write> void ok_with(Write&& write_payload) {
        if (!state_->answered) {
            JsonText text;
            rpc::write_result(text.writer(), state_->id, write_payload);
            send(text.view(), nullptr);
        }
    }
    void ok(const rapidjson::Value& payload);
    void error(rpc::ErrorCode code, std::string description);
    void decode_failed(const v16::DecodeError& e);
    bool answered() const { return state_->answered; }
    const std::string& message_id() const { return state_->id; }
    const std::string& action() const { return state_->action; }

private:
    struct State {
        std::weak_ptr<Peer> peer;
        std::string id;
        std::string action;
        bool answered = false;
        ~State();
    };
    void send(std::string_view frame, const char* error_code); // nullptr: a CALLRESULT
    std::shared_ptr<State> state_;
};

template <class Conf> class Reply {
public:
    explicit Reply(RawReply raw)
        : raw_(std::move(raw)) {}
    void operator()(const Conf& conf) {
        raw_.ok_with([&](rpc::JsonWriter& w) { write_value(w, conf); });
    }
    void error(rpc::ErrorCode code, std::string description) { raw_.error(code, std::move(description)); }
    bool answered() const { return raw_.answered(); }

private:
    RawReply raw_;
};

} // namespace ocpp
