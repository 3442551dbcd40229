// Load management's sending side (load_manager.hpp): the fail-safe TxDefaultProfile, the re-balancing pass that
// decides which new limits may go out now, and the TxProfiles with their answers.
#include <algorithm>
#include <chrono>

#include "centralsystem/sites/load_manager.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs::sites {

using namespace ocpp::v16;

namespace {

constexpr auto kFirstRetry = std::chrono::seconds(2);
constexpr auto kLongestRetry = std::chrono::minutes(5);

ocpp::Clock::Duration backoff(int failures) {
    auto d = kFirstRetry;
    for (int i = 1; i < failures && d < kLongestRetry; ++i) {
        d *= 2;
    }
    return std::min<ocpp::Clock::Duration>(d, kLongestRetry);
}

// One Relative schedule period of `limit_a` A (per phase) from the start of the session.
ChargingProfile profile(int id, ChargingProfilePurposeType purpose, int stack_level, double limit_a,
                        std::optional<int> transaction) {
    ChargingProfile p;
    p.chargingProfileId = id;
    p.transactionId = transaction;
    p.stackLevel = stack_level;
    p.chargingProfilePurpose = purpose;
    p.chargingProfileKind = ChargingProfileKindType::Relative;
    p.chargingSchedule.chargingRateUnit = ChargingRateUnitType::A;
    ChargingSchedulePeriod period;
    period.startPeriod = 0;
    period.limit = limit_a;
    p.chargingSchedule.chargingSchedulePeriod.push_back(period);
    return p;
}

// Whether a session held to `current` must be sent `target`: every lowering; a raise only from kSmallestRaise on
// (a smaller one leaves the session a little below its share, which is safe, and saves a message per session
// whenever one of hundreds stops).
constexpr double kSmallestRaise = 0.5;
bool needs_change(double current, double target) {
    return target < current - 0.05 || target > current + kSmallestRaise - 1e-9;
}

std::string outcome_text(const ocpp::CallOutcome<SetChargingProfileConf>& out) {
    if (out.status == ocpp::CallStatus::Ok && out.conf) {
        return std::string("the charger answered ") + to_string(out.conf->status);
    }
    return out.error_description.empty() ? "the charger did not answer" : out.error_description;
}

} // namespace

void LoadManager::send_failsafe(const std::string& id) {
    Site* site = site_of(id);
    if (site == nullptr) {
        return;
    }
    auto& state = chargers_[id];
    state.failsafe = "sending";
    SetChargingProfileReq req;
    req.connectorId = 0;
    req.csChargingProfiles =
        profile(kFailsafeProfileId, ChargingProfilePurposeType::TxDefaultProfile, 0, site->rules.failsafe_a, {});
    std::weak_ptr<bool> alive = alive_;
    const bool sent = links_.call(id, req, [this, alive, id](ocpp::CallOutcome<SetChargingProfileConf> out) {
        if (alive.expired()) {
            return;
        }
        auto& st = chargers_[id];
        if (out.status == ocpp::CallStatus::Ok && out.conf && out.conf->status == ChargingProfileStatus::Accepted) {
            st.failsafe = "installed";
            st.error.clear();
            st.failures = 0;
            if (st.retry) {
                st.retry->cancel();
            }
            return;
        }
        st.failsafe = "failed";
        st.error = outcome_text(out);
        ++st.failures;
        links_.log_charger(id, ocpp::LogLevel::Warn, "fail-safe profiles",
                           "the fail-safe TxDefaultProfile: " + st.error);
        if (!st.retry) {
            st.retry = loop_.make_timer();
        }
        st.retry->start(backoff(st.failures), [this, alive, id] {
            if (!alive.expired() && links_.peer(id)) {
                send_failsafe(id);
            }
        });
    });
    if (!sent) {
        state.failsafe = "";
    }
}

