// send: a CALL from the charger, its payload a template, with an optional inline expect on the answer.
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_send(const StepSource& src, Step& s, std::vector<Step>&) {
    detail::Parser& p = src.parser;
    src.allow({"payload", "validate", "expect"});
    s.action = p.text(src.value, "send");
    s.payload = src.opts["payload"] ? p.json(src.opts["payload"]) : "{}";
    if (src.opts["validate"]) {
        s.validate = p.boolean(src.opts["validate"], "validate");
    }
    if (src.opts["expect"]) {
        s.expect = p.expectation(src.opts["expect"]);
    }
}

// Records the outcome of the CALL as the answer an expect checks.
void take_outcome(ChargerRun& run, const ocpp::RawOutcome& out) {
    Answer& a = *run.link().last;
    a.arrived = true;
    a.latency_ms = std::chrono::duration<double, std::milli>(out.latency).count();
    switch (out.status) {
    case ocpp::CallStatus::Ok:
        a.status = "CALLRESULT";
        deep_copy(*out.payload, a.payload);
        break;
    case ocpp::CallStatus::CallError:
        a.status = "CALLERROR";
        a.error = true;
        a.code = out.error_code;
        a.description = out.error_description;
        break;
    default:
        a.status = ocpp::to_string(out.status);
        a.description = out.error_description + (out.findings.empty() ? "" : " " + ocpp::describe(out.findings));
        break;
    }
    run.poke();
}

void run_send(ChargerRun& run, const Step& s) {
    Link& link = run.link();
    if (!link.peer || !link.peer->is_open()) {
        run.fail("an open connection to send " + s.action, link.closed ? "the connection closed (code " +
                                                                             std::to_string(link.closed->code) + " " +
                                                                             link.closed->reason + ")"
                                                                       : "not connected (add connect first)");
        return;
    }
    rapidjson::Document payload;
    if (auto r = expand_json(s.payload, run.ctx(), payload); !r) {
        run.fail("the payload of " + s.action + " to expand", r.error().message);
        return;
    }
    link.last = Answer{}; // not emplace(): clang does not see Answer as default-constructible there (NSDMI)
    link.raw_id.reset();
    const double timeout = s.expect ? s.expect->within_s : 30;
    std::weak_ptr<ChargerRun> weak = run.weak_from_this();
    link.peer->call_text(
        s.action, to_json(payload),
        [weak](ocpp::RawOutcome out) {
            auto self = weak.lock();
            if (self && self->link().last && !self->link().last->arrived) {
                take_outcome(*self, out);
            }
        },
        std::chrono::milliseconds(static_cast<long long>(timeout * 1000) + 1000), s.validate);
    expect_inline(run, s.expect);
}

} // namespace

extern const StepKind send_step{"send", parse_send, run_send};

} // namespace scen
