// The files of signed firmware (firmware.hpp): an upload is checked (size, certificate, signature over its bytes)
// off the loop before anything is stored, and the file is served to chargers at a per-update token address.
#include <algorithm>
#include <chrono>
#include <map>

#include "centralsystem/api/security/firmware.hpp"
#include "centralsystem/api/served_download.hpp"
#include "centralsystem/files/file_store.hpp"
#include "ocpp/http/query.hpp"
#include "ocpp/pki/pki.hpp"
#include "ocpp/util/clock.hpp"

namespace cs::api {

namespace {

constexpr std::size_t kMaxCertificate = 16 * 1024;
constexpr std::size_t kMaxSignature = 4096;
// RFC 2046 5.1.1: a boundary has 1 to 70 characters (a longer one would make the boundary search slow).
constexpr std::size_t kMaxBoundary = 70;

using Served = std::optional<std::pair<db::FirmwareUpdateRow, db::FirmwareRow>>;

struct Upload {
    std::string file, certificate, signature, name;
};

} // namespace

std::optional<std::map<std::string, std::string>> form_parts(std::string_view content_type, const std::string& body) {
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
    if (boundary.empty() || boundary.size() > kMaxBoundary) {
        return std::nullopt;
    }
    const std::string open = "--" + boundary;
    std::map<std::string, std::string> parts;
    auto start = body.find(open);
    while (start != std::string::npos && body.compare(start + open.size(), 2, "--") != 0) {
        const auto headers_end = body.find("\r\n\r\n", start);
        if (headers_end == std::string::npos) {
            return std::nullopt;
        }
        const auto end = body.find("\r\n" + open, headers_end + 4);
        if (end == std::string::npos) {
            return std::nullopt;
        }
        const std::string headers = body.substr(start, headers_end - start);
        auto n = headers.find("name=\"");
        while (n != std::string::npos && n > 0 && headers[n - 1] != ' ' && headers[n - 1] != ';') {
            n = headers.find("name=\"", n + 1); // filename="..." is not the part's name
        }
        if (n != std::string::npos) {
            const auto close = headers.find('"', n + 6);
            if (close != std::string::npos) {
                parts.emplace(headers.substr(n + 6, close - n - 6),
                              body.substr(headers_end + 4, end - headers_end - 4));
            }
        }
        start = end + 2;
    }
    return parts;
}

std::string clean_file_name(const std::string& name) {
    std::string out;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (ok && out.size() < 100 && !(out.empty() && c == '.')) {
            out += c;
        }
    }
    return out.empty() ? "firmware.bin" : out;
}

std::int64_t positive_id(const std::string& text) {
    const long long n = std::atoll(text.c_str());
    return n >= 1 && std::to_string(n) == text ? n : 0;
}

void write_firmware(Writer& w, const db::FirmwareRow& f) {
    w.StartObject();
    w.Key("id");
    w.Int64(f.id);
    member(w, "name", f.name);
    w.Key("size");
    w.Int64(f.size);
    member(w, "sha256", f.sha256);
    member(w, "createdAt", f.created_at);
    member(w, "signingCertificate", f.signing_certificate);
    member(w, "signature", f.signature);
    w.EndObject();
}

