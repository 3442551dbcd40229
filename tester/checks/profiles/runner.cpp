#include "tester/checks/profiles/runner.hpp"

#include <cctype>
#include <utility>

#include "tester/checks/calls.hpp"

namespace tester::profiles {

bool declares_profile(const std::string& supported, std::string_view profile) {
    std::size_t at = 0;
    while (at <= supported.size()) {
        auto comma = supported.find(',', at);
        if (comma == std::string::npos) {
            comma = supported.size();
        }
        std::string name;
        for (std::size_t i = at; i < comma; ++i) {
            if (supported[i] != ' ') {
                name += static_cast<char>(std::tolower(static_cast<unsigned char>(supported[i])));
            }
        }
        std::string want;
        for (char ch : profile) {
            want += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        if (name == want) {
            return true;
        }
        at = comma + 1;
    }
    return false;
}

bool connector_busy(std::string_view status) {
    return status == "Charging" || status == "SuspendedEV" || status == "SuspendedEVSE" || status == "Finishing";
}

GroupRunner::GroupRunner(GroupContext ctx, std::function<void()> done)
    : ctx_(ctx)
    , done_(std::move(done)) {
    for (const auto& name : ctx_.config.profiles) {
        if (const auto* def = find_group(name)) {
            queue_.push_back(def);
        }
    }
}

GroupRunner::~GroupRunner() {
    if (free_wait_) {
        free_wait_->cancel();
    }
    if (current_) {
        current_->conclude();
    }
}

void GroupRunner::start() {
    if (started_) {
        return;
    }
    started_ = true;
    next();
}

void GroupRunner::next() {
    current_.reset();
    while (at_ < queue_.size()) {
        const GroupDef& def = *queue_[at_++];
        const auto supported = config_value(ctx_.report.charger, "SupportedFeatureProfiles");
        // A group without a feature profile (security) runs whatever the charger declares.
        if (supported && *def.profile != '\0' && !declares_profile(*supported, def.profile)) {
            for (const auto& gc : def.checks) {
                ctx_.board.set(gc.key, Outcome::skipped("not supported by this charger: its SupportedFeatureProfiles "
                                                        "(" +
                                                        quote(*supported, 120) + ") does not list " + def.profile));
            }
            continue;
        }
        if (busy_ && !gave_up_waiting_) {
            pending_ = &def;
            free_wait_ = ctx_.loop.make_timer();
            std::weak_ptr<bool> alive = alive_;
            free_wait_->start(2 * ctx_.config.call_timeout, [this, alive] {
                if (alive.expired() || !pending_) {
                    return;
                }
                gave_up_waiting_ = true;
                const GroupDef& waited = *std::exchange(pending_, nullptr);
                ctx_.board.add_detail(waited.checks.front().key,
                                      "connector 1 was still busy (charging or Finishing) after " +
                                          std::to_string((2 * ctx_.config.call_timeout).count()) +
                                          " s (a vehicle still plugged in?); started anyway");
                launch(waited);
            });
            return;
        }
        launch(def);
        return;
    }
    finished_ = true;
    if (done_) {
        done_();
    }
}

void GroupRunner::launch(const GroupDef& def) {
    current_ = def.make(ctx_);
    if (*def.profile != '\0' && !config_value(ctx_.report.charger, "SupportedFeatureProfiles")) {
        ctx_.board.add_detail(def.checks.front().key,
                              "SupportedFeatureProfiles unknown (GetConfiguration gave no value): run anyway");
    }
    std::weak_ptr<bool> alive = alive_;
    current_->start([this, alive] {
        // Posted: the group may still be on the stack when it says it is done.
        ctx_.loop.post([this, alive] {
            if (!alive.expired() && !finished_) {
                next();
            }
        });
    });
}

void GroupRunner::on_call(std::string_view action) {
    if (current_) {
        current_->on_call(action);
    }
}

void GroupRunner::on_status(const ocpp::v16::StatusNotificationReq& req) {
    if (req.connectorId == 1) {
        busy_ = connector_busy(ocpp::v16::to_string(req.status));
        if (!busy_ && pending_ && !finished_) {
            free_wait_->cancel();
            const GroupDef& def = *std::exchange(pending_, nullptr);
            // Posted: the status is answered first, and the group starts from the loop.
            std::weak_ptr<bool> alive = alive_;
            ctx_.loop.post([this, alive, &def] {
                if (!alive.expired() && !finished_) {
                    launch(def);
                }
            });
            return;
        }
    }
    if (current_) {
        current_->on_status(req);
    }
}

void GroupRunner::on_meter_values(const ocpp::v16::MeterValuesReq& req) {
    if (current_) {
        current_->on_meter_values(req);
    }
}

void GroupRunner::on_start_transaction(const ocpp::v16::StartTransactionReq& req, int transaction_id) {
    if (current_) {
        current_->on_start_transaction(req, transaction_id);
    }
}

void GroupRunner::on_stop_transaction(const ocpp::v16::StopTransactionReq& req) {
    if (current_) {
        current_->on_stop_transaction(req);
    }
}

void GroupRunner::on_firmware_status(const ocpp::v16::FirmwareStatusNotificationReq& req) {
    if (current_) {
        current_->on_firmware_status(req);
    }
}

void GroupRunner::on_diagnostics_status(const ocpp::v16::DiagnosticsStatusNotificationReq& req) {
    if (current_) {
        current_->on_diagnostics_status(req);
    }
}

void GroupRunner::on_restarting() {
    if (current_) {
        current_->on_restarting();
    }
}

void GroupRunner::on_restarted(std::shared_ptr<ocpp::Peer> peer, const std::string& firmware_version, double away_ms) {
    ctx_.peer = peer;
    if (current_) {
        current_->on_restarted(std::move(peer), firmware_version, away_ms);
    }
}

std::string GroupRunner::away_reason() const {
    return current_ ? current_->away_reason() : std::string("restarted");
}

std::optional<ocpp::net::HandshakeDecision> GroupRunner::on_reconnect_attempt(const ocpp::net::HandshakeInfo& info) {
    return current_ ? current_->on_reconnect_attempt(info) : std::nullopt;
}

void GroupRunner::on_reconnect_rejected(const ocpp::net::RejectedHandshake& rejected) {
    if (current_) {
        current_->on_reconnect_rejected(rejected);
    }
}

void GroupRunner::on_reconnected(std::shared_ptr<ocpp::Peer> peer) {
    ctx_.peer = peer;
    if (current_) {
        current_->on_reconnected(std::move(peer));
    }
}

void GroupRunner::on_security_event(const ocpp::v16::SecurityEventNotificationReq& req) {
    if (current_) {
        current_->on_security_event(req);
    }
}

void GroupRunner::conclude() {
    alive_.reset();
    pending_ = nullptr;
    if (free_wait_) {
        free_wait_->cancel();
    }
    if (current_) {
        current_->conclude();
    }
    finished_ = true;
}

} // namespace tester::profiles
