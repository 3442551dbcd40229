// GET /api/v1/sessions and /api/v1/sessions/export (sessions.hpp): the filters, the list and the export's paging.
#include "centralsystem/api/sessions/sessions.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>

#include "centralsystem/pricing.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

std::optional<std::int64_t> whole(const std::string& text, std::int64_t min, std::int64_t max) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    const std::int64_t v = std::stoll(text);
    return v >= min && v <= max ? std::optional<std::int64_t>(v) : std::nullopt;
}

// An RFC 3339 time in the stored form (UTC, from the one formatter); false when it does not parse.
bool normalized_time(const std::string& text, std::string& out) {
    if (text.empty()) {
        return true;
    }
    const auto t = ocpp::parse_datetime(text);
    if (!t) {
        return false;
    }
    out = ocpp::format_datetime(*t);
    return true;
}

} // namespace

std::variant<db::SessionQuery, Problem> parse_session_query(const HttpRequest& req, bool export_mode) {
    db::SessionQuery q;
    if (!normalized_time(query_param(req.query, "from"), q.from)) {
        return Problem{400, "from", "from must be an RFC 3339 time like 2026-01-31T00:00:00Z"};
    }
    if (!normalized_time(query_param(req.query, "to"), q.to)) {
        return Problem{400, "to", "to must be an RFC 3339 time like 2026-01-31T00:00:00Z"};
    }
    if (export_mode && (q.from.empty() || q.to.empty())) {
        return Problem{400, q.from.empty() ? "from" : "to", "an export needs from and to (at most 366 days apart)"};
    }
    if (!q.from.empty() && !q.to.empty()) {
        const double minutes = minutes_between(q.from, q.to);
        if (minutes <= 0) {
            return Problem{400, "to", "to must be after from"};
        }
        if (export_mode && minutes > 366.0 * 24 * 60) {
            return Problem{400, "to", "an export covers at most 366 days"};
        }
    }
    q.provider = query_param(req.query, "provider");
    q.chargebox_id = query_param(req.query, "chargeBoxId");
    q.id_tag = query_param(req.query, "idTag");
    struct Limited {
        const char* name;
        const std::string& value;
        std::size_t max;
    };
    for (const Limited& f : {Limited{"provider", q.provider, 64}, Limited{"chargeBoxId", q.chargebox_id, 48},
                             Limited{"idTag", q.id_tag, 20}}) {
        if (f.value.size() > f.max) {
            return Problem{400, f.name,
                           std::string(f.name) + " is limited to " + std::to_string(f.max) + " characters"};
        }
    }
    q.state = query_param(req.query, "state");
    if (!q.state.empty() && q.state != "running" && q.state != "finished") {
        return Problem{400, "state", "state must be running or finished"};
    }
    if (export_mode && q.state == "running") {
        return Problem{400, "state", "an export holds finished sessions only"};
    }
    const std::int64_t max_limit = export_mode ? 10000 : 1000;
    q.limit = export_mode ? 10000 : 100;
    if (const std::string text = query_param(req.query, "limit"); !text.empty()) {
        const auto n = whole(text, 1, max_limit);
        if (!n) {
            return Problem{400, "limit", "limit must be a whole number from 1 to " + std::to_string(max_limit)};
        }
        q.limit = static_cast<int>(*n);
    }
    const char* cursor = export_mode ? "afterId" : "before";
    if (const std::string text = query_param(req.query, cursor); !text.empty()) {
        const auto n = whole(text, 0, INT64_MAX - 1);
        if (!n) {
            return Problem{400, cursor, std::string(cursor) + " must be a whole number (a transaction id)"};
        }
        (export_mode ? q.after_id : q.before_id) = *n;
    }
    if (export_mode) {
        q.finished_only_billable = true;
        q.after_id = q.after_id.value_or(0);
    }
    return q;
}

