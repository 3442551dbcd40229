// Load management on the loop (load_manager.hpp).
#include "centralsystem/sites/load_manager.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "ocpp/smartcharging/units.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs::sites {

using namespace ocpp::v16;
using ocpp::smartcharging::watts_from_amps;

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

std::optional<std::int64_t> LoadManager::site_of_charger(const std::string& id) const {
    auto it = charger_site_.find(id);
    return it == charger_site_.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
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
    const bool adopted = it->second.adopted;
    site->sessions.erase(it);
    if (adopted) {
        mark_if_taken(*site, id);
    }
    rebalance(site->row.id, true);
}

void LoadManager::on_power(const std::string& id, std::int64_t transaction, double watts) {
    if (Site* site = site_of(id)) {
        auto it = site->sessions.find(transaction);
        if (it != site->sessions.end() && it->second.charger == id) {
            // What the connector can draw at most, with room for measuring: a larger, negative or non-finite value
            // is no reading and would distort the site's power and its peak.
            const double most = 2 * watts_from_amps(it->second.max_a, site->row.phases, site->row.voltage);
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
    if (live_nodes_) {
        // It may come from another node, with its sessions running under that node's limits.
        if (site == nullptr) {
            // No site: nothing of it is shared. On a later turn, after this node took its ownership.
            std::weak_ptr<bool> alive = alive_;
            loop_.post([this, alive, id] {
                if (!alive.expired() && mark_taken_ && links_.peer(id)) {
                    mark_taken_(id);
                }
            });
        } else {
            adopt_sessions(id);
        }
    }
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
            s.confirmed_a = std::max(s.confirmed_a, s.highest_in_flight());
            s.in_flight.clear();
        }
    }
    if (auto c = chargers_.find(id); c != chargers_.end() && c->second.failsafe == "sending") {
        c->second.failsafe = "";
    }
    rebalance(site->row.id, true);
}

int LoadManager::minute_of_day() const {
    const auto wall = std::chrono::system_clock::to_time_t(loop_.clock().wall_now());
    std::tm tm{};
    gmtime_r(&wall, &tm);
    return tm.tm_hour * 60 + tm.tm_min;
}

std::optional<LoadManager::SiteView> LoadManager::view(std::int64_t id) const {
    auto it = sites_.find(id);
    if (it == sites_.end()) {
        return std::nullopt;
    }
    const Site& site = it->second;
    SiteView v;
    v.limit_a = limit_at(site.rules, minute_of_day());
    v.limit_w = watts_from_amps(v.limit_a, site.row.phases, site.row.voltage);
    v.part_a = part_of(id, v.limit_a);
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
        sv.state = s.offline ? "offline" : !s.in_flight.empty() ? "sending" : !s.error.empty() ? "failed" : "ok";
        v.power_w += s.power_w.value_or(watts_from_amps(s.confirmed_a, site.row.phases, site.row.voltage));
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
