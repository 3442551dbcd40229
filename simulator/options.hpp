#pragma once
// The options of `ocpp-simulator run`, from the command line and from a YAML file (--config) with the same names;
// the command line wins. Every bad flag or value becomes one line naming the flag (or file:line:column) and the value.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/util/result.hpp"
#include "simulator/charger/charger.hpp"
#include "simulator/charger_model.hpp"

namespace sim {

struct Shard {
    std::uint64_t index = 1; // 1-based
    std::uint64_t count = 1;
};

struct Options {
    std::string url;                     // base URL, ws:// or wss://; the charger's ID is appended as a path segment
    std::uint64_t chargers = 1;          // fleet size over all shards
    int connectors = 2;                  // per charger
    std::string id_prefix = "SIM";       // IDs are prefix + zero-padded global index
    std::optional<std::string> password; // one Basic-auth password for all chargers
    std::string password_file;           // CSV of id,password
    std::map<std::string, std::string> passwords; // loaded from password_file
    std::string ca_file, cert_file, key_file;     // TLS (wss://)
    std::string secure_url;         // base URL of security profiles 2 and 3 after an upgrade (empty: url with wss://)
    double ramp = 200;              // new connections per second, whole process
    int handshakes_in_flight = 500; // connection attempts outstanding at once, whole process
    double duration_s = 0;          // 0 = until Ctrl-C
    int heartbeat_interval_s = 300; // until the central system sets one
    int meter_interval_s = 60;
    double sessions_per_hour = 1.0; // per charger
    double session_min_minutes = 10, session_mean_minutes = 45, session_max_minutes = 240;
    double power_kw = 11.0; // per connector
    std::vector<std::string> id_tags{"SIM-TAG-1"};
    std::uint64_t seed = 1;
    int threads = 0;                     // event loops; 0 until resolved to the hardware concurrency
    std::vector<std::string> source_ips; // local addresses to connect from, round-robin
    Shard shard;
    Mode mode = Mode::Realistic;
    std::string action = "Heartbeat"; // throughput mode: Heartbeat, StatusNotification, MeterValues or mix
    double churn_pct = 0;             // share of connected chargers dropped every churn_every_s
    double churn_every_s = 60;        // seconds between churn rounds
    double call_timeout_s = 30;
    std::string report_file;                 // JSON report, empty = none
    std::string html_file;                   // HTML report, empty = none
    std::string metrics_listen;              // HOST:PORT of the Prometheus endpoint, empty = none
    bool timeseries = true;                  // record the per-second time series
    std::optional<double> max_p99_ms;        // exit 3 when the p99 of all actions is above
    std::optional<std::uint64_t> max_errors; // exit 3 when Stats::total_errors() is above
    ocpp::LogLevel log_level = ocpp::LogLevel::Warn;
    std::string config_file;
    std::vector<ModelChoice> models; // --model FILE[:SHARE], repeatable; the files are read by finalize()
};

// What the command line asked for.
struct Command {
    enum class Kind { Run, Help } kind = Kind::Run;
    Options options;
};

// Parses `ocpp-simulator run [options]` (argv[0] is the program), loads --config and --password-file, and checks the
// combination. The error is one line without the program name, e.g. `--chargers: expected a positive integer, got
// "ten"`; the caller prints it and exits with 2.
ocpp::Result<Command> parse_command_line(int argc, const char* const* argv);

// `"text"` with quotes and backslashes escaped, for messages that show a value.
std::string quoted(const std::string& s);

// The --help text.
std::string usage();

// Why the IDs prefix + index of a fleet of `total` break the Chargebox ID rule (the first and the longest tell),
// or nullopt when they all keep it.
std::optional<std::string> fleet_id_problem(const std::string& prefix, std::uint64_t total);
// Why `prefix` holds a character no Chargebox ID may hold (naming it and quoting the prefix), or nullopt.
std::optional<std::string> id_prefix_problem(const std::string& prefix);
// (Both in fleet_plan.cpp, next to charger_id.)

// One settable option; `apply` parses a value into Options and returns what is wrong with it, if anything.
struct OptionDef {
    const char* name;    // without dashes, as in the YAML file
    const char* metavar; // shown in --help
    const char* help;
    std::function<std::optional<std::string>(Options&, const std::string&)> apply;
};
const std::vector<OptionDef>& option_table();
const OptionDef* find_option(const std::string& name);
// The known option name closest to a misspelt one, or empty when none is close.
std::string closest_option(const std::string& name);

// Applies the settings of a YAML mapping (file name for messages; `skip` = names the command line sets).
// Errors read `FILE:LINE:COLUMN: NAME: problem`.
ocpp::Result<void> apply_yaml(const std::string& text, const std::string& file_name, Options& options,
                              const std::vector<std::string>& skip = {});

// Parses a --password-file (lines `id,password`, blank lines and `#` comments allowed); errors name FILE:LINE.
ocpp::Result<std::map<std::string, std::string>> parse_password_csv(const std::string& text,
                                                                    const std::string& file_name);

// Expands "127.0.0.1-127.0.0.8", "127.0.0.1-8" and comma lists into addresses; the error says what is malformed.
ocpp::Result<std::vector<std::string>> parse_source_ips(const std::string& text);

// Adds the models of a --model value ("FILE[:SHARE]", several comma-separated in a config file); files are read later.
std::optional<std::string> add_models(Options& options, const std::string& value);
// Reads and checks every model file of options.models; errors name FILE:LINE:COLUMN and the key.
ocpp::Result<void> load_models(Options& options);

// Checks the combination of options after all sources were applied (and loads the password file).
ocpp::Result<void> finalize(Options& options);

} // namespace sim
