// Load management on the loop (load_manager.hpp).
#include "centralsystem/sites/load_manager.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

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

LoadManager::LoadManager(ocpp::Executor& loop, Database& db, ChargerLinks& links, const ocpp::Logger& log)
    : loop_(loop)
    , db_(db)
    , links_(links)
    , log_(log) {
    auto& o = links_.observers();
    o.session_started.push_back([this](const std::string& id, int c, std::int64_t tx) { on_started(id, c, tx); });
    o.session_stopped.push_back([this](const std::string& id, std::int64_t tx) { on_stopped(id, tx); });
    o.power_metered.push_back([this](const std::string& id, std::int64_t tx, double w) { on_power(id, tx, w); });
    o.booted.push_back([this](const std::string& id) { on_booted(id); });
    o.gone.push_back([this](const std::string& id) { on_gone(id); });
    o.connected.push_back([this](const std::string& id) { on_connected(id); });
}

LoadManager::~LoadManager() {
    *alive_ = false;
}

void LoadManager::start() {
    std::weak_ptr<bool> alive = alive_;
    db_.run<std::vector<db::SiteRow>>([](store::Connection& db) { return db::list_sites(db); },
                                      [this, alive](ocpp::Result<std::vector<db::SiteRow>> r) {
                                          if (alive.expired()) {
                                              return;
                                          }
                                          if (!r) {
                                              log_.error("sites", "loading the sites failed: " + r.error().message);
                                              return;
                                          }
                                          for (const auto& s : *r) {
                                              site_saved(s);
                                          }
                                      });
}

void LoadManager::set_live_nodes(std::size_t live_nodes) {
    if (live_nodes_ == live_nodes) {
        return;
    }
    log_.info("sites", "sharing 1/" + std::to_string(live_nodes) + " of each site's limit on this node (" +
                           std::to_string(live_nodes) + " live nodes)");
    live_nodes_ = live_nodes;
    for (auto& [id, site] : sites_) {
        rebalance(id, true);
    }
}

void LoadManager::site_saved(const db::SiteRow& row) {
    auto& site = sites_[row.id];
    // Chargers that left the site: their sessions leave the sharing (their limits stay as sent).
    for (const auto& old : site.row.chargers) {
        if (std::find(row.chargers.begin(), row.chargers.end(), old) == row.chargers.end()) {
            charger_site_.erase(old);
            for (auto it = site.sessions.begin(); it != site.sessions.end();) {
                it = it->second.charger == old ? site.sessions.erase(it) : std::next(it);
            }
        }
    }
    const auto before = site.row.chargers;
    const bool failsafe_changed = site.row.failsafe_a != row.failsafe_a;
    site.row = row;
    site.rules = db::rules_of(row);
    if (!site.timer) {
        site.timer = loop_.make_timer();
    }
    for (const auto& c : row.chargers) {
        charger_site_[c] = row.id;
        // A connected charger that joined (or whose fail-safe changed) gets its fail-safe now, not at its next boot.
        const bool joined = std::find(before.begin(), before.end(), c) == before.end();
        if ((joined || failsafe_changed) && links_.peer(c)) {
            send_failsafe(c);
        }
    }
    load_maxima(row.id);
}

void LoadManager::site_deleted(std::int64_t id) {
    auto it = sites_.find(id);
    if (it == sites_.end()) {
        return;
    }
    for (const auto& c : it->second.row.chargers) {
        charger_site_.erase(c);
    }
    sites_.erase(it);
}

void LoadManager::load_maxima(std::int64_t site_id) {
    auto it = sites_.find(site_id);
    if (it == sites_.end()) {
        return;
    }
    std::weak_ptr<bool> alive = alive_;
    db_.run<std::vector<db::ConnectorMax>>(
        [chargers = it->second.row.chargers, voltage = it->second.row.voltage](store::Connection& db) {
            return db::connector_maxima(db, chargers, voltage);
        },
        [this, alive, site_id](ocpp::Result<std::vector<db::ConnectorMax>> r) {
            if (alive.expired()) {
                return;
            }
            if (!r) {
                log_.error("sites", "reading the connectors' maximums failed: " + r.error().message);
            } else {
                for (const auto& m : *r) {
                    connector_max_[{m.chargebox_id, m.connector_id}] = m.max_a;
                }
            }
            if (auto s = sites_.find(site_id); s != sites_.end()) {
                for (auto& [tx, session] : s->second.sessions) {
                    session.max_a = connector_max(s->second, session.charger, session.connector).value_or(0);
                }
            }
            rebalance(site_id, true);
        });
}

LoadManager::Site* LoadManager::site_of(const std::string& charger) {
    auto it = charger_site_.find(charger);
    if (it == charger_site_.end()) {
        return nullptr;
    }
    auto s = sites_.find(it->second);
    return s == sites_.end() ? nullptr : &s->second;
}

std::optional<double> LoadManager::connector_max(const Site& site, const std::string& charger, int connector) const {
    auto m = connector_max_.find({charger, connector});
    if (m == connector_max_.end()) {
        return std::nullopt;
    }
    return m->second > 0 ? m->second : site.rules.limit_a;
}

