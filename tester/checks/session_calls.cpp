// SessionChecks, the calls of check 7 (GetConfiguration, then TriggerMessage followed by the status), the start of
// the charging test (check 8), and the answers to the charger's other messages.
#include <algorithm>

#include "tester/checks/calls.hpp"
#include "tester/checks/session.hpp"

namespace tester {

using namespace ocpp::v16;

void SessionChecks::on_security_event(const SecurityEventNotificationReq& req,
                                      ocpp::Reply<SecurityEventNotificationConf> reply) {
    reply(SecurityEventNotificationConf{});
    if (groups_) {
        groups_->on_security_event(req);
    }
}

void SessionChecks::register_other_handlers() {
    auto& p = *peer_;
    p.on<SecurityEventNotificationReq>(weak(&SessionChecks::on_security_event));
    auto now = [this] { return wall_now(); };
    p.on<AuthorizeReq>([](const AuthorizeReq&, ocpp::Reply<AuthorizeConf> reply) {
        reply(AuthorizeConf{IdTagInfo{std::nullopt, std::nullopt, AuthorizationStatus::Accepted}});
    });
    p.on<StartTransactionReq>(
        [this, w = weak_from_this(), now](const StartTransactionReq& req, ocpp::Reply<StartTransactionConf> reply) {
            auto self = w.lock();
            if (!self) {
                return;
            }
            const int id = next_transaction_id_++;
            reply(StartTransactionConf{IdTagInfo{std::nullopt, std::nullopt, AuthorizationStatus::Accepted}, id});
            skew_.sample(req.timestamp, now(), "StartTransaction");
            if (charging_) {
                charging_->on_start_transaction(req, id);
            }
            if (groups_) {
                groups_->on_start_transaction(req, id);
            }
        });
    p.on<MeterValuesReq>([w = weak_from_this()](const MeterValuesReq& req, ocpp::Reply<MeterValuesConf> reply) {
        reply(MeterValuesConf{});
        auto self = w.lock();
        if (self && self->charging_) {
            self->charging_->on_meter_values(req);
        }
        if (self && self->groups_) {
            self->groups_->on_meter_values(req);
        }
    });
    p.on<StopTransactionReq>(
        [this, w = weak_from_this(), now](const StopTransactionReq& req, ocpp::Reply<StopTransactionConf> reply) {
            auto self = w.lock();
            if (!self) {
                return;
            }
            reply(StopTransactionConf{IdTagInfo{std::nullopt, std::nullopt, AuthorizationStatus::Accepted}});
            skew_.sample(req.timestamp, now(), "StopTransaction");
            if (charging_) {
                charging_->on_stop_transaction(req);
            }
            if (groups_) {
                groups_->on_stop_transaction(req);
            }
        });
    p.on<DataTransferReq>([](const DataTransferReq&, ocpp::Reply<DataTransferConf> reply) {
        reply(DataTransferConf{DataTransferStatus::UnknownVendorId, std::nullopt});
    });
    p.on<FirmwareStatusNotificationReq>([w = weak_from_this()](const FirmwareStatusNotificationReq& req,
                                                               ocpp::Reply<FirmwareStatusNotificationConf> reply) {
        reply(FirmwareStatusNotificationConf{});
        if (auto self = w.lock(); self && self->groups_) {
            self->groups_->on_firmware_status(req);
        }
    });
    p.on<DiagnosticsStatusNotificationReq>(
        [w = weak_from_this()](const DiagnosticsStatusNotificationReq& req,
                               ocpp::Reply<DiagnosticsStatusNotificationConf> reply) {
            reply(DiagnosticsStatusNotificationConf{});
            if (auto self = w.lock(); self && self->groups_) {
                self->groups_->on_diagnostics_status(req);
            }
        });
}

void SessionChecks::start_calls() {
    if (calls_ != Calls::NotStarted || ended_) {
        return;
    }
    calls_ = Calls::GetConfiguration;
    ctx_.board.running(CheckId::GetConfiguration, "sent GetConfiguration; waiting for the answer");
    peer_->call(GetConfigurationReq{}, [w = weak_from_this()](ocpp::CallOutcome<GetConfigurationConf> out) {
        auto self = w.lock();
        if (!self || self->calls_ != Calls::GetConfiguration) {
            return;
        }
        self->ctx_.board.add_timing(CheckId::GetConfiguration, "answer",
                                    std::chrono::duration<double, std::milli>(out.latency).count());
        self->ctx_.board.set(CheckId::GetConfiguration, check_get_configuration(out, self->ctx_.report.charger));
        if (out.status == ocpp::CallStatus::Closed) {
            return;
        }
        self->send_trigger();
    });
}

void SessionChecks::send_trigger() {
    calls_ = Calls::Trigger;
    TriggerMessageReq req;
    req.requestedMessage = MessageTrigger::StatusNotification;
    const auto reported = reported_connectors(statuses_);
    if (ctx_.report.charger.connectors.value_or(0) >= 1 ||
        std::any_of(reported.begin(), reported.end(), [](int c) { return c >= 1; })) {
        trigger_connector_ = 1;
        req.connectorId = 1;
    }
    statuses_before_trigger_ = statuses_.size();
    ctx_.board.running(CheckId::TriggerMessage, "sent TriggerMessage(StatusNotification" +
                                                    (req.connectorId ? ", connector 1" : std::string()) +
                                                    "); waiting for the answer");
    peer_->call(req, [w = weak_from_this()](ocpp::CallOutcome<TriggerMessageConf> out) {
        auto self = w.lock();
        if (!self || self->calls_ != Calls::Trigger) {
            return;
        }
        auto& board = self->ctx_.board;
        board.add_timing(CheckId::TriggerMessage, "answer",
                         std::chrono::duration<double, std::milli>(out.latency).count());
        if (auto verdict = check_trigger_answer(out)) {
            board.set(CheckId::TriggerMessage, std::move(*verdict));
            if (out.status != ocpp::CallStatus::Closed) {
                self->calls_done();
            }
            return;
        }
        self->calls_ = Calls::WaitStatus;
        self->trigger_answered_at_ = self->ctx_.loop.clock().now();
        for (std::size_t i = self->statuses_before_trigger_; i < self->statuses_.size(); ++i) {
            self->trigger_status_arrived(self->statuses_[i]);
            if (self->calls_ != Calls::WaitStatus) {
                return;
            }
        }
        board.running(CheckId::TriggerMessage, "Accepted; waiting for the StatusNotification");
        self->trigger_timer_->start(self->ctx_.config.call_timeout, [w2 = self->weak_from_this()] {
            auto s = w2.lock();
            if (!s || s->calls_ != Calls::WaitStatus) {
                return;
            }
            s->ctx_.board.set(CheckId::TriggerMessage,
                              Outcome::fail("Accepted, but no StatusNotification followed within " +
                                                std::to_string(s->ctx_.config.call_timeout.count()) + " s",
                                            "The charger accepted TriggerMessage but did not send the status. It "
                                            "must send the requested StatusNotification right after answering; "
                                            "update the firmware."));
            s->calls_done();
        });
    });
}

void SessionChecks::trigger_status_arrived(const StatusSeen& status) {
    if (trigger_connector_ && status.connector != *trigger_connector_) {
        return;
    }
    trigger_timer_->cancel();
    ctx_.board.add_timing(CheckId::TriggerMessage, "status", ms_since(trigger_answered_at_));
    ctx_.board.set(CheckId::TriggerMessage,
                   Outcome::pass("Accepted; StatusNotification for connector " + std::to_string(status.connector) +
                                 " (" + status.status + ") followed " + format_ms(ms_since(trigger_answered_at_)) +
                                 " after the answer"));
    calls_done();
}

void SessionChecks::calls_done() {
    calls_ = Calls::Done;
    if (ctx_.config.charging_test && !charging_) {
        charging_ = std::make_unique<ChargingTest>(peer_, ctx_.loop, ctx_.board, ctx_.config.call_timeout * 2,
                                                   ctx_.config.charging_time, [w = weak_from_this()] {
                                                       if (auto self = w.lock()) {
                                                           self->maybe_complete();
                                                       }
                                                   });
        charging_->start(1);
        return;
    }
    maybe_complete();
}

} // namespace tester
