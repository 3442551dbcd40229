// The steps of a scenario file, one case per step type (scenarios/FORMAT.md).
#include "ocpp/rpc/errors.hpp"
#include "simulator/scenario/parser.hpp"

namespace scen::detail {

void Parser::step(const YAML::Node& n, std::vector<Step>& out) {
    static const std::map<std::string, Step::Kind> kinds{{"connect", Step::Kind::Connect},
                                                         {"disconnect", Step::Kind::Disconnect},
                                                         {"send", Step::Kind::Send},
                                                         {"expect", Step::Kind::Expect},
                                                         {"expect_call", Step::Kind::ExpectCall},
                                                         {"expect_close", Step::Kind::ExpectClose},
                                                         {"wait", Step::Kind::Wait},
                                                         {"repeat", Step::Kind::Repeat},
                                                         {"fault", Step::Kind::Fault},
                                                         {"rest", Step::Kind::Rest},
                                                         {"set", Step::Kind::Set},
                                                         {"expect_rest", Step::Kind::ExpectRest},
                                                         {"reconnect", Step::Kind::Connect}};
    Step s;
    s.pos = pos(n);
    std::string name;
    YAML::Node value;
    if (n.IsScalar()) {
        name = n.Scalar();
    } else if (n.IsMap()) {
        // The first key names the step; the others are its options.
        const auto first = n.begin();
        name = first->first.as<std::string>();
        value = first->second;
    }
    if (name.empty() || !kinds.count(name)) {
        fail(n, (name.empty() ? std::string() : "\"" + name + "\" is not a step; ") +
                    "a step starts with one of connect, reconnect, disconnect, send, expect, expect_call, "
                    "expect_close, wait, repeat, fault, rest, expect_rest, set");
    }
    s.kind = kinds.at(name);
    const YAML::Node opts = n.IsMap() ? n : YAML::Node(YAML::NodeType::Map);
    auto allow = [&](std::set<std::string> extra) {
        extra.insert(name);
        keys(opts, extra, name + " step");
    };
    switch (s.kind) {
    case Step::Kind::Connect: {
        allow({"password", "refused", "certificate"});
        const YAML::Node o = value.IsMap() ? value : opts; // connect: {password: x} or sibling keys
        if (value.IsMap()) {
            keys(value, {"password", "refused", "certificate"}, name);
        }
        if (o["password"]) {
            s.password = text(o["password"], "password");
        }
        if (o["refused"]) {
            if (o["refused"].IsScalar() && o["refused"].Scalar() == "tls") {
                s.refused_tls = true;
            } else if (const std::string v = o["refused"].IsScalar() ? o["refused"].Scalar() : "";
                       v.empty() || v.find_first_not_of("0123456789") != std::string::npos) {
                fail(o["refused"], "refused: expected an HTTP status such as 401, or tls (the TLS handshake fails)");
            } else {
                s.refused_status = integer(o["refused"], "refused", 100);
            }
        }
        if (o["certificate"]) {
            if (text(o["certificate"], "certificate") != "none") {
                fail(o["certificate"], "certificate: expected none (connect without the client certificate); the "
                                       "certificate itself is target.cert and target.key");
            }
            s.without_certificate = true;
        }
        if (name == "reconnect") {
            Step d;
            d.kind = Step::Kind::Disconnect;
            d.pos = s.pos;
            out.push_back(d);
        }
        break;
    }
    case Step::Kind::Disconnect:
        allow({"code"});
        if (value.IsMap()) {
            keys(value, {"code"}, name);
        }
        if (const YAML::Node o = value.IsMap() ? value : opts; o["code"]) {
            s.code = integer(o["code"], "code", 1000);
        }
        break;
    case Step::Kind::Send:
        allow({"payload", "validate", "expect"});
        s.action = text(value, "send");
        s.payload = opts["payload"] ? json(opts["payload"]) : "{}";
        if (opts["validate"]) {
            s.validate = boolean(opts["validate"], "validate");
        }
        break;
    case Step::Kind::Expect:
        allow({});
        s.expect = expectation(value);
        break;
    case Step::Kind::ExpectCall:
        allow({"within", "match", "capture", "reply", "reply_error", "delay"});
        s.action = text(value, "expect_call");
        s.expect = Expectation{};
        s.expect->pos = s.pos;
        if (opts["match"]) {
            s.expect->match = matchers(opts["match"], "match");
        }
        if (opts["capture"]) {
            s.expect->capture = captures(opts["capture"]);
        }
        if (opts["within"]) {
            s.within_s = number(opts["within"], "within");
        }
        if (opts["reply"] && opts["reply_error"]) {
            fail(opts["reply_error"], "expect_call: give reply or reply_error, not both");
        }
        s.payload = opts["reply"] ? json(opts["reply"]) : "{}";
        if (opts["reply_error"]) {
            s.reply_error = code(opts["reply_error"]);
        }
        if (opts["delay"]) {
            s.delay_s = number(opts["delay"], "delay");
        }
        break;
    case Step::Kind::ExpectClose:
        allow({});
        if (value.IsMap()) {
            keys(value, {"within", "code"}, "expect_close");
            if (value["within"]) {
                s.within_s = number(value["within"], "expect_close.within");
            }
            if (value["code"]) {
                s.code = integer(value["code"], "expect_close.code", 0);
            }
        } else {
            s.code = 0;
        }
        break;
    case Step::Kind::Wait:
        allow({});
        s.seconds = text(value, "wait");
        if (s.seconds.find("${") == std::string::npos) {
            number(value, "wait");
        }
        break;
    case Step::Kind::Repeat:
        allow({"steps", "until"});
        s.times = integer(value, "repeat", 1);
        if (!opts["steps"] || !opts["steps"].IsSequence()) {
            fail(n, "repeat: needs steps: with a list of steps");
        }
        s.steps = steps(opts["steps"]);
        if (opts["until"]) {
            s.until = matchers(opts["until"], "until");
        }
        break;
    case Step::Kind::Fault:
        allow({"text", "id", "bytes", "expect"});
        s.action = text(value, "fault");
        if (s.action != "malformed" && s.action != "raw" && s.action != "wrong_id" && s.action != "oversize" &&
            s.action != "drop") {
            fail(value, "fault: expected malformed, raw, wrong_id, oversize or drop, got \"" + s.action + "\"");
        }
        if (opts["text"]) {
            s.payload = text(opts["text"], "text");
        } else if (s.action == "raw") {
            fail(n, "fault: raw needs text: with the frame to send");
        }
        if (opts["id"]) {
            s.frame_id = text(opts["id"], "id");
        }
        s.bytes = opts["bytes"] ? static_cast<std::size_t>(integer(opts["bytes"], "bytes", 1)) : 70000;
        break;
    case Step::Kind::Rest: {
        allow({"body", "status", "match", "capture", "async"});
        if (opts["async"]) {
            s.async = boolean(opts["async"], "async");
        }
        const std::string line = text(value, "rest");
        const auto space = line.find(' ');
        s.method = line.substr(0, space);
        s.path = space == std::string::npos ? "" : line.substr(space + 1);
        if (s.path.empty() || s.path[0] != '/') {
            fail(value, "rest: expected METHOD /path, e.g. POST /api/v1/chargers");
        }
        if (opts["body"]) {
            s.payload = json(opts["body"]);
        }
        if (opts["status"]) {
            s.status = integer(opts["status"], "status", 100);
        }
        s.expect = Expectation{};
        s.expect->pos = s.pos;
        if (opts["match"]) {
            s.expect->match = matchers(opts["match"], "match");
        }
        if (opts["capture"]) {
            s.expect->capture = captures(opts["capture"]);
        }
        break;
    }
    case Step::Kind::ExpectRest:
        allow({});
        if (value.IsMap()) {
            keys(value, {"within"}, "expect_rest");
            if (value["within"]) {
                s.within_s = number(value["within"], "expect_rest.within");
            }
        }
        break;
    case Step::Kind::Set:
        allow({});
        if (!value.IsMap()) {
            fail(value, "set: expected a mapping of variable names to values");
        }
        for (const auto& kv : value) {
            s.values[kv.first.as<std::string>()] = json(kv.second);
        }
        break;
    }
    if (opts["expect"] && (s.kind == Step::Kind::Send || s.kind == Step::Kind::Fault)) {
        s.expect = expectation(opts["expect"]);
    }
    out.push_back(std::move(s));
}

} // namespace scen::detail
