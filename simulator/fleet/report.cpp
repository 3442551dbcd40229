#include "simulator/fleet/report.hpp"
#include "ocpp/text/number.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <utility>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "ocpp/text/datetime.hpp"
#include "simulator/fleet/fleet.hpp"
#include "simulator/json_member.hpp"

namespace sim {

namespace {

using ocpp::text::fixed;

// 7.5 and 45 rather than 7.500000 and 45.000000.
std::string plain(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

std::string pad_left(const std::string& s, std::size_t width) {
    return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string pad_right(const std::string& s, std::size_t width) {
    return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string table_row(const std::string& name, const ActionStats& a) {
    std::string row = pad_right(name, 26);
    for (std::uint64_t n : {a.sent, a.ok, a.call_errors, a.timeouts, a.failed}) {
        row += pad_left(with_commas(n), 11);
    }
    for (double ms :
         {a.latency.quantile_ms(0.50), a.latency.quantile_ms(0.95), a.latency.quantile_ms(0.99), a.latency.max_ms()}) {
        row += pad_left(fixed(ms), 10);
    }
    return row + "\n";
}

ActionStats all_actions(const Stats& stats) {
    ActionStats all;
    for (const auto& [name, a] : stats.actions) {
        all.merge(a);
    }
    return all;
}

using ReportWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;
using Counts = std::initializer_list<std::pair<const char*, std::uint64_t>>;

// Writes "key": n members into the object the caller has opened.
void write_members(ReportWriter& w, Counts counts) {
    for (const auto& [key, n] : counts) {
        member(w, key, n);
    }
}

// Writes "name": {"key": n, ...}.
void write_group(ReportWriter& w, const char* name, Counts counts) {
    w.Key(name);
    w.StartObject();
    write_members(w, counts);
    w.EndObject();
}

void write_action(ReportWriter& w, const ActionStats& a) {
    w.StartObject();
    write_members(w, {{"sent", a.sent},
                      {"ok", a.ok},
                      {"call_errors", a.call_errors},
                      {"timeouts", a.timeouts},
                      {"failed", a.failed}});
    w.Key("latency_ms");
    w.StartObject();
    member(w, "count", a.latency.count());
    for (const auto& [key, q] : {std::pair<const char*, double>{"p50", 0.50}, {"p95", 0.95}, {"p99", 0.99}}) {
        member(w, key, a.latency.quantile_ms(q));
    }
    member(w, "max", a.latency.max_ms());
    member(w, "mean", a.latency.mean_ms());
    w.Key("sketch"); // the histogram's non-empty buckets as bucket, count pairs: `report merge` adds them up
    w.StartArray();
    for (const auto& [bucket, n] : to_sketch(a.latency).buckets) {
        w.Uint(bucket);
        w.Uint(n);
    }
    w.EndArray();
    w.EndObject();
    w.EndObject();
}

void write_counts(ReportWriter& w, const std::map<std::string, std::uint64_t>& counts) {
    w.StartObject();
    for (const auto& [name, n] : counts) {
        member(w, name.c_str(), n);
    }
    w.EndObject();
}

void write_strings(ReportWriter& w, const std::vector<std::string>& list) {
    w.StartArray();
    for (const auto& s : list) {
        w.String(s);
    }
    w.EndArray();
}

// The effective options under their command-line names, so they can be pasted into a --config file.
void write_options(ReportWriter& w, const Options& o) {
    auto text = [&w](const char* key, const std::string& v) {
        w.Key(key);
        if (v.empty()) {
            w.Null();
        } else {
            w.String(v);
        }
    };
    auto number = [&w](const char* key, double v) { member(w, key, v); };
    auto integer = [&w](const char* key, std::uint64_t v) { member(w, key, v); };
    w.StartObject();
    text("url", o.url);
    integer("chargers", o.chargers);
    integer("connectors", static_cast<std::uint64_t>(o.connectors));
    text("id-prefix", o.id_prefix);
    text("password", o.password ? "(set)" : ""); // never the secret itself
    text("password-file", o.password_file);
    text("ca", o.ca_file);
    text("cert", o.cert_file);
    text("key", o.key_file);
    number("ramp", o.ramp);
    integer("handshakes-in-flight", static_cast<std::uint64_t>(o.handshakes_in_flight));
    number("duration", o.duration_s);
    integer("heartbeat-interval", static_cast<std::uint64_t>(o.heartbeat_interval_s));
    integer("meter-interval", static_cast<std::uint64_t>(o.meter_interval_s));
    number("sessions-per-hour", o.sessions_per_hour);
    text("session-minutes",
         plain(o.session_min_minutes) + "," + plain(o.session_mean_minutes) + "," + plain(o.session_max_minutes));
    number("power-kw", o.power_kw);
    w.Key("id-tags");
    write_strings(w, o.id_tags);
    integer("seed", o.seed);
    integer("threads", static_cast<std::uint64_t>(o.threads));
    w.Key("source-ips");
    write_strings(w, o.source_ips);
    text("shard", std::to_string(o.shard.index) + "/" + std::to_string(o.shard.count));
    text("mode", o.mode == Mode::Throughput ? "throughput" : "realistic");
    text("action", o.action);
    number("churn", o.churn_pct);
    number("churn-every", o.churn_every_s);
    number("call-timeout", o.call_timeout_s);
    text("report", o.report_file);
    text("html", o.html_file);
    text("metrics-listen", o.metrics_listen);
    text("timeseries", o.timeseries ? "on" : "off");
    member(w, "max-p99-ms", o.max_p99_ms);
    member(w, "max-errors", o.max_errors);
    text("log-level", ocpp::to_string(o.log_level));
    text("config", o.config_file);
    std::vector<std::string> models; // the charger models and their shares, as given
    for (const auto& m : o.models) {
        models.push_back(m.file + ":" + plain(m.share));
    }
    w.Key("model");
    write_strings(w, models);
    w.EndObject();
}

// "  firmware Installed 997 DownloadFailed 3 (roll-out 41.2 s)" when the fleet reported firmware statuses, else "".
std::string firmware_part(const FirmwareStats& f) {
    if (f.firmware.empty() && f.diagnostics.empty()) {
        return {};
    }
    std::string out;
    if (!f.firmware.empty()) {
        out += "  firmware";
        for (const auto& [status, n] : f.firmware) {
            out += " " + status + " " + with_commas(n);
        }
        if (f.rollout_s() >= 0) {
            out += " (roll-out " + fixed(f.rollout_s()) + " s)";
        }
    }
    if (!f.diagnostics.empty()) {
        out += "  diagnostics";
        for (const auto& [status, n] : f.diagnostics) {
            out += " " + status + " " + with_commas(n);
        }
    }
    return out;
}

} // namespace

LatencyHistogram all_latency(const Stats& stats) {
    return all_actions(stats).latency;
}

std::string status_line(const Stats& stats, std::uint64_t chargers, double calls_per_second,
                        std::optional<double> last_p99_ms) {
    const std::string last = last_p99_ms ? " (last 1 s " + fixed(*last_p99_ms) + " ms)" : "";
    return "connected " + with_commas(stats.connected) + "/" + with_commas(chargers) + "  booted " +
           with_commas(stats.booted) + "  charging " + with_commas(stats.charging) + "  calls/s " +
           with_commas(static_cast<std::uint64_t>(std::max(0.0, calls_per_second) + 0.5)) + "  p99 " +
           fixed(all_latency(stats).quantile_ms(0.99)) + " ms" + last + "  errors " +
           with_commas(stats.total_errors()) + firmware_part(stats.firmware);
}

StatusPrinter::StatusPrinter(std::FILE* out, bool terminal, std::chrono::steady_clock::time_point started,
                             std::chrono::seconds plain_every)
    : out_(out)
    , terminal_(terminal)
    , plain_every_(plain_every)
    , started_(started)
    , last_update_(started) {}

void StatusPrinter::update(const Stats& stats, std::uint64_t chargers, std::chrono::steady_clock::time_point now,
                           std::optional<double> last_p99_ms) {
    const std::uint64_t sent = stats.total_sent();
    const double seconds = std::chrono::duration<double>(now - last_update_).count();
    const double rate = seconds > 0 ? static_cast<double>(sent - std::min(sent, last_sent_)) / seconds : 0;
    last_update_ = now;
    last_sent_ = sent;
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - started_).count();
    const std::string line =
        "[" + pad_left(std::to_string(elapsed), 5) + " s] " + status_line(stats, chargers, rate, last_p99_ms);
    if (terminal_) {
        // Rewrite in place; spaces cover what a longer previous line left behind.
        std::fprintf(out_, "\r%s%s", line.c_str(),
                     std::string(last_width_ > line.size() ? last_width_ - line.size() : 0, ' ').c_str());
        last_width_ = line.size();
        std::fflush(out_);
    } else if (first_ || now - last_plain_ >= plain_every_) {
        std::fprintf(out_, "%s\n", line.c_str());
        std::fflush(out_);
        last_plain_ = now;
    }
    first_ = false;
}

void StatusPrinter::finish() {
    if (terminal_ && last_width_ > 0) {
        std::fprintf(out_, "\n");
        std::fflush(out_);
        last_width_ = 0;
    }
}

std::string summary_table(const RunSummary& run) {
    const Stats& s = run.stats;
    std::string out = pad_right("action", 26);
    for (const char* h : {"sent", "ok", "errors", "timeouts", "failed"}) {
        out += pad_left(h, 11);
    }
    for (const char* h : {"p50 ms", "p95 ms", "p99 ms", "max ms"}) {
        out += pad_left(h, 10);
    }
    out += "\n";
    for (const auto& [name, a] : s.actions) {
        out += table_row(name, a);
    }
    out += table_row("all", all_actions(s));

    out += "\nconnections: " + with_commas(s.connect_attempts) + " attempts, " + with_commas(s.connects) + " opened, " +
           with_commas(s.disconnects) + " lost";
    if (s.connect_errors.empty()) {
        out += "; no errors\n";
    } else {
        out += "; errors:";
        for (const auto& [cause, n] : s.connect_errors) {
            out += " " + cause + " " + with_commas(n);
        }
        out += "\n";
    }
    out += "boots: " + with_commas(s.boots_accepted) + " accepted, " + with_commas(s.boots_pending) + " pending, " +
           with_commas(s.boots_rejected) + " rejected\n";
    out += "sessions: " + with_commas(s.sessions_started) + " started, " + with_commas(s.sessions_completed) +
           " completed, " + with_commas(s.sessions_refused) + " refused\n";
    out += "offline: " + with_commas(s.offline_queued) + " queued, " + with_commas(s.offline_replayed) + " replayed, " +
           with_commas(s.offline_dropped) + " dropped\n";
    if (const std::string fw = firmware_part(s.firmware); !fw.empty()) {
        out += fw.substr(2) + "\n";
    }
    if (!s.calls_answered.empty()) {
        out += "answered for the central system:";
        for (const auto& [name, n] : s.calls_answered) {
            out += " " + name + " " + with_commas(n);
        }
        out += "\n";
    }
    out += "run: " + fixed(run.duration_s) + " s, " + with_commas(run.chargers) + " chargers" +
           (run.interrupted ? " (interrupted)" : "") + "; at the end " + with_commas(s.connected) + " connected, " +
           with_commas(s.booted) + " booted, " + with_commas(s.charging) + " charging; " +
           with_commas(s.total_errors()) + " errors\n";
    return out;
}

std::string report_json(const RunSummary& run, const Options& options, const std::vector<std::string>& failures) {
    const Stats& s = run.stats;
    rapidjson::StringBuffer buffer;
    ReportWriter w(buffer);
    w.SetIndent(' ', 2);
    w.SetFormatOptions(rapidjson::kFormatSingleLineArray); // rows of the time series on one line each
    w.StartObject();
    member(w, "tool", "ocpp-simulator");
    member(w, "format_version", kReportFormatVersion);
    member(w, "started", ocpp::format_datetime(ocpp::DateTime{run.started}));
    member(w, "ended", ocpp::format_datetime(ocpp::DateTime{run.ended}));
    member(w, "duration_s", run.duration_s);
    member(w, "interrupted", run.interrupted);
    member(w, "stopped_in_time", run.stopped_in_time);
    w.Key("options");
    write_options(w, options);

    write_group(
        w, "chargers",
        {{"planned", run.chargers}, {"connected", s.connected}, {"booted", s.booted}, {"charging", s.charging}});

    w.Key("actions");
    w.StartObject();
    for (const auto& [name, a] : s.actions) {
        w.Key(name);
        write_action(w, a);
    }
    w.EndObject();
    w.Key("all_actions");
    write_action(w, all_actions(s));
    w.Key("calls_answered");
    write_counts(w, s.calls_answered);

    w.Key("connections");
    w.StartObject();
    write_members(w, {{"attempts", s.connect_attempts}, {"opened", s.connects}, {"lost", s.disconnects}});
    w.Key("errors");
    write_counts(w, s.connect_errors);
    w.EndObject();

    write_group(w, "boots",
                {{"accepted", s.boots_accepted}, {"pending", s.boots_pending}, {"rejected", s.boots_rejected}});
    write_group(
        w, "sessions",
        {{"started", s.sessions_started}, {"completed", s.sessions_completed}, {"refused", s.sessions_refused}});
    write_group(w, "offline",
                {{"queued", s.offline_queued}, {"replayed", s.offline_replayed}, {"dropped", s.offline_dropped}});
    w.Key("firmware");
    w.StartObject();
    w.Key("statuses");
    write_counts(w, s.firmware.firmware);
    w.Key("diagnostics");
    write_counts(w, s.firmware.diagnostics);
    w.Key("rollout_s"); // first UpdateFirmware to last Installed; null until both happened
    if (s.firmware.rollout_s() >= 0) {
        w.Double(s.firmware.rollout_s());
    } else {
        w.Null();
    }
    w.EndObject();
    write_members(w, {{"total_sent", s.total_sent()}, {"total_errors", s.total_errors()}});

    w.Key("thresholds");
    w.StartObject();
    member(w, "max-p99-ms", options.max_p99_ms);
    member(w, "max-errors", options.max_errors);
    member(w, "passed", failures.empty());
    w.Key("failures");
    write_strings(w, failures);
    w.EndObject();
    w.Key("timeseries");
    if (run.series) {
        write_series(w, *run.series);
    } else {
        w.Null();
    }
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

ocpp::Result<void> write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) {
        return ocpp::make_error("cannot write \"" + path + "\": " + std::strerror(errno));
    }
    out << text;
    out.close();
    if (!out) {
        return ocpp::make_error("cannot write \"" + path + "\": " + std::strerror(errno));
    }
    return {};
}

std::vector<std::string> threshold_failures(const Stats& stats, const Options& options) {
    std::vector<std::string> failures;
    if (options.max_p99_ms) {
        const LatencyHistogram all = all_latency(stats);
        if (all.count() == 0) {
            failures.push_back("--max-p99-ms " + plain(*options.max_p99_ms) +
                               ": no call was answered, so there is no p99 to check");
        } else if (all.quantile_ms(0.99) > *options.max_p99_ms) {
            failures.push_back("p99 latency of all actions is " + fixed(all.quantile_ms(0.99)) +
                               " ms, above --max-p99-ms " + plain(*options.max_p99_ms));
        }
    }
    if (options.max_errors && stats.total_errors() > *options.max_errors) {
        failures.push_back(with_commas(stats.total_errors()) +
                           " errors (calls and connections), more than --max-errors " +
                           with_commas(*options.max_errors));
    }
    return failures;
}

} // namespace sim
