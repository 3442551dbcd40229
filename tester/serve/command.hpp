#pragma once
// `ocpp-tester serve`: the tester as a long-running service for many installers at once (SPEC §2).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/util/result.hpp"

namespace tester {

struct ServeOptions {
    std::string host;
    std::uint16_t port = 0; // 0 = any free port (printed at start)
    std::string db = "sqlite:ocppkit.db";
    std::string public_url; // "ws://tester.example.com:8180"; empty = from each API request's Host header
    int heartbeat_interval = 30;
    int timeout = 300;
    std::string tls_cert, tls_key, tls_client_ca;
    // --tls-listen: wss:// on a second address beside ws:// on --listen (the security group's upgrade), and
    // --tls-root: the CA certificate that signed --tls-cert, installed on chargers by that group.
    std::string tls_listen_host;
    std::uint16_t tls_listen_port = 0;
    bool tls_listen = false;
    std::string tls_root;
    std::size_t max_tests = 1000;
    std::string api_token;     // required to start and list tests when set
    bool no_api_token = false; // --no-api-token: consent to an open API on a non-loopback address
    int charging_seconds = 10;
    std::vector<std::string> profiles; // --profiles: optional profile groups for tests that do not choose their own
    // The budgets (README "The tester's budgets").
    std::size_t max_kept_tests_mb = 256;
    std::size_t max_capture_kb = 4096;
    std::size_t max_frame_rate = 50; // frames a second from one charger, over 10 s
    std::size_t max_tests_per_address = 20;
    std::size_t max_starts_per_minute = 60;
    int max_message_rate = 50; // messages per second one charger may send, sustained; 0: no limit
    int message_burst = 200;   // messages one charger may send at once after a quiet time
    ocpp::LogLevel log_level = ocpp::LogLevel::Info;
    bool help = false;
    std::vector<std::string> warnings; // e.g. an OCPPKIT_TESTER_ variable that is no setting
};

// The environment variables of serve: this prefix and the option's name ("OCPPKIT_TESTER_API_TOKEN").
inline constexpr const char* kServeEnvPrefix = "OCPPKIT_TESTER_";

// Parses the arguments after "serve" (argv[0] is "serve"; a leading "serve" in argv[1] is skipped as well) and the
// environment ("NAME=value" entries): a flag wins over its OCPPKIT_TESTER_* variable, which wins over the default.
ocpp::Result<ServeOptions> parse_serve_options(int argc, char** argv, const std::vector<std::string>& environment);
// The same with this process's environment.
ocpp::Result<ServeOptions> parse_serve_options(int argc, char** argv);
std::string serve_usage();
// A host name or address that only this machine reaches (serve needs --api-token or --no-api-token elsewhere).
bool is_loopback(const std::string& host);

} // namespace tester

// Parses the arguments after "serve" (argv[0] is "serve") and runs until stopped; returns the exit code:
// 0 after SIGINT/SIGTERM, 1 when it cannot start (port in use, database), 2 on bad usage.
int run_serve(int argc, char** argv);
