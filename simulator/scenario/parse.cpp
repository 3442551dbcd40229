#include "simulator/scenario/parse.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "ocpp/rpc/errors.hpp"
#include "simulator/scenario/values.hpp"

namespace scen {

namespace {

// Thrown inside this file only and turned into a Result at its boundary.
struct ParseError {
    std::string message;
};

class Parser {
public:
    explicit Parser(std::string file)
        : file_(std::move(file)) {}

    [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
        const auto m = node.Mark();
        throw ParseError{file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " +
                         message};
    }
    static Pos pos(const YAML::Node& node) { return Pos{node.Mark().line + 1, node.Mark().column + 1}; }

    // The keys of a mapping must come from `allowed`.
    void keys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& what) const {
        if (!map.IsMap()) {
            fail(map, what + ": expected a mapping");
        }
        for (const auto& kv : map) {
            const auto key = kv.first.as<std::string>();
            if (!allowed.count(key)) {
                std::string list;
                for (const auto& a : allowed) {
                    list += (list.empty() ? "" : ", ") + a;
                }
                fail(kv.first, "unknown key \"" + key + "\" in " + what + " (allowed: " + list + ")");
            }
        }
    }
    std::string text(const YAML::Node& n, const std::string& what) const {
        if (!n.IsScalar()) {
            fail(n, what + ": expected a text");
        }
        return n.Scalar();
    }
    double number(const YAML::Node& n, const std::string& what) const {
        const std::string s = n.IsScalar() ? n.Scalar() : "";
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(d)) {
            fail(n, what + ": expected a number, got " + (n.IsScalar() ? "\"" + s + "\"" : "a collection"));
        }
        return d;
    }
    int integer(const YAML::Node& n, const std::string& what, int min) const {
        const double d = number(n, what);
        if (d != std::floor(d) || d < min || d > 1e9) {
            fail(n, what + ": expected a whole number of at least " + std::to_string(min) + ", got " + n.Scalar());
        }
        return static_cast<int>(d);
    }
    bool boolean(const YAML::Node& n, const std::string& what) const {
        const std::string s = n.IsScalar() ? n.Scalar() : "";
        if (s == "true") {
            return true;
        }
        if (s == "false") {
            return false;
        }
        fail(n, what + ": expected true or false");
    }
    std::string json(const YAML::Node& n) const {
        rapidjson::Document d;
        yaml_to_json(n, d, d.GetAllocator());
        return to_json(d);
    }

    Scenario scenario(const YAML::Node& root) {
        keys(root, {"name", "description", "target", "chargers", "variables", "steps"}, "the scenario");
        Scenario s;
        s.file = file_;
        if (!root["name"]) {
            fail(root, "the scenario needs a name:");
        }
        s.name = text(root["name"], "name");
        if (root["description"]) {
            s.description = text(root["description"], "description");
        }
        if (const auto t = root["target"]) {
            target(t, s.target);
        }
        if (const auto c = root["chargers"]) {
            if (c.IsScalar()) {
                s.chargers = integer(c, "chargers", 1);
            } else {
                keys(c, {"count", "id"}, "chargers");
                if (c["count"]) {
                    s.chargers = integer(c["count"], "chargers.count", 1);
                }
                if (c["id"]) {
                    s.id_pattern = text(c["id"], "chargers.id");
                }
            }
        }
        if (const auto v = root["variables"]) {
            if (!v.IsMap()) {
                fail(v, "variables: expected a mapping of names to values");
            }
            for (const auto& kv : v) {
                s.variables[kv.first.as<std::string>()] = json(kv.second);
            }
        }
        if (!root["steps"] || !root["steps"].IsSequence() || root["steps"].size() == 0) {
            fail(root["steps"] ? root["steps"] : root, "steps: expected a list of at least one step");
        }
        s.steps = steps(root["steps"]);
        return s;
    }

