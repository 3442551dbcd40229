// expect_call: a CALL from the central system, checked and answered (a reply, a CALLERROR, or a delayed reply).
#include "ocpp/rpc/errors.hpp"
#include "simulator/scenario/central_defaults.hpp"
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_expect_call(const StepSource& src, Step& s, std::vector<Step>&) {
    detail::Parser& p = src.parser;
    const YAML::Node& opts = src.opts;
    src.allow({"within", "where", "match", "capture", "reply", "reply_error", "delay"});
    s.action = p.text(src.value, "expect_call");
    s.expect = p.checks(opts, s.pos);
    if (opts["where"]) {
        s.where = p.matchers(opts["where"], "where");
    }
    if (opts["within"]) {
        s.within_s = p.number(opts["within"], "within");
    }
    if (opts["reply"] && opts["reply_error"]) {
        p.fail(opts["reply_error"], "expect_call: give reply or reply_error, not both");
    }
    s.payload = opts["reply"] ? p.json(opts["reply"]) : ""; // "": {} or, as central system, the default answer
    if (opts["reply_error"]) {
        s.reply_error = p.code(opts["reply_error"]);
    }
    if (opts["delay"]) {
        s.delay_s = p.number(opts["delay"], "delay");
    }
}

// Checks the call and answers it as the step says; Done either way (the run failed, or went on).
ChargerRun::Check answer(ChargerRun& run, const Step& s, IncomingCall call) {
    if (!check_matchers(run, s.expect->match, call.payload, "a " + s.action + " request") ||
        !capture(run, s.expect->capture, call.payload)) {
        call.reply.error(ocpp::rpc::ErrorCode::GenericError, "not what the scenario expected");
        return ChargerRun::Check::Done;
    }
    auto reply = std::make_shared<ocpp::RawReply>(std::move(call.reply));
    if (reply->answered()) {
        // It came before this step and was answered by default (central-system role).
    } else if (!s.reply_error.empty()) {
        const auto code = ocpp::rpc::parse_error_code(s.reply_error);
        reply->error(code.value_or(ocpp::rpc::ErrorCode::GenericError), "answered by the scenario");
    } else if (s.payload.empty() && run.env().role == Role::CentralSystem) {
        answer_by_default(s.action, *reply, run.ctx());
    } else {
        rapidjson::Document payload;
        if (auto r = expand_json(s.payload.empty() ? "{}" : s.payload, run.ctx(), payload); !r) {
            run.fail("the reply to " + s.action + " to expand", r.error().message);
            return ChargerRun::Check::Done;
        }
        if (s.delay_s > 0) {
            auto doc = std::make_shared<rapidjson::Document>(std::move(payload));
            run.later(s.delay_s, [reply, doc] { reply->ok(*doc); });
        } else {
            reply->ok(payload);
        }
    }
    run.next();
    return ChargerRun::Check::Done;
}

// The first call of the action, in the order they came, whose `where` matchers hold (central-system role: calls
// answered by default are kept for this); nullopt when none came yet.
std::optional<IncomingCall> take_call(ChargerRun& run, const Step& s) {
    auto& inbox = run.link().inbox;
    for (auto it = inbox.begin(); it != inbox.end(); ++it) {
        bool holds = it->action == s.action;
        for (const auto& m : s.where) {
            holds = holds && !check(m, it->payload, run.ctx());
        }
        if (holds) {
            IncomingCall call = std::move(*it);
            inbox.erase(it);
            return call;
        }
    }
    return std::nullopt;
}

// What came instead, for the failure.
std::string seen_instead(ChargerRun& run, const Step& s) {
    std::string seen, last;
    for (const auto& c : run.link().inbox) {
        if (c.action == s.action) {
            last = to_json(c.payload, 300);
        } else if (seen.find(c.action) == std::string::npos) {
            seen += (seen.empty() ? "" : ", ") + c.action;
        }
    }
    if (!last.empty()) {
        return "no " + s.action + " where the where: matchers hold; the last was " + last;
    }
    return seen.empty() ? std::string("no call") : "only " + seen;
}

void run_expect_call(ChargerRun& run, const Step& s) {
    if (!run.link().peer && run.env().role == Role::Charger) {
        run.fail("an open connection to receive " + s.action, "not connected");
        return;
    }
    std::string expected =
        "a " + s.action + " call from the " + (run.env().role == Role::Charger ? "central system" : "charger");
    for (const auto& m : s.where) {
        expected += (&m == &s.where.front() ? " where " : " and ") + describe(m);
    }
    run.wait_for(
        s.within_s,
        [&run, &s] {
            auto call = take_call(run, s);
            return call ? answer(run, s, std::move(*call)) : ChargerRun::Check::NotYet;
        },
        [&run, &s] { return seen_instead(run, s); }, expected);
}

} // namespace

extern const StepKind expect_call_step{"expect_call", parse_expect_call, run_expect_call};

} // namespace scen
