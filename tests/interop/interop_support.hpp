#pragma once
// Support for the ocpp-rpc interoperability tests: finding node and the scripts, running a script as a child
// process (tests/support/child_process.hpp), reading its JSON summary line, and recording what our side saw.
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/peer/peer.hpp"
#include "tests/support/child_process.hpp"

namespace ocpp::interop {

// Charge point -> central system, and central system -> charge point, as in tests/interop/common.js.
extern const std::vector<std::string> kChargePointActions;
extern const std::vector<std::string> kCentralSystemActions;
// The DataTransfer with which a side says "I have no more calls for you".
inline constexpr std::string_view kDoneVendor = "ocppkit.interop";
inline constexpr std::string_view kDoneMessage = "Done";
// How long one exchange may take before its script is killed.
inline constexpr std::chrono::seconds kRunTimeout{30};

// Where node and the scripts are; skip_reason is set when this machine cannot run the test.
struct NodeSetup {
    std::string node;       // absolute path of the node executable
    std::string script_dir; // <source>/tests/interop
    std::string skip_reason;
    bool required = false; // in CI (CI=true) a missing node or node_modules is a failure, not a skip
};
NodeSetup find_node_setup();

// The summary line cp.js and cs.js print last.
struct NodeSummary {
    bool found = false;
    bool ok = false;
    std::set<std::string> sent, received;
    long validation_failures = -1, call_errors = -1, bad_messages = -1;
    std::string line;
};
NodeSummary parse_summary(const std::string& stdout_text);

// Strict validation both ways: what the test asks of our Peer.
PeerConfig strict_peer_config();

// What our side saw; written on the loop thread, read after the loop thread stopped.
struct SideReport {
    std::set<std::string> received;    // CALLs whose handler ran and answered
    std::set<std::string> answered;    // our CALLs answered with a valid, expected CALLRESULT
    std::vector<std::string> problems; // failed calls, deviations, unexpected content
    PeerStats stats;
    int pending = 0;                       // our CALLs not answered yet
    std::function<void()> on_call_settled; // runs after each of our CALLs got its outcome
};

// Records every deviation the Peer reports as a problem; with OCPPKIT_INTEROP_TRACE=1 prints every frame.
void watch_peer(Peer& peer, SideReport& report, const char* side);

// Sends a CALL and records its outcome. `check` looks at the answer (nullptr when the call failed) and returns a
// problem in words, or "" when the answer is as expected; it may send further calls.
template <class Req>
void call_and_record(Peer& peer, SideReport& report, const Req& req,
                     std::function<std::string(const typename Req::Response*)> check = {}) {
    using Conf = typename Req::Response;
    ++report.pending;
    peer.call(req, [&report, check = std::move(check)](CallOutcome<Conf> out) {
        --report.pending;
        const std::string action(Req::action);
        if (!out.ok()) {
            report.problems.push_back(action + " call failed: " + to_string(out.status) + " " + out.error_code + " " +
                                      out.error_description + " " + describe(out.findings));
        }
        const std::string problem = check ? check(out.ok() ? &*out.conf : nullptr) : std::string();
        if (!problem.empty()) {
            report.problems.push_back(action + ": " + problem);
        } else if (out.ok()) {
            report.answered.insert(action);
        }
        if (report.on_call_settled) {
            report.on_call_settled();
        }
    });
}

// Registers a handler that records the action as received once answered.
template <class Req, class Answer> void answer_with(Peer& peer, SideReport& report, Answer answer) {
    peer.on<Req>([&report, answer = std::move(answer)](const Req& req, Reply<typename Req::Response> reply) {
        reply(answer(req));
        report.received.insert(std::string(Req::action));
    });
}

// The shared assertions: the script exited 0 with a clean summary, and our side saw every action without a problem.
void expect_node_clean(const ocppkit::test::ChildProcess& child, std::optional<int> exit_code,
                       const NodeSummary& summary, const std::vector<std::string>& node_sends,
                       const std::vector<std::string>& node_receives);
void expect_our_side_clean(const SideReport& report, const std::vector<std::string>& we_receive,
                           const std::vector<std::string>& we_send);

} // namespace ocpp::interop
