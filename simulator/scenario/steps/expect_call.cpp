// expect_call: a CALL from the central system, checked and answered (a reply, a CALLERROR, or a delayed reply).
#include "ocpp/rpc/errors.hpp"
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_expect_call(const StepSource& src, Step& s, std::vector<Step>&) {
    detail::Parser& p = src.parser;
    const YAML::Node& opts = src.opts;
    src.allow({"within", "match", "capture", "reply", "reply_error", "delay"});
    s.action = p.text(src.value, "expect_call");
    s.expect = p.checks(opts, s.pos);
    if (opts["within"]) {
        s.within_s = p.number(opts["within"], "within");
    }
    if (opts["reply"] && opts["reply_error"]) {
        p.fail(opts["reply_error"], "expect_call: give reply or reply_error, not both");
    }
    s.payload = opts["reply"] ? p.json(opts["reply"]) : "{}";
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
    } else {
        rapidjson::Document payload;
        if (auto r = expand_json(s.payload, run.ctx(), payload); !r) {
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

// Central-system role: the first call of the action, in the order they came, whose matchers hold; it and the
// earlier calls of that action are used up, so that a sequence of expect_call steps follows the charger's order.
ChargerRun::Check take_matching(ChargerRun& run, const Step& s) {
    auto& inbox = run.link().inbox;
    for (std::size_t i = 0; i < inbox.size(); ++i) {
        if (inbox[i].action != s.action) {
            continue;
        }
        bool holds = true;
        for (const auto& m : s.expect->match) {
            holds = holds && !check(m, inbox[i].payload, run.ctx());
        }
        if (!holds) {
            continue;
        }
        IncomingCall call = std::move(inbox[i]);
        inbox.erase(inbox.begin() + static_cast<std::ptrdiff_t>(i));
        // Deque erasure invalidates iterators: go by index, from the back of the used-up range.
        for (std::size_t j = i; j-- > 0;) {
            if (inbox[j].action == s.action && inbox[j].reply.answered()) {
                inbox.erase(inbox.begin() + static_cast<std::ptrdiff_t>(j));
            }
        }
        return answer(run, s, std::move(call));
    }
    return ChargerRun::Check::NotYet;
}

// What came of the action instead (central-system role), for the failure.
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
        return "no " + s.action + " that matches; the last was " + last;
    }
    return seen.empty() ? std::string("no call") : "only " + seen;
}

void run_expect_call(ChargerRun& run, const Step& s) {
    if (run.env().role == Role::CentralSystem) {
        run.wait_for(
            s.within_s, [&run, &s] { return take_matching(run, s); }, [&run, &s] { return seen_instead(run, s); },
            "a " + s.action + " call from the charger" +
                (s.expect->match.empty()
                     ? ""
                     : " where " + describe(s.expect->match.front()) + (s.expect->match.size() > 1 ? ", ..." : "")));
        return;
    }
    if (!run.link().peer) {
        run.fail("an open connection to receive " + s.action, "not connected");
        return;
    }
    run.wait_for(
        s.within_s,
        [&run, &s] {
            auto& inbox = run.link().inbox;
            auto it = inbox.begin();
            while (it != inbox.end() && it->action != s.action) {
                ++it;
            }
            if (it == inbox.end()) {
                return ChargerRun::Check::NotYet;
            }
            IncomingCall call = std::move(*it);
            inbox.erase(it);
            return answer(run, s, std::move(call));
        },
        [&run] {
            std::string seen;
            for (const auto& c : run.link().inbox) {
                seen += (seen.empty() ? "" : ", ") + c.action;
            }
            return seen.empty() ? std::string("no call") : "only " + seen;
        },
        "a " + s.action + " call from the central system");
}

} // namespace

extern const StepKind expect_call_step{"expect_call", parse_expect_call, run_expect_call};

} // namespace scen
