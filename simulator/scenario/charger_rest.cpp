// The rest step: an HTTP request to the central system's REST API, sent by the RestClient off the loop.
#include "simulator/scenario/charger_run.hpp"

namespace scen {

namespace {

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

} // namespace

void ChargerRun::do_rest(const Step& s) {
    if (!env_.rest) {
        fail("a REST client", "this build has no REST client");
        return;
    }
    auto path = expand_text(s.path, ctx_);
    if (!path) {
        fail("the path to expand", path.error().message);
        return;
    }
    std::string body;
    if (!s.payload.empty()) {
        rapidjson::Document d;
        if (auto r = expand_json(s.payload, ctx_, d); !r) {
            fail("the body to expand", r.error().message);
            return;
        }
        body = to_json(d);
    }
    auto base = expand_text(env_.target.api.empty() ? api_base_of(env_.target.url) : env_.target.api, ctx_);
    auto token = expand_text(env_.target.api_token, ctx_);
    if (!base || !token) {
        fail("target.api and target.api_token to expand", (!base ? base : token).error().message);
        return;
    }
    auto reply = std::make_shared<std::optional<ocpp::Result<RestReply>>>();
    std::weak_ptr<ChargerRun> weak = weak_from_this();
    env_.rest->request(*base, *token, s.method, *path, body, *env_.loop, [weak, reply](ocpp::Result<RestReply> r) {
        if (auto self = weak.lock()) {
            reply->emplace(std::move(r));
            self->poke();
        }
    });
    if (s.async) {
        async_rest_ = &s;
        async_reply_ = reply;
        next();
        return;
    }
    wait_for(
        30,
        [this, reply, &s] {
            if (!*reply) {
                return Check::NotYet;
            }
            if (check_rest(s, **reply)) {
                next();
            }
            return Check::Done;
        },
        [] { return std::string("no HTTP answer"); }, s.method + " " + s.path + " to answer");
}

void ChargerRun::do_expect_rest(const Step& s) {
    if (!async_rest_) {
        fail("a rest step with async: true before this expect_rest", "none");
        return;
    }
    const Step& request = *async_rest_;
    auto reply = async_reply_;
    wait_for(
        s.within_s,
        [this, reply, &request] {
            if (!*reply) {
                return Check::NotYet;
            }
            async_rest_ = nullptr;
            if (check_rest(request, **reply)) {
                next();
            }
            return Check::Done;
        },
        [] { return std::string("no HTTP answer"); }, request.method + " " + request.path + " to answer");
}

bool ChargerRun::check_rest(const Step& s, const ocpp::Result<RestReply>& r) {
    const std::string what = s.method + " " + s.path;
    if (!r) {
        fail(what + " to answer", r.error().message);
        return false;
    }
    const bool status_ok = s.status ? r->status == s.status : r->status / 100 == 2;
    if (!status_ok) {
        fail(what + " to answer " + (s.status ? std::to_string(s.status) : std::string("2xx")),
             std::to_string(r->status) + " " + r->body.substr(0, 300));
        return false;
    }
    rapidjson::Document d;
    d.Parse(r->body.c_str(), r->body.size());
    if (d.HasParseError()) {
        d.SetNull();
    }
    return check_matchers(s.expect->match, d, "the answer to " + what) && capture(s.expect->capture, d);
}

} // namespace scen
