// Charging sessions, meter values and the ordered transaction-message queue of a simulated charger.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;
using std::chrono::duration_cast;
using std::chrono::seconds;

namespace {
constexpr auto kFinishing = std::chrono::seconds(2);

SampledValue sample(double value, Measurand m, UnitOfMeasure unit, ReadingContext ctx) {
    SampledValue v;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", value);
    v.value = buf;
    v.measurand = m;
    v.unit = unit;
    v.context = ctx;
    return v;
}
} // namespace

ocpp::Clock::Duration Charger::session_length() {
    // Exponential around the mean, clamped: most sessions are short, a few take hours.
    const double mean_s = duration_cast<std::chrono::duration<double>>(spec_.session_mean).count();
    std::exponential_distribution<double> d(1.0 / std::max(1.0, mean_s));
    auto len = duration_cast<ocpp::Clock::Duration>(std::chrono::duration<double>(d(rng_)));
    return std::clamp(len, spec_.session_min, std::max(spec_.session_min, spec_.session_max));
}

void Charger::schedule_arrival(int c) {
    if (spec_.sessions_per_hour <= 0 || spec_.mode != Mode::Realistic || state_ == State::Stopping ||
        state_ == State::Stopped) {
        return;
    }
    const double per_connector_per_s = spec_.sessions_per_hour / spec_.connectors / 3600.0;
    std::exponential_distribution<double> d(per_connector_per_s);
    const auto delay = duration_cast<ocpp::Clock::Duration>(std::chrono::duration<double>(d(rng_)));
    conn(c).arrival_armed = true;
    conn(c).arrival->start(delay, [this, c] {
        conn(c).arrival_armed = false;
        std::uniform_int_distribution<std::size_t> pick(0, spec_.id_tags.size() - 1);
        // A random driver never takes a reserved connector; the holder comes through plug_in or a remote start. A
        // downloaded firmware waiting for the sessions to end holds new ones back.
        if (conn(c).status == Status::Reserved || firmware_holds_sessions() || !plug_in(c, spec_.id_tags[pick(rng_)])) {
            schedule_arrival(c);
        }
    });
}

bool Charger::plug_in(int c, const std::string& id_tag, bool remote) {
    if (c < 1 || c > spec_.connectors || state_ == State::Stopping || state_ == State::Stopped) {
        return false;
    }
    auto& k = conn(c);
    const bool reserved_here = k.status == Status::Reserved && reservation_permits(c, id_tag, std::nullopt, false);
    if ((k.status != Status::Available && !reserved_here) || !k.operative || k.local_tx != 0) {
        return false;
    }
    if (!reservation_permits(c, id_tag, std::nullopt, false)) {
        return false; // the last free connector is held by a reservation on connector 0
    }
    k.id_tag = id_tag;
    set_status(c, Status::Preparing);
    authorize_and_start(c, id_tag, remote);
    return true;
}

void Charger::start_transaction(int c) {
    auto& k = conn(c);
    settle_meters(); // the others' energy at their share before this session takes part of the charge point's limit
    k.local_tx = next_local_tx_++;
    k.transaction_id.reset();
    k.session_start_wh = k.meter_wh;
    k.charging_since = now();
    k.last_meter = now();
    std::uniform_real_distribution<double> soc(10.0, 60.0);
    k.soc_start = soc(rng_);
    ++env_.stats.sessions_started;
    StartTransactionReq req;
    req.connectorId = c;
    req.idTag = k.id_tag;
    req.meterStart = static_cast<int>(std::lround(k.meter_wh));
    req.timestamp = wall_now();
    req.reservationId = k.reservation_id;
    if (k.reservation_id) {
        for (int r = 0; r <= spec_.connectors; ++r) {
            const auto& held = reservations_[static_cast<std::size_t>(r)];
            if (held && held->id == *k.reservation_id) {
                end_reservation(r); // used by this session
            }
        }
        k.reservation_id.reset();
    }
    enqueue(Queued{req, k.local_tx, c});
    set_status(c, Status::Charging);
    smart_session_started(c);
    const int interval_s = config_.int_value("MeterValueSampleInterval", 0);
    if (interval_s > 0) {
        k.meter->start(seconds(interval_s), [this, c] { send_meter_values(c, ReadingContext::Sample_Periodic); });
    }
    k.end->start(session_length(), [this, c] { finish_session(c, Reason::EVDisconnected); });
}

