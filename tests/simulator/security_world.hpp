#pragma once
// The fixture of the security whitepaper tests of a simulated charger: the manual clock, the fake central system
// with recorders for the whitepaper's notifications, real transfers and file servers.
#include <gtest/gtest.h>

#include <thread>

#include "fake_central_system.hpp"
#include "tests/support/file_servers.hpp"
#include "tests/support/http_client.hpp"

namespace sim::testing {

using namespace std::chrono_literals;
using namespace ocpp::v16;
using ocppkit::test::FileServer;
using Strings = std::vector<std::string>;

class SecurityWorld : public ::testing::Test, protected ChargerWorld {
protected:
    SecurityWorld() {
        env.transfers = &transfers;
        env.connect = [this](const sim::ChargerSpec& s, ocpp::net::Client::ConnectHandler h) {
            cs.connect(s, h);
            if (cs.online) {
                install(*cs.peer);
            }
        };
    }
    ~SecurityWorld() override {
        charger.reset();
        ex.run_pending();
    }

    // What the fake central system does not do: record the whitepaper's notifications.
    void install(ocpp::Peer& p) {
        using ocpp::Reply;
        p.on<SecurityEventNotificationReq>(
            [this](const SecurityEventNotificationReq& r, Reply<SecurityEventNotificationConf> reply) {
                events.push_back(r.type);
                tech_infos.push_back(r.techInfo.value_or(""));
                reply(SecurityEventNotificationConf{});
            });
        p.on<LogStatusNotificationReq>(
            [this](const LogStatusNotificationReq& r, Reply<LogStatusNotificationConf> reply) {
                logs.push_back(std::string(to_string(r.status)) +
                               (r.requestId ? "#" + std::to_string(*r.requestId) : std::string()));
                reply(LogStatusNotificationConf{});
            });
        p.on<SignedFirmwareStatusNotificationReq>(
            [this](const SignedFirmwareStatusNotificationReq& r, Reply<SignedFirmwareStatusNotificationConf> reply) {
                firmware.push_back(std::string(to_string(r.status)) +
                                   (r.requestId ? "#" + std::to_string(*r.requestId) : std::string()));
                reply(SignedFirmwareStatusNotificationConf{});
            });
    }

    void boot(sim::ChargerSpec spec = {}) {
        spec.id = "CP-SEC-1";
        spec.sessions_per_hour = 0;
        charger = std::make_shared<sim::Charger>(spec, env, 7);
        charger->start();
        ex.advance(1s);
        ASSERT_TRUE(charger->booted());
    }

    bool pump_until(const std::function<bool()>& pred, ocpp::Clock::Duration step = 100ms) {
        const auto until = std::chrono::steady_clock::now() + 20s;
        while (!pred()) {
            if (std::chrono::steady_clock::now() > until) {
                return false;
            }
            ex.advance(step);
            std::this_thread::sleep_for(2ms);
        }
        return true;
    }
    void pass(ocpp::Clock::Duration d) {
        for (auto t = ocpp::Clock::Duration{}; t < d; t += 100ms) {
            ex.advance(100ms);
        }
    }

    GetLogConf get_log(LogType type, const std::string& location, int request_id, std::optional<int> retries = {},
                       std::optional<ocpp::DateTime> oldest = {}, std::optional<ocpp::DateTime> latest = {}) {
        GetLogReq req;
        req.logType = type;
        req.requestId = request_id;
        req.log.remoteLocation = location;
        req.log.oldestTimestamp = oldest;
        req.log.latestTimestamp = latest;
        req.retries = retries;
        req.retryInterval = 5;
        GetLogConf conf;
        bool answered = false;
        cs.peer->call(req, [&](ocpp::CallOutcome<GetLogConf> o) {
            answered = o.ok();
            if (o.ok()) {
                conf = *o.conf;
            }
        });
        ex.run_pending();
        EXPECT_TRUE(answered);
        return conf;
    }

    std::string trigger(ExtendedMessageTrigger what, std::optional<int> connector = {}) {
        std::string status = "none";
        cs.peer->call(ExtendedTriggerMessageReq{what, connector}, [&](ocpp::CallOutcome<ExtendedTriggerMessageConf> o) {
            if (o.ok()) {
                status = to_string(o.conf->status);
            }
        });
        ex.run_pending();
        ex.advance(100ms);
        return status;
    }

    std::unique_ptr<FileServer> server(FileServer::Kind kind) {
        auto s = std::make_unique<FileServer>(kind, 30);
        std::string error;
        EXPECT_TRUE(s->start(error)) << error;
        return s;
    }

    ocpp::transfer::TransferService transfers{[] {
        ocpp::transfer::TransferLimits l;
        l.threads = 2;
        l.connect_timeout = 4s;
        l.total_timeout = 5s;
        return l;
    }()};
    std::shared_ptr<sim::Charger> charger;
    Strings events, tech_infos, logs, firmware;
};

} // namespace sim::testing
