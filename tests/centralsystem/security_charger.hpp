#pragma once
// SecurityCharger: a scripted charger for the central system's security jobs. It connects with HTTP Basic auth over
// ws:// (profile 1) or wss:// (profile 2, and 3 with a client certificate), boots, and answers the whitepaper's
// calls as a charger that follows them: a new AuthorizationKey is taken (then it reconnects with it), rejected, or
// taken while the connection drops before the answer (an interrupted rotation); SecurityProfile=N makes it
// reconnect over TLS; InstallCertificate and ExtendedTriggerMessage are accepted and recorded. It runs on its own
// event loop thread; the test reads its state under a lock.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "ocpp/net/client.hpp"
#include "ocpp/peer/peer.hpp"
#include "tests/support/loop_thread.hpp"

namespace cs::test {

class SecurityCharger {
public:
    // KeepConnection: takes the key and answers Accepted but stays connected; it comes with the key at its next
    // connection (after the central system closed this one, say). LoseKey: answers Accepted, stays connected and
    // keeps coming with its old password (a charger that failed to keep the key).
    enum class OnKey { Reconnect, Reject, DropBeforeAnswer, KeepConnection, LoseKey };
    struct Setup {
        std::string id, password;
        std::uint16_t port = 0, tls_port = 0;
        std::string ca_file;             // trusted for wss://
        std::string cert_file, key_file; // its client certificate (profile 3)
        int profile = 1;
    };

    explicit SecurityCharger(Setup setup)
        : setup_(std::move(setup))
        , schemas_(ocpp::validation::Registry::v16().value()) {}
    ~SecurityCharger() {
        loop_.stop([this] {
            stopped_ = true;
            if (peer_) {
                peer_->set_close_handler({});
                peer_->close(1000, "test over");
            }
            peer_.reset();
            client_.reset();
        });
    }
    SecurityCharger(const SecurityCharger&) = delete;
    SecurityCharger& operator=(const SecurityCharger&) = delete;

    // Connects (and keeps reconnecting after a close it asked for).
    void start() {
        loop_.call([this] { connect(); });
    }
    void on_key(OnKey k) {
        std::lock_guard<std::mutex> lock(mutex_);
        on_key_ = k;
    }
    // Its next connection goes to this port (a charger that reconnects to another node of a cluster).
    void move_to(std::uint16_t port) {
        std::lock_guard<std::mutex> lock(mutex_);
        setup_.port = port;
    }
    // Closes and stays away.
    void go_offline() {
        loop_.call([this] {
            stopped_ = true;
            if (peer_) {
                peer_->close(1000, "going away");
            }
        });
    }
    bool booted() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return booted_;
    }
    int boots() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return boots_;
    }
    std::string password() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return setup_.password;
    }
    int profile() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return setup_.profile;
    }
    std::string last_error() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return error_;
    }
    int calls(const std::string& action) const {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = calls_.find(action);
        return it == calls_.end() ? 0 : it->second;
    }
    // The last value of a configuration key set by the central system ("" when none).
    std::string set_value(const std::string& key) const {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = values_.find(key);
        return it == values_.end() ? "" : it->second;
    }
    std::string installed_root() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return root_;
    }
    // Where GetLog asked it to upload its log ("" before).
    std::string log_location() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return log_location_;
    }
    std::string trigger() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return trigger_;
    }

