#pragma once
// A simulated charge point: a state machine with its connectors that connects, boots, reports status, sends
// heartbeats, runs charging sessions with growing meter values, queues transaction messages while offline and
// answers the central system. It lives on one event loop and never blocks.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "ocpp/net/client.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/v16/messages.hpp"
#include "simulator/charger/config_store.hpp"
#include "simulator/charger/profiles.hpp"
#include "simulator/fleet/stats.hpp"

namespace sim {

enum class Mode { Realistic, Throughput };

struct ChargerSpec {
    std::string id;                      // Chargebox ID, appended to the URL path
    std::string url;                     // base URL, e.g. ws://127.0.0.1:8180/ocpp
    std::optional<std::string> password; // HTTP Basic (security profiles 1 and 2)
    std::string source_address;          // local address to connect from, empty = any
    int connectors = 2;
    double power_kw = 11.0;                                               // per connector
    double battery_kwh = 60.0;                                            // for SoC
    ocpp::Clock::Duration heartbeat_interval = std::chrono::seconds(300); // until the central system sets one
    ocpp::Clock::Duration meter_interval = std::chrono::seconds(60);
    double sessions_per_hour = 1.0; // arrivals per charger (realistic mode)
    // When set, connector 1 starts one session this long after the first accepted boot (the flow's "charge one
    // session"), with the first id tag, besides the random arrivals of sessions_per_hour.
    std::optional<ocpp::Clock::Duration> first_session_after;
    ocpp::Clock::Duration session_min = std::chrono::minutes(10);
    ocpp::Clock::Duration session_mean = std::chrono::minutes(45);
    ocpp::Clock::Duration session_max = std::chrono::hours(4);
    std::vector<std::string> id_tags{"SIM-TAG-1"};
    std::string vendor = "ocppkit";
    std::string model = "ocpp-simulator";
    FeatureProfiles profiles; // which optional profiles this model supports (all by default)
    std::string firmware_version = "1.0.0";
    double voltage = 230.0;                   // per phase, for smart charging limits in A or W
    int phases = 3;                           // phases the connectors charge on
    bool install_firmware_in_session = false; // install a downloaded firmware while a session runs (else wait)
    std::vector<std::string> data_transfer_vendors{"ocppkit"}; // DataTransfer vendorIds this model answers
    std::size_t offline_queue_limit = 1000;
    ocpp::Clock::Duration reconnect_min = std::chrono::seconds(1);
    ocpp::Clock::Duration reconnect_max = std::chrono::seconds(60);
    ocpp::Clock::Duration boot_retry_default = std::chrono::seconds(60); // when Pending/Rejected says interval 0
    Mode mode = Mode::Realistic;
    // Heartbeat, StatusNotification, MeterValues, mix, or transactions (StartTransaction, 3 MeterValues,
    // StopTransaction, over and over)
    std::string throughput_action = "Heartbeat";
};

// What a charger needs from its surroundings; shared by all chargers of one loop.
struct ChargerEnv {
    ocpp::Executor& executor;
    const ocpp::validation::Registry& schemas;
    const ocpp::Logger& log;
    Stats& stats;
    ocpp::PeerConfig peer;
    // Opens a connection for this charger (real client or in-memory transport); calls back on the loop.
    std::function<void(const ChargerSpec&, ocpp::net::Client::ConnectHandler)> connect;
};

class Charger : public std::enable_shared_from_this<Charger> {
public:
    enum class State { Idle, Connecting, WaitingToReconnect, Booting, BootPending, Running, Stopping, Stopped };
    enum class Status { Available, Preparing, Charging, Finishing, Unavailable, Faulted };

    Charger(ChargerSpec spec, ChargerEnv& env, std::uint64_t seed);
    ~Charger();

    void start();
    // Ends running sessions (StopTransaction, reason Local), closes the connection, then calls done.
    void stop(std::function<void()> done);
    // Drops the connection as a network failure would (no close handshake); the charger reconnects.
    void drop_connection();

    // Starts a session on a free connector now (idTag authorised first unless `remote`); false if none is free.
    bool plug_in(int connector, const std::string& id_tag, bool remote = false);
    // Stops the session on a connector with a reason.
    void unplug(int connector, ocpp::v16::Reason reason);

