// GetLog into the central system's own file store (logs.hpp). The upload address carries a token of 32 random bytes
// made for that one request; a wrong token, a second upload or an oversized one is refused, and the file is written
// off the loop (the background pool) under a name the central system chooses.
#include "centralsystem/api/security/logs.hpp"
#include "centralsystem/api/base_url.hpp"

#include "centralsystem/db/security/logs.hpp"
#include "centralsystem/files/file_store.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

// The first part of a multipart/form-data body and its file name; nullopt when the body is not such.
struct Part {
    std::string file_name;
    std::string content;
};

std::optional<Part> first_part(std::string_view content_type, const std::string& body) {
    const auto b = content_type.find("boundary=");
    if (b == std::string_view::npos) {
        return std::nullopt;
    }
    std::string boundary(content_type.substr(b + 9));
    if (auto semi = boundary.find(';'); semi != std::string::npos) {
        boundary.resize(semi);
    }
    if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
        boundary = boundary.substr(1, boundary.size() - 2);
    }
    if (boundary.empty()) {
        return std::nullopt;
    }
    const std::string open = "--" + boundary;
    const auto start = body.find(open);
    if (start == std::string::npos) {
        return std::nullopt;
    }
    const auto headers_end = body.find("\r\n\r\n", start);
    if (headers_end == std::string::npos) {
        return std::nullopt;
    }
    const auto end = body.find("\r\n" + open, headers_end + 4);
    if (end == std::string::npos) {
        return std::nullopt;
    }
    Part p;
    const std::string headers = body.substr(start, headers_end - start);
    if (auto f = headers.find("filename=\""); f != std::string::npos) {
        const auto close = headers.find('"', f + 10);
        if (close != std::string::npos) {
            p.file_name = headers.substr(f + 10, close - f - 10);
        }
    }
    p.content = body.substr(headers_end + 4, end - headers_end - 4);
    return p;
}

void write_request(Writer& w, const db::LogRequest& r) {
    w.StartObject();
    w.Key("id");
    w.Int64(r.id);
    member(w, "logType", r.log_type);
    member(w, "createdAt", r.created_at);
    member(w, "answer", r.answer);
    member(w, "fileName", r.file_name);
    w.Key("uploaded");
    w.Bool(!r.uploaded_at.empty());
    w.Key("size");
    w.Int64(r.file_size);
    member(w, "sha256", r.sha256);
    member_or_null(w, "uploadedAt", r.uploaded_at.empty() ? std::nullopt : std::optional<std::string>(r.uploaded_at));
    w.Key("statuses");
    w.StartArray();
    for (const auto& s : r.reports) {
        w.StartObject();
        member(w, "status", s.status);
        member(w, "at", s.at);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
}

std::optional<Problem> check_log_time(ObjectReader& r, const char* name, std::optional<std::string>& out) {
    if (!r.text(name, out, false, 40)) {
        return r.problem();
    }
    if (out && !ocpp::parse_datetime(*out)) {
        return Problem{422, name, std::string(name) + " must be an RFC 3339 date-time, not \"" + *out + "\""};
    }
    return std::nullopt;
}

} // namespace

std::string clean_name(const std::string& name) {
    std::string out;
    for (char c : name) {
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/' && out.size() < 255) {
            out += c;
        }
    }
    return out;
}

