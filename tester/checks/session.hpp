#pragma once
// The OCPP conversation with one connected charger (checks 4–9): answers it in tolerant mode, captures every frame,
// sends the calls of step 7 (and the charging test of step 8) while it waits for the first Heartbeat, and tells its
// owner when everything it drives is settled or the connection dropped.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ocpp/net/session.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/v16/messages.hpp"
#include "tester/checks/charging.hpp"
#include "tester/checks/checks.hpp"
#include "tester/checks/heartbeat.hpp"
#include "tester/checks/profiles/runner.hpp"
#include "tester/checks/rate.hpp"
#include "tester/checks/status.hpp"

namespace tester {

class SessionChecks : public std::enable_shared_from_this<SessionChecks> {
public:
    // What the session works on; owned by the test run, which outlives the session.
    struct Context {
        const TestConfig& config;
        ocpp::Executor& loop;
        const ocpp::validation::Registry& schemas;
        const ocpp::Logger& log;
        CheckBoard& board;
        Report& report;
        profiles::FileHost& files;
    };
    enum class End { Completed, Dropped };
    struct Handlers {
        std::function<void()> booted;   // the BootNotification was answered
        std::function<void(End)> ended; // posted once: all checks settled, or the connection dropped
    };
    static std::shared_ptr<SessionChecks> create(Context ctx, ocpp::net::SessionPtr session, Handlers handlers);
    ~SessionChecks();

    // Gives every check it drives its final verdict (`why` explains what is still waiting) and closes the
    // connection.
    void conclude(const std::string& why);
    bool booted() const { return booted_; }
    bool open() const { return peer_ && peer_->is_open() && !dropped_; }
    // True while the charger is away for a restart a group announced (firmware): its next connection is taken up.
    bool awaiting_restart() const { return away_ && !ended_; }
    // The charger's connection after its restart: the conversation goes on there; its BootNotification is answered
    // and handed to the groups.
    void reconnect(ocpp::net::SessionPtr session);
    // While the charger is away: the running group's decision on a connection attempt (nullopt: the usual checks),
    // and the attempts the server refused before asking.
    std::optional<ocpp::net::HandshakeDecision> restart_attempt(const ocpp::net::HandshakeInfo& info);
    void restart_rejected(const ocpp::net::RejectedHandshake& rejected);

private:
    SessionChecks(Context ctx, Handlers handlers);
    void attach(ocpp::net::SessionPtr session);
    // Wraps a member function so that it runs only while the session object lives.
    template <class Method> auto weak(Method m) {
        return [w = weak_from_this(), m](auto&&... args) {
            if (auto self = w.lock()) {
                ((*self).*m)(std::forward<decltype(args)>(args)...);
            }
        };
    }

    void on_frame(ocpp::FrameDirection direction, std::string_view text);
    void flood();
    void on_deviation(const ocpp::Deviation& deviation);
    void on_closed(const ocpp::net::CloseInfo& info);
    void on_boot(const rapidjson::Value& payload, ocpp::RawReply reply);
    void on_status(const ocpp::v16::StatusNotificationReq& req, ocpp::Reply<ocpp::v16::StatusNotificationConf> reply);
    void on_heartbeat(const ocpp::v16::HeartbeatReq& req, ocpp::Reply<ocpp::v16::HeartbeatConf> reply);
    void register_other_handlers();
    void on_security_event(const ocpp::v16::SecurityEventNotificationReq& req,
                           ocpp::Reply<ocpp::v16::SecurityEventNotificationConf> reply);
    // The announced restart (session_restart.cpp): the close, and the BootNotification on the new connection.
    void went_away();
    void restart_boot(const rapidjson::Value& payload, const ocpp::v16::BootNotificationConf& conf,
                      ocpp::RawReply reply);

    void arm_heartbeat_deadline();
    void start_calls();
    void send_trigger();
    void trigger_status_arrived(const StatusSeen& status);
    void calls_done();
    void maybe_complete();
    void end(End how);
    double ms_since(ocpp::Clock::TimePoint t) const;
    ocpp::DateTime wall_now() const { return ocpp::DateTime{ctx_.loop.clock().wall_now()}; }

    Context ctx_;
    Handlers handlers_;
    std::shared_ptr<ocpp::Peer> peer_;
    std::unique_ptr<ocpp::Timer> settle_timer_, heartbeat_timer_, trigger_timer_;
    ocpp::Clock::TimePoint opened_at_{}, boot_at_{};
    ocpp::net::HandshakeInfo handshake_;

    bool first_seen_ = false, booted_ = false, ended_ = false, closing_ = false, dropped_ = false;
    int boots_ = 0;
    // The restart a group announced: away from the close until the BootNotification on the new connection.
    bool away_ = false, restarted_ = false;
    ocpp::Clock::TimePoint away_at_{};
    std::string up_before_restart_;      // how long the first connection was up, for connection.stable
    std::uint64_t malformed_before_ = 0; // malformed frames on the connections before the restart
    std::string boot_findings_id_;
    std::vector<ocpp::validation::Finding> boot_findings_;
    std::vector<StatusSeen> statuses_;
    HeartbeatWatch heartbeat_;
    ClockSkew skew_;

    enum class Calls { NotStarted, GetConfiguration, Trigger, WaitStatus, Done } calls_ = Calls::NotStarted;
    std::optional<int> trigger_connector_;
    std::size_t statuses_before_trigger_ = 0;
    ocpp::Clock::TimePoint trigger_answered_at_{};
    std::unique_ptr<ChargingTest> charging_;
    std::unique_ptr<profiles::GroupRunner> groups_; // the optional profile groups, after the core checks
    int next_transaction_id_ = 1;

    std::size_t received_ = 0, deviating_messages_ = 0;
    FrameRate rate_;
    bool flooded_ = false; // the charger exceeded the frame rate: the tester closed the connection
    std::string last_deviation_id_;
};

} // namespace tester
