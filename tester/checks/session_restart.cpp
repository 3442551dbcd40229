// SessionChecks across a restart a group announced (the firmware group, after Installing or Installed): the close
// is no fault, the charger's next connection is taken up, and its BootNotification goes to the groups instead of
// counting as a reboot. The group bounds the wait; a charger that connects and drops again does not restart it.
#include <algorithm>

#include "tester/checks/calls.hpp"
#include "tester/checks/session.hpp"

namespace tester {

using namespace ocpp::v16;

void SessionChecks::went_away() {
    closing_ = true;
    if (!away_) {
        away_ = true;
        away_at_ = ctx_.loop.clock().now();
        up_before_restart_ =
            "up for " + format_ms(ms_since(opened_at_)) + ", until the charger " + groups_->away_reason();
        // Passed only once it is back (settle() fails it otherwise): a restart it never returns from is no success.
        ctx_.board.running(CheckId::Stable, up_before_restart_ + "; waiting for it to come back");
    }
    groups_->on_restarting();
}

void SessionChecks::reconnect(ocpp::net::SessionPtr session) {
    if (peer_) {
        malformed_before_ += peer_->stats().malformed_received;
    }
    closing_ = false;
    attach(std::move(session));
    if (groups_ && !groups_->boots_after_reconnect()) {
        // A reconnect, not a reboot: the conversation goes on at once.
        away_ = false;
        restarted_ = true;
        const double away_ms = ms_since(away_at_);
        opened_at_ = ctx_.loop.clock().now();
        up_before_restart_ += "; back after " + format_ms(away_ms);
        groups_->on_reconnected(peer_);
        return;
    }
    ctx_.board.add_detail(CheckId::Stable, "connected again " + format_ms(ms_since(away_at_)) +
                                               " after the restart; waiting for its BootNotification");
    if (groups_) {
        groups_->on_reconnected(peer_);
    }
}

std::optional<ocpp::net::HandshakeDecision> SessionChecks::restart_attempt(const ocpp::net::HandshakeInfo& info) {
    return groups_ ? groups_->on_reconnect_attempt(info) : std::nullopt;
}

void SessionChecks::restart_rejected(const ocpp::net::RejectedHandshake& rejected) {
    if (groups_) {
        groups_->on_reconnect_rejected(rejected);
    }
}

void SessionChecks::restart_boot(const rapidjson::Value& payload, const BootNotificationConf& conf,
                                 ocpp::RawReply reply) {
    away_ = false;
    restarted_ = true;
    reply.ok_with([&](ocpp::rpc::JsonWriter& w) { write_value(w, conf); });
    std::string version; // at most the schema's 50 characters, whatever the charger sent
    if (payload.IsObject()) {
        const auto it = payload.FindMember("firmwareVersion");
        if (it != payload.MemberEnd() && it->value.IsString()) {
            version.assign(it->value.GetString(), std::min<std::size_t>(it->value.GetStringLength(), 50));
        }
    }
    const double away_ms = ms_since(away_at_);
    opened_at_ = ctx_.loop.clock().now();
    up_before_restart_ += "; back after " + format_ms(away_ms) + " with firmware " + quote(version);
    if (groups_) {
        groups_->on_restarted(peer_, version, away_ms);
    }
}

} // namespace tester