void request_log(CentralSystem& cs, const std::string& id, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader r(doc, "");
    std::optional<std::string> type, oldest, latest;
    if (!r.text("logType", type, true, 32)) {
        return respond(r.problem()->response());
    }
    if (auto p = check_log_time(r, "oldestTimestamp", oldest)) {
        return respond(p->response());
    }
    if (auto p = check_log_time(r, "latestTimestamp", latest)) {
        return respond(p->response());
    }
    if (!r.no_unknown_members()) {
        return respond(r.problem()->response());
    }
    if (*type != "DiagnosticsLog" && *type != "SecurityLog") {
        return respond(json_error(422, "logType is DiagnosticsLog or SecurityLog, not \"" + *type + "\"", "logType"));
    }
    if (oldest && latest && *ocpp::parse_datetime(*latest) < *ocpp::parse_datetime(*oldest)) {
        return respond(json_error(422, "latestTimestamp is before oldestTimestamp", "latestTimestamp"));
    }
    const auto base = own_base_url(req);
    if (!base) {
        return respond(json_error(400, "the request names no usable Host for the upload address", "Host"));
    }
    const std::string origin = *base;
    if (cs.files() == nullptr) {
        return respond(json_error(503, "the central system has no file store for logs"));
    }
    auto peer = cs.peer(id);
    if (!peer) {
        if (cs.credentials(id) == nullptr) {
            return respond(json_error(404, "no charger with this Chargebox ID", "chargeBoxId"));
        }
        return respond(json_error(409, "the charger is not connected, so GetLog was not sent", "chargeBoxId"));
    }
    db::LogRequest row;
    row.chargebox_id = id;
    row.log_type = *type;
    row.token = random_token();
    row.created_at = cs.now_text();
    if (row.token.empty()) {
        return respond(json_error(503, "no random token could be made; try again"));
    }
    cs.store<std::int64_t>(
        [row](store::Connection& db) { return db::create_log_request(db, row); },
        [&cs, id, row, origin, oldest, latest, respond](ocpp::Result<std::int64_t> created) {
            if (!created) {
                return respond(store_failed(cs, created.error()));
            }
            auto link = cs.peer(id);
            if (!link) {
                return respond(json_error(409, "the charger went away, so GetLog was not sent", "chargeBoxId"));
            }
            const std::int64_t log_id = *created;
            std::string payload = json_object([&](Writer& w) {
                member(w, "logType", row.log_type);
                w.Key("requestId");
                w.Int64(log_id);
                w.Key("log");
                w.StartObject();
                member(w, "remoteLocation", origin + std::string(kUploadPrefix) + row.token);
                if (oldest) {
                    member(w, "oldestTimestamp", *oldest);
                }
                if (latest) {
                    member(w, "latestTimestamp", *latest);
                }
                w.EndObject();
            });
            link->call_text("GetLog", payload, [&cs, log_id, respond](ocpp::RawOutcome out) {
                const std::string answer = answer_status(out);
                std::string file_name;
                if (out.status == ocpp::CallStatus::Ok && out.payload->HasMember("filename") &&
                    (*out.payload)["filename"].IsString()) {
                    file_name = clean_name((*out.payload)["filename"].GetString());
                }
                const std::string stored = answer.empty() ? describe_failure("GetLog", out) : answer;
                cs.store<std::optional<db::LogRequest>>(
                    [log_id, stored, file_name](store::Connection& db) -> ocpp::Result<std::optional<db::LogRequest>> {
                        if (auto s = db::set_log_answer(db, log_id, stored, file_name); !s) {
                            return s.error();
                        }
                        return db::find_log_request(db, log_id);
                    },
                    [&cs, answer, stored, respond](ocpp::Result<std::optional<db::LogRequest>> found) {
                        if (!found || !*found) {
                            return respond(
                                store_failed(cs, found ? ocpp::Error{"the log request is gone"} : found.error()));
                        }
                        if (answer.empty()) {
                            return respond(json_error(502, stored, "chargeBoxId"));
                        }
                        respond(json_response(201, json_object([&](Writer& w) {
                                                  w.Key("log");
                                                  write_request(w, **found);
                                              })));
                    });
            });
        });
}

void list_logs(CentralSystem& cs, const std::string& id, Respond respond) {
    if (cs.credentials(id) == nullptr) {
        return respond(json_error(404, "no charger with this Chargebox ID", "chargeBoxId"));
    }
    cs.store<std::vector<db::LogRequest>>([id](store::Connection& db) { return db::list_log_requests(db, id); },
                                          [&cs, respond](ocpp::Result<std::vector<db::LogRequest>> r) {
                                              if (!r) {
                                                  return respond(store_failed(cs, r.error()));
                                              }
                                              respond(json_response(200, json_object([&](Writer& w) {
                                                                        w.Key("logs");
                                                                        w.StartArray();
                                                                        for (const auto& l : *r) {
                                                                            write_request(w, l);
                                                                        }
                                                                        w.EndArray();
                                                                    })));
                                          });
}

