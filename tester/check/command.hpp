#pragma once
// `ocpp-tester check`: waits for one charger, runs every check with a live checklist, writes the reports asked for,
// and on a pass issues a claiming code into the database. Exit codes: 0 passed (and the code is stored), 1 failed
// (or interrupted, or the code could not be stored), 2 bad usage or the tester could not start (port in use,
// unreadable certificate, database not writable).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/util/result.hpp"

namespace tester {

struct CheckOptions {
    std::string host;       // from --listen HOST:PORT
    std::uint16_t port = 0; // 0 = any free port (the URL printed at start names it)
    std::string chargebox_id;
    std::optional<std::string> password; // --password; never printed or logged
    bool accept_any_password = false;
    std::chrono::seconds timeout{300};
    std::chrono::seconds heartbeat_interval{30};
    std::chrono::seconds call_timeout{30};
    int max_message_rate = 50; // messages per second the charger may send, sustained; 0: no limit
    int message_burst = 200;   // messages the charger may send at once after a quiet time
    bool charging_test = false;
    std::chrono::seconds charging_time{10}; // --charging-seconds
    std::vector<std::string> profiles;      // --profiles: optional profile groups, in the order they run
    std::string db_url = "sqlite:ocppkit.db";
    std::string report_file, junit_file, html_file;
    std::string tls_cert, tls_key, tls_client_ca;
    // --tls-listen: a TLS listener beside the plain one (--listen stays ws://), for the security group's upgrade.
    bool tls_listen = false;
    std::string tls_host;
    std::uint16_t tls_port = 0;
    std::string tls_root;    // --tls-root: the CA certificate that signed --tls-cert (installed on the charger)
    std::string public_host; // host name or address the charger uses, for the URL shown; default: guessed
    ocpp::LogLevel log_level = ocpp::LogLevel::Warn;
    std::chrono::hours claim_valid_for{24 * 7};
};

struct CheckCommand {
    bool help = false;
    CheckOptions options;
};

// Parses the arguments after the command (argv[0] is "check"). The error is one line naming the option and value.
ocpp::Result<CheckCommand> parse_check_command(int argc, const char* const* argv);
std::string check_usage();

// Runs the test; returns the exit code.
int run_check(const CheckOptions& options);
// parse_check_command + run_check, printing usage errors (exit 2).
int check_main(int argc, char** argv);

// The capture file written beside a JSON report: "out/report.json" -> "out/report.capture.jsonl".
std::string capture_path_for(const std::string& report_file);

} // namespace tester
