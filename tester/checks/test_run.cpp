// TestRun::create → RunImpl: the connection attempts (checks 1–3, diagnosed even when refused), the overall timeout
// and the end of the test. The OCPP conversation of an accepted connection is SessionChecks' (checks_session.cpp).
#include "tester/checks/test_run.hpp"

#include <algorithm>

#include "ocpp/text/chargebox_id.hpp"
#include "tester/checks/checks.hpp"
#include "tester/checks/connection.hpp"
#include "tester/checks/profiles/security_tls.hpp"
#include "tester/checks/session.hpp"

namespace tester {

namespace {

using ocpp::net::HandshakeDecision;
using ocpp::net::HandshakeInfo;

class RunImpl final : public TestRun {
public:
    RunImpl(TestConfig config, ocpp::Executor& loop, const ocpp::validation::Registry& schemas, const ocpp::Logger& log)
        : config_(std::move(config))
        , loop_(loop)
        , schemas_(schemas)
        , log_(log)
        , board_(report_.checks, config_) {
        report_.test_id = config_.test_id;
        report_.url = config_.url;
        report_.charger.chargebox_id = config_.chargebox_id;
        report_.capture = CaptureLog(config_.capture_budget, config_.admit_capture);
        profiles::add_group_checks(board_, config_.profiles);
        board_.set_listener([this](const Check& c) {
            if (change_handler_) {
                change_handler_(c);
            }
        });
    }

    HandshakeDecision on_handshake(const HandshakeInfo& info) override;
    void on_rejected(const ocpp::net::RejectedHandshake& rejected) override;
    void on_open(ocpp::net::SessionPtr session) override;
    bool on_http(const ocpp::net::HttpRequest& req, const ocpp::net::HttpResponder& respond) override {
        return files_.handle(req, respond);
    }
    std::size_t http_body_limit(std::string_view method, std::string_view path) const override {
        return files_.body_limit(method, path);
    }
    void start() override;
    void abort(const std::string& reason) override { finish(reason, true); }

    const Report& report() const override { return report_; }
    bool finished() const override { return finished_; }
    const std::optional<std::string>& charger_password() const override { return password_; }
    void set_change_handler(ChangeHandler h) override { change_handler_ = std::move(h); }
    void set_finish_handler(FinishHandler h) override { finish_handler_ = std::move(h); }

private:
    HandshakeDecision refuse(int status, std::string reason, const std::string& check);
    void attempt_detail(const HandshakeInfo& info, const std::string& what);
    // A connection attempt while the charger is away for a reconnect its group asked for; nullopt: the usual checks.
    std::optional<HandshakeDecision> reconnect_attempt(const HandshakeInfo& info);
    // The charger's connection after a planned restart: judged like the first, but recorded as the reconnect (in
    // connection.stable), so the first connection's tcp, tls, path, subprotocol and auth results stay.
    HandshakeDecision judge_reconnect(const HandshakeInfo& info);
    // The security group's TLS and client-certificate verdicts, from every attempt that tells something.
    void judge_security(const HandshakeInfo& info);
    void on_booted();
    void on_session_end(SessionChecks::End how);
    void arm_deadline(ocpp::Clock::Duration in);
    void on_deadline();
    void finish(const std::string& why, bool timed_out);
    double ms_since_start() const {
        return std::chrono::duration<double, std::milli>(loop_.clock().now() - started_at_).count();
    }

