#pragma once
// Peer: one OCPP-J endpoint on a Session. Parses and validates every frame, dispatches incoming CALLs to handlers
// registered per action, sends our CALLs one at a time with a timeout, and matches their answers.
// A Peer lives on its session's executor: call every method from that thread.
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/log/log_limiter.hpp"
#include "ocpp/net/session.hpp"
#include "ocpp/peer/message_rate.hpp"
#include "ocpp/peer/outcome.hpp"
#include "ocpp/rpc/call_queue.hpp"
#include "ocpp/rpc/frame.hpp"
#include "ocpp/validation/registry.hpp"

namespace ocpp {

struct PeerConfig {
    validation::Mode mode = validation::Mode::Strict;
    Clock::Duration call_timeout = std::chrono::seconds(30);
    std::size_t max_queued_calls = 64;    // our CALLs waiting behind the one in flight
    std::size_t max_queued_incoming = 16; // their CALLs waiting while we answer one
    bool validate_outgoing = true;        // check our own payloads against the schemas before sending
    MessageRateLimit rate;                // what the peer starts (CALLs, garbage, answers to nothing)
    LogLimits log_limits;                 // log lines this connection may cause per window
};

enum class FrameDirection { Received, Sent };

// A deviation from the schemas that tolerant mode let through (or strict mode refused).
struct Deviation {
    FrameDirection direction = FrameDirection::Received;
    std::string action;
    std::string message_id;
    bool request = true; // a CALL payload (else a CALLRESULT payload)
    std::vector<validation::Finding> findings;
};

struct PeerStats {
    std::uint64_t calls_sent = 0, results_received = 0, errors_received = 0, timeouts = 0;
    std::uint64_t calls_received = 0, results_sent = 0, errors_sent = 0;
    std::uint64_t malformed_received = 0; // not JSON or not a frame
    std::uint64_t unmatched_received = 0; // answers to no outstanding call (late or unknown id)
    std::uint64_t deviations = 0;
    std::uint64_t refused_over_rate = 0; // frames beyond the message-rate limit (not processed)
};

// One CALL finished, for metrics: one we answered (incoming) or one we sent and got an answer to (or not).
struct CallRecord {
    bool incoming = true;
    std::string_view action;
    std::string_view result;   // "ok", a CALLERROR code ("NotImplemented"), or for our own calls "Timeout"/"Closed"/...
    Clock::Duration latency{}; // incoming: from receipt to answer; outgoing: from sending to the answer
};

class Peer : public std::enable_shared_from_this<Peer> {
public:
    using RawHandler = std::function<void(const rapidjson::Value& payload, RawReply reply)>;
    using FrameObserver = std::function<void(FrameDirection, std::string_view text)>;
    using DeviationObserver = std::function<void(const Deviation&)>;
    using CallObserver = std::function<void(const CallRecord&)>;

    static std::shared_ptr<Peer> create(net::SessionPtr session, const validation::Registry& schemas, PeerConfig cfg,
                                        const Logger& log);
    // Only create() can make a key (it allocates the Peer and its reference counts in one block).
    class Key {
        friend class Peer;
        explicit Key() = default; // explicit: not an aggregate, so Key{} needs this private constructor
    };
    Peer(Key, net::SessionPtr session, const validation::Registry& schemas, PeerConfig cfg, const Logger& log);
    ~Peer();
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;

    // Registers the handler of one action. Its payload is validated and converted before the handler runs.
    template <class Req, class F> void on(F handler) {
        on_raw(Req::action, [h = std::move(handler)](const rapidjson::Value& payload, RawReply reply) {
            Req req;
            v16::Decoder d;
            if (!read_value(payload, req, d)) {
                reply.decode_failed(*d.error());
                return;
            }
            h(req, Reply<typename Req::Response>(std::move(reply)));
        });
    }
    // Registers (or replaces) the handler of an action. An action without a request schema is never handled (such
    // a CALL is answered NotImplemented before any handler is looked up), so its handler is not kept (logged).
    void on_raw(std::string_view action, RawHandler handler);

