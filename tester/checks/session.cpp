#include "tester/checks/session.hpp"

#include <algorithm>

#include "tester/checks/boot.hpp"
#include "tester/checks/calls.hpp"

namespace tester {

using namespace ocpp::v16;
using ocpp::FrameDirection;

namespace {

double ms_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

} // namespace

std::shared_ptr<SessionChecks> SessionChecks::create(Context ctx, ocpp::net::SessionPtr session, Handlers handlers) {
    std::shared_ptr<SessionChecks> s(new SessionChecks(ctx, std::move(handlers)));
    s->attach(std::move(session));
    return s;
}

SessionChecks::SessionChecks(Context ctx, Handlers handlers)
    : ctx_(ctx)
    , handlers_(std::move(handlers))
    , heartbeat_(ctx.config.heartbeat_interval)
    , rate_(ctx.config.max_frames_per_window) {}

SessionChecks::~SessionChecks() {
    if (peer_ && peer_->is_open()) {
        closing_ = true;
        peer_->close(1001, "tester going away");
    }
}

double SessionChecks::ms_since(ocpp::Clock::TimePoint t) const {
    return std::chrono::duration<double, std::milli>(ctx_.loop.clock().now() - t).count();
}

void SessionChecks::attach(ocpp::net::SessionPtr session) {
    handshake_ = session->info();
    opened_at_ = ctx_.loop.clock().now();
    const auto zero = std::chrono::steady_clock::time_point{};
    if (!first_seen_ && handshake_.opened != zero && handshake_.tcp_accepted != zero) {
        ctx_.board.add_timing(CheckId::Subprotocol, "upgrade", ms_between(handshake_.tcp_accepted, handshake_.opened));
    }
    settle_timer_ = ctx_.loop.make_timer();
    heartbeat_timer_ = ctx_.loop.make_timer();
    trigger_timer_ = ctx_.loop.make_timer();
    ocpp::PeerConfig pc;
    pc.mode = ocpp::validation::Mode::Tolerant;
    pc.call_timeout = ctx_.config.call_timeout;
    pc.rate = ctx_.config.message_rate;
    peer_ = ocpp::Peer::create(std::move(session), ctx_.schemas, pc, ctx_.log);
    peer_->set_frame_observer(weak(&SessionChecks::on_frame));
    peer_->set_deviation_observer(weak(&SessionChecks::on_deviation));
    peer_->set_close_handler(weak(&SessionChecks::on_closed));
    peer_->on_raw("BootNotification", weak(&SessionChecks::on_boot));
    peer_->on<StatusNotificationReq>(weak(&SessionChecks::on_status));
    peer_->on<HeartbeatReq>(weak(&SessionChecks::on_heartbeat));
    register_other_handlers();
    if (!first_seen_) {
        ctx_.board.running(CheckId::BootFirst, "connected; waiting for the first message");
    }
}

void SessionChecks::on_frame(FrameDirection direction, std::string_view text) {
    if (flooded_) {
        return; // what still arrives before the close is neither kept nor judged
    }
    ctx_.report.capture.add(wall_now(), direction == FrameDirection::Received, text);
    if (direction != FrameDirection::Received) {
        return;
    }
    ++received_;
    if (!rate_.frame(ctx_.loop.clock().now())) {
        flood();
        return;
    }
    const auto first = classify_first_message(text);
    if (groups_ && first.call) {
        groups_->on_call(first.action);
    }
    if (!first.call || first.action != "Heartbeat") {
        heartbeat_.message(ctx_.loop.clock().now());
    }
    if (!first_seen_) {
        first_seen_ = true;
        const double ms = ms_since(opened_at_);
        ctx_.board.add_timing(CheckId::BootFirst, "first-message", ms);
        ctx_.board.set(CheckId::BootFirst, check_boot_first(first, ms));
    }
}

void SessionChecks::flood() {
    flooded_ = true;
    ctx_.board.set(CheckId::FrameRate, rate_.flooded());
    ctx_.log.warn("tester", "'" + ctx_.config.chargebox_id + "' exceeded the frame rate (" +
                                std::to_string(rate_.limit()) + " per 10 s): connection closed");
    if (peer_ && peer_->is_open()) {
        closing_ = true;
        peer_->close(1008, "message rate limit exceeded (see connection.frame_rate)");
    }
    end(End::Completed);
}

void SessionChecks::on_deviation(const ocpp::Deviation& d) {
    if (flooded_) {
        return;
    }
    if (d.direction != FrameDirection::Received) {
        ctx_.log.error("tester", "the tester's own " + d.action + " breaks its schema");
        return;
    }
    if (d.action == "BootNotification" && d.request) {
        boot_findings_id_ = d.message_id;
        boot_findings_ = d.findings;
    }
    const std::string key = d.message_id + (d.request ? "/req" : "/conf");
    if (key != last_deviation_id_) {
        last_deviation_id_ = key;
        ++deviating_messages_;
    }
    for (const auto& f : d.findings) {
        ctx_.board.add_detail(CheckId::Schema, d.action + (d.request ? " request " : " answer ") + "[" + d.message_id +
                                                   "] " + describe_finding(f));
    }
}

void SessionChecks::on_closed(const ocpp::net::CloseInfo& info) {
    if (closing_ || ended_) {
        return;
    }
    if (groups_ && groups_->expects_reboot()) {
        went_away(); // it restarts to install the firmware the tester sent (session_restart.cpp)
        return;
    }
    dropped_ = true;
    char when[64];
    std::snprintf(when, sizeof when, "%.1f s", ms_since(opened_at_) / 1000);
    const std::string how =
        info.by_peer ? (info.code == 1006 ? "the connection dropped" : "the charger closed it") : "it was closed";
    ctx_.board.set(CheckId::Stable,
                   Outcome::fail(how + " " + when + " after it opened (code " + std::to_string(info.code) +
                                     (info.reason.empty() ? std::string() : ", " + quote(info.reason, 160)) + ")",
                                 "The connection must stay up. Check the network (mobile signal, Wi-Fi, a router "
                                 "or firewall that cuts idle connections), the power supply, and whether the charger "
                                 "rebooted; a charger that closes the connection after a call it cannot handle "
                                 "needs a firmware update."));
    end(End::Dropped);
}

void SessionChecks::on_boot(const rapidjson::Value& payload, ocpp::RawReply reply) {
    BootNotificationConf conf{wall_now(), static_cast<int>(ctx_.config.heartbeat_interval.count()),
                              RegistrationStatus::Accepted};
    if (away_) {
        return restart_boot(payload, conf, std::move(reply));
    }
    ++boots_;
    if (boots_ > 1 && groups_ && groups_->expects_boot()) {
        --boots_; // asked for by TriggerMessage: no sign of a reboot
        reply.ok_with([&](ocpp::rpc::JsonWriter& w) { write_value(w, conf); });
        return;
    }
    if (boots_ > 1) {
        ctx_.board.add_detail(CheckId::Stable, "BootNotification again " + format_ms(ms_since(opened_at_)) +
                                                   " after the connection opened (did the charger reboot?)");
        reply.ok_with([&](ocpp::rpc::JsonWriter& w) { write_value(w, conf); });
        return;
    }
    read_boot_facts(payload, ctx_.report.charger);
    const bool ours = boot_findings_id_ == reply.message_id();
    ctx_.board.set(
        CheckId::BootPayload,
        check_boot_payload(ctx_.report.charger, ours ? boot_findings_ : std::vector<ocpp::validation::Finding>{}));
    reply.ok_with([&](ocpp::rpc::JsonWriter& w) { write_value(w, conf); });
    booted_ = true;
    boot_at_ = ctx_.loop.clock().now();
    heartbeat_.booted(boot_at_);
    ctx_.board.running(CheckId::Status, "waiting for StatusNotifications");
    ctx_.board.running(CheckId::Heartbeat, "answered Accepted with interval " +
                                               std::to_string(ctx_.config.heartbeat_interval.count()) +
                                               " s; waiting for a Heartbeat");
    ctx_.board.running(CheckId::Clock, "comparing the charger's timestamps with the tester's clock");
    ctx_.board.running(CheckId::Stable, "connected");
    ctx_.board.running(CheckId::Schema, "checking every message");
    arm_heartbeat_deadline();
    // Give the charger a moment for its StatusNotifications before calling it.
    const auto settle = std::min<ocpp::Clock::Duration>(
        std::chrono::seconds(1),
        std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.config.heartbeat_interval) / 4);
    settle_timer_->start(settle, [w = weak_from_this()] {
        if (auto self = w.lock()) {
            self->start_calls();
        }
    });
    if (handlers_.booted) {
        handlers_.booted();
    }
}

