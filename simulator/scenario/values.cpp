#include "simulator/scenario/values.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ocpp/text/datetime.hpp"

namespace scen {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) {
        return "";
    }
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

// The text of a value as it appears inside a longer string: strings without quotes, the rest as JSON.
std::string text_of(const rapidjson::Value& v) {
    if (v.IsString()) {
        return std::string(v.GetString(), v.GetStringLength());
    }
    return to_json(v);
}

// The first element of `list` that is an object whose `field` (a dotted path) has the text `value`.
const rapidjson::Value* find_element(const rapidjson::Value& list, const std::string& field, const std::string& value) {
    for (const auto& e : list.GetArray()) {
        if (!e.IsObject()) {
            continue;
        }
        const rapidjson::Value* f = find_path(e, field);
        if (f && !f->IsObject() && !f->IsArray() && text_of(*f) == value) {
            return &e;
        }
    }
    return nullptr;
}

// "name(args)" -> args when expr calls name; nullopt otherwise.
std::optional<std::string> call_args(const std::string& expr, const std::string& name) {
    if (expr.rfind(name + "(", 0) != 0 || expr.back() != ')') {
        return std::nullopt;
    }
    return trim(expr.substr(name.size() + 1, expr.size() - name.size() - 2));
}

// Finds the next ${...} at or after `from`; npos when none. `end` is the index after the closing brace.
std::size_t next_expression(const std::string& s, std::size_t from, std::size_t& end) {
    const auto start = s.find("${", from);
    if (start == std::string::npos) {
        return start;
    }
    end = s.find('}', start);
    if (end == std::string::npos) {
        return std::string::npos;
    }
    ++end;
    return start;
}

std::optional<double> number_of(const rapidjson::Value& v) {
    if (v.IsNumber()) {
        return v.GetDouble();
    }
    if (v.IsString()) {
        const std::string s(v.GetString(), v.GetStringLength());
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d)) {
            return d;
        }
    }
    return std::nullopt;
}

std::string format_number(double d) {
    if (d == std::floor(d) && std::fabs(d) < 1e15) {
        return std::to_string(static_cast<long long>(d));
    }
    return std::to_string(d);
}

} // namespace

Context::Context() {
    vars.SetObject();
}

std::chrono::system_clock::time_point Context::now() const {
    return now_override.time_since_epoch().count() != 0 ? now_override : std::chrono::system_clock::now();
}

void Context::set(const std::string& name, const rapidjson::Value& value) {
    auto& a = vars.GetAllocator();
    rapidjson::Value copy(value, a);
    auto it = vars.FindMember(name.c_str());
    if (it != vars.MemberEnd()) {
        it->value = copy;
    } else {
        vars.AddMember(rapidjson::Value(name.c_str(), a), copy, a);
    }
}

void Context::set_string(const std::string& name, const std::string& value) {
    rapidjson::Value v(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), vars.GetAllocator());
    set(name, v);
}

void Context::set_int(const std::string& name, long long value) {
    set(name, rapidjson::Value(static_cast<int64_t>(value)));
}

ocpp::Result<void> evaluate(const std::string& raw, Context& ctx, rapidjson::Value& out,
                            rapidjson::Document::AllocatorType& alloc) {
    const std::string expr = trim(raw);
    if (auto args = call_args(expr, "now")) {
        double offset = 0;
        if (!args->empty()) {
            char* end = nullptr;
            offset = std::strtod(args->c_str(), &end);
            if (end != args->c_str() + args->size() || !std::isfinite(offset)) {
                return ocpp::make_error("now(" + *args + "): expected a number of seconds such as now(-60)");
            }
        }
        const auto at = ctx.now() + std::chrono::milliseconds(static_cast<long long>(offset * 1000));
        const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(at);
        const std::string text = ocpp::format_datetime(ocpp::DateTime{ms});
        out.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc);
        return {};
    }
    if (auto args = call_args(expr, "counter")) {
        out.SetInt64(++ctx.counters[*args]);
        return {};
    }
    std::string error;
    const rapidjson::Value* v = find_path(ctx.vars, expr, &error);
    if (!error.empty()) {
        return ocpp::make_error("${" + expr + "}: " + error);
    }
    if (!v) {
        return ocpp::make_error("${" + expr + "}: no such variable (set it under variables:, with set: or capture:)");
    }
    out.CopyFrom(*v, alloc);
    return {};
}

ocpp::Result<void> expand(rapidjson::Value& value, rapidjson::Document::AllocatorType& alloc, Context& ctx) {
    if (value.IsObject()) {
        for (auto& m : value.GetObject()) {
            if (auto r = expand(m.value, alloc, ctx); !r) {
                return r;
            }
        }
        return {};
    }
    if (value.IsArray()) {
        for (auto& e : value.GetArray()) {
            if (auto r = expand(e, alloc, ctx); !r) {
                return r;
            }
        }
        return {};
    }
    if (!value.IsString()) {
        return {};
    }
    const std::string s(value.GetString(), value.GetStringLength());
    std::size_t end = 0;
    const auto start = next_expression(s, 0, end);
    if (start == std::string::npos) {
        return {};
    }
    if (start == 0 && end == s.size()) {
        return evaluate(s.substr(2, s.size() - 3), ctx, value, alloc);
    }
    auto text = expand_text(s, ctx);
    if (!text) {
        return text.error();
    }
    value.SetString(text->c_str(), static_cast<rapidjson::SizeType>(text->size()), alloc);
    return {};
}

ocpp::Result<void> expand_json(const std::string& json_template, Context& ctx, rapidjson::Document& out) {
    out.Parse(json_template.c_str(), json_template.size());
    if (out.HasParseError()) {
        return ocpp::make_error("not a JSON value: " + json_template);
    }
    return expand(out, out.GetAllocator(), ctx);
}

