#pragma once
// A charge point for the check-engine tests, on any Session (the in-memory transport with a manual clock, or a real
// Client connection): well behaved by default, with switches for the faults installers meet. Lives on one executor.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ocpp/peer/peer.hpp"
#include "ocpp/v16/messages.hpp"

namespace tester::test {

struct ChargerScript {
    int connectors = 2;
    bool boot_first = true;                  // false: a Heartbeat goes out before BootNotification
    bool apply_interval = true;              // false: heartbeats at old_interval
    int old_interval_s = 300;                // the HeartbeatInterval it has before boot
    bool heartbeats = true;                  // false: never sends a Heartbeat
    bool heartbeat_after_boot = false;       // true: one Heartbeat right after the boot answer (a clock sync)
    bool answer_get_configuration = true;    // false: keeps the call unanswered
    bool invalid_status = false;             // sends a StatusNotification with an errorCode the schema does not know
    std::string error_code = "NoError";      // for connector 1
    std::chrono::milliseconds drop_after{0}; // > 0: closes the connection this long after boot
    std::string vendor = "ExampleVendor", model = "AC22";
    std::chrono::seconds clock_offset{0};                            // added to the timestamps it sends
    std::string supported_profiles = "Core,RemoteTrigger";           // its SupportedFeatureProfiles
    std::function<void(ocpp::Peer&, ocpp::Executor&)> more_handlers; // registered after (and over) its own
    std::shared_ptr<std::string> firmware_version; // its BootNotification's firmwareVersion; nullptr: "1.2.3"
    bool reconnect = false;                        // connects again after it closed the connection (a restart)
    bool flap_after_restart = false;             // with reconnect: each later connection closes at once, without a boot
    std::function<void(ocpp::Peer&)> after_boot; // runs once its BootNotification was answered
};

class ScriptedCharger : public std::enable_shared_from_this<ScriptedCharger> {
public:
    static std::shared_ptr<ScriptedCharger> create(ocpp::net::SessionPtr session, ocpp::Executor& exec,
                                                   const ocpp::validation::Registry& schemas, const ocpp::Logger& log,
                                                   ChargerScript script) {
        std::shared_ptr<ScriptedCharger> c(new ScriptedCharger(exec, script));
        ocpp::PeerConfig pc;
        pc.validate_outgoing = false; // it must be able to send broken payloads
        c->peer_ = ocpp::Peer::create(std::move(session), schemas, pc, log);
        c->register_handlers();
        if (c->script_.more_handlers) {
            c->script_.more_handlers(*c->peer_, exec);
        }
        return c;
    }

    void start() {
        auto self = shared_from_this();
        if (!script_.boot_first) {
            peer_->call(ocpp::v16::HeartbeatReq{},
                        [self](ocpp::CallOutcome<ocpp::v16::HeartbeatConf>) { self->boot(); });
            return;
        }
        boot();
    }

    ocpp::Peer& peer() { return *peer_; }
    int interval_s() const { return interval_s_; }
    int heartbeats_sent() const { return heartbeats_sent_; }

private:
    ScriptedCharger(ocpp::Executor& exec, ChargerScript script)
        : exec_(exec)
        , script_(std::move(script))
        , interval_s_(script_.old_interval_s)
        , heartbeat_timer_(exec.make_timer())
        , drop_timer_(exec.make_timer()) {}

    ocpp::DateTime stamp() const { return ocpp::DateTime{exec_.clock().wall_now()} + script_.clock_offset; }

    void boot() {
        ocpp::v16::BootNotificationReq req;
        req.chargePointVendor = script_.vendor;
        req.chargePointModel = script_.model;
        req.chargePointSerialNumber = "SN-1";
        req.firmwareVersion = script_.firmware_version ? *script_.firmware_version : std::string("1.2.3");
        std::weak_ptr<ScriptedCharger> weak = weak_from_this();
        peer_->call(req, [weak](ocpp::CallOutcome<ocpp::v16::BootNotificationConf> out) {
            auto self = weak.lock();
            if (!self || !out.ok()) {
                return;
            }
            if (self->script_.apply_interval) {
                self->interval_s_ = out.conf->interval;
            }
            if (self->script_.heartbeat_after_boot) {
                ++self->heartbeats_sent_;
                self->peer_->call(ocpp::v16::HeartbeatReq{}, [](ocpp::CallOutcome<ocpp::v16::HeartbeatConf>) {});
            }
            for (int c = 0; c <= self->script_.connectors; ++c) {
                self->status(c);
            }
            self->arm_heartbeat();
            if (self->script_.after_boot) {
                self->script_.after_boot(*self->peer_);
            }
            if (self->script_.drop_after.count() > 0) {
                self->drop_timer_->start(self->script_.drop_after, [weak] {
                    if (auto s = weak.lock()) {
                        s->peer_->close(1001, "going away");
                    }
                });
            }
        });
    }