void SessionChecks::on_status(const StatusNotificationReq& req, ocpp::Reply<StatusNotificationConf> reply) {
    reply(StatusNotificationConf{});
    StatusSeen s{req.connectorId, to_string(req.status), to_string(req.errorCode), req.info.value_or(""),
                 req.vendorErrorCode.value_or("")};
    if (req.timestamp) {
        skew_.sample(*req.timestamp, wall_now(), "StatusNotification");
    }
    if (statuses_.size() < 1000) {
        statuses_.push_back(s);
    }
    if (calls_ == Calls::WaitStatus) {
        trigger_status_arrived(s);
    }
    if (groups_) {
        groups_->on_status(req);
    }
}

void SessionChecks::on_heartbeat(const HeartbeatReq&, ocpp::Reply<HeartbeatConf> reply) {
    reply(HeartbeatConf{wall_now()});
    if (!booted_ || ctx_.board.done(CheckId::Heartbeat)) {
        return;
    }
    const auto now = ctx_.loop.clock().now();
    if (auto verdict = heartbeat_.heartbeat(now)) {
        heartbeat_timer_->cancel();
        ctx_.board.add_timing(CheckId::Heartbeat, "heartbeat", heartbeat_.measured_ms());
        ctx_.board.set(CheckId::Heartbeat, std::move(*verdict));
        maybe_complete();
    } else {
        ctx_.board.add_detail(CheckId::Heartbeat, "a Heartbeat right after boot (" + format_ms(ms_since(boot_at_)) +
                                                      ") was taken as a clock sync, not as the interval");
        arm_heartbeat_deadline();
    }
}