void LoadManager::on_started(const std::string& id, int connector, std::int64_t transaction) {
    Site* site = site_of(id);
    if (site == nullptr) {
        return;
    }
    // Only a connector the charger was registered with takes part: a charger cannot make up connectors (or ids) to
    // take the others' shares.
    const auto max_a = connector_max(*site, id, connector);
    if (!max_a) {
        links_.log_charger(id, ocpp::LogLevel::Warn, "unshared sessions",
                           "transaction " + std::to_string(transaction) + " on connector " + std::to_string(connector) +
                               ", which is not registered: load management leaves it out");
        return;
    }
    // A connector runs one session: a new start on it ends the sharing of the one before (its stop was lost).
    std::size_t of_charger = 0;
    for (auto it = site->sessions.begin(); it != site->sessions.end();) {
        if (it->second.charger == id && it->second.connector == connector) {
            site->power_w -= it->second.power_w.value_or(0);
            it = site->sessions.erase(it);
        } else {
            of_charger += it->second.charger == id;
            ++it;
        }
    }
    if (of_charger >= kMaxSessionsPerCharger || site->sessions.size() >= kMaxChargersPerSite * 2) {
        return;
    }
    Session s;
    s.charger = id;
    s.connector = connector;
    s.transaction = transaction;
    s.max_a = *max_a;
    // Until it accepts a TxProfile the session is held by the fail-safe TxDefaultProfile, if the charger installed it;
    // otherwise it may draw its maximum.
    const auto st = chargers_.find(id);
    const bool failsafe = st != chargers_.end() && st->second.failsafe == "installed";
    s.confirmed_a = failsafe ? std::min(s.max_a, site->rules.failsafe_a) : s.max_a;
    site->sessions[transaction] = std::move(s);
    rebalance(site->row.id, true);
}

void LoadManager::on_stopped(const std::string& id, std::int64_t transaction) {
    Site* site = site_of(id);
    if (site == nullptr) {
        return;
    }
    auto it = site->sessions.find(transaction);
    if (it == site->sessions.end() || it->second.charger != id) {
        return;
    }
    site->power_w -= it->second.power_w.value_or(0);
    site->sessions.erase(it);
    rebalance(site->row.id, true);
}

void LoadManager::on_power(const std::string& id, std::int64_t transaction, double watts) {
    if (Site* site = site_of(id)) {
        auto it = site->sessions.find(transaction);
        if (it != site->sessions.end() && it->second.charger == id) {
            // What the connector can draw at most, with room for measuring: a larger, negative or non-finite value
            // is no reading and would distort the site's power and its peak.
            const double most = it->second.max_a * site->row.voltage * site->row.phases * 2;
            if (!std::isfinite(watts) || watts < 0 || watts > most) {
                links_.log_charger(id, ocpp::LogLevel::Warn, "implausible power readings",
                                   "Power.Active.Import " + std::to_string(watts) + " W for transaction " +
                                       std::to_string(transaction) + " is outside 0.." + std::to_string(most) +
                                       " W: ignored");
                return;
            }
            site->power_w += watts - it->second.power_w.value_or(0);
            it->second.power_w = watts;
            site->peak_power_w = std::max(site->peak_power_w, site->power_w);
        }
    }
}

void LoadManager::on_booted(const std::string& id) {
    if (site_of(id) != nullptr) {
        on_connected(id);
        send_failsafe(id);
    }
}

void LoadManager::on_connected(const std::string& id) {
    Site* site = site_of(id);
    if (site == nullptr) {
        return;
    }
    bool changed = false;
    for (auto& [tx, s] : site->sessions) {
        if (s.charger == id && s.offline) {
            s.offline = false; // back: it can be steered again
            changed = true;
        }
    }
    if (changed) {
        rebalance(site->row.id, true);
    }
}

void LoadManager::on_gone(const std::string& id) {
    Site* site = site_of(id);
    if (site == nullptr) {
        return;
    }
    for (auto& [tx, s] : site->sessions) {
        if (s.charger == id) {
            s.offline = true;
            // A limit sent and not answered may be in force: its reservation counts the higher one.
            s.confirmed_a = std::max(s.confirmed_a, s.in_flight.value_or(0.0));
            s.in_flight.reset();
        }
    }
    if (auto c = chargers_.find(id); c != chargers_.end() && c->second.failsafe == "sending") {
        c->second.failsafe = "";
    }
    rebalance(site->row.id, true);
}

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

