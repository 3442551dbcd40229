// The option table of `ocpp-simulator run`: names, help texts and value parsers, shared by the command line and
// the --config file.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>

#include "ocpp/system/small_file.hpp"
#include "ocpp/text/split.hpp"
#include "simulator/options.hpp"

namespace sim {

namespace {

using Problem = std::optional<std::string>;

std::optional<std::uint64_t> to_uint(const std::string& s) {
    std::uint64_t v = 0;
    const auto* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc() || p != end) {
        return std::nullopt;
    }
    return v;
}

std::optional<double> to_double(const std::string& s) {
    if (s.empty() || std::isspace(static_cast<unsigned char>(s.front())) != 0) {
        return std::nullopt;
    }
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || errno != 0 || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string::size_type start = 0;
    while (true) {
        const auto pos = s.find(sep, start);
        out.push_back(std::string(ocpp::text::trim(s.substr(start, pos - start), " \t")));
        if (pos == std::string::npos) {
            return out;
        }
        start = pos + 1;
    }
}

// An integer option in [min, max]; "positive" when min is 1.
template <class T>
std::function<Problem(Options&, const std::string&)> integer(std::uint64_t min, std::uint64_t max, T Options::*field) {
    return [=](Options& o, const std::string& v) -> Problem {
        const char* kind = min == 0 ? "a non-negative integer" : "a positive integer";
        const auto n = to_uint(v);
        if (!n || *n < min) {
            return std::string("expected ") + kind + ", got " + quoted(v);
        }
        if (*n > max) {
            return std::string("expected ") + kind + " up to " + std::to_string(max) + ", got " + quoted(v);
        }
        o.*field = static_cast<T>(*n);
        return std::nullopt;
    };
}

// 1000000 rather than 1e+06 in messages.
std::string exact(double v) {
    std::ostringstream out;
    out.precision(15);
    out << v;
    return out.str();
}

// A number option: positive (min_exclusive) or in [min, max].
std::function<Problem(Options&, const std::string&)> number(double min, double max, bool min_exclusive,
                                                            double Options::*field) {
    return [=](Options& o, const std::string& v) -> Problem {
        const auto n = to_double(v);
        const bool below = n && (min_exclusive ? *n <= min : *n < min);
        if (!n || below || *n > max) {
            const bool bounded = max != std::numeric_limits<double>::max();
            std::string what;
            if (min_exclusive && min == 0) {
                what = "a positive number" + (bounded ? " up to " + exact(max) : std::string());
            } else if (!bounded) {
                what = min == 0 ? std::string("a non-negative number") : "a number of at least " + exact(min);
            } else {
                what = "a number from " + exact(min) + " to " + exact(max);
            }
            return "expected " + what + ", got " + quoted(v);
        }
        o.*field = *n;
        return std::nullopt;
    };
}

Problem readable_file(const std::string& v) {
    if (auto problem = ocpp::file_problem(v)) {
        return problem->message;
    }
    return std::nullopt;
}

Problem check_url(const std::string& v) {
    const std::string what = "expected a ws:// or wss:// URL such as ws://127.0.0.1:8180/ocpp, got " + quoted(v);
    std::string rest;
    if (v.rfind("ws://", 0) == 0) {
        rest = v.substr(5);
    } else if (v.rfind("wss://", 0) == 0) {
        rest = v.substr(6);
    } else {
        return what;
    }
    const std::string authority = rest.substr(0, rest.find('/'));
    if (authority.empty() || authority.front() == ':') {
        return what + " (no host)";
    }
    if (v.find_first_of("?# ") != std::string::npos) {
        return what + " (the charger ID is appended to the path: no query, fragment or spaces)";
    }
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos && authority.back() != ']') {
        const auto port = to_uint(authority.substr(colon + 1));
        if (!port || *port == 0 || *port > 65535) {
            return what + " (bad port)";
        }
    }
    return std::nullopt;
}