void LoadManager::rebalance(std::int64_t site_id, bool changed) {
    auto found = sites_.find(site_id);
    if (found == sites_.end()) {
        return;
    }
    Site& site = found->second;
    if (changed && !site.changed_at) {
        site.changed_at = loop_.clock().now();
    }
    const int minute = minute_of_day();
    const double site_limit = limit_at(site.rules, minute);
    // In a cluster this node shares only its part of the limit (allocation.hpp's node_budget), and raises only as
    // far as the part recorded in the store and what the other nodes' recorded parts leave (raise_cap).
    const double limit = part_of(site_id, site_limit);
    const double cap = raise_cap(site, limit, site_limit);
    // Offline sessions cannot be steered: their limit stays reserved; the others share the rest.
    double reserved = 0;
    std::vector<Demand> demands;
    std::vector<Session*> online;
    for (auto& [tx, s] : site.sessions) {
        if (s.offline) {
            reserved += s.confirmed_a;
            continue;
        }
        demands.push_back({tx, s.max_a});
        online.push_back(&s);
    }
    // On a large site some room stays free for the next starts, so that their limits need not wait for lowerings.
    const double budget = std::max(0.0, limit - reserved);
    const auto shares =
        share(budget - start_headroom(budget, site.rules.min_session_a, demands), site.rules.min_session_a, demands);
    std::vector<Change> changes;
    for (std::size_t i = 0; i < online.size(); ++i) {
        Session& s = *online[i];
        s.target_a = shares[i];
        const double current = s.last_sent().value_or(s.confirmed_a);
        if (needs_change(current, s.target_a) ||
            (s.in_flight.empty() && (!s.error.empty() || !s.has_profile || s.adopted))) {
            changes.push_back({s.transaction, s.confirmed_a, s.target_a});
        }
    }
    // What the chargers may draw now (for each session the higher of its confirmed limit, the fail-safe until it has
    // a TxProfile, and those in flight), and the TxProfile limits in force (sent: accepted, or a raise on its way).
    double held = reserved, sent = reserved;
    for (auto* s : online) {
        held += std::max(s->confirmed_a, s->highest_in_flight());
        sent += std::max(s->has_profile ? s->confirmed_a : 0.0, s->highest_in_flight());
    }
    const auto now = loop_.clock().now();
    std::optional<ocpp::Clock::TimePoint> wake;
    for (const auto& c : order_changes(std::move(changes))) {
        Session& s = site.sessions[c.key];
        if (s.in_flight.size() >= kPipelined) {
            continue; // its answers re-balance again
        }
        if (now < s.retry_at) {
            wake = wake ? std::min(*wake, s.retry_at) : s.retry_at;
            continue;
        }
        // A limit in flight may already hold: a raise counts from the highest the charger may be held to.
        const double rise = c.to_a - std::max(s.confirmed_a, s.highest_in_flight());
        if (rise > 0 && held + rise > cap + 1e-6) {
            continue; // waits until lowerings are confirmed
        }
        // A session's first TxProfile adds to the limits in force even when it is below the fail-safe.
        const double in_force = std::max(s.has_profile ? s.confirmed_a : 0.0, s.highest_in_flight());
        const double added = std::max(0.0, c.to_a - in_force);
        if (added > 0 && sent + added > cap + 1e-6) {
            continue;
        }
        held += std::max(0.0, rise);
        sent += added;
        send_limit(site, s, c.to_a);
    }
    site.peak_sum_a = std::max(site.peak_sum_a, sent);
    record(site, limit, held);
    // Every new limit sent (or accepted already): the change is done.
    const bool all_sent = std::all_of(online.begin(), online.end(), [](const Session* s) {
        return (s->has_profile || !s->in_flight.empty()) &&
               !needs_change(s->last_sent().value_or(s->confirmed_a), s->target_a);
    });
    if (all_sent && site.changed_at) {
        const double ms = std::chrono::duration<double, std::milli>(now - *site.changed_at).count();
        if (site.latencies_ms.size() < kLatencies) {
            site.latencies_ms.push_back(ms);
        } else {
            site.latencies_ms[site.next_latency] = ms;
        }
        site.next_latency = (site.next_latency + 1) % kLatencies;
        site.changed_at.reset();
    }
    // Wake for the next retry, and at least once a minute: the time-of-day limit may have changed.
    auto next = now + std::chrono::seconds(std::min(60, 60 * minutes_to_next_change(site.rules, minute)));
    if (wake && *wake < next) {
        next = *wake;
    }
    std::weak_ptr<bool> alive = alive_;
    site.timer->start(next - now, [this, alive, site_id] {
        if (!alive.expired()) {
            rebalance(site_id);
        }
    });
}

