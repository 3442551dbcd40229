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
#include "ocpp/pki/pki.hpp"
#include "ocpp/smartcharging/charging_profiles.hpp"
#include "ocpp/transfer/transfer.hpp"
#include "ocpp/util/worker_pool.hpp"
#include "ocpp/v16/messages.hpp"
#include "simulator/charger/auth_store.hpp"
#include "simulator/charger/config_store.hpp"
#include "simulator/charger/event_log.hpp"
#include "simulator/charger/profiles.hpp"
#include "simulator/fleet/stats.hpp"

namespace sim {

enum class Mode { Realistic, Throughput };

// Which Basic password a charger sends for a hex AuthorizationKey: the whitepaper's reading
// (ocpp::pki::basic_passwords_for_key), the hex text, or the decoded bytes (real chargers differ).
enum class AuthorizationKeyReading { Whitepaper, Hex, Decoded };

struct SecurityState;      // security_state.hpp: certificates, keys and connection fallback, made on first use
struct ConnectionSettings; // security_state.hpp: profile, URL, password and TLS of a connection

// A DataTransfer the charger sends by itself, every `every` (a model's vendor telemetry).
struct PeriodicDataTransfer {
    std::string vendor_id;
    std::string message_id; // empty: none sent
    std::string data;       // empty: none sent
    ocpp::Clock::Duration every = std::chrono::minutes(5);
};

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
    std::vector<std::string> data_transfer_vendors{"ocppkit"};  // DataTransfer vendorIds this model answers
    std::optional<PeriodicDataTransfer> periodic_data_transfer; // sent while booted, when set
    // Configuration key values that replace the defaults (a model's settings; read-only keys included).
    std::vector<std::pair<std::string, std::string>> config_overrides;
    bool diagnostics_http_put = false; // upload diagnostics over HTTP with PUT (else multipart POST)
    // Connectors Faulted from the start, with their errorCode (a model's faulted_connectors).
    std::vector<std::pair<int, ocpp::v16::ChargePointErrorCode>> faulted_connectors;
    // The ManufacturerRootCertificates installed at the factory (PEM each): SignedUpdateFirmware trusts these.
    std::vector<std::string> manufacturer_roots;
    std::size_t offline_queue_limit = 1000;
    ocpp::Clock::Duration reconnect_min = std::chrono::seconds(1);
    ocpp::Clock::Duration reconnect_max = std::chrono::seconds(60);
    ocpp::Clock::Duration boot_retry_default = std::chrono::seconds(60); // when Pending/Rejected says interval 0
    Mode mode = Mode::Realistic;
    // Heartbeat, StatusNotification, MeterValues, mix, or transactions (StartTransaction, 3 MeterValues,
    // StopTransaction, over and over)
    std::string throughput_action = "Heartbeat";
    // The security whitepaper (when profiles.security): the profile it starts with (none: 3 with a client
    // certificate over wss://, 2 over wss://, 1 with a password, else 0), the base URL of profiles 2 and 3 (empty:
    // `url` with wss://), CpoName (O of its certificate requests), the key type of its CSRs, how it reads a hex
    // AuthorizationKey as Basic password, and CertificateStoreMaxLength.
    std::optional<int> security_profile;
    bool client_certificate = false; // the client's TLS settings carry a client certificate (--cert)
    std::string secure_url;
    std::string cpo_name;
    ocpp::pki::KeyType key_type = ocpp::pki::KeyType::EcP256;
    AuthorizationKeyReading authorization_key_reading = AuthorizationKeyReading::Whitepaper;
    int certificate_store_max = 10;
    // Its own trust store and client certificate for wss:// (set by the charger once it installed a root).
    std::shared_ptr<const ocpp::net::ConnectTls> tls;
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
    // Firmware downloads and diagnostics uploads, shared by the whole process; none: every transfer fails.
    ocpp::transfer::TransferService* transfers = nullptr;
    // CPU work off the loop (RSA key pairs for certificate requests); none: done on the loop.
    ocpp::WorkerPool* workers = nullptr;
};

