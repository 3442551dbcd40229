#include "simulator/report/compare.hpp"
#include "ocpp/text/number.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "simulator/report/report_file.hpp"

namespace sim {

namespace {

struct Figures {
    double ok_per_s = 0;
    double p99 = 0;
    double answered = 0;
};

Figures figures_of(const rapidjson::Value* a, double duration) {
    Figures f;
    if (!a) {
        return f;
    }
    f.answered = number_at(*a, "ok");
    f.ok_per_s = duration > 0 ? f.answered / duration : 0;
    if (const rapidjson::Value* lat = object_at(*a, "latency_ms")) {
        f.p99 = number_at(*lat, "p99");
    }
    return f;
}

using ocpp::text::fixed;

// "+12.5 %", "-3.0 %", "new" (from zero), "=" (both zero).
std::string change(double base, double next) {
    if (base == 0) {
        return next == 0 ? "=" : "new";
    }
    const double pct = (next - base) / base * 100.0;
    return (pct >= 0 ? "+" : "") + fixed(pct) + " %";
}

std::string pad(const std::string& s, std::size_t width, bool left) {
    if (s.size() >= width) {
        return s;
    }
    return left ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

} // namespace

Comparison compare_reports(const rapidjson::Document& base, const rapidjson::Document& next,
                           const CompareLimits& limits) {
    Comparison c;
    const double base_s = number_at(base, "duration_s"), next_s = number_at(next, "duration_s");
    std::set<std::string> names;
    for (const auto* doc : {&base, &next}) {
        for (const auto& m : (*doc)["actions"].GetObject()) {
            names.insert(m.name.GetString());
        }
    }
    c.table = pad("action", 26, false) + pad("ok/s base", 12, true) + pad("ok/s new", 12, true) +
              pad("change", 10, true) + pad("p99 base", 11, true) + pad("p99 new", 11, true) + pad("change", 10, true) +
              "\n";
    auto one = [&](const std::string& name, const rapidjson::Value* b, const rapidjson::Value* n) {
        const Figures fb = figures_of(b, base_s), fn = figures_of(n, next_s);
        c.table += pad(name, 26, false) + pad(fixed(fb.ok_per_s), 12, true) + pad(fixed(fn.ok_per_s), 12, true) +
                   pad(change(fb.ok_per_s, fn.ok_per_s), 10, true) + pad(fixed(fb.p99) + " ms", 11, true) +
                   pad(fixed(fn.p99) + " ms", 11, true) + pad(change(fb.p99, fn.p99), 10, true) + "\n";
        if (limits.max_p99_regression_pct && fb.p99 > 0 && fn.answered > 0 &&
            fn.p99 > fb.p99 * (1 + *limits.max_p99_regression_pct / 100.0)) {
            c.failures.push_back(name + ": p99 " + fixed(fb.p99) + " -> " + fixed(fn.p99) + " ms (" +
                                 change(fb.p99, fn.p99) + "), more than --max-p99-regression " +
                                 fixed(*limits.max_p99_regression_pct) + " %");
        }
        if (limits.max_throughput_drop_pct && fb.ok_per_s > 0 &&
            fn.ok_per_s < fb.ok_per_s * (1 - *limits.max_throughput_drop_pct / 100.0)) {
            c.failures.push_back(name + ": " + fixed(fb.ok_per_s) + " -> " + fixed(fn.ok_per_s) + " ok/s (" +
                                 change(fb.ok_per_s, fn.ok_per_s) + "), a larger drop than --max-throughput-drop " +
                                 fixed(*limits.max_throughput_drop_pct) + " %");
        }
    };
    auto find = [](const rapidjson::Document& d, const std::string& name) -> const rapidjson::Value* {
        const auto it = d["actions"].FindMember(name.c_str());
        return it == d["actions"].MemberEnd() ? nullptr : &it->value;
    };
    for (const auto& name : names) {
        one(name, find(base, name), find(next, name));
    }
    one("all", object_at(base, "all_actions"), object_at(next, "all_actions"));
    return c;
}

} // namespace sim