Problem set_session_minutes(Options& o, const std::string& v) {
    const auto parts = split(v, ',');
    std::vector<double> n;
    for (const auto& p : parts) {
        const auto d = to_double(p);
        if (!d || *d <= 0) {
            break;
        }
        n.push_back(*d);
    }
    if (parts.size() != 3 || n.size() != 3) {
        return "expected MIN,MEAN,MAX in minutes (three positive numbers), got " + quoted(v);
    }
    if (!(n[0] <= n[1] && n[1] <= n[2])) {
        return "expected MIN <= MEAN <= MAX, got " + quoted(v);
    }
    o.session_min_minutes = n[0];
    o.session_mean_minutes = n[1];
    o.session_max_minutes = n[2];
    return std::nullopt;
}

Problem set_id_tags(Options& o, const std::string& v) {
    std::vector<std::string> tags;
    for (const auto& t : split(v, ',')) {
        if (t.empty() || t.size() > 20) {
            return "expected a comma-separated list of id tags of 1 to 20 characters, got " + quoted(v);
        }
        tags.push_back(t);
    }
    o.id_tags = std::move(tags);
    return std::nullopt;
}

Problem set_shard(Options& o, const std::string& v) {
    const auto slash = v.find('/');
    const auto i = slash == std::string::npos ? std::nullopt : to_uint(v.substr(0, slash));
    const auto n = slash == std::string::npos ? std::nullopt : to_uint(v.substr(slash + 1));
    if (!i || !n || *i < 1 || *n < 1 || *i > *n) {
        return "expected i/n with 1 <= i <= n (e.g. 2/4), got " + quoted(v);
    }
    o.shard = Shard{*i, *n};
    return std::nullopt;
}

Problem set_id_prefix(Options& o, const std::string& v) {
    if (auto problem = id_prefix_problem(v)) {
        return problem;
    }
    o.id_prefix = v;
    return std::nullopt;
}

// HOST:PORT with a port from 1 to 65535 (an IPv6 host in brackets).
Problem host_port(const std::string& v) {
    const auto colon = v.rfind(':');
    const auto port = colon == std::string::npos ? std::nullopt : to_uint(v.substr(colon + 1));
    if (colon == std::string::npos || colon == 0 || !port || *port == 0 || *port > 65535) {
        return "expected HOST:PORT with a port from 1 to 65535, got " + quoted(v);
    }
    return std::nullopt;
}

Problem writable_path(const std::string& v) {
    if (v.empty()) {
        return std::string("expected a file name, got \"\"");
    }
    const auto slash = v.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : v.substr(0, slash));
    if (::access(dir.c_str(), W_OK) != 0) {
        return "cannot write into " + quoted(dir) + ": " + std::strerror(errno);
    }
    return std::nullopt;
}

Problem set_source_ips(Options& o, const std::string& v) {
    auto ips = parse_source_ips(v);
    if (!ips) {
        return ips.error().message;
    }
    o.source_ips = std::move(ips.value());
    return std::nullopt;
}

Problem one_of(const std::string& v, std::initializer_list<const char*> choices) {
    for (const char* c : choices) {
        if (v == c) {
            return std::nullopt;
        }
    }
    std::string list;
    for (const char* c : choices) {
        list += (list.empty() ? "" : "|") + std::string(c);
    }
    return "expected one of " + list + ", got " + quoted(v);
}

using Setter = std::function<Problem(Options&, const std::string&)>;

// A value that passes `check` is stored by `store`.
Setter checked(Problem (*check)(const std::string&), void (*store)(Options&, const std::string&)) {
    return [check, store](Options& o, const std::string& v) -> Problem {
        auto problem = check(v);
        if (!problem) {
            store(o, v);
        }
        return problem;
    };
}

Problem non_empty_password(const std::string& v) {
    return v.empty() ? Problem("expected a password, got \"\"") : std::nullopt;
}

