#include "ocpp/peer/peer.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "ocpp/log/log_text.hpp"
#include "ocpp/util/enum_names.hpp"

namespace ocpp {

namespace {
// Why a send was refused, in the words of the "failed sends" warning.
constexpr EnumName<net::SendStatus> kSendFailureReasons[] = {
    {net::SendStatus::Closed, "the connection is closed"},
    {net::SendStatus::QueueFull, "the outbound queue is full (the peer reads too slowly)"},
    {net::SendStatus::InvalidUtf8, "the message is not valid UTF-8"},
    {net::SendStatus::WriteError, "the transport refused the write"},
};

// Our own outgoing JSON is parsed again only to validate it; a document on a stack buffer keeps that free of heap
// allocations for ordinary messages (RapidJSON's default pool takes a 64 KiB chunk per document, and its parse
// stacks two more blocks: here they come from the same buffer).
class LocalDocument {
public:
    LocalDocument()
        : pool_(buffer_, sizeof buffer_)
        , doc_(&pool_, 256, &pool_) {}
    // Parses text (in place, from a copy in the buffer); nullptr when it is not JSON.
    const rapidjson::Value* parse(std::string_view text) {
        char* copy = static_cast<char*>(pool_.Malloc(text.size() + 1));
        std::memcpy(copy, text.data(), text.size());
        copy[text.size()] = '\0';
        doc_.ParseInsitu<rapidjson::kParseIterativeFlag>(copy);
        return doc_.HasParseError() ? nullptr : &doc_;
    }

private:
    char buffer_[8192];
    rapidjson::MemoryPoolAllocator<> pool_;
    rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>, rapidjson::MemoryPoolAllocator<>>
        doc_;
};

// "30 s", "0.5 s".
std::string timeout_text(Clock::Duration d) {
    char text[32];
    std::snprintf(text, sizeof text, "%g s",
                  static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) / 1000.0);
    return text;
}
} // namespace

// --- Peer -----------------------------------------------------------------------------------------------------

Peer::Peer(Key, net::SessionPtr session, const validation::Registry& schemas, PeerConfig cfg, const Logger& log)
    : session_(std::move(session))
    , schemas_(schemas)
    , cfg_(cfg)
    , log_(log)
    , tag_("peer " + session_->info().chargebox_id)
    , warnings_(log, session_->executor().clock(), tag_, session_->info().chargebox_id, cfg.log_limits)
    , rate_(cfg.rate)
    , calls_(cfg.max_queued_calls, 1) {}

Peer::~Peer() {
    // The session's handlers point at this Peer (a session has one Peer for its life).
    session_->set_message_handler(nullptr);
    session_->set_close_handler(nullptr);
}

std::shared_ptr<Peer> Peer::create(net::SessionPtr session, const validation::Registry& schemas, PeerConfig cfg,
                                   const Logger& log) {
    auto p = std::make_shared<Peer>(Key{}, std::move(session), schemas, cfg, log);
    p->attach();
    return p;
}

void Peer::attach() {
    deadline_ = session_->executor().make_timer();
    // The handlers hold a plain pointer (it fits inside the std::function, and the Peer's reference counts sit
    // beside the Peer): ~Peer removes them, so while they can run the Peer exists. Each holds a reference for the
    // whole call, because a handler may drop the last outside reference.
    Peer* self = this;
    session_->set_message_handler([self](std::string_view text) {
        auto keep = self->shared_from_this();
        self->on_text(text);
    });
    session_->set_close_handler([self](const net::CloseInfo& info) {
        auto keep = self->shared_from_this();
        self->on_closed(info);
    });
}

net::SendStatus Peer::send_text(std::string_view text) {
    if (frame_observer_) {
        frame_observer_(FrameDirection::Sent, text);
    }
    const net::SendStatus status = session_->send(text);
    if (status == net::SendStatus::Queued) {
        return status;
    }
    const char* why = name_of(kSendFailureReasons, status, "the send failed");
    warnings_.warn("failed sends", std::string("could not send: ") + why);
    return status;
}

net::SendStatus Peer::send_raw(std::string_view text) {
    return send_text(text);
}

