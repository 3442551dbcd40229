// The composite schedule (OCPP 1.6 section 3.13): within a purpose the valid profile with the highest stack level
// that defines a limit leads; a TxProfile overrides the TxDefaultProfile; a ChargePointMaxProfile caps the result.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ocpp/smartcharging/charging_profiles.hpp"
#include "ocpp/smartcharging/units.hpp"

namespace ocpp::smartcharging {

using namespace ocpp::v16;

namespace {
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kDayMs = 86400000;
constexpr std::size_t kMaxSteps = 4096; // bounds the work of one composite whatever the profiles

// A profile's limit at one moment, in watts, and when that may change.
struct Sample {
    bool defined = false;
    double watts = 0;
    double min_watts = 0;
    int phases = 3;
    std::int64_t next = kNever;
};

// A profile of a stack and its last sample, reused until that sample's next change (time only moves forward).
struct Ref {
    const ProfileStore::Installed* p;
    Sample cached{};
    bool fresh = false;
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

double to_watts(double limit, ChargingRateUnitType unit, int phases, double voltage) {
    return unit == ChargingRateUnitType::A ? watts_from_amps(limit, phases, voltage) : limit;
}

// `start_ms` anchors Relative schedules (and Absolute ones without startSchedule): the transaction's start.
Sample evaluate(const ChargingProfile& p, std::int64_t t, std::int64_t start_ms, const Limits& lim) {
    Sample s;
    const std::int64_t from = p.validFrom ? p.validFrom->unix_ms() : std::numeric_limits<std::int64_t>::min();
    const std::int64_t to = p.validTo ? p.validTo->unix_ms() : kNever;
    if (t < from) {
        s.next = from;
        return s;
    }
    if (t >= to) {
        return s;
    }
    const auto& sch = p.chargingSchedule;
    std::int64_t anchor = start_ms;
    std::int64_t cap = to;
    if (p.chargingProfileKind == ChargingProfileKindType::Recurring && sch.startSchedule) {
        const std::int64_t cycle = p.recurrencyKind == RecurrencyKindType::Weekly ? 7 * kDayMs : kDayMs;
        const std::int64_t base = sch.startSchedule->unix_ms();
        anchor = base + floor_div(t - base, cycle) * cycle;
        cap = std::min(cap, anchor + cycle);
    } else if (p.chargingProfileKind == ChargingProfileKindType::Absolute && sch.startSchedule) {
        anchor = sch.startSchedule->unix_ms();
    }
    if (t < anchor) {
        s.next = std::min(anchor, cap);
        return s;
    }
    std::int64_t end = sch.duration ? anchor + static_cast<std::int64_t>(*sch.duration) * 1000 : kNever;
    end = std::min(end, cap);
    if (t >= end) {
        s.next = cap; // a recurring schedule starts again at the next cycle
        return s;
    }
    const auto& periods = sch.chargingSchedulePeriod;
    const std::int64_t offset = t - anchor;
    auto it = std::upper_bound(periods.begin(), periods.end(), offset, [](std::int64_t off, const auto& per) {
        return off < static_cast<std::int64_t>(per.startPeriod) * 1000;
    });
    if (it == periods.begin()) {
        s.next = std::min(anchor + static_cast<std::int64_t>(periods.front().startPeriod) * 1000, end);
        return s;
    }
    const auto& cur = *(it - 1);
    s.defined = true;
    s.phases = cur.numberPhases.value_or(lim.phases);
    s.watts = to_watts(cur.limit, sch.chargingRateUnit, s.phases, lim.voltage);
    s.min_watts = sch.minChargingRate ? to_watts(*sch.minChargingRate, sch.chargingRateUnit, s.phases, lim.voltage) : 0;
    s.next = it == periods.end() ? end : std::min(end, anchor + static_cast<std::int64_t>(it->startPeriod) * 1000);
    return s;
}

// The leading sample of one purpose's stack: the highest stack level that defines a limit at t (on a tie, the
// profile of the connector itself over one of connector 0). `next` is the earliest change of any of them.
Sample lead(std::vector<Ref>& stack, std::int64_t t, std::int64_t start_ms, const Limits& lim) {
    Sample best;
    int best_level = -1;
    int best_connector = -1;
    std::int64_t next = kNever;
    for (auto& r : stack) {
        if (!r.fresh || t >= r.cached.next) {
            r.cached = evaluate(r.p->profile, t, start_ms, lim);
            r.fresh = true;
        }
        const Sample& s = r.cached;
        next = std::min(next, s.next);
        const int level = r.p->profile.stackLevel;
        if (s.defined && (level > best_level || (level == best_level && r.p->connector > best_connector))) {
            best = s;
            best_level = level;
            best_connector = r.p->connector;
        }
    }
    best.next = next;
    return best;
}

struct Stacks {
    std::vector<Ref> tx, tx_default, max;
};

double round1(double v) {
    return std::round(v * 10.0) / 10.0;
}
} // namespace

namespace {
// Everything in force on one connector at t, in watts.
Limit combine(Stacks& st, std::int64_t t, std::int64_t start_ms, double hw_watts, const Limits& lim,
              std::int64_t& next) {
    Limit out{hw_watts, 0, lim.phases};
    next = kNever;
    const Sample tx = lead(st.tx, t, start_ms, lim);
    const Sample def = lead(st.tx_default, t, start_ms, lim);
    const Sample max = lead(st.max, t, start_ms, lim);
    next = std::min({tx.next, def.next, max.next});
    out.until_ms = next;
    const Sample& session = tx.defined ? tx : def; // §3.13.2: a TxProfile overrides the TxDefaultProfile
    if (session.defined) {
        out.phases = session.phases;
        out.min_watts = session.min_watts;
        out.watts = std::min(out.watts, session.watts);
    }
    if (max.defined && max.watts < out.watts) {
        out.watts = max.watts;
        out.phases = session.defined ? session.phases : max.phases;
    }
    return out;
}
} // namespace

namespace {
Stacks collect(const std::vector<ProfileStore::Installed>& installed, int connector, bool tx_running,
               std::optional<int> tx_id) {
    Stacks st;
    for (const auto& i : installed) {
        switch (i.profile.chargingProfilePurpose) {
        case ChargingProfilePurposeType::ChargePointMaxProfile:
            st.max.push_back(Ref{&i});
            break;
        case ChargingProfilePurposeType::TxDefaultProfile:
            if (connector != 0 && (i.connector == 0 || i.connector == connector)) {
                st.tx_default.push_back(Ref{&i});
            }
            break;
        case ChargingProfilePurposeType::TxProfile:
            if (connector != 0 && i.connector == connector && tx_running &&
                (!i.profile.transactionId || !tx_id || i.profile.transactionId == tx_id)) {
                st.tx.push_back(Ref{&i});
            }
            break;
        }
    }
    return st;
}
} // namespace

GetCompositeScheduleConf ProfileStore::composite(int connector, DateTime now, int duration_s,
                                                 std::optional<ChargingRateUnitType> unit) const {
    GetCompositeScheduleConf conf;
    conf.status = GetCompositeScheduleStatus::Rejected;
    if (connector < 0 || connector > limits_.connectors || duration_s <= 0 ||
        duration_s > limits_.max_composite_seconds) {
        return conf;
    }
    const auto rate_unit = unit.value_or(limits_.allow_current ? ChargingRateUnitType::A : ChargingRateUnitType::W);
    const Transaction* tx = transaction(connector);
    const std::int64_t t0 = now.unix_ms();
    // Without a transaction a Relative schedule is shown as if one started now.
    const std::int64_t start_ms = tx ? tx->start_ms : t0;
    Stacks st = collect(installed_, connector, tx != nullptr, tx ? tx->id : std::nullopt);
    const double hw = connector == 0 ? limits_.connector_max_w * limits_.connectors : limits_.connector_max_w;
    const std::int64_t t_end = t0 + static_cast<std::int64_t>(duration_s) * 1000;

    ChargingSchedule sch;
    sch.chargingRateUnit = rate_unit;
    sch.duration = duration_s;
    sch.startSchedule = now;
    sch.chargingSchedulePeriod.reserve(32);
    double min_rate = 0;
    std::int64_t t = t0;
    for (std::size_t step = 0; t < t_end && step < kMaxSteps; ++step) {
        std::int64_t next = kNever;
        const Limit l = combine(st, t, start_ms, hw, limits_, next);
        const bool amps = rate_unit == ChargingRateUnitType::A;
        const double value = amps ? amps_from_watts(l.watts, l.phases, limits_.voltage) : l.watts;
        min_rate = std::max(min_rate, amps ? amps_from_watts(l.min_watts, l.phases, limits_.voltage) : l.min_watts);
        ChargingSchedulePeriod per;
        per.startPeriod = static_cast<int>((t - t0) / 1000);
        per.limit = round1(value);
        if (l.phases != limits_.phases) {
            per.numberPhases = l.phases;
        }
        auto& out = sch.chargingSchedulePeriod;
        if (!out.empty() && out.back().startPeriod == per.startPeriod) {
            out.back() = per; // a change within the same second: the later one holds
        } else if (out.empty() || out.back().limit != per.limit || out.back().numberPhases != per.numberPhases) {
            out.push_back(per);
        }
        if (out.size() >= 2 && out[out.size() - 2].limit == out.back().limit &&
            out[out.size() - 2].numberPhases == out.back().numberPhases) {
            out.pop_back(); // equal adjacent periods merge
        }
        t = std::max(next, t + 1);
    }
    if (min_rate > 0) {
        sch.minChargingRate = round1(min_rate);
    }
    conf.status = GetCompositeScheduleStatus::Accepted;
    conf.connectorId = connector;
    conf.scheduleStart = now;
    conf.chargingSchedule = std::move(sch);
    return conf;
}

Limit ProfileStore::limit_at(int connector, DateTime t) const {
    if (connector < 0 || connector > limits_.connectors) {
        return Limit{0, 0, limits_.phases};
    }
    const Transaction* tx = transaction(connector);
    const std::int64_t ms = t.unix_ms();
    Stacks st = collect(installed_, connector, tx != nullptr, tx ? tx->id : std::nullopt);
    const double hw = connector == 0 ? limits_.connector_max_w * limits_.connectors : limits_.connector_max_w;
    std::int64_t next = kNever;
    return combine(st, ms, tx ? tx->start_ms : ms, hw, limits_, next);
}

} // namespace ocpp::smartcharging