void Charger::advance_meter(int c) {
    auto& k = conn(c);
    k.meter_wh += drawn_wh(c, k.last_meter, now()); // follows the charging profiles' limits
    k.last_meter = now();
}

void Charger::send_meter_values(int c, ReadingContext context) {
    auto& k = conn(c);
    if (k.local_tx == 0) {
        return; // a triggered reading outside a transaction is send_idle_meter_values (remote_trigger.cpp)
    }
    advance_meter(c);
    const double session_kwh = (k.meter_wh - k.session_start_wh) / 1000.0;
    const double soc = std::min(100.0, k.soc_start + 100.0 * session_kwh / spec_.battery_kwh);
    MeterValue mv;
    mv.timestamp = wall_now();
    mv.sampledValue = {
        sample(k.meter_wh, Measurand::Energy_Active_Import_Register, UnitOfMeasure::Wh, context),
        sample(power_w(c), Measurand::Power_Active_Import, UnitOfMeasure::W, context),
        sample(current_a(c), Measurand::Current_Import, UnitOfMeasure::A, context),
        sample(soc, Measurand::SoC, UnitOfMeasure::Percent, context),
    };
    MeterValuesReq req;
    req.connectorId = c;
    req.meterValue.push_back(std::move(mv));
    enqueue(Queued{req, k.local_tx, c});
    if (context == ReadingContext::Sample_Periodic) {
        const int interval_s = config_.int_value("MeterValueSampleInterval", 0);
        if (interval_s > 0) {
            k.meter->start(seconds(interval_s), [this, c] { send_meter_values(c, ReadingContext::Sample_Periodic); });
        }
    }
}

void Charger::finish_session(int c, Reason reason, std::function<void()> then) {
    auto& k = conn(c);
    if (k.local_tx == 0) {
        if (k.status == Status::Preparing) {
            smart_session_ended(c); // a TxProfile sent with RemoteStartTransaction ends with the start that never came
            set_status(c, Status::Available);
        }
        if (then) {
            then();
        }
        return;
    }
    advance_meter(c);
    settle_meters(); // the others' energy at their share before this session frees its part
    k.meter->cancel();
    StopTransactionReq req;
    req.meterStop = static_cast<int>(std::lround(k.meter_wh));
    req.timestamp = wall_now();
    req.reason = reason;
    req.idTag = k.id_tag;
    enqueue(Queued{req, k.local_tx, c});
    ++env_.stats.sessions_completed;
    k.local_tx = 0;
    k.transaction_id.reset();
    smart_session_ended(c);
    set_status(c, Status::Finishing);
    const bool stopping = state_ == State::Stopping;
    auto settle = [this, c, then = std::move(then)] {
        auto& kk = conn(c);
        const bool unavailable = kk.pending_unavailable || !kk.operative;
        kk.pending_unavailable = false;
        kk.operative = !unavailable;
        set_status(c, kk.fault != ChargePointErrorCode::NoError
                          ? Status::Faulted
                          : (unavailable ? Status::Unavailable : Status::Available));
        settle_charge_point_availability();
        if (then) {
            then();
        }
        schedule_arrival(c);
    };
    if (stopping) {
        settle();
    } else {
        k.end->start(kFinishing, std::move(settle));
    }
}

void Charger::unplug(int c, Reason reason) {
    if (c >= 1 && c <= spec_.connectors) {
        finish_session(c, reason);
    }
}

double Charger::energy_wh(int c) const {
    return connectors_.at(static_cast<std::size_t>(c)).meter_wh;
}

