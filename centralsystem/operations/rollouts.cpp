// The roll-out scheduler (rollouts.hpp).
#include "centralsystem/operations/rollouts.hpp"

#include "centralsystem/central_system.hpp"
#include "centralsystem/db/operations.hpp"
#include "centralsystem/security/jobs.hpp"
#include "ocpp/text/datetime.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs::operations {

struct RolloutScheduler::Snapshot {
    std::int64_t now = 0;
    std::vector<db::RolloutJob> jobs;
    std::set<std::string> in_session;
};

namespace {

// One planned change of a job charger's row, applied only while its status is still `expected`.
struct Change {
    db::RolloutCharger row;
    std::string expected;
    int expected_attempts = 0;
    int concurrency = 0; // a send: only while fewer of the job's chargers are in progress (across the cluster)
    bool send = false;
    std::string location;
    std::optional<int> retries, retry_interval;
};

struct RolloutApplied {
    std::vector<Change> sent; // rows now "sent": UpdateFirmware goes out for them
};

} // namespace

void RolloutScheduler::start(ocpp::Clock::Duration every) {
    every_ = every;
    timer_ = cs_.loop().make_timer();
    again();
}

void RolloutScheduler::again() {
    timer_->start(every_, [this] { tick(); });
}

void RolloutScheduler::tick() {
    if (busy_) {
        return again();
    }
    busy_ = true;
    const std::int64_t now = ocpp::DateTime{cs_.loop().clock().wall_now()}.unix_ms() / 1000;
    cs_.store<Snapshot>(
        [now](store::Connection& db) -> ocpp::Result<Snapshot> {
            Snapshot s;
            s.now = now;
            auto jobs = db::due_rollout_jobs(db, now);
            if (!jobs) {
                return jobs.error();
            }
            s.jobs = std::move(*jobs);
            if (!s.jobs.empty()) {
                auto busy = db::chargers_in_session(db);
                if (!busy) {
                    return busy.error();
                }
                s.in_session = std::move(*busy);
            }
            return s;
        },
        [this, alive = alive_](ocpp::Result<Snapshot> s) {
            if (!*alive) {
                return;
            }
            if (!s) {
                cs_.log().error("rollout", "reading the roll-out jobs failed: " + s.error().message);
                busy_ = false;
                return again();
            }
            plan(*s);
        });
}

