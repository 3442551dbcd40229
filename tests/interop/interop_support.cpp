#include "interop_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

extern char** environ;

namespace ocpp::interop {

const std::vector<std::string> kChargePointActions = {"Authorize",
                                                      "BootNotification",
                                                      "DataTransfer",
                                                      "Heartbeat",
                                                      "MeterValues",
                                                      "StartTransaction",
                                                      "StatusNotification",
                                                      "StopTransaction",
                                                      "FirmwareStatusNotification",
                                                      "DiagnosticsStatusNotification"};
const std::vector<std::string> kCentralSystemActions = {
    "ChangeAvailability",     "ChangeConfiguration",   "ClearCache", "DataTransfer",    "GetConfiguration",
    "RemoteStartTransaction", "RemoteStopTransaction", "Reset",      "UnlockConnector", "TriggerMessage"};

namespace {

bool is_file(const std::string& path, bool executable) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (!executable || ::access(path.c_str(), X_OK) == 0);
}

std::string find_in_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (!dir.empty() && is_file(dir + "/" + name, true)) {
            return dir + "/" + name;
        }
    }
    return {};
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A temporary file for a child's output; the caller owns the returned descriptor.
int make_temp(std::string& path, std::string& error) {
    std::string templ = "/tmp/ocppkit-interop-XXXXXX";
    const int fd = ::mkstemp(templ.data());
    if (fd < 0) {
        error = std::string("mkstemp: ") + std::strerror(errno);
        return -1;
    }
    path = templ;
    return fd;
}

std::set<std::string> string_set(const rapidjson::Value& doc, const char* name) {
    std::set<std::string> out;
    auto it = doc.FindMember(name);
    if (it != doc.MemberEnd() && it->value.IsArray()) {
        for (const auto& v : it->value.GetArray()) {
            if (v.IsString()) {
                out.insert(v.GetString());
            }
        }
    }
    return out;
}

long number(const rapidjson::Value& doc, const char* name) {
    auto it = doc.FindMember(name);
    return it != doc.MemberEnd() && it->value.IsInt64() ? static_cast<long>(it->value.GetInt64()) : -1;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) {
        out += (out.empty() ? "" : ", ") + s;
    }
    return out.empty() ? "none" : out;
}

} // namespace

NodeSetup find_node_setup() {
    NodeSetup setup;
    setup.script_dir = std::string(OCPPKIT_SOURCE_DIR) + "/tests/interop";
    const char* ci = std::getenv("CI");
    setup.required = ci != nullptr && std::string(ci) == "true";
    setup.node = find_in_path("node");
    if (setup.node.empty()) {
        setup.node = find_in_path("nodejs");
    }
    if (setup.node.empty()) {
        setup.skip_reason =
            "node is not installed (scripts/setup.sh installs it): the ocpp-rpc interop test cannot run";
    } else if (!is_file(setup.script_dir + "/node_modules/ocpp-rpc/package.json", false)) {
        setup.skip_reason = "ocpp-rpc is not installed in " + setup.script_dir +
                            "/node_modules (run scripts/setup.sh, or `npm ci` there): the interop test cannot run";
    }
    return setup;
}

std::unique_ptr<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv, std::string& error) {
    std::string out_path, err_path;
    const int out_fd = make_temp(out_path, error);
    if (out_fd < 0) {
        return nullptr;
    }
    const int err_fd = make_temp(err_path, error);
    if (err_fd < 0) {
        ::close(out_fd);
        ::unlink(out_path.c_str());
        return nullptr;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    posix_spawn_file_actions_addclose(&actions, out_fd);
    posix_spawn_file_actions_addclose(&actions, err_fd);
    std::vector<char*> args;
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_fd);
    ::close(err_fd);
    if (rc != 0) {
        error = "cannot start " + argv[0] + ": " + std::strerror(rc);
        ::unlink(out_path.c_str());
        ::unlink(err_path.c_str());
        return nullptr;
    }
    return std::unique_ptr<ChildProcess>(new ChildProcess(pid, std::move(out_path), std::move(err_path)));
}

ChildProcess::ChildProcess(pid_t pid, std::string out_path, std::string err_path)
    : pid_(pid)
    , out_path_(std::move(out_path))
    , err_path_(std::move(err_path)) {}

ChildProcess::~ChildProcess() {
    kill();
    ::unlink(out_path_.c_str());
    ::unlink(err_path_.c_str());
}

bool ChildProcess::reap(bool block) {
    if (exited_) {
        return true;
    }
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    if (r == pid_) {
        exited_ = true;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    } else if (r < 0 && errno != EINTR) {
        exited_ = true; // not our child any more (or never was): nothing left to wait for
    }
    return exited_;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!reap(false)) {
        if (std::chrono::steady_clock::now() >= until) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return exit_code_;
}

void ChildProcess::kill() {
    if (!reap(false)) {
        ::kill(pid_, SIGKILL);
        reap(true);
    }
}