class Charger : public std::enable_shared_from_this<Charger> {
public:
    enum class State { Idle, Connecting, WaitingToReconnect, Booting, BootPending, Running, Stopping, Stopped };
    enum class Status { Available, Preparing, Charging, Finishing, Unavailable, Faulted, SuspendedEVSE, Reserved };

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
    // The power a session on `connector` draws now: the connector's power lowered to the composite limit.
    double power_w(int connector) const;
    // The charging profiles installed (null until the SmartCharging profile first answered or was used).
    const ocpp::smartcharging::ProfileStore* charging_profiles() const { return charging_profiles_.get(); }
    ConfigStore& config() { return config_; }
    const AuthStore& auth() const { return auth_; }
    // Faults (faults.cpp): a connector raised Faulted with an errorCode (not NoError) stops its session and takes
    // none until cleared; clearing returns it to Available (or Reserved, Unavailable). False for a bad connector.
    bool raise_fault(int connector, ocpp::v16::ChargePointErrorCode code);
    bool clear_fault(int connector);
    ocpp::v16::ChargePointErrorCode fault(int connector) const {
        return connectors_.at(static_cast<std::size_t>(connector)).fault;
    }
    // The id of the reservation on a connector (0 = the charge point), if one holds.
    std::optional<int> reservation_id(int connector) const;
    // Security events raised and not yet delivered (kept while offline), and those dropped from the full queue.
    std::size_t security_events_waiting() const;
    std::uint64_t security_events_dropped() const;
    // Raises a security event of the whitepaper's list from outside the protocol (a tamper switch, an operator).
    void raise_security_event(std::string_view type, std::string tech_info = {}) {
        security_event(type, std::move(tech_info));
    }
    // The security profile it connects with now (the SecurityProfile configuration key).
    int security_profile() const;
    // The PEM of its installed certificates of one kind (InstallCertificate), oldest first.
    std::vector<std::string> installed_certificates(ocpp::v16::CertificateUse use) const;
    // Its charge point certificate chain (CertificateSigned), empty when none.
    std::string charge_point_certificate() const;
    // A new key pair and CSR sent with SignCertificate (certificates.cpp), e.g. for ExtendedTriggerMessage.
    void request_certificate();

private:
    struct Connector {
        Status status = Status::Available;
        bool operative = true;
        bool pending_unavailable = false; // ChangeAvailability arrived during a session
        // A fault raised on the connector (faults.cpp): Faulted with this errorCode until cleared; NoError = none.
        ocpp::v16::ChargePointErrorCode fault = ocpp::v16::ChargePointErrorCode::NoError;
        std::optional<int> transaction_id; // from the central system
        std::uint64_t local_tx = 0;        // our reference until the id is known (offline start)
        std::string id_tag;
        std::optional<int> reservation_id; // the reservation this session fulfils (sent in StartTransaction)
        double meter_wh = 0;               // register reading
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
    // The security whitepaper, when the model has it (FeatureProfiles::security); its files are in security/:
    void register_security();     // security.cpp: keys, CSRs, certificates, SecurityProfile and AuthorizationKey
    void register_security_log(); // security_log.cpp: GetLog, SignedUpdateFirmware, ExtendedTriggerMessage
    void register_certificates(); // certificates.cpp: the certificate store, SignCertificate, CertificateSigned
    SecurityState& security_state();
    // ChangeConfiguration of a key of the whitepaper's (security.cpp); nullopt for the other keys.
    std::optional<ocpp::v16::ConfigurationStatus> change_security_key(const std::string& key, const std::string& value);
    void security_connect_failed(const ocpp::net::ConnectError& error); // events, fallback to the previous settings
    void security_connected();                                          // the new settings got in
    ConnectionSettings settings_for(int profile); // what a connection with this profile is made with
    std::shared_ptr<const ocpp::net::ConnectTls> connection_tls(int profile) const; // installed roots (+ certificate)
    void refresh_connection_tls(); // after the store or the certificate changed
    void apply_settings(const ConnectionSettings& settings);
    void switch_settings(ConnectionSettings next); // keeps the current ones to fall back to, then reconnects
    bool valid_charge_point_certificate() const;   // certificates.cpp: stored, or the command line's, and not expired
    void check_certificate_expiry(); // certificates.cpp: SignCertificate when the certificate nears its end
    // Sends a SecurityEventNotification (security_events.cpp); `type` is one of the whitepaper's event names.
    void security_event(std::string_view type, std::string tech_info = {});
    // The security log, the event queue, GetLog and SignedUpdateFirmware state (security_log_state.hpp, made on
    // first use).
    struct SecurityLogState;
    SecurityLogState& security_log_state();
    void security_after_boot();                     // StartupOfTheDevice after a start, queued events, unsent statuses
    void security_rebooting(std::string tech_info); // ResetOrReboot now, StartupOfTheDevice after the next boot
    void send_security_events();                    // the queue in order, one at a time, while the boot is accepted
    std::string security_log_file(std::optional<ocpp::DateTime> from, std::optional<ocpp::DateTime> to) const;
    void log_upload();                                       // security_log.cpp: GetLog's upload
    void send_log_status(ocpp::v16::UploadLogStatus status); // LogStatusNotification with the requestId
    void register_extended_trigger();                        // extended_trigger.cpp
    void register_signed_firmware();                         // signed_firmware.cpp
    void signed_firmware_download();
    void signed_firmware_downloaded(std::string file);
    void signed_firmware_install();
    void send_signed_firmware_status(ocpp::v16::SignedFirmwareStatus status);
    bool signed_firmware_holds_sessions() const; // a verified signed firmware waits for the sessions to end
    // The installed certificates of a type, PEM each (now the model's manufacturer_roots; the certificate store
    // backs it once it holds roots).
    std::vector<std::string> installed_roots(ocpp::v16::CertificateUse use) const;
    // Ends the sessions with `reason` and closes the connection after `after`, as a reboot does (handlers.cpp).
    void reboot(ocpp::v16::Reason reason, ocpp::Clock::Duration after, const char* why);
    void trigger_status_notifications(int connector); // remote_trigger.cpp: -1 = every connector
    void trigger_meter_values(int connector);         // remote_trigger.cpp: -1 or 0 = every connector
    void reset(bool hard);
    // Smart charging hooks of the sessions (smart_charging.cpp).
    ocpp::smartcharging::ProfileStore& profile_store();
    bool accept_remote_start_profile(int connector, const std::optional<ocpp::v16::ChargingProfile>& profile);
    void smart_session_started(int connector);
    void smart_transaction_id(int connector, int transaction_id);
    void smart_session_ended(int connector);
    void settle_meters();
    void follow_limits(); // Charging <-> SuspendedEVSE where the limit is 0, and the timer for the next change
    double drawn_wh(int connector, ocpp::Clock::TimePoint from, ocpp::Clock::TimePoint to) const;
    double current_a(int connector) const; // per phase, on the phases the limit in force allows
    ocpp::DateTime wall_at(ocpp::Clock::TimePoint t) const;
    void register_data_transfer(); // data_transfer.cpp: answers DataTransfer for the model's vendor ids
    // faults.cpp: DataTransfer messageId "fault" / "clear-fault" with {"connectorId":N,"errorCode":"..."} as data;
    // nullopt for other message ids.
    std::optional<ocpp::v16::DataTransferStatus> fault_data_transfer(const std::string& message_id,
                                                                     const std::optional<std::string>& data);
    void settle_charge_point_availability(); // faults.cpp: a Scheduled Inoperative of connector 0 once none charges
    void arm_data_transfer();                // data_transfer.cpp: the model's periodic DataTransfer
    // Authorization (authorize.cpp): the tag's entry in the local list or the cache, when those are enabled.
    std::optional<ocpp::v16::IdTagInfo> local_authorization(const std::string& id_tag) const;
    void admit(int connector, const std::optional<ocpp::v16::IdTagInfo>& info); // reservation check, then start
    void refuse(int connector);                                                 // the EV leaves without charging
    // Reservations (reservation.cpp)
    struct Reservation {
        int id = 0;
        std::string id_tag;
        std::optional<std::string> parent_id_tag;
    };
    // Whether the tag may begin on a connector with respect to reservations (parent from its idTagInfo if known).
    // `authorized`: the parent is as known as it gets (after authorization); before, a group reservation lets it try.
    bool reservation_permits(int connector, const std::string& id_tag, const std::optional<std::string>& parent,
                             bool authorized) const;
    // The reservation the tag fulfils by starting on a connector, if any (the connector's own or connector 0's).
    std::optional<int> reservation_for(int connector, const std::string& id_tag,
                                       const std::optional<std::string>& parent) const;
    void end_reservation(int connector); // expired, cancelled or used; the connector goes Available again
    // Firmware Management (firmware.cpp)
    struct FirmwareUpdate;    // an UpdateFirmware from retrieveDate to Installed
    struct DiagnosticsUpload; // a GetDiagnostics until Uploaded or UploadFailed
    void firmware_download();
    void firmware_downloaded(std::string file);
    void firmware_install();
    void firmware_after_boot();           // after every accepted boot: Installed once the new firmware runs
    bool firmware_holds_sessions() const; // a downloaded firmware waits for the sessions to end: no new arrivals
    void send_firmware_status(ocpp::v16::FirmwareStatus status);
    void diagnostics_upload();
    void send_diagnostics_status(ocpp::v16::DiagnosticsStatus status);
    std::string diagnostics_file(std::optional<ocpp::DateTime> from, std::optional<ocpp::DateTime> to) const;
    void remember(EventLog::Kind kind, int connector = 0, int value = 0);

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
    bool firmware_status_unsent_ = false;            // firmware_status_ could not be sent: it goes after the next boot
    bool diagnostics_status_unsent_ = false;         // the same for diagnostics_status_
    std::shared_ptr<FirmwareUpdate> firmware_;       // the update in progress, if any
    std::shared_ptr<DiagnosticsUpload> diagnostics_; // the upload in progress, if any
    EventLog events_;                                // recent events for the diagnostics file
    std::uint64_t next_local_tx_ = 1;
    std::uint64_t throughput_step_ = 0;
    std::optional<int> throughput_tx_;              // the open transaction of the "transactions" throughput action
    std::unordered_map<std::uint64_t, int> tx_ids_; // local session reference -> the central system's id
    std::function<void()> stopped_;
    std::unique_ptr<ocpp::smartcharging::ProfileStore> charging_profiles_; // created on first use
    std::unique_ptr<ocpp::Timer> limit_timer_;                             // the next change of a limit
    AuthStore auth_;                                                       // local authorization list and cache
    std::vector<std::optional<Reservation>> reservations_;                 // per connector, index 0 = the charge point
    std::vector<std::unique_ptr<ocpp::Timer>> reservation_end_; // per connector: the reservation's expiry (made on use)
    std::unique_ptr<ocpp::Timer> data_transfer_timer_;          // made when a periodic DataTransfer is first armed
    std::unique_ptr<SecurityLogState> security_log_;            // made on first use (security_log_state.hpp)
    std::unique_ptr<SecurityState> security_;                   // made on first use (security_state())
};

const char* to_string(Charger::Status s);

} // namespace sim
