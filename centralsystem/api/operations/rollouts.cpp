// Firmware roll-out jobs from the REST API (operations.hpp): created over known chargers with a start time, a
// concurrency limit, retries and force; followed per charger (the scheduler in operations/rollouts.cpp carries them
// out) and cancelled.
#include <map>
#include <set>

#include "centralsystem/api/operations/operations.hpp"
#include "centralsystem/api/security/firmware.hpp"
#include "centralsystem/db/operations.hpp"
#include "centralsystem/files/file_store.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs::api {

namespace {

struct NewRollout {
    db::RolloutJob job;
    std::int64_t file_id = 0;
    std::optional<std::string> download_base; // where chargers reach this server, when not the API's Host
};

std::variant<NewRollout, Problem> parse_rollout(CentralSystem& cs, const rapidjson::Value& body) {
    ObjectReader r(body, "");
    NewRollout out;
    std::optional<int> file_id, concurrency, retries, retry_interval, timeout, ocpp_retries, ocpp_interval;
    std::optional<bool> force;
    std::optional<std::string> start;
    if (!r.integer("fileId", file_id, true, 1, 2147483647) ||
        !r.integer("concurrency", concurrency, false, 1, kMaxRolloutConcurrency) ||
        !r.integer("retries", retries, false, 0, 10) || !r.integer("retryInterval", retry_interval, false, 1, 86400) ||
        !r.integer("timeoutSeconds", timeout, false, 10, 86400) ||
        !r.integer("ocppRetries", ocpp_retries, false, 0, 10) ||
        !r.integer("ocppRetryInterval", ocpp_interval, false, 1, 86400) || !r.boolean("force", force) ||
        !r.text("startAt", start, false, 40) || !r.text("downloadBase", out.download_base, false, 200)) {
        return *r.problem();
    }
    if (out.download_base) {
        auto& base = *out.download_base;
        while (!base.empty() && base.back() == '/') {
            base.pop_back();
        }
        const bool web = base.rfind("http://", 0) == 0 || base.rfind("https://", 0) == 0;
        if (!web || base.size() < 9 || base.find_first_of(" \"\\<>?#\r\n") != std::string::npos) {
            return Problem{422, "downloadBase",
                           "downloadBase is the http(s) address chargers reach this server at (http://host:port), "
                           "not \"" +
                               base + "\""};
        }
    }
    const rapidjson::Value* list = r.raw("chargers");
    if (!r.no_unknown_members()) {
        return *r.problem();
    }
    const std::int64_t now = ocpp::DateTime{cs.loop().clock().wall_now()}.unix_ms() / 1000;
    out.job.start_at = now;
    if (start) {
        auto at = ocpp::parse_datetime(*start);
        if (!at) {
            return Problem{422, "startAt", "startAt must be an RFC 3339 date-time, not \"" + *start + "\""};
        }
        out.job.start_at = std::max<std::int64_t>(now, at->unix_ms() / 1000);
    }
    if (list == nullptr || !list->IsArray() || list->Empty()) {
        return Problem{422, "chargers", "chargers must be a non-empty array of Chargebox IDs"};
    }
    if (list->Size() > kMaxRolloutChargers) {
        return Problem{422, "chargers",
                       "chargers lists " + std::to_string(list->Size()) + " chargers, at most " +
                           std::to_string(kMaxRolloutChargers) + " per job"};
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
        if (cs.credentials(id) == nullptr) {
            return Problem{422, field, field + ": no charger \"" + id + "\" is known"};
        }
        if (!seen.insert(id).second) {
            return Problem{422, field, field + ": \"" + id + "\" is listed twice"};
        }
        db::RolloutCharger c;
        c.chargebox_id = std::move(id);
        out.job.chargers.push_back(std::move(c));
    }
    out.file_id = *file_id;
    out.job.file_id = *file_id;
    out.job.concurrency = concurrency.value_or(10);
    out.job.retries = retries.value_or(0);
    out.job.retry_interval = retry_interval.value_or(60);
    out.job.timeout = timeout.value_or(600);
    out.job.ocpp_retries = ocpp_retries;
    out.job.ocpp_retry_interval = ocpp_interval;
    out.job.force = force.value_or(false);
    return out;
}

void write_job(Writer& w, const db::RolloutJob& j, bool with_chargers) {
    w.StartObject();
    w.Key("id");
    w.Int64(j.id);
    w.Key("fileId");
    w.Int64(j.file_id);
    member(w, "state", j.state);
    member(w, "createdAt", j.created_at);
    member(w, "startAt", ocpp::format_datetime(ocpp::DateTime::from_unix_ms(j.start_at * 1000)));
    member(w, "location", j.location);
    w.Key("concurrency");
    w.Int(j.concurrency);
    w.Key("force");
    w.Bool(j.force);
    w.Key("retries");
    w.Int(j.retries);
    w.Key("retryInterval");
    w.Int(j.retry_interval);
    w.Key("timeoutSeconds");
    w.Int(j.timeout);
    std::map<std::string, int> counts = j.counts;
    if (with_chargers) {
        counts.clear();
        for (const auto& c : j.chargers) {
            ++counts[c.status];
        }
    }
    w.Key("counts");
    w.StartObject();
    for (const auto& [status, n] : counts) {
        w.Key(status.c_str());
        w.Int(n);
    }
    w.EndObject();
    if (with_chargers) {
        w.Key("chargers");
        w.StartArray();
        for (const auto& c : j.chargers) {
            w.StartObject();
            member(w, "chargeBoxId", c.chargebox_id);
            member(w, "status", c.status);
            w.Key("attempts");
            w.Int(c.attempts);
            member(w, "detail", c.detail);
            member(w, "updatedAt", c.updated_at);
            member(w, "firmwareVersion", c.firmware_version);
            member(w, "bootedAt", c.booted_at);
            w.EndObject();
        }
        w.EndArray();
    }
    w.EndObject();
}

HttpResponse job_response(int status, const db::RolloutJob& j) {
    return json_response(status, json_object([&](Writer& w) {
                             w.Key("rollout");
                             write_job(w, j, true);
                         }));
}

using FoundJob = std::optional<db::RolloutJob>;

} // namespace