void Peer::close(int code, std::string_view reason) {
    session_->close(code, reason);
}

void Peer::record(Deviation dev) {
    ++stats_.deviations;
    warnings_.log_with(LogLevel::Debug, "schema deviations",
                       [&] { return log_quote(dev.action) + " deviates from its schema: " + describe(dev.findings); });
    if (deviation_observer_) {
        deviation_observer_(dev);
    }
}

void Peer::on_text(std::string_view text) {
    // Called only from the message handler set in attach(), which holds a reference for the whole call (a handler
    // may drop the last outside reference).
    if (frame_observer_) {
        frame_observer_(FrameDirection::Received, text);
    }
    if (policy_closed_) {
        return; // closed for its message rate: what is still arriving is not processed
    }
    rpc::Frame frame;
    rpc::FrameError error;
    if (!rpc::parse_frame(text, frame, error)) {
        ++stats_.malformed_received;
        if (!within_rate()) {
            return; // over the limit: not answered
        }
        warnings_.log_with(LogLevel::Warn, "malformed frames", [&] { return "malformed message: " + error.message; });
        if (error.call_id) {
            ++stats_.errors_sent;
            send_text(rpc::serialize_error(*error.call_id, error.code, error.message));
        }
        return;
    }
    if (frame.type != rpc::MessageType::Call) {
        on_answer(std::move(frame));
    } else if (within_rate()) {
        on_call(std::move(frame));
    } else if (!policy_closed_) {
        // The CALLERROR lets the charger's queue move on (a transaction message is sent again later, as OCPP 1.6
        // asks after a CALLERROR). None of the ten 1.6 codes names a rate limit: InternalError would claim a fault
        // of ours, NotSupported/NotImplemented would tell the charger not to send this action at all, SecurityError
        // suggests it lacks a right. GenericError ("any other error") with the rule as description says what it is.
        ++stats_.errors_sent;
        send_text(rpc::serialize_error(frame.id, rpc::ErrorCode::GenericError,
                                       "message rate limit exceeded: " + rate_rule() + "; slow down"));
    }
}

void Peer::on_call(rpc::Frame frame) {
    ++stats_.calls_received;
    Incoming in{std::move(frame), session_->executor().clock().now()};
    if (!answering_) {
        process(std::move(in));
        return;
    }
    // OCPP-J allows one CALL in flight per direction; a peer that sends more is answered in order, up to a bound.
    if (incoming_.size() >= cfg_.max_queued_incoming) {
        ++stats_.errors_sent;
        send_text(rpc::serialize_error(in.frame.id, rpc::ErrorCode::GenericError,
                                       "too many CALLs sent before the earlier ones were answered"));
        return;
    }
    incoming_.push_back(std::move(in));
}

void Peer::process(Incoming in) {
    answering_ = true;
    answering_since_ = in.received;
    // The reply takes the id and action (no copies); they are read back from it below.
    RawReply reply(weak_from_this(), std::move(in.frame.id), std::move(in.frame.action));
    const std::string& action = reply.action();
    const auto* schema = schemas_.find(action, validation::Direction::Request);
    if (!schema) {
        reply.error(rpc::ErrorCode::NotImplemented, "\"" + action + "\" is not an OCPP 1.6 action");
        return;
    }
    const auto key = std::find(handler_keys_.begin(), handler_keys_.end(), schema);
    if (key == handler_keys_.end()) {
        reply.error(rpc::ErrorCode::NotSupported, action + " is not supported here");
        return;
    }
    std::vector<validation::Finding> findings;
    if (!schema->validate(*in.frame.payload, findings)) {
        const auto code = error_code_for(findings.front().rule, findings.front().pointer);
        const auto text = describe(findings);
        record(Deviation{FrameDirection::Received, action, reply.message_id(), true, std::move(findings)});
        if (cfg_.mode == validation::Mode::Strict) {
            reply.error(code, text);
            return;
        }
    }
    handler_fns_[static_cast<std::size_t>(key - handler_keys_.begin())](*in.frame.payload, std::move(reply));
}