void download_log(CentralSystem& cs, const std::string& log_id, Respond respond) {
    const long long n = std::atoll(log_id.c_str());
    if (n < 1 || std::to_string(n) != log_id) {
        return respond(json_error(400, "logId is a whole number from 1 on, not \"" + log_id + "\"", "logId"));
    }
    cs.store<std::optional<db::LogRequest>>(
        [n](store::Connection& db) { return db::find_log_request(db, n); },
        [&cs, respond](ocpp::Result<std::optional<db::LogRequest>> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!*r || (*r)->stored_name.empty() || cs.files() == nullptr) {
                return respond(json_error(404, "no uploaded file for this log request", "logId"));
            }
            const db::LogRequest found = **r;
            const bool queued = cs.background().submit<ocpp::Result<std::string>>(
                [files = cs.files(), name = found.stored_name](const std::atomic<bool>&) { return files->read(name); },
                cs.loop(),
                [respond, found](ocpp::Result<std::string> content) {
                    if (!content) {
                        return respond(json_error(content.error().kind == ocpp::ErrorKind::NotFound ? 404 : 503,
                                                  content.error().message, "logId"));
                    }
                    HttpResponse out;
                    out.headers.emplace_back("Content-Type", "application/octet-stream");
                    out.headers.emplace_back("Content-Disposition",
                                             "attachment; filename=\"" +
                                                 (found.file_name.empty() ? found.stored_name : found.file_name) +
                                                 "\"");
                    out.body = std::move(*content);
                    respond(std::move(out));
                });
            if (!queued) {
                respond(json_error(503, "the file store is busy; try again"));
            }
        });
}

void upload_log(CentralSystem& cs, const std::string& token, const HttpRequest& req, Respond respond) {
    if (req.method != "PUT" && req.method != "POST") {
        return respond(ocpp::http::method_not_allowed("PUT, POST"));
    }
    if (req.body.size() > kMaxLogUpload) {
        return respond(json_error(413, "the upload has " + std::to_string(req.body.size()) + " bytes, at most " +
                                           std::to_string(kMaxLogUpload)));
    }
    if (token.size() != 64 || cs.files() == nullptr) {
        return respond(json_error(404, "no upload is expected at this address"));
    }
    auto part = std::make_shared<Part>();
    const std::string_view type = req.header("content-type");
    if (req.method == "POST" && type.substr(0, 19) == "multipart/form-data") {
        auto p = first_part(type, req.body);
        if (!p) {
            return respond(json_error(400, "the multipart body has no complete part", "body"));
        }
        *part = std::move(*p);
    } else {
        part->content = req.body;
    }
    cs.store<std::optional<db::LogRequest>>(
        [token](store::Connection& db) { return db::find_log_by_token(db, token); },
        [&cs, part, respond](ocpp::Result<std::optional<db::LogRequest>> r) mutable {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!*r) {
                return respond(json_error(404, "no upload is expected at this address"));
            }
            const db::LogRequest found = **r;
            if (!found.uploaded_at.empty() || cs.uploads_in_flight().count(found.token) > 0) {
                return respond(json_error(409, "this log was uploaded already"));
            }
            cs.uploads_in_flight().insert(found.token);
            // Whatever happens from here, the token is free again when the answer goes out.
            respond = [&cs, token = found.token, respond](ocpp::net::HttpResponse answer) {
                cs.uploads_in_flight().erase(token);
                respond(std::move(answer));
            };
            const std::string stored_name =
                "log-" + std::to_string(found.id) + "-" + found.token.substr(0, 16) + ".bin";
            const std::string file_name = part->file_name.empty()
                                              ? (found.file_name.empty() ? stored_name : found.file_name)
                                              : clean_name(part->file_name);
            const bool queued = cs.background().submit<ocpp::Result<StoredFile>>(
                [files = cs.files(), stored_name, part](const std::atomic<bool>&) {
                    return files->put(stored_name, part->content);
                },
                cs.loop(),
                [&cs, found, file_name, respond](ocpp::Result<StoredFile> stored) {
                    if (!stored) {
                        cs.log().error("files", "storing an uploaded log failed: " + stored.error().message);
                        return respond(json_error(503, "the upload could not be stored; try again"));
                    }
                    const StoredFile f = *stored;
                    cs.store<void>(
                        [found, f, file_name, now = cs.now_text()](store::Connection& db) {
                            return db::log_uploaded(db, found.id, file_name, f.name, static_cast<std::int64_t>(f.size),
                                                    f.sha256, now);
                        },
                        [&cs, f, found, respond](ocpp::Result<void> done) {
                            if (!done) {
                                return respond(store_failed(cs, done.error()));
                            }
                            cs.log().info("files", "\"" + found.chargebox_id + "\" uploaded its log (" +
                                                       std::to_string(f.size) + " bytes) for request " +
                                                       std::to_string(found.id));
                            respond(json_response(201, json_object([&](Writer& w) {
                                                      w.Key("size");
                                                      w.Uint64(f.size);
                                                      member(w, "sha256", f.sha256);
                                                  })));
                        });
                });
            if (!queued) {
                respond(json_error(503, "the file store is busy; try again"));
            }
        });
}

} // namespace cs::api
