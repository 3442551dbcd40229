// GET /api/v1/chargers/{id}/transactions: a charger's sessions with energy, revenue and (optionally) meter values.
#include <algorithm>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/pricing.hpp"

namespace cs::api {

void charger_transactions(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    const std::string values = query_param(req.query, "meterValues");
    if (values != "" && values != "true" && values != "false") {
        return respond(json_error(400, "meterValues takes true or false, not \"" + values + "\"", "meterValues"));
    }
    const bool with_values = values == "true";
    struct Out {
        std::vector<Transaction> first;
        std::vector<std::vector<MeterSample>> second;
        std::vector<PriceSet> prices;
    };
    cs.store<Out>(
        [id, with_values](store::Connection& db) -> ocpp::Result<Out> {
            auto found = db::find_charger(db, id);
            if (!found) {
                return found.error();
            }
            if (!*found) {
                return ocpp::make_error(ocpp::ErrorKind::NotFound, "no charger with this Chargebox ID");
            }
            auto list = db::list_transactions(db, id, 200);
            if (!list) {
                return list.error();
            }
            auto prices = db::list_price_sets(db, id);
            if (!prices) {
                return prices.error();
            }
            Out out{std::move(*list), {}, std::move(*prices)};
            for (const auto& t : out.first) {
                if (with_values) {
                    auto mv = db::meter_values_of(db, t.id, 1000);
                    if (!mv) {
                        return mv.error();
                    }
                    out.second.push_back(std::move(*mv));
                }
            }
            return out;
        },
        [&cs, respond, with_values](ocpp::Result<Out> r) {
            if (!r) {
                if (r.error().kind == ocpp::ErrorKind::NotFound) {
                    return respond(json_error(404, "no charger with this Chargebox ID", "id"));
                }
                return respond(store_failed(cs, r.error()));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("transactions");
                                      w.StartArray();
                                      for (std::size_t i = 0; i < r->first.size(); ++i) {
                                          const Transaction& t = r->first[i];
                                          w.StartObject();
                                          w.Key("transactionId");
                                          w.Int64(t.id);
                                          w.Key("connectorId");
                                          w.Int(t.connector_id);
                                          member(w, "idTag", t.id_tag);
                                          w.Key("meterStart");
                                          w.Int64(t.meter_start);
                                          member(w, "startTimestamp", t.start_ts);
                                          w.Key("meterStop");
                                          t.meter_stop ? (void)w.Int64(*t.meter_stop) : (void)w.Null();
                                          member_or_null(w, "stopTimestamp", t.stop_ts);
                                          member_or_null(w, "stopReason", t.stop_reason);
                                          // Stopped: meterStop - meterStart. Running: the energy so far, from
                                          // the latest register reading (null before the first one).
                                          w.Key("energyWh");
                                          if (t.meter_stop) {
                                              w.Int64(*t.meter_stop - t.meter_start);
                                          } else if (t.meter_last) {
                                              w.Int64(std::max<std::int64_t>(0, *t.meter_last - t.meter_start));
                                          } else {
                                              w.Null();
                                          }
                                          // Revenue under the price set valid at the start, once stopped.
                                          // A blocked session (the charger was planned) earns nothing.
                                          const auto money = t.stop_ts && !t.blocked
                                                                 ? session_revenue(r->prices, t, t.start_ts)
                                                                 : std::nullopt;
                                          w.Key("revenue");
                                          money ? (void)w.Double(money->amount) : (void)w.Null();
                                          w.Key("currency");
                                          money ? (void)w.String(money->currency.c_str()) : (void)w.Null();
                                          w.Key("meterValueCount");
                                          w.Int64(t.meter_values);
                                          w.Key("blocked");
                                          w.Bool(t.blocked);
                                          if (with_values) {
                                              w.Key("meterValues");
                                              w.StartArray();
                                              for (const auto& s : r->second[i]) {
                                                  w.StartObject();
                                                  member(w, "timestamp", s.ts);
                                                  member(w, "measurand", s.measurand);
                                                  w.Key("value");
                                                  w.Double(s.value);
                                                  member(w, "unit", s.unit);
                                                  member(w, "phase", s.phase);
                                                  member(w, "context", s.context);
                                                  w.EndObject();
                                              }
                                              w.EndArray();
                                          }
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                  })));
        });
}

} // namespace cs::api
