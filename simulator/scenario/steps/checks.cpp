#include "simulator/scenario/steps/checks.hpp"

#include <algorithm>

namespace scen {

namespace {

std::string expectation_text(const Expectation& e) {
    if (!e.error) {
        return "a CALLRESULT";
    }
    std::string codes;
    for (const auto& c : e.error_codes) {
        codes += (codes.empty() ? " " : " or ") + c;
    }
    return "a CALLERROR" + codes;
}

// Checks an arrived answer; true when it passed (the run failed otherwise).
bool check_answer(ChargerRun& run, const Expectation& e, const Answer& a) {
    if (a.error != e.error || (a.status != "CALLRESULT" && a.status != "CALLERROR")) {
        run.fail(expectation_text(e), a.summary());
        return false;
    }
    if (e.error && !e.error_codes.empty() &&
        std::find(e.error_codes.begin(), e.error_codes.end(), a.code) == e.error_codes.end()) {
        run.fail(expectation_text(e), a.summary());
        return false;
    }
    if (e.max_latency_ms && a.latency_ms > *e.max_latency_ms) {
        run.fail("an answer within " + number_text(*e.max_latency_ms) + " ms",
                 "it took " + number_text(a.latency_ms) + " ms");
        return false;
    }
    if (e.error) {
        rapidjson::Document d;
        d.SetString(a.description.c_str(), static_cast<rapidjson::SizeType>(a.description.size()), d.GetAllocator());
        return check_matchers(run, e.match, d, "a CALLERROR description") && capture(run, e.capture, a.payload);
    }
    return check_matchers(run, e.match, a.payload, "a CALLRESULT") && capture(run, e.capture, a.payload);
}

} // namespace

void expect_answer(ChargerRun& run, const Expectation& e) {
    if (!run.link().last) {
        run.fail(expectation_text(e), "nothing was sent before this expect");
        return;
    }
    run.wait_for(
        e.within_s,
        [&run, &e] {
            const Answer& a = *run.link().last;
            if (!a.arrived) {
                return ChargerRun::Check::NotYet;
            }
            if (check_answer(run, e, a)) {
                run.next();
            }
            return ChargerRun::Check::Done;
        },
        [] { return std::string("no answer"); }, expectation_text(e));
}

void expect_inline(ChargerRun& run, const std::optional<Expectation>& e) {
    if (e) {
        expect_answer(run, *e);
    } else {
        run.next();
    }
}

std::optional<std::string> expand_or_fail(ChargerRun& run, const std::string& text, const std::string& what) {
    auto expanded = expand_text(text, run.ctx());
    if (!expanded) {
        run.fail(what + " to expand", expanded.error().message);
        return std::nullopt;
    }
    return std::move(*expanded);
}

bool check_matchers(ChargerRun& run, const std::vector<Matcher>& match, const rapidjson::Value& value,
                    const std::string& what) {
    for (const auto& m : match) {
        if (auto problem = check(m, value, run.ctx())) {
            const std::string got = problem->rfind("got ", 0) == 0 ? problem->substr(4) : *problem;
            run.fail(what + " where " + describe(m) + " (line " + std::to_string(m.pos.line) + ")",
                     got + " in " + to_json(value, 300));
            return false;
        }
    }
    return true;
}

bool capture(ChargerRun& run, const std::map<std::string, std::string>& capture, const rapidjson::Value& value) {
    for (const auto& [name, path] : capture) {
        std::string error;
        const rapidjson::Value* v = find_path(value, path, &error);
        if (!v) {
            run.fail("a value at " + path + " to capture into " + name,
                     (error.empty() ? "nothing there" : error) + " in " + to_json(value, 300));
            return false;
        }
        run.ctx().set(name, *v);
    }
    return true;
}

void await_close(ChargerRun& run, const std::string& expected, const std::string& got_if_open) {
    run.wait_for(
        5,
        [&run] {
            if (!run.link().closed) {
                return ChargerRun::Check::NotYet;
            }
            run.link().peer.reset();
            run.next();
            return ChargerRun::Check::Done;
        },
        [got_if_open] { return got_if_open; }, expected);
}

} // namespace scen