    TestConfig config_;
    ocpp::Executor& loop_;
    const ocpp::validation::Registry& schemas_;
    const ocpp::Logger& log_;
    Report report_;
    CheckBoard board_;
    profiles::FileHost files_;
    std::optional<std::string> password_;
    std::optional<std::string> candidate_password_; // from the accepted handshake, until the session opens
    std::shared_ptr<SessionChecks> session_;
    std::unique_ptr<ocpp::Timer> deadline_;
    ocpp::Clock::TimePoint started_at_{}, deadline_at_{};
    int attempts_ = 0;
    bool refused_by_us_ = false;
    bool started_ = false, finished_ = false;
    ChangeHandler change_handler_;
    FinishHandler finish_handler_;
};

void RunImpl::start() {
    if (started_) {
        return;
    }
    started_ = true;
    started_at_ = loop_.clock().now();
    report_.started = ocpp::DateTime{loop_.clock().wall_now()};
    deadline_ = loop_.make_timer();
    board_.running(CheckId::Tcp, "waiting for the charger at " + config_.url);
    arm_deadline(config_.timeout);
}

void RunImpl::arm_deadline(ocpp::Clock::Duration in) {
    deadline_at_ = loop_.clock().now() + in;
    deadline_->start(in, [this] { on_deadline(); });
}

void RunImpl::on_deadline() {
    const bool waiting_for_boot = !session_ || !session_->booted();
    if (waiting_for_boot) {
        const auto secs = std::to_string(config_.timeout.count());
        finish(session_        ? "no BootNotification within " + secs + " s"
               : attempts_ > 0 ? "no accepted connection within " + secs + " s"
                               : "no connection within " + secs + " s",
               true);
    } else {
        finish("the test took longer than its steps allow", true);
    }
}

void RunImpl::attempt_detail(const HandshakeInfo& info, const std::string& what) {
    board_.add_detail(CheckId::Tcp, "attempt " + std::to_string(attempts_) + " at +" + format_ms(ms_since_start()) +
                                        " from " + info.remote_address + ": " + what);
}

HandshakeDecision RunImpl::refuse(int status, std::string reason, const std::string& check) {
    refused_by_us_ = true;
    return HandshakeDecision::refuse(status, std::move(reason) + " (see " + check + ")");
}

void RunImpl::judge_security(const HandshakeInfo& info) {
    if (!board_.has(profiles::kSecurityTls)) {
        return; // the security group was not chosen
    }
    if (info.tls && !info.tls_version.empty()) {
        board_.set(profiles::kSecurityTls, profiles::check_whitepaper_tls(info));
    }
    if (config_.client_certificates && (info.tls || !info.client_cert_chain_pem.empty())) {
        board_.set(profiles::kSecurityClientCertificate,
                   profiles::check_client_certificate(info, config_, loop_.clock().wall_now()));
    }
}

std::optional<HandshakeDecision> RunImpl::reconnect_attempt(const HandshakeInfo& info) {
    auto decision = session_->restart_attempt(info);
    if (!decision) {
        return std::nullopt;
    }
    ++attempts_;
    judge_security(info);
    if (decision->status != 0) {
        refused_by_us_ = true;
        attempt_detail(info, "refused with " + std::to_string(decision->status) + " (" + decision->reason + ")");
        return decision;
    }
    attempt_detail(info, "accepted");
    candidate_password_ = info.basic_password;
    auto& facts = report_.charger;
    facts.remote_address = info.remote_address;
    facts.security_profile = std::max(facts.security_profile, security_profile(info));
    if (info.tls) {
        facts.tls_version = info.tls_version;
        facts.tls_cipher = info.tls_cipher;
    }
    return decision;
}

HandshakeDecision RunImpl::judge_reconnect(const HandshakeInfo& info) {
    ++attempts_;
    judge_security(info);
    const bool tls = config_.tls || info.tls;
    const Outcome tls_outcome = tls ? check_tls(info, config_) : Outcome::pass("");
    const Outcome path = check_path(info, config_);
    const Outcome subprotocol = check_subprotocol(info);
    AuthDecision auth = check_auth(info, config_);
    const std::string what =
        "reconnect after the restart (attempt " + std::to_string(attempts_) + ") from " + info.remote_address + ": ";
    // The first failing step, as for the first connection, with what was seen.
    const std::pair<const Outcome*, std::pair<int, const char*>> steps[] = {
        {&path, {404, "websocket.path"}},
        {&subprotocol, {400, "websocket.subprotocol"}},
        {&auth.outcome, {401, "auth.basic"}},
        {&tls_outcome, {403, "connection.tls"}},
    };
    for (const auto& [outcome, refusal] : steps) {
        if (outcome->verdict == Verdict::Fail) {
            board_.add_detail(CheckId::Stable,
                              what + "refused with " + std::to_string(refusal.first) + ": " + outcome->seen);
            attempt_detail(info, "refused with " + std::to_string(refusal.first) + " (reconnect after the restart)");
            return refuse(refusal.first, "the reconnect after the restart failed " + std::string(refusal.second),
                          "connection.stable");
        }
    }
    board_.add_detail(CheckId::Stable, what + "accepted" + (tls ? "; " + tls_outcome.seen : std::string()));
    attempt_detail(info, "accepted (reconnect after the restart)");
    candidate_password_ = std::move(auth.password);
    auto& facts = report_.charger;
    facts.remote_address = info.remote_address;
    facts.security_profile = std::max(facts.security_profile, security_profile(info));
    facts.tls_version = info.tls_version;
    facts.tls_cipher = info.tls_cipher;
    return HandshakeDecision::accept();
}

HandshakeDecision RunImpl::on_handshake(const HandshakeInfo& info) {
    if (finished_) {
        refused_by_us_ = true;
        return HandshakeDecision::refuse(503, "the connectivity test has finished");
    }
    if (session_ && session_->open()) {
        refused_by_us_ = true;
        board_.add_detail(CheckId::Stable,
                          "a second connection from " + info.remote_address + " was refused while the first was open");
        return HandshakeDecision::refuse(409, "a test connection for this charger is already open");
    }
    if (session_ && session_->awaiting_restart()) {
        if (auto decision = reconnect_attempt(info)) {
            return *decision;
        }
        return judge_reconnect(info);
    }
    ++attempts_;
    judge_security(info);
    board_.add_timing(CheckId::Tcp, "tcp-accept", ms_since_start());
    board_.set(CheckId::Tcp, check_tcp(info, attempts_));
    if (config_.tls || info.tls) {
        board_.set(CheckId::Tls, check_tls(info, config_));
        const auto zero = std::chrono::steady_clock::time_point{};
        if (info.tls_done != zero && info.tcp_accepted != zero) {
            board_.add_timing(CheckId::Tls, "tls-handshake",
                              std::chrono::duration<double, std::milli>(info.tls_done - info.tcp_accepted).count());
        }
    }
    Outcome path = check_path(info, config_);
    Outcome subprotocol = check_subprotocol(info);
    AuthDecision auth = check_auth(info, config_);
    const bool path_ok = path.verdict != Verdict::Fail;
    const bool subprotocol_ok = subprotocol.verdict != Verdict::Fail;
    const bool tls_ok = !(config_.tls || info.tls) || board_.get(CheckId::Tls).verdict != Verdict::Fail;
    board_.set(CheckId::Path, std::move(path));
    board_.set(CheckId::Subprotocol, std::move(subprotocol));
    board_.set(CheckId::Auth, std::move(auth.outcome));
    if (!path_ok) {
        if (auto problem = ocpp::check_chargebox_id(info.chargebox_id); problem && !info.chargebox_id.empty()) {
            attempt_detail(info, "refused with 400 (websocket.path)");
            return refuse(400, "invalid Chargebox ID in the URL path: " + problem->message, "websocket.path");
        }
        attempt_detail(info, "refused with 404 (websocket.path)");
        return refuse(404, "unknown Chargebox ID or path", "websocket.path");
    }
    if (!subprotocol_ok) {
        attempt_detail(info, "refused with 400 (websocket.subprotocol)");
        return refuse(400, "subprotocol ocpp1.6 not offered", "websocket.subprotocol");
    }
    if (!auth.accept) {
        attempt_detail(info, "refused with 401 (auth.basic)");
        return refuse(401, "HTTP Basic authentication failed", "auth.basic");
    }
    if (!tls_ok) {
        attempt_detail(info, "refused with 403 (connection.tls)");
        return refuse(403, "TLS requirements not met", "connection.tls");
    }
    attempt_detail(info, "accepted");
    candidate_password_ = std::move(auth.password);
    auto& facts = report_.charger;
    facts.remote_address = info.remote_address;
    facts.security_profile = security_profile(info);
    facts.tls_version = info.tls_version;
    facts.tls_cipher = info.tls_cipher;
    return HandshakeDecision::accept();
}

void RunImpl::on_rejected(const ocpp::net::RejectedHandshake& rejected) {
    if (refused_by_us_) {
        refused_by_us_ = false; // our own refusal, diagnosed in on_handshake
        return;
    }
    if (finished_) {
        return;
    }
    ++attempts_;
    judge_security(rejected.info);
    if (session_ && session_->awaiting_restart()) {
        // The group that asked for the reconnect judges it; the first connection's checks stay as they were.
        session_->restart_rejected(rejected);
        attempt_detail(rejected.info, (rejected.status ? "refused with " + std::to_string(rejected.status) + ": "
                                                       : std::string("failed: ")) +
                                          rejected.reason);
        return;
    }
    for (auto& [id, outcome] : diagnose_rejection(rejected, config_, attempts_)) {
        board_.set(id, std::move(outcome));
    }
    attempt_detail(rejected.info, (rejected.status ? "refused with " + std::to_string(rejected.status) + ": "
                                                   : std::string("failed: ")) +
                                      rejected.reason);
}

void RunImpl::on_open(ocpp::net::SessionPtr session) {
    if (finished_ || (session_ && session_->open())) {
        session->close(1008, finished_ ? "the connectivity test has finished" : "a test connection is already open");
        return;
    }
    if (session_ && session_->awaiting_restart()) {
        // The charger is back after a restart a group announced (firmware): the conversation goes on. The
        // handshake passed the same checks as the first one.
        password_ = std::move(candidate_password_);
        candidate_password_.reset();
        session_->reconnect(std::move(session));
        return;
    }
    if (session_) {
        // A reconnection after a drop: the test already ended on the drop, so this cannot happen; stay safe.
        session->close(1008, "the connectivity test has ended");
        return;
    }
    password_ = std::move(candidate_password_);
    candidate_password_.reset();
    SessionChecks::Context ctx{config_, loop_, schemas_, log_, board_, report_, files_};
    SessionChecks::Handlers handlers;
    handlers.booted = [this] { on_booted(); };
    handlers.ended = [this](SessionChecks::End how) { on_session_end(how); };
    session_ = SessionChecks::create(ctx, std::move(session), std::move(handlers));
}

void RunImpl::on_booted() {
    // After boot every step has its own bound; this only guarantees that the test ends.
    const auto interval = config_.heartbeat_interval;
    auto budget = interval + interval / 10 + std::chrono::seconds(7) + 3 * config_.call_timeout;
    if (config_.charging_test) {
        budget += 8 * config_.call_timeout + config_.charging_time;
    }
    budget += profiles::group_budget(config_);
    const auto now = loop_.clock().now();
    if (now + budget > deadline_at_) {
        arm_deadline(budget);
    }
}

void RunImpl::on_session_end(SessionChecks::End how) {
    finish(how == SessionChecks::End::Dropped ? "the connection dropped" : "", false);
}

void RunImpl::finish(const std::string& why, bool timed_out) {
    if (finished_ || !started_) {
        return;
    }
    finished_ = true;
    deadline_->cancel();
    if (session_) {
        session_->conclude(why);
    } else if (attempts_ == 0) {
        const std::string seen = why.rfind("no connection", 0) == 0 ? why : "no connection arrived before " + why;
        board_.set(CheckId::Tcp,
                   Outcome::fail(seen, "The charger never reached the tester. Check the URL on the charger (" +
                                           config_.url +
                                           "), that it is on the same network or can route to this address, "
                                           "firewalls and port forwarding, and that the charger's OCPP connection is "
                                           "enabled."));
    } else if (board_.get(CheckId::Tcp).verdict == Verdict::Pass && !board_.done(CheckId::BootFirst)) {
        // Every attempt was refused: the failing check of the last attempt says why.
        board_.add_detail(CheckId::Tcp, std::to_string(attempts_) + " attempt(s), none accepted");
    }
    board_.settle_rest(timed_out ? Verdict::Fail : Verdict::Skipped, why.empty() ? "the test ended" : why);
    report_.finished = ocpp::DateTime{loop_.clock().wall_now()};
    if (finish_handler_) {
        finish_handler_(report_);
    }
}

} // namespace

std::shared_ptr<TestRun> TestRun::create(TestConfig config, ocpp::Executor& loop,
                                         const ocpp::validation::Registry& schemas, const ocpp::Logger& log) {
    return std::make_shared<RunImpl>(std::move(config), loop, schemas, log);
}

} // namespace tester
