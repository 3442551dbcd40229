#include "tester/serve/service.hpp"

#include <algorithm>

#include "ocpp/text/chargebox_id.hpp"
#include "ocpp/util/enum_names.hpp"
#include "store/password.hpp"
#include "tester/checks/profiles/group.hpp"

namespace tester {

namespace {

constexpr std::size_t kTestIdLength = 22; // ~126 random bits: the id is the only key to a test's report and code
constexpr auto kGuardGrace = std::chrono::seconds(60);

std::string path_escape(std::string_view segment) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : segment) {
        if (ocpp::chargebox_id_char(c) && c != '|') {
            out += c;
        } else {
            const auto b = static_cast<unsigned char>(c);
            out += '%';
            out += kHex[b >> 4];
            out += kHex[b & 15];
        }
    }
    return out;
}

std::vector<std::string> path_segments(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto seg = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (!seg.empty()) {
            if (auto decoded = ocpp::net::percent_decode(seg)) {
                out.push_back(std::move(*decoded));
            }
        }
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return out;
}

} // namespace

std::string log_name(const TestEntry& entry) {
    return "test #" + std::to_string(entry.serial) + " for '" + entry.chargebox_id + "'";
}

namespace {
// The state names of the service's JSON and logs.
constexpr ocpp::EnumName<TestState> kTestStateNames[] = {
    {TestState::Waiting, "waiting"}, {TestState::Running, "running"}, {TestState::Passed, "passed"},
    {TestState::Failed, "failed"},   {TestState::Aborted, "aborted"},
};
// The claim names of the service's JSON and logs.
constexpr ocpp::EnumName<ClaimStatus> kClaimStatusNames[] = {
    {ClaimStatus::None, "none"},
    {ClaimStatus::Issuing, "issuing"},
    {ClaimStatus::Issued, "issued"},
    {ClaimStatus::Failed, "failed"},
};
} // namespace

const char* to_string(TestState state) {
    return ocpp::name_of(kTestStateNames, state, "unknown");
}

const char* to_string(ClaimStatus status) {
    return ocpp::name_of(kClaimStatusNames, status, "unknown");
}

std::string chargebox_id_problem(std::string_view id) {
    const auto problem = ocpp::check_chargebox_id(id);
    return problem ? problem->message : std::string();
}

std::string password_problem(std::string_view password) {
    if (password.size() < kMinPassword || password.size() > kMaxPassword) {
        return "is " + std::to_string(password.size()) + " characters long; use " + std::to_string(kMinPassword) +
               " to " + std::to_string(kMaxPassword) + " (OCPP 1.6 security profiles 1 and 2)";
    }
    for (char c : password) {
        const auto b = static_cast<unsigned char>(c);
        if (b <= 0x20 || b >= 0x7F) {
            return "contains a space, a control or a non-ASCII character; use printable ASCII only";
        }
    }
    return {};
}

std::shared_ptr<TestService> TestService::create(ServiceConfig config, ocpp::Executor& loop,
                                                 const ocpp::validation::Registry& schemas, const ocpp::Logger& log,
                                                 store::StoreWorker* store, RunFactory factory) {
    if (!factory) {
        factory = [](TestConfig c, ocpp::Executor& l, const ocpp::validation::Registry& s, const ocpp::Logger& lg) {
            return TestRun::create(std::move(c), l, s, lg);
        };
    }
    return std::shared_ptr<TestService>(
        new TestService(std::move(config), loop, schemas, log, store, std::move(factory)));
}

TestService::TestService(ServiceConfig config, ocpp::Executor& loop, const ocpp::validation::Registry& schemas,
                         const ocpp::Logger& log, store::StoreWorker* store, RunFactory factory)
    : config_(std::move(config))
    , loop_(loop)
    , schemas_(schemas)
    , log_(log)
    , store_(store)
    , factory_(std::move(factory)) {}

