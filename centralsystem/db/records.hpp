#pragma once
// The central system's records as the store reads and writes them (times are RFC 3339 UTC text).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cs {

struct ChargePoint {
    int connector_id = 0;
    std::optional<std::string> evse_id; // eMI3 form, upper case; unset for connectors known only from the charger
    std::string standard, format, power_type;
    std::optional<double> max_power_kw, max_current_a;
    std::optional<int> phases;
    std::string status, error_code, updated_at; // the last StatusNotification
};

struct Address {
    std::string street, postal_code, city, country;
};

// What the charger said about itself in its last BootNotification.
struct BootFacts {
    std::string vendor, model, serial, firmware, iccid, imsi, meter_type, at;
};

// What the charger answered to GetConfiguration when it connected while planned (see reported_config.hpp).
struct ReportedConfig {
    std::vector<std::pair<std::string, std::string>> keys; // key, value ("" when the charger gave none), sorted
    std::string at;                                        // when it was read, RFC 3339 UTC
};

struct Charger {
    std::string chargebox_id;
    std::string password_hash; // "" = no HTTP Basic auth
    std::string provider, vendor, model;
    std::string status = "planned"; // planned | operational
    bool accept_any_password = false;
    std::string created_at, claim_code;
    BootFacts boot;
    std::string status0, error_code0; // connector 0 (the whole charger)
    std::optional<Address> address;
    std::optional<double> latitude, longitude;
    std::string hotline, emergency_contact, accessibility, commissioned_at;
    std::vector<ChargePoint> charge_points;
    std::optional<ReportedConfig> reported; // filled for the details view only
    int security_profile = 0;               // the highest security profile the charger proved (0..3)
    std::string pending_password_hashes;    // a password rotation in progress: the new hashes, space-separated
};

// Put into operation: POST /api/v1/chargers/{id}/commission.
struct Commission {
    Address address;
    double latitude = 0, longitude = 0;
    std::string hotline, emergency_contact, accessibility;
    struct Point {
        int connector_id = 0;
        std::optional<double> max_current_a, max_power_kw;
        std::optional<int> phases;
    };
    std::vector<Point> charge_points;
};

struct IdTag {
    std::string id_tag;
    std::string status = "Accepted"; // Accepted | Blocked | Expired | Invalid
    std::optional<std::string> expiry_date, parent_id_tag;
};

struct Transaction {
    std::int64_t id = 0;
    std::string chargebox_id;
    int connector_id = 0;
    std::string id_tag;
    std::int64_t meter_start = 0;
    std::string start_ts;
    std::optional<std::int64_t> meter_stop;
    std::optional<std::string> stop_ts, stop_reason;
    std::int64_t meter_values = 0; // samples stored for it
    // Started while the charger was planned (answered Blocked): kept, but no turnover, revenue or statistics.
    bool blocked = false;
    // The latest energy register reading in Wh, for a session in progress (the dashboard and transaction lists).
    std::optional<std::int64_t> meter_last;
};

struct MeterSample {
    std::string ts, measurand, unit, phase, context, location;
    double value = 0;
};

// A price set of one charger: for one connector, or for all (connector_id unset). Valid from valid_from
// (inclusive) to valid_to (exclusive; unset = open-ended).
struct PriceSet {
    std::int64_t id = 0;
    std::string chargebox_id;
    std::optional<int> connector_id;
    std::string currency; // ISO 4217
    double per_kwh = 0, per_session = 0, per_minute = 0;
    std::string valid_from;
    std::optional<std::string> valid_to;
    std::string created_at;
};

// One entry of GET /api/v1/notifications.
struct Notification {
    std::string at, chargebox_id;
    // offline | faulted | claimRedeemed | passwordCaptured | foreignTransaction | notInOperation | samplesTrimmed
    std::string kind;
    std::string message;
    std::int64_t id = 0;                // set by the store, increasing
    std::optional<std::string> read_at; // when the operator marked it read
};

} // namespace cs
