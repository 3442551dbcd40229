#pragma once
// The security extension's tables (migration 6): the operator CA (its key encrypted), the certificates issued to
// chargers, the roots a charger reported as installed, the outcome of each certificate request, and the security
// events chargers sent. Like queries.hpp: these run on the store worker's thread only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/connection.hpp"

namespace cs {

// The operator CA as stored: its certificate and its private key as encrypted PKCS#8 (never in clear).
struct StoredCa {
    std::string certificate_pem;
    std::string encrypted_key_pem;
    std::string created_at;
    std::string origin; // "created" or "imported"
};

// A charge point certificate this central system issued (SignCertificate -> CertificateSigned).
struct IssuedCertificate {
    std::int64_t id = 0;
    std::string chargebox_id;
    std::string serial_hex, subject, not_before, not_after, issued_at;
    std::string pem;
    std::string delivery; // "sent", "Accepted", "Rejected" or why it was not delivered
};

// A root a charger reported through GetInstalledCertificateIds.
struct InstalledCertificate {
    std::string certificate_type; // CentralSystemRootCertificate | ManufacturerRootCertificate
    std::string hash_algorithm, issuer_name_hash, issuer_key_hash, serial_number;
    std::string reported_at;
};

// What became of one SignCertificate (accepted and signed, rejected and why, throttled).
struct CertificateRequest {
    std::int64_t id = 0;
    std::string chargebox_id, at, outcome, detail;
};

// One SecurityEventNotification as received.
struct SecurityEvent {
    std::int64_t id = 0;
    std::string chargebox_id, type, at; // at: the charger's timestamp (UTC, as stored)
    std::string received_at;
    std::optional<std::string> tech_info;
    bool critical = false;
};

namespace db {

using ocpp::Result;
using store::Connection;

// Security events kept per charger and in all; older ones are dropped as new ones arrive.
inline constexpr std::int64_t kSecurityEventsPerCharger = 1000;
inline constexpr std::int64_t kSecurityEventsKept = 100000;
// Certificate requests kept per charger.
inline constexpr std::int64_t kCertificateRequestsPerCharger = 100;
// Certificates kept and listed per charger (newest first).
inline constexpr int kIssuedListed = 100;

// Migration 6 of the central system's schema (db/schema.cpp lists it).
store::Migration security_migration();

Result<std::optional<StoredCa>> load_operator_ca(Connection& db);
// Replaces the stored CA (there is one).
Result<void> store_operator_ca(Connection& db, const StoredCa& ca);

Result<void> add_issued_certificate(Connection& db, IssuedCertificate& c); // sets c.id
Result<void> set_certificate_delivery(Connection& db, std::int64_t id, std::string_view delivery);
Result<std::vector<IssuedCertificate>> issued_certificates(Connection& db, std::string_view chargebox_id);
// Certificates of any charger expiring before `until` and not warned about yet; marks them warned.
Result<std::vector<IssuedCertificate>> take_expiring(Connection& db, std::string_view until, int limit);

// Replaces what the charger reported for one certificate type.
Result<void> replace_installed(Connection& db, std::string_view chargebox_id, std::string_view certificate_type,
                               const std::vector<InstalledCertificate>& certificates);
Result<std::vector<InstalledCertificate>> installed_certificates(Connection& db, std::string_view chargebox_id);

Result<void> add_certificate_request(Connection& db, const CertificateRequest& r,
                                     std::int64_t keep = kCertificateRequestsPerCharger);
Result<std::vector<CertificateRequest>> certificate_requests(Connection& db, std::string_view chargebox_id, int limit);

Result<void> add_security_event(Connection& db, const SecurityEvent& e,
                                std::int64_t per_charger = kSecurityEventsPerCharger,
                                std::int64_t kept = kSecurityEventsKept);
struct SecurityEventQuery {
    std::string chargebox_id;           // "" = any
    std::string type;                   // "" = any
    std::string from, to;               // the event's time, RFC 3339 UTC; "" = open
    std::optional<std::int64_t> before; // only ids below this (the next page)
    bool critical_only = false;
    int limit = 100;
};
struct SecurityEventPage {
    std::vector<SecurityEvent> items; // newest first
    bool more = false;
};
Result<SecurityEventPage> list_security_events(Connection& db, const SecurityEventQuery& q);

} // namespace db
} // namespace cs