void TestService::attach(ocpp::net::Server& server) {
    std::weak_ptr<TestService> weak = weak_from_this();
    server.set_handshake_hook([weak](const ocpp::net::HandshakeInfo& info) {
        auto self = weak.lock();
        return self ? self->on_handshake(info) : ocpp::net::HandshakeDecision::refuse(503, "shutting down");
    });
    server.set_reject_handler([weak](const ocpp::net::RejectedHandshake& rejected) {
        if (auto self = weak.lock()) {
            self->on_rejected(rejected);
        }
    });
    server.set_open_handler([weak](ocpp::net::SessionPtr session) {
        if (auto self = weak.lock()) {
            self->on_open(std::move(session));
        } else {
            session->close(1001, "shutting down");
        }
    });
}

bool TestService::serve_file(const ocpp::net::HttpRequest& req, const ocpp::net::HttpResponder& respond) {
    for (auto& [id, entry] : tests_) {
        if (entry->run && !entry->finished() && entry->run->on_http(req, respond)) {
            return true;
        }
    }
    return false;
}

std::size_t TestService::http_body_limit(std::string_view method, std::string_view path) const {
    for (const auto& [id, entry] : tests_) {
        if (entry->run && !entry->finished()) {
            if (const std::size_t limit = entry->run->http_body_limit(method, path); limit != 0) {
                return limit;
            }
        }
    }
    return 0;
}

TestEntry* TestService::route(const ocpp::net::HandshakeInfo& info) {
    auto found = by_chargebox_.find(info.chargebox_id);
    if (found == by_chargebox_.end()) {
        // A wrong path ("/ocpp/CB-1/CB-1", "/CB-1/ocpp") still names the ID somewhere: let that test diagnose it.
        for (const auto& segment : path_segments(info.path)) {
            if ((found = by_chargebox_.find(segment)) != by_chargebox_.end()) {
                break;
            }
        }
    }
    if (found == by_chargebox_.end()) {
        return nullptr;
    }
    TestEntry& entry = *tests_.at(found->second);
    entry.reached = true;
    if (entry.state == TestState::Waiting) {
        entry.state = TestState::Running;
        ++entry.version;
    }
    return &entry;
}

ocpp::net::HandshakeDecision TestService::on_handshake(const ocpp::net::HandshakeInfo& info) {
    if (TestEntry* entry = route(info)) {
        return entry->run->on_handshake(info);
    }
    const std::string& id = info.chargebox_id;
    if (auto problem = ocpp::check_chargebox_id(id); problem && !id.empty()) {
        // No test can wait for such an ID (a test start refuses it): say what is wrong with it.
        return ocpp::net::HandshakeDecision::refuse(400, "the Chargebox ID in the URL path is not valid: " +
                                                             problem->message);
    }
    for (const auto& [_, e] : tests_) {
        if (e->chargebox_id == id) {
            return ocpp::net::HandshakeDecision::refuse(404, "the test for Chargebox ID '" + id +
                                                                 "' has finished; start a new test to connect again");
        }
    }
    return ocpp::net::HandshakeDecision::refuse(
        404, "no test is waiting for Chargebox ID '" + id + "' (path " + info.path +
                 "): start a test for this ID first, and check that the URL configured in the charger ends with it");
}

void TestService::on_rejected(const ocpp::net::RejectedHandshake& rejected) {
    if (TestEntry* entry = route(rejected.info)) {
        entry->run->on_rejected(rejected);
        return;
    }
    // A TLS handshake that failed on something the peer sent (a ws:// charger's plain HTTP request, an alert from a
    // charger that does not trust the certificate) before it named a Chargebox ID goes to the one test no connection
    // has reached yet. A peer that closed without a word (a port probe, a health check) is nobody's charger.
    using Kind = ocpp::net::RejectedHandshake::Kind;
    const std::string& why = rejected.reason;
    TestEntry* only = nullptr;
    std::size_t unreached = 0;
    bool from_a_charger = false;
    switch (rejected.kind) {
    case Kind::TlsHandshake:
    case Kind::PlainHttpOnTls:
        from_a_charger = rejected.info.path.empty();
        break;
    case Kind::TlsAbandoned:
    case Kind::Refused:
    case Kind::NoUpgrade:
    case Kind::Undecided:
    case Kind::BadRequest:
    case Kind::Other:
        break;
    }
    if (from_a_charger) {
        for (const auto& [_, id] : by_chargebox_) {
            TestEntry& e = *tests_.at(id);
            unreached += !e.reached && !e.finished() ? 1 : 0;
            only = !e.reached && !e.finished() ? &e : only;
        }
    }
    if (unreached != 1) {
        log_.debug("tester.serve", "refused connection from " + rejected.info.remote_address + " to \"" +
                                       rejected.info.path + "\" belongs to no test: " + why);
        return;
    }
    if (only->state == TestState::Waiting) {
        only->state = TestState::Running;
        ++only->version;
    }
    only->run->on_rejected(rejected);
}