void list_sessions(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    auto parsed = parse_session_query(req, false);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    cs.store<db::SessionPage>(
        [q = std::get<db::SessionQuery>(parsed)](store::Connection& db) { return db::list_sessions(db, q); },
        [&cs, respond](ocpp::Result<db::SessionPage> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("sessions");
                                      w.StartArray();
                                      for (const auto& row : r->rows) {
                                          const Transaction& t = row.tx;
                                          w.StartObject();
                                          w.Key("transactionId");
                                          w.Int64(t.id);
                                          member(w, "chargeBoxId", t.chargebox_id);
                                          w.Key("connectorId");
                                          w.Int(t.connector_id);
                                          member_or_null(w, "evseId", row.evse_id);
                                          member(w, "provider", row.provider);
                                          member(w, "idTag", t.id_tag);
                                          member(w, "startTimestamp", t.start_ts);
                                          member_or_null(w, "stopTimestamp", t.stop_ts);
                                          member_or_null(w, "stopReason", t.stop_reason);
                                          // Running: the energy so far from the latest register reading.
                                          w.Key("energyWh");
                                          if (t.meter_stop) {
                                              w.Int64(*t.meter_stop - t.meter_start);
                                          } else if (t.meter_last) {
                                              w.Int64(std::max<std::int64_t>(0, *t.meter_last - t.meter_start));
                                          } else {
                                              w.Null();
                                          }
                                          const auto& sets = r->prices[t.chargebox_id];
                                          const auto money = t.stop_ts && !t.blocked
                                                                 ? session_revenue(sets, t, t.start_ts)
                                                                 : std::nullopt;
                                          w.Key("revenue");
                                          money ? (void)w.Double(money->amount) : (void)w.Null();
                                          w.Key("currency");
                                          money ? (void)w.String(money->currency.c_str()) : (void)w.Null();
                                          w.Key("blocked");
                                          w.Bool(t.blocked);
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                      // The next page: ?before=<this> with the same filters.
                                      w.Key("next");
                                      r->more ? (void)w.Int64(r->rows.back().tx.id) : (void)w.Null();
                                  })));
        });
}

void export_sessions(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    const std::string format = query_param(req.query, "format");
    if (format != "csv" && format != "ocpi") {
        return respond(json_error(400, "format must be csv or ocpi (OCPI 2.2.1 CDR objects)", "format"));
    }
    auto parsed = parse_session_query(req, true);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    cs.store<db::SessionPage>(
        [q = std::get<db::SessionQuery>(parsed)](store::Connection& db) { return db::list_sessions(db, q); },
        [&cs, respond, format](ocpp::Result<db::SessionPage> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            // Up to 10,000 rows priced and written: built on a background thread, not on the charger event loop.
            auto page = std::make_shared<db::SessionPage>(std::move(*r));
            const bool queued = cs.background().submit<HttpResponse>(
                [page, format](const std::atomic<bool>&) {
                    HttpResponse resp;
                    if (format == "csv") {
                        resp.headers.emplace_back("Content-Type", "text/csv; charset=utf-8");
                        resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"sessions.csv\"");
                        resp.body = sessions_csv(*page);
                    } else {
                        resp.headers.emplace_back("Content-Type", "application/json");
                        std::size_t left_out = 0;
                        resp.body = sessions_cdr_json(*page, left_out);
                        // Sessions without a price or an EVSE ID cannot be valid CDRs: how many this page left out.
                        resp.headers.emplace_back("X-Left-Out-Sessions", std::to_string(left_out));
                    }
                    // More than one page: the client asks again with afterId set to this (rows come oldest first).
                    if (page->more) {
                        resp.headers.emplace_back("X-Next-After-Id", std::to_string(page->rows.back().tx.id));
                    }
                    return resp;
                },
                cs.loop(), [respond](HttpResponse resp) { respond(std::move(resp)); });
            if (!queued) {
                respond(json_error(503, "the export queue is full; try again"));
            }
        });
}

} // namespace cs::api
