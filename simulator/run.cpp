#include "simulator/run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>

#include "simulator/report.hpp"

namespace sim {

namespace {

// A signal handler can reach only process-wide state: these two, and it does nothing but async-signal-safe work.
std::atomic<int> signal_count{0};
std::atomic<int> signal_pipe_fd{-1};

extern "C" void on_stop_signal(int) {
    signal_count.fetch_add(1);
    const int fd = signal_pipe_fd.load();
    if (fd >= 0) {
        const char byte = 1;
        [[maybe_unused]] const auto n = ::write(fd, &byte, 1);
    }
}

// Installs the SIGINT/SIGTERM handlers for its lifetime; the main thread waits on a self-pipe with a timeout.
class SignalWatch {
public:
    SignalWatch() {
        if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0) {
            fds_[0] = fds_[1] = -1;
        }
        signal_pipe_fd = fds_[1];
        struct sigaction sa {};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGINT, &sa, &old_int_);
        ::sigaction(SIGTERM, &sa, &old_term_);
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        ::sigaction(SIGPIPE, &ignore, &old_pipe_); // a peer closing mid-write is an error value, not a death
    }
    ~SignalWatch() {
        ::sigaction(SIGINT, &old_int_, nullptr);
        ::sigaction(SIGTERM, &old_term_, nullptr);
        ::sigaction(SIGPIPE, &old_pipe_, nullptr);
        signal_pipe_fd = -1;
        for (int fd : fds_) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    }
    SignalWatch(const SignalWatch&) = delete;
    SignalWatch& operator=(const SignalWatch&) = delete;

    // Waits until a signal arrives or the timeout passes.
    void wait(std::chrono::milliseconds timeout) {
        if (count() > seen_) {
            seen_ = count();
            return;
        }
        pollfd p{fds_[0], POLLIN, 0};
        const int rc = ::poll(&p, fds_[0] >= 0 ? 1 : 0, static_cast<int>(std::max<long long>(0, timeout.count())));
        if (rc > 0) {
            char buf[64];
            while (::read(fds_[0], buf, sizeof buf) > 0) {
            }
        }
        seen_ = count();
    }
    int count() const { return signal_count.load(); }

private:
    int fds_[2] = {-1, -1};
    int seen_ = 0;
    struct sigaction old_int_ {
    }, old_term_{}, old_pipe_{};
};

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

    SignalWatch signals;
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
        signals.wait(std::chrono::duration_cast<std::chrono::milliseconds>(until - now) + std::chrono::milliseconds(1));
        if (signals.count() > 0) {
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
