#include "simulator/charger/charger.hpp"

#include <algorithm>

#include "ocpp/util/enum_names.hpp"
#include "simulator/charger/call.hpp"
#include "simulator/charger/security/security_log_state.hpp"
#include "simulator/charger/security/security_state.hpp"

namespace sim {

using namespace ocpp::v16;
using std::chrono::duration_cast;
using std::chrono::seconds;

namespace {
// The OCPP 1.6 ChargePointStatus names a StatusNotification sends.
constexpr ocpp::EnumName<Charger::Status> kStatusNames[] = {
    {Charger::Status::Available, "Available"},         {Charger::Status::Preparing, "Preparing"},
    {Charger::Status::Charging, "Charging"},           {Charger::Status::Finishing, "Finishing"},
    {Charger::Status::Unavailable, "Unavailable"},     {Charger::Status::Faulted, "Faulted"},
    {Charger::Status::SuspendedEVSE, "SuspendedEVSE"}, {Charger::Status::Reserved, "Reserved"},
};
} // namespace

const char* to_string(Charger::Status s) {
    return ocpp::name_of(kStatusNames, s, "?");
}

Charger::Charger(ChargerSpec spec, ChargerEnv& env, std::uint64_t seed)
    : spec_(std::move(spec))
    , env_(env)
    , rng_(seed)
    , config_(spec_.connectors, static_cast<int>(duration_cast<seconds>(spec_.heartbeat_interval).count()),
              static_cast<int>(duration_cast<seconds>(spec_.meter_interval).count()), spec_.profiles.csv())
    , heartbeat_interval_(spec_.heartbeat_interval)
    , backoff_(spec_.reconnect_min) {
    connectors_.resize(static_cast<std::size_t>(spec_.connectors) + 1);
    for (auto& c : connectors_) {
        c.arrival = env_.executor.make_timer();
        c.meter = env_.executor.make_timer();
        c.end = env_.executor.make_timer();
    }
    reconnect_timer_ = env_.executor.make_timer();
    boot_timer_ = env_.executor.make_timer();
    heartbeat_timer_ = env_.executor.make_timer();
    stop_timer_ = env_.executor.make_timer();
    // The timers of reservations and of the periodic DataTransfer are made when first needed: most chargers of a
    // large fleet never use them, and each costs memory.
    for (const auto& [c, code] : spec_.faulted_connectors) {
        if (c >= 1 && c <= spec_.connectors && code != ChargePointErrorCode::NoError) {
            connectors_[static_cast<std::size_t>(c)].fault = code; // a model's broken connector, from the start
            connectors_[static_cast<std::size_t>(c)].status = Status::Faulted;
        }
    }
    reservations_.resize(connectors_.size());
    reservation_end_.resize(connectors_.size());
    if (spec_.profiles.security) {
        add_security_keys(config_, spec_);
    }
    for (const auto& [key, value] : spec_.config_overrides) {
        (void)config_.override_value(key, value); // checked when the model was read
        if (key == "HeartbeatInterval") {
            heartbeat_interval_ =
                seconds(config_.int_value("HeartbeatInterval", 0)); // until the central system sets one
        }
    }
}

Charger::~Charger() = default;

void Charger::count(std::string_view action, ocpp::CallStatus status, ocpp::Clock::Duration latency) {
    auto& a = env_.stats.action(std::string(action));
    switch (status) {
    case ocpp::CallStatus::Ok:
        ++a.ok;
        a.latency.record(latency);
        break;
    case ocpp::CallStatus::CallError:
        ++a.call_errors;
        a.latency.record(latency);
        break;
    case ocpp::CallStatus::Timeout:
        ++a.timeouts;
        break;
    default:
        ++a.failed;
        break;
    }
}

ocpp::Clock::Duration Charger::jitter(ocpp::Clock::Duration d) {
    // ±25 % spreads reconnect storms and boot retries of a whole fleet over time.
    std::uniform_real_distribution<double> f(0.75, 1.25);
    return duration_cast<ocpp::Clock::Duration>(d * f(rng_));
}

void Charger::start() {
    if (state_ == State::Idle) {
        connect();
    }
}

void Charger::connect() {
    state_ = State::Connecting;
    connecting_ = true;
    ++env_.stats.connect_attempts;
    std::weak_ptr<Charger> weak = weak_from_this();
    env_.connect(spec_, [weak](ocpp::net::SessionPtr session, std::optional<ocpp::net::ConnectError> error) {
        auto self = weak.lock();
        if (self) {
            self->connecting_ = false;
        }
        if (!self) {
            if (session) {
                session->close(1001, "charger gone");
            }
            return;
        }
        if (error && (self->state_ == State::Stopping || self->state_ == State::Stopped)) {
            self->maybe_finish_stop(); // an attempt abandoned because we stop is no error
            return;
        }
        if (error) {
            static constexpr const char* kCauses[] = {"bad-url", "refused",        "timeout", "tls",
                                                      "http",    "no-subprotocol", "other"};
            std::string cause = kCauses[static_cast<int>(error->kind)];
            if (error->kind == ocpp::net::ConnectError::Kind::HttpStatus) {
                cause += "-" + std::to_string(error->http_status);
            }
            ++self->env_.stats.connect_errors[cause];
            self->env_.log.debug(self->spec_.id, "connection failed: " + error->message);
            self->security_connect_failed(*error);
            self->schedule_reconnect();
            return;
        }
        self->on_connected(std::move(session));
    });
}

void Charger::schedule_reconnect() {
    if (state_ == State::Stopping || state_ == State::Stopped) {
        state_ = State::Stopped;
        maybe_finish_stop();
        return;
    }
    state_ = State::WaitingToReconnect;
    const auto delay = jitter(backoff_);
    backoff_ = std::min(backoff_ * 2, spec_.reconnect_max);
    reconnect_timer_->start(delay, [this] { connect(); });
}

void Charger::on_connected(ocpp::net::SessionPtr session) {
    ++env_.stats.connects;
    backoff_ = spec_.reconnect_min;
    security_connected();
    peer_ = ocpp::Peer::create(std::move(session), env_.schemas, env_.peer, env_.log);
    register_handlers();
    std::weak_ptr<Charger> weak = weak_from_this();
    peer_->set_close_handler([weak](const ocpp::net::CloseInfo& info) {
        if (auto self = weak.lock()) {
            self->on_disconnected(info);
        }
    });
    if (state_ == State::Stopping) {
        closing_ = true;
        peer_->close(1000, "simulator stopping");
        return;
    }
    state_ = State::Booting;
    send_boot();
}

void Charger::on_disconnected(const ocpp::net::CloseInfo& info) {
    if (!closing_) {
        ++env_.stats.disconnects; // lost, not closed by us (stop, reset)
    }
    closing_ = false;
    env_.log.debug(spec_.id, "disconnected: " + std::to_string(info.code) + " " + info.reason);
    remember(EventLog::Kind::Disconnected);
    heartbeat_timer_->cancel();
    if (data_transfer_timer_) {
        data_transfer_timer_->cancel();
    }
    boot_timer_->cancel();
    replaying_ = false;
    accepted_ = false;
    peer_.reset(); // the Peer keeps itself alive until its close handling returns
    if (state_ == State::Stopping || state_ == State::Stopped) {
        state_ = State::Stopped;
        maybe_finish_stop();
        return;
    }
    schedule_reconnect();
}

void Charger::drop_connection() {
    if (peer_) {
        peer_->close(1001, "connection dropped");
    }
}

void Charger::send_boot() {
    BootNotificationReq req;
    req.chargePointVendor = spec_.vendor;
    req.chargePointModel = spec_.model;
    req.chargePointSerialNumber = spec_.id.substr(0, 25);
    req.firmwareVersion = spec_.firmware_version;
    call(req, [this](ocpp::CallOutcome<BootNotificationConf> out) {
        if (state_ == State::Stopping) {
            return;
        }
        if (!out.ok()) {
            if (out.status != ocpp::CallStatus::Closed) {
                boot_timer_->start(jitter(spec_.boot_retry_default), [this] { send_boot(); });
            }
            return;
        }
        const auto interval =
            out.conf->interval > 0 ? ocpp::Clock::Duration(seconds(out.conf->interval)) : ocpp::Clock::Duration{};
        if (out.conf->status == RegistrationStatus::Accepted) {
            ++env_.stats.boots_accepted;
            accepted_ = true;
            if (interval.count() > 0) {
                heartbeat_interval_ = interval;
                (void)config_.set("HeartbeatInterval", std::to_string(out.conf->interval));
            }
            on_booted();
            return;
        }
        // Pending or Rejected: try again after the interval the central system gave.
        ++(out.conf->status == RegistrationStatus::Pending ? env_.stats.boots_pending : env_.stats.boots_rejected);
        state_ = State::BootPending;
        boot_timer_->start(interval.count() > 0 ? interval : jitter(spec_.boot_retry_default), [this] { send_boot(); });
    });
}

void Charger::on_booted() {
    state_ = State::Running;
    remember(EventLog::Kind::Boot);
    for (int c = 0; c <= spec_.connectors; ++c) {
        send_status(c);
    }
    security_after_boot();
    firmware_after_boot();
    arm_heartbeat();
    arm_data_transfer();
    replay_offline();
    if (spec_.mode == Mode::Throughput) {
        throughput_next();
        return;
    }
    if (spec_.first_session_after && !first_session_armed_ && spec_.connectors >= 1 && !spec_.id_tags.empty()) {
        first_session_armed_ = true;
        conn(1).arrival_armed = true;
        conn(1).arrival->start(*spec_.first_session_after, [this] {
            conn(1).arrival_armed = false;
            if (!plug_in(1, spec_.id_tags.front())) {
                schedule_arrival(1);
            }
        });
    }
    for (int c = 1; c <= spec_.connectors; ++c) {
        if (!conn(c).arrival_armed && conn(c).local_tx == 0) {
            schedule_arrival(c);
        }
    }
}

void Charger::arm_heartbeat() {
    if (spec_.mode == Mode::Throughput || heartbeat_interval_.count() <= 0) {
        return;
    }
    heartbeat_timer_->start(heartbeat_interval_, [this] {
        send_heartbeat();
        arm_heartbeat();
    });
}

void Charger::send_heartbeat() {
    call(HeartbeatReq{});
}

void Charger::send_status(int connector) {
    if (!booted() || !connected()) {
        return; // the current status of every connector is sent after the next boot
    }
    static constexpr ChargePointStatus kMap[] = {ChargePointStatus::Available,     ChargePointStatus::Preparing,
                                                 ChargePointStatus::Charging,      ChargePointStatus::Finishing,
                                                 ChargePointStatus::Unavailable,   ChargePointStatus::Faulted,
                                                 ChargePointStatus::SuspendedEVSE, ChargePointStatus::Reserved};
    StatusNotificationReq req;
    req.connectorId = connector;
    req.status = kMap[static_cast<int>(conn(connector).status)];
    req.errorCode = req.status == ChargePointStatus::Faulted ? conn(connector).fault : ChargePointErrorCode::NoError;
    req.timestamp = wall_now();
    call(req);
}

void Charger::set_status(int connector, Status s) {
    if (conn(connector).status != s) {
        remember(EventLog::Kind::Status, connector, static_cast<int>(s));
        conn(connector).status = s;
        send_status(connector);
    }
}

int Charger::charging() const {
    return static_cast<int>(
        std::count_if(connectors_.begin() + 1, connectors_.end(), [](const Connector& c) { return c.local_tx != 0; }));
}

std::optional<int> Charger::transaction_id(int connector) const {
    return connectors_.at(static_cast<std::size_t>(connector)).transaction_id;
}

void Charger::stop(std::function<void()> done) {
    if (state_ == State::Stopped || state_ == State::Stopping) {
        if (done) {
            done();
        }
        return;
    }
    state_ = State::Stopping;
    stopped_ = std::move(done);
    heartbeat_timer_->cancel();
    if (data_transfer_timer_) {
        data_transfer_timer_->cancel();
    }
    boot_timer_->cancel();
    reconnect_timer_->cancel();
    for (int c = 1; c <= spec_.connectors; ++c) {
        conn(c).arrival->cancel();
        conn(c).arrival_armed = false;
        finish_session(c, Reason::Local);
    }
    // Give the last transaction messages a few seconds to go out, then close regardless.
    stop_timer_->start(std::chrono::seconds(5), [this] {
        offline_.clear();
        if (peer_ && peer_->is_open()) {
            closing_ = true;
            peer_->close(1000, "simulator stopping");
        }
        maybe_finish_stop();
    });
    maybe_finish_stop();
}

void Charger::maybe_finish_stop() {
    if (state_ != State::Stopping && state_ != State::Stopped) {
        return;
    }
    if (peer_) {
        // Close once the last transaction messages and the call in flight are answered (or the stop timer fires).
        if (peer_->is_open() && offline_.empty() && peer_->calls_waiting() == 0) {
            closing_ = true;
            peer_->close(1000, "simulator stopping");
        }
        return; // on_disconnected() comes back here once the connection is closed
    }
    if (connecting_) {
        return; // on_connected() closes the new connection at once
    }
    state_ = State::Stopped;
    stop_timer_->cancel();
    if (auto done = std::move(stopped_)) {
        stopped_ = nullptr;
        done();
    }
}

} // namespace sim