void create_rollout(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_rollout(cs, doc);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    const std::string host(req.header("host"));
    if (!std::get<NewRollout>(parsed).download_base &&
        (host.empty() || host.find_first_of("/\\ @?#") != std::string::npos)) {
        return respond(json_error(400, "the request names no usable Host for the download address", "Host"));
    }
    const std::string base = std::get<NewRollout>(parsed).download_base.value_or(request_scheme(req) + host);
    auto job = std::get<NewRollout>(std::move(parsed)).job;
    job.token = random_token();
    if (job.token.empty()) {
        return respond(json_error(503, "no random token could be made; try again"));
    }
    job.created_at = cs.now_text();
    cs.store<FoundJob>(
        [job, base](store::Connection& db) mutable -> ocpp::Result<FoundJob> {
            auto file = db::find_rollout_file(db, job.file_id);
            if (!file) {
                return file.error();
            }
            if (!*file) {
                return FoundJob();
            }
            job.location = base + std::string(kRolloutPrefix) + job.token + "/" + (*file)->name;
            auto id = db::create_rollout_job(db, job);
            if (!id) {
                return id.error();
            }
            return db::find_rollout_job(db, *id);
        },
        [&cs, respond](ocpp::Result<FoundJob> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!*r) {
                return respond(json_error(422, "fileId names no uploaded firmware file", "fileId"));
            }
            cs.log().info("rollout", "roll-out job " + std::to_string((*r)->id) + " over " +
                                         std::to_string((*r)->chargers.size()) + " chargers created");
            respond(job_response(201, **r));
        });
}

void list_rollouts(CentralSystem& cs, Respond respond) {
    cs.store<std::vector<db::RolloutJob>>([](store::Connection& db) { return db::list_rollout_jobs(db, 100); },
                                          [&cs, respond](ocpp::Result<std::vector<db::RolloutJob>> r) {
                                              if (!r) {
                                                  return respond(store_failed(cs, r.error()));
                                              }
                                              respond(json_response(200, json_object([&](Writer& w) {
                                                                        w.Key("rollouts");
                                                                        w.StartArray();
                                                                        for (const auto& j : *r) {
                                                                            write_job(w, j, false);
                                                                        }
                                                                        w.EndArray();
                                                                    })));
                                          });
}

void get_rollout(CentralSystem& cs, const std::string& id, Respond respond) {
    const std::int64_t n = positive_id(id);
    if (n == 0) {
        return respond(json_error(400, "jobId is a whole number from 1 on, not \"" + id + "\"", "jobId"));
    }
    cs.store<FoundJob>([n](store::Connection& db) { return db::find_rollout_job(db, n); },
                       [&cs, respond](ocpp::Result<FoundJob> r) {
                           if (!r) {
                               return respond(store_failed(cs, r.error()));
                           }
                           if (!*r) {
                               return respond(json_error(404, "no roll-out job with this id", "jobId"));
                           }
                           respond(job_response(200, **r));
                       });
}

void cancel_rollout(CentralSystem& cs, const std::string& id, Respond respond) {
    const std::int64_t n = positive_id(id);
    if (n == 0) {
        return respond(json_error(400, "jobId is a whole number from 1 on, not \"" + id + "\"", "jobId"));
    }
    using Cancelled = std::pair<bool, FoundJob>;
    cs.store<Cancelled>(
        [n, now = cs.now_text()](store::Connection& db) -> ocpp::Result<Cancelled> {
            auto cancelled = db::cancel_rollout_job(db, n, now);
            if (!cancelled) {
                return cancelled.error();
            }
            auto job = db::find_rollout_job(db, n);
            if (!job) {
                return job.error();
            }
            return Cancelled(*cancelled, std::move(*job));
        },
        [&cs, respond](ocpp::Result<Cancelled> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!r->second) {
                return respond(json_error(404, "no roll-out job with this id", "jobId"));
            }
            if (!r->first) {
                return respond(
                    json_error(409, "the roll-out job has ended already (" + r->second->state + ")", "jobId"));
            }
            respond(job_response(200, *r->second));
        });
}

} // namespace cs::api