void RolloutScheduler::plan(const Snapshot& s) {
    const std::string now_text = cs_.now_text();
    std::vector<Change> changes;
    std::vector<std::pair<std::int64_t, std::string>> states; // job id → new state
    // A charger updating in one job is not sent another job's firmware until that ends (it stays queued).
    std::set<std::string> updating;
    for (const auto& job : s.jobs) {
        for (const auto& row : job.chargers) {
            if (db::kRolloutActive.count(row.status)) {
                updating.insert(row.chargebox_id);
            }
        }
    }
    for (const auto& job : s.jobs) {
        const bool cancelled = job.state == "cancelled";
        // Past its end a job sends nothing more: its waiting chargers are marked and it ends once none is in progress.
        const bool ended = cancelled || s.now >= job.start_at + db::kRolloutLongest;
        if (job.state == "scheduled") {
            states.emplace_back(job.id, "running");
        }
        int active = 0;
        bool open = false; // a charger has not ended yet
        auto change = [&](const db::RolloutCharger& row, std::string status, std::string detail) {
            Change c;
            c.row = row;
            c.expected = row.status;
            c.expected_attempts = row.attempts;
            c.row.status = std::move(status);
            c.row.detail = std::move(detail);
            c.row.updated_at = now_text;
            changes.push_back(std::move(c));
            return &changes.back();
        };
        // The rows read are those not ended: waiting, in progress, or failed with a retry left.
        for (const auto& row : job.chargers) {
            if (db::kRolloutActive.count(row.status)) {
                if (s.now - row.sent_at > job.timeout) {
                    change(row, "timeout", "no final status within " + std::to_string(job.timeout) + " s");
                    open = open || (!ended && row.attempts <= job.retries);
                } else {
                    ++active;
                    open = true;
                }
            } else if (ended) {
                if (!cancelled) {
                    change(row, std::string(db::kRolloutExpired), "still " + row.status + " when the job ended");
                }
            } else if (db::kRolloutFailed.count(row.status)) {
                auto* c = change(row, "queued",
                                 row.status + " on attempt " + std::to_string(row.attempts) + "; retried after " +
                                     std::to_string(job.retry_interval) + " s");
                c->row.next_at = s.now + job.retry_interval;
                open = true;
            } else {
                open = true;
            }
        }
        for (const auto& row : job.chargers) {
            if (ended || !db::kRolloutWaiting.count(row.status) || row.next_at > s.now) {
                continue;
            }
            if (active >= job.concurrency) {
                break;
            }
            if (!cs_.peer(row.chargebox_id)) {
                if (cs_.cluster() && cs_.cluster()->online_elsewhere(row.chargebox_id)) {
                    continue; // another node holds it: that node's scheduler sends it
                }
                // Offline counts as an attempt: a charger that stays away ends as unreachable after the retries.
                if (row.status == "offline" && row.attempts > job.retries) {
                    change(row, std::string(db::kRolloutUnreachable),
                           "not connected at any of " + std::to_string(row.attempts) + " attempts");
                } else {
                    auto* c = change(row, "offline",
                                     "not connected; tried again after " + std::to_string(job.retry_interval) + " s");
                    c->row.attempts = row.attempts + 1;
                    c->row.next_at = s.now + job.retry_interval;
                }
                continue;
            }
            if (updating.count(row.chargebox_id)) {
                continue;
            }
            if (!job.force && s.in_session.count(row.chargebox_id)) {
                if (row.status != "busy-charging") {
                    change(row, "busy-charging", "a session is running; sent when it ends");
                }
                continue;
            }
            auto* c = change(row, "sent", "");
            c->row.attempts = row.attempts + 1;
            c->row.sent_at = s.now;
            c->send = true;
            c->concurrency = job.concurrency;
            c->location = job.location;
            c->retries = job.ocpp_retries;
            c->retry_interval = job.ocpp_retry_interval;
            updating.insert(row.chargebox_id);
            ++active;
        }
        if (!open && !cancelled) {
            states.emplace_back(job.id, "done");
        }
    }
    if (changes.empty() && states.empty()) {
        busy_ = false;
        return again();
    }
    cs_.store<RolloutApplied>(
        [changes = std::move(changes),
         states = std::move(states)](store::Connection& db) -> ocpp::Result<RolloutApplied> {
            RolloutApplied applied;
            // Every node plans from its own reading: the jobs' rows are locked (in id order) so that their changes
            // are made one node after another, each only where the row is still as read.
            std::set<std::int64_t> jobs;
            for (const auto& c : changes) {
                jobs.insert(c.row.job_id);
            }
            for (std::int64_t id : jobs) {
                if (auto r = db::lock_rollout_job(db, id); !r) {
                    return r.error();
                }
            }
            for (const auto& c : changes) {
                auto done = db::update_rollout_charger(db, c.row, c.expected, c.expected_attempts, c.concurrency);
                if (!done) {
                    return done.error();
                }
                if (*done && c.send) {
                    applied.sent.push_back(c);
                }
            }
            for (const auto& [id, state] : states) {
                if (auto r = db::set_rollout_state(db, id, state); !r) {
                    return r.error();
                }
            }
            return applied;
        },
        [this, alive = alive_](ocpp::Result<RolloutApplied> applied) {
            if (!*alive) {
                return;
            }
            busy_ = false;
            again();
            if (!applied) {
                cs_.log().error("rollout", "storing the roll-out progress failed: " + applied.error().message);
                return;
            }
            for (const auto& c : applied->sent) {
                send(c.row, c.location, c.retries, c.retry_interval);
            }
        });
}

void RolloutScheduler::send(const db::RolloutCharger& row, const std::string& location, std::optional<int> retries,
                            std::optional<int> retry_interval) {
    auto peer = cs_.peer(row.chargebox_id);
    auto failed = [this, alive = alive_, row](std::string why) {
        if (!*alive) {
            return;
        }
        db::RolloutCharger r = row;
        r.status = "rejected";
        r.detail = std::move(why);
        r.updated_at = cs_.now_text();
        cs_.store<bool>([r](store::Connection& db) { return db::update_rollout_charger(db, r, "sent", r.attempts); },
                        [](ocpp::Result<bool>) {});
    };
    if (!peer) {
        return failed("the charger went away before UpdateFirmware was sent");
    }
    ocpp::v16::UpdateFirmwareReq req;
    req.location = location;
    req.retrieveDate = ocpp::DateTime{cs_.loop().clock().wall_now()};
    req.retries = retries;
    req.retryInterval = retry_interval;
    peer->call(req, [failed](ocpp::CallOutcome<ocpp::v16::UpdateFirmwareConf> out) {
        if (!out.ok()) {
            failed("UpdateFirmware was not accepted: " +
                   (out.error_code.empty() ? std::string("no answer") : out.error_code + " " + out.error_description));
        }
    });
}

} // namespace cs::operations
