#pragma once
// ControlledCharger: a charger the test controls, for the REST commands against the real central system. It
// connects over WebSocket with HTTP Basic auth, boots, answers GetConfiguration with an empty list, and answers
// every other call of the central system as the test says: a CALLRESULT payload, a CALLERROR, silence (the call
// stays unanswered until answer_held() or the connection closes), or closing the connection. It runs on its own event
// loop thread.
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ocpp/net/client.hpp"
#include "ocpp/peer/peer.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/wait.hpp"

namespace cs::test {

class ControlledCharger {
public:
    enum class Answer { Result, CallError, Silent, Close };
    struct Rule {
        Answer answer = Answer::Result;
        std::string payload = "{}"; // Result: the CALLRESULT payload; CallError: the error code
        std::string description;    // CallError: the error description
    };

    ControlledCharger(std::uint16_t port, std::string id, std::string password)
        : id_(std::move(id))
        , password_(std::move(password))
        , port_(port)
        , schemas_(ocpp::validation::Registry::v16().value()) {}
    ~ControlledCharger() {
        try {
            close();
        } catch (const std::exception&) { // the loop did not run the close in time: stop it all the same
        }
        loop_.stop();
    }
    ControlledCharger(const ControlledCharger&) = delete;
    ControlledCharger& operator=(const ControlledCharger&) = delete;

    // Connects and boots; false (with error()) when the boot was not accepted within the timeout.
    bool start(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        auto booted = std::make_shared<std::promise<std::string>>();
        loop_.call([this, booted] { connect(booted); });
        auto f = booted->get_future();
        if (f.wait_for(timeout) != std::future_status::ready) {
            error_ = "no boot answer in time";
            return false;
        }
        error_ = f.get();
        return error_.empty();
    }
    // How the charger answers `action` from now on (an action without a rule gets CALLERROR NotImplemented).
    void answer(const std::string& action, Rule rule) {
        std::lock_guard<std::mutex> lock(mutex_);
        rules_[action] = std::move(rule);
    }
    // How many calls of this action arrived.
    int calls(const std::string& action) const {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = calls_.find(action);
        return it == calls_.end() ? 0 : it->second;
    }
    // Answers the calls it kept silent on now, late, with this payload; the charger then takes the next call (its
    // peer, like a real charger, handles one call at a time).
    void answer_held(const std::string& payload) {
        loop_.call([this, payload] {
            std::vector<ocpp::RawReply> held;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                held.swap(silent_);
            }
            for (auto& reply : held) {
                rapidjson::Document d;
                d.Parse(payload.c_str());
                reply.ok(d);
            }
        });
    }
    // Closes the connection (the central system then sees the charger go); unanswered calls stay unanswered.
    void close() {
        loop_.call([this] {
            if (peer_) {
                peer_->close(1000, "test over");
            }
            peer_.reset();
            client_.reset();
            std::lock_guard<std::mutex> lock(mutex_);
            silent_.clear();
        });
    }
    // The payload of the last call of this action that arrived, as JSON text ("" when none did).
    std::string last_payload(const std::string& action) const {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = payloads_.find(action);
        return it == payloads_.end() ? "" : it->second;
    }
    const std::string& error() const { return error_; }