private:
    void connect() {
        if (stopped_) {
            return;
        }
        Setup s;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            s = setup_;
            booted_ = false;
        }
        ocpp::net::ClientConfig cc;
        ocpp::net::ConnectOptions co;
        if (s.profile >= 2) {
            ocpp::net::ClientTlsConfig tls;
            tls.ca_file = s.ca_file;
            if (s.profile >= 3) {
                tls.cert_file = s.cert_file;
                tls.key_file = s.key_file;
            }
            cc.tls = tls;
            co.url = "wss://127.0.0.1:" + std::to_string(s.tls_port) + "/ocpp/" + s.id;
        } else {
            co.url = "ws://127.0.0.1:" + std::to_string(s.port) + "/ocpp/" + s.id;
        }
        if (s.profile <= 2) {
            co.basic_user = s.id;
            co.basic_password = s.password;
        }
        co.open_handshake_timeout = std::chrono::seconds(5);
        client_ = ocpp::net::Client::create(loop_.loop(), cc, log_);
        client_->connect(co, [this](ocpp::net::SessionPtr session, std::optional<ocpp::net::ConnectError> e) {
            if (e) {
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    error_ = std::to_string(e->http_status) + " " + e->message;
                }
                return reconnect_later(std::chrono::seconds(1));
            }
            ocpp::PeerConfig pc;
            peer_ = ocpp::Peer::create(std::move(session), schemas_, pc, log_);
            peer_->set_close_handler([this](const ocpp::net::CloseInfo&) {
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    booted_ = false;
                }
                reconnect_later();
            });
            for (const char* action : {"ChangeConfiguration", "InstallCertificate", "ExtendedTriggerMessage",
                                       "GetConfiguration", "GetLog"}) {
                peer_->on_raw(action, [this, action](const rapidjson::Value& req, ocpp::RawReply reply) {
                    on_call(action, req, std::move(reply));
                });
            }
            peer_->call_text("BootNotification", R"({"chargePointVendor":"ocppkit","chargePointModel":"Secure"})",
                             [this](ocpp::RawOutcome out) {
                                 std::lock_guard<std::mutex> lock(mutex_);
                                 booted_ = out.status == ocpp::CallStatus::Ok;
                                 boots_ += booted_ ? 1 : 0;
                             });
        });
    }
    // A real charger reconnects after a moment; so does this one, unless it was told to stay away.
    void reconnect_later(std::chrono::milliseconds after = std::chrono::milliseconds(300)) {
        if (stopped_) {
            return;
        }
        if (!timer_) {
            timer_ = loop_.loop().make_timer();
        }
        timer_->start(after, [this] {
            peer_.reset();
            connect();
        });
    }
    static void answer(ocpp::RawReply& reply, const char* status) {
        rapidjson::Document d;
        d.SetObject();
        d.AddMember("status", rapidjson::StringRef(status), d.GetAllocator());
        reply.ok(d);
    }
    void on_call(const std::string& action, const rapidjson::Value& req, ocpp::RawReply reply) {
        std::unique_lock<std::mutex> lock(mutex_);
        ++calls_[action];
        if (action == "GetConfiguration") {
            lock.unlock();
            rapidjson::Document d;
            d.Parse(R"({"configurationKey":[]})");
            return reply.ok(d);
        }
        if (action == "InstallCertificate") {
            root_ = req["certificate"].GetString();
            lock.unlock();
            return answer(reply, "Accepted");
        }
        if (action == "GetLog") {
            log_location_ = req["log"]["remoteLocation"].GetString();
            lock.unlock();
            rapidjson::Document d;
            d.Parse(R"({"status":"Accepted","filename":"diagnostics.log"})");
            return reply.ok(d);
        }
        if (action == "ExtendedTriggerMessage") {
            trigger_ = req["requestedMessage"].GetString();
            lock.unlock();
            return answer(reply, "Accepted");
        }
        const std::string key = req["key"].GetString();
        const std::string value = req.HasMember("value") ? req["value"].GetString() : "";
        values_[key] = value;
        if (key == "AuthorizationKey") {
            if (on_key_ == OnKey::Reject || on_key_ == OnKey::LoseKey) {
                const bool lost = on_key_ == OnKey::LoseKey;
                lock.unlock();
                return answer(reply, lost ? "Accepted" : "Rejected");
            }
            setup_.password = value; // the whitepaper's reading: the hex text is the password
            const bool drop = on_key_ == OnKey::DropBeforeAnswer;
            const bool keep = on_key_ == OnKey::KeepConnection;
            lock.unlock();
            if (!drop) {
                answer(reply, "Accepted");
            }
            if (keep) {
                return;
            }
            return peer_->close(1000, drop ? "dropped before answering" : "reconnecting with the new key");
        }
        if (key == "SecurityProfile") {
            setup_.profile = std::stoi(value);
            lock.unlock();
            answer(reply, "Accepted");
            return peer_->close(1000, "reconnecting with the new security profile");
        }
        lock.unlock();
        answer(reply, "Accepted");
    }

    Setup setup_;
    ocpp::validation::Registry schemas_;
    ocpp::Logger log_{ocpp::LogLevel::Off};
    mutable std::mutex mutex_; // the state the test reads
    bool booted_ = false;
    int boots_ = 0;
    OnKey on_key_ = OnKey::Reconnect;
    std::map<std::string, int> calls_;
    std::map<std::string, std::string> values_;
    std::string root_, trigger_, error_, log_location_;
    bool stopped_ = false; // loop thread only
    std::unique_ptr<ocpp::net::Client> client_;
    std::shared_ptr<ocpp::Peer> peer_;
    std::unique_ptr<ocpp::Timer> timer_;
    ocppkit::test::LoopThread loop_; // last: stopped (in the destructor) while everything it touches exists
};

} // namespace cs::test
