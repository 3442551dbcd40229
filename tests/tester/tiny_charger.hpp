#pragma once
// A small well-behaved OCPP 1.6 charger for the serve tests: it connects with HTTP Basic auth, boots, reports every
// connector Available, sends heartbeats at the interval from the boot answer, and answers GetConfiguration and
// TriggerMessage (with the status that was asked for). Everything runs on one loop; create and drop it there.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "ocpp/net/client.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/text/datetime.hpp"

namespace tester::test {

class TinyCharger : public std::enable_shared_from_this<TinyCharger> {
public:
    struct Options {
        std::string url;
        std::string user;
        std::string password;
        int connectors = 2;
    };

    static std::shared_ptr<TinyCharger> create(ocpp::net::EventLoop& loop, const ocpp::validation::Registry& schemas,
                                               const ocpp::Logger& log) {
        return std::shared_ptr<TinyCharger>(new TinyCharger(loop, schemas, log));
    }

    // On the loop.
    void connect(Options options) {
        options_ = std::move(options);
        ocpp::net::ConnectOptions co;
        co.url = options_.url;
        co.basic_user = options_.user;
        co.basic_password = options_.password;
        co.open_handshake_timeout = std::chrono::seconds(5);
        std::weak_ptr<TinyCharger> weak = weak_from_this();
        client_->connect(co, [weak](ocpp::net::SessionPtr session, std::optional<ocpp::net::ConnectError> error) {
            if (auto self = weak.lock()) {
                self->on_connected(std::move(session), std::move(error));
            }
        });
    }
    // On the loop: closes the connection and drops the client.
    void stop() {
        heartbeat_.reset();
        if (peer_) {
            peer_->close(1000, "done");
        }
        peer_.reset();
        client_.reset();
    }

    std::atomic<bool> connected{false}, booted{false}, closed{false};
    std::atomic<int> heartbeats{0}, http_status{0};
    std::string error() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return error_;
    }

private:
    TinyCharger(ocpp::net::EventLoop& loop, const ocpp::validation::Registry& schemas, const ocpp::Logger& log)
        : loop_(loop)
        , schemas_(schemas)
        , log_(log)
        , client_(ocpp::net::Client::create(loop, {}, log)) {}

    void on_connected(ocpp::net::SessionPtr session, std::optional<ocpp::net::ConnectError> error) {
        if (error) {
            http_status = error->http_status;
            std::lock_guard<std::mutex> lock(mutex_);
            error_ = error->message;
            return;
        }
        connected = true;
        peer_ = ocpp::Peer::create(std::move(session), schemas_, {}, log_);
        std::weak_ptr<TinyCharger> weak = weak_from_this();
        peer_->set_close_handler([weak](const ocpp::net::CloseInfo&) {
            if (auto self = weak.lock()) {
                self->closed = true;
            }
        });
        peer_->on_raw("GetConfiguration", [weak](const rapidjson::Value&, ocpp::RawReply reply) {
            auto self = weak.lock();
            const int n = self ? self->options_.connectors : 0;
            const int interval = self ? self->interval_ : 0;
            reply.ok_with([n, interval](ocpp::rpc::JsonWriter& w) {
                const std::pair<const char*, std::string> keys[] = {
                    {"NumberOfConnectors", std::to_string(n)},
                    {"HeartbeatInterval", std::to_string(interval)},
                    {"SupportedFeatureProfiles", "Core,RemoteTrigger"},
                    {"MeterValueSampleInterval", "60"},
                    {"AuthorizationKey", "never-shown-key"},
                };
                w.StartObject();
                w.Key("configurationKey");
                w.StartArray();
                for (const auto& [key, value] : keys) {
                    w.StartObject();
                    w.Key("key");
                    w.String(key);
                    w.Key("readonly");
                    w.Bool(false);
                    w.Key("value");
                    w.String(value.c_str());
                    w.EndObject();
                }
                w.EndArray();
                w.EndObject();
            });
        });
        peer_->on_raw("TriggerMessage", [weak](const rapidjson::Value& payload, ocpp::RawReply reply) {
            auto self = weak.lock();
            const bool status = payload.HasMember("requestedMessage") && payload["requestedMessage"].IsString() &&
                                std::string(payload["requestedMessage"].GetString()) == "StatusNotification";
            reply.ok_with([status](ocpp::rpc::JsonWriter& w) {
                w.StartObject();
                w.Key("status");
                w.String(status ? "Accepted" : "NotImplemented");
                w.EndObject();
            });
            if (self && status) {
                if (payload.HasMember("connectorId") && payload["connectorId"].IsInt()) {
                    self->status(payload["connectorId"].GetInt());
                } else {
                    self->statuses();
                }
            }
        });
        peer_->call_text("BootNotification",
                         R"({"chargePointVendor":"ocppkit","chargePointModel":"TinyCharger",)"
                         R"("chargePointSerialNumber":"TC-0001","firmwareVersion":"1.0.0"})",
                         [weak](ocpp::RawOutcome out) {
                             auto self = weak.lock();
                             if (!self || out.status != ocpp::CallStatus::Ok) {
                                 return;
                             }
                             int interval = 30;
                             if (out.payload->HasMember("interval") && (*out.payload)["interval"].IsInt()) {
                                 interval = (*out.payload)["interval"].GetInt();
                             }
                             self->interval_ = interval;
                             self->booted = true;
                             self->statuses();
                             self->heartbeat_every(std::chrono::seconds(std::max(1, interval)));
                         });
    }

    void status(int connector) {
        if (peer_) {
            peer_->call_text("StatusNotification",
                             "{\"connectorId\":" + std::to_string(connector) +
                                 ",\"errorCode\":\"NoError\",\"status\":\"Available\","
                                 "\"timestamp\":\"" +
                                 ocpp::format_datetime(ocpp::DateTime::now()) + "\"}",
                             [](ocpp::RawOutcome) {});
        }
    }
    void statuses() {
        for (int c = 0; c <= options_.connectors; ++c) {
            status(c);
        }
    }
    void heartbeat_every(std::chrono::seconds interval) {
        if (!heartbeat_) {
            heartbeat_ = loop_.make_timer();
        }
        std::weak_ptr<TinyCharger> weak = weak_from_this();
        heartbeat_->start(interval, [weak, interval] {
            auto self = weak.lock();
            if (!self || !self->peer_) {
                return;
            }
            self->peer_->call_text("Heartbeat", "{}", [weak](ocpp::RawOutcome out) {
                if (auto s = weak.lock(); s && out.status == ocpp::CallStatus::Ok) {
                    ++s->heartbeats;
                }
            });
            self->heartbeat_every(interval);
        });
    }

    ocpp::net::EventLoop& loop_;
    const ocpp::validation::Registry& schemas_;
    const ocpp::Logger& log_;
    std::unique_ptr<ocpp::net::Client> client_;
    std::shared_ptr<ocpp::Peer> peer_;
    std::unique_ptr<ocpp::Timer> heartbeat_;
    Options options_;
    int interval_ = 0;
    mutable std::mutex mutex_;
    std::string error_;
};

} // namespace tester::test
