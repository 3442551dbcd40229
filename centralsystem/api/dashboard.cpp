// GET /api/v1/dashboard[?provider=P].
//
// Dashboard figures (per currency, never converted):
// - chargePoints: every charge point of the chargers counted once, by tile_of() (pricing.hpp).
// - potentialTurnover: what the sessions in progress have earned so far: for each, the price set valid at its
//   start applied to the energy up to its latest energy register reading and the minutes until now.
// - today (the current UTC day): revenue and energy of the sessions stopped today, and their number.
// - systemStatus: ocpp-endpoint is ok while this process serves; database is ok when the store worker ran this
//   request's query (otherwise the figures are zeros and database is false).
#include <cstdlib>
#include <map>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/pricing.hpp"

namespace cs::api {

namespace {

void write_money(Writer& w, const char* name, const std::vector<Money>& totals) {
    w.Key(name);
    w.StartArray();
    for (const auto& m : totals) {
        w.StartObject();
        member(w, "currency", m.currency);
        w.Key("amount");
        w.Double(m.amount);
        w.EndObject();
    }
    w.EndArray();
}

std::string dashboard_json(CentralSystem& cs, const db::DashboardData& d, bool database_ok) {
    const TileCounts tiles = count_tiles(d.chargers, [&cs](const std::string& id) { return cs.online(id); });
    const std::string now = cs.now_text();
    std::map<std::string, std::vector<PriceSet>> prices; // per charger, so a session looks at its own sets only
    for (const auto& p : d.prices) {
        prices[p.chargebox_id].push_back(p);
    }
    const std::vector<PriceSet> none;
    auto sets_of = [&](const Transaction& t) -> const std::vector<PriceSet>& {
        auto it = prices.find(t.chargebox_id);
        return it == prices.end() ? none : it->second;
    };
    std::vector<Money> potential, revenue;
    for (const auto& t : d.open) {
        if (auto m = session_revenue(sets_of(t), t, now)) {
            add_money(potential, m->currency, m->amount);
        }
    }
    std::int64_t energy_wh = 0;
    for (const auto& t : d.today) {
        energy_wh += t.meter_stop ? std::max<std::int64_t>(0, *t.meter_stop - t.meter_start) : 0;
        if (auto m = session_revenue(sets_of(t), t, now)) {
            add_money(revenue, m->currency, m->amount);
        }
    }
    return json_object([&](Writer& w) {
        w.Key("chargePoints");
        w.StartObject();
        w.Key("available");
        w.Int(tiles.available);
        w.Key("occupied");
        w.Int(tiles.occupied);
        w.Key("notAvailable");
        w.Int(tiles.not_available);
        w.Key("inoperative");
        w.Int(tiles.inoperative);
        w.EndObject();
        write_money(w, "potentialTurnover", potential);
        w.Key("today");
        w.StartObject();
        write_money(w, "revenue", revenue);
        w.Key("sessions");
        w.Uint64(d.today.size());
        w.Key("energyWh");
        w.Int64(energy_wh);
        w.EndObject();
        w.Key("systemStatus");
        w.StartArray();
        for (const auto& [component, ok] :
             {std::pair<const char*, bool>{"ocpp-endpoint", true}, {"database", database_ok}}) {
            w.StartObject();
            member(w, "component", component);
            w.Key("ok");
            w.Bool(ok);
            w.EndObject();
        }
        w.EndArray();
    });
}

} // namespace

void dashboard(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    const std::string provider = query_param(req.query, "provider");
    if (provider.size() > 64) {
        return respond(json_error(400, "provider is limited to 64 characters", "provider"));
    }
    const std::string day = cs.now_text().substr(0, 10);
    cs.store<db::DashboardData>(
        [provider, day](store::Connection& db) { return db::dashboard_data(db, provider, day); },
        [&cs, respond](ocpp::Result<db::DashboardData> r) {
            if (!r) {
                cs.log().error("api", "dashboard: store: " + r.error().message);
                return respond(json_response(200, dashboard_json(cs, db::DashboardData{}, false)));
            }
            respond(json_response(200, dashboard_json(cs, *r, true)));
        });
}

} // namespace cs::api
