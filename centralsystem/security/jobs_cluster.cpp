// The security jobs in a cluster (jobs.hpp): every second a node looks in the store for rows of running jobs it may
// act on, takes those of chargers connected to it (each only while as read and under the job's concurrency across the
// cluster), counts the tries of chargers connected nowhere (each once, by whichever node comes first) and fails
// awaited chargers whose node stopped and whose time ran out. A row taken up after its node stopped goes on at the
// step it reached.
#include "centralsystem/security/jobs.hpp"

#include "centralsystem/notifier.hpp"
#include "ocpp/log/log_text.hpp"

namespace cs {

namespace {

constexpr int kLookLimit = 1000; // rows read per look, of each kind (a job has at most 10,000 chargers)

// What one look decided: rows to take, rows to change.
struct Decided {
    std::vector<db::JobWork> take;
    std::vector<std::pair<db::JobWork, db::JobWork>> change; // as read, as changed
};

bool awaiting_step(const std::string& step) {
    return step == "key" || step == "await-password" || step == "await-certificate" || step == "await-profile";
}

} // namespace

std::int64_t SecurityJobs::wall_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deps_.loop.clock().wall_now().time_since_epoch())
        .count();
}

void SecurityJobs::start_cluster(std::chrono::milliseconds every) {
    every_ = every;
    ticker_ = deps_.loop.make_timer();
    cluster_tick();
}

void SecurityJobs::stop_cluster() {
    stopped_ = true;
    if (ticker_) {
        ticker_->cancel();
    }
}

void SecurityJobs::cluster_tick() {
    if (stopped_ || !ticker_) {
        return;
    }
    ticker_->start(every_, [this] { cluster_tick(); });
    if (ticking_) {
        return; // the store is slow: one look at a time
    }
    ticking_ = true;
    const std::int64_t now = wall_ms();
    deps_.db.run<db::OpenWork>(
        [node = node_, now, at = now_text(deps_.loop.clock())](store::Connection& db) -> ocpp::Result<db::OpenWork> {
            if (auto r = db::finish_done_jobs(db, at); !r) {
                return r.error();
            }
            return db::open_job_work(db, node, now, kLookLimit);
        },
        [this, alive = std::weak_ptr<bool>(alive_)](ocpp::Result<db::OpenWork> work) {
            if (!alive.lock()) {
                return;
            }
            if (!work) {
                ticking_ = false;
                deps_.log.error("jobs", "reading the security jobs failed: " + work.error().message);
                return;
            }
            cluster_plan(std::move(*work));
        });
}

void SecurityJobs::cluster_plan(db::OpenWork work) {
    const std::int64_t now = wall_ms();
    auto worked_here = [this](const db::JobWork& row) {
        auto it = owner_.find(row.chargebox_id);
        return it != owner_.end() && it->second.first == row.job;
    };
    Decided d;
    for (auto& row : work.mine) {
        if (worked_here(row) || !deps_.links.peer(row.chargebox_id)) {
            continue;
        }
        if (row.outcome == "offline" && row.next_at > now) {
            continue; // its next try is not due yet
        }
        d.take.push_back(std::move(row));
    }
    for (auto& row : work.nowhere) {
        if (worked_here(row) || deps_.links.peer(row.chargebox_id)) {
            continue;
        }
        db::JobWork to = row;
        to.node.clear();
        to.step.clear();
        if (awaiting_step(row.step)) {
            // Its node stopped while it was awaited, and it did not come back in time anywhere.
            to.outcome = "failed";
            to.reason = row.kind == "passwordRotation"
                            ? "did not come back within " + std::to_string(row.confirm_seconds) +
                                  " s; both its old and its new password are accepted until it does"
                            : "did not come back as asked within " + std::to_string(row.confirm_seconds) + " s";
        } else {
            to.attempts = row.attempts + 1;
            if (to.attempts >= row.max_attempts) {
                to.outcome = "offline";
                to.reason = "not connected at any of " + std::to_string(to.attempts) + " attempts; nothing was changed";
            } else {
                to.outcome = "offline";
                to.reason = "not connected (attempt " + std::to_string(to.attempts) + " of " +
                            std::to_string(row.max_attempts) + "); tried again in " +
                            std::to_string(row.retry_seconds) + " s";
                to.next_at = now + std::int64_t{row.retry_seconds} * 1000;
            }
        }
        d.change.emplace_back(std::move(row), std::move(to));
    }
    if (d.take.empty() && d.change.empty()) {
        ticking_ = false;
        return;
    }
    deps_.db.run<std::vector<db::JobWork>>(
        [d, node = node_, now,
         at = now_text(deps_.loop.clock())](store::Connection& db) -> ocpp::Result<std::vector<db::JobWork>> {
            for (const auto& [seen, to] : d.change) {
                if (auto r = db::change_job_row(db, seen, to, at); !r) {
                    return r.error();
                }
            }
            std::vector<db::JobWork> taken;
            for (const auto& row : d.take) {
                auto claimed = db::claim_job_row(db, row, node, now);
                if (!claimed) {
                    return claimed.error();
                }
                if (*claimed) {
                    taken.push_back(row);
                }
            }
            return taken;
        },
        [this, alive = std::weak_ptr<bool>(alive_)](ocpp::Result<std::vector<db::JobWork>> taken) {
            if (!alive.lock()) {
                return;
            }
            ticking_ = false;
            if (!taken) {
                deps_.log.error("jobs", "taking up security job steps failed: " + taken.error().message);
                return;
            }
            for (const auto& row : *taken) {
                take_up(row);
            }
        });
}