std::vector<OptionDef> make_table() {
    constexpr double kMax = std::numeric_limits<double>::max();
    return {
        {"url", "URL", "central system base URL, ws://HOST:PORT/PATH or wss://...; the ID is appended (required)",
         checked(check_url, [](Options& o, const std::string& v) { o.url = v; })},
        {"secure-url", "URL", "base URL of security profiles 2 and 3 after an upgrade (default: --url with wss://)",
         checked(check_url, [](Options& o, const std::string& v) { o.secure_url = v; })},
        {"chargers", "N", "chargers in the whole fleet (default 1)", integer(1, 10'000'000, &Options::chargers)},
        {"connectors", "K", "connectors per charger (default 2)", integer(1, 100, &Options::connectors)},
        {"id-prefix", "P", "charger IDs are P000001, P000002, ... (default SIM)", set_id_prefix},
        {"password", "PW", "HTTP Basic password for every charger (security profiles 1 and 2)",
         checked(non_empty_password, [](Options& o, const std::string& v) { o.password = v; })},
        {"password-file", "FILE.csv", "passwords per charger, lines id,password",
         checked(readable_file, [](Options& o, const std::string& v) { o.password_file = v; })},
        {"ca", "FILE", "trust anchors (PEM) for the server certificate, wss:// only",
         checked(readable_file, [](Options& o, const std::string& v) { o.ca_file = v; })},
        {"cert", "FILE", "client certificate (PEM) for security profile 3, with --key",
         checked(readable_file, [](Options& o, const std::string& v) { o.cert_file = v; })},
        {"key", "FILE", "client private key (PEM), with --cert",
         checked(readable_file, [](Options& o, const std::string& v) { o.key_file = v; })},
        {"ramp", "R", "new connections per second, whole process (default 200)", number(0, 1e6, true, &Options::ramp)},
        {"handshakes-in-flight", "M", "connection attempts outstanding at once, whole process (default 500)",
         integer(1, 100'000, &Options::handshakes_in_flight)},
        {"duration", "S", "seconds to run, 0 = until Ctrl-C (default 0)", number(0, kMax, false, &Options::duration_s)},
        {"heartbeat-interval", "S", "heartbeat seconds until the central system sets one (default 300)",
         integer(1, 86'400, &Options::heartbeat_interval_s)},
        {"meter-interval", "S", "seconds between MeterValues while charging (default 60)",
         integer(1, 86'400, &Options::meter_interval_s)},
        {"sessions-per-hour", "H", "charging sessions per charger and hour (default 1)",
         number(0, 3600, false, &Options::sessions_per_hour)},
        {"session-minutes", "MIN,MEAN,MAX", "session length distribution (default 10,45,240)", set_session_minutes},
        {"power-kw", "P", "charging power per connector in kW (default 11)", number(0, 1000, true, &Options::power_kw)},
        {"model", "FILE[:SHARE]", "charger model file (YAML, see models/); repeat to mix models by share", add_models},
        {"id-tags", "A,B,C", "id tags presented at the start of sessions (default SIM-TAG-1)", set_id_tags},
        {"seed", "N", "random seed; the same seed replays the same run (default 1)",
         integer(0, std::numeric_limits<std::uint64_t>::max(), &Options::seed)},
        {"threads", "T", "event loops (default: one per core)", integer(1, 256, &Options::threads)},
        {"source-ips", "LIST", "local addresses to connect from: a,b,c or 127.0.0.1-127.0.0.8", set_source_ips},
        {"shard", "i/n", "run the chargers whose global index is i-1 modulo n (several processes, one fleet)",
         set_shard},
        {"mode", "MODE", "realistic (default) or throughput (next CALL as soon as the answer arrives)",
         checked(
             [](const std::string& v) {
                 return one_of(v, {"realistic", "throughput"});
             },
             [](Options& o, const std::string& v) { o.mode = v == "realistic" ? Mode::Realistic : Mode::Throughput; })},
        {"action", "ACTION",
         "throughput mode: Heartbeat (default), StatusNotification, MeterValues, mix or transactions",
         checked(
             [](const std::string& v) {
                 return one_of(v, {"Heartbeat", "StatusNotification", "MeterValues", "mix", "transactions"});
             },
             [](Options& o, const std::string& v) { o.action = v; })},
        {"churn", "PCT", "every minute (--churn-every) PCT % of connected chargers drop their connection and come back",
         number(0, 100, false, &Options::churn_pct)},
        {"churn-every", "S", "seconds between churn rounds (default 60)",
         number(1, 86400, false, &Options::churn_every_s)},
        {"call-timeout", "S", "seconds to wait for an answer (default 30)",
         number(0, 3600, true, &Options::call_timeout_s)},
        {"report", "FILE.json", "write the JSON report there",
         checked(writable_path, [](Options& o, const std::string& v) { o.report_file = v; })},
        {"html", "FILE.html", "write a self-contained HTML report with plots over time there",
         checked(writable_path, [](Options& o, const std::string& v) { o.html_file = v; })},
        {"metrics-listen", "HOST:PORT", "serve Prometheus metrics at http://HOST:PORT/metrics during the run",
         checked(host_port, [](Options& o, const std::string& v) { o.metrics_listen = v; })},
        {"timeseries", "on|off", "record the per-second time series for the reports (default on)",
         checked(
             [](const std::string& v) {
                 return one_of(v, {"on", "off"});
             },
             [](Options& o, const std::string& v) { o.timeseries = v == "on"; })},
        {"max-p99-ms", "X", "exit 3 when the p99 latency of all actions is above X ms",
         checked(
             [](const std::string& v) {
                 return to_double(v).value_or(0) > 0 ? Problem() : "expected a positive number, got " + quoted(v);
             },
             [](Options& o, const std::string& v) { o.max_p99_ms = to_double(v); })},
        {"max-errors", "N", "exit 3 when there are more than N errors (calls and connections)",
         checked(
             [](const std::string& v) {
                 return to_uint(v) ? Problem() : "expected a non-negative integer, got " + quoted(v);
             },
             [](Options& o, const std::string& v) { o.max_errors = to_uint(v); })},
        {"log-level", "LEVEL", "debug, info, warn (default), error or off",
         checked(
             [](const std::string& v) {
                 return one_of(v, {"debug", "info", "warn", "error", "off"});
             },
             [](Options& o, const std::string& v) { ocpp::parse_log_level(v, o.log_level); })},
        {"config", "FILE.yaml", "read settings from a YAML file (same names without dashes; the command line wins)",
         checked(readable_file, [](Options& o, const std::string& v) { o.config_file = v; })},
        {"help", nullptr, "show this help", [](Options&, const std::string&) -> Problem { return std::nullopt; }},
    };
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

} // namespace

const std::vector<OptionDef>& option_table() {
    static const std::vector<OptionDef> table = make_table(); // constant, built once
    return table;
}

const OptionDef* find_option(const std::string& name) {
    for (const auto& def : option_table()) {
        if (name == def.name) {
            return &def;
        }
    }
    return nullptr;
}

std::string closest_option(const std::string& name) {
    std::string best;
    std::size_t best_distance = 3; // more than two edits away is no suggestion
    for (const auto& def : option_table()) {
        const auto d = edit_distance(name, def.name);
        if (d < best_distance) {
            best_distance = d;
            best = def.name;
        }
    }
    return best;
}

std::string usage() {
    std::ostringstream out;
    out << "Usage: ocpp-simulator run --url ws(s)://HOST:PORT/PATH [options]\n\n"
           "Connects a fleet of simulated OCPP 1.6-J chargers to a central system and reports per-action\n"
           "counts and latencies. Every option can also be set in --config FILE.yaml (name without dashes).\n\n"
           "Options:\n";
    for (const auto& def : option_table()) {
        std::string left = std::string("  --") + def.name + (def.metavar ? std::string(" ") + def.metavar : "");
        out << left;
        if (left.size() < 32) {
            out << std::string(32 - left.size(), ' ');
        } else {
            out << "\n" << std::string(32, ' ');
        }
        out << def.help << "\n";
    }
    out << "\nExit status: 0 success, 1 the run could not start, 2 bad options, 3 a --max-p99-ms or --max-errors\n"
           "threshold was exceeded.\n"
           "\nAlso: ocpp-simulator flow --central http://HOST:PORT --chargers N ... (the operator flow through the\n"
           "REST API; see ocpp-simulator flow --help).\n"
           "      ocpp-simulator scenario FILE.yaml... --url ws://HOST:PORT/ocpp (YAML scenarios with assertions; see\n"
           "ocpp-simulator scenario --help and scenarios/FORMAT.md).\n"
           "      ocpp-simulator report html|compare|merge ... (render, compare and merge JSON reports; see\n"
           "ocpp-simulator report --help).\n";
    return out.str();
}

} // namespace sim
