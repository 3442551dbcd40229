// Money and overview rules: price_set set selection, revenue, totals per currency, dashboard tiles.
#include <gtest/gtest.h>

#include "centralsystem/pricing.hpp"

namespace {

using namespace cs;

PriceSet price_set(std::int64_t id, std::optional<int> connector, const char* currency, double per_kwh,
                   const char* from, std::optional<std::string> to = std::nullopt) {
    PriceSet p;
    p.id = id;
    p.chargebox_id = "CB-1";
    p.connector_id = connector;
    p.currency = currency;
    p.per_kwh = per_kwh;
    p.valid_from = from;
    p.valid_to = std::move(to);
    return p;
}

TEST(PriceSelection, ByTimeAndConnector) {
    std::vector<PriceSet> sets = {
        price_set(1, std::nullopt, "EUR", 0.30, "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"),
        price_set(2, std::nullopt, "EUR", 0.35, "2026-06-01T00:00:00Z"),
        price_set(3, 2, "EUR", 0.50, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"),
        price_set(4, std::nullopt, "CHF", 0.90, "2026-05-01T00:00:00Z"), // another charger's, newest: never chosen
    };
    sets[3].chargebox_id = "CB-2";
    EXPECT_EQ(select_price_set(sets, "CB-2", 1, "2026-05-15T00:00:00Z")->id, 4);
    EXPECT_EQ(select_price_set(sets, "CB-1", 1, "2025-12-31T23:59:59Z"), nullptr); // before any
    EXPECT_EQ(select_price_set(sets, "CB-1", 1, "2026-01-01T00:00:00Z")->id, 1);   // validFrom is inclusive
    EXPECT_EQ(select_price_set(sets, "CB-1", 1, "2026-06-01T00:00:00Z")->id, 2);   // validTo is exclusive
    EXPECT_EQ(select_price_set(sets, "CB-1", 1, "2030-01-01T00:00:00Z")->id, 2);   // open-ended
    EXPECT_EQ(select_price_set(sets, "CB-1", 2, "2026-03-15T10:00:00Z")->id, 3);   // own connector beats "all"
    EXPECT_EQ(select_price_set(sets, "CB-1", 1, "2026-03-15T10:00:00Z")->id, 1);   // other connector: the "all" set
    EXPECT_EQ(select_price_set(sets, "CB-1", 2, "2026-04-01T00:00:00Z")->id, 1);   // own set expired: back to "all"
    EXPECT_EQ(select_price_set(sets, "CB-1", 1, "not a time"), nullptr);
}

TEST(PriceSelection, LatestValidFromThenNewest) {
    const std::vector<PriceSet> sets = {
        price_set(1, std::nullopt, "EUR", 0.30, "2026-01-01T00:00:00Z"),
        price_set(2, std::nullopt, "EUR", 0.40, "2026-02-01T00:00:00Z"),
        price_set(3, std::nullopt, "CHF", 0.45, "2026-02-01T00:00:00Z"),
    };
    EXPECT_EQ(select_price_set(sets, "CB-1", 1, "2026-01-15T00:00:00Z")->id, 1);
    EXPECT_EQ(select_price_set(sets, "CB-1", 1, "2026-02-15T00:00:00Z")->id, 3);
}

TEST(Revenue, SessionEnergyAndTime) {
    PriceSet p = price_set(1, std::nullopt, "EUR", 0.39, "2026-01-01T00:00:00Z");
    p.per_session = 1.0;
    p.per_minute = 0.05;
    // 1.00 + 0.39 x 12.345 kWh + 0.05 x 30 min = 1 + 4.81455 + 1.5 = 7.31 (cents)
    EXPECT_DOUBLE_EQ(revenue(p, 12345, 30), 7.31);
    EXPECT_DOUBLE_EQ(revenue(p, -5, 0), 1.0); // a meter going backwards earns nothing
    EXPECT_DOUBLE_EQ(minutes_between("2026-01-01T10:00:00Z", "2026-01-01T10:45:30Z"), 45.5);
    EXPECT_DOUBLE_EQ(minutes_between("2026-01-01T10:00:00Z", "2026-01-01T09:00:00Z"), 0);

    Transaction t;
    t.chargebox_id = "CB-1";
    t.connector_id = 1;
    t.meter_start = 1000;
    t.start_ts = "2026-01-01T10:00:00Z";
    const std::vector<PriceSet> sets = {p};
    // In progress: the latest reading and the time until now.
    t.meter_last = 11000;
    auto m = session_revenue(sets, t, "2026-01-01T10:10:00Z");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->currency, "EUR");
    EXPECT_DOUBLE_EQ(m->amount, 1.0 + 3.9 + 0.5);
    // Stopped: meterStop and the stop time; `now` does not matter.
    t.meter_stop = 21000;
    t.stop_ts = "2026-01-01T10:20:00Z";
    m = session_revenue(sets, t, "2026-01-02T00:00:00Z");
    ASSERT_TRUE(m);
    EXPECT_DOUBLE_EQ(m->amount, 1.0 + 7.8 + 1.0);
    t.start_ts = "2025-06-01T00:00:00Z"; // no price_set set valid then
    EXPECT_FALSE(session_revenue(sets, t, "2026-01-02T00:00:00Z"));
}

TEST(Revenue, TotalsPerCurrency) {
    std::vector<Money> totals;
    add_money(totals, "EUR", 1.10);
    add_money(totals, "CHF", 2.0);
    add_money(totals, "EUR", 2.20);
    ASSERT_EQ(totals.size(), 2u);
    EXPECT_EQ(totals[0].currency, "CHF");
    EXPECT_EQ(totals[1].currency, "EUR");
    EXPECT_DOUBLE_EQ(totals[1].amount, 3.30);
}

Charger charger(const std::string& id, const std::string& status, std::vector<std::string> point_statuses) {
    Charger c;
    c.chargebox_id = id;
    c.status = status;
    int n = 0;
    ChargePoint zero; // connector 0 is the charger itself, never a tile
    zero.status = "Available";
    c.charge_points.push_back(zero);
    for (auto& s : point_statuses) {
        ChargePoint cp;
        cp.connector_id = ++n;
        cp.status = std::move(s);
        c.charge_points.push_back(cp);
    }
    return c;
}

TEST(Dashboard, TilesPerChargePoint) {
    std::vector<Charger> chargers = {
        charger("A", "operational", {"Available", "Charging", "Preparing"}),
        charger("B", "operational", {"SuspendedEV", "SuspendedEVSE", "Finishing", "Reserved"}),
        charger("C", "operational", {"Faulted", "Unavailable", ""}),
        charger("OFF", "operational", {"Available", "Charging"}),   // offline: both notAvailable
        charger("PLAN", "planned", {"Available"}),                  // planned: inoperative, online or not
        charger("DOWN", "operational", {"Available", "Available"}), // whole charger Unavailable
        charger("BROKEN", "operational", {"Available"}),            // whole charger Faulted
    };
    chargers[5].status0 = "Unavailable";
    chargers[6].status0 = "Faulted";
    const auto t = count_tiles(chargers, [](const std::string& id) { return id != "OFF"; });
    EXPECT_EQ(t.available, 1);
    EXPECT_EQ(t.occupied, 6);
    EXPECT_EQ(t.not_available, 5); // C/1 Faulted, C/3 no status yet, OFF x2, BROKEN
    EXPECT_EQ(t.inoperative, 4);   // C/2, PLAN, DOWN x2
}

TEST(Dashboard, OfflineBeatsStatusButNotPlanned) {
    const Charger off = charger("X", "operational", {"Charging"});
    EXPECT_EQ(tile_of(off, off.charge_points[1], false), Tile::NotAvailable);
    EXPECT_EQ(tile_of(off, off.charge_points[1], true), Tile::Occupied);
    const Charger planned = charger("Y", "planned", {"Faulted"});
    EXPECT_EQ(tile_of(planned, planned.charge_points[1], false), Tile::Inoperative);
}

} // namespace