    // Sends a CALL (queued behind the one in flight); the callback runs exactly once.
    template <class Req>
    void call(const Req& req, std::function<void(CallOutcome<typename Req::Response>)> done,
              Clock::Duration timeout = {}) {
        using Conf = typename Req::Response;
        call_text(
            std::string(Req::action), v16::to_json_string(req),
            [done = std::move(done)](RawOutcome raw) {
                CallOutcome<Conf> out;
                out.status = raw.status;
                out.error_code = std::move(raw.error_code);
                out.error_description = std::move(raw.error_description);
                out.findings = std::move(raw.findings);
                out.latency = raw.latency;
                if (raw.status == CallStatus::Ok) {
                    Conf conf;
                    v16::Decoder d;
                    if (read_value(*raw.payload, conf, d)) {
                        out.conf = std::move(conf);
                    } else {
                        out.status = CallStatus::InvalidResponse;
                        out.error_description =
                            "answer does not convert: " + d.error()->pointer + " " + d.error()->message;
                    }
                }
                done(std::move(out));
            },
            timeout, true);
    }
    // Sends a CALL with a payload given as JSON text; validated like typed calls unless `validate` is false.
    void call_text(std::string action, std::string payload_json, std::function<void(RawOutcome)> done,
                   Clock::Duration timeout = {}, bool validate = true);
    // Sends text exactly as given, bypassing framing and checks (fault injection in tests and scenarios).
    net::SendStatus send_raw(std::string_view text);

    void close(int code = 1000, std::string_view reason = "");
    bool is_open() const { return session_->is_open(); }
    net::Session& session() { return *session_; }
    const PeerStats& stats() const { return stats_; }
    // This connection's budget of log lines: every warning the peer can trigger goes through it.
    LogLimiter& warnings() { return warnings_; }
    // True once the connection is being closed for exceeding the message-rate limit.
    bool closed_for_rate() const { return policy_closed_; }
    validation::Mode mode() const { return cfg_.mode; }
    void set_mode(validation::Mode mode) { cfg_.mode = mode; }
    std::size_t calls_waiting() const { return calls_.queued() + calls_.in_flight(); }

    void set_frame_observer(FrameObserver f) { frame_observer_ = std::move(f); }
    void set_deviation_observer(DeviationObserver f) { deviation_observer_ = std::move(f); }
    void set_call_observer(CallObserver f) { call_observer_ = std::move(f); }
    // Runs once when the connection has closed, after every pending call got its Closed outcome.
    void set_close_handler(std::function<void(const net::CloseInfo&)> f) { close_handler_ = std::move(f); }

private:
    friend class RawReply;
    struct Incoming {
        rpc::Frame frame; // a CALL: its id and action are in the frame
        Clock::TimePoint received{};
    };
    struct Pending {
        std::function<void(RawOutcome)> done;
        std::string frame; // sent text, kept until the call goes out
    };
    using Calls = rpc::CallQueue<Pending>;

    void attach();
    void on_text(std::string_view text);
    // Counts one message the peer started against the rate limit; false: refuse it (and maybe close).
    bool within_rate();
    std::string rate_rule() const; // "at most 50 messages/s (bursts of 200)"
    void on_call(rpc::Frame frame);
    void process(Incoming call);
    void on_answer(rpc::Frame frame);
    // error_code: nullptr for a CALLRESULT.
    void send_reply(const std::string& id, const std::string& action, std::string_view frame, const char* error_code);
    void observe_outgoing(const std::string& action, const RawOutcome& out);
    void pump_calls();
    void send_call(const Calls::Call& call);
    void arm_deadline();
    void on_deadline();
    void on_closed(const net::CloseInfo& info);
    net::SendStatus send_text(std::string_view text); // logs why when the text was not queued
    void record(Deviation dev);

    net::SessionPtr session_;
    const validation::Registry& schemas_;
    PeerConfig cfg_;
    const Logger& log_;
    std::string tag_; // "peer CB-0001" for log lines
    LogLimiter warnings_;
    MessageRate rate_;
    bool policy_closed_ = false;
    // Handlers by action, found by the action's request schema: the registry is the program's, so a schema's address
    // names its action. A lookup compares a few pointers in one block; a hash map of strings per peer walked a chain
    // of separately allocated nodes, a cold cache line each when thousands of peers take turns.
    std::vector<const validation::Schema*> handler_keys_;
    std::vector<RawHandler> handler_fns_;
    Calls calls_;
    rpc::MessageIdGenerator ids_;
    std::unique_ptr<Timer> deadline_;
    std::optional<Clock::TimePoint> armed_deadline_; // the timer is left armed: no timer work per call
    std::list<Incoming> incoming_;                   // allocates nothing while empty
    bool answering_ = false;
    bool closed_ = false;
    PeerStats stats_;
    FrameObserver frame_observer_;
    DeviationObserver deviation_observer_;
    CallObserver call_observer_;
    Clock::TimePoint answering_since_{}; // receipt of the CALL being answered
    std::function<void(const net::CloseInfo&)> close_handler_;
};

} // namespace ocpp
