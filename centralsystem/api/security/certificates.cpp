// The chargers' certificates (the operator CA itself: operator_ca.cpp):
//   GET  /api/v1/chargers/{id}/certificates           issued certificates, installed roots, recent requests
//   POST /api/v1/chargers/{id}/certificates/install   InstallCertificate (the operator CA's or a given root)
//   POST /api/v1/chargers/{id}/certificates/delete    DeleteCertificate by certificateHashData
//   POST /api/v1/chargers/{id}/certificates/query     GetInstalledCertificateIds (the answer is stored)
//   POST /api/v1/chargers/{id}/certificates/renew     ExtendedTriggerMessage(SignChargePointCertificate)
// A charger command answers 404 (unknown charger), 409 (not connected), 504 (no answer), 502 (CALLERROR) or 200
// with the charger's status.
#include <cstdlib>
#include <functional>
#include <optional>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/security/security.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs::api {

namespace {

using namespace ocpp::v16;

// 404 for an unknown charger, 409 when it is not connected; nullptr after answering.
std::shared_ptr<ocpp::Peer> connected_peer(CentralSystem& cs, const std::string& id, const std::string& action,
                                           Respond& respond) {
    if (cs.credentials(id) == nullptr) {
        respond(json_error(404, "no charger with this Chargebox ID", "id"));
        return nullptr;
    }
    auto peer = cs.peer(id);
    if (!peer) {
        respond(json_error(409, "the charger is not connected, so " + action + " was not sent", "id"));
    }
    return peer;
}

// ?timeout=S (1 to 300 s): how long to wait for the charger; zero: the central system's --call-timeout. False after
// answering 400.
bool call_timeout(const HttpRequest& req, ocpp::Clock::Duration& out, Respond& respond) {
    const std::string t = query_param(req.query, "timeout");
    if (t.empty()) {
        return true;
    }
    const int seconds = std::atoi(t.c_str());
    if (seconds < 1 || seconds > 300 || std::to_string(seconds) != t) {
        respond(json_error(400, "timeout takes whole seconds from 1 to 300", "timeout"));
        return false;
    }
    out = std::chrono::seconds(seconds);
    return true;
}

// The HTTP answer to a call that did not come back with a confirmation.
template <class Conf> HttpResponse call_failed(const ocpp::CallOutcome<Conf>& out, const std::string& action) {
    using ocpp::CallStatus;
    switch (out.status) {
    case CallStatus::CallError:
        return json_error(502, "the charger answered " + action + " with CALLERROR " + out.error_code +
                                   (out.error_description.empty() ? "" : ": " + out.error_description));
    case CallStatus::Timeout:
        return json_error(504, "the charger did not answer " + action + " in time");
    case CallStatus::Closed:
        return json_error(409, "the charger disconnected before answering " + action, "id");
    case CallStatus::QueueFull:
        return json_error(503, "too many commands are waiting for this charger; try again");
    default:
        return json_error(502, "the charger's answer to " + action + " is not valid: " + out.error_description);
    }
}

// A status answer: {"action", "status"}.
HttpResponse status_answer(const std::string& action, const std::string& status) {
    return json_response(200, json_object([&](Writer& w) {
                             member(w, "action", action);
                             member(w, "status", status);
                         }));
}

// What a command still checks (and may fill in) once its charger is known to be connected; an answer stops it.
template <class Req> using BeforeSending = std::function<std::optional<HttpResponse>(Req&)>;

// The one road of every certificate command: the request's ?timeout, the connected charger (404/409), `before`,
// the call, and either `on_conf` with the charger's confirmation or the HTTP answer to the failure.
template <class Req, class OnConf>
void send_to_charger(CentralSystem& cs, const std::string& id, const HttpRequest& req, Req call, Respond respond,
                     OnConf on_conf, const BeforeSending<Req>& before = nullptr) {
    const std::string action(Req::action);
    ocpp::Clock::Duration timeout{};
    if (!call_timeout(req, timeout, respond)) {
        return;
    }
    auto peer = connected_peer(cs, id, action, respond);
    if (!peer) {
        return;
    }
    if (before) {
        if (auto refused = before(call)) {
            return respond(std::move(*refused));
        }
    }
    peer->template call<Req>(
        call,
        [respond, action, on_conf = std::move(on_conf)](ocpp::CallOutcome<typename Req::Response> out) {
            if (!out.ok()) {
                return respond(call_failed(out, action));
            }
            on_conf(*out.conf, respond);
        },
        timeout);
}

// A command whose answer is the charger's status: {"action", "status"}.
template <class Req>
void send_status_command(CentralSystem& cs, const std::string& id, const HttpRequest& req, Req call, Respond respond,
                         const BeforeSending<Req>& before = nullptr) {
    send_to_charger(
        cs, id, req, std::move(call), std::move(respond),
        [](const typename Req::Response& conf, const Respond& answer) {
            answer(status_answer(std::string(Req::action), to_string(conf.status)));
        },
        before);
}

std::optional<CertificateUse> certificate_use(ObjectReader& reader, bool& ok) {
    std::optional<std::string> type;
    ok = reader.text("certificateType", type, true, 64);
    if (!ok) {
        return std::nullopt;
    }
    CertificateUse use{};
    if (!from_string(*type, use)) {
        ok = reader.fail("certificateType", "certificateType is CentralSystemRootCertificate or "
                                            "ManufacturerRootCertificate");
        return std::nullopt;
    }
    return use;
}

} // namespace

