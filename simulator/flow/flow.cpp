// `ocpp-simulator flow`: the REST steps, then the fleet connects and charges, then the REST API is checked.
#include "simulator/flow/flow.hpp"
#include "ocpp/text/number.hpp"

#include <unistd.h>

#include <cstdio>

#include "ocpp/program/flags.hpp"
#include "ocpp/system/stop_signals.hpp"
#include "simulator/fleet/fleet.hpp"
#include "simulator/fleet/report.hpp"
#include "simulator/flow/rest_steps.hpp"
#include "simulator/run.hpp"

namespace sim {

namespace {

using flow::FlowCharger;

void say_flow(const std::string& line) {
    std::fprintf(stderr, "ocpp-simulator flow: %s\n", line.c_str());
}

Options fleet_options(const FlowOptions& o) {
    Options r;
    r.url = o.ocpp_url;
    r.threads = o.threads;
    r.ramp = o.ramp;
    r.call_timeout_s = 30;
    return r;
}

PlannedCharger planned(const FlowOptions& o, const FlowCharger& c) {
    ChargerSpec s;
    s.id = c.id;
    s.url = o.ocpp_url;
    s.password = c.password;
    s.connectors = o.connectors;
    s.power_kw = o.power_kw;
    s.heartbeat_interval = std::chrono::seconds(o.heartbeat_interval_s);
    s.meter_interval = std::chrono::seconds(o.meter_interval_s);
    s.sessions_per_hour = o.sessions_per_hour;
    const auto length =
        std::chrono::duration_cast<ocpp::Clock::Duration>(std::chrono::duration<double>(o.session_seconds));
    s.session_min = s.session_mean = s.session_max = length;
    s.id_tags = {c.id_tag};
    s.first_session_after = std::chrono::seconds(1);
    return PlannedCharger{std::move(s), c.index, charger_seed(1, c.index)};
}

// Step from the fleet's statistics: `ok` of `expected`, latency of the given actions. After an interrupt only what
// went wrong (`errors`: CALLERRORs, timeouts, refusals) is failed; the rest had no time and is skipped.
FlowStep fleet_step(const char* name, std::uint64_t ok, std::uint64_t expected, const Stats& stats,
                    std::initializer_list<const char*> actions, bool interrupted, std::uint64_t errors) {
    FlowStep step;
    step.name = name;
    step.ok = std::min(ok, expected);
    step.failed = expected - step.ok;
    if (interrupted) {
        step.skipped = step.failed - std::min(step.failed, errors);
        step.failed -= step.skipped;
    }
    for (const char* a : actions) {
        if (auto it = stats.actions.find(a); it != stats.actions.end()) {
            step.latency.merge(it->second.latency);
        }
    }
    return step;
}

// What went wrong with the given actions: CALLERRORs, timeouts and calls that failed.
std::uint64_t action_errors(const Stats& stats, std::initializer_list<const char*> actions) {
    std::uint64_t n = 0;
    for (const char* a : actions) {
        if (auto it = stats.actions.find(a); it != stats.actions.end()) {
            n += it->second.call_errors + it->second.timeouts + it->second.failed;
        }
    }
    return n;
}

// "1 charger", "1,000 chargers".
std::string chargers_text(std::uint64_t n) {
    return with_commas(n) + (n == 1 ? " charger" : " chargers");
}

using ocpp::text::fixed;

std::string steps_table(const std::vector<FlowStep>& steps) {
    char line[256];
    std::snprintf(line, sizeof line, "%-14s %9s %9s %9s %9s %9s %9s %9s\n", "step", "ok", "failed", "skipped", "p50 ms",
                  "p95 ms", "p99 ms", "max ms");
    std::string out = line;
    for (const auto& s : steps) {
        std::snprintf(line, sizeof line, "%-14s %9s %9s %9s %9s %9s %9s %9s\n", s.name.c_str(),
                      with_commas(s.ok).c_str(), with_commas(s.failed).c_str(), with_commas(s.skipped).c_str(),
                      fixed(s.latency.quantile_ms(0.5)).c_str(), fixed(s.latency.quantile_ms(0.95)).c_str(),
                      fixed(s.latency.quantile_ms(0.99)).c_str(), fixed(s.latency.max_ms()).c_str());
        out += line;
    }
    return out;
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string flow_report(const FlowOptions& o, const std::vector<FlowStep>& steps, bool passed, double seconds,
                        const std::string& dashboard) {
    std::string out =
        "{\"command\":\"flow\",\"central\":" + json_string(o.central) + ",\"ocppUrl\":" + json_string(o.ocpp_url) +
        ",\"chargers\":" + std::to_string(o.chargers) + ",\"claimCodes\":" + (o.claims.empty() ? "false" : "true") +
        ",\"passed\":" + (passed ? "true" : "false") + ",\"durationSeconds\":" + fixed(seconds) + ",\"steps\":[";
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto& s = steps[i];
        out += std::string(i ? "," : "") + "{\"name\":" + json_string(s.name) + ",\"ok\":" + std::to_string(s.ok) +
               ",\"failed\":" + std::to_string(s.failed) + ",\"skipped\":" + std::to_string(s.skipped) +
               ",\"latencyMs\":{\"p50\":" + fixed(s.latency.quantile_ms(0.5)) +
               ",\"p95\":" + fixed(s.latency.quantile_ms(0.95)) + ",\"p99\":" + fixed(s.latency.quantile_ms(0.99)) +
               ",\"max\":" + fixed(s.latency.max_ms()) + "},\"errors\":[";
        for (std::size_t e = 0; e < s.errors.size(); ++e) {
            out += (e ? "," : "") + json_string(s.errors[e]);
        }
        out += "]}";
    }
    out += "],\"dashboard\":" + (dashboard.empty() ? std::string("null") : dashboard) + "}\n";
    return out;
}

// Runs the fleet until every ready charger has had a session acknowledged (and --duration passed), the timeout
// passes or a signal comes; then stops it. Returns the statistics.
Stats run_fleet(const FlowOptions& o, const std::vector<FlowCharger>& chargers, std::uint64_t ready,
                ocpp::StopSignals& signals, bool& interrupted) {
    auto schemas = ocpp::validation::Registry::v16();
    if (!schemas) {
        say_flow("cannot load the OCPP 1.6 schemas: " + schemas.error().message);
        return {};
    }
    std::vector<PlannedCharger> plan;
    for (const auto& c : chargers) {
        if (c.ready) {
            plan.push_back(planned(o, c));
        }
    }
    ocpp::Logger log(o.log_level);
    Fleet fleet(fleet_config(fleet_options(o)), std::move(plan), *schemas, log, default_transport());
    const auto start = std::chrono::steady_clock::now();
    fleet.start();
    StatusPrinter status(stdout, ::isatty(::fileno(stdout)) == 1, start, std::chrono::seconds(5));
    const auto timeout = std::chrono::duration<double>(o.timeout_s + o.duration_s);
    const auto duration = std::chrono::duration<double>(o.duration_s);
    while (true) {
        const Stats s = fleet.snapshot();
        status.update(s, ready, std::chrono::steady_clock::now());
        const auto elapsed = std::chrono::steady_clock::now() - start;
        auto it = s.actions.find("StopTransaction");
        const std::uint64_t stopped = it == s.actions.end() ? 0 : it->second.ok;
        if ((stopped >= ready && elapsed >= duration) || elapsed >= timeout) {
            break;
        }
        if (signals.wait_for(std::chrono::milliseconds(500))) {
            interrupted = true;
            break;
        }
    }
    status.finish();
    const int before = signals.count();
    if (!fleet.stop(std::chrono::seconds(15), [&] { return signals.count() > before; })) {
        say_flow("warning: not every charger finished stopping in time");
    }
    return fleet.snapshot();
}

} // namespace

void FlowStep::fail(const std::string& error) {
    ++failed;
    if (errors.size() < kErrorsKept) {
        errors.push_back(error);
    }
}

int run_flow(const FlowOptions& o) {
    const auto start = std::chrono::steady_clock::now();
    const FdLimit limit = raise_fd_limit();
    if (auto refusal = check_fd_limit(o.chargers + static_cast<std::uint64_t>(o.concurrency), limit.soft)) {
        say_flow(*refusal);
        return 1;
    }
    ocpp::StopSignals signals;
    auto chargers = flow::plan_flow_chargers(o);
    say_flow(chargers_text(o.chargers) + ": create" + (o.claims.empty() ? "" : " from claiming codes") +
             ", commission and register an id tag through " + o.central + "/api/v1, then connect to " + o.ocpp_url +
             " and charge one session each; Ctrl-C stops");
    std::vector<FlowStep> steps;
    auto rest_step = [&](const char* name, const std::function<bool(const FlowCharger&)>& wanted,
                         const std::function<flow::StepResult(HttpClient&, FlowCharger&)>& work) {
        FlowStep step;
        step.name = name;
        flow::run_step(o, chargers, step, wanted, work, [&] { return signals.count() > 0; });
        say_flow(std::string(name) + ": " + with_commas(step.ok) + " ok, " + with_commas(step.failed) + " failed" +
                 (step.skipped > 0 ? ", " + with_commas(step.skipped) + " skipped (interrupted)" : ""));
        steps.push_back(std::move(step));
    };
    rest_step(
        "create", [](const FlowCharger&) { return true; },
        [&](HttpClient& h, FlowCharger& c) { return flow::create_charger(o, h, c); });
    rest_step(
        "commission", [](const FlowCharger& c) { return c.created; },
        [&](HttpClient& h, FlowCharger& c) { return flow::commission_charger(o, h, c); });
    if (o.price_per_kwh) {
        rest_step(
            "price", [](const FlowCharger& c) { return c.commissioned; },
            [&](HttpClient& h, FlowCharger& c) { return flow::set_price(o, h, c); });
    }
    rest_step(
        "idtag", [&](const FlowCharger& c) { return c.commissioned && (c.priced || !o.price_per_kwh); },
        [&](HttpClient& h, FlowCharger& c) { return flow::register_id_tag(h, c); });

    std::uint64_t ready = 0;
    for (const auto& c : chargers) {
        ready += c.ready ? 1 : 0;
    }
    bool interrupted = signals.count() > 0;
    Stats stats;
    if (ready > 0 && !interrupted) {
        stats = run_fleet(o, chargers, ready, signals, interrupted);
    }
    std::uint64_t refused_connections = 0;
    for (const auto& [cause, n] : stats.connect_errors) {
        refused_connections += n;
    }
    steps.push_back(fleet_step("connect+boot", stats.boots_accepted, ready, stats, {"BootNotification"}, interrupted,
                               refused_connections + action_errors(stats, {"BootNotification"})));
    for (const auto& [cause, n] : stats.connect_errors) {
        steps.back().errors.push_back(with_commas(n) + " connection attempt(s) failed: " + cause);
    }
    const auto stop_it = stats.actions.find("StopTransaction");
    steps.push_back(fleet_step("charge", stop_it == stats.actions.end() ? 0 : stop_it->second.ok, ready, stats,
                               {"Authorize", "StartTransaction", "MeterValues", "StopTransaction"}, interrupted,
                               stats.sessions_refused + action_errors(stats, {"Authorize", "StartTransaction",
                                                                              "MeterValues", "StopTransaction"})));
    if (stats.sessions_refused > 0) {
        steps.back().errors.push_back(with_commas(stats.sessions_refused) +
                                      " session(s) refused (Authorize not Accepted, or not connected)");
    }
    for (const auto& [action, a] : stats.actions) {
        const auto bad = a.call_errors + a.timeouts + a.failed;
        if (bad > 0) {
            steps.back().errors.push_back(action + ": " + with_commas(a.call_errors) + " CALLERROR(s), " +
                                          with_commas(a.timeouts) + " timeout(s), " + with_commas(a.failed) +
                                          " failed");
        }
    }
    rest_step(
        "verify", [](const FlowCharger& c) { return c.ready; },
        [&](HttpClient& h, FlowCharger& c) { return flow::verify_sessions(h, c); });

    std::string dashboard;
    {
        HttpClient http(flow::http_config(o));
        if (auto d = http.request("GET", "/api/v1/dashboard"); d && d->ok()) {
            dashboard = d->body;
            while (!dashboard.empty() && (dashboard.back() == '\n' || dashboard.back() == ' ')) {
                dashboard.pop_back();
            }
        }
    }
    bool passed = !interrupted;
    bool failed = false; // something went wrong (an interrupted run may have no failure, only skipped work)
    for (const auto& s : steps) {
        passed = passed && s.failed == 0 && s.ok == o.chargers;
        failed = failed || s.failed > 0;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string out = "\n" + steps_table(steps);
    for (const auto& s : steps) {
        for (const auto& e : s.errors) {
            out += s.name + ": " + e + "\n";
        }
    }
    const char* verdict = passed ? "PASSED" : (interrupted && !failed ? "INTERRUPTED" : "FAILED");
    out += std::string(verdict) + ": " + chargers_text(o.chargers) + " in " + fixed(seconds) + " s" +
           (interrupted && failed ? " (interrupted)" : "") + "\n";
    if (!dashboard.empty()) {
        out += "dashboard: " + dashboard + "\n";
    }
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
    if (!o.report_file.empty()) {
        if (auto w = write_file(o.report_file, flow_report(o, steps, passed, seconds, dashboard)); !w) {
            say_flow("--report: " + w.error().message);
            return 1;
        }
    }
    if (interrupted && !failed) {
        return 130; // stopped by Ctrl-C, as shells report it; nothing failed
    }
    return passed ? 0 : 1;
}

int flow_main(const std::vector<std::string>& args) {
    return ocpp::program::run_parsed(parse_flow_options(std::vector<std::string>(args.begin() + 1, args.end())),
                                     "ocpp-simulator ", flow_usage, run_flow);
}

} // namespace sim
