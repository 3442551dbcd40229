// fault: what a misbehaving charger sends — a malformed frame, a raw frame, an answer to no call, an oversize frame
// — or a dropped connection; with an optional inline expect on the answer.
#include "ocpp/rpc/frame.hpp"
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_fault(const StepSource& src, Step& s, std::vector<Step>&) {
    detail::Parser& p = src.parser;
    const YAML::Node& opts = src.opts;
    src.allow({"text", "id", "bytes", "expect"});
    s.action = p.text(src.value, "fault");
    if (s.action != "malformed" && s.action != "raw" && s.action != "wrong_id" && s.action != "oversize" &&
        s.action != "drop") {
        p.fail(src.value, "fault: expected malformed, raw, wrong_id, oversize or drop, got \"" + s.action + "\"");
    }
    if (opts["text"]) {
        s.payload = p.text(opts["text"], "text");
    } else if (s.action == "raw") {
        p.fail(src.node, "fault: raw needs text: with the frame to send");
    }
    if (opts["id"]) {
        s.frame_id = p.text(opts["id"], "id");
    }
    s.bytes = opts["bytes"] ? static_cast<std::size_t>(p.integer(opts["bytes"], "bytes", 1)) : 70000;
    if (opts["expect"]) {
        s.expect = p.expectation(opts["expect"]);
    }
}

// The frame the fault sends, and the message id of the answer to wait for.
std::pair<std::string, std::string> frame_of(const Step& s, const std::string& text, const std::string& n) {
    std::string frame = text;
    std::string id = s.frame_id;
    if (s.action == "malformed" && frame.empty()) {
        id = id.empty() ? "malformed-" + n : id;
        frame = "[2,\"" + id + "\",\"Heartbeat\",{"; // cut short: not JSON
    } else if (s.action == "wrong_id") {
        id = id.empty() ? "no-such-call-" + n : id;
        frame = frame.empty() ? "[3,\"" + id + "\",{}]" : frame;
    } else if (s.action == "oversize") {
        id = id.empty() ? "oversize-" + n : id;
        const std::string head = "[2,\"" + id + "\",\"DataTransfer\",{\"vendorId\":\"ocppkit\",\"data\":\"";
        const std::string tail = "\"}]";
        frame = head + std::string(s.bytes > head.size() + tail.size() ? s.bytes - head.size() - tail.size() : 1, 'x') +
                tail;
    } else if (id.empty()) {
        ocpp::rpc::Frame f;
        ocpp::rpc::FrameError e;
        if (ocpp::rpc::parse_frame(frame, f, e)) {
            id = f.id;
        } else if (e.call_id) {
            id = *e.call_id;
        }
    }
    return {frame, id};
}

void run_fault(ChargerRun& run, const Step& s) {
    Link& link = run.link();
    if (!link.peer || !link.peer->is_open()) {
        run.fail("an open connection for the fault", "not connected");
        return;
    }
    const auto text = expand_or_fail(run, s.payload, "the frame text");
    if (!text) {
        return;
    }
    const std::string n = std::to_string(++run.ctx().counters["fault"]);
    if (s.action == "drop") {
        link.peer->close(1006, "dropped by the scenario"); // a reserved code: the connection is cut, no close frame
        await_close(run, "the connection dropped", "the connection stayed open");
        return;
    }
    auto [frame, id] = frame_of(s, *text, n);
    run.send_raw(frame, id);
    expect_inline(run, s.expect);
}

} // namespace

extern const StepKind fault_step{"fault", parse_fault, run_fault};

} // namespace scen
