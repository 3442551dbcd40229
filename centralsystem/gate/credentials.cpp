// The handshake's credential cache kept in step with a database other nodes write too: a periodic reload, and a
// lookup when an unknown Chargebox ID knocks. Local changes made while a reload was on its way win over it.
#include "centralsystem/db/queries.hpp"
#include "centralsystem/gate/gate.hpp"

namespace cs {

std::string_view to_string(ChargerStatus s) {
    return s == ChargerStatus::Operational ? "operational" : "planned";
}

ChargerStatus charger_status_of(std::string_view text) {
    return text == "operational" ? ChargerStatus::Operational : ChargerStatus::Planned;
}

Credentials credentials_of(const Charger& c) {
    Credentials k{c.password_hash, charger_status_of(c.status), c.accept_any_password, {}, c.security_profile};
    std::size_t at = 0;
    while (at < c.pending_password_hashes.size()) {
        const std::size_t end = std::min(c.pending_password_hashes.find(' ', at), c.pending_password_hashes.size());
        if (end > at) {
            k.pending_hashes.push_back(c.pending_password_hashes.substr(at, end - at));
        }
        at = end + 1;
    }
    return k;
}

KnownCredentials HandshakeGate::remembered(const std::string& id, Credentials c) const {
    KnownCredentials k;
    auto it = credentials_.find(id);
    if (it != credentials_.end() && it->second.password_hash == c.password_hash && !c.accept_any_password &&
        !it->second.hash_pending) {
        k.verified_tag = it->second.verified_tag;
        // A password refused before may be one of the new ones of a rotation started since.
        if (it->second.pending_hashes == c.pending_hashes) {
            k.refused_tag = it->second.refused_tag;
        }
    }
    static_cast<Credentials&>(k) = std::move(c);
    return k;
}

void HandshakeGate::put_credentials(const std::string& id, Credentials c) {
    credentials_[id] = remembered(id, std::move(c));
    changed_[id] = ++generation_;
}

void HandshakeGate::forget_credentials(const std::string& id) {
    credentials_.erase(id);
    changed_[id] = ++generation_;
}

const Credentials* HandshakeGate::credentials(const std::string& id) const {
    auto it = credentials_.find(id);
    return it == credentials_.end() ? nullptr : &it->second;
}

bool HandshakeGate::password_pending(const std::string& id) const {
    auto it = credentials_.find(id);
    return it != credentials_.end() && it->second.hash_pending;
}

namespace {
constexpr auto kLookupEvery = std::chrono::seconds(1); // per Chargebox ID
constexpr std::size_t kMaxLookedUp = 10000;
constexpr int kMaxLookupsInFlight = 64;
} // namespace

void HandshakeGate::start_credentials_refresh() {
    if (config_.credentials_refresh.count() <= 0) {
        return;
    }
    if (!refresh_timer_) {
        refresh_timer_ = loop_.make_timer();
    }
    refresh_timer_->start(config_.credentials_refresh, [this] {
        refresh_credentials();
        start_credentials_refresh();
    });
}

void HandshakeGate::refresh_credentials() {
    const std::uint64_t asked_at = generation_;
    db_.run<std::vector<Charger>>(
        [](store::Connection& db) { return db::all_credentials(db); },
        [this, asked_at](ocpp::Result<std::vector<Charger>> r) {
            if (!r) {
                log_.warn("store", "reloading the chargers' credentials failed: " + r.error().message);
                return;
            }
            std::unordered_map<std::string, KnownCredentials> fresh;
            for (auto& c : *r) {
                fresh[c.chargebox_id] = remembered(c.chargebox_id, credentials_of(c));
            }
            // What changed here after the reload was asked for is newer than it.
            for (auto it = changed_.begin(); it != changed_.end();) {
                if (it->second > asked_at) {
                    if (auto mine = credentials_.find(it->first); mine != credentials_.end()) {
                        fresh[it->first] = mine->second;
                    }
                    ++it;
                } else {
                    it = changed_.erase(it);
                }
            }
            credentials_ = std::move(fresh);
        });
}

void HandshakeGate::look_up_credentials(const std::string& id) {
    const auto now = loop_.clock().now();
    if (auto it = looked_up_.find(id); it != looked_up_.end() && now - it->second < kLookupEvery) {
        return;
    }
    if (looked_up_.size() >= kMaxLookedUp) {
        for (auto it = looked_up_.begin(); it != looked_up_.end();) {
            it = now - it->second >= kLookupEvery ? looked_up_.erase(it) : std::next(it);
        }
    }
    if (looked_up_.size() >= kMaxLookedUp || lookups_in_flight_ >= kMaxLookupsInFlight) {
        return; // a flood of unknown IDs: the periodic reload still brings real new chargers in
    }
    looked_up_[id] = now;
    ++lookups_in_flight_;
    const std::uint64_t asked_at = generation_;
    db_.run<std::optional<Charger>>([id](store::Connection& db) { return db::credentials_of(db, id); },
                                    [this, id, asked_at](ocpp::Result<std::optional<Charger>> r) {
                                        --lookups_in_flight_;
                                        if (!r || !*r) {
                                            return;
                                        }
                                        auto mine = changed_.find(id);
                                        if (mine != changed_.end() && mine->second > asked_at) {
                                            return; // changed here meanwhile: that is newer
                                        }
                                        auto& c = **r;
                                        credentials_[id] = remembered(id, credentials_of(c));
                                        log_.info("handshake", "\"" + id +
                                                                   "\" was created on another node; it is accepted "
                                                                   "from its next connection on");
                                    });
}

} // namespace cs