void Charger::enqueue(Queued q) {
    if (!connected() || !accepted_) {
        ++env_.stats.offline_queued;
        q.queued_offline = true;
    }
    if (offline_.size() >= spec_.offline_queue_limit) {
        // Keep starts and stops (billing needs them); give up the oldest meter value first.
        auto it = std::find_if(offline_.begin() + (replaying_ ? 1 : 0), offline_.end(),
                               [](const Queued& e) { return std::holds_alternative<MeterValuesReq>(e.msg); });
        if (it == offline_.end() && std::holds_alternative<MeterValuesReq>(q.msg)) {
            ++env_.stats.offline_dropped;
            return;
        }
        if (it != offline_.end()) {
            offline_.erase(it);
        } else {
            offline_.erase(offline_.begin() + (replaying_ ? 1 : 0));
        }
        ++env_.stats.offline_dropped;
    }
    offline_.push_back(std::move(q));
    replay_offline();
}

void Charger::replay_offline() {
    if (replaying_ || offline_.empty() || !connected() || !accepted_) {
        return;
    }
    replaying_ = true;
    Queued& q = offline_.front();
    std::optional<int> tx;
    if (auto it = tx_ids_.find(q.local_tx); it != tx_ids_.end()) {
        tx = it->second;
    }
    // Called with whether the message was answered: answered ones leave the queue, others wait for reconnection.
    auto next = [this](bool answered, bool counted_replay) {
        replaying_ = false;
        if (answered && !offline_.empty()) {
            offline_.pop_front();
            if (counted_replay) {
                ++env_.stats.offline_replayed;
            }
        }
        maybe_finish_stop();
        replay_offline();
    };
    const bool replay = q.queued_offline;
    auto answered = [](ocpp::CallStatus s) {
        return s == ocpp::CallStatus::Ok || s == ocpp::CallStatus::CallError || s == ocpp::CallStatus::InvalidRequest;
    };
    if (auto* start = std::get_if<StartTransactionReq>(&q.msg)) {
        const auto local = q.local_tx;
        const int c = q.connector;
        call(*start,
             [this, local, c, tag = start->idTag, next, answered, replay](ocpp::CallOutcome<StartTransactionConf> out) {
                 if (out.ok()) {
                     tx_ids_[local] = out.conf->transactionId;
                     // Which transactions the central system acknowledged, for checking that it stored each once.
                     env_.log.debug(spec_.id, "transaction " + std::to_string(out.conf->transactionId) +
                                                  " acknowledged on connector " + std::to_string(c));
                     if (config_.bool_value("AuthorizationCacheEnabled", false)) {
                         auth_.remember(tag, out.conf->idTagInfo);
                     }
                     if (conn(c).local_tx == local) {
                         conn(c).transaction_id = out.conf->transactionId;
                         smart_transaction_id(c, out.conf->transactionId);
                         if (out.conf->idTagInfo.status != AuthorizationStatus::Accepted &&
                             config_.bool_value("StopTransactionOnInvalidId", true)) {
                             finish_session(c, Reason::DeAuthorized);
                         }
                     }
                 }
                 next(answered(out.status), replay);
             });
    } else if (auto* mv = std::get_if<MeterValuesReq>(&q.msg)) {
        mv->transactionId = tx;
        call(*mv,
             [next, answered, replay](ocpp::CallOutcome<MeterValuesConf> out) { next(answered(out.status), replay); });
    } else if (auto* stop = std::get_if<StopTransactionReq>(&q.msg)) {
        if (!tx) {
            // The start was never accepted: there is no transaction to stop.
            ++env_.stats.offline_dropped;
            next(true, false);
            return;
        }
        stop->transactionId = *tx;
        const auto local = q.local_tx;
        call(*stop,
             [this, local, tx, tag = stop->idTag, next, answered, replay](ocpp::CallOutcome<StopTransactionConf> out) {
                 if (answered(out.status)) {
                     tx_ids_.erase(local);
                 }
                 if (out.ok()) {
                     env_.log.debug(spec_.id, "transaction " + std::to_string(*tx) + " stop acknowledged");
                 }
                 if (out.ok() && out.conf->idTagInfo && tag && config_.bool_value("AuthorizationCacheEnabled", false)) {
                     auth_.remember(*tag, *out.conf->idTagInfo); // the stop's answer updates the cache too
                 }
                 next(answered(out.status), replay);
             });
    }
}