    void target(const YAML::Node& t, Target& out) {
        keys(t, {"url", "security_profile", "password", "ca", "cert", "key", "api", "api_token"}, "target");
        if (t["url"]) {
            out.url = text(t["url"], "target.url");
        }
        if (t["security_profile"]) {
            out.security_profile = integer(t["security_profile"], "target.security_profile", 0);
            if (out.security_profile > 3) {
                fail(t["security_profile"], "target.security_profile: expected 0, 1, 2 or 3");
            }
        }
        if (t["password"]) {
            out.password = text(t["password"], "target.password");
        }
        for (auto [key, field] : {std::pair<const char*, std::string*>{"ca", &out.ca_file},
                                  {"cert", &out.cert_file},
                                  {"key", &out.key_file},
                                  {"api", &out.api},
                                  {"api_token", &out.api_token}}) {
            if (t[key]) {
                *field = text(t[key], std::string("target.") + key);
            }
        }
    }

    std::vector<Step> steps(const YAML::Node& list) {
        std::vector<Step> out;
        for (const auto& n : list) {
            step(n, out);
        }
        return out;
    }

    std::vector<Matcher> matchers(const YAML::Node& map, const std::string& what) {
        if (!map.IsMap()) {
            fail(map, what + ": expected a mapping of paths to matchers");
        }
        std::vector<Matcher> out;
        for (const auto& kv : map) {
            const std::string path = kv.first.as<std::string>();
            const YAML::Node& spec = kv.second;
            Matcher base;
            base.path = path;
            base.pos = pos(kv.first);
            if (!spec.IsMap()) {
                base.json = json(spec);
                out.push_back(base);
                continue;
            }
            keys(spec, {"equals", "regex", "range", "exists", "absent", "min", "max"}, "the matcher of " + path);
            for (const auto& m : spec) {
                Matcher x = base;
                const auto key = m.first.as<std::string>();
                if (key == "equals") {
                    x.json = json(m.second);
                } else if (key == "regex") {
                    x.kind = Matcher::Kind::Regex;
                    x.regex = text(m.second, path + ".regex");
                } else if (key == "range") {
                    x.kind = Matcher::Kind::Range;
                    if (!m.second.IsSequence() || m.second.size() != 2) {
                        fail(m.second, path + ".range: expected [min, max] (~ for an open end)");
                    }
                    if (!m.second[0].IsNull()) {
                        x.min = number(m.second[0], path + ".range");
                    }
                    if (!m.second[1].IsNull()) {
                        x.max = number(m.second[1], path + ".range");
                    }
                } else if (key == "min" || key == "max") {
                    x.kind = Matcher::Kind::Range;
                    (key == "min" ? x.min : x.max) = number(m.second, path + "." + key);
                } else {
                    x.kind = boolean(m.second, path + "." + key) == (key == "exists") ? Matcher::Kind::Exists
                                                                                      : Matcher::Kind::Absent;
                }
                out.push_back(x);
            }
        }
        return out;
    }

    std::map<std::string, std::string> captures(const YAML::Node& map) {
        if (!map.IsMap()) {
            fail(map, "capture: expected a mapping of variable names to paths");
        }
        std::map<std::string, std::string> out;
        for (const auto& kv : map) {
            out[kv.first.as<std::string>()] = text(kv.second, "capture." + kv.first.as<std::string>());
        }
        return out;
    }

    // A CALLERROR code: those of OCPP-J 1.6, plus the errata's spelling OccurrenceConstraintViolation.
    std::string code(const YAML::Node& n) const {
        const std::string c = text(n, "error code");
        if (!ocpp::rpc::parse_error_code(c) && c != "OccurrenceConstraintViolation") {
            fail(n, "unknown CALLERROR code \"" + c + "\" (e.g. FormationViolation, NotImplemented)");
        }
        return c;
    }