void Peer::on_raw(std::string_view action, RawHandler handler) {
    const auto* schema = schemas_.find(action, validation::Direction::Request);
    if (!schema) {
        // A misspelt action would never be handled: say so once, where the handler is registered.
        log_.error(tag_, "no handler kept for \"" + std::string(action) + "\": not an OCPP 1.6 action");
        return;
    }
    const auto key = std::find(handler_keys_.begin(), handler_keys_.end(), schema);
    if (key != handler_keys_.end()) {
        handler_fns_[static_cast<std::size_t>(key - handler_keys_.begin())] = std::move(handler);
        return;
    }
    handler_keys_.push_back(schema);
    handler_fns_.push_back(std::move(handler));
}

void Peer::send_reply(const std::string& id, const std::string& action, std::string_view frame,
                      const char* error_code) {
    if (closed_) {
        return;
    }
    std::string replaced; // the CALLERROR that replaces an answer breaking its schema
    bool is_error = error_code != nullptr;
    if (!is_error && cfg_.validate_outgoing) {
        const auto* schema = schemas_.find(action, validation::Direction::Response);
        std::vector<validation::Finding> findings;
        LocalDocument local;
        const rapidjson::Value* parsed = schema ? local.parse(frame) : nullptr;
        // The frame is [3, id, payload], as serialize_result() wrote it.
        if (parsed && parsed->IsArray() && parsed->Size() == 3 && !schema->validate((*parsed)[2], findings)) {
            const auto text = describe(findings);
            warnings_.log_with(LogLevel::Error, "answers of ours breaking their schema",
                               [&] { return "our " + action + " answer breaks its schema: " + text; });
            record(Deviation{FrameDirection::Sent, action, id, false, std::move(findings)});
            if (cfg_.mode == validation::Mode::Strict) {
                replaced = rpc::serialize_error(id, rpc::ErrorCode::InternalError, "answer failed validation: " + text);
                frame = replaced;
                is_error = true;
                error_code = "InternalError";
            }
        }
    }
    ++(is_error ? stats_.errors_sent : stats_.results_sent);
    send_text(frame);
    if (call_observer_) {
        call_observer_(CallRecord{true, action, is_error ? std::string_view(error_code) : std::string_view("ok"),
                                  session_->executor().clock().now() - answering_since_});
    }
    answering_ = false;
    if (!incoming_.empty()) {
        Incoming next = std::move(incoming_.front());
        incoming_.pop_front();
        process(std::move(next));
    }
}

void Peer::call_text(std::string action, std::string payload_json, std::function<void(RawOutcome)> done,
                     Clock::Duration timeout, bool validate) {
    RawOutcome out;
    if (closed_) {
        out.status = CallStatus::Closed;
        out.error_description = "the connection is closed";
        done(std::move(out));
        return;
    }
    if (validate && cfg_.validate_outgoing) {
        LocalDocument local;
        const rapidjson::Value* doc = local.parse(payload_json);
        const auto* schema = schemas_.find(action, validation::Direction::Request);
        if (!doc) {
            out.status = CallStatus::InvalidRequest;
            out.error_description = "payload is not valid JSON";
        } else if (schema && !schema->validate(*doc, out.findings)) {
            out.status = CallStatus::InvalidRequest;
            out.error_description = describe(out.findings);
            record(Deviation{FrameDirection::Sent, action, {}, true, out.findings});
        }
        if (out.status != CallStatus::Ok) {
            done(std::move(out));
            return;
        }
    }
    Calls::Call call;
    call.id = ids_.next();
    call.timeout = timeout.count() > 0 ? timeout : cfg_.call_timeout;
    call.data.frame = rpc::serialize_call(call.id, action, [&](rpc::JsonWriter& w) {
        w.RawValue(payload_json.data(), payload_json.size(), rapidjson::kObjectType);
    });
    call.action = std::move(action);
    call.data.done = std::move(done);
    if (calls_.ready()) { // nothing in flight or waiting: it goes out now, without a queue entry
        send_call(*calls_.start(std::move(call), session_->executor().clock().now()));
        arm_deadline();
        return;
    }
    if (!calls_.push(std::move(call))) {
        out.status = CallStatus::QueueFull;
        out.error_description = "too many calls waiting (" + std::to_string(cfg_.max_queued_calls) + ")";
        call.data.done(std::move(out));
        return;
    }
    pump_calls();
}

