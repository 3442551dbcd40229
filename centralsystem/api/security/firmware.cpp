// Signed firmware updates from the central system (firmware.hpp): the uploads as the API lists them, and updates
// that send SignedUpdateFirmware to each charger (a requestId each) and follow them through the charger's
// SignedFirmwareStatusNotifications. A charger that is not connected is not sent anything; its outcome says so.
#include <chrono>
#include <set>

#include "centralsystem/api/base_url.hpp"
#include "centralsystem/api/security/firmware.hpp"
#include "centralsystem/files/file_store.hpp"
#include "centralsystem/security/jobs.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

struct UpdateRequest {
    std::vector<std::string> chargers;
    std::optional<std::string> retrieve, install;
    std::optional<int> retries, retry_interval;
};

std::optional<Problem> check_firmware_time(ObjectReader& r, const char* name, std::optional<std::string>& out) {
    if (!r.text(name, out, false, 40)) {
        return r.problem();
    }
    if (out) {
        auto t = ocpp::parse_datetime(*out);
        if (!t) {
            return Problem{422, name, std::string(name) + " must be an RFC 3339 date-time, not \"" + *out + "\""};
        }
        *out = ocpp::format_datetime(*t); // normalized to UTC
    }
    return std::nullopt;
}

std::variant<UpdateRequest, Problem> parse_update(const rapidjson::Value& body) {
    ObjectReader r(body, "");
    UpdateRequest out;
    if (!r.integer("retries", out.retries, false, 0, 10) ||
        !r.integer("retryInterval", out.retry_interval, false, 1, 86400)) {
        return *r.problem();
    }
    if (auto p = check_firmware_time(r, "retrieveDateTime", out.retrieve)) {
        return *p;
    }
    if (auto p = check_firmware_time(r, "installDateTime", out.install)) {
        return *p;
    }
    const rapidjson::Value* list = r.raw("chargers");
    if (!r.no_unknown_members()) {
        return *r.problem();
    }
    if (list == nullptr || !list->IsArray() || list->Empty()) {
        return Problem{422, "chargers", "chargers must be a non-empty array of Chargebox IDs"};
    }
    if (list->Size() > kMaxUpdateChargers) {
        return Problem{422, "chargers",
                       "chargers lists " + std::to_string(list->Size()) + " chargers, at most " +
                           std::to_string(kMaxUpdateChargers) + " per update"};
    }
    std::set<std::string> seen;
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
        const std::string field = "chargers/" + std::to_string(i);
        const auto& v = (*list)[i];
        if (!v.IsString()) {
            return Problem{422, field, field + " must be a Chargebox ID (a string)"};
        }
        std::string id(v.GetString(), v.GetStringLength());
        if (auto problem = chargebox_id_problem(field, id)) {
            return Problem{422, field, *problem};
        }
        if (!seen.insert(id).second) {
            return Problem{422, field, field + ": \"" + id + "\" is listed twice"};
        }
        out.chargers.push_back(std::move(id));
    }
    if (out.retrieve && out.install && *ocpp::parse_datetime(*out.install) < *ocpp::parse_datetime(*out.retrieve)) {
        return Problem{422, "installDateTime", "installDateTime is before retrieveDateTime"};
    }
    return out;
}

// Where one charger stands: pending (not answered yet), offline, rejected, failed, replaced, sent (no status
// yet), inProgress, done (Installed).
std::string result_of(const db::FirmwareUpdateCharger& c) {
    if (c.outcome != "sent") {
        return c.outcome;
    }
    if (c.reports.empty()) {
        return "sent";
    }
    const std::string& last = c.reports.front().status;
    if (last == "Installed") {
        return "done";
    }
    return db::firmware_status_failed(last) ? "failed" : "inProgress";
}

