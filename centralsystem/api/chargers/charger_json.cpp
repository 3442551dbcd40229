// The JSON shape of a charger in REST answers, and the answer when the store fails; shared by the charger handlers.
#include "centralsystem/api/routes.hpp"
#include "centralsystem/protocol/reported_config.hpp"

namespace cs::api {

void write_charger(Writer& w, const Charger& c, bool connected, std::string_view decommissioned_at) {
    w.StartObject();
    member(w, "chargeBoxId", c.chargebox_id);
    member(w, "status", c.status);
    member(w, "provider", c.provider);
    member(w, "vendor", c.vendor);
    member(w, "model", c.model);
    w.Key("connected");
    w.Bool(connected);
    w.Key("acceptAnyPassword");
    w.Bool(c.accept_any_password);
    w.Key("hasPassword");
    w.Bool(!c.password_hash.empty());
    member(w, "createdAt", c.created_at);
    if (!c.claim_code.empty()) {
        member(w, "claimCode", c.claim_code);
    }
    w.Key("boot");
    w.StartObject();
    member(w, "vendor", c.boot.vendor);
    member(w, "model", c.boot.model);
    member(w, "serial", c.boot.serial);
    member(w, "firmware", c.boot.firmware);
    member(w, "iccid", c.boot.iccid);
    member(w, "imsi", c.boot.imsi);
    member(w, "meterType", c.boot.meter_type);
    member(w, "at", c.boot.at);
    w.EndObject();
    member(w, "chargerStatus", c.status0);
    member(w, "chargerErrorCode", c.error_code0);
    w.Key("address");
    if (c.address) {
        w.StartObject();
        member(w, "street", c.address->street);
        member(w, "postalCode", c.address->postal_code);
        member(w, "city", c.address->city);
        member(w, "country", c.address->country);
        w.EndObject();
    } else {
        w.Null();
    }
    w.Key("location");
    if (c.latitude && c.longitude) {
        w.StartObject();
        w.Key("latitude");
        w.Double(*c.latitude);
        w.Key("longitude");
        w.Double(*c.longitude);
        w.EndObject();
    } else {
        w.Null();
    }
    member(w, "hotline", c.hotline);
    member(w, "emergencyContact", c.emergency_contact);
    member(w, "accessibility", c.accessibility);
    member(w, "commissionedAt", c.commissioned_at);
    if (!decommissioned_at.empty()) {
        member(w, "decommissionedAt", decommissioned_at);
    }
    w.Key("chargePoints");
    w.StartArray();
    for (const auto& p : c.charge_points) {
        w.StartObject();
        w.Key("connectorId");
        w.Int(p.connector_id);
        member_or_null(w, "evseId", p.evse_id);
        member(w, "standard", p.standard);
        member(w, "format", p.format);
        member(w, "powerType", p.power_type);
        member_or_null(w, "maxPowerKw", p.max_power_kw);
        member_or_null(w, "maxCurrentA", p.max_current_a);
        member_or_null(w, "phases", p.phases);
        member(w, "status", p.status);
        member(w, "errorCode", p.error_code);
        member(w, "updatedAt", p.updated_at);
        w.EndObject();
    }
    w.EndArray();
    if (c.reported) {
        w.Key("reported");
        write_reported(w, *c.reported);
    }
    w.EndObject();
}

std::string charger_json(CentralSystem& cs, const Charger& c, std::string_view decommissioned_at) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    write_charger(w, c, cs.online(c.chargebox_id), decommissioned_at);
    return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

HttpResponse store_failed(CentralSystem& cs, const ocpp::Error& e) {
    cs.log().error("api", "store: " + e.message);
    return json_error(503, "the database could not do this now: " + e.message);
}

} // namespace cs::api
