// The SmartCharging profile: SetChargingProfile, ClearChargingProfile, GetCompositeSchedule, a TxProfile in
// RemoteStartTransaction, and the power a session draws following the composite limit at every moment.
#include <algorithm>
#include <limits>

#include "ocpp/text/split.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;
using std::chrono::duration_cast;
namespace sc = ocpp::smartcharging;

namespace {
constexpr auto kLongestWait = std::chrono::hours(1); // re-check limits at least this often
constexpr int kMaxSegments = 100000;                 // bounds one energy integration

// The profile's configuration keys (read-only, OCPP 1.6 section 9.4) and the charger's electrics.
sc::Limits limits_of(const ConfigStore& config, const ChargerSpec& spec) {
    sc::Limits l;
    l.connectors = spec.connectors;
    l.max_stack_level = config.int_value("ChargeProfileMaxStackLevel", l.max_stack_level);
    l.max_periods = config.int_value("ChargingScheduleMaxPeriods", l.max_periods);
    l.max_profiles = config.int_value("MaxChargingProfilesInstalled", l.max_profiles);
    const auto units = config.value("ChargingScheduleAllowedChargingRateUnit").value_or("Current,Power");
    l.allow_current = l.allow_power = false;
    for (const auto unit : ocpp::text::split_nonempty(units, ',', " ")) {
        l.allow_current = l.allow_current || unit == "Current";
        l.allow_power = l.allow_power || unit == "Power";
    }
    l.voltage = spec.voltage;
    l.phases = spec.phases;
    l.connector_max_w = spec.power_kw * 1000.0;
    return l;
}

// What the EV draws under a limit: nothing below the schedule's minChargingRate (it cannot charge that slowly).
double drawn(const sc::Limit& l) {
    return l.watts < l.min_watts ? 0.0 : std::max(0.0, l.watts);
}
// What connector c may draw at t: its own composite limit, and no more than an equal share of the charge point's
// limit (its ChargePointMaxProfile, else the hardware of all connectors) among the sessions running.
sc::Limit share(const sc::ProfileStore& store, int c, int sessions, std::int64_t t_ms) {
    const auto t = ocpp::DateTime::from_unix_ms(t_ms);
    auto own = store.limit_at(c, t);
    const auto site = store.limit_at(0, t);
    own.watts = std::min(own.watts, site.watts / std::max(1, sessions));
    own.until_ms = std::min(own.until_ms, site.until_ms);
    return own;
}
} // namespace

sc::ProfileStore& Charger::profile_store() {
    if (!charging_profiles_) {
        charging_profiles_ = std::make_unique<sc::ProfileStore>(limits_of(config_, spec_));
    }
    return *charging_profiles_;
}

ocpp::DateTime Charger::wall_at(ocpp::Clock::TimePoint t) const {
    return ocpp::DateTime{wall_now().time - duration_cast<std::chrono::system_clock::duration>(now() - t)};
}

double Charger::power_w(int c) const {
    if (!charging_profiles_) {
        return spec_.power_kw * 1000.0;
    }
    return drawn(share(*charging_profiles_, c, charging(), wall_now().unix_ms()));
}

double Charger::current_a(int c) const {
    const int phases = charging_profiles_ ? charging_profiles_->limit_at(c, wall_now()).phases : spec_.phases;
    return power_w(c) / (spec_.voltage * std::max(1, phases));
}

double Charger::drawn_wh(int c, ocpp::Clock::TimePoint from, ocpp::Clock::TimePoint to) const {
    using Hours = std::chrono::duration<double, std::ratio<3600>>;
    if (to <= from) {
        return 0;
    }
    if (!charging_profiles_) {
        return spec_.power_kw * 1000.0 * duration_cast<Hours>(to - from).count();
    }
    // Piecewise: the limit holds until its next change, then the next one.
    const long long end_ms = wall_at(to).unix_ms();
    long long t = wall_at(from).unix_ms();
    double wh = 0;
    for (int i = 0; t < end_ms && i < kMaxSegments; ++i) {
        const auto l = share(*charging_profiles_, c, charging(), t);
        const long long until = std::min<long long>(end_ms, std::max<long long>(l.until_ms, t + 1));
        wh += drawn(l) * static_cast<double>(until - t) / 3600000.0;
        t = until;
    }
    return wh;
}

