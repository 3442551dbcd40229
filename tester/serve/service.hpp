#pragma once
// TestService: the tests of `ocpp-tester serve`, many at once on one event loop. It creates a TestRun per request,
// routes each charger's WebSocket handshake to the run waiting for its Chargebox ID, issues the claiming code through
// the StoreWorker when a run passes, and keeps finished reports for a while so they can still be fetched.
// Everything runs on the loop's thread; only the store worker's answers arrive from elsewhere, posted to the loop.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/util/executor.hpp"
#include "ocpp/validation/registry.hpp"
#include "store/worker.hpp"
#include "tester/checks/test_run.hpp"
#include "tester/report/report.hpp"

namespace tester {

struct ServiceConfig {
    std::string public_url;           // "ws://host:port" the chargers reach; empty = from the request's Host
    bool tls = false;                 // the server runs wss
    bool client_certificates = false; // and requires client certificates (security profile 3)
    // The security group: the port of a TLS listener beside the plain one (0: none), the root certificate to
    // install (PEM) and its file, and the client CA's certificates (PEM).
    std::uint16_t tls_port = 0;
    std::string root_certificate_pem, root_certificate_file, client_ca_pem;
    std::chrono::seconds heartbeat_interval{30};
    ocpp::MessageRateLimit message_rate;      // per charger connection
    std::chrono::seconds timeout{300};        // for the charger to connect and boot, from the test's creation
    std::size_t max_tests = 1000;             // tests in progress at once; more are refused (503)
    std::chrono::seconds keep_finished{3600}; // finished tests stay fetchable this long...
    std::size_t max_finished = 2000;          // ...and at most this many (the oldest go first)
    std::chrono::hours claim_valid_for{24 * 7};
    std::chrono::seconds charging_time{10}; // how long the charging test keeps its transaction
    std::vector<std::string> profiles;      // optional profile groups for tests that do not choose their own
    // What one charger or one stranger can cost:
    std::size_t capture_budget = CaptureLog::kDefaultBudget; // capture bytes kept per test
    std::size_t max_kept_bytes = 256u << 20;                 // all tests together; the oldest finished tests go first
    std::size_t max_frames_per_window = 500; // frames from one charger within 10 s; more fail and disconnect
    std::size_t max_tests_per_address = 20;  // tests in progress started from one address
    std::size_t max_starts_per_minute = 60;  // tests started from one address within a minute
};

// What one kept test costs besides its capture (report, checks, connection), for the memory budget.
inline constexpr std::size_t kTestOverhead = 64 * 1024;

// What the installer asks for (POST /api/v1/tests).
struct TestRequest {
    std::string chargebox_id;
    bool charging_test = false;
    bool accept_any_password = false;
    std::string host;                    // the request's Host header, for the URL when no public URL is configured
    std::optional<std::string> password; // to keep the charger's password when testing it again; else generated
    std::string source = {};             // the address the request came from, for the per-address limits
    std::optional<std::vector<std::string>> profiles = {}; // optional profile groups; none given: the default
};

enum class TestState { Waiting, Running, Passed, Failed, Aborted };
const char* to_string(TestState state);

enum class ClaimStatus { None, Issuing, Issued, Failed };
const char* to_string(ClaimStatus status);

// One test as the API shows it.
struct TestEntry {
    std::string id;           // the key to the test's reports and claiming code: never logged
    std::uint64_t serial = 0; // "test #12": how the log names a test
    std::string chargebox_id;
    std::string url;
    std::string source;            // the address that started it
    std::size_t capture_bytes = 0; // admitted into the memory budget
    bool charging_test = false;
    bool accept_any_password = false;
    std::vector<std::string> profiles; // the optional profile groups it runs
    ocpp::DateTime created, expires;
    TestState state = TestState::Waiting;
    bool reached = false;      // a connection attempt named this test's Chargebox ID in its path
    bool aborted = false;      // ended by DELETE or shutdown: never gets a claiming code
    std::uint64_t version = 1; // grows with every visible change, so a page can poll cheaply
    ClaimStatus claim = ClaimStatus::None;
    std::string claim_error;
    std::shared_ptr<TestRun> run;       // until evicted (its connection may close after the test ended)
    std::optional<Report> final;        // once finished, with the claiming code once issued
    std::unique_ptr<ocpp::Timer> guard; // aborts a run that outlives its timeout by far
    std::chrono::steady_clock::time_point finished_at{};

    bool finished() const { return final.has_value(); }
    // The final report (with the claiming code once issued), or the live one.
    const Report& report() const { return final ? *final : run->report(); }
};

// How the log names a test ("test #12 for 'CB-1'"): never by its id, which is the key to its report and code.
std::string log_name(const TestEntry& entry);

// Why a test could not be created, with the HTTP status and the request field at fault.
struct CreateError {
    int status = 400;
    std::string error;
    std::string field;
};

// The answer to a created test: the entry and the password to show once.
struct Created {
    const TestEntry* entry = nullptr;
    std::string password;
};

class TestService : public std::enable_shared_from_this<TestService> {
public:
    // A factory so tests can run the service with a fake engine.
    using RunFactory = std::function<std::shared_ptr<TestRun>(TestConfig, ocpp::Executor&,
                                                              const ocpp::validation::Registry&, const ocpp::Logger&)>;

