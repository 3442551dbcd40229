// /api/v1/security-jobs: bulk password rotation and security profile upgrades (security/jobs.hpp). POST starts a
// job over a list of chargers or all of a provider's; GET lists the jobs, or one with each charger's outcome. Every
// refusal names its field and changes nothing; a profile only goes up (a downgrade is refused).
#include <algorithm>
#include <set>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/security/job_claims.hpp"
#include "centralsystem/db/security/security_jobs.hpp"

namespace cs::api {

namespace {

constexpr std::size_t kMaxJobChargers = 10000;
constexpr std::size_t kMaxRunningJobs = 8;

struct JobRequest {
    JobSpec spec;
    std::vector<std::string> chargers;
    std::optional<std::string> provider;
};

std::variant<JobRequest, Problem> parse_job(const rapidjson::Value& body) {
    ObjectReader r(body, "");
    JobRequest out;
    std::optional<std::string> kind;
    std::optional<int> target, concurrency, attempts, retry, confirm;
    if (!r.text("kind", kind, true, 32) || !r.text("provider", out.provider, false, 255) ||
        !r.integer("targetProfile", target, false, 0, 3) || !r.integer("concurrency", concurrency, false, 1, 100) ||
        !r.integer("maxAttempts", attempts, false, 1, 10) || !r.integer("retrySeconds", retry, false, 1, 3600) ||
        !r.integer("confirmSeconds", confirm, false, 5, 3600)) {
        return *r.problem();
    }
    const rapidjson::Value* list = r.raw("chargers");
    if (!r.no_unknown_members()) {
        return *r.problem();
    }
    if (*kind == "passwordRotation") {
        out.spec.kind = JobKind::PasswordRotation;
        if (target) {
            return Problem{422, "targetProfile", "targetProfile belongs to a profileUpgrade, not a passwordRotation"};
        }
    } else if (*kind == "profileUpgrade") {
        out.spec.kind = JobKind::ProfileUpgrade;
        if (!target) {
            return Problem{422, "targetProfile", "targetProfile is required for a profileUpgrade (2 or 3)"};
        }
        if (*target < 2) {
            return Problem{422, "targetProfile",
                           "a security profile only goes up: a profileUpgrade goes to 2 or 3, a downgrade is refused"};
        }
        out.spec.target_profile = *target;
    } else {
        return Problem{422, "kind", "kind is passwordRotation or profileUpgrade, not \"" + *kind + "\""};
    }
    if (list != nullptr && out.provider) {
        return Problem{422, "provider", "give either chargers or provider, not both"};
    }
    if (list == nullptr && !out.provider) {
        return Problem{422, "chargers", "name the chargers (chargers: [...]) or a provider (provider)"};
    }
    if (list != nullptr) {
        if (!list->IsArray() || list->Empty()) {
            return Problem{422, "chargers", "chargers must be a non-empty array of Chargebox IDs"};
        }
        if (list->Size() > kMaxJobChargers) {
            return Problem{422, "chargers",
                           "chargers lists " + std::to_string(list->Size()) + " chargers, at most " +
                               std::to_string(kMaxJobChargers) + " per job"};
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
    }
    out.spec.concurrency = concurrency.value_or(out.spec.concurrency);
    out.spec.max_attempts = attempts.value_or(out.spec.max_attempts);
    out.spec.retry_after = std::chrono::seconds(retry.value_or(static_cast<int>(out.spec.retry_after.count())));
    out.spec.confirm_timeout =
        std::chrono::seconds(confirm.value_or(static_cast<int>(out.spec.confirm_timeout.count())));
    return out;
}

// The chargers of the request (a provider's resolved), each known and able to take the job; or why not.
using Resolved = std::variant<std::vector<std::string>, Problem>;

ocpp::Result<Resolved> resolve(store::Connection& db, const JobRequest& req) {
    std::vector<std::string> ids = req.chargers;
    if (req.provider) {
        auto of = db::chargers_of_provider(db, *req.provider);
        if (!of) {
            return of.error();
        }
        if (of->empty()) {
            return Resolved{Problem{422, "provider", "provider \"" + *req.provider + "\" has no chargers"}};
        }
        if (of->size() > kMaxJobChargers) {
            return Resolved{Problem{422, "provider",
                                    "provider \"" + *req.provider + "\" has " + std::to_string(of->size()) +
                                        " chargers, at most " + std::to_string(kMaxJobChargers) + " per job"}};
        }
        ids = std::move(*of);
    }
    const std::string list_field = req.provider ? "provider" : "chargers/";
    auto field_of = [&](std::size_t i) {
        return req.provider ? std::string("provider") : list_field + std::to_string(i);
    };
    auto missing = db::unknown_chargers(db, ids);
    if (!missing) {
        return missing.error();
    }
    if (!missing->empty()) {
        const auto at = std::find(ids.begin(), ids.end(), missing->front()) - ids.begin();
        return Resolved{Problem{404, field_of(at), "no charger with the Chargebox ID \"" + missing->front() + "\""}};
    }
    if (req.spec.kind == JobKind::ProfileUpgrade) {
        auto profiles = db::security_profiles(db, ids);
        if (!profiles) {
            return profiles.error();
        }
        const int target = req.spec.target_profile;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const int p = (*profiles)[i];
            if (p >= target) {
                return Resolved{Problem{409, field_of(i),
                                        "\"" + ids[i] + "\" is at security profile " + std::to_string(p) +
                                            " already; a profile only goes up (a downgrade is refused)"}};
            }
            if (target == 3 && p < 2) {
                return Resolved{Problem{409, field_of(i),
                                        "\"" + ids[i] + "\" is at security profile " + std::to_string(p) +
                                            "; upgrade it to profile 2 first"}};
            }
        }
    }
    return Resolved{std::move(ids)};
}

// The refusal of a job over `ids` that the store did not take: the cap on running jobs, or a charger in another job.
Problem refused(const JobRequest& req, const std::vector<std::string>& ids, const db::JobRefused& why) {
    if (why.chargebox_id.empty()) {
        return Problem{409, "kind",
                       "at most " + std::to_string(kMaxRunningJobs) +
                           " security jobs run at once; wait for one to finish"};
    }
    const auto at = std::find(ids.begin(), ids.end(), why.chargebox_id) - ids.begin();
    return Problem{409, req.provider ? std::string("provider") : "chargers/" + std::to_string(at),
                   "\"" + why.chargebox_id + "\" takes part in running security job " + std::to_string(why.job) +
                       " already"};
}

db::SecurityJobRow job_row(CentralSystem& cs, const JobRequest& req) {
    db::SecurityJobRow row;
    row.kind = to_string(req.spec.kind);
    row.target_profile = req.spec.target_profile;
    row.created_at = cs.now_text();
    row.concurrency = req.spec.concurrency;
    row.max_attempts = req.spec.max_attempts;
    row.retry_seconds = static_cast<int>(req.spec.retry_after.count());
    row.confirm_seconds = static_cast<int>(req.spec.confirm_timeout.count());
    return row;
}

// A job's members (the caller opens and closes its object).
void write_job(Writer& w, const db::SecurityJobRow& j) {
    w.Key("id");
    w.Int64(j.id);
    member(w, "kind", j.kind);
    w.Key("targetProfile");
    if (j.kind == "profileUpgrade") {
        w.Int(j.target_profile);
    } else {
        w.Null();
    }
    member(w, "state", j.state);
    member(w, "createdAt", j.created_at);
    member_or_null(w, "finishedAt", j.finished_at.empty() ? std::nullopt : std::optional<std::string>(j.finished_at));
    w.Key("concurrency");
    w.Int(j.concurrency);
    w.Key("maxAttempts");
    w.Int(j.max_attempts);
    w.Key("counts");
    w.StartObject();
    for (const char* outcome : {"pending", "sent", "confirmed", "rejected", "offline", "failed"}) {
        int n = 0;
        for (const auto& [name, count] : j.counts) {
            n += name == outcome ? count : 0;
        }
        w.Key(outcome);
        w.Int(n);
    }
    w.EndObject();
}

void write_chargers(Writer& w, const db::SecurityJobRow& j) {
    w.Key("chargers");
    w.StartArray();
    for (const auto& c : j.chargers) {
        w.StartObject();
        member(w, "chargeBoxId", c.chargebox_id);
        member(w, "outcome", c.outcome);
        member(w, "reason", c.reason);
        w.Key("attempts");
        w.Int(c.attempts);
        member(w, "updatedAt", c.updated_at);
        w.EndObject();
    }
    w.EndArray();
}

// The job as stored now, with its chargers; 404 when there is none.
void answer_job(CentralSystem& cs, std::int64_t id, int status, Respond respond) {
    cs.store<std::optional<db::SecurityJobRow>>(
        [id](store::Connection& db) { return db::find_security_job(db, id); },
        [&cs, status, respond](ocpp::Result<std::optional<db::SecurityJobRow>> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!*r) {
                return respond(json_error(404, "no security job with this id", "jobId"));
            }
            respond(json_response(status, json_object([&](Writer& w) {
                                      write_job(w, **r);
                                      write_chargers(w, **r);
                                  })));
        });
}

// In a cluster the running jobs are in the store, whichever node started them: the chargers are resolved, checked
// against the running jobs and the cap (kMaxRunningJobs), and the job stored, in one store job that no other node's
// creation overlaps (db::create_job_alone).
using Created = std::variant<std::pair<std::int64_t, std::vector<std::string>>, Problem>;

void create_in_cluster(CentralSystem& cs, std::shared_ptr<JobRequest> request, Respond respond) {
    cs.store<Created>(
        [request, row = job_row(cs, *request)](store::Connection& db) -> ocpp::Result<Created> {
            auto resolved = resolve(db, *request);
            if (!resolved) {
                return resolved.error();
            }
            if (auto* p = std::get_if<Problem>(&*resolved)) {
                return Created{std::move(*p)};
            }
            auto ids = std::get<std::vector<std::string>>(std::move(*resolved));
            auto made = db::create_job_alone(db, row, ids, static_cast<int>(kMaxRunningJobs));
            if (!made) {
                return made.error();
            }
            if (auto* no = std::get_if<db::JobRefused>(&*made)) {
                return Created{refused(*request, ids, *no)};
            }
            return Created{std::make_pair(std::get<std::int64_t>(*made), std::move(ids))};
        },
        [&cs, request, respond](ocpp::Result<Created> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (auto* p = std::get_if<Problem>(&*r)) {
                return respond(p->response());
            }
            auto [id, ids] = std::get<0>(std::move(*r));
            cs.security_jobs().start(id, request->spec, std::move(ids));
            answer_job(cs, id, 201, respond);
        });
}

} // namespace

