// Checks of REST request bodies: charger creation, patch, commissioning and id tags. Every problem names its field.
#include <algorithm>
#include <cctype>
#include <set>

#include "centralsystem/api/routes.hpp"
#include "ocpp/text/chargebox_id.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

// OCPI 2.2 ConnectorType, ConnectorFormat and PowerType.
const std::set<std::string> kStandards = {"CHADEMO",
                                          "CHAOJI",
                                          "DOMESTIC_A",
                                          "DOMESTIC_B",
                                          "DOMESTIC_C",
                                          "DOMESTIC_D",
                                          "DOMESTIC_E",
                                          "DOMESTIC_F",
                                          "DOMESTIC_G",
                                          "DOMESTIC_H",
                                          "DOMESTIC_I",
                                          "DOMESTIC_J",
                                          "DOMESTIC_K",
                                          "DOMESTIC_L",
                                          "DOMESTIC_M",
                                          "DOMESTIC_N",
                                          "DOMESTIC_O",
                                          "GBT_AC",
                                          "GBT_DC",
                                          "IEC_60309_2_single_16",
                                          "IEC_60309_2_three_16",
                                          "IEC_60309_2_three_32",
                                          "IEC_60309_2_three_64",
                                          "IEC_62196_T1",
                                          "IEC_62196_T1_COMBO",
                                          "IEC_62196_T2",
                                          "IEC_62196_T2_COMBO",
                                          "IEC_62196_T3A",
                                          "IEC_62196_T3C",
                                          "NEMA_5_20",
                                          "NEMA_6_30",
                                          "NEMA_6_50",
                                          "NEMA_10_30",
                                          "NEMA_10_50",
                                          "NEMA_14_30",
                                          "NEMA_14_50",
                                          "PANTOGRAPH_BOTTOM_UP",
                                          "PANTOGRAPH_TOP_DOWN",
                                          "TESLA_R",
                                          "TESLA_S"};
const std::set<std::string> kFormats = {"SOCKET", "CABLE"};
const std::set<std::string> kPowerTypes = {"AC_1_PHASE", "AC_2_PHASE", "AC_2_PHASE_SPLIT", "AC_3_PHASE", "DC"};
const std::set<std::string> kTagStatuses = {"Accepted", "Blocked", "Expired", "Invalid"};

std::string joined(const std::set<std::string>& values) {
    std::string out;
    for (const auto& v : values) {
        out += (out.empty() ? "" : ", ") + v;
    }
    return out;
}

bool one_of(ObjectReader& r, const char* name, std::string& out, const std::set<std::string>& allowed, bool required) {
    std::optional<std::string> v;
    if (!r.text(name, v, required, 64)) {
        return false;
    }
    if (!v) {
        return true;
    }
    if (!allowed.count(*v)) {
        return r.fail(name, std::string(name) + " \"" + *v + "\" is not one of " + joined(allowed));
    }
    out = *v;
    return true;
}

bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// chargePoints of a new charger: connectorId unique, EVSE ID in eMI3 form and unique within the request.
bool read_charge_points(const rapidjson::Value& array, std::vector<ChargePoint>& out, ObjectReader& parent) {
    if (!array.IsArray()) {
        return parent.fail("chargePoints", "chargePoints must be an array");
    }
    if (array.Size() > 64) {
        return parent.fail("chargePoints", "at most 64 charge points per charger");
    }
    std::set<int> connectors;
    std::set<std::string> evse_ids;
    for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
        const std::string path = "chargePoints/" + std::to_string(i) + "/";
        if (!array[i].IsObject()) {
            return parent.fail("chargePoints/" + std::to_string(i), "each charge point must be an object");
        }
        ObjectReader r(array[i], parent.field(path));
        ChargePoint cp;
        std::optional<int> connector;
        std::optional<std::string> evse;
        const bool ok = r.integer("connectorId", connector, true, 1, 100) && r.text("evseId", evse, true, 48) &&
                        one_of(r, "standard", cp.standard, kStandards, false) &&
                        one_of(r, "format", cp.format, kFormats, false) &&
                        one_of(r, "powerType", cp.power_type, kPowerTypes, false) &&
                        r.number("maxPowerKw", cp.max_power_kw, false, 0.1, 2000) && r.no_unknown_members();
        if (!ok) {
            const auto& p = *r.problem();
            return parent.fail(p.field.substr(parent.field("").size()), p.error, p.status);
        }
        cp.connector_id = *connector;
        if (!connectors.insert(cp.connector_id).second) {
            return parent.fail(path + "connectorId", "connectorId " + std::to_string(cp.connector_id) + " is twice");
        }
        cp.evse_id = normalize_evse_id(*evse);
        if (!cp.evse_id) {
            return parent.fail(path + "evseId", "evseId \"" + *evse +
                                                    "\" is not an EVSE ID like DE*ABC*E123456*1 (country, operator, "
                                                    "'E', then letters, digits and '*')");
        }
        if (!evse_ids.insert(*cp.evse_id).second) {
            return parent.fail(path + "evseId", "evseId \"" + *cp.evse_id + "\" is twice");
        }
        out.push_back(std::move(cp));
    }
    return true;
}

} // namespace

