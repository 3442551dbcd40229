#include "simulator/run.hpp"

#include <unistd.h>

#include <cstdio>

#include "ocpp/system/stop_signals.hpp"
#include "simulator/fleet/report.hpp"

namespace sim {

namespace {

void say(const std::string& line) {
    std::fprintf(stderr, "ocpp-simulator: %s\n", line.c_str());
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
    auto next_tick = start + std::chrono::seconds(1);
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
            status.update(fleet.snapshot(), chargers, std::chrono::steady_clock::now());
            next_tick += std::chrono::seconds(1);
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

    const auto failures = threshold_failures(run.stats, options);
    std::fputs(("\n" + summary_table(run)).c_str(), stdout);
    std::fflush(stdout);
    int code = failures.empty() ? 0 : 3;
    if (!options.report_file.empty()) {
        auto written = write_file(options.report_file, report_json(run, options, failures));
        if (!written) {
            say("--report: " + written.error().message);
            code = code == 0 ? 1 : code;
        }
    }
    for (const auto& failure : failures) {
        say("threshold exceeded: " + failure);
    }
    return code;
}

} // namespace sim