void SessionChecks::arm_heartbeat_deadline() {
    const auto now = ctx_.loop.clock().now();
    const auto due = heartbeat_.deadline();
    heartbeat_timer_->start(due > now ? due - now : ocpp::Clock::Duration{}, [w = weak_from_this()] {
        auto self = w.lock();
        if (!self || self->ctx_.board.done(CheckId::Heartbeat)) {
            return;
        }
        const auto at = self->ctx_.loop.clock().now();
        if (self->heartbeat_.deadline() > at) {
            self->arm_heartbeat_deadline(); // other traffic moved it
            return;
        }
        self->ctx_.board.set(CheckId::Heartbeat,
                             self->heartbeat_.expired(at, config_int(self->ctx_.report.charger, "HeartbeatInterval")));
        self->maybe_complete();
    });
}

void SessionChecks::maybe_complete() {
    if (booted_ && ctx_.board.done(CheckId::Heartbeat) && calls_ == Calls::Done &&
        (!charging_ || charging_->finished())) {
        if (!ctx_.config.profiles.empty() && !groups_) {
            profiles::GroupContext gc{peer_, ctx_.loop, ctx_.board, ctx_.config, ctx_.report, ctx_.files};
            gc.password = handshake_.basic_password;
            groups_ = std::make_unique<profiles::GroupRunner>(gc, [w = weak_from_this()] {
                if (auto self = w.lock()) {
                    self->maybe_complete();
                }
            });
            for (auto it = statuses_.rbegin(); it != statuses_.rend(); ++it) {
                if (it->connector == 1) {
                    groups_->note_connector_status(it->status); // e.g. the charging test just stopped
                    break;
                }
            }
            groups_->start();
            return;
        }
        if (groups_ && !groups_->finished()) {
            return;
        }
        end(End::Completed);
    }
}

void SessionChecks::end(End how) {
    if (ended_) {
        return;
    }
    ended_ = true;
    ctx_.loop.post([w = weak_from_this(), how] {
        if (auto self = w.lock(); self && self->handlers_.ended) {
            self->handlers_.ended(how);
        }
    });
}

