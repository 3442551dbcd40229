#include "centralsystem/pricing.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ocpp/text/datetime.hpp"

namespace cs {

namespace {

using TimePoint = std::chrono::system_clock::time_point;

std::optional<TimePoint> when(std::string_view text) {
    auto dt = ocpp::parse_datetime(text);
    return dt ? std::optional<TimePoint>(dt->time) : std::nullopt;
}

bool valid_at(const PriceSet& p, TimePoint at) {
    const auto from = when(p.valid_from);
    if (!from || *from > at) {
        return false;
    }
    if (p.valid_to) {
        const auto to = when(*p.valid_to);
        return to && at < *to;
    }
    return true;
}

// True when `a` is preferred over `b` for this connector (both valid).
bool better(const PriceSet& a, const PriceSet& b) {
    const bool a_own = a.connector_id.has_value(), b_own = b.connector_id.has_value();
    if (a_own != b_own) {
        return a_own;
    }
    const auto af = when(a.valid_from), bf = when(b.valid_from);
    if (af != bf) {
        return af > bf;
    }
    return a.id > b.id;
}

} // namespace

const PriceSet* select_price_set(const std::vector<PriceSet>& sets, std::string_view chargebox_id, int connector_id,
                                 std::string_view start) {
    const auto at = when(start);
    if (!at) {
        return nullptr;
    }
    const PriceSet* best = nullptr;
    for (const auto& p : sets) {
        if (p.chargebox_id != chargebox_id || (p.connector_id && *p.connector_id != connector_id)) {
            continue;
        }
        if (valid_at(p, *at) && (!best || better(p, *best))) {
            best = &p;
        }
    }
    return best;
}

double revenue(const PriceSet& price, double energy_wh, double minutes) {
    const double amount = price.per_session + price.per_kwh * std::max(0.0, energy_wh) / 1000.0 +
                          price.per_minute * std::max(0.0, minutes);
    return std::round(amount * 100.0) / 100.0;
}

double minutes_between(std::string_view from, std::string_view to) {
    const auto a = when(from), b = when(to);
    if (!a || !b || *b < *a) {
        return 0;
    }
    return std::chrono::duration<double>(*b - *a).count() / 60.0;
}

void add_money(std::vector<Money>& totals, const std::string& currency, double amount) {
    auto it = std::lower_bound(totals.begin(), totals.end(), currency,
                               [](const Money& m, const std::string& c) { return m.currency < c; });
    if (it == totals.end() || it->currency != currency) {
        it = totals.insert(it, Money{currency, 0});
    }
    it->amount = std::round((it->amount + amount) * 100.0) / 100.0;
}

std::optional<Money> session_revenue(const std::vector<PriceSet>& sets, const Transaction& t, std::string_view now) {
    const PriceSet* p = select_price_set(sets, t.chargebox_id, t.connector_id, t.start_ts);
    if (!p) {
        return std::nullopt;
    }
    const bool done = t.stop_ts.has_value() && t.meter_stop.has_value();
    const std::int64_t meter = done ? *t.meter_stop : t.meter_last.value_or(t.meter_start);
    const double minutes = minutes_between(t.start_ts, done ? std::string_view(*t.stop_ts) : now);
    return Money{p->currency, revenue(*p, static_cast<double>(meter - t.meter_start), minutes)};
}

Tile tile_of(const Charger& charger, const ChargePoint& point, bool online) {
    if (charger.status == "planned" || point.status == "Unavailable" || charger.status0 == "Unavailable") {
        return Tile::Inoperative;
    }
    if (!online || point.status == "Faulted" || charger.status0 == "Faulted") {
        return Tile::NotAvailable;
    }
    static const char* const kOccupied[] = {"Preparing",     "Charging",  "SuspendedEV",
                                            "SuspendedEVSE", "Finishing", "Reserved"};
    for (const char* s : kOccupied) {
        if (point.status == s) {
            return Tile::Occupied;
        }
    }
    return point.status == "Available" ? Tile::Available : Tile::NotAvailable;
}

namespace {
// The counter of each Tile, in the enum's order.
constexpr int TileCounts::*kCounter[] = {&TileCounts::available, &TileCounts::occupied, &TileCounts::not_available,
                                         &TileCounts::inoperative};
} // namespace

TileCounts count_tiles(const std::vector<Charger>& chargers, const std::function<bool(const std::string&)>& online) {
    TileCounts n;
    for (const auto& c : chargers) {
        const bool on = online(c.chargebox_id);
        for (const auto& p : c.charge_points) {
            if (p.connector_id < 1) {
                continue;
            }
            ++(n.*kCounter[static_cast<std::size_t>(tile_of(c, p, on))]);
        }
    }
    return n;
}

} // namespace cs