void TestService::on_open(ocpp::net::SessionPtr session) {
    if (TestEntry* entry = route(session->info())) {
        entry->run->on_open(std::move(session));
    } else {
        session->close(1008, "no test in progress for this Chargebox ID");
    }
}

std::variant<Created, CreateError> TestService::create_test(const TestRequest& request) {
    if (auto problem = chargebox_id_problem(request.chargebox_id); !problem.empty()) {
        return CreateError{422, "chargeBoxId: " + problem, "chargeBoxId"};
    }
    if (by_chargebox_.count(request.chargebox_id) != 0) {
        // The running test's id stays out of the answer: it is the key to that test's report and code.
        return CreateError{409,
                           "a test for Chargebox ID '" + request.chargebox_id +
                               "' is already in progress; wait for it to finish or DELETE it",
                           "chargeBoxId"};
    }
    evict(loop_.clock().now()); // a burst of new tests makes room before the timer would
    if (by_chargebox_.size() >= config_.max_tests) {
        return CreateError{
            503, "too many tests in progress (" + std::to_string(config_.max_tests) + "); try again later", ""};
    }
    if (auto limited = source_limits(request.source)) {
        return std::move(*limited);
    }
    if (!make_room(kTestOverhead)) {
        return CreateError{503,
                           "the tester's memory for tests (" + std::to_string(config_.max_kept_bytes >> 20) +
                               " MiB) is held by tests in progress; try again later",
                           ""};
    }
    std::string id;
    do {
        id = store::generate_password(kTestIdLength);
    } while (tests_.count(id) != 0);

    auto entry = std::make_unique<TestEntry>();
    entry->id = id;
    entry->serial = next_serial_++;
    entry->chargebox_id = request.chargebox_id;
    entry->url = url_for(request.chargebox_id, request.host);
    entry->source = request.source;
    entry->charging_test = request.charging_test;
    entry->accept_any_password = request.accept_any_password;
    entry->profiles = request.profiles.value_or(config_.profiles);
    entry->created = ocpp::DateTime{loop_.clock().wall_now()};
    entry->expires = entry->created + config_.timeout;

    Created created;
    created.password = request.password ? *request.password : store::generate_password();
    TestConfig tc;
    tc.test_id = id;
    tc.chargebox_id = request.chargebox_id;
    tc.password = created.password;
    tc.accept_any_password = request.accept_any_password;
    tc.tls = config_.tls;
    tc.client_certificates = config_.client_certificates;
    tc.timeout = config_.timeout;
    tc.heartbeat_interval = config_.heartbeat_interval;
    tc.message_rate = config_.message_rate;
    tc.charging_test = request.charging_test;
    tc.url = entry->url;
    if (config_.tls_port != 0) {
        // The same host as the plain URL, on the TLS listener's port.
        const auto host_start = tc.url.find("://") + 3;
        const auto path_start = tc.url.find('/', host_start);
        std::string host = tc.url.substr(host_start, path_start - host_start);
        const auto colon = host.rfind(':');
        if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
            host.resize(colon);
        }
        tc.tls_url =
            "wss://" + host + ":" + std::to_string(config_.tls_port) + "/ocpp/" + path_escape(request.chargebox_id);
    }
    tc.root_certificate_pem = config_.root_certificate_pem;
    tc.root_certificate_file = config_.root_certificate_file;
    tc.client_ca_pem = config_.client_ca_pem;
    tc.charging_time = config_.charging_time;
    tc.profiles = entry->profiles;
    tc.capture_budget = config_.capture_budget;
    tc.max_frames_per_window = config_.max_frames_per_window;
    std::weak_ptr<TestService> weak = weak_from_this();
    tc.admit_capture = [weak, id](std::size_t bytes) {
        auto self = weak.lock();
        return self && self->admit(id, bytes);
    };
    const auto tc_steps = 12 * tc.call_timeout + (tc.charging_test ? tc.charging_time : std::chrono::seconds(0)) +
                          profiles::group_budget(tc);
    entry->run = factory_(std::move(tc), loop_, schemas_, log_);

    entry->run->set_change_handler([weak, id](const Check&) {
        auto self = weak.lock();
        if (TestEntry* e = self ? self->entry(id) : nullptr) {
            ++e->version;
        }
    });
    entry->run->set_finish_handler([weak, id](const Report& report) {
        if (auto self = weak.lock()) {
            self->on_finished(id, report);
        }
    });
    entry->guard = loop_.make_timer();
    // The timeout bounds connecting and booting; later steps have their own bounds inside the run. This guard only
    // makes sure that a run which never ends (a bug) is ended well after all of them.
    const auto steps = 2 * config_.heartbeat_interval + tc_steps;
    entry->guard->start(config_.timeout + steps + kGuardGrace, [weak, id] {
        if (auto self = weak.lock()) {
            self->abort(id, "the test did not finish within its timeout");
        }
    });
    TestEntry& stored = *(tests_[id] = std::move(entry));
    used_bytes_ += kTestOverhead;
    ++starts_[request.source].count;
    by_chargebox_[request.chargebox_id] = id;
    if (!eviction_) {
        arm_eviction();
    }
    log_.info("tester.serve", log_name(stored) + " created at " + stored.url);
    stored.run->start();
    created.entry = &stored;
    return created;
}