void write_update(Writer& w, const db::FirmwareUpdateRow& u, const std::string& location) {
    w.StartObject();
    w.Key("id");
    w.Int64(u.id);
    w.Key("firmwareId");
    w.Int64(u.firmware_id);
    member(w, "createdAt", u.created_at);
    member(w, "retrieveDateTime", u.retrieve_date_time);
    member_or_null(w, "installDateTime",
                   u.install_date_time.empty() ? std::nullopt : std::optional<std::string>(u.install_date_time));
    if (!location.empty()) {
        member(w, "location", location);
    }
    w.Key("ended");
    w.Bool(firmware_update_ended(u));
    w.Key("chargers");
    w.StartArray();
    for (const auto& c : u.chargers) {
        w.StartObject();
        member(w, "chargeBoxId", c.chargebox_id);
        w.Key("requestId");
        w.Int64(c.request_id);
        member(w, "sent", c.outcome);
        member(w, "reason", c.reason);
        member(w, "result", result_of(c));
        member_or_null(w, "status",
                       c.reports.empty() ? std::nullopt : std::optional<std::string>(c.reports.front().status));
        w.Key("history");
        w.StartArray();
        for (const auto& s : c.reports) {
            w.StartObject();
            member(w, "status", s.status);
            member(w, "at", s.at);
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
}

// The outcome of SignedUpdateFirmware for one charger, stored; `left` counts the chargers still unanswered.
struct Pending {
    std::int64_t update_id = 0;
    std::size_t left = 0;
    std::string location;
    Respond respond;
};

void finish_one(CentralSystem& cs, std::shared_ptr<Pending> pending, std::int64_t request_id, std::string outcome,
                std::string reason, std::string chargebox_id = {}) {
    cs.store<void>(
        [request_id, outcome, reason, chargebox_id](store::Connection& db) -> ocpp::Result<void> {
            if (reason == "AcceptedCanceled") {
                if (auto r = db::replace_earlier_firmware_updates(db, chargebox_id, request_id); !r) {
                    return r;
                }
            }
            return db::set_firmware_update_outcome(db, request_id, outcome, reason);
        },
        [&cs, pending](ocpp::Result<void> done) {
            if (!done) {
                cs.log().error("firmware", "storing an update's outcome failed: " + done.error().message);
            }
            if (--pending->left > 0) {
                return;
            }
            cs.store<std::optional<db::FirmwareUpdateRow>>(
                [id = pending->update_id](store::Connection& db) { return db::find_firmware_update(db, id); },
                [&cs, pending](ocpp::Result<std::optional<db::FirmwareUpdateRow>> r) {
                    if (!r || !*r) {
                        return pending->respond(
                            store_failed(cs, r ? ocpp::Error{"the firmware update is gone"} : r.error()));
                    }
                    pending->respond(json_response(201, json_object([&](Writer& w) {
                                                       w.Key("update");
                                                       write_update(w, **r, pending->location);
                                                   })));
                });
        });
}

} // namespace

bool firmware_update_ended(const db::FirmwareUpdateRow& u) {
    for (const auto& c : u.chargers) {
        if (c.outcome == "pending") {
            return false;
        }
        if (c.outcome == "sent" && (c.reports.empty() || !db::firmware_status_final(c.reports.front().status))) {
            return false;
        }
    }
    return true;
}

void list_firmware(CentralSystem& cs, Respond respond) {
    cs.store<std::vector<db::FirmwareRow>>([](store::Connection& db) { return db::list_firmware(db); },
                                           [&cs, respond](ocpp::Result<std::vector<db::FirmwareRow>> r) {
                                               if (!r) {
                                                   return respond(store_failed(cs, r.error()));
                                               }
                                               respond(json_response(200, json_object([&](Writer& w) {
                                                                         w.Key("firmware");
                                                                         w.StartArray();
                                                                         for (const auto& f : *r) {
                                                                             write_firmware(w, f);
                                                                         }
                                                                         w.EndArray();
                                                                         w.Key("maxBytes");
                                                                         w.Uint64(cs.config().max_firmware_bytes);
                                                                     })));
                                           });
}

void get_firmware(CentralSystem& cs, const std::string& id, Respond respond) {
    const std::int64_t n = positive_id(id);
    if (n == 0) {
        return respond(json_error(400, "firmwareId is a whole number from 1 on, not \"" + id + "\"", "firmwareId"));
    }
    using Found = std::optional<std::pair<db::FirmwareRow, std::vector<db::FirmwareUpdateRow>>>;
    cs.store<Found>(
        [n](store::Connection& db) -> ocpp::Result<Found> {
            auto f = db::find_firmware(db, n);
            if (!f || !*f) {
                return f ? ocpp::Result<Found>(std::nullopt) : ocpp::Result<Found>(f.error());
            }
            auto updates = db::list_firmware_updates(db, n);
            if (!updates) {
                return updates.error();
            }
            return Found(std::make_pair(std::move(**f), std::move(*updates)));
        },
        [&cs, respond](ocpp::Result<Found> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!*r) {
                return respond(json_error(404, "no firmware with this id", "firmwareId"));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("firmware");
                                      write_firmware(w, (*r)->first);
                                      w.Key("updates");
                                      w.StartArray();
                                      for (const auto& u : (*r)->second) {
                                          w.StartObject();
                                          w.Key("id");
                                          w.Int64(u.id);
                                          member(w, "createdAt", u.created_at);
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                  })));
        });
}