void SecurityJobs::take_up(const db::JobWork& row) {
    if (auto held = owner_.find(row.chargebox_id); held != owner_.end()) {
        if (held->second.first != row.job) {
            refuse_row(row, held->second.first);
        }
        return; // else taken up here already (a second look answered meanwhile)
    }
    Job* job = find(row.job);
    if (job == nullptr) {
        auto made = std::make_unique<Job>();
        made->id = row.job;
        made->spec.kind = row.kind == "profileUpgrade" ? JobKind::ProfileUpgrade : JobKind::PasswordRotation;
        made->spec.target_profile = row.target_profile;
        made->spec.concurrency = std::max(1, row.concurrency);
        made->spec.max_attempts = std::max(1, row.max_attempts);
        made->spec.retry_after = std::chrono::seconds(row.retry_seconds);
        made->spec.confirm_timeout = std::chrono::seconds(row.confirm_seconds);
        job = made.get();
        jobs_[row.job] = std::move(made);
    }
    std::size_t i = 0;
    if (auto it = job->index.find(row.chargebox_id); it != job->index.end()) {
        i = it->second;
    } else {
        i = job->entries.size();
        job->entries.emplace_back();
        job->index[row.chargebox_id] = i;
    }
    Entry& e = job->entries[i];
    e.id = row.chargebox_id;
    e.attempts = row.attempts;
    e.active = false;
    e.done = false;
    e.await = Await::Nothing;
    e.step = row.step;
    e.token = ++tokens_;
    owner_[e.id] = Ref{job->id, i};
    ++job->left;
    if (!awaiting_step(row.step)) {
        job->queue.push_back(i);
        return pump(*job);
    }
    // Its node stopped at this step: what was sent stands; the charger is awaited here, never asked again.
    e.active = true;
    ++job->in_flight;
    const std::string from = row.node.empty() ? std::string() : " from node \"" + row.node + "\"";
    if (row.step == "await-certificate") {
        return await(*job, i, Await::Certificate,
                     "taken up" + from + "; waiting for its charger certificate to be signed and installed");
    }
    if (row.step == "await-profile") {
        return await(*job, i, Await::Profile,
                     "taken up" + from + "; waiting for the charger to come back with security profile " +
                         std::to_string(row.target_profile));
    }
    await(*job, i, Await::Password, "taken up" + from + "; waiting for the charger to come back with its new password");
}