void Charger::smart_session_started(int c) {
    if (spec_.profiles.smart_charging) {
        profile_store().transaction_started(c, wall_now());
        follow_limits();
    }
}

void Charger::smart_transaction_id(int c, int transaction_id) {
    if (charging_profiles_) {
        charging_profiles_->transaction_id(c, transaction_id);
    }
}

void Charger::smart_session_ended(int c) {
    if (charging_profiles_) {
        charging_profiles_->transaction_ended(c);
        follow_limits();
    }
}

bool Charger::accept_remote_start_profile(int c, const std::optional<ChargingProfile>& profile) {
    if (!profile || !spec_.profiles.smart_charging) {
        return true; // without the SmartCharging profile the charging profile is ignored
    }
    const auto verdict = profile_store().set_for_remote_start(c, *profile);
    if (!verdict.accepted()) {
        env_.log.info(spec_.id, "RemoteStartTransaction charging profile rejected: " + verdict.text);
    }
    return verdict.accepted();
}

// OCPP 1.6 section 4.9: a connector whose EVSE offers no energy (a smart charging limit of 0) is SuspendedEVSE,
// and Charging again when the limit rises; a timer wakes at the next change of any connector's limit.
void Charger::follow_limits() {
    if (!charging_profiles_) {
        return;
    }
    if (!limit_timer_) {
        limit_timer_ = env_.executor.make_timer();
    }
    const auto wall = wall_now();
    std::int64_t next = std::numeric_limits<std::int64_t>::max();
    for (int c = 1; c <= spec_.connectors; ++c) {
        auto& k = conn(c);
        if (k.local_tx == 0 || (k.status != Status::Charging && k.status != Status::SuspendedEVSE)) {
            continue;
        }
        advance_meter(c); // the energy so far, at the old limit
        const auto l = share(*charging_profiles_, c, charging(), wall.unix_ms());
        set_status(c, drawn(l) > 0 ? Status::Charging : Status::SuspendedEVSE);
        next = std::min(next, l.until_ms);
    }
    if (next == std::numeric_limits<std::int64_t>::max()) {
        limit_timer_->cancel();
        return;
    }
    const auto wait = std::min<ocpp::Clock::Duration>(duration_cast<ocpp::Clock::Duration>(std::chrono::milliseconds(
                                                          std::max<std::int64_t>(1, next - wall.unix_ms()))),
                                                      kLongestWait);
    limit_timer_->start(wait, [this] { follow_limits(); });
}

// Books the energy of running sessions up to now, at the limits in force before a change.
void Charger::settle_meters() {
    for (int c = 1; c <= spec_.connectors; ++c) {
        if (conn(c).local_tx != 0) {
            advance_meter(c);
        }
    }
}

void Charger::register_smart_charging() {
    auto& p = *peer_;
    auto counted = [this](std::string_view action) { ++env_.stats.calls_answered[std::string(action)]; };

    p.on<SetChargingProfileReq>([this, counted](const SetChargingProfileReq& req, Reply<SetChargingProfileConf> reply) {
        counted(req.action);
        settle_meters();
        const auto verdict = profile_store().set(req.connectorId, req.csChargingProfiles);
        if (!verdict.accepted()) {
            env_.log.info(spec_.id, "SetChargingProfile rejected: " + verdict.text);
        }
        reply(SetChargingProfileConf{verdict.status});
        follow_limits();
    });

    p.on<ClearChargingProfileReq>(
        [this, counted](const ClearChargingProfileReq& req, Reply<ClearChargingProfileConf> reply) {
            counted(req.action);
            settle_meters();
            reply(ClearChargingProfileConf{profile_store().clear(req)});
            follow_limits();
        });

    p.on<GetCompositeScheduleReq>(
        [this, counted](const GetCompositeScheduleReq& req, Reply<GetCompositeScheduleConf> reply) {
            counted(req.action);
            reply(profile_store().composite(req.connectorId, wall_now(), req.duration, req.chargingRateUnit));
        });
}

} // namespace sim
