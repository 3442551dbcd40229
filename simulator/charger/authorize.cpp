// How a simulated charger decides whether an idTag may charge: the local authorization list and cache
// (LocalPreAuthorize, LocalAuthorizeOffline, AllowOfflineTxForUnknownId), the Authorize call, and reservations.
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;

std::optional<IdTagInfo> Charger::local_authorization(const std::string& id_tag) const {
    if (spec_.profiles.local_list && config_.bool_value("LocalAuthListEnabled", false)) {
        if (auto info = auth_.from_list(id_tag)) {
            return info; // the list takes precedence over the cache
        }
    }
    if (config_.bool_value("AuthorizationCacheEnabled", false)) {
        return auth_.from_cache(id_tag);
    }
    return std::nullopt;
}

void Charger::refuse(int c) {
    ++env_.stats.sessions_refused;
    smart_session_ended(c); // a TxProfile sent with RemoteStartTransaction ends with the refused start
    conn(c).reservation_id.reset();
    if (conn(c).fault != ChargePointErrorCode::NoError) {
        return; // faulted while authorizing: it stays Faulted until the fault is cleared (faults.cpp)
    }
    set_status(c, reservations_[static_cast<std::size_t>(c)] ? Status::Reserved : Status::Available);
    schedule_arrival(c);
}

void Charger::admit(int c, const std::optional<IdTagInfo>& info) {
    auto& k = conn(c);
    const auto parent = info ? info->parentIdTag : std::nullopt;
    if (k.fault != ChargePointErrorCode::NoError || !reservation_permits(c, k.id_tag, parent, true)) {
        refuse(c); // reserved for another tag (and not one of its group)
        return;
    }
    k.reservation_id = reservation_for(c, k.id_tag, parent);
    start_transaction(c);
}

void Charger::authorize_and_start(int c, const std::string& id_tag, bool remote) {
    const auto local = local_authorization(id_tag);
    if (remote && !config_.bool_value("AuthorizeRemoteTxRequests", false)) {
        admit(c, local);
        return;
    }
    const ocpp::DateTime at = wall_now();
    // Offline: the local list and cache decide for known tags, AllowOfflineTxForUnknownId for the others.
    auto offline = [this, c, local, at] {
        if (local && config_.bool_value("LocalAuthorizeOffline", false)) {
            if (AuthStore::valid(*local, at)) {
                admit(c, local);
            } else {
                refuse(c);
            }
        } else if (!local && config_.bool_value("AllowOfflineTxForUnknownId", false)) {
            admit(c, std::nullopt);
        } else {
            refuse(c);
        }
    };
    if (!connected() || !booted()) {
        offline();
        return;
    }
    if (local && config_.bool_value("LocalPreAuthorize", false) && AuthStore::valid(*local, at)) {
        admit(c, local); // valid in the list or cache: start at once, no Authorize round trip
        return;
    }
    AuthorizeReq req;
    req.idTag = id_tag;
    call(req, [this, c, id_tag, offline](ocpp::CallOutcome<AuthorizeConf> out) {
        // The answer belongs to the driver who asked: after an unplug, another driver may be at the connector now,
        // and a late answer must not decide for (or cache the answer as) them.
        if (conn(c).status != Status::Preparing || conn(c).id_tag != id_tag) {
            return; // unplugged or stopped meanwhile, or someone else there now
        }
        if (!out.ok()) {
            offline(); // no answer: decide as an offline charger would
            return;
        }
        if (config_.bool_value("AuthorizationCacheEnabled", false)) {
            auth_.remember(id_tag, out.conf->idTagInfo);
        }
        if (out.conf->idTagInfo.status == AuthorizationStatus::Accepted) {
            admit(c, out.conf->idTagInfo);
        } else {
            refuse(c); // Invalid, Blocked, Expired, ConcurrentTx: the EV leaves
        }
    });
}

} // namespace sim
