#pragma once
// Money and overview rules, free of I/O: which price set applies to a session, a session's revenue, totals per
// currency, and the dashboard tile of a charge point.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "centralsystem/db/records.hpp"

namespace cs {

// The price set for a session on charger `chargebox_id`, connector `connector_id`, that started at `start`
// (RFC 3339): among that charger's sets valid then (validFrom <= start < validTo; sets of other chargers are
// ignored), one for this connector beats one for all connectors; then the latest validFrom wins, then the newest
// set. nullptr when none applies.
const PriceSet* select_price_set(const std::vector<PriceSet>& sets, std::string_view chargebox_id, int connector_id,
                                 std::string_view start);

// perSession + perKwh x kWh + perMinute x minutes, rounded to cents (1/100 of the currency unit).
double revenue(const PriceSet& price, double energy_wh, double minutes);

// Minutes from `from` to `to` (RFC 3339); 0 when either does not parse or `to` is earlier.
double minutes_between(std::string_view from, std::string_view to);

struct Money {
    std::string currency;
    double amount = 0;
};
// Adds to the total of `currency`, keeping `totals` sorted by currency.
void add_money(std::vector<Money>& totals, const std::string& currency, double amount);

// A session's revenue under the price set valid at its start, nullopt when none applies. A finished session uses
// meterStop and its stop time; one in progress uses its latest energy reading (meter_last) and `now`.
std::optional<Money> session_revenue(const std::vector<PriceSet>& sets, const Transaction& t, std::string_view now);

// The dashboard tile of a charge point, first match wins: the charger is planned, or the connector or the whole
// charger reports Unavailable (ChangeAvailability Inoperative) -> Inoperative; the charger is offline, or Faulted
// (connector or whole charger) -> NotAvailable; Preparing, Charging, SuspendedEV, SuspendedEVSE, Finishing, Reserved
// -> Occupied; Available -> Available; no status reported yet -> NotAvailable.
enum class Tile { Available, Occupied, NotAvailable, Inoperative };
Tile tile_of(const Charger& charger, const ChargePoint& point, bool online);

struct TileCounts {
    int available = 0, occupied = 0, not_available = 0, inoperative = 0;
};
// Counts every charge point (connectorId >= 1) of the chargers; online(id) says whether a charger is connected.
TileCounts count_tiles(const std::vector<Charger>& chargers, const std::function<bool(const std::string&)>& online);

} // namespace cs