void start_firmware_update(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    const std::int64_t n = positive_id(id);
    if (n == 0) {
        return respond(json_error(400, "firmwareId is a whole number from 1 on, not \"" + id + "\"", "firmwareId"));
    }
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_update(doc);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    auto input = std::get<UpdateRequest>(std::move(parsed));
    const auto base = own_base_url(req);
    if (!base) {
        return respond(json_error(400, "the request names no usable Host for the download address", "Host"));
    }
    const std::string origin = *base;
    db::FirmwareUpdateRow row;
    row.firmware_id = n;
    row.token = random_token();
    if (row.token.empty()) {
        return respond(json_error(503, "no random token could be made; try again"));
    }
    row.created_at = cs.now_text();
    row.retrieve_date_time = input.retrieve.value_or(row.created_at);
    row.install_date_time = input.install.value_or("");
    row.retries = input.retries;
    row.retry_interval = input.retry_interval;
    row.expires_at =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
        kFirmwareTokenSeconds;
    using Made = std::variant<Problem, std::pair<db::FirmwareRow, db::FirmwareUpdateRow>>;
    cs.store<Made>(
        [row, chargers = input.chargers](store::Connection& db) -> ocpp::Result<Made> {
            auto f = db::find_firmware(db, row.firmware_id);
            if (!f) {
                return f.error();
            }
            if (!*f) {
                return Made{Problem{404, "firmwareId", "no firmware with this id"}};
            }
            auto missing = db::unknown_chargers(db, chargers);
            if (!missing) {
                return missing.error();
            }
            if (!missing->empty()) {
                for (std::size_t i = 0; i < chargers.size(); ++i) {
                    if (chargers[i] == missing->front()) {
                        const std::string field = "chargers/" + std::to_string(i);
                        return Made{Problem{422, field, field + ": no charger \"" + chargers[i] + "\""}};
                    }
                }
            }
            auto made = db::create_firmware_update(db, row, chargers);
            if (!made) {
                return made.error();
            }
            return Made{std::make_pair(std::move(**f), std::move(*made))};
        },
        [&cs, origin, respond](ocpp::Result<Made> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (auto* p = std::get_if<Problem>(&*r)) {
                return respond(p->response());
            }
            const auto& [firmware, update] = std::get<1>(*r);
            auto pending = std::make_shared<Pending>();
            pending->update_id = update.id;
            pending->left = update.chargers.size();
            pending->location = origin + std::string(kFirmwarePrefix) + update.token + "/" + firmware.name;
            pending->respond = respond;
            for (const auto& c : update.chargers) {
                auto link = cs.peer(c.chargebox_id);
                if (!link) {
                    finish_one(cs, pending, c.request_id, "offline",
                               "the charger is not connected, so SignedUpdateFirmware was not sent");
                    continue;
                }
                std::string payload = json_object([&](Writer& w) {
                    w.Key("requestId");
                    w.Int64(c.request_id);
                    if (update.retries) {
                        w.Key("retries");
                        w.Int(*update.retries);
                    }
                    if (update.retry_interval) {
                        w.Key("retryInterval");
                        w.Int(*update.retry_interval);
                    }
                    w.Key("firmware");
                    w.StartObject();
                    member(w, "location", pending->location);
                    member(w, "retrieveDateTime", update.retrieve_date_time);
                    if (!update.install_date_time.empty()) {
                        member(w, "installDateTime", update.install_date_time);
                    }
                    member(w, "signingCertificate", firmware.signing_certificate);
                    member(w, "signature", firmware.signature);
                    w.EndObject();
                });
                link->call_text(
                    "SignedUpdateFirmware", payload,
                    [&cs, pending, request_id = c.request_id, charger = c.chargebox_id](ocpp::RawOutcome out) {
                        const std::string answer = answer_status(out);
                        if (answer.empty()) {
                            return finish_one(cs, pending, request_id, "failed",
                                              describe_failure("SignedUpdateFirmware", out));
                        }
                        const bool accepted = answer == "Accepted" || answer == "AcceptedCanceled";
                        finish_one(cs, pending, request_id, accepted ? "sent" : "rejected", answer, charger);
                    });
            }
        });
}

void get_firmware_update(CentralSystem& cs, const std::string& id, const std::string& update_id, Respond respond) {
    const std::int64_t n = positive_id(id);
    if (n == 0) {
        return respond(json_error(400, "firmwareId is a whole number from 1 on, not \"" + id + "\"", "firmwareId"));
    }
    const std::int64_t u = positive_id(update_id);
    if (u == 0) {
        return respond(json_error(400, "updateId is a whole number from 1 on, not \"" + update_id + "\"", "updateId"));
    }
    cs.store<std::optional<db::FirmwareUpdateRow>>(
        [u](store::Connection& db) { return db::find_firmware_update(db, u); },
        [&cs, n, respond](ocpp::Result<std::optional<db::FirmwareUpdateRow>> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!*r || (*r)->firmware_id != n) {
                return respond(json_error(404, "no update with this id of this firmware", "updateId"));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("update");
                                      write_update(w, **r, "");
                                  })));
        });
}

} // namespace cs::api