    // The central system's answer to a call this charger sent.
    struct Answered {
        bool result = false;    // a CALLRESULT (else a CALLERROR, or no answer: error_code says which)
        std::string payload;    // the CALLRESULT payload as JSON text
        std::string error_code; // the CALLERROR code; "timeout" or "not connected" when there was none
    };
    // Sends a call as this charger, its payload exactly as written (not validated here, so that tests can send what
    // a broken charger sends), and waits (bounded) for the answer.
    Answered send(const std::string& action, const std::string& payload,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
        auto answered = std::make_shared<std::promise<Answered>>();
        loop_.call([this, action, payload, answered] {
            if (!peer_) {
                answered->set_value(Answered{false, "", "not connected"});
                return;
            }
            peer_->call_text(
                action, payload,
                [answered](ocpp::RawOutcome out) {
                    Answered a;
                    a.result = out.status == ocpp::CallStatus::Ok && out.payload;
                    if (a.result) {
                        rapidjson::StringBuffer buf;
                        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
                        out.payload->Accept(w);
                        a.payload = buf.GetString();
                    } else {
                        a.error_code = out.error_code.empty() ? "no answer" : out.error_code;
                    }
                    answered->set_value(std::move(a));
                },
                {}, false);
        });
        auto f = answered->get_future();
        if (f.wait_for(timeout) != std::future_status::ready) {
            return Answered{false, "", "timeout"};
        }
        return f.get();
    }

private:
    void connect(std::shared_ptr<std::promise<std::string>> booted) {
        client_ = ocpp::net::Client::create(loop_.loop(), {}, log_);
        ocpp::net::ConnectOptions co;
        co.url = "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp/" + id_;
        co.basic_user = id_;
        co.basic_password = password_;
        co.open_handshake_timeout = std::chrono::seconds(5);
        client_->connect(co, [this, booted](ocpp::net::SessionPtr session, std::optional<ocpp::net::ConnectError> e) {
            if (e) {
                booted->set_value("connection refused: " + e->message);
                return;
            }
            ocpp::PeerConfig pc;
            pc.validate_outgoing = false; // the test's payloads go out as written
            peer_ = ocpp::Peer::create(std::move(session), schemas_, pc, log_);
            auto handle = [this](const char* action) {
                peer_->on_raw(action, [this, action](const rapidjson::Value& payload, ocpp::RawReply reply) {
                    remember(action, payload);
                    on_call(action, std::move(reply));
                });
            };
            for (const char* action : kActions) {
                handle(action);
            }
            for (const char* action : kSecurityActions) {
                handle(action);
            }
            peer_->call_text("BootNotification", R"({"chargePointVendor":"ocppkit","chargePointModel":"Controlled"})",
                             [booted](ocpp::RawOutcome out) {
                                 const bool ok = out.status == ocpp::CallStatus::Ok &&
                                                 std::string((*out.payload)["status"].GetString()) == "Accepted";
                                 booted->set_value(ok ? "" : "boot not accepted: " + out.error_description);
                             });
        });
    }
    void remember(const std::string& action, const rapidjson::Value& payload) {
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        payload.Accept(w);
        std::lock_guard<std::mutex> lock(mutex_);
        payloads_[action] = buf.GetString();
    }
    void on_call(const std::string& action, ocpp::RawReply reply) {
        Rule rule;
        bool ruled = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++calls_[action];
            if (const auto it = rules_.find(action); it != rules_.end()) {
                rule = it->second;
                ruled = true;
            }
        }
        if (!ruled && action == "GetConfiguration") {
            rule.payload = R"({"configurationKey":[]})";
        } else if (!ruled) {
            rule = Rule{Answer::CallError, "NotImplemented", action + " is not implemented here"};
        }
        switch (rule.answer) {
        case Answer::Result: {
            rapidjson::Document d;
            d.Parse(rule.payload.c_str());
            reply.ok(d);
            break;
        }
        case Answer::CallError:
            reply.error(ocpp::rpc::parse_error_code(rule.payload).value_or(ocpp::rpc::ErrorCode::GenericError),
                        rule.description);
            break;
        case Answer::Silent: {
            std::lock_guard<std::mutex> lock(mutex_);
            silent_.push_back(std::move(reply)); // kept, so that no automatic CALLERROR goes out
            break;
        }
        case Answer::Close:
            peer_->close(1000, "closing instead of answering");
            break;
        }
    }

    // Every action a central system sends (Core and the other feature profiles).
    static constexpr const char* kActions[] = {"CancelReservation",
                                               "ChangeAvailability",
                                               "ChangeConfiguration",
                                               "ClearCache",
                                               "ClearChargingProfile",
                                               "DataTransfer",
                                               "GetCompositeSchedule",
                                               "GetConfiguration",
                                               "GetDiagnostics",
                                               "GetLocalListVersion",
                                               "RemoteStartTransaction",
                                               "RemoteStopTransaction",
                                               "ReserveNow",
                                               "Reset",
                                               "SendLocalList",
                                               "SetChargingProfile",
                                               "TriggerMessage",
                                               "UnlockConnector",
                                               "UpdateFirmware"};
    // And the security whitepaper's.
    static constexpr const char* kSecurityActions[] = {"CertificateSigned", "DeleteCertificate",
                                                       "ExtendedTriggerMessage", "GetInstalledCertificateIds",
                                                       "InstallCertificate"};

    std::string id_, password_;
    std::uint16_t port_;
    ocpp::validation::Registry schemas_;
    ocpp::Logger log_{ocpp::LogLevel::Warn};
    std::string error_;
    mutable std::mutex mutex_; // rules_, calls_ and silent_: the test's thread and the loop's
    std::map<std::string, Rule> rules_;
    std::map<std::string, int> calls_;
    std::map<std::string, std::string> payloads_;
    std::vector<ocpp::RawReply> silent_;
    std::unique_ptr<ocpp::net::Client> client_;
    std::shared_ptr<ocpp::Peer> peer_;
    ocppkit::test::LoopThread loop_; // last: stopped (in the destructor) while everything it touches exists
};

// Sends every request at once, each from its own thread; the replies in the same order.
inline std::vector<ocppkit::test::HttpReply>
all_at_once(const std::vector<std::function<ocppkit::test::HttpReply()>>& calls) {
    std::vector<std::future<ocppkit::test::HttpReply>> pending;
    for (const auto& call : calls) {
        pending.push_back(std::async(std::launch::async, call));
    }
    std::vector<ocppkit::test::HttpReply> replies;
    for (auto& p : pending) {
        replies.push_back(p.get());
    }
    return replies;
}

} // namespace cs::test
