// rest and expect_rest: an HTTP request to the central system's REST API, sent by the RestClient off the loop and
// checked (status, matchers, captures) at once, or later by expect_rest when sent with async: true.
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_rest(const StepSource& src, Step& s, std::vector<Step>&) {
    detail::Parser& p = src.parser;
    const YAML::Node& opts = src.opts;
    src.allow({"body", "status", "match", "capture", "async"});
    if (opts["async"]) {
        s.async = p.boolean(opts["async"], "async");
    }
    const std::string line = p.text(src.value, "rest");
    const auto space = line.find(' ');
    s.method = line.substr(0, space);
    s.path = space == std::string::npos ? "" : line.substr(space + 1);
    if (s.path.empty() || s.path[0] != '/') {
        p.fail(src.value, "rest: expected METHOD /path, e.g. POST /api/v1/chargers");
    }
    if (opts["body"]) {
        s.payload = p.json(opts["body"]);
    }
    if (opts["status"]) {
        s.status = p.integer(opts["status"], "status", 100);
    }
    s.expect = p.checks(opts, s.pos);
}

void parse_expect_rest(const StepSource& src, Step& s, std::vector<Step>&) {
    src.allow({});
    if (src.value.IsMap()) {
        src.parser.keys(src.value, {"within"}, "expect_rest");
        if (src.value["within"]) {
            s.within_s = src.parser.number(src.value["within"], "expect_rest.within");
        }
    }
}

// "ws://127.0.0.1:8180/ocpp" -> "http://127.0.0.1:8180"
std::string api_base_of(const std::string& url) {
    std::string scheme = "http://";
    std::string rest = url;
    if (url.rfind("wss://", 0) == 0) {
        scheme = "https://";
        rest = url.substr(6);
    } else if (url.rfind("ws://", 0) == 0) {
        rest = url.substr(5);
    }
    return scheme + rest.substr(0, rest.find('/'));
}

// Checks a REST answer against the rest step's status, matchers and captures; true when it passed.
bool check_rest(ChargerRun& run, const Step& s, const ocpp::Result<RestReply>& r) {
    const std::string what = s.method + " " + s.path;
    if (!r) {
        run.fail(what + " to answer", r.error().message);
        return false;
    }
    const bool status_ok = s.status ? r->status == s.status : r->status / 100 == 2;
    if (!status_ok) {
        run.fail(what + " to answer " + (s.status ? std::to_string(s.status) : std::string("2xx")),
                 std::to_string(r->status) + " " + r->body.substr(0, 300));
        return false;
    }
    rapidjson::Document d;
    d.Parse(r->body.c_str(), r->body.size());
    if (d.HasParseError()) {
        d.SetNull();
    }
    return check_matchers(run, s.expect->match, d, "the answer to " + what) && capture(run, s.expect->capture, d);
}

using Reply = std::shared_ptr<std::optional<ocpp::Result<RestReply>>>;

// Waits for the answer to `request` and checks it.
void await_rest(ChargerRun& run, double seconds, const Step& request, const Reply& reply) {
    run.wait_for(
        seconds,
        [&run, reply, &request] {
            if (!*reply) {
                return ChargerRun::Check::NotYet;
            }
            if (run.link().async_rest == &request) {
                run.link().async_rest = nullptr;
            }
            if (check_rest(run, request, **reply)) {
                run.next();
            }
            return ChargerRun::Check::Done;
        },
        [] { return std::string("no HTTP answer"); }, request.method + " " + request.path + " to answer");
}

void run_rest(ChargerRun& run, const Step& s) {
    const RunEnv& env = run.env();
    if (!env.rest) {
        run.fail("a REST client", "this build has no REST client");
        return;
    }
    const auto path = expand_or_fail(run, s.path, "the path");
    if (!path) {
        return;
    }
    std::string body;
    if (!s.payload.empty()) {
        rapidjson::Document d;
        if (auto r = expand_json(s.payload, run.ctx(), d); !r) {
            run.fail("the body to expand", r.error().message);
            return;
        }
        body = to_json(d);
    }
    auto base = expand_text(env.target.api.empty() ? api_base_of(env.target.url) : env.target.api, run.ctx());
    auto token = expand_text(env.target.api_token, run.ctx());
    if (!base || !token) {
        run.fail("target.api and target.api_token to expand", (!base ? base : token).error().message);
        return;
    }
    auto reply = std::make_shared<std::optional<ocpp::Result<RestReply>>>();
    std::weak_ptr<ChargerRun> weak = run.weak_from_this();
    env.rest->request(*base, *token, s.method, *path, body, *env.loop, [weak, reply](ocpp::Result<RestReply> r) {
        if (auto self = weak.lock()) {
            reply->emplace(std::move(r));
            self->poke();
        }
    });
    if (s.async) {
        run.link().async_rest = &s;
        run.link().async_reply = reply;
        run.next();
        return;
    }
    await_rest(run, 30, s, reply);
}

void run_expect_rest(ChargerRun& run, const Step& s) {
    if (!run.link().async_rest) {
        run.fail("a rest step with async: true before this expect_rest", "none");
        return;
    }
    await_rest(run, s.within_s, *run.link().async_rest, run.link().async_reply);
}

} // namespace

extern const StepKind rest_step{"rest", parse_rest, run_rest};
extern const StepKind expect_rest_step{"expect_rest", parse_expect_rest, run_expect_rest};

} // namespace scen
