#pragma once
// The scenario parser's internals, shared by parse.cpp and the step kinds (steps/*.cpp): a YAML walker that throws
// ParseError (caught at the boundary of parse_scenario and turned into a Result) with "FILE:LINE:COLUMN: what is
// wrong".
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "simulator/scenario/parse.hpp"
#include "simulator/scenario/values.hpp"

namespace scen::detail {

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

    Scenario scenario(const YAML::Node& root);
    void target(const YAML::Node& t, Target& out);
    std::vector<Step> steps(const YAML::Node& list);
    std::vector<Matcher> matchers(const YAML::Node& map, const std::string& what);
    std::map<std::string, std::string> captures(const YAML::Node& map);
    // A CALLERROR code: those of OCPP-J 1.6, plus the errata's spelling OccurrenceConstraintViolation.
    std::string code(const YAML::Node& n) const;
    Expectation expectation(const YAML::Node& n);
    // The checks of a step's answer from its `match:` and `capture:` options (expect_call, rest).
    Expectation checks(const YAML::Node& opts, Pos at);
    // Reads one step through its kind (steps/registry.hpp) and appends it, after any steps it runs first.
    void step(const YAML::Node& n, std::vector<Step>& out);

private:
    std::string file_;
};

} // namespace scen::detail