std::optional<std::string> ChildProcess::wait_for_line(std::string_view prefix, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::istringstream lines(stdout_text());
        for (std::string line; std::getline(lines, line);) {
            if (!lines.eof() && line.compare(0, prefix.size(), prefix) == 0) {
                return line;
            }
        }
        if (reap(false) || std::chrono::steady_clock::now() >= until) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string ChildProcess::stdout_text() const {
    return read_all(out_path_);
}
std::string ChildProcess::stderr_text() const {
    return read_all(err_path_);
}

NodeSummary parse_summary(const std::string& stdout_text) {
    NodeSummary summary;
    std::istringstream lines(stdout_text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("{\"interop\":", 0) == 0) {
            summary.line = line;
        }
    }
    rapidjson::Document doc;
    if (summary.line.empty() || doc.Parse(summary.line.c_str()).HasParseError() || !doc.IsObject()) {
        return summary;
    }
    summary.found = true;
    auto ok = doc.FindMember("ok");
    summary.ok = ok != doc.MemberEnd() && ok->value.IsBool() && ok->value.GetBool();
    summary.sent = string_set(doc, "sent");
    summary.received = string_set(doc, "received");
    summary.validation_failures = number(doc, "validationFailures");
    summary.call_errors = number(doc, "callErrors");
    summary.bad_messages = number(doc, "badMessages");
    return summary;
}

LoopThread::LoopThread()
    : loop_(net::EventLoop::create()) {}

LoopThread::~LoopThread() {
    if (thread_.joinable()) {
        loop_->stop();
        thread_.join();
    }
}

void LoopThread::start() {
    thread_ = std::thread([this] { loop_->run(); });
}

void LoopThread::stop(std::function<void()> teardown) {
    loop_->post([this, teardown = std::move(teardown)] {
        teardown();
        loop_->stop();
    });
    if (thread_.joinable()) {
        thread_.join();
    }
}

PeerConfig strict_peer_config() {
    PeerConfig cfg;
    cfg.mode = validation::Mode::Strict;
    cfg.validate_outgoing = true;
    cfg.call_timeout = std::chrono::seconds(10);
    return cfg;
}

void watch_peer(Peer& peer, SideReport& report, const char* side) {
    if (const char* trace = std::getenv("OCPPKIT_INTEROP_TRACE"); trace && *trace && std::string(trace) != "0") {
        peer.set_frame_observer([side](FrameDirection d, std::string_view text) {
            std::fprintf(stderr, "[%s %s] %.*s\n", side, d == FrameDirection::Sent ? "->" : "<-",
                         static_cast<int>(text.size()), text.data());
        });
    }
    peer.set_deviation_observer([&report](const Deviation& d) {
        report.problems.push_back(std::string("deviation: ") +
                                  (d.direction == FrameDirection::Received ? "received " : "sent ") + d.action +
                                  (d.request ? " CALL " : " CALLRESULT ") + describe(d.findings));
    });
}

void expect_node_clean(const ChildProcess& child, std::optional<int> exit_code, const NodeSummary& summary,
                       const std::vector<std::string>& node_sends, const std::vector<std::string>& node_receives) {
    const std::string output =
        "\n--- node stdout ---\n" + child.stdout_text() + "--- node stderr ---\n" + child.stderr_text();
    ASSERT_TRUE(exit_code.has_value()) << "the ocpp-rpc script did not finish within " << kRunTimeout.count() << " s"
                                       << output;
    ASSERT_TRUE(summary.found) << "the ocpp-rpc script printed no summary line" << output;
    std::printf("[ ocpp-rpc ] %s\n", summary.line.c_str());
    EXPECT_EQ(*exit_code, 0) << output;
    EXPECT_TRUE(summary.ok) << summary.line;
    EXPECT_EQ(summary.validation_failures, 0) << summary.line;
    EXPECT_EQ(summary.call_errors, 0) << summary.line;
    EXPECT_EQ(summary.bad_messages, 0) << summary.line;
    for (const auto& action : node_sends) {
        EXPECT_EQ(summary.sent.count(action), 1u) << "ocpp-rpc did not get " << action << " answered\n" << summary.line;
    }
    for (const auto& action : node_receives) {
        EXPECT_EQ(summary.received.count(action), 1u) << "ocpp-rpc did not receive " << action << "\n" << summary.line;
    }
}

void expect_our_side_clean(const SideReport& report, const std::vector<std::string>& we_receive,
                           const std::vector<std::string>& we_send) {
    EXPECT_TRUE(report.problems.empty()) << "our side: " << join(report.problems);
    EXPECT_EQ(report.stats.deviations, 0u);
    EXPECT_EQ(report.stats.errors_received, 0u) << "CALLERRORs ocpp-rpc sent us";
    EXPECT_EQ(report.stats.errors_sent, 0u) << "CALLERRORs we sent ocpp-rpc";
    EXPECT_EQ(report.stats.timeouts, 0u);
    EXPECT_EQ(report.stats.malformed_received, 0u);
    EXPECT_EQ(report.stats.unmatched_received, 0u);
    EXPECT_EQ(report.pending, 0) << "our calls left without an answer";
    for (const auto& action : we_receive) {
        EXPECT_EQ(report.received.count(action), 1u) << "we never received (and answered) " << action;
    }
    for (const auto& action : we_send) {
        EXPECT_EQ(report.answered.count(action), 1u) << "our " << action << " was not answered as expected";
    }
}

} // namespace ocpp::interop
