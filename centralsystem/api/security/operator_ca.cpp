// GET /api/v1/ca (the operator CA: certificate PEM, subject, validity) and POST /api/v1/ca/import (replaces it by a
// given certificate and key, the key sealed under the CA passphrase before it is stored).
#include "centralsystem/security/operator_ca.hpp"
#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/security/security.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

std::string datetime_text(ocpp::pki::TimePoint t) {
    return ocpp::format_datetime(ocpp::DateTime{std::chrono::time_point_cast<std::chrono::seconds>(t)});
}

void write_ca(Writer& w, const security::OperatorCa& ca) {
    const auto& info = ca.authority->info();
    w.StartObject();
    member(w, "subject", info.subject.one_line());
    member(w, "cpoName", ca.cpo_name);
    member(w, "serialNumber", info.serial_hex);
    member(w, "notBefore", datetime_text(info.not_before));
    member(w, "notAfter", datetime_text(info.not_after));
    member(w, "sha256Fingerprint", info.sha256_fingerprint);
    member(w, "keyType", ocpp::pki::key_type_name(info.key_type));
    member(w, "origin", ca.origin);
    member(w, "certificate", ca.authority->certificate_pem());
    w.EndObject();
}

} // namespace

void get_operator_ca(CentralSystem& cs, Respond respond) {
    const auto& ca = cs.certificates().operator_ca();
    if (!ca.authority) {
        return respond(json_error(404, "no operator CA is configured: start with --cpo-name and "
                                       "--ca-passphrase-file (or OCPPKIT_CA_PASSPHRASE)"));
    }
    respond(json_response(200, json_object([&](Writer& w) {
                              w.Key("ca");
                              write_ca(w, ca);
                          })));
}

void import_operator_ca(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader reader(doc, "");
    std::optional<std::string> certificate, key, key_passphrase, cpo_name;
    if (!pem_member(reader, "certificate", certificate, true, 16384) ||
        !pem_member(reader, "privateKey", key, true, 16384) ||
        !reader.text("keyPassphrase", key_passphrase, false, 1024) || !reader.text("cpoName", cpo_name, false, 64) ||
        !reader.no_unknown_members()) {
        return respond(reader.problem()->response());
    }
    if (cs.certificates().passphrase().empty()) {
        return respond(json_error(409, "no CA passphrase is configured (--ca-passphrase-file or "
                                       "OCPPKIT_CA_PASSPHRASE), so an imported key could not be kept encrypted"));
    }
    const std::string cpo = cpo_name.value_or(cs.certificates().operator_ca().cpo_name);
    const bool started = cs.certificates().run<ocpp::Result<security::SealedCa>>(
        [cert_pem = *certificate, key_pem = *key, key_secret = key_passphrase.value_or(""),
         sealing = cs.certificates().passphrase(), cpo,
         now = cs.now_text()] { return security::seal_imported_ca(cert_pem, key_pem, key_secret, sealing, cpo, now); },
        [&cs, respond](ocpp::Result<security::SealedCa> sealed) {
            if (!sealed) {
                return respond(json_error(422, sealed.error().message, "certificate"));
            }
            auto ca = sealed->ca;
            cs.store<void>(
                [stored = sealed->stored](store::Connection& db) { return db::store_operator_ca(db, stored); },
                [&cs, respond, ca](ocpp::Result<void> r) {
                    if (!r) {
                        return respond(store_failed(cs, r.error()));
                    }
                    cs.certificates().replace(ca);
                    cs.log().info("certificates", "operator CA imported: " + ca.authority->info().subject.one_line());
                    respond(json_response(200, json_object([&](Writer& w) {
                                              w.Key("ca");
                                              write_ca(w, ca);
                                          })));
                });
        });
    if (!started) {
        respond(json_error(503, "the CA is busy; try again"));
    }
}

} // namespace cs::api
