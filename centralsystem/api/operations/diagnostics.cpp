// GetDiagnostics from the REST API (operations.hpp). The upload goes to the central system's log-upload address
// (/uploads/logs/<token>, api/security/logs.cpp: HTTP PUT or multipart POST, one upload per token, 8 MiB) and the
// request is a log request of type "Diagnostics", so the file is listed and downloaded like a GetLog file. A charger
// that only speaks FTP is given the operator's FTP directory instead ("ftp"); the answer then names where the file
// lands, with the password left out.
#include "centralsystem/api/base_url.hpp"
#include "centralsystem/api/operations/operations.hpp"
#include "centralsystem/api/security/logs.hpp"
#include "centralsystem/db/security/logs.hpp"
#include "centralsystem/files/file_store.hpp"
#include "centralsystem/security/jobs.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

struct DiagnosticsInput {
    std::optional<std::string> start, stop, ftp;
    std::optional<int> retries, retry_interval;
};

std::optional<Problem> check_time(ObjectReader& r, const char* name, std::optional<std::string>& out) {
    if (!r.text(name, out, false, 40)) {
        return r.problem();
    }
    if (out && !ocpp::parse_datetime(*out)) {
        return Problem{422, name, std::string(name) + " must be an RFC 3339 date-time, not \"" + *out + "\""};
    }
    return std::nullopt;
}

std::variant<DiagnosticsInput, Problem> parse_diagnostics(const rapidjson::Value& body) {
    ObjectReader r(body, "");
    DiagnosticsInput in;
    if (auto p = check_time(r, "startTime", in.start)) {
        return *p;
    }
    if (auto p = check_time(r, "stopTime", in.stop)) {
        return *p;
    }
    if (!r.integer("retries", in.retries, false, 0, 10) ||
        !r.integer("retryInterval", in.retry_interval, false, 1, 86400) || !r.text("ftp", in.ftp, false, 500) ||
        !r.no_unknown_members()) {
        return *r.problem();
    }
    if (in.start && in.stop && *ocpp::parse_datetime(*in.stop) < *ocpp::parse_datetime(*in.start)) {
        return Problem{422, "stopTime", "stopTime is before startTime"};
    }
    if (in.ftp && (in.ftp->rfind("ftp://", 0) != 0 || in.ftp->size() < 7 ||
                   in.ftp->find_first_of(" \"\\<>\r\n") != std::string::npos)) {
        return Problem{422, "ftp",
                       "ftp is an FTP directory URL (ftp://user:password@host:port/dir/), not \"" + *in.ftp + "\""};
    }
    return in;
}

// The URL without its password, for people.
std::string without_password(const std::string& url) {
    const auto at = url.find('@');
    const auto colon = url.find(':', 6);
    if (at == std::string::npos || colon == std::string::npos || colon > at) {
        return url;
    }
    return url.substr(0, colon) + ":***" + url.substr(at);
}

} // namespace

