// ocpp-bench-idle-clients: opens N plain WebSocket connections (subprotocol ocpp1.6) with our Client and keeps them
// idle (no OCPP traffic, no pings), so that a server's memory per idle connection can be read from /proc.
//
//   ocpp-bench-idle-clients --url ws://127.0.0.1:PORT/ocpp --connections 5000 [--source-ips 127.0.0.1,127.0.0.2]
//
// Prints "open N failed F" on stdout once every attempt has finished, then waits for SIGINT/SIGTERM.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/flags.hpp"
#include "ocpp/net/client.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/system/stop_signals.hpp"

namespace {

struct Options {
    std::string url;
    std::size_t connections = 1000;
    std::size_t in_flight = 200; // handshakes outstanding at once
    std::vector<std::string> source_ips;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr,
                 "ocpp-bench-idle-clients: %s\nusage: ocpp-bench-idle-clients --url ws://HOST:PORT/PATH "
                 "--connections N [--in-flight M] [--source-ips A,B,...]\n",
                 message.c_str());
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    bench::each_flag(argc, argv, usage_error, [&](const std::string& flag, const std::string& v) {
        if (flag == "--url") {
            o.url = v;
        } else if (flag == "--connections" || flag == "--in-flight") {
            char* end = nullptr;
            const unsigned long n = std::strtoul(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || n == 0 || n > 100000) {
                usage_error(flag + ": expected an integer from 1 to 100000, got \"" + v + "\"");
            }
            (flag == "--connections" ? o.connections : o.in_flight) = n;
        } else if (flag == "--source-ips") {
            std::size_t start = 0;
            while (start <= v.size()) {
                const auto comma = v.find(',', start);
                o.source_ips.push_back(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
                if (comma == std::string::npos) {
                    break;
                }
                start = comma + 1;
            }
        } else {
            usage_error("unknown option " + flag);
        }
    });
    if (o.url.empty()) {
        usage_error("--url is required");
    }
    return o;
}

// Opens the connections on the loop thread, at most `in_flight` handshakes at a time.
class Opener {
public:
    Opener(const Options& options, ocpp::net::Client& client, std::function<void()> all_done)
        : options_(options)
        , client_(client)
        , all_done_(std::move(all_done)) {}

    void start() {
        while (started_ < options_.connections && started_ - finished_ < options_.in_flight) {
            ocpp::net::ConnectOptions co;
            co.url = options_.url + "/IDLE-" + std::to_string(started_ + 1);
            if (!options_.source_ips.empty()) {
                co.source_address = options_.source_ips[started_ % options_.source_ips.size()];
            }
            co.open_handshake_timeout = std::chrono::seconds(60);
            ++started_;
            client_.connect(co, [this](ocpp::net::SessionPtr s, std::optional<ocpp::net::ConnectError> e) {
                ++finished_;
                if (e) {
                    if (failed_++ == 0) {
                        std::fprintf(stderr, "ocpp-bench-idle-clients: first failure: %s\n", e->message.c_str());
                    }
                } else {
                    sessions_.push_back(std::move(s));
                }
                if (finished_ == options_.connections) {
                    std::printf("open %zu failed %zu\n", sessions_.size(), failed_);
                    std::fflush(stdout);
                    all_done_();
                } else {
                    start();
                }
            });
        }
    }

private:
    const Options& options_;
    ocpp::net::Client& client_;
    std::function<void()> all_done_;
    std::size_t started_ = 0, finished_ = 0, failed_ = 0;
    std::vector<ocpp::net::SessionPtr> sessions_; // kept open, idle
};

} // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    ocpp::StopSignals stop_signals; // SIGINT/SIGTERM end the run; SIGPIPE is ignored meanwhile

    ocpp::Logger log(ocpp::LogLevel::Error);
    auto loop = ocpp::net::EventLoop::create();
    auto client = ocpp::net::Client::create(*loop, ocpp::net::ClientConfig{}, log);
    Opener opener(options, *client, [] {});
    loop->post([&] { opener.start(); });
    std::thread runner([&] { loop->run(); });

    stop_signals.wait();
    loop->stop();
    runner.join();
    std::_Exit(0); // the server side is what is measured; skip closing thousands of connections one by one
}