void create_security_job(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    auto parsed = parse_job(doc);
    if (auto* p = std::get_if<Problem>(&parsed)) {
        return respond(p->response());
    }
    auto request = std::make_shared<JobRequest>(std::get<JobRequest>(std::move(parsed)));
    if (request->spec.kind == JobKind::ProfileUpgrade && request->spec.target_profile == 2 &&
        cs.security_jobs().root_certificate().empty()) {
        return respond(json_error(409,
                                  "there is no root certificate to install on the chargers: start the central system "
                                  "with --tls-root-ca (the CA that signed its TLS certificate)",
                                  "targetProfile"));
    }
    if (cs.security_jobs().clustered()) {
        return create_in_cluster(cs, request, std::move(respond));
    }
    if (cs.security_jobs().running() >= kMaxRunningJobs) {
        return respond(json_error(
            409, "at most " + std::to_string(kMaxRunningJobs) + " security jobs run at once; wait for one to finish",
            "kind"));
    }
    cs.store<Resolved>([request](store::Connection& db) { return resolve(db, *request); },
                       [&cs, request, respond](ocpp::Result<Resolved> r) {
                           if (!r) {
                               return respond(store_failed(cs, r.error()));
                           }
                           if (auto* p = std::get_if<Problem>(&*r)) {
                               return respond(p->response());
                           }
                           auto ids = std::get<std::vector<std::string>>(std::move(*r));
                           for (std::size_t i = 0; i < ids.size(); ++i) {
                               if (const auto job = cs.security_jobs().job_of(ids[i]); job != 0) {
                                   return respond(refused(*request, ids, db::JobRefused{ids[i], job, 0}).response());
                               }
                           }
                           cs.store<std::int64_t>(
                               [row = job_row(cs, *request), ids](store::Connection& db) {
                                   return db::create_security_job(db, row, ids);
                               },
                               [&cs, request, ids, respond](ocpp::Result<std::int64_t> id) mutable {
                                   if (!id) {
                                       return respond(store_failed(cs, id.error()));
                                   }
                                   cs.security_jobs().start(*id, request->spec, std::move(ids));
                                   answer_job(cs, *id, 201, respond);
                               });
                       });
}

void list_security_jobs(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    int limit = 50;
    if (const std::string t = query_param(req.query, "limit"); !t.empty()) {
        limit = std::atoi(t.c_str());
        if (limit < 1 || limit > db::kKeptJobs || std::to_string(limit) != t) {
            return respond(
                json_error(400, "limit takes a whole number from 1 to " + std::to_string(db::kKeptJobs), "limit"));
        }
    }
    cs.store<std::vector<db::SecurityJobRow>>(
        [limit](store::Connection& db) { return db::list_security_jobs(db, limit); },
        [&cs, respond](ocpp::Result<std::vector<db::SecurityJobRow>> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      w.Key("jobs");
                                      w.StartArray();
                                      for (const auto& j : *r) {
                                          w.StartObject();
                                          write_job(w, j);
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                  })));
        });
}

void get_security_job(CentralSystem& cs, const std::string& id, Respond respond) {
    const long long n = std::atoll(id.c_str());
    if (n < 1 || std::to_string(n) != id) {
        return respond(json_error(400, "jobId is a whole number from 1 on, not \"" + id + "\"", "jobId"));
    }
    answer_job(cs, n, 200, std::move(respond));
}

} // namespace cs::api