    void status(int connector) {
        if (script_.invalid_status && connector == 1 && !sent_invalid_) {
            sent_invalid_ = true;
            peer_->call_text(
                "StatusNotification",
                R"({"connectorId":1,"errorCode":"Kaputt","status":"Available","timestamp":")" +
                    ocpp::format_datetime(stamp()) + "\"}",
                [](ocpp::RawOutcome) {}, {}, false);
            return;
        }
        ocpp::v16::StatusNotificationReq req;
        req.connectorId = connector;
        ocpp::v16::from_string(connector == 1 ? script_.error_code : "NoError", req.errorCode);
        req.status = ocpp::v16::ChargePointStatus::Available;
        req.timestamp = stamp();
        peer_->call(req, [](ocpp::CallOutcome<ocpp::v16::StatusNotificationConf>) {});
    }

    void arm_heartbeat() {
        if (!script_.heartbeats) {
            return;
        }
        std::weak_ptr<ScriptedCharger> weak = weak_from_this();
        heartbeat_timer_->start(std::chrono::seconds(interval_s_), [weak] {
            if (auto self = weak.lock()) {
                ++self->heartbeats_sent_;
                self->peer_->call(ocpp::v16::HeartbeatReq{}, [](ocpp::CallOutcome<ocpp::v16::HeartbeatConf>) {});
                self->arm_heartbeat();
            }
        });
    }

    void register_handlers() {
        std::weak_ptr<ScriptedCharger> weak = weak_from_this();
        peer_->on<ocpp::v16::GetConfigurationReq>(
            [weak](const ocpp::v16::GetConfigurationReq&, ocpp::Reply<ocpp::v16::GetConfigurationConf> reply) {
                auto self = weak.lock();
                if (!self) {
                    return;
                }
                if (!self->script_.answer_get_configuration) {
                    self->unanswered_.push_back(std::move(reply)); // kept, so no automatic CALLERROR goes out
                    return;
                }
                ocpp::v16::GetConfigurationConf conf;
                conf.configurationKey = std::vector<ocpp::v16::KeyValue>{
                    {"HeartbeatInterval", false, std::to_string(self->interval_s_)},
                    {"NumberOfConnectors", true, std::to_string(self->script_.connectors)},
                    {"SupportedFeatureProfiles", true, self->script_.supported_profiles},
                    {"MeterValueSampleInterval", false, std::string("60")},
                };
                reply(conf);
            });
        peer_->on<ocpp::v16::TriggerMessageReq>(
            [weak](const ocpp::v16::TriggerMessageReq& req, ocpp::Reply<ocpp::v16::TriggerMessageConf> reply) {
                auto self = weak.lock();
                if (!self) {
                    return;
                }
                const bool status = req.requestedMessage == ocpp::v16::MessageTrigger::StatusNotification;
                reply(ocpp::v16::TriggerMessageConf{status ? ocpp::v16::TriggerMessageStatus::Accepted
                                                           : ocpp::v16::TriggerMessageStatus::NotImplemented});
                if (status) {
                    self->status(req.connectorId.value_or(0));
                }
            });
    }

    ocpp::Executor& exec_;
    ChargerScript script_;
    int interval_s_;
    int heartbeats_sent_ = 0;
    bool sent_invalid_ = false;
    std::shared_ptr<ocpp::Peer> peer_;
    std::unique_ptr<ocpp::Timer> heartbeat_timer_, drop_timer_;
    std::vector<ocpp::Reply<ocpp::v16::GetConfigurationConf>> unanswered_;
};

} // namespace tester::test
