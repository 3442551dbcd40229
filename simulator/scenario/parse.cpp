#include "simulator/scenario/parse.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ocpp/rpc/errors.hpp"
#include "ocpp/system/small_file.hpp"
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace detail {

Scenario Parser::scenario(const YAML::Node& root) {
    keys(root, {"name", "description", "role", "listen", "listen_tls", "target", "chargers", "variables", "steps"},
         "the scenario");
    Scenario s;
    s.file = file_;
    if (!root["name"]) {
        fail(root, "the scenario needs a name:");
    }
    s.name = text(root["name"], "name");
    if (root["description"]) {
        s.description = text(root["description"], "description");
    }
    if (const auto r = root["role"]) {
        const std::string role = text(r, "role");
        if (role != "charger" && role != "central_system") {
            fail(r, "role: expected charger or central_system, got \"" + role + "\"");
        }
        s.role = role == "charger" ? Role::Charger : Role::CentralSystem;
    }
    if (const auto l = root["listen"]) {
        if (s.role != Role::CentralSystem) {
            fail(l, "listen: only for role: central_system");
        }
        s.listen = text(l, "listen");
        if (auto problem = listen_problem(s.listen)) {
            fail(l, "listen: " + *problem);
        }
    }
    if (const auto t = root["listen_tls"]) {
        if (s.role != Role::CentralSystem) {
            fail(t, "listen_tls: only for role: central_system");
        }
        keys(t, {"cert", "key", "client_ca"}, "listen_tls");
        for (auto [key, field] : {std::pair<const char*, std::string*>{"cert", &s.listen_tls.cert_file},
                                  {"key", &s.listen_tls.key_file},
                                  {"client_ca", &s.listen_tls.client_ca_file}}) {
            if (t[key]) {
                *field = text(t[key], std::string("listen_tls.") + key);
            }
        }
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
        if (auto problem = id_pattern_problem(s.id_pattern, s.chargers)) {
            fail(c.IsMap() && c["id"] ? c["id"] : c, "chargers.id: " + *problem);
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

void Parser::target(const YAML::Node& t, Target& out) {
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

std::vector<Step> Parser::steps(const YAML::Node& list) {
    std::vector<Step> out;
    for (const auto& n : list) {
        step(n, out);
    }
    return out;
}

void Parser::step(const YAML::Node& n, std::vector<Step>& out) {
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
    const StepKind* kind = name.empty() ? nullptr : find_step_kind(name);
    if (!kind) {
        fail(n, (name.empty() ? std::string() : "\"" + name + "\" is not a step; ") + "a step starts with one of " +
                    step_kind_keys());
    }
    Step s;
    s.kind = kind;
    s.pos = pos(n);
    const YAML::Node opts = n.IsMap() ? n : YAML::Node(YAML::NodeType::Map);
    kind->parse(StepSource{*this, n, name, value, opts}, s, out);
    out.push_back(std::move(s));
}

Expectation Parser::checks(const YAML::Node& opts, Pos at) {
    Expectation e;
    e.pos = at;
    if (opts["match"]) {
        e.match = matchers(opts["match"], "match");
    }
    if (opts["capture"]) {
        e.capture = captures(opts["capture"]);
    }
    return e;
}

std::vector<Matcher> Parser::matchers(const YAML::Node& map, const std::string& what) {
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

std::map<std::string, std::string> Parser::captures(const YAML::Node& map) {
    if (!map.IsMap()) {
        fail(map, "capture: expected a mapping of variable names to paths");
    }
    std::map<std::string, std::string> out;
    for (const auto& kv : map) {
        out[kv.first.as<std::string>()] = text(kv.second, "capture." + kv.first.as<std::string>());
    }
    return out;
}

std::string Parser::code(const YAML::Node& n) const {
    const std::string c = text(n, "error code");
    if (!ocpp::rpc::parse_error_code(c) && c != "OccurrenceConstraintViolation") {
        fail(n, "unknown CALLERROR code \"" + c + "\" (e.g. FormationViolation, NotImplemented)");
    }
    return c;
}

Expectation Parser::expectation(const YAML::Node& n) {
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

} // namespace detail

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
        return detail::Parser(file).scenario(root);
    } catch (const detail::ParseError& e) {
        return ocpp::make_error(e.message);
    } catch (const YAML::Exception& e) {
        return ocpp::make_error(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                                ": " + e.msg);
    }
}

ocpp::Result<Scenario> load_scenario(const std::string& path) {
    auto text = ocpp::read_small_file(path);
    if (!text) {
        return ocpp::make_error(text.error().message);
    }
    return parse_scenario(*text, path);
}

} // namespace scen
