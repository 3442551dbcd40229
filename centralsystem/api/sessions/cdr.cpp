// The billing exports of finished sessions (sessions.hpp): CSV for spreadsheets and OCPI 2.2.1 CDR objects.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string_view>

#include "centralsystem/api/sessions/sessions.hpp"
#include "centralsystem/pricing.hpp"

namespace cs::api {

namespace {

// OCPI's CdrLocation.country is ISO 3166-1 alpha-3; chargers store alpha-2. Countries not listed stay alpha-2.
const std::map<std::string, std::string, std::less<>> kAlpha3 = {
    {"AT", "AUT"}, {"BE", "BEL"}, {"BG", "BGR"}, {"CA", "CAN"}, {"CH", "CHE"}, {"CY", "CYP"}, {"CZ", "CZE"},
    {"DE", "DEU"}, {"DK", "DNK"}, {"EE", "EST"}, {"ES", "ESP"}, {"FI", "FIN"}, {"FR", "FRA"}, {"GB", "GBR"},
    {"GR", "GRC"}, {"HR", "HRV"}, {"HU", "HUN"}, {"IE", "IRL"}, {"IS", "ISL"}, {"IT", "ITA"}, {"LI", "LIE"},
    {"LT", "LTU"}, {"LU", "LUX"}, {"LV", "LVA"}, {"MT", "MLT"}, {"NL", "NLD"}, {"NO", "NOR"}, {"PL", "POL"},
    {"PT", "PRT"}, {"RO", "ROU"}, {"SE", "SWE"}, {"SI", "SVN"}, {"SK", "SVK"}, {"TR", "TUR"}, {"UA", "UKR"},
    {"US", "USA"}, {"AU", "AUS"}, {"NZ", "NZL"}, {"JP", "JPN"}, {"CN", "CHN"}, {"KR", "KOR"}, {"IN", "IND"},
};

// What a finished session comes to: energy, minutes and, under the price set valid at its start, its cost parts.
struct Totals {
    std::int64_t energy_wh = 0;
    double minutes = 0;
    const PriceSet* price = nullptr;
    double total = 0, fixed = 0, energy = 0, time = 0;
};

Totals totals_of(const db::SessionPage& page, const Transaction& t) {
    Totals out;
    out.energy_wh = std::max<std::int64_t>(0, t.meter_stop.value_or(t.meter_start) - t.meter_start);
    out.minutes = minutes_between(t.start_ts, t.stop_ts.value_or(t.start_ts));
    const auto sets = page.prices.find(t.chargebox_id);
    if (sets != page.prices.end()) {
        out.price = select_price_set(sets->second, t.chargebox_id, t.connector_id, t.start_ts);
    }
    if (out.price) {
        out.total = revenue(*out.price, static_cast<double>(out.energy_wh), out.minutes);
        out.fixed = out.price->per_session;
        out.energy = std::round(out.price->per_kwh * static_cast<double>(out.energy_wh) / 10.0) / 100.0;
        out.time = std::round(out.price->per_minute * out.minutes * 100.0) / 100.0;
    }
    return out;
}

std::string formatted(double v, const char* format = "%.2f") {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

// A CSV field: quoted when it holds a separator, quote or line break; a leading = + - @ tab or carriage return is
// neutralised with a quote mark so that a spreadsheet never runs an id tag as a formula.
std::string csv_field(const std::string& v) {
    std::string s = v;
    if (!s.empty() && std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos) {
        s.insert(0, "'");
    }
    if (s.find_first_of(",\"\r\n;") == std::string::npos) {
        return s;
    }
    std::string out = "\"";
    for (char c : s) {
        out += c == '"' ? "\"\"" : std::string(1, c);
    }
    return out + "\"";
}

// The operator's country code and party id from an eMI3 EVSE ID ("DE*ABC*E1*1" -> DE, ABC); empty when unknown.
std::pair<std::string, std::string> party_of(const std::optional<std::string>& evse_id) {
    if (!evse_id) {
        return {};
    }
    std::string compact;
    for (char c : *evse_id) {
        if (c != '*') {
            compact += c;
        }
    }
    return compact.size() >= 5 ? std::make_pair(compact.substr(0, 2), compact.substr(2, 3))
                               : std::pair<std::string, std::string>{};
}

void price(Writer& w, const char* key, double excl_vat) {
    w.Key(key);
    w.StartObject();
    w.Key("excl_vat");
    w.Double(excl_vat);
    w.EndObject();
}

} // namespace

std::string sessions_csv(const db::SessionPage& page) {
    std::string out = "transactionId,chargeBoxId,connectorId,evseId,provider,idTag,start,stop,stopReason,energyWh,"
                      "durationMinutes,revenue,currency\r\n";
    for (const auto& row : page.rows) {
        const Transaction& t = row.tx;
        const Totals s = totals_of(page, t);
        const std::string fields[] = {std::to_string(t.id),
                                      t.chargebox_id,
                                      std::to_string(t.connector_id),
                                      row.evse_id.value_or(""),
                                      row.provider,
                                      t.id_tag,
                                      t.start_ts,
                                      t.stop_ts.value_or(""),
                                      t.stop_reason.value_or(""),
                                      std::to_string(s.energy_wh),
                                      formatted(s.minutes, "%.1f"),
                                      s.price ? formatted(s.total) : "",
                                      s.price ? s.price->currency : ""};
        for (const std::string& field : fields) {
            out += csv_field(field) + ",";
        }
        out.back() = '\r';
        out += "\n";
    }
    return out;
}

std::string sessions_cdr_json(const db::SessionPage& page, std::size_t& left_out) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartArray();
    left_out = 0;
    for (const auto& row : page.rows) {
        const Transaction& t = row.tx;
        const Totals s = totals_of(page, t);
        const auto [country_code, party_id] = party_of(row.evse_id);
        if (!s.price || party_id.empty()) {
            ++left_out;
            continue;
        }
        const std::string end = t.stop_ts.value_or(t.start_ts);
        w.StartObject();
        member(w, "country_code", country_code);
        member(w, "party_id", party_id);
        member(w, "id", std::to_string(t.id));
        member(w, "start_date_time", t.start_ts);
        member(w, "end_date_time", end);
        member(w, "session_id", std::to_string(t.id));
        w.Key("cdr_token");
        w.StartObject();
        member(w, "country_code", country_code);
        member(w, "party_id", party_id);
        member(w, "uid", t.id_tag);
        member(w, "type", "RFID");
        member(w, "contract_id", t.id_tag);
        w.EndObject();
        member(w, "auth_method", "AUTH_REQUEST");
        w.Key("cdr_location");
        w.StartObject();
        member(w, "id", t.chargebox_id);
        const Address address = row.address.value_or(Address{});
        member(w, "address", address.street);
        member(w, "city", address.city);
        member(w, "postal_code", address.postal_code);
        const auto alpha3 = kAlpha3.find(address.country);
        member(w, "country", alpha3 == kAlpha3.end() ? address.country : alpha3->second);
        w.Key("coordinates");
        w.StartObject();
        member(w, "latitude", formatted(row.latitude.value_or(0), "%.6f"));
        member(w, "longitude", formatted(row.longitude.value_or(0), "%.6f"));
        w.EndObject();
        member(w, "evse_uid", *row.evse_id);
        member(w, "evse_id", *row.evse_id);
        member(w, "connector_id", std::to_string(t.connector_id));
        member(w, "connector_standard", row.standard);
        member(w, "connector_format", row.format);
        member(w, "connector_power_type", row.power_type);
        w.EndObject();
        member(w, "currency", s.price->currency);
        // One charging period over the whole session: its energy (kWh) and time (hours).
        w.Key("charging_periods");
        w.StartArray();
        w.StartObject();
        member(w, "start_date_time", t.start_ts);
        w.Key("dimensions");
        w.StartArray();
        for (const auto& [type, volume] :
             {std::pair<const char*, double>{"ENERGY", s.energy_wh / 1000.0}, {"TIME", s.minutes / 60.0}}) {
            w.StartObject();
            member(w, "type", type);
            w.Key("volume");
            w.Double(volume);
            w.EndObject();
        }
        w.EndArray();
        member(w, "tariff_id", std::to_string(s.price->id));
        w.EndObject();
        w.EndArray();
        price(w, "total_cost", s.total);
        price(w, "total_fixed_cost", s.fixed);
        price(w, "total_energy_cost", s.energy);
        price(w, "total_time_cost", s.time);
        w.Key("total_energy");
        w.Double(s.energy_wh / 1000.0);
        w.Key("total_time");
        w.Double(s.minutes / 60.0);
        member(w, "last_updated", end);
        w.EndObject();
    }
    w.EndArray();
    return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

} // namespace cs::api