    State state() const { return state_; }
    bool connected() const { return peer_ && peer_->is_open(); }
    bool booted() const { return state_ == State::Running; }
    int charging() const;
    const ChargerSpec& spec() const { return spec_; }
    ocpp::Clock::Duration heartbeat_interval() const { return heartbeat_interval_; }
    std::size_t offline_queue_size() const { return offline_.size(); }
    Status connector_status(int connector) const { return connectors_.at(static_cast<std::size_t>(connector)).status; }
    std::optional<int> transaction_id(int connector) const;
    double energy_wh(int connector) const;
    ConfigStore& config() { return config_; }

private:
    struct Connector {
        Status status = Status::Available;
        bool operative = true;
        bool pending_unavailable = false;  // ChangeAvailability arrived during a session
        std::optional<int> transaction_id; // from the central system
        std::uint64_t local_tx = 0;        // our reference until the id is known (offline start)
        std::string id_tag;
        double meter_wh = 0; // register reading
        double session_start_wh = 0;
        ocpp::Clock::TimePoint charging_since{};
        ocpp::Clock::TimePoint last_meter{};
        double soc_start = 0; // state of charge when the session began, percent
        bool arrival_armed = false;
        std::unique_ptr<ocpp::Timer> arrival; // next session arrival
        std::unique_ptr<ocpp::Timer> meter;   // periodic meter values
        std::unique_ptr<ocpp::Timer> end;     // session end, then Finishing -> Available
    };
    // A transaction message. All of them go through one ordered queue, sent one at a time and removed only
    // when answered, so that messages from an offline period are replayed in order after reconnecting.
    struct Queued {
        std::variant<ocpp::v16::StartTransactionReq, ocpp::v16::MeterValuesReq, ocpp::v16::StopTransactionReq> msg;
        std::uint64_t local_tx = 0; // the session it belongs to; its transactionId is filled in when sent
        int connector = 0;
        bool queued_offline = false; // counted as replayed once it is answered
    };

    // Connection and boot (charger.cpp)
    void connect();
    void on_connected(ocpp::net::SessionPtr session);
    void on_disconnected(const ocpp::net::CloseInfo& info);
    void schedule_reconnect();
    void send_boot();
    void on_booted();
    void send_heartbeat();
    void arm_heartbeat();
    void send_status(int connector);
    void set_status(int connector, Status s);
    // Sessions and offline queue (charger_sessions.cpp)
    void schedule_arrival(int connector);
    void authorize_and_start(int connector, const std::string& id_tag, bool remote);
    void start_transaction(int connector);
    void send_meter_values(int connector, ocpp::v16::ReadingContext context);
    void send_idle_meter_values(int connector); // a TriggerMessage outside a transaction (remote_trigger.cpp)
    void finish_session(int connector, ocpp::v16::Reason reason, std::function<void()> then = {});
    void advance_meter(int connector);
    void enqueue(Queued q);
    void replay_offline();
    void maybe_finish_stop();
    void throughput_next();
    void throughput_transactions();
    // Calls from the central system (charger_handlers.cpp)
    void register_handlers();
    // One per optional feature profile, each in its own file; called only when the model supports the profile.
    void register_smart_charging(); // smart_charging.cpp
    void register_firmware();       // firmware.cpp
    void register_local_list();     // local_list.cpp
    void register_reservation();    // reservation.cpp
    void register_remote_trigger(); // remote_trigger.cpp
    void reset(bool hard);

    template <class Req>
    void call(const Req& req, std::function<void(ocpp::CallOutcome<typename Req::Response>)> done = {});
    void count(std::string_view action, ocpp::CallStatus status, ocpp::Clock::Duration latency);
    ocpp::Clock::Duration jitter(ocpp::Clock::Duration d);
    ocpp::Clock::Duration session_length();
    ocpp::Clock::TimePoint now() const { return env_.executor.clock().now(); }
    ocpp::DateTime wall_now() const { return ocpp::DateTime{env_.executor.clock().wall_now()}; }
    Connector& conn(int c) { return connectors_[static_cast<std::size_t>(c)]; }

    ChargerSpec spec_;
    ChargerEnv& env_;
    std::mt19937_64 rng_;
    ConfigStore config_;
    State state_ = State::Idle;
    std::shared_ptr<ocpp::Peer> peer_;
    std::vector<Connector> connectors_; // index 0 = the charge point itself
    std::deque<Queued> offline_;
    bool replaying_ = false;
    bool connecting_ = false;
    bool closing_ = false;             // we closed the connection ourselves (stop, reset): not counted as lost
    bool accepted_ = false;            // this connection's boot was accepted: transaction messages may go out
    bool first_session_armed_ = false; // spec_.first_session_after was scheduled (once per charger)
    ocpp::Clock::Duration heartbeat_interval_;
    ocpp::Clock::Duration backoff_;
    std::unique_ptr<ocpp::Timer> reconnect_timer_, boot_timer_, heartbeat_timer_, stop_timer_;
    ocpp::v16::FirmwareStatus firmware_status_ = ocpp::v16::FirmwareStatus::Idle;          // the last one sent
    ocpp::v16::DiagnosticsStatus diagnostics_status_ = ocpp::v16::DiagnosticsStatus::Idle; // the last one sent
    std::uint64_t next_local_tx_ = 1;
    std::uint64_t throughput_step_ = 0;
    std::optional<int> throughput_tx_;              // the open transaction of the "transactions" throughput action
    std::unordered_map<std::uint64_t, int> tx_ids_; // local session reference -> the central system's id
    std::function<void()> stopped_;
};

const char* to_string(Charger::Status s);

} // namespace sim