const TestEntry* TestService::find(const std::string& id) const {
    auto it = tests_.find(id);
    return it == tests_.end() ? nullptr : it->second.get();
}

TestEntry* TestService::entry(const std::string& id) {
    auto it = tests_.find(id);
    return it == tests_.end() ? nullptr : it->second.get();
}

bool TestService::abort(const std::string& id, const std::string& reason) {
    auto it = tests_.find(id);
    if (it == tests_.end()) {
        return false;
    }
    TestEntry& entry = *it->second;
    if (!entry.finished() && entry.run) {
        entry.aborted = true;
        ++entry.version;
        auto run = entry.run; // keep it alive through its own finish handler
        run->abort(reason);
        if (!run->finished()) {
            log_.warn("tester.serve", log_name(entry) + " did not finish when aborted");
        }
    }
    return true;
}

void TestService::abort_all(const std::string& reason) {
    std::vector<std::string> ids;
    for (const auto& [_, id] : by_chargebox_) {
        ids.push_back(id);
    }
    for (const auto& id : ids) {
        abort(id, reason);
    }
}

std::vector<const TestEntry*> TestService::list() const {
    std::vector<const TestEntry*> out;
    out.reserve(tests_.size());
    for (const auto& [_, e] : tests_) {
        out.push_back(e.get());
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const TestEntry* a, const TestEntry* b) { return b->created < a->created; });
    return out;
}

std::string TestService::url_for(const std::string& chargebox_id, const std::string& host) const {
    std::string base = config_.public_url;
    if (base.empty()) {
        base = std::string(config_.tls ? "wss://" : "ws://") + (host.empty() ? "localhost" : host);
    }
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    // "ws://host:port" gets the conventional "/ocpp"; a public URL with a path of its own keeps that path.
    const auto scheme_end = base.find("://");
    const bool has_path = base.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3) != std::string::npos;
    return base + (has_path ? "/" : "/ocpp/") + path_escape(chargebox_id);
}

} // namespace tester
