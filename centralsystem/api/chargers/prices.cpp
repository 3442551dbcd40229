// /api/v1/chargers/{id}/prices: price sets per charge point (one connector, or all when connectorId is absent).
#include <cctype>

#include "centralsystem/api/conflicts.hpp"
#include "centralsystem/api/routes.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

bool iso_4217(const std::string& c) {
    if (c.size() != 3) {
        return false;
    }
    for (char ch : c) {
        if (ch < 'A' || ch > 'Z') {
            return false;
        }
    }
    return true;
}

// The time normalized to "2026-01-31T12:00:00Z", or nullopt.
std::optional<std::string> rfc3339(const std::string& text) {
    auto dt = ocpp::parse_datetime(text);
    return dt ? std::optional<std::string>(ocpp::format_datetime(*dt)) : std::nullopt;
}

void write_price_set(Writer& w, const PriceSet& p) {
    w.StartObject();
    w.Key("id");
    w.Int64(p.id);
    member(w, "chargeBoxId", p.chargebox_id);
    member_or_null(w, "connectorId", p.connector_id);
    member(w, "currency", p.currency);
    w.Key("perKwh");
    w.Double(p.per_kwh);
    w.Key("perSession");
    w.Double(p.per_session);
    w.Key("perMinute");
    w.Double(p.per_minute);
    member(w, "validFrom", p.valid_from);
    member_or_null(w, "validTo", p.valid_to);
    member(w, "createdAt", p.created_at);
    w.EndObject();
}

HttpResponse failed(CentralSystem& cs, const ocpp::Error& e) {
    cs.log().error("api", "store: " + e.message);
    return json_error(503, "the database could not do this now: " + e.message);
}

} // namespace

std::variant<PriceSet, Problem> parse_price_set(const rapidjson::Value& body) {
    ObjectReader r(body, "");
    std::optional<int> connector;
    std::optional<std::string> currency, from, to;
    std::optional<double> per_kwh, per_session, per_minute;
    constexpr double kMaxPrice = 1e6;
    if (!r.integer("connectorId", connector, false, 1, 1000) || !r.text("currency", currency, true, 3) ||
        !r.number("perKwh", per_kwh, false, 0, kMaxPrice) ||
        !r.number("perSession", per_session, false, 0, kMaxPrice) ||
        !r.number("perMinute", per_minute, false, 0, kMaxPrice) || !r.text("validFrom", from, true, 64) ||
        !r.text("validTo", to, false, 64) || !r.no_unknown_members()) {
        return *r.problem();
    }
    PriceSet p;
    p.connector_id = connector;
    if (!iso_4217(*currency)) {
        r.fail("currency", "currency must be an ISO 4217 code of three upper-case letters, such as EUR");
        return *r.problem();
    }
    p.currency = *currency;
    p.per_kwh = per_kwh.value_or(0);
    p.per_session = per_session.value_or(0);
    p.per_minute = per_minute.value_or(0);
    const auto valid_from = rfc3339(*from);
    if (!valid_from) {
        r.fail("validFrom", "validFrom must be an RFC 3339 date-time such as 2026-01-01T00:00:00Z");
        return *r.problem();
    }
    p.valid_from = *valid_from;
    if (to) {
        const auto valid_to = rfc3339(*to);
        if (!valid_to) {
            r.fail("validTo", "validTo must be an RFC 3339 date-time such as 2027-01-01T00:00:00Z");
            return *r.problem();
        }
        if (ocpp::parse_datetime(*valid_to)->time <= ocpp::parse_datetime(*valid_from)->time) {
            r.fail("validTo", "validTo must be after validFrom");
            return *r.problem();
        }
        p.valid_to = *valid_to;
    }
    return p;
}

namespace {

// The request's body as a price set, or the answer refusing it (not a JSON object, or not a valid price set).
std::variant<PriceSet, HttpResponse> price_set_from(const HttpRequest& req) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return std::move(*bad);
    }
    auto parsed = parse_price_set(doc);
    if (auto* problem = std::get_if<Problem>(&parsed)) {
        return problem->response();
    }
    return std::get<PriceSet>(std::move(parsed));
}

} // namespace