void LoadManager::send_limit(Site& site, Session& s, double limit) {
    SetChargingProfileReq req;
    req.connectorId = s.connector;
    req.csChargingProfiles = profile(tx_profile_id(s.connector), ChargingProfilePurposeType::TxProfile, 1, limit,
                                     static_cast<int>(s.transaction));
    std::weak_ptr<bool> alive = alive_;
    const std::int64_t site_id = site.row.id, tx = s.transaction;
    const std::uint64_t call = ++s.calls;
    // In flight before the call: a refusal for a full queue answers at once.
    s.in_flight.push_back({call, limit});
    const bool sent = links_.call(
        s.charger, req, [this, alive, site_id, tx, limit, call](ocpp::CallOutcome<SetChargingProfileConf> out) {
            if (alive.expired()) {
                return;
            }
            auto site_it = sites_.find(site_id);
            if (site_it == sites_.end()) {
                return;
            }
            auto it = site_it->second.sessions.find(tx);
            if (it == site_it->second.sessions.end()) {
                return; // stopped meanwhile
            }
            Session& session = it->second;
            auto& flight = session.in_flight;
            const auto mine =
                std::find_if(flight.begin(), flight.end(), [call](const Session::Sent& x) { return x.call == call; });
            if (mine == flight.end()) {
                return; // its charger went away meanwhile: the limit was counted as held then
            }
            flight.erase(mine);
            if (out.status == ocpp::CallStatus::Ok && out.conf && out.conf->status == ChargingProfileStatus::Accepted) {
                session.confirmed_a = limit;
                session.has_profile = true;
                session.failures = 0;
                session.error.clear();
                if (session.adopted) {
                    session.adopted = false;
                    mark_if_taken(site_it->second, session.charger);
                }
            } else {
                if (out.status == ocpp::CallStatus::Timeout || out.status == ocpp::CallStatus::Closed) {
                    // No answer: the charger may have applied the limit. Until one is accepted it counts as holding
                    // the higher of the two, so that the sum in force stays within the site's limit.
                    session.confirmed_a = std::max(session.confirmed_a, limit);
                }
                session.error = outcome_text(out);
                ++session.failures;
                session.retry_at = loop_.clock().now() + backoff(session.failures);
                links_.log_charger(session.charger, ocpp::LogLevel::Warn, "load-management profiles",
                                   "TxProfile for transaction " + std::to_string(tx) + ": " + session.error);
            }
            post_rebalance(site_id);
        });
    if (!sent) {
        s.in_flight.pop_back();
        s.offline = true;
    }
}

void LoadManager::post_rebalance(std::int64_t site_id) {
    auto it = sites_.find(site_id);
    if (it == sites_.end() || it->second.rebalance_posted) {
        return;
    }
    it->second.rebalance_posted = true;
    std::weak_ptr<bool> alive = alive_;
    loop_.post([this, alive, site_id] {
        if (alive.expired()) {
            return;
        }
        if (auto s = sites_.find(site_id); s != sites_.end()) {
            s->second.rebalance_posted = false;
            rebalance(site_id);
        }
    });
}

std::optional<double> LoadManager::Session::last_sent() const {
    return in_flight.empty() ? std::nullopt : std::optional<double>(in_flight.back().limit_a);
}

double LoadManager::Session::highest_in_flight() const {
    double most = 0;
    for (const auto& x : in_flight) {
        most = std::max(most, x.limit_a);
    }
    return most;
}

} // namespace cs::sites
