#include "tests/interop/interop_support.hpp"
#include "tests/support/paths.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

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
    setup.script_dir = std::string(ocppkit::test::source_dir()) + "/tests/interop";
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

void expect_node_clean(const ocppkit::test::ChildProcess& child, std::optional<int> exit_code,
                       const NodeSummary& summary, const std::vector<std::string>& node_sends,
                       const std::vector<std::string>& node_receives) {
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
