#pragma once
// TestRun: one charger under test. It is the central system the charger talks to for the duration of the test:
// it sees the handshake (or its refusal), answers the charger in tolerant mode, drives the checks of SPEC §2 in
// order and fills a Report. It lives on one event loop; a Server routes the charger's connection to it.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/peer/message_rate.hpp"
#include "ocpp/util/executor.hpp"
#include "ocpp/validation/registry.hpp"
#include "tester/report/report.hpp"

namespace tester {

struct TestConfig {
    std::string test_id;
    std::string chargebox_id;
    std::optional<std::string> password; // expected HTTP Basic password (security profiles 1 and 2)
    bool accept_any_password = false;    // capture whatever password the charger presents
    bool tls = false;                    // the server runs wss (profiles 2 and 3)
    bool client_certificates = false;    // the server requires client certificates (profile 3)
    std::chrono::seconds timeout{300};   // for the charger to connect and boot, from start(); later steps
                                         // have their own bounds (heartbeat interval + 10 % + 2 s, calls)
    std::chrono::seconds heartbeat_interval{30};
    std::chrono::seconds call_timeout{30}; // for each answer to a call of the tester
    ocpp::MessageRateLimit message_rate;   // what the charger may send; beyond it CALLs get a CALLERROR
    bool charging_test = false;
    std::chrono::seconds charging_time{10}; // how long the charging test keeps the transaction before stopping it
    std::vector<std::string> profiles;      // optional profile groups to run after the core checks ("firmware")
    std::size_t capture_budget = CaptureLog::kDefaultBudget; // bytes of capture kept in memory; more are counted
    CaptureLog::Admit admit_capture;         // asked before each kept capture line (the service's memory budget)
    std::size_t max_frames_per_window = 500; // frames from the charger within 10 s; more fail connection.frame_rate
    std::string url;                         // what the installer configures, e.g. ws://10.0.0.5:8180/ocpp/CB-1
    // The security group: the wss:// URL of a TLS listener beside the plain one (empty without one), the CA
    // certificate that signed the tester's TLS certificate (PEM, installed as CentralSystemRootCertificate) and the
    // file it came from, and the client CA's certificates (PEM) that profile 3 certificates are checked against.
    std::string tls_url;
    std::string root_certificate_pem, root_certificate_file;
    std::string client_ca_pem;
};

class TestRun : public std::enable_shared_from_this<TestRun> {
public:
    using ChangeHandler = std::function<void(const Check&)>;
    using FinishHandler = std::function<void(const Report&)>;

    static std::shared_ptr<TestRun> create(TestConfig config, ocpp::Executor& loop,
                                           const ocpp::validation::Registry& schemas, const ocpp::Logger& log);
    virtual ~TestRun() = default;

    // The server's hooks, routed to this run (on the run's loop).
    virtual ocpp::net::HandshakeDecision on_handshake(const ocpp::net::HandshakeInfo& info) = 0;
    virtual void on_rejected(const ocpp::net::RejectedHandshake& rejected) = 0;
    virtual void on_open(ocpp::net::SessionPtr session) = 0;
    // A plain HTTP request for the run's files or uploads (the firmware group); false when the path is not the run's.
    virtual bool on_http(const ocpp::net::HttpRequest& /*req*/, const ocpp::net::HttpResponder& /*respond*/) {
        return false;
    }

    // The body a plain HTTP request to `path` may carry (decided before it is read); 0 when the path takes none here.
    virtual std::size_t http_body_limit(std::string_view /*method*/, std::string_view /*path*/) const { return 0; }

    // Arms the overall timeout; checks start when the charger connects.
    virtual void start() = 0;
    // Ends the test now (e.g. Ctrl-C); checks not done become Skipped (or Fail when they were waiting).
    virtual void abort(const std::string& reason) = 0;

    virtual const Report& report() const = 0;
    virtual bool finished() const = 0;
    // The HTTP Basic password the charger used (accepted or captured); never log it. Empty without Basic auth.
    virtual const std::optional<std::string>& charger_password() const = 0;

    // Called on the run's loop whenever a check changes, and once when the run finishes.
    virtual void set_change_handler(ChangeHandler h) = 0;
    virtual void set_finish_handler(FinishHandler h) = 0;
};

} // namespace tester