void Charger::throughput_next() {
    if (state_ != State::Running || !connected()) {
        return;
    }
    std::string action = spec_.throughput_action;
    if (action == "transactions") {
        throughput_transactions();
        return;
    }
    if (action == "mix") {
        static constexpr const char* kMix[] = {"Heartbeat", "StatusNotification", "MeterValues"};
        action = kMix[next_local_tx_++ % 3];
    }
    std::weak_ptr<Charger> weak = weak_from_this();
    auto again = [weak](auto&&) {
        if (auto self = weak.lock()) {
            self->throughput_next();
        }
    };
    if (action == "StatusNotification") {
        StatusNotificationReq req;
        req.connectorId = 1;
        req.errorCode = ChargePointErrorCode::NoError;
        req.status = ChargePointStatus::Available;
        req.timestamp = wall_now();
        call(req, again);
    } else if (action == "MeterValues") {
        MeterValuesReq req;
        req.connectorId = 1;
        MeterValue mv;
        mv.timestamp = wall_now();
        for (int i = 0; i < 10; ++i) {
            mv.sampledValue.push_back(sample(1000.0 + i, Measurand::Energy_Active_Import_Register, UnitOfMeasure::Wh,
                                             ReadingContext::Sample_Periodic));
        }
        req.meterValue.push_back(std::move(mv));
        call(req, again);
    } else {
        call(HeartbeatReq{}, again);
    }
}

// One step of the "transactions" throughput action: StartTransaction, three MeterValues with the transaction id,
// StopTransaction; the next call goes out as soon as the answer arrives.
void Charger::throughput_transactions() {
    std::weak_ptr<Charger> weak = weak_from_this();
    auto again = [weak](auto&&) {
        if (auto self = weak.lock()) {
            self->throughput_next();
        }
    };
    const std::uint64_t step = throughput_step_++ % 5;
    const double wh = 1000.0 * static_cast<double>(throughput_step_);
    if (step == 0 || !throughput_tx_) {
        throughput_step_ = 1;
        StartTransactionReq req;
        req.connectorId = 1;
        req.idTag = spec_.id_tags.empty() ? std::string("SIM-TAG-1") : spec_.id_tags.front();
        req.meterStart = static_cast<int>(wh);
        req.timestamp = wall_now();
        call(req, [weak](ocpp::CallOutcome<StartTransactionConf> out) {
            if (auto self = weak.lock()) {
                self->throughput_tx_.reset();
                if (out.ok()) {
                    self->throughput_tx_ = out.conf->transactionId;
                }
                self->throughput_next();
            }
        });
    } else if (step < 4) {
        MeterValuesReq req;
        req.connectorId = 1;
        req.transactionId = throughput_tx_;
        MeterValue mv;
        mv.timestamp = wall_now();
        mv.sampledValue.push_back(
            sample(wh, Measurand::Energy_Active_Import_Register, UnitOfMeasure::Wh, ReadingContext::Sample_Periodic));
        mv.sampledValue.push_back(
            sample(11000.0, Measurand::Power_Active_Import, UnitOfMeasure::W, ReadingContext::Sample_Periodic));
        req.meterValue.push_back(std::move(mv));
        call(req, again);
    } else {
        StopTransactionReq req;
        req.transactionId = *throughput_tx_;
        req.meterStop = static_cast<int>(wh);
        req.timestamp = wall_now();
        req.reason = Reason::Local;
        throughput_tx_.reset();
        call(req, again);
    }
}

} // namespace sim
