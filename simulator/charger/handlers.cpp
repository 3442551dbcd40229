// How a simulated charger answers the central system. Actions not registered here get NotSupported from the Peer.
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;

void Charger::register_handlers() {
    auto& p = *peer_;
    auto counted = [this](std::string_view action) { ++env_.stats.calls_answered[std::string(action)]; };

    p.on<GetConfigurationReq>([this, counted](const GetConfigurationReq& req, Reply<GetConfigurationConf> reply) {
        counted(req.action);
        reply(config_.get(req.key.value_or(std::vector<std::string>{})));
    });

    p.on<ChangeConfigurationReq>(
        [this, counted](const ChangeConfigurationReq& req, Reply<ChangeConfigurationConf> reply) {
            counted(req.action);
            if (auto handled = change_security_key(req.key, req.value)) { // security.cpp
                reply(ChangeConfigurationConf{*handled});
                return;
            }
            const auto status = config_.set(req.key, req.value);
            reply(ChangeConfigurationConf{status});
            if (status == ConfigurationStatus::Accepted && req.key == "HeartbeatInterval") {
                heartbeat_interval_ = std::chrono::seconds(config_.int_value("HeartbeatInterval", 0));
                if (booted()) {
                    arm_heartbeat();
                }
            }
        });

    p.on<RemoteStartTransactionReq>(
        [this, counted](const RemoteStartTransactionReq& req, Reply<RemoteStartTransactionConf> reply) {
            counted(req.action);
            int target = req.connectorId.value_or(0);
            if (target == 0) {
                for (int c = 1; c <= spec_.connectors && target == 0; ++c) {
                    if (conn(c).status == Status::Available && conn(c).operative) {
                        target = c;
                    }
                }
            }
            bool free = target >= 1 && target <= spec_.connectors &&
                        (conn(target).status == Status::Available ||
                         (conn(target).status == Status::Reserved &&
                          reservation_permits(target, req.idTag, std::nullopt, false))) &&
                        conn(target).operative;
            // A chargingProfile must be a TxProfile for this session (smart_charging.cpp), else Rejected.
            free = free && accept_remote_start_profile(target, req.chargingProfile);
            reply(RemoteStartTransactionConf{free ? RemoteStartStopStatus::Accepted : RemoteStartStopStatus::Rejected});
            if (free) {
                conn(target).arrival->cancel();
                conn(target).arrival_armed = false;
                plug_in(target, req.idTag, true);
            }
        });

    p.on<RemoteStopTransactionReq>(
        [this, counted](const RemoteStopTransactionReq& req, Reply<RemoteStopTransactionConf> reply) {
            counted(req.action);
            for (int c = 1; c <= spec_.connectors; ++c) {
                if (conn(c).transaction_id == req.transactionId) {
                    reply(RemoteStopTransactionConf{RemoteStartStopStatus::Accepted});
                    finish_session(c, Reason::Remote);
                    return;
                }
            }
            reply(RemoteStopTransactionConf{RemoteStartStopStatus::Rejected});
        });

    p.on<ResetReq>([this, counted](const ResetReq& req, Reply<ResetConf> reply) {
        counted(req.action);
        reply(ResetConf{ResetStatus::Accepted});
        const bool hard = req.type == ResetType::Hard;
        std::weak_ptr<Charger> weak = weak_from_this();
        env_.executor.post([weak, hard] {
            if (auto self = weak.lock()) {
                self->reset(hard);
            }
        });
    });

    p.on<ChangeAvailabilityReq>([this, counted](const ChangeAvailabilityReq& req, Reply<ChangeAvailabilityConf> reply) {
        counted(req.action);
        if (req.connectorId < 0 || req.connectorId > spec_.connectors) {
            reply(ChangeAvailabilityConf{AvailabilityStatus::Rejected});
            return;
        }
        const bool operative = req.type == AvailabilityType::Operative;
        bool scheduled = false;
        for (int c = 1; c <= spec_.connectors; ++c) {
            if (req.connectorId != 0 && req.connectorId != c) {
                continue;
            }
            auto& k = conn(c);
            if (!operative && k.local_tx != 0) {
                k.pending_unavailable = true; // takes effect when the session ends
                scheduled = true;
                continue;
            }
            k.operative = operative;
            k.pending_unavailable = false;
            if (k.status == Status::Available || k.status == Status::Unavailable) {
                set_status(c, operative ? Status::Available : Status::Unavailable);
            }
        }
        if (req.connectorId == 0) {
            // The charge point itself goes Inoperative only once its running transactions have ended (OCPP 1.6
            // 5.2: Scheduled means after the transaction; connector 0 covers the charge point and all connectors).
            conn(0).pending_unavailable = scheduled;
            if (!scheduled) {
                conn(0).operative = operative;
                set_status(0, operative ? Status::Available : Status::Unavailable);
            }
        }
        reply(ChangeAvailabilityConf{scheduled ? AvailabilityStatus::Scheduled : AvailabilityStatus::Accepted});
    });

    p.on<UnlockConnectorReq>([this, counted](const UnlockConnectorReq& req, Reply<UnlockConnectorConf> reply) {
        counted(req.action);
        if (req.connectorId < 1 || req.connectorId > spec_.connectors) {
            reply(UnlockConnectorConf{UnlockStatus::NotSupported});
            return;
        }
        reply(UnlockConnectorConf{UnlockStatus::Unlocked});
        finish_session(req.connectorId, Reason::UnlockCommand);
    });

    p.on<ClearCacheReq>([this, counted](const ClearCacheReq& req, Reply<ClearCacheConf> reply) {
        counted(req.action);
        auth_.clear_cache();
        reply(ClearCacheConf{ClearCacheStatus::Accepted});
    });

    register_data_transfer();

    const auto& profiles = spec_.profiles;
    if (profiles.smart_charging) {
        register_smart_charging();
    }
    if (profiles.firmware) {
        register_firmware();
    }
    if (profiles.local_list) {
        register_local_list();
    }
    if (profiles.reservation) {
        register_reservation();
    }
    if (profiles.remote_trigger) {
        register_remote_trigger();
    }
    if (profiles.security) {
        register_security();
        register_security_log();
    }
}

void Charger::reset(bool hard) {
    reboot(hard ? Reason::HardReset : Reason::SoftReset, std::chrono::milliseconds(hard ? 500 : 100), "rebooting");
}

void Charger::reboot(Reason reason, ocpp::Clock::Duration after, const char* why) {
    for (int c = 1; c <= spec_.connectors; ++c) {
        finish_session(c, reason);
    }
    security_rebooting(reason == Reason::Reboot ? "firmware" : to_string(reason));
    // The connection closes once the stop messages are out; the charger reconnects and boots again.
    std::weak_ptr<Charger> weak = weak_from_this();
    stop_timer_->start(after, [weak, why] {
        if (auto self = weak.lock(); self && self->peer_) {
            self->closing_ = true;
            self->peer_->close(1012, why);
        }
    });
}

} // namespace sim