    // `store` may be null: passed tests then get no claiming code (the report says why).
    static std::shared_ptr<TestService> create(ServiceConfig config, ocpp::Executor& loop,
                                               const ocpp::validation::Registry& schemas, const ocpp::Logger& log,
                                               store::StoreWorker* store, RunFactory factory = {});

    // The server's hooks; wire them with attach() or call them from your own.
    ocpp::net::HandshakeDecision on_handshake(const ocpp::net::HandshakeInfo& info);
    void on_rejected(const ocpp::net::RejectedHandshake& rejected);
    void on_open(ocpp::net::SessionPtr session);
    // Routes the server's WebSocket hooks here (the HTTP handler is the API's).
    void attach(ocpp::net::Server& server);
    // The port of the TLS listener beside the plain one, once it listens (tests created later get its URL).
    void set_tls_port(std::uint16_t port) { config_.tls_port = port; }
    // Answers a request for a running test's files or upload endpoints (the firmware group); false when none
    // of them owns the path.
    bool serve_file(const ocpp::net::HttpRequest& req, const ocpp::net::HttpResponder& respond);
    // The body a request to `path` may carry: a running test's upload endpoint takes a diagnostics file; 0 otherwise.
    std::size_t http_body_limit(std::string_view method, std::string_view path) const;

    // Starts a test, or says why not (400/409/422/503).
    std::variant<Created, CreateError> create_test(const TestRequest& request);
    const TestEntry* find(const std::string& id) const;
    // Aborts a test in progress; false when unknown. Finished tests stay as they are.
    bool abort(const std::string& id, const std::string& reason);
    // Every test kept, newest first.
    std::vector<const TestEntry*> list() const;
    std::size_t active() const { return by_chargebox_.size(); }
    std::size_t kept() const { return tests_.size(); }
    // Bytes the kept tests hold (captures and kTestOverhead each), within config().max_kept_bytes.
    std::size_t memory_in_use() const { return used_bytes_; }
    const ServiceConfig& config() const { return config_; }

    // Aborts every test in progress (shutdown); reports stay.
    void abort_all(const std::string& reason);
    // Drops finished tests past keep_finished or beyond max_finished. Called by a timer; public for tests.
    void evict(std::chrono::steady_clock::time_point now);

private:
    TestService(ServiceConfig config, ocpp::Executor& loop, const ocpp::validation::Registry& schemas,
                const ocpp::Logger& log, store::StoreWorker* store, RunFactory factory);
    TestEntry* entry(const std::string& id);
    TestEntry* route(const ocpp::net::HandshakeInfo& info);
    void on_finished(const std::string& id, const Report& report);
    void issue_claim(TestEntry& entry, std::optional<std::string> password);
    void arm_eviction();
    // Drops one test (its memory leaves the budget).
    void erase(std::map<std::string, std::unique_ptr<TestEntry>>::iterator it);
    // Evicts the oldest finished tests until `bytes` more fit the budget; false when they still do not.
    bool make_room(std::size_t bytes);
    // The capture of test `id` asks for `bytes` more.
    bool admit(const std::string& id, std::size_t bytes);
    std::optional<CreateError> source_limits(const std::string& source);
    std::string url_for(const std::string& chargebox_id, const std::string& host) const;

    ServiceConfig config_;
    ocpp::Executor& loop_;
    const ocpp::validation::Registry& schemas_;
    const ocpp::Logger& log_;
    store::StoreWorker* store_;
    RunFactory factory_;
    std::map<std::string, std::unique_ptr<TestEntry>> tests_;   // by test id
    std::unordered_map<std::string, std::string> by_chargebox_; // Chargebox ID -> id, tests in progress
    std::unique_ptr<ocpp::Timer> eviction_;
    std::uint64_t next_serial_ = 1;
    std::size_t used_bytes_ = 0;
    struct Starts {
        std::chrono::steady_clock::time_point window;
        std::size_t count = 0;
    };
    std::unordered_map<std::string, Starts> starts_; // per source address, this minute
};

// Why `id` cannot be a test's Chargebox ID (the one rule of ocpp/text/chargebox_id.hpp), or "" when it can.
std::string chargebox_id_problem(std::string_view id);

// A password given for a test: 16-40 printable ASCII characters without spaces. Returns why not, or "" when valid.
inline constexpr std::size_t kMinPassword = 16, kMaxPassword = 40;
std::string password_problem(std::string_view password);

} // namespace tester
