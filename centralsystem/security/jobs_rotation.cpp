// Password rotation of one charger: a fresh AuthorizationKey, its passwords (both readings) hashed off the loop and
// stored as pending before the charger hears of it, so that its reconnect with the new password is accepted even
// when the answer to ChangeConfiguration never comes. The old password passes too until the charger has come with
// the new one (the gate then retires it); a Rejected key ends the rotation with the old password alone.
#include "centralsystem/db/security/security_jobs.hpp"
#include "centralsystem/security/jobs.hpp"
#include "ocpp/http/json.hpp"
#include "ocpp/log/log_text.hpp"
#include "store/password.hpp"

#include <optional>

namespace cs {

void SecurityJobs::rotate(Job& job, std::size_t i) {
    const std::string key = new_authorization_key();
    auto resume = later(job, i);
    auto hashed = [this, key, resume](std::vector<std::string> hashes) {
        resume([&](Job& j, std::size_t k) { send_key(j, k, key, std::move(hashes)); });
    };
    const bool queued = hasher_.submit<std::vector<std::string>>(
        [key](const std::atomic<bool>&) {
            std::vector<std::string> hashes;
            for (const auto& password : passwords_for_key(key)) {
                hashes.push_back(store::hash_password(password));
            }
            return hashes;
        },
        deps_.loop, hashed);
    if (!queued) {
        settle(job, i, "failed", "the central system was too busy to hash a new password; run the job again");
    }
}

void SecurityJobs::send_key(Job& job, std::size_t i, const std::string& key, std::vector<std::string> hashes) {
    const std::string id = job.entries[i].id;
    std::string joined;
    for (const auto& h : hashes) {
        joined += (joined.empty() ? "" : " ") + h;
    }
    auto resume = later(job, i);
    // In a cluster the row notes the stored key in the same transaction, and only while this node still works it: a
    // node taking the charger up after this one stopped awaits it with this key and never sends another one.
    std::optional<db::JobWork> step;
    if (clustered()) {
        job.entries[i].step = "key";
        step = db::JobWork{};
        step->chargebox_id = id;
        step->outcome = "pending";
        step->reason = "a new AuthorizationKey is stored; sending it to the charger";
        step->attempts = job.entries[i].attempts;
        step->node = node_;
        step->step = "key";
        step->next_at =
            wall_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(job.spec.confirm_timeout).count();
    }
    // Stored before the charger hears of the key: whatever happens next, its reconnect with it is accepted.
    deps_.db.run<void>(
        [id, joined, step, job_id = job.id, node = node_,
         at = now_text(deps_.loop.clock())](store::Connection& db) -> ocpp::Result<void> {
            if (step) {
                auto mine = db::record_job_step(db, job_id, node, *step, at);
                if (!mine) {
                    return mine.error();
                }
                if (!*mine) {
                    return ocpp::make_error("another node works this charger's step now");
                }
            }
            return db::set_pending_passwords(db, id, joined);
        },
        [this, resume, key, id, hashes = std::move(hashes)](ocpp::Result<void> r) mutable {
            resume([&](Job& j, std::size_t k) {
                if (!r) {
                    return settle(j, k, "failed", "storing the new password failed: " + r.error().message);
                }
                deps_.gate.set_pending_passwords(id, std::move(hashes));
                if (!deps_.links.peer(id)) {
                    drop_pending(id);
                    return offline(j, k);
                }
                std::string payload = ocpp::http::json_object([&](ocpp::http::JsonWriter& w) {
                    ocpp::http::member(w, "key", "AuthorizationKey");
                    ocpp::http::member(w, "value", key);
                });
                call(j, k, "ChangeConfiguration", std::move(payload),
                     [this](Job& j2, std::size_t k2, const ocpp::RawOutcome& out) { key_answered(j2, k2, out); });
            });
        });
}

void SecurityJobs::key_answered(Job& job, std::size_t i, const ocpp::RawOutcome& out) {
    const std::string id = job.entries[i].id;
    const std::string status = answer_status(out);
    if (out.status == ocpp::CallStatus::Ok) {
        if (status == "Accepted" || status == "RebootRequired") {
            return await(job, i, Await::Password,
                         "AuthorizationKey " + status + "; waiting for the charger to come back with its new password");
        }
        drop_pending(id);
        return settle(job, i, "rejected",
                      "the charger answered " + status + " to the new AuthorizationKey; it keeps its old password");
    }
    if (out.status == ocpp::CallStatus::Timeout || out.status == ocpp::CallStatus::Closed) {
        // It may have taken the key before going: both passwords pass until it comes back.
        return await(job, i, Await::Password,
                     describe_failure("ChangeConfiguration", out) +
                         "; its old and new password both pass until it comes back");
    }
    drop_pending(id);
    settle(job, i, "failed", describe_failure("ChangeConfiguration", out));
}

void SecurityJobs::drop_pending(const std::string& charger) {
    deps_.gate.set_pending_passwords(charger, {});
    deps_.db.run<void>([charger](store::Connection& db) { return db::set_pending_passwords(db, charger, ""); },
                       [this, charger](ocpp::Result<void> r) {
                           if (!r) {
                               deps_.log.error("store", "ending the rotation of " + ocpp::log_quote(charger) +
                                                            " failed: " + r.error().message);
                           }
                       });
}

} // namespace cs
