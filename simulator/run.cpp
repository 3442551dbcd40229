#include "simulator/run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "ocpp/system/stop_signals.hpp"
#include "simulator/fleet/report.hpp"
#include "simulator/report/html.hpp"
#include "simulator/report/metrics.hpp"
#include "simulator/report/report_file.hpp"

namespace sim {

namespace {

void say(const std::string& line) {
    std::fprintf(stderr, "ocpp-simulator: %s\n", line.c_str());
}

// The ramp and the churn rounds on the time axis of the plots.
void add_markers(SeriesRecorder& recorder, const Options& options, std::uint64_t chargers, double duration_s) {
    if (options.ramp > 0 && chargers > 1) {
        const double until = std::min(duration_s, static_cast<double>(chargers) / options.ramp);
        recorder.mark(Marker{0, until, "ramp",
                             with_commas(chargers) + " chargers started at " +
                                 with_commas(static_cast<std::uint64_t>(options.ramp)) + "/s"});
    }
    if (options.churn_pct > 0) {
        // As the Fleet churns; the recorder keeps at most kMaxSeriesMarkers of them.
        for (double t = options.churn_every_s; t < duration_s && recorder.series().markers.size() < kMaxSeriesMarkers;
             t += options.churn_every_s) {
            char text[64];
            std::snprintf(text, sizeof text, "%g %% of connected chargers dropped", options.churn_pct);
            recorder.mark(Marker{t, t, "churn", text});
        }
    }
}

} // namespace

FleetTransport default_transport() {
    FleetTransport t;
    t.make_loop = [] { return ocpp::net::EventLoop::create(); };
    t.make_client = [](ocpp::net::EventLoop& loop, const ocpp::net::ClientConfig& config, const ocpp::Logger& log) {
        return ocpp::net::Client::create(loop, config, log);
    };
    return t;
}

int run_simulator(const Options& options) {
    ocpp::Logger log(options.log_level);
    auto schemas = ocpp::validation::Registry::v16();
    if (!schemas) {
        say("cannot load the OCPP 1.6 schemas: " + schemas.error().message);
        return 1;
    }
    const std::uint64_t chargers = shard_size(options.chargers, options.shard);
    const FdLimit limit = raise_fd_limit();
    if (auto refusal = check_fd_limit(chargers, limit.soft)) {
        say(*refusal);
        return 1;
    }
    if (auto warning = check_source_addresses(chargers, options.source_ips.size())) {
        say("warning: " + *warning);
    }
    auto planned = plan_chargers(options);
    if (!planned) {
        say(planned.error().message);
        return 2;
    }

    std::unique_ptr<MetricsServer> metrics;
    if (!options.metrics_listen.empty()) {
        auto started = MetricsServer::start(options.metrics_listen, log);
        if (!started) {
            say(started.error().message);
            return 1;
        }
        metrics = std::move(*started);
        say("Prometheus metrics at http://" + options.metrics_listen.substr(0, options.metrics_listen.rfind(':')) +
            ":" + std::to_string(metrics->port()) + "/metrics");
    }
    std::optional<SeriesRecorder> recorder;
    if (options.timeseries) {
        recorder.emplace();
    }

    ocpp::StopSignals signals;
    RunSummary run;
    run.chargers = chargers;
    run.started = std::chrono::system_clock::now();
    const auto start = std::chrono::steady_clock::now();
    FleetConfig config = fleet_config(options);
    say(with_commas(chargers) + " chargers (shard " + std::to_string(options.shard.index) + "/" +
        std::to_string(options.shard.count) + ") on " +
        std::to_string(std::min<std::uint64_t>(config.threads, chargers)) + " event loops to " + options.url +
        ", ramp " + std::to_string(static_cast<long long>(options.ramp)) + "/s; Ctrl-C stops");
    Fleet fleet(std::move(config), std::move(*planned), *schemas, log, default_transport());
    fleet.start();

    StatusPrinter status(stdout, ::isatty(::fileno(stdout)) == 1, start);
    const auto duration = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(options.duration_s));
    // The loops publish at whole seconds since they started; reading a quarter second later finds every loop's
    // figures of the same second.
    constexpr auto kReadLag = std::chrono::milliseconds(250);
    std::int64_t tick = 1;
    auto next_tick = start + std::chrono::seconds(tick) + kReadLag;
    while (true) {
        const auto now = std::chrono::steady_clock::now();
        if (options.duration_s > 0 && now - start >= duration) {
            break;
        }
        auto until = next_tick;
        if (options.duration_s > 0) {
            until = std::min(until, start + duration);
        }
        if (signals.wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(until - now) +
                             std::chrono::milliseconds(1))) {
            run.interrupted = true;
            break;
        }
        if (std::chrono::steady_clock::now() >= next_tick) {
            const Stats latest = fleet.snapshot();
            std::optional<double> last_p99;
            if (recorder) {
                recorder->record(static_cast<double>(tick), latest);
                last_p99 = recorder->last_p99_ms();
            }
            status.update(latest, chargers, std::chrono::steady_clock::now(), last_p99);
            if (metrics) {
                metrics->update(prometheus_text(latest, chargers));
            }
            ++tick;
            next_tick = start + std::chrono::seconds(tick) + kReadLag;
        }
    }
    status.finish();
    say(std::string(run.interrupted ? "interrupted" : "duration reached") +
        ": ending sessions and closing connections (up to 15 s; Ctrl-C again to skip)");
    const int signals_before = signals.count();
    run.stopped_in_time = fleet.stop(std::chrono::seconds(15), [&] { return signals.count() > signals_before; });
    if (!run.stopped_in_time) {
        say("warning: not every charger finished stopping in time");
    }
    run.ended = std::chrono::system_clock::now();
    run.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.stats = fleet.snapshot();
    if (metrics) {
        metrics->update(prometheus_text(run.stats, chargers));
    }
    if (recorder) {
        // The last, partial interval holds the stop (sessions ended, connections closed).
        recorder->record(std::max(run.duration_s, static_cast<double>(tick - 1) + 0.001), run.stats);
        add_markers(*recorder, options, chargers, run.duration_s);
        run.series = recorder->series();
    }

    const auto failures = threshold_failures(run.stats, options);
    std::fputs(("\n" + summary_table(run)).c_str(), stdout);
    std::fflush(stdout);
    int code = failures.empty() ? 0 : 3;
    const std::string json = report_json(run, options, failures);
    if (!options.report_file.empty()) {
        auto written = write_file(options.report_file, json);
        if (!written) {
            say("--report: " + written.error().message);
            code = code == 0 ? 1 : code;
        }
    }
    if (!options.html_file.empty()) {
        auto doc = parse_report(json, "the report");
        auto page = doc ? render_html(*doc) : ocpp::Result<std::string>(doc.error());
        auto written = page ? write_file(options.html_file, *page) : ocpp::Result<void>(page.error());
        if (!written) {
            say("--html: " + written.error().message);
            code = code == 0 ? 1 : code;
        }
    }
    for (const auto& failure : failures) {
        say("threshold exceeded: " + failure);
    }
    return code;
}

} // namespace sim
