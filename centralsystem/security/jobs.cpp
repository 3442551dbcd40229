// The machinery every security job shares: a bounded number of chargers at once, retries of offline ones, waiting
// for a charger to come back as asked (bounded by confirm_timeout), and each outcome recorded as it changes.
#include "centralsystem/security/jobs.hpp"

#include "centralsystem/db/security/security_jobs.hpp"
#include "centralsystem/notifier.hpp"
#include "ocpp/log/log_text.hpp"

namespace cs {

const char* to_string(JobKind kind) {
    return kind == JobKind::ProfileUpgrade ? "profileUpgrade" : "passwordRotation";
}

std::string answer_status(const ocpp::RawOutcome& out) {
    if (out.status != ocpp::CallStatus::Ok || out.payload == nullptr || !out.payload->IsObject()) {
        return "";
    }
    auto it = out.payload->FindMember("status");
    return it != out.payload->MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

std::string describe_failure(const std::string& action, const ocpp::RawOutcome& out) {
    using ocpp::CallStatus;
    switch (out.status) {
    case CallStatus::Ok:
        return action + " answered " + answer_status(out);
    case CallStatus::CallError:
        return action + " answered with CALLERROR " + out.error_code +
               (out.error_description.empty() ? "" : ": " + out.error_description);
    case CallStatus::Timeout:
        return "no answer to " + action + " in time";
    case CallStatus::Closed:
        return "the connection closed before the answer to " + action;
    case CallStatus::QueueFull:
        return "too many calls wait for this charger; " + action + " was not sent";
    case CallStatus::InvalidRequest:
        return action + " was not sent: " + out.error_description;
    case CallStatus::InvalidResponse:
        return "the answer to " + action + " is not valid: " + out.error_description;
    }
    return action + " failed";
}

SecurityJobs::SecurityJobs(JobsDeps deps)
    : deps_(deps) {}

SecurityJobs::~SecurityJobs() {
    *alive_ = false;
}

void SecurityJobs::start(std::int64_t id, JobSpec spec, std::vector<std::string> chargers) {
    if (clustered()) {
        // Stored with every charger pending: each node takes up the chargers connected to it; this one looks now.
        deps_.log.info("jobs", std::string("security job ") + std::to_string(id) + " (" + to_string(spec.kind) +
                                   ") stored over " + std::to_string(chargers.size()) +
                                   " chargers; the nodes holding them take it up");
        std::weak_ptr<bool> alive = alive_;
        deps_.loop.post([this, alive] {
            if (alive.lock()) {
                cluster_tick();
            }
        });
        return;
    }
    auto job = std::make_unique<Job>();
    job->id = id;
    job->spec = spec;
    job->entries.resize(chargers.size());
    // Taken by a job started meanwhile (the API checked before storing this one): index, that job.
    std::vector<std::pair<std::size_t, std::int64_t>> taken;
    for (std::size_t i = 0; i < chargers.size(); ++i) {
        job->entries[i].id = std::move(chargers[i]);
        if (auto held = owner_.find(job->entries[i].id); held != owner_.end()) {
            taken.emplace_back(i, held->second.first);
            continue;
        }
        job->queue.push_back(i);
        owner_[job->entries[i].id] = Ref{id, i};
    }
    job->left = chargers.size() - taken.size();
    Job& j = *job;
    for (const auto& [i, other] : taken) {
        j.entries[i].done = true;
        record(j, j.entries[i], "failed",
               "takes part in another running security job (job " + std::to_string(other) + ")");
    }
    jobs_[id] = std::move(job);
    deps_.log.info("jobs", std::string("security job ") + std::to_string(id) + " (" + to_string(spec.kind) +
                               (spec.kind == JobKind::ProfileUpgrade ? " to " + std::to_string(spec.target_profile)
                                                                     : std::string()) +
                               ") started over " + std::to_string(j.entries.size()) + " chargers");
    pump(j);
}

SecurityJobs::Job* SecurityJobs::find(std::int64_t job) {
    auto it = jobs_.find(job);
    return it == jobs_.end() ? nullptr : it->second.get();
}

void SecurityJobs::pump(Job& job) {
    if (job.pumping) {
        return;
    }
    job.pumping = true;
    while (job.in_flight < job.spec.concurrency && job.next < job.queue.size()) {
        const std::size_t i = job.queue[job.next++];
        begin(job, i);
    }
    if (job.next == job.queue.size()) {
        job.queue.clear();
        job.next = 0;
    }
    job.pumping = false;
}

void SecurityJobs::begin(Job& job, std::size_t i) {
    Entry& e = job.entries[i];
    e.active = true;
    ++e.attempts;
    ++job.in_flight;
    e.token = ++tokens_;
    if (!deps_.links.peer(e.id)) {
        return offline(job, i);
    }
    if (job.spec.kind == JobKind::PasswordRotation) {
        rotate(job, i);
    } else {
        upgrade(job, i);
    }
}

void SecurityJobs::offline(Job& job, std::size_t i) {
    Entry& e = job.entries[i];
    if (e.attempts >= job.spec.max_attempts) {
        return settle(job, i, "offline",
                      "not connected at any of " + std::to_string(e.attempts) + " attempts; nothing was changed");
    }
    if (clustered()) {
        // Let go until its next try: whichever node holds the charger then takes it up.
        e.step.clear();
        e.await = Await::Nothing;
        record_shared(job, e, "offline",
                      "not connected (attempt " + std::to_string(e.attempts) + " of " +
                          std::to_string(job.spec.max_attempts) + "); tried again in " +
                          std::to_string(job.spec.retry_after.count()) + " s",
                      true);
        forget(job, i);
        return pump(job);
    }
    progress(job, i, "offline",
             "not connected (attempt " + std::to_string(e.attempts) + " of " + std::to_string(job.spec.max_attempts) +
                 "); tried again in " + std::to_string(job.spec.retry_after.count()) + " s");
    e.active = false;
    --job.in_flight;
    e.token = ++tokens_;
    if (!e.timer) {
        e.timer = deps_.loop.make_timer();
    }
    const std::int64_t id = job.id;
    const std::uint64_t token = e.token;
    e.timer->start(job.spec.retry_after, [this, id, i, token] {
        Job* j = find(id);
        if (j == nullptr || j->entries[i].token != token || j->entries[i].done) {
            return;
        }
        j->queue.push_back(i);
        pump(*j);
    });
    pump(job);
}

void SecurityJobs::record(const Job& job, const Entry& e, const std::string& outcome, const std::string& reason) {
    if (clustered()) {
        return record_shared(job, e, outcome, reason, false);
    }
    db::JobChargerRow row{e.id, outcome, reason, e.attempts, now_text(deps_.loop.clock())};
    deps_.db.run<void>([job = job.id, row](store::Connection& db) { return db::update_job_charger(db, job, row); },
                       [this, id = e.id](ocpp::Result<void> r) {
                           if (!r) {
                               deps_.log.error("store", "recording a job outcome of " + ocpp::log_quote(id) +
                                                            " failed: " + r.error().message);
                           }
                       });
}

void SecurityJobs::progress(Job& job, std::size_t i, const std::string& outcome, const std::string& reason) {
    record(job, job.entries[i], outcome, reason);
}

void SecurityJobs::stop_entry(Job& job, Entry& e) {
    e.done = true;
    e.await = Await::Nothing;
    e.token = ++tokens_;
    if (e.timer) {
        e.timer->cancel();
    }
    if (e.active) {
        e.active = false;
        --job.in_flight;
    }
}

void SecurityJobs::settle(Job& job, std::size_t i, const std::string& outcome, const std::string& reason) {
    Entry& e = job.entries[i];
    if (e.done) {
        return;
    }
    stop_entry(job, e);
    record(job, e, outcome, reason);
    owner_.erase(e.id);
    if (--job.left > 0) {
        return pump(job);
    }
    const std::int64_t id = job.id;
    if (clustered()) {
        return forget_job_later(id); // the store says when the job is done: when every node's chargers ended
    }
    deps_.log.info("jobs", "security job " + std::to_string(id) + " is done");
    deps_.db.run<void>([id, now = now_text(deps_.loop.clock())](
                           store::Connection& db) { return db::finish_security_job(db, id, "done", now); },
                       [this, id](ocpp::Result<void> r) {
                           if (!r) {
                               deps_.log.error("store", "finishing security job " + std::to_string(id) +
                                                            " failed: " + r.error().message);
                           }
                       });
    // Erased later: a caller up the stack (pump) may still hold the job.
    std::weak_ptr<bool> alive = alive_;
    deps_.loop.post([this, alive, id] {
        if (alive.lock()) {
            jobs_.erase(id);
        }
    });
}

void SecurityJobs::await(Job& job, std::size_t i, Await what, const std::string& reason) {
    Entry& e = job.entries[i];
    e.await = what;
    e.step = what == Await::Password      ? "await-password"
             : what == Await::Certificate ? "await-certificate"
             : what == Await::Profile     ? "await-profile"
                                          : "";
    e.token = ++tokens_;
    progress(job, i, "sent", reason);
    if (!e.timer) {
        e.timer = deps_.loop.make_timer();
    }
    const std::int64_t id = job.id;
    const std::uint64_t token = e.token;
    e.timer->start(job.spec.confirm_timeout, [this, id, i, token] {
        Job* j = find(id);
        if (j != nullptr && j->entries[i].token == token && !j->entries[i].done) {
            timed_out(*j, i);
        }
    });
}

void SecurityJobs::timed_out(Job& job, std::size_t i) {
    Entry& e = job.entries[i];
    const std::string waited = std::to_string(job.spec.confirm_timeout.count()) + " s";
    switch (e.await) {
    case Await::Password:
        if (deps_.links.peer(e.id)) {
            drop_pending(e.id); // connected all along with the old password: the new one was not taken
            return settle(job, i, "failed",
                          "still connected with the old password after " + waited + "; it keeps the old one");
        }
        return settle(job, i, "failed",
                      "did not come back within " + waited +
                          "; both its old and its new password are accepted until it does");
    case Await::Certificate:
        return settle(job, i, "failed", "no new charger certificate within " + waited);
    case Await::Profile:
        return settle(job, i, "failed",
                      "did not come back with security profile " + std::to_string(job.spec.target_profile) +
                          " within " + waited);
    case Await::Nothing:
        return settle(job, i, "failed", "no progress within " + waited);
    }
}

std::function<void(std::function<void(SecurityJobs::Job&, std::size_t)>)> SecurityJobs::later(Job& job, std::size_t i) {
    std::weak_ptr<bool> alive = alive_;
    return [this, alive, id = job.id, i, token = job.entries[i].token](std::function<void(Job&, std::size_t)> fn) {
        if (!alive.lock()) {
            return;
        }
        Job* j = find(id);
        if (j != nullptr && j->entries[i].token == token && !j->entries[i].done) {
            fn(*j, i);
        }
    };
}

void SecurityJobs::call(Job& job, std::size_t i, const std::string& action, std::string payload,
                        std::function<void(Job&, std::size_t, const ocpp::RawOutcome&)> then) {
    auto peer = deps_.links.peer(job.entries[i].id);
    if (!peer) {
        return offline(job, i);
    }
    auto resume = later(job, i);
    peer->call_text(action, std::move(payload),
                    [resume, then](ocpp::RawOutcome out) { resume([&](Job& j, std::size_t k) { then(j, k, out); }); });
}

SecurityJobs::Entry* SecurityJobs::awaiting(const std::string& charger, Await what, Job** job, std::size_t* i) {
    auto it = owner_.find(charger);
    if (it == owner_.end()) {
        return nullptr;
    }
    Job* j = find(it->second.first);
    if (j == nullptr || j->entries[it->second.second].await != what) {
        return nullptr;
    }
    *job = j;
    *i = it->second.second;
    return &j->entries[*i];
}

void SecurityJobs::password_rotated(const std::string& charger) {
    // Also when the answer to ChangeConfiguration has not come yet: the charger is back with the new password.
    auto it = owner_.find(charger);
    if (it == owner_.end()) {
        return confirm_shared(charger, 0); // in a cluster another node may have worked it
    }
    Job* job = find(it->second.first);
    if (job != nullptr && job->spec.kind == JobKind::PasswordRotation) {
        settle(*job, it->second.second, "confirmed",
               "the charger came back with its new password; the old one is retired");
    }
}

void SecurityJobs::profile_raised(const std::string& charger, int profile) {
    auto it = owner_.find(charger);
    if (it == owner_.end()) {
        return confirm_shared(charger, profile);
    }
    Job* job = find(it->second.first);
    if (job != nullptr && job->spec.kind == JobKind::ProfileUpgrade && profile >= job->spec.target_profile) {
        settle(*job, it->second.second, "confirmed",
               "the charger came back with security profile " + std::to_string(profile));
    }
}

void SecurityJobs::certificate_installed(const std::string& charger) {
    Job* job = nullptr;
    std::size_t i = 0;
    if (awaiting(charger, Await::Certificate, &job, &i) != nullptr) {
        set_profile(*job, i);
    }
}

} // namespace cs