ocpp::Result<std::string> expand_text(const std::string& s, Context& ctx) {
    std::string out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        std::size_t end = 0;
        const auto start = next_expression(s, pos, end);
        if (start == std::string::npos) {
            break;
        }
        out.append(s, pos, start - pos);
        rapidjson::Document v;
        if (auto r = evaluate(s.substr(start + 2, end - start - 3), ctx, v, v.GetAllocator()); !r) {
            return r.error();
        }
        out += text_of(v);
        pos = end;
    }
    out.append(s, pos, std::string::npos);
    return out;
}

const rapidjson::Value* find_path(const rapidjson::Value& root, const std::string& path, std::string* error) {
    std::size_t i = 0;
    if (!path.empty() && path[0] == '$') {
        i = 1;
    }
    const rapidjson::Value* v = &root;
    while (i < path.size()) {
        if (path[i] == '.') {
            ++i;
            continue;
        }
        if (path[i] == '[') {
            const auto close = path.find(']', i);
            const std::string index = close == std::string::npos ? "" : path.substr(i + 1, close - i - 1);
            if (const auto eq = index.find('='); eq != std::string::npos && eq > 0) {
                // [field=value]: the first element of the list whose field holds that value (as its text).
                if (!v->IsArray()) {
                    return nullptr;
                }
                v = find_element(*v, index.substr(0, eq), index.substr(eq + 1));
                if (!v) {
                    return nullptr;
                }
                i = close + 1;
                continue;
            }
            if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos) {
                if (error) {
                    *error = "bad index in path \"" + path + "\" (expected [0], [1], ... or [field=value])";
                }
                return nullptr;
            }
            const auto n = std::strtoul(index.c_str(), nullptr, 10);
            if (!v->IsArray() || n >= v->Size()) {
                return nullptr;
            }
            v = &(*v)[static_cast<rapidjson::SizeType>(n)];
            i = close + 1;
            continue;
        }
        auto stop = path.find_first_of(".[", i);
        if (stop == std::string::npos) {
            stop = path.size();
        }
        const std::string key = path.substr(i, stop - i);
        if (!v->IsObject()) {
            return nullptr;
        }
        auto it = v->FindMember(key.c_str());
        if (it == v->MemberEnd()) {
            return nullptr;
        }
        v = &it->value;
        i = stop;
    }
    return v;
}

std::string describe(const Matcher& m) {
    const std::string where = m.path.empty() ? "the payload" : m.path;
    switch (m.kind) {
    case Matcher::Kind::Equals:
        return where + " equals " + m.json;
    case Matcher::Kind::Regex:
        return where + " matches /" + m.regex + "/";
    case Matcher::Kind::Range: {
        std::string lo = m.min ? format_number(*m.min) : "-inf";
        std::string hi = m.max ? format_number(*m.max) : "inf";
        return where + " in [" + lo + ", " + hi + "]";
    }
    case Matcher::Kind::Exists:
        return where + " exists";
    case Matcher::Kind::Absent:
        return where + " is absent";
    }
    return where;
}

std::optional<std::string> check(const Matcher& m, const rapidjson::Value& root, Context& ctx) {
    std::string error;
    const rapidjson::Value* v = find_path(root, m.path, &error);
    if (!error.empty()) {
        return error;
    }
    if (m.kind == Matcher::Kind::Absent) {
        return v ? std::optional<std::string>("got " + to_json(*v, 200)) : std::nullopt;
    }
    if (!v) {
        return std::string("it is missing");
    }
    switch (m.kind) {
    case Matcher::Kind::Equals: {
        rapidjson::Document expected;
        if (auto r = expand_json(m.json, ctx, expected); !r) {
            return r.error().message;
        }
        if (expected == *v) {
            return std::nullopt;
        }
        return "got " + to_json(*v, 200) +
               (m.json.find("${") != std::string::npos ? " (expected " + to_json(expected, 200) + ")" : "");
    }
    case Matcher::Kind::Regex: {
        if (!v->IsString() && !v->IsNumber() && !v->IsBool()) {
            return "got " + to_json(*v, 200) + ", not a string";
        }
        auto pattern = expand_text(m.regex, ctx);
        if (!pattern) {
            return pattern.error().message;
        }
        try {
            if (std::regex_search(text_of(*v), std::regex(*pattern, std::regex::ECMAScript))) {
                return std::nullopt;
            }
        } catch (const std::regex_error& e) {
            return "the regex /" + *pattern + "/ does not compile: " + e.what();
        }
        return "got " + to_json(*v, 200);
    }
    case Matcher::Kind::Range: {
        const auto d = number_of(*v);
        if (!d) {
            return "got " + to_json(*v, 200) + ", not a number";
        }
        if ((m.min && *d < *m.min) || (m.max && *d > *m.max)) {
            return "got " + to_json(*v, 200);
        }
        return std::nullopt;
    }
    case Matcher::Kind::Exists:
    case Matcher::Kind::Absent:
        return std::nullopt;
    }
    return std::nullopt;
}

std::string to_json(const rapidjson::Value& value, std::size_t limit) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    value.Accept(w);
    std::string s(buf.GetString(), buf.GetSize());
    if (limit > 0 && s.size() > limit) {
        s.resize(limit);
        s += "...";
    }
    return s;
}

std::string number_text(double value, int decimals) {
    char buf[64];
    if (decimals < 0) {
        std::snprintf(buf, sizeof buf, "%g", value);
    } else {
        std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    }
    return buf;
}

void deep_copy(const rapidjson::Value& value, rapidjson::Document& out) {
    const std::string text = to_json(value);
    out.Parse(text.c_str(), text.size());
}

} // namespace scen