namespace {

// The upload's parts from the form (or the body and the query), checked for presence and size; runs on a worker, so
// that scanning and copying megabytes never holds the loop.
std::variant<Problem, Upload> read_upload(const std::string& type, const std::string& query, std::string body,
                                          std::size_t cap) {
    auto too_large = [cap](std::size_t size) {
        return Problem{413, "file",
                       "the firmware has " + std::to_string(size) + " bytes, at most " + std::to_string(cap) +
                           " (--firmware-max-size)"};
    };
    Upload up;
    if (type.compare(0, 19, "multipart/form-data") == 0) {
        if (const auto b = type.find("boundary="); b != std::string::npos) {
            std::string_view boundary =
                std::string_view(type).substr(b + 9, type.find(';', b) - std::min(type.find(';', b), b + 9));
            if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
                boundary = boundary.substr(1, boundary.size() - 2);
            }
            if (boundary.size() > kMaxBoundary) {
                return Problem{400, "Content-Type", "the multipart boundary has more than 70 characters (RFC 2046)"};
            }
        }
        auto parts = form_parts(type, body);
        if (!parts) {
            return Problem{400, "body", "the multipart body is not complete"};
        }
        up.file = std::move((*parts)["file"]);
        up.certificate = (*parts)["signingCertificate"];
        up.signature = (*parts)["signature"];
        up.name = (*parts)["name"];
    } else {
        up.file = std::move(body);
        up.certificate = ocpp::http::query_param(query, "signingCertificate");
        up.signature = ocpp::http::query_param(query, "signature");
        up.name = ocpp::http::query_param(query, "name");
    }
    if (up.file.empty()) {
        return Problem{422, "file", "file is required: the firmware's bytes (a part \"file\" or the body)"};
    }
    if (up.file.size() > cap) {
        return too_large(up.file.size());
    }
    if (up.certificate.empty() || up.certificate.size() > kMaxCertificate) {
        return Problem{422, "signingCertificate",
                       "signingCertificate is required: the PEM certificate that signed the firmware, at most " +
                           std::to_string(kMaxCertificate) + " bytes"};
    }
    while (!up.signature.empty() && (up.signature.back() == '\n' || up.signature.back() == '\r')) {
        up.signature.pop_back();
    }
    if (up.signature.empty() || up.signature.size() > kMaxSignature) {
        return Problem{422, "signature",
                       "signature is required: the base64 signature over the file, at most " +
                           std::to_string(kMaxSignature) + " characters"};
    }
    up.name = clean_file_name(up.name);
    return up;
}

struct UploadJob {
    std::shared_ptr<std::string> body;
    std::string type, query, token;
    std::size_t cap = 0;
    std::vector<std::string> in_use; // stored names of firmware that unfinished updates serve
};

// The form is read, the certificate and signature are checked and the file written off the loop (parsing and hashing
// megabytes takes a while); the answer comes back on the loop. A full pool is a 503.
void check_and_store(CentralSystem& cs, UploadJob job, Respond respond) {
    auto up = std::make_shared<Upload>();
    const bool queued = cs.background().submit<std::variant<Problem, StoredFile>>(
        [files = cs.files(), up, job = std::move(job)](const std::atomic<bool>&) -> std::variant<Problem, StoredFile> {
            auto read = read_upload(job.type, job.query, std::move(*job.body), job.cap);
            if (auto* p = std::get_if<Problem>(&read)) {
                return std::move(*p);
            }
            *up = std::move(std::get<Upload>(read)); // read by the answer on the loop, after this job
            auto certs = ocpp::pki::read_certificates(up->certificate);
            if (!certs || certs->empty()) {
                return Problem{422, "signingCertificate",
                               "signingCertificate is not a PEM certificate" +
                                   (certs ? std::string() : ": " + certs.error().message)};
            }
            auto verified = ocpp::pki::verify_data(up->certificate, up->file, up->signature);
            if (!verified || !*verified) {
                return Problem{422, "signature",
                               "signature does not verify over the file with signingCertificate" +
                                   (verified ? std::string() : ": " + verified.error().message)};
            }
            auto stored =
                files->put(std::string(kFirmwareFilePrefix) + job.token.substr(0, 24) + ".bin", up->file, job.in_use);
            if (!stored) {
                // Larger than the firmware's share: no retry makes room (413); the rest of the share is still served
                // by unfinished updates: 507 until they end.
                const auto kind = stored.error().kind;
                const int status = kind == ocpp::ErrorKind::Invalid ? 413 : kind == ocpp::ErrorKind::Io ? 507 : 503;
                return Problem{status, status == 503 ? "" : "file",
                               "the firmware could not be stored: " + stored.error().message};
            }
            return *stored;
        },
        cs.loop(),
        [&cs, up, respond](std::variant<Problem, StoredFile> checked) {
            if (auto* p = std::get_if<Problem>(&checked)) {
                return respond(p->response());
            }
            db::FirmwareRow row;
            const auto& f = std::get<StoredFile>(checked);
            row.name = up->name;
            row.stored_name = f.name;
            row.size = static_cast<std::int64_t>(f.size);
            row.sha256 = f.sha256;
            row.signing_certificate = up->certificate;
            row.signature = up->signature;
            row.created_at = cs.now_text();
            cs.store<std::int64_t>([row](store::Connection& db) { return db::create_firmware(db, row); },
                                   [&cs, row, respond](ocpp::Result<std::int64_t> id) mutable {
                                       if (!id) {
                                           return respond(store_failed(cs, id.error()));
                                       }
                                       row.id = *id;
                                       cs.log().info("firmware", "firmware " + std::to_string(row.id) + " (" +
                                                                     row.name + ", " + std::to_string(row.size) +
                                                                     " bytes) uploaded, signature verified");
                                       respond(json_response(201, json_object([&](Writer& w) {
                                                                 w.Key("firmware");
                                                                 write_firmware(w, row);
                                                             })));
                                   });
        });
    if (!queued) {
        respond(json_error(503, "the file store is busy; try again"));
    }
}

} // namespace