void request_diagnostics(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_diagnostics(doc);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    const DiagnosticsInput in = std::get<DiagnosticsInput>(std::move(parsed));
    const auto base = own_base_url(req);
    if (!in.ftp && !base) {
        return respond(json_error(400, "the request names no usable Host for the upload address", "Host"));
    }
    if (cs.files() == nullptr) {
        return respond(json_error(503, "the central system has no file store for diagnostics"));
    }
    if (!cs.peer(id)) {
        if (cs.credentials(id) == nullptr) {
            return respond(json_error(404, "no charger with this Chargebox ID", "chargeBoxId"));
        }
        return respond(json_error(409, "the charger is not connected, so GetDiagnostics was not sent", "chargeBoxId"));
    }
    db::LogRequest row;
    row.chargebox_id = id;
    row.log_type = "Diagnostics";
    row.token = random_token();
    row.created_at = cs.now_text();
    if (row.token.empty()) {
        return respond(json_error(503, "no random token could be made; try again"));
    }
    const std::string location = in.ftp ? *in.ftp : *base + std::string(kUploadPrefix) + row.token;
    cs.store<std::int64_t>(
        [row](store::Connection& db) { return db::create_log_request(db, row); },
        [&cs, id, in, location, respond](ocpp::Result<std::int64_t> created) {
            if (!created) {
                return respond(store_failed(cs, created.error()));
            }
            auto link = cs.peer(id);
            if (!link) {
                return respond(json_error(409, "the charger went away, so GetDiagnostics was not sent", "chargeBoxId"));
            }
            const std::int64_t request_id = *created;
            std::string payload = json_object([&](Writer& w) {
                member(w, "location", location);
                if (in.retries) {
                    w.Key("retries");
                    w.Int(*in.retries);
                }
                if (in.retry_interval) {
                    w.Key("retryInterval");
                    w.Int(*in.retry_interval);
                }
                if (in.start) {
                    member(w, "startTime", *in.start);
                }
                if (in.stop) {
                    member(w, "stopTime", *in.stop);
                }
            });
            link->call_text(
                "GetDiagnostics", payload,
                [&cs, request_id, location, ftp = in.ftp.has_value(), respond](ocpp::RawOutcome out) {
                    const bool ok = out.status == ocpp::CallStatus::Ok;
                    std::string file_name;
                    if (ok && out.payload->HasMember("fileName") && (*out.payload)["fileName"].IsString()) {
                        file_name = clean_name((*out.payload)["fileName"].GetString());
                    }
                    const std::string stored =
                        ok ? (file_name.empty() ? "NoFile" : "Accepted") : describe_failure("GetDiagnostics", out);
                    cs.store<void>(
                        [request_id, stored, file_name](store::Connection& db) {
                            return db::set_log_answer(db, request_id, stored, file_name);
                        },
                        [&cs, ok, stored, request_id, file_name, location, ftp, respond](ocpp::Result<void> r) {
                            if (!r) {
                                return respond(store_failed(cs, r.error()));
                            }
                            if (!ok) {
                                return respond(json_error(502, stored, "chargeBoxId"));
                            }
                            respond(json_response(201, json_object([&](Writer& w) {
                                                      w.Key("diagnostics");
                                                      w.StartObject();
                                                      w.Key("id");
                                                      w.Int64(request_id);
                                                      member(w, "answer", stored);
                                                      member(w, "fileName", file_name);
                                                      member(w, "uploadTo",
                                                             ftp ? without_password(location)
                                                                 : std::string("central system"));
                                                      w.EndObject();
                                                  })));
                        });
                });
        });
}

void list_diagnostics(CentralSystem& cs, const std::string& id, Respond respond) {
    if (cs.credentials(id) == nullptr) {
        return respond(json_error(404, "no charger with this Chargebox ID", "chargeBoxId"));
    }
    cs.store<std::vector<db::LogRequest>>(
        [id](store::Connection& db) { return db::list_log_requests(db, id); },
        [&cs, respond](ocpp::Result<std::vector<db::LogRequest>> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            respond(json_response(
                200, json_object([&](Writer& w) {
                    w.Key("diagnostics");
                    w.StartArray();
                    for (const auto& l : *r) {
                        if (l.log_type != "Diagnostics") {
                            continue;
                        }
                        w.StartObject();
                        w.Key("id");
                        w.Int64(l.id);
                        member(w, "createdAt", l.created_at);
                        member(w, "answer", l.answer);
                        member(w, "fileName", l.file_name);
                        w.Key("uploaded");
                        w.Bool(!l.uploaded_at.empty());
                        w.Key("size");
                        w.Int64(l.file_size);
                        member(w, "sha256", l.sha256);
                        member(w, "status", l.reports.empty() ? "" : l.reports.front().status);
                        member(w, "download",
                               l.uploaded_at.empty() ? "" : "/api/v1/logs/" + std::to_string(l.id) + "/file");
                        w.EndObject();
                    }
                    w.EndArray();
                })));
        });
}

} // namespace cs::api