void SecurityJobs::refuse_row(const db::JobWork& row, std::int64_t other) {
    // The charger is worked here for another running job: this row ends (claimed by this node, it would count against
    // its job's concurrency with nothing working it, and be worked again once the other job let the charger go).
    db::JobWork to;
    to.chargebox_id = row.chargebox_id;
    to.outcome = "failed";
    to.reason = "takes part in another running security job (job " + std::to_string(other) + ")";
    to.attempts = row.attempts;
    deps_.log.warn("jobs", "security job " + std::to_string(row.job) + ": " + ocpp::log_quote(row.chargebox_id) + " " +
                               to.reason + "; failed");
    deps_.db.run<bool>([job = row.job, node = node_, to, at = now_text(deps_.loop.clock())](
                           store::Connection& db) { return db::record_job_step(db, job, node, to, at); },
                       [this, id = row.chargebox_id](ocpp::Result<bool> r) {
                           if (!r) {
                               deps_.log.error("store", "recording a job outcome of " + ocpp::log_quote(id) +
                                                            " failed: " + r.error().message);
                           }
                       });
}

void SecurityJobs::record_shared(const Job& job, const Entry& e, const std::string& outcome, const std::string& reason,
                                 bool release) {
    db::JobWork to;
    to.chargebox_id = e.id;
    to.outcome = outcome;
    to.reason = reason;
    to.attempts = e.attempts;
    to.node = release ? std::string() : node_;
    to.step = e.done ? std::string() : e.step;
    if (release) {
        to.next_at = wall_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(job.spec.retry_after).count();
    } else if (!e.done && e.await != Await::Nothing) {
        // An awaited charger's deadline: after it, a node that finds this one stopped fails the row.
        to.next_at =
            wall_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(job.spec.confirm_timeout).count();
    }
    deps_.db.run<bool>([job = job.id, node = node_, to, at = now_text(deps_.loop.clock())](
                           store::Connection& db) { return db::record_job_step(db, job, node, to, at); },
                       [this, job = job.id, id = e.id, token = e.token](ocpp::Result<bool> r) {
                           if (!r) {
                               deps_.log.error("store", "recording a job outcome of " + ocpp::log_quote(id) +
                                                            " failed: " + r.error().message);
                           } else if (!*r) {
                               lost_row(job, id, token);
                           }
                       });
}

void SecurityJobs::lost_row(std::int64_t job_id, const std::string& id, std::uint64_t token) {
    // The row is no longer this node's (its lease lapsed and another node took the charger's row meanwhile): what
    // this node does for it from now on would be recorded nowhere and repeated by the other, so it stops here.
    Job* job = find(job_id);
    if (job == nullptr) {
        return;
    }
    const auto at = job->index.find(id);
    if (at == job->index.end() || job->entries[at->second].done || job->entries[at->second].token != token) {
        return;
    }
    deps_.log.warn("security", "job " + std::to_string(job_id) + ": " + ocpp::log_quote(id) +
                                   " is worked by another node now; this node stops working it");
    forget(*job, at->second);
    pump(*job);
}

void SecurityJobs::forget(Job& job, std::size_t i) {
    Entry& e = job.entries[i];
    stop_entry(job, e);
    owner_.erase(e.id);
    if (--job.left == 0) {
        forget_job_later(job.id);
    }
}

void SecurityJobs::forget_job_later(std::int64_t id) {
    std::weak_ptr<bool> alive = alive_;
    deps_.loop.post([this, alive, id] {
        if (!alive.lock()) {
            return;
        }
        Job* job = find(id);
        if (job != nullptr && job->left == 0) {
            jobs_.erase(id); // nothing of it is worked here now; a later look may take it up again
        }
    });
}

void SecurityJobs::confirm_shared(const std::string& charger, int profile) {
    if (!clustered()) {
        return;
    }
    const std::string reason = profile == 0 ? "the charger came back with its new password; the old one is retired"
                                            : "the charger came back with security profile " + std::to_string(profile);
    deps_.db.run<void>(
        [charger, profile, reason, at = now_text(deps_.loop.clock())](store::Connection& db) {
            return profile == 0 ? db::confirm_rotation_rows(db, charger, reason, at)
                                : db::confirm_upgrade_rows(db, charger, profile, reason, at);
        },
        [this, charger](ocpp::Result<void> r) {
            if (!r) {
                deps_.log.error("store", "confirming the security job of " + ocpp::log_quote(charger) +
                                             " failed: " + r.error().message);
            }
        });
}

} // namespace cs