void upload_firmware(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    // Its own cap (--firmware-max-size), checked on the body first and on the file again off the loop.
    const std::size_t cap = cs.config().max_firmware_bytes;
    if (req.body.size() > cap + kFirmwareFormOverhead) {
        return respond(json_error(413,
                                  "the firmware has " + std::to_string(req.body.size()) + " bytes, at most " +
                                      std::to_string(cap) + " (--firmware-max-size)",
                                  "file"));
    }
    if (cs.files() == nullptr) {
        return respond(json_error(503, "the central system has no file store for firmware"));
    }
    const std::string token = random_token();
    if (token.empty()) {
        return respond(json_error(503, "no random name could be made; try again"));
    }
    // The files unfinished updates still serve are read first: making room for this one must spare them.
    auto body = std::make_shared<std::string>(req.body); // copied once: the request is not ours to keep
    cs.store<std::vector<std::string>>(
        [now = ocpp::unix_seconds_now()](store::Connection& db) { return db::firmware_files_in_use(db, now); },
        [&cs, respond, body, token, cap, type = std::string(req.header("content-type")),
         query = req.query](ocpp::Result<std::vector<std::string>> in_use) {
            if (!in_use) {
                return respond(store_failed(cs, in_use.error()));
            }
            check_and_store(cs, UploadJob{body, type, query, token, cap, std::move(*in_use)}, respond);
        });
}

void serve_firmware_file(CentralSystem& cs, const std::string& rest, const HttpRequest& req, Respond respond) {
    if (req.method != "GET") {
        return respond(ocpp::http::method_not_allowed("GET"));
    }
    const std::string token = rest.substr(0, rest.find('/'));
    if (token.size() != 64 || cs.files() == nullptr) {
        return respond(json_error(404, "no firmware is served at this address"));
    }
    cs.store<Served>(
        [token](store::Connection& db) -> ocpp::Result<Served> {
            auto u = db::find_firmware_update_by_token(db, token);
            if (!u) {
                return u.error();
            }
            if (!*u) {
                return Served(std::nullopt);
            }
            auto f = db::find_firmware(db, (*u)->firmware_id);
            if (!f) {
                return f.error();
            }
            if (!*f) {
                return Served(std::nullopt);
            }
            return Served(std::make_pair(std::move(**u), std::move(**f)));
        },
        [&cs, respond](ocpp::Result<Served> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!*r) {
                return respond(json_error(404, "no firmware is served at this address"));
            }
            const auto& [update, firmware] = **r;
            if (ocpp::unix_seconds_now() > update.expires_at) {
                return respond(json_error(410, "this firmware address has expired"));
            }
            if (firmware_update_ended(update)) {
                return respond(json_error(410, "this firmware update has ended"));
            }
            // Streamed from one shared in-memory copy, like a roll-out file, read from disk once.
            serve_held_file(cs, firmware.stored_name, firmware.name, respond);
        });
}

} // namespace cs::api