void SessionChecks::conclude(const std::string& why) {
    ended_ = true;
    settle_timer_->cancel();
    heartbeat_timer_->cancel();
    trigger_timer_->cancel();
    if (charging_) {
        charging_->conclude();
    }
    if (groups_) {
        groups_->conclude();
    }
    auto& board = ctx_.board;
    auto& facts = ctx_.report.charger;
    const auto now = ctx_.loop.clock().now();
    if (!first_seen_) {
        board.set(CheckId::BootFirst, boot_never_came(false, why));
    } else if (!booted_) {
        board.set(CheckId::BootPayload, boot_never_came(true, why));
    }
    if (booted_) {
        const auto configured = config_int(facts, "NumberOfConnectors");
        board.set(CheckId::Status, check_statuses(statuses_, configured));
        facts.connectors_reported = reported_connectors(statuses_);
        if (!facts.connectors && !facts.connectors_reported.empty()) {
            facts.connectors = std::max(1, facts.connectors_reported.back());
        }
        if (!board.done(CheckId::Heartbeat) && !dropped_ && now >= heartbeat_.deadline()) {
            board.set(CheckId::Heartbeat, heartbeat_.expired(now, config_int(facts, "HeartbeatInterval")));
        }
        const auto& hb = board.get(CheckId::Heartbeat);
        const auto setting = config_int(facts, "HeartbeatInterval");
        if (hb.verdict == Verdict::Pass && setting && *setting != ctx_.config.heartbeat_interval.count()) {
            Outcome warn =
                Outcome::warn(hb.seen + "; but GetConfiguration reports HeartbeatInterval=" + std::to_string(*setting),
                              "The charger uses the interval from the BootNotification answer but does "
                              "not store it in its HeartbeatInterval setting; after a reboot it may use "
                              "the old one.");
            board.set(CheckId::Heartbeat, std::move(warn));
        }
        board.set(CheckId::Clock, skew_.outcome());
        const auto& gc = board.get(CheckId::GetConfiguration);
        if (gc.verdict == Verdict::Pass || gc.verdict == Verdict::Warn) {
            if (auto mismatch = check_connector_agreement(configured, facts.connectors_reported)) {
                mismatch->seen = gc.seen + "; " + mismatch->seen;
                mismatch->hint = gc.hint.empty() ? mismatch->hint : gc.hint + " " + mismatch->hint;
                board.set(CheckId::GetConfiguration, std::move(*mismatch));
            }
        }
    }
    if (flooded_) {
        board.set(CheckId::Stable, Outcome::skipped("the tester closed the connection: the charger exceeded the frame "
                                                    "rate (see connection.frame_rate)"));
    } else if (received_ > 0) {
        board.set(CheckId::FrameRate, rate_.within());
    }
    if (!dropped_ && !flooded_ && away_) {
        board.set(CheckId::Stable,
                  Outcome::fail(up_before_restart_ + "; it did not come back before the test ended",
                                "The charger closed the connection to restart and never connected again. Check that "
                                "it keeps its central system URL and password across a restart, and its log for a "
                                "failed boot (see the check that made it restart)."));
    } else if (!dropped_ && !flooded_ && !away_ && restarted_) {
        board.set(CheckId::Stable, Outcome::pass(up_before_restart_ + ", then up for " +
                                                 format_ms(ms_since(opened_at_)) + " until the end"));
    } else if (!dropped_ && !flooded_ && !away_ && (booted_ || first_seen_)) {
        const std::string up = "up for " + format_ms(ms_since(opened_at_)) + ", from the upgrade to the end";
        if (boots_ > 1) {
            board.set(CheckId::Stable,
                      Outcome::warn(up + "; BootNotification came " + std::to_string(boots_) + " times",
                                    "The charger booted again during the test: check its power "
                                    "supply and its log for crashes or watchdog resets."));
        } else {
            board.set(CheckId::Stable, Outcome::pass(up));
        }
    }
    if (received_ > 0) {
        const auto malformed = malformed_before_ + (peer_ ? peer_->stats().malformed_received : 0);
        if (deviating_messages_ == 0 && malformed == 0) {
            board.set(CheckId::Schema, Outcome::pass(std::to_string(received_) + " messages from the charger, all "
                                                                                 "valid"));
        } else {
            std::string seen = std::to_string(deviating_messages_) + " of " + std::to_string(received_) +
                               " messages deviate from the OCPP 1.6 schemas";
            if (malformed > 0) {
                seen += ", " + std::to_string(malformed) + " not valid OCPP-J frames";
            }
            board.set(CheckId::Schema,
                      Outcome::fail(seen, "The charger sends messages that break the OCPP 1.6 JSON schemas (listed "
                                          "with their JSON pointer and rule). A central system in strict mode "
                                          "refuses them with a CALLERROR and loses their data. Update the firmware "
                                          "or report them to the manufacturer."));
        }
    }
    if (auto note = ctx_.report.capture.incomplete_note(); !note.empty()) {
        board.add_detail(CheckId::Schema, std::move(note));
    }
    if (peer_ && peer_->is_open()) {
        closing_ = true;
        peer_->close(1000, "connectivity test finished");
    }
}

} // namespace tester