std::optional<std::string> check_choice(std::string_view name, const std::string& value) {
    const std::set<std::string>& allowed = name == "standard" ? kStandards : name == "format" ? kFormats : kPowerTypes;
    if (allowed.count(value)) {
        return std::nullopt;
    }
    return std::string(name) + " \"" + value + "\" is not one of " + joined(allowed);
}

std::optional<std::string> normalize_evse_id(std::string_view text) {
    std::string s(text);
    std::transform(s.begin(), s.end(), s.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
    // CC [*] OOO [*] E ID, where ID is 1..30 of letters, digits and '*'.
    std::size_t i = 0;
    auto letters = [&](std::size_t n, bool digits_too) {
        for (std::size_t k = 0; k < n; ++k, ++i) {
            if (i >= s.size() || !(digits_too ? is_alnum(s[i]) : std::isalpha(static_cast<unsigned char>(s[i])))) {
                return false;
            }
        }
        return true;
    };
    if (!letters(2, false)) {
        return std::nullopt;
    }
    i += (i < s.size() && s[i] == '*') ? 1 : 0;
    if (!letters(3, true)) {
        return std::nullopt;
    }
    i += (i < s.size() && s[i] == '*') ? 1 : 0;
    if (i >= s.size() || s[i] != 'E') {
        return std::nullopt;
    }
    ++i;
    const std::size_t rest = s.size() - i;
    if (rest < 1 || rest > 30 || s.back() == '*') {
        return std::nullopt;
    }
    for (; i < s.size(); ++i) {
        if (!is_alnum(s[i]) && s[i] != '*') {
            return std::nullopt;
        }
    }
    return s;
}

std::optional<std::string> chargebox_id_problem(std::string_view field, std::string_view id) {
    if (auto p = ocpp::check_chargebox_id(id)) {
        return std::string(field) + ": " + p->message;
    }
    return std::nullopt;
}

std::variant<NewCharger, Problem> parse_new_charger(const rapidjson::Value& body) {
    ObjectReader r(body, "");
    NewCharger out;
    std::optional<std::string> id, provider, vendor, model;
    std::optional<bool> accept_any;
    // The Chargebox ID is checked by the one rule below, which names the offending character or the length.
    if (const auto* raw_id = r.raw("chargeBoxId"); raw_id && !raw_id->IsString()) {
        return Problem{422, "chargeBoxId", "chargeBoxId must be a string"};
    } else if (raw_id) {
        id = std::string(raw_id->GetString(), raw_id->GetStringLength());
    }
    if (!(r.text("claimCode", out.claim_code, false, 32) && r.text("password", out.password, false, 64) &&
          r.text("provider", provider, false, 64) && r.text("vendor", vendor, false, 64) &&
          r.text("model", model, false, 64) && r.boolean("acceptAnyPassword", accept_any))) {
        return *r.problem();
    }
    if (const auto* cps = r.raw("chargePoints"); cps && !read_charge_points(*cps, out.charger.charge_points, r)) {
        return *r.problem();
    }
    if (!r.no_unknown_members()) {
        return *r.problem();
    }
    if (out.claim_code) {
        if (id || out.password) {
            return Problem{422, id ? "chargeBoxId" : "password",
                           "with claimCode, the Chargebox ID and password come from the claim: leave them out"};
        }
    } else {
        if (!id) {
            return Problem{422, "chargeBoxId", "chargeBoxId is required (or give a claimCode)"};
        }
        if (auto problem = chargebox_id_problem("chargeBoxId", *id)) {
            return Problem{422, "chargeBoxId", *problem};
        }
        out.charger.chargebox_id = *id;
    }
    if (out.password && out.password->size() < 8) {
        return Problem{422, "password", "password must have at least 8 characters"};
    }
    out.charger.provider = provider.value_or("");
    out.charger.vendor = vendor.value_or("");
    out.charger.model = model.value_or("");
    out.charger.accept_any_password = accept_any.value_or(false);
    return out;
}

std::variant<PatchInput, Problem> parse_patch(const rapidjson::Value& body) {
    // Identity fields cannot change: say so rather than calling them unknown.
    for (const char* fixed : {"chargeBoxId", "evseId", "claimCode"}) {
        if (body.HasMember(fixed)) {
            return Problem{422, fixed,
                           std::string(fixed) + " cannot be changed after creation (the Chargebox ID is fixed; "
                                                "EVSE IDs change through chargePoints while the charger is planned)"};
        }
    }
    ObjectReader r(body, "");
    PatchInput out;
    if (!(r.text("provider", out.patch.provider, false, 64) && r.text("vendor", out.patch.vendor, false, 64) &&
          r.text("model", out.patch.model, false, 64) && r.text("password", out.password, false, 64) &&
          r.boolean("acceptAnyPassword", out.patch.accept_any_password))) {
        return *r.problem();
    }
    if (const auto* cps = r.raw("chargePoints")) {
        out.charge_points.emplace();
        if (!read_charge_points(*cps, *out.charge_points, r)) {
            return *r.problem();
        }
    }
    if (!r.no_unknown_members()) {
        return *r.problem();
    }
    if (out.password && out.password->size() < 8) {
        return Problem{422, "password", "password must have at least 8 characters"};
    }
    return out;
}

std::variant<Commission, Problem> parse_commission(const rapidjson::Value& body) {
    ObjectReader r(body, "");
    Commission c;
    std::optional<std::string> hotline, emergency, access;
    const auto* address = r.raw("address");
    const auto* location = r.raw("location");
    const auto* points = r.raw("chargePoints");
    if (!(r.text("hotline", hotline, true, 32) && r.text("emergencyContact", emergency, false, 128) &&
          r.text("accessibility", access, false, 32) && r.no_unknown_members())) {
        return *r.problem();
    }
    c.hotline = *hotline;
    c.emergency_contact = emergency.value_or("");
    c.accessibility = access.value_or("");
    if (!address || !address->IsObject()) {
        return Problem{422, "address", "address is required: {\"street\", \"postalCode\", \"city\", \"country\"}"};
    }
    ObjectReader a(*address, "address/");
    std::optional<std::string> street, postal, city, country;
    if (!(a.text("street", street, true, 128) && a.text("postalCode", postal, true, 16) &&
          a.text("city", city, true, 64) && a.text("country", country, true, 2) && a.no_unknown_members())) {
        return *a.problem();
    }
    if (country->size() != 2 || !std::isupper(static_cast<unsigned char>((*country)[0])) ||
        !std::isupper(static_cast<unsigned char>((*country)[1]))) {
        return Problem{422, "address/country", "country must be an ISO 3166 alpha-2 code such as \"DE\""};
    }
    c.address = Address{*street, *postal, *city, *country};
    if (!location || !location->IsObject()) {
        return Problem{422, "location", "location is required: {\"latitude\", \"longitude\"}"};
    }
    ObjectReader l(*location, "location/");
    std::optional<double> lat, lon;
    if (!(l.number("latitude", lat, true, -90, 90) && l.number("longitude", lon, true, -180, 180) &&
          l.no_unknown_members())) {
        return *l.problem();
    }
    c.latitude = *lat;
    c.longitude = *lon;
    if (points) {
        if (!points->IsArray() || points->Size() > 64) {
            return Problem{422, "chargePoints", "chargePoints must be an array of at most 64 entries"};
        }
        for (rapidjson::SizeType i = 0; i < points->Size(); ++i) {
            const std::string path = "chargePoints/" + std::to_string(i);
            if (!(*points)[i].IsObject()) {
                return Problem{422, path, "each charge point must be an object"};
            }
            ObjectReader p((*points)[i], path + "/");
            Commission::Point cp;
            std::optional<int> connector;
            if (!(p.integer("connectorId", connector, true, 1, 100) &&
                  p.number("maxCurrentA", cp.max_current_a, false, 1, 1000) &&
                  p.integer("phases", cp.phases, false, 1, 3) &&
                  p.number("maxPowerKw", cp.max_power_kw, false, 0.1, 2000) && p.no_unknown_members())) {
                return *p.problem();
            }
            cp.connector_id = *connector;
            // Plausibility: AC power cannot exceed current x phases x 230 V (10 % tolerance).
            if (cp.max_current_a && cp.phases && cp.max_power_kw &&
                *cp.max_power_kw > *cp.max_current_a * *cp.phases * 0.23 * 1.1) {
                return Problem{422, path + "/maxPowerKw",
                               "maxPowerKw is more than maxCurrentA x phases x 230 V allows"};
            }
            c.charge_points.push_back(cp);
        }
    }
    return c;
}

std::variant<IdTag, Problem> parse_id_tag(const rapidjson::Value& body) {
    ObjectReader r(body, "");
    IdTag t;
    std::optional<std::string> tag, expiry;
    if (!(r.text("idTag", tag, true, 20) && one_of(r, "status", t.status, kTagStatuses, false) &&
          r.text("expiryDate", expiry, false, 40) && r.text("parentIdTag", t.parent_id_tag, false, 20) &&
          r.no_unknown_members())) {
        return *r.problem();
    }
    t.id_tag = *tag;
    if (expiry) {
        auto dt = ocpp::parse_datetime(*expiry);
        if (!dt) {
            return Problem{422, "expiryDate", "expiryDate must be an RFC 3339 date-time like 2027-01-01T00:00:00Z"};
        }
        t.expiry_date = ocpp::format_datetime(*dt);
    }
    return t;
}

} // namespace cs::api