void post_price_set(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    auto parsed = price_set_from(req);
    if (auto* refused = std::get_if<HttpResponse>(&parsed)) {
        return respond(std::move(*refused));
    }
    PriceSet p = std::get<PriceSet>(std::move(parsed));
    p.chargebox_id = id;
    p.created_at = cs.now_text();
    using Out = std::pair<db::Conflict, PriceSet>;
    cs.store<Out>(
        [p](store::Connection& db) mutable -> ocpp::Result<Out> {
            auto r = db::insert_price_set(db, p);
            if (!r) {
                return r.error();
            }
            return Out{std::move(*r), std::move(p)};
        },
        [&cs, respond](ocpp::Result<Out> r) {
            if (!r) {
                return respond(failed(cs, r.error()));
            }
            if (r->first) {
                return respond(conflict_response(r->first));
            }
            const PriceSet& added = r->second;
            cs.log().info("api", "price set " + std::to_string(added.id) + " added to \"" + added.chargebox_id + "\"");
            std::string body = json_object([&](Writer& w) {
                w.Key("priceSet");
                write_price_set(w, added);
            });
            respond(json_response(201, std::move(body)));
        });
}

void list_price_sets(CentralSystem& cs, const std::string& id, Respond respond) {
    using Out = std::optional<std::vector<PriceSet>>; // nullopt: no such charger
    cs.store<Out>(
        [id](store::Connection& db) -> ocpp::Result<Out> {
            auto found = db::find_charger(db, id);
            if (!found) {
                return found.error();
            }
            if (!*found) {
                return Out{};
            }
            auto list = db::list_price_sets(db, id);
            if (!list) {
                return list.error();
            }
            return Out{std::move(*list)};
        },
        [&cs, respond](ocpp::Result<Out> r) {
            if (!r) {
                return respond(failed(cs, r.error()));
            }
            if (!*r) {
                return respond(json_error(404, "no charger with this Chargebox ID", "id"));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("priceSets");
                                      w.StartArray();
                                      for (const auto& p : **r) {
                                          write_price_set(w, p);
                                      }
                                      w.EndArray();
                                  })));
        });
}

} // namespace cs::api

namespace cs::api {

namespace {

std::optional<std::int64_t> price_set_id(const std::string& text) {
    if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    return std::stoll(text);
}

} // namespace

void change_price_set(CentralSystem& cs, const std::string& id, const std::string& price_id, const HttpRequest& req,
                      Respond respond) {
    const auto number = price_set_id(price_id);
    if (!number) {
        return respond(
            json_error(404, "no price set \"" + price_id + "\": price set ids are whole numbers", "priceSetId"));
    }
    std::optional<PriceSet> replacement;
    if (req.method == "PUT") {
        auto parsed = price_set_from(req);
        if (auto* refused = std::get_if<HttpResponse>(&parsed)) {
            return respond(std::move(*refused));
        }
        replacement = std::get<PriceSet>(std::move(parsed));
    }
    using Out = std::pair<db::Conflict, std::optional<PriceSet>>;
    cs.store<Out>(
        [id, n = *number, replacement](store::Connection& db) -> ocpp::Result<Out> {
            auto r = db::change_price_set(db, id, n, replacement);
            if (!r) {
                return r.error();
            }
            Out out{std::move(*r), std::nullopt};
            if (!out.first && replacement) {
                auto list = db::list_price_sets(db, id);
                if (!list) {
                    return list.error();
                }
                for (auto& p : *list) {
                    if (p.id == n) {
                        out.second = std::move(p);
                    }
                }
            }
            return out;
        },
        [&cs, respond, id, n = *number](ocpp::Result<Out> r) {
            if (!r) {
                return respond(failed(cs, r.error()));
            }
            if (r->first) {
                return respond(conflict_response(r->first));
            }
            cs.log().info("api", "price set " + std::to_string(n) + " of \"" + id + "\" " +
                                     (r->second ? "changed" : "deleted"));
            if (!r->second) {
                HttpResponse gone;
                gone.status = 204;
                return respond(std::move(gone));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("priceSet");
                                      write_price_set(w, *r->second);
                                  })));
        });
}

} // namespace cs::api