bool pem_member(ObjectReader& reader, const char* name, std::optional<std::string>& out, bool required,
                std::size_t max_length) {
    const rapidjson::Value* v = reader.raw(name);
    if (v == nullptr) {
        return !required || reader.fail(name, std::string(name) + " is required (PEM text)");
    }
    if (!v->IsString() || v->GetStringLength() == 0) {
        return reader.fail(name, std::string(name) + " must be PEM text");
    }
    if (v->GetStringLength() > max_length) {
        return reader.fail(name, std::string(name) + " has at most " + std::to_string(max_length) + " characters");
    }
    out = std::string(v->GetString(), v->GetStringLength());
    return true;
}

void charger_certificates(CentralSystem& cs, const std::string& id, Respond respond) {
    if (cs.credentials(id) == nullptr) {
        return respond(json_error(404, "no charger with this Chargebox ID", "id"));
    }
    struct Inventory {
        std::vector<IssuedCertificate> issued;
        std::vector<InstalledCertificate> installed;
        std::vector<CertificateRequest> requests;
    };
    cs.store<Inventory>(
        [id](store::Connection& db) -> ocpp::Result<Inventory> {
            Inventory inv;
            auto issued = db::issued_certificates(db, id);
            auto installed = db::installed_certificates(db, id);
            auto requests = db::certificate_requests(db, id, 20);
            if (!issued || !installed || !requests) {
                return !issued ? issued.error() : !installed ? installed.error() : requests.error();
            }
            return Inventory{std::move(*issued), std::move(*installed), std::move(*requests)};
        },
        [&cs, respond, id](ocpp::Result<Inventory> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      member(w, "chargeBoxId", id);
                                      w.Key("issued");
                                      w.StartArray();
                                      for (const auto& c : r->issued) {
                                          w.StartObject();
                                          member(w, "serialNumber", c.serial_hex);
                                          member(w, "subject", c.subject);
                                          member(w, "notBefore", c.not_before);
                                          member(w, "notAfter", c.not_after);
                                          member(w, "issuedAt", c.issued_at);
                                          member(w, "delivery", c.delivery);
                                          member(w, "certificate", c.pem);
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                      w.Key("installed");
                                      w.StartArray();
                                      for (const auto& c : r->installed) {
                                          w.StartObject();
                                          member(w, "certificateType", c.certificate_type);
                                          w.Key("certificateHashData");
                                          w.StartObject();
                                          member(w, "hashAlgorithm", c.hash_algorithm);
                                          member(w, "issuerNameHash", c.issuer_name_hash);
                                          member(w, "issuerKeyHash", c.issuer_key_hash);
                                          member(w, "serialNumber", c.serial_number);
                                          w.EndObject();
                                          member(w, "reportedAt", c.reported_at);
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                      w.Key("requests");
                                      w.StartArray();
                                      for (const auto& q : r->requests) {
                                          w.StartObject();
                                          member(w, "at", q.at);
                                          member(w, "outcome", q.outcome);
                                          member(w, "detail", q.detail);
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                  })));
        });
}

void install_certificate(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader reader(doc, "");
    bool ok = true;
    const auto use = certificate_use(reader, ok);
    std::optional<std::string> certificate;
    if (!ok || !pem_member(reader, "certificate", certificate, false, 5500) || !reader.no_unknown_members()) {
        return respond(reader.problem()->response());
    }
    InstallCertificateReq call;
    call.certificateType = *use;
    if (certificate) {
        auto read = ocpp::pki::read_certificates(*certificate);
        if (!read || read->size() != 1) {
            return respond(json_error(
                422, "certificate must be one PEM certificate" + (read ? std::string() : ": " + read.error().message),
                "certificate"));
        }
        if (!read->front().is_ca) {
            return respond(json_error(422, "certificate must be a CA (root) certificate", "certificate"));
        }
        call.certificate = *certificate;
    }
    send_status_command<InstallCertificateReq>(
        cs, id, req, std::move(call), std::move(respond),
        [&cs](InstallCertificateReq& c) -> std::optional<HttpResponse> {
            if (!c.certificate.empty()) {
                return std::nullopt;
            }
            const auto ca = cs.certificates().authority();
            if (!ca) {
                return json_error(422, "give certificate (PEM): no operator CA is configured", "certificate");
            }
            c.certificate = ca->certificate_pem();
            return std::nullopt;
        });
}