    Expectation expectation(const YAML::Node& n) {
        keys(n, {"result", "error", "capture", "within", "max_latency_ms"}, "expect");
        Expectation e;
        e.pos = pos(n);
        if (n["result"] && n["error"]) {
            fail(n["error"], "expect: give result or error, not both");
        }
        if (const auto r = n["result"]; r && !r.IsNull()) {
            e.match = matchers(r, "expect.result");
        }
        if (const auto err = n["error"]) {
            e.error = true;
            auto codes = [&](const YAML::Node& c) {
                if (c.IsSequence()) {
                    for (const auto& x : c) {
                        e.error_codes.push_back(code(x));
                    }
                } else if (c.Scalar() != "any") {
                    e.error_codes.push_back(code(c));
                }
            };
            if (!err.IsMap()) {
                codes(err);
            } else {
                keys(err, {"code", "description"}, "expect.error");
                if (err["code"]) {
                    codes(err["code"]);
                }
                if (err["description"]) {
                    e.match = matchers(err["description"], "expect.error.description");
                }
            }
        }
        if (n["capture"]) {
            e.capture = captures(n["capture"]);
        }
        if (n["within"]) {
            e.within_s = number(n["within"], "expect.within");
        }
        if (n["max_latency_ms"]) {
            e.max_latency_ms = number(n["max_latency_ms"], "expect.max_latency_ms");
        }
        return e;
    }

    void step(const YAML::Node& n, std::vector<Step>& out) {
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
            fail(n, "a step starts with one of connect, reconnect, disconnect, send, expect, expect_call, "
                    "expect_close, wait, repeat, fault, rest, set");
        }
        s.kind = kinds.at(name);
        const YAML::Node opts = n.IsMap() ? n : YAML::Node(YAML::NodeType::Map);
        auto allow = [&](std::set<std::string> extra) {
            extra.insert(name);
            keys(opts, extra, name + " step");
        };
        switch (s.kind) {
        case Step::Kind::Connect: {
            allow({"password", "refused"});
            const YAML::Node o = value.IsMap() ? value : opts; // connect: {password: x} or sibling keys
            if (value.IsMap()) {
                keys(value, {"password", "refused"}, name);
            }
            if (o["password"]) {
                s.password = text(o["password"], "password");
            }
            if (o["refused"]) {
                s.refused_status = integer(o["refused"], "refused", 100);
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
            allow({"body", "status", "match", "capture"});
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

private:
    std::string file_;
};

} // namespace

void yaml_to_json(const YAML::Node& node, rapidjson::Value& out, rapidjson::Document::AllocatorType& alloc) {
    if (node.IsMap()) {
        out.SetObject();
        for (const auto& kv : node) {
            rapidjson::Value v;
            yaml_to_json(kv.second, v, alloc);
            const auto key = kv.first.as<std::string>();
            out.AddMember(rapidjson::Value(key.c_str(), static_cast<rapidjson::SizeType>(key.size()), alloc), v, alloc);
        }
        return;
    }
    if (node.IsSequence()) {
        out.SetArray();
        for (const auto& e : node) {
            rapidjson::Value v;
            yaml_to_json(e, v, alloc);
            out.PushBack(v, alloc);
        }
        return;
    }
    if (!node.IsDefined() || node.IsNull()) {
        out.SetNull();
        return;
    }
    const std::string& s = node.Scalar();
    if (node.Tag() == "?") { // plain scalar: type by its text
        if (s == "true" || s == "false") {
            out.SetBool(s == "true");
            return;
        }
        char* end = nullptr;
        errno = 0;
        const long long i = std::strtoll(s.c_str(), &end, 10);
        if (!s.empty() && end == s.c_str() + s.size() && errno == 0) {
            out.SetInt64(i);
            return;
        }
        const double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d)) {
            out.SetDouble(d);
            return;
        }
    }
    out.SetString(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}

ocpp::Result<Scenario> parse_scenario(const std::string& text, const std::string& file) {
    try {
        const YAML::Node root = YAML::Load(text);
        if (!root.IsMap()) {
            return ocpp::make_error(file + ":1:1: expected a mapping with name:, steps: and so on");
        }
        return Parser(file).scenario(root);
    } catch (const ParseError& e) {
        return ocpp::make_error(e.message);
    } catch (const YAML::Exception& e) {
        return ocpp::make_error(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                                ": " + e.msg);
    }
}

ocpp::Result<Scenario> load_scenario(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return ocpp::make_error(path + ": cannot read: " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_scenario(text.str(), path);
}

} // namespace scen