void Peer::pump_calls() {
    while (const auto* call = calls_.start_next(session_->executor().clock().now())) {
        send_call(*call);
    }
    arm_deadline();
}

void Peer::send_call(const Calls::Call& call) {
    ++stats_.calls_sent;
    send_text(call.data.frame);
}

void Peer::arm_deadline() {
    // Calls go out one after another with the same timeout, so each new deadline is later than the armed one: the
    // timer stays armed at the earliest deadline and is re-armed only when it fires (no timer work per call).
    auto next = calls_.next_deadline();
    if (!next || closed_ || (armed_deadline_ && *armed_deadline_ <= *next)) {
        return;
    }
    armed_deadline_ = next;
    deadline_->start(*next - session_->executor().clock().now(), [this] { on_deadline(); });
}

void Peer::on_deadline() {
    auto self = shared_from_this();
    armed_deadline_.reset();
    for (auto& call : calls_.expire(session_->executor().clock().now())) {
        ++stats_.timeouts;
        warnings_.log_with(LogLevel::Warn, "unanswered calls",
                           [&] { return call.action + " got no answer within " + timeout_text(call.timeout); });
        RawOutcome out;
        out.status = CallStatus::Timeout;
        out.error_description = "no answer within " + timeout_text(call.timeout);
        out.latency = call.timeout;
        observe_outgoing(call.action, out);
        call.data.done(std::move(out));
    }
    pump_calls();
}

void Peer::on_answer(rpc::Frame frame) {
    auto call = calls_.complete(frame.id);
    if (!call) {
        ++stats_.unmatched_received;
        if (!within_rate()) {
            return;
        }
        warnings_.log_with(LogLevel::Warn, "unmatched answers", [&] {
            return "answer with message id " + log_quote(frame.id) + " matches no outstanding call (late or unknown)";
        });
        return;
    }
    RawOutcome out;
    out.latency = session_->executor().clock().now() - call->sent_at;
    if (frame.type == rpc::MessageType::CallResult) {
        ++stats_.results_received;
        const auto* schema = schemas_.find(call->action, validation::Direction::Response);
        if (schema && !schema->validate(*frame.payload, out.findings)) {
            record(Deviation{FrameDirection::Received, call->action, call->id, false, out.findings});
            if (cfg_.mode == validation::Mode::Strict) {
                out.status = CallStatus::InvalidResponse;
                out.error_description = describe(out.findings);
            }
        }
        if (out.status == CallStatus::Ok) {
            out.payload = frame.payload;
        }
    } else {
        ++stats_.errors_received;
        out.status = CallStatus::CallError;
        out.error_code = frame.error_code;
        out.error_description = frame.error_description;
    }
    observe_outgoing(call->action, out);
    call->data.done(std::move(out));
    pump_calls();
}

void Peer::observe_outgoing(const std::string& action, const RawOutcome& out) {
    if (!call_observer_) {
        return;
    }
    const std::string_view result = out.status == CallStatus::Ok          ? std::string_view("ok")
                                    : out.status == CallStatus::CallError ? std::string_view(out.error_code)
                                                                          : std::string_view(to_string(out.status));
    call_observer_(CallRecord{false, action, result, out.latency});
}

void Peer::on_closed(const net::CloseInfo& info) {
    auto self = shared_from_this();
    closed_ = true;
    warnings_.flush();
    deadline_->cancel();
    armed_deadline_.reset();
    incoming_.clear();
    for (auto& call : calls_.drain()) {
        RawOutcome out;
        out.status = CallStatus::Closed;
        out.error_description = "the connection closed before an answer (" + info.reason + ")";
        observe_outgoing(call.action, out);
        call.data.done(std::move(out));
    }
    if (close_handler_) {
        close_handler_(info);
    }
}

} // namespace ocpp
