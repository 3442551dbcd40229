// Plain firmware files for roll-out jobs (operations.hpp): uploaded through the API (size-limited, hashed and written
// off the loop into the central system's file store, shared with the logs and signed firmware) and served to the
// chargers of a job at an address holding the job's unguessable token.
#include "centralsystem/api/operations/operations.hpp"
#include "centralsystem/api/security/firmware.hpp"
#include "centralsystem/api/served_download.hpp"
#include "centralsystem/db/operations.hpp"
#include "centralsystem/files/file_store.hpp"
#include "ocpp/util/clock.hpp"

namespace cs::api {

namespace {

void write_file(Writer& w, const db::RolloutFile& f) {
    w.StartObject();
    w.Key("id");
    w.Int64(f.id);
    member(w, "name", f.name);
    w.Key("size");
    w.Int64(f.size);
    member(w, "sha256", f.sha256);
    member(w, "createdAt", f.created_at);
    w.EndObject();
}

void store_rollout_file(CentralSystem& cs, std::shared_ptr<std::string> file, const std::string& token,
                        const std::string& name, std::vector<std::string> in_use, Respond respond) {
    const bool queued = cs.background().submit<ocpp::Result<StoredFile>>(
        [files = cs.files(), file, token, in_use = std::move(in_use)](const std::atomic<bool>&) {
            return files->put("rollout-" + token.substr(0, 24) + ".bin", *file, in_use);
        },
        cs.loop(),
        [&cs, name, respond](ocpp::Result<StoredFile> stored) {
            if (!stored) {
                // Io: the rest of the share is still served by unfinished roll-outs, 507 until they end.
                const int status = stored.error().kind == ocpp::ErrorKind::Io ? 507 : 503;
                return respond(json_error(status, "the firmware could not be stored: " + stored.error().message,
                                          status == 507 ? "file" : ""));
            }
            db::RolloutFile row;
            row.name = name;
            row.stored_name = stored->name;
            row.size = static_cast<std::int64_t>(stored->size);
            row.sha256 = stored->sha256;
            row.created_at = cs.now_text();
            cs.store<std::int64_t>([row](store::Connection& db) { return db::create_rollout_file(db, row); },
                                   [&cs, row, respond](ocpp::Result<std::int64_t> id) mutable {
                                       if (!id) {
                                           return respond(store_failed(cs, id.error()));
                                       }
                                       row.id = *id;
                                       cs.log().info("rollout", "firmware file " + std::to_string(row.id) + " (" +
                                                                    row.name + ", " + std::to_string(row.size) +
                                                                    " bytes, SHA-256 " + row.sha256 + ") uploaded");
                                       respond(json_response(201, json_object([&](Writer& w) {
                                                                 w.Key("file");
                                                                 write_file(w, row);
                                                             })));
                                   });
        });
    if (!queued) {
        respond(json_error(503, "the file store is busy; try again"));
    }
}

} // namespace

void upload_rollout_file(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    if (req.body.size() > kMaxRolloutFile) {
        return respond(json_error(413,
                                  "the firmware has " + std::to_string(req.body.size()) + " bytes, at most " +
                                      std::to_string(kMaxRolloutFile),
                                  "file"));
    }
    auto file = std::make_shared<std::string>();
    std::string name;
    const std::string_view type = req.header("content-type");
    if (type.substr(0, 19) == "multipart/form-data") {
        auto parts = form_parts(type, req.body);
        if (!parts) {
            return respond(json_error(400, "the multipart body is not complete", "body"));
        }
        *file = std::move((*parts)["file"]);
        name = (*parts)["name"];
    } else {
        *file = req.body;
        name = query_param(req.query, "name");
    }
    if (file->empty()) {
        return respond(json_error(422, "file is required: the firmware's bytes (a part \"file\" or the body)", "file"));
    }
    if (name.size() > 100) {
        return respond(json_error(422, "name has at most 100 characters", "name"));
    }
    if (cs.files() == nullptr) {
        return respond(json_error(503, "the central system has no file store for firmware"));
    }
    name = clean_file_name(name);
    const std::string token = random_token();
    if (token.empty()) {
        return respond(json_error(503, "no random name could be made; try again"));
    }
    // The files unfinished roll-outs still serve are read first (making room must spare them); hashing and writing
    // megabytes then runs off the loop.
    cs.store<std::vector<std::string>>(
        [now = ocpp::unix_seconds_now()](store::Connection& db) { return db::rollout_files_in_use(db, now); },
        [&cs, file, token, name, respond](ocpp::Result<std::vector<std::string>> in_use) {
            if (!in_use) {
                return respond(store_failed(cs, in_use.error()));
            }
            store_rollout_file(cs, file, token, name, std::move(*in_use), respond);
        });
}

void list_rollout_files(CentralSystem& cs, Respond respond) {
    cs.store<std::vector<db::RolloutFile>>([](store::Connection& db) { return db::list_rollout_files(db); },
                                           [&cs, respond](ocpp::Result<std::vector<db::RolloutFile>> r) {
                                               if (!r) {
                                                   return respond(store_failed(cs, r.error()));
                                               }
                                               respond(json_response(200, json_object([&](Writer& w) {
                                                                         w.Key("files");
                                                                         w.StartArray();
                                                                         for (const auto& f : *r) {
                                                                             write_file(w, f);
                                                                         }
                                                                         w.EndArray();
                                                                     })));
                                           });
}

void serve_rollout_file(CentralSystem& cs, const std::string& rest, const HttpRequest& req, Respond respond) {
    if (req.method != "GET") {
        return respond(ocpp::http::method_not_allowed("GET"));
    }
    const std::string token = rest.substr(0, rest.find('/'));
    if (token.size() != 64 || cs.files() == nullptr) {
        return respond(json_error(404, "no firmware is served at this address"));
    }
    // The file alone is looked up (a job's charger rows are not read for each of its many downloads), and only a
    // job still scheduled or running, before its end, serves it: a cancelled or ended job's token serves nothing.
    const std::int64_t now = ocpp::DateTime{cs.loop().clock().wall_now()}.unix_ms() / 1000;
    using Found = std::optional<db::RolloutFile>;
    cs.store<Found>([token, now](store::Connection& db) { return db::served_rollout_file(db, token, now); },
                    [&cs, respond](ocpp::Result<Found> r) {
                        if (!r) {
                            return respond(store_failed(cs, r.error()));
                        }
                        if (!*r) {
                            return respond(json_error(404, "no firmware is served at this address"));
                        }
                        serve_held_file(cs, (*r)->stored_name, (*r)->name, respond);
                    });
}

} // namespace cs::api