void delete_certificate(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader reader(doc, "");
    const rapidjson::Value* hash = reader.raw("certificateHashData");
    if (!reader.no_unknown_members()) {
        return respond(reader.problem()->response());
    }
    if (!hash || !hash->IsObject()) {
        return respond(json_error(422,
                                  "certificateHashData is required: an object with hashAlgorithm, "
                                  "issuerNameHash, issuerKeyHash and serialNumber",
                                  "certificateHashData"));
    }
    ObjectReader inner(*hash, "certificateHashData/");
    std::optional<std::string> algorithm, name_hash, key_hash, serial;
    if (!inner.text("hashAlgorithm", algorithm, true, 16) || !inner.text("issuerNameHash", name_hash, true, 128) ||
        !inner.text("issuerKeyHash", key_hash, true, 128) || !inner.text("serialNumber", serial, true, 40) ||
        !inner.no_unknown_members()) {
        return respond(inner.problem()->response());
    }
    DeleteCertificateReq call;
    if (!from_string(*algorithm, call.certificateHashData.hashAlgorithm)) {
        return respond(
            json_error(422, "hashAlgorithm is SHA256, SHA384 or SHA512", "certificateHashData/hashAlgorithm"));
    }
    for (const auto& [field, value] : {std::pair<const char*, const std::string*>{"issuerNameHash", &*name_hash},
                                       {"issuerKeyHash", &*key_hash},
                                       {"serialNumber", &*serial}}) {
        if (value->empty() || value->find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
            return respond(json_error(422, std::string(field) + " must be hexadecimal",
                                      std::string("certificateHashData/") + field));
        }
    }
    call.certificateHashData.issuerNameHash = *name_hash;
    call.certificateHashData.issuerKeyHash = *key_hash;
    call.certificateHashData.serialNumber = *serial;
    send_status_command(cs, id, req, call, std::move(respond));
}

void query_installed_certificates(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader reader(doc, "");
    bool ok = true;
    const auto use = certificate_use(reader, ok);
    if (!ok || !reader.no_unknown_members()) {
        return respond(reader.problem()->response());
    }
    GetInstalledCertificateIdsReq call;
    call.certificateType = *use;
    send_to_charger(
        cs, id, req, call, respond, [&cs, id, use](const GetInstalledCertificateIdsConf& conf, const Respond& answer) {
            std::vector<InstalledCertificate> list;
            const std::string now = cs.now_text();
            for (const auto& h : conf.certificateHashData.value_or(std::vector<CertificateHashData>{})) {
                if (list.size() == 100) {
                    break; // a charger's store holds a few; more is not a store we keep
                }
                list.push_back(InstalledCertificate{to_string(*use), to_string(h.hashAlgorithm), h.issuerNameHash,
                                                    h.issuerKeyHash, h.serialNumber, now});
            }
            const std::string status = to_string(conf.status);
            cs.store<void>([id, type = std::string(to_string(*use)),
                            list](store::Connection& db) { return db::replace_installed(db, id, type, list); },
                           [&cs, answer, status, list](ocpp::Result<void> r) {
                               if (!r) {
                                   return answer(store_failed(cs, r.error()));
                               }
                               answer(json_response(200, json_object([&](Writer& w) {
                                                        member(w, "action", "GetInstalledCertificateIds");
                                                        member(w, "status", status);
                                                        w.Key("certificateHashData");
                                                        w.StartArray();
                                                        for (const auto& c : list) {
                                                            w.StartObject();
                                                            member(w, "hashAlgorithm", c.hash_algorithm);
                                                            member(w, "issuerNameHash", c.issuer_name_hash);
                                                            member(w, "issuerKeyHash", c.issuer_key_hash);
                                                            member(w, "serialNumber", c.serial_number);
                                                            w.EndObject();
                                                        }
                                                        w.EndArray();
                                                    })));
                           });
        });
}

void renew_certificate(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    if (!req.body.empty()) {
        rapidjson::Document doc;
        if (auto bad = parse_object(req, doc)) {
            return respond(std::move(*bad));
        }
        ObjectReader reader(doc, "");
        if (!reader.no_unknown_members()) {
            return respond(reader.problem()->response());
        }
    }
    ExtendedTriggerMessageReq call;
    call.requestedMessage = ExtendedMessageTrigger::SignChargePointCertificate;
    send_status_command<ExtendedTriggerMessageReq>(
        cs, id, req, std::move(call), std::move(respond),
        [&cs](ExtendedTriggerMessageReq&) -> std::optional<HttpResponse> {
            if (!cs.certificates().authority()) {
                return json_error(409, "no operator CA is configured, so a new certificate could not be signed");
            }
            return std::nullopt;
        });
}

} // namespace cs::api