int LoadManager::minute_of_day() const {
    const auto wall = std::chrono::system_clock::to_time_t(loop_.clock().wall_now());
    std::tm tm{};
    gmtime_r(&wall, &tm);
    return tm.tm_hour * 60 + tm.tm_min;
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
    const double limit = live_nodes_ ? node_budget(site_limit, *live_nodes_) : site_limit;
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
    const auto shares = share(std::max(0.0, limit - reserved), site.rules.min_session_a, demands);
    std::vector<Change> changes;
    for (std::size_t i = 0; i < online.size(); ++i) {
        Session& s = *online[i];
        s.target_a = shares[i];
        const double current = s.in_flight.value_or(s.confirmed_a);
        if (needs_change(current, s.target_a) || (!s.in_flight && (!s.error.empty() || !s.has_profile))) {
            changes.push_back({s.transaction, s.confirmed_a, s.target_a});
        }
    }
    // What the chargers may draw now (for each session the higher of its confirmed limit, the fail-safe until it has
    // a TxProfile, and one in flight), and the TxProfile limits in force (sent: accepted, or a raise on its way).
    double held = reserved, sent = reserved;
    for (auto* s : online) {
        held += std::max(s->confirmed_a, s->in_flight.value_or(0.0));
        sent += std::max(s->has_profile ? s->confirmed_a : 0.0, s->in_flight.value_or(0.0));
    }
    const auto now = loop_.clock().now();
    std::optional<ocpp::Clock::TimePoint> wake;
    for (const auto& c : order_changes(std::move(changes))) {
        Session& s = site.sessions[c.key];
        if (s.in_flight) {
            continue; // its answer re-balances again
        }
        if (now < s.retry_at) {
            wake = wake ? std::min(*wake, s.retry_at) : s.retry_at;
            continue;
        }
        const double rise = c.to_a - s.confirmed_a;
        if (rise > 0 && held + rise > limit + 1e-6) {
            continue; // waits until lowerings are confirmed
        }
        // A session's first TxProfile adds to the limits in force even when it is below the fail-safe.
        const double added = s.has_profile ? std::max(0.0, rise) : c.to_a;
        if (!s.has_profile && sent + added > limit + 1e-6) {
            continue;
        }
        held += std::max(0.0, rise);
        sent += added;
        send_limit(site, s, c.to_a);
    }
    site.peak_sum_a = std::max(site.peak_sum_a, sent);
    // Every new limit sent (or accepted already): the change is done.
    const bool all_sent = std::all_of(online.begin(), online.end(), [](const Session* s) {
        return (s->has_profile || s->in_flight) && !needs_change(s->in_flight.value_or(s->confirmed_a), s->target_a);
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
    req.csChargingProfiles =
        profile(kTxProfileId, ChargingProfilePurposeType::TxProfile, 1, limit, static_cast<int>(s.transaction));
    std::weak_ptr<bool> alive = alive_;
    const std::int64_t site_id = site.row.id, tx = s.transaction;
    const bool sent =
        links_.call(s.charger, req, [this, alive, site_id, tx, limit](ocpp::CallOutcome<SetChargingProfileConf> out) {
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
            session.in_flight.reset();
            if (out.status == ocpp::CallStatus::Ok && out.conf && out.conf->status == ChargingProfileStatus::Accepted) {
                session.confirmed_a = limit;
                session.has_profile = true;
                session.failures = 0;
                session.error.clear();
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
            rebalance(site_id);
        });
    if (sent) {
        s.in_flight = limit;
    } else {
        s.offline = true;
    }
}

std::optional<LoadManager::SiteView> LoadManager::view(std::int64_t id) const {
    auto it = sites_.find(id);
    if (it == sites_.end()) {
        return std::nullopt;
    }
    const Site& site = it->second;
    SiteView v;
    v.limit_a = limit_at(site.rules, minute_of_day());
    v.limit_w = v.limit_a * site.row.voltage * site.row.phases;
    v.peak_limits_sum_a = site.peak_sum_a;
    v.peak_power_w = site.peak_power_w;
    if (!site.latencies_ms.empty()) {
        auto sorted = site.latencies_ms;
        std::sort(sorted.begin(), sorted.end());
        const auto at = [&](double q) {
            return sorted[std::min(sorted.size() - 1,
                                   static_cast<std::size_t>(q * static_cast<double>(sorted.size())))];
        };
        v.latency = Latency{sorted.size(), at(0.5), at(0.99), sorted.back()};
    }
    for (const auto& [tx, s] : site.sessions) {
        SessionView sv{s.charger, s.connector, tx, s.max_a, s.target_a, std::nullopt, "ok", s.error, s.power_w};
        if (s.has_profile) {
            sv.limit_a = s.confirmed_a;
            v.limits_sum_a += s.confirmed_a;
        }
        sv.state = s.offline ? "offline" : s.in_flight ? "sending" : !s.error.empty() ? "failed" : "ok";
        v.power_w += s.power_w.value_or(s.confirmed_a * site.row.voltage * site.row.phases);
        v.sessions.push_back(std::move(sv));
    }
    for (const auto& c : site.row.chargers) {
        ChargerView cv;
        cv.id = c;
        cv.online = links_.peer(c) != nullptr;
        if (auto st = chargers_.find(c); st != chargers_.end()) {
            cv.failsafe = st->second.failsafe;
            cv.error = st->second.error;
        }
        v.chargers.push_back(std::move(cv));
    }
    return v;
}

} // namespace cs::sites
