// The REST steps of `ocpp-simulator flow`: create, commission, id tag, verify; run by a few threads at once.
#include "simulator/flow/rest_steps.hpp"

#include <atomic>
#include <cstdio>
#include <random>
#include <thread>

#include "ocpp/net/session.hpp"
#include "ocpp/text/json_text.hpp"
#include "simulator/fleet/fleet.hpp"

namespace sim::flow {

namespace {

using Writer = ocpp::JsonWriter;

// A JSON object whose members `fill` writes.
template <class Fill> std::string json_object(Fill&& fill) {
    ocpp::JsonText text;
    text.writer().StartObject();
    fill(text.writer());
    text.writer().EndObject();
    return text.str();
}

void member(Writer& w, const char* name, const std::string& value) {
    w.Key(name);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string random_password() {
    static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::random_device rd;
    std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
    std::string pw;
    for (int i = 0; i < 20; ++i) {
        pw += kAlphabet[pick(rd)];
    }
    return pw;
}

// A Chargebox ID as one URL path segment (':' and '*' are left as they are: legal in a segment, and readable).
std::string path_segment(const std::string& id) {
    return ocpp::net::percent_encode(id, ":*");
}

std::string charger_path(const FlowCharger& c, const char* rest = "") {
    return "/api/v1/chargers/" + path_segment(c.id) + rest;
}

// "chargePoints": one object per connector with its connectorId, what `fill` writes, and its maxPowerKw.
template <class Fill> void charge_points(Writer& w, const FlowOptions& o, Fill&& fill) {
    w.Key("chargePoints");
    w.StartArray();
    for (int k = 1; k <= o.connectors; ++k) {
        w.StartObject();
        w.Key("connectorId");
        w.Int(k);
        fill(k);
        w.Key("maxPowerKw");
        w.Double(o.power_kw);
        w.EndObject();
    }
    w.EndArray();
}

} // namespace

std::string evse_id(const std::string& evse_operator, const std::string& charger_id, int connector) {
    std::string letters;
    for (unsigned char ch : charger_id) {
        if (std::isalnum(ch)) {
            letters += static_cast<char>(std::toupper(ch));
        }
    }
    if (letters.size() > 27) {
        letters = letters.substr(letters.size() - 27);
    }
    return evse_operator + "*E" + letters + "*" + std::to_string(connector);
}

std::string id_tag_for(const std::string& charger_id) {
    if (charger_id.size() <= 20) {
        return charger_id;
    }
    std::uint64_t h = 1469598103934665603ull; // FNV-1a
    for (unsigned char ch : charger_id) {
        h = (h ^ ch) * 1099511628211ull;
    }
    char buf[24];
    std::snprintf(buf, sizeof buf, "T%016llX", static_cast<unsigned long long>(h));
    return buf;
}

std::vector<FlowCharger> plan_flow_chargers(const FlowOptions& o) {
    std::vector<FlowCharger> out(static_cast<std::size_t>(o.chargers));
    for (std::size_t i = 0; i < out.size(); ++i) {
        FlowCharger& c = out[i];
        c.index = i + 1;
        if (!o.claims.empty()) {
            c.claim_code = o.claims[i].code;
            c.password = o.claims[i].password.empty() ? o.password : o.claims[i].password;
            c.id = "claim " + c.claim_code; // until the central system names it
        } else {
            c.id = charger_id(o.id_prefix, c.index, o.chargers);
            c.password = o.password.empty() ? random_password() : o.password;
            c.id_tag = id_tag_for(c.id);
        }
    }
    return out;
}

std::string create_body(const FlowOptions& o, const FlowCharger& c) {
    return json_object([&](Writer& w) {
        if (!c.claim_code.empty()) {
            member(w, "claimCode", c.claim_code);
        } else {
            member(w, "chargeBoxId", c.id);
            member(w, "password", c.password);
            member(w, "vendor", "ocppkit");
            member(w, "model", "ocpp-simulator");
        }
        member(w, "provider", o.provider);
        { // a claim's Chargebox ID is known only from the answer: its EVSE IDs come from the code
            const std::string& evse_name = c.claim_code.empty() ? c.id : c.claim_code;
            charge_points(w, o, [&](int k) {
                member(w, "evseId", evse_id(o.evse_operator, evse_name, k));
                member(w, "standard", "IEC_62196_T2");
                member(w, "format", "SOCKET");
                member(w, "powerType", "AC_3_PHASE");
            });
        }
    });
}

std::string commission_body(const FlowOptions& o, const FlowCharger& c) {
    return json_object([&](Writer& w) {
        w.Key("address");
        w.StartObject();
        member(w, "street", "Simulated Street " + std::to_string(c.index));
        member(w, "postalCode", "10115");
        member(w, "city", "Berlin");
        member(w, "country", "DE");
        w.EndObject();
        w.Key("location"); // spread over a few kilometres around Berlin's centre
        w.StartObject();
        w.Key("latitude");
        w.Double(52.45 + static_cast<double>(c.index % 150) * 0.001);
        w.Key("longitude");
        w.Double(13.30 + static_cast<double>(c.index / 150 % 250) * 0.001);
        w.EndObject();
        member(w, "hotline", "+49 30 1234567");
        member(w, "emergencyContact", "+49 30 7654321");
        charge_points(w, o, [&](int) {
            w.Key("maxCurrentA");
            w.Int(32);
            w.Key("phases");
            w.Int(3);
        });
    });
}

std::string id_tag_body(const FlowCharger& c) {
    return json_object([&](Writer& w) {
        member(w, "idTag", c.id_tag);
        member(w, "status", "Accepted");
    });
}

std::string price_body(const FlowOptions& o) {
    return json_object([&](Writer& w) {
        member(w, "currency", o.currency);
        w.Key("perKwh");
        w.Double(o.price_per_kwh.value_or(0));
        w.Key("perSession");
        w.Double(o.price_per_session);
        member(w, "validFrom", "2020-01-01T00:00:00Z");
    });
}

HttpClientConfig http_config(const FlowOptions& o) {
    HttpClientConfig h;
    h.base_url = o.central;
    h.bearer_token = o.api_token;
    h.timeout = std::chrono::milliseconds(static_cast<long long>(o.http_timeout_s * 1000));
    h.connect_timeout = std::min(h.timeout, std::chrono::milliseconds(5000));
    return h;
}

void run_step(const FlowOptions& o, std::vector<FlowCharger>& chargers, FlowStep& step,
              const std::function<bool(const FlowCharger&)>& wanted,
              const std::function<StepResult(HttpClient&, FlowCharger&)>& work,
              const std::function<bool()>& interrupted) {
    std::atomic<std::size_t> next{0};
    std::mutex merge;
    auto worker = [&] {
        HttpClient http(http_config(o));
        FlowStep mine;
        for (std::size_t i = next++; i < chargers.size(); i = next++) {
            FlowCharger& c = chargers[i];
            if (!wanted(c)) {
                continue;
            }
            if (interrupted()) {
                ++mine.skipped;
                continue;
            }
            const auto start = std::chrono::steady_clock::now();
            const StepResult error = work(http, c);
            mine.latency.record(std::chrono::steady_clock::now() - start);
            if (error) {
                mine.fail(c.id + ": " + *error);
            } else {
                ++mine.ok;
            }
        }
        std::lock_guard<std::mutex> lock(merge);
        step.ok += mine.ok;
        step.failed += mine.failed;
        step.skipped += mine.skipped;
        step.latency.merge(mine.latency);
        for (auto& e : mine.errors) {
            if (step.errors.size() < FlowStep::kErrorsKept) {
                step.errors.push_back(std::move(e));
            }
        }
    };
    const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(o.concurrency), chargers.size());
    std::vector<std::thread> threads;
    for (std::size_t t = 1; t < n; ++t) {
        threads.emplace_back(worker);
    }
    worker();
    for (auto& t : threads) {
        t.join();
    }
}

StepResult create_charger(const FlowOptions& o, HttpClient& http, FlowCharger& c) {
    auto created = http.json("POST", "/api/v1/chargers", create_body(o, c));
    if (!created) {
        return created.error().message;
    }
    const auto& d = *created;
    if (!d.IsObject() || !d.HasMember("chargeBoxId") || !d["chargeBoxId"].IsString()) {
        return std::string("the answer to POST /api/v1/chargers has no chargeBoxId");
    }
    const std::string id = d["chargeBoxId"].GetString();
    if (c.claim_code.empty() && id != c.id) {
        return "the central system created " + id + " instead";
    }
    c.id = id;
    c.created = true;
    if (c.id_tag.empty()) {
        c.id_tag = id_tag_for(c.id);
    }
    return std::nullopt;
}

StepResult commission_charger(const FlowOptions& o, HttpClient& http, FlowCharger& c) {
    auto done = http.json("POST", charger_path(c, "/commission"), commission_body(o, c));
    if (!done) {
        return done.error().message;
    }
    const auto& d = *done;
    if (!d.IsObject() || !d.HasMember("status") || !d["status"].IsString() ||
        std::string(d["status"].GetString()) != "operational") {
        return std::string("commissioned, but the charger's status is not \"operational\"");
    }
    c.commissioned = true;
    return std::nullopt;
}

StepResult set_price(const FlowOptions& o, HttpClient& http, FlowCharger& c) {
    auto done = http.json("POST", charger_path(c, "/prices"), price_body(o));
    if (!done) {
        return done.error().message;
    }
    c.priced = true;
    return std::nullopt;
}

StepResult register_id_tag(HttpClient& http, FlowCharger& c) {
    auto done = http.json("POST", "/api/v1/idtags", id_tag_body(c));
    if (!done) {
        return done.error().message;
    }
    c.ready = true;
    return std::nullopt;
}

StepResult verify_sessions(HttpClient& http, FlowCharger& c) {
    auto list = http.json("GET", charger_path(c, "/transactions"));
    if (!list) {
        return list.error().message;
    }
    const auto& d = *list;
    if (!d.IsObject() || !d.HasMember("transactions") || !d["transactions"].IsArray()) {
        return std::string("the answer has no transactions array");
    }
    std::size_t stopped = 0;
    for (const auto& t : d["transactions"].GetArray()) {
        if (!t.IsObject() || !t.HasMember("meterStop") || t["meterStop"].IsNull()) {
            continue;
        }
        ++stopped;
        const bool energy = t.HasMember("energyWh") && t["energyWh"].IsNumber() && t["energyWh"].GetDouble() > 0;
        const bool values =
            t.HasMember("meterValueCount") && t["meterValueCount"].IsNumber() && t["meterValueCount"].GetDouble() > 0;
        if (energy && values) {
            c.verified = true;
            return std::nullopt;
        }
    }
    const auto total = d["transactions"].Size();
    if (total == 0) {
        return std::string("no transaction recorded");
    }
    if (stopped == 0) {
        return std::to_string(total) + " transaction(s) recorded, none stopped";
    }
    return std::to_string(stopped) + " stopped transaction(s), none with energy and meter values";
}

} // namespace sim::flow
