#pragma once
// What the programs' command-line parsers share: "--flag value" and "--flag=value", whole numbers in a range, and
// "--listen HOST:PORT", each failing with a message that names the flag.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/log/log.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/util/result.hpp"

namespace ocpp::program {

// One command-line argument split at its first '=' when it is a long option: "--db=x" -> {"--db", "x", true};
// anything else is kept whole as `flag`.
struct FlagArg {
    std::string flag;
    std::string value;
    bool inline_value = false;
};
FlagArg split_flag(std::string_view arg);

// The value of a flag that takes one: the inline one, or else argv[i + 1] (and i moves past it); nullopt when the
// flag is the last argument.
std::optional<std::string> take_value(const FlagArg& arg, int& i, int argc, const char* const* argv);

// `text` as a whole number in decimal, nothing before or after it; nullopt otherwise (also on overflow).
std::optional<long> whole_number(std::string_view text);

// A whole number from min to max, or "<label> takes a whole number from <min> to <max>, not "<text>"".
Result<long> number_in_range(std::string_view label, std::string_view text, long min, long max);

// "--listen HOST:PORT" ("0.0.0.0:8180", "[::]:8180"; the brackets are dropped), port 0 to 65535.
struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};
Result<HostPort> parse_listen(std::string_view text);

// "--log-level": debug, info, warn, error or off.
Result<LogLevel> parse_log_level_flag(std::string_view text);

// Sets one of the flags every server program takes alike, `name` without "--": --tls-cert, --tls-key and
// --tls-client-ca (a file name each, checked later by check_tls_flags) or --log-level. False when `name` is none of
// them; an error for a bad level.
Result<bool> set_server_flag(std::string_view name, const std::string& value, std::string& tls_cert,
                             std::string& tls_key, std::string& tls_client_ca, LogLevel& log_level);

// --tls-cert, --tls-key (both or neither) and --tls-client-ca (only with both): each given file must be readable.
Result<void> check_tls_flags(const std::string& cert, const std::string& key, const std::string& client_ca);

// The settings of a server listening on `listen`, with TLS when `cert` is given (security profile 2; 3 with a
// client CA); the rest at net::ServerConfig's defaults.
net::ServerConfig server_config(const HostPort& listen, const std::string& cert, const std::string& key,
                                const std::string& client_ca);

// Prints "<prefix><message>" and a newline to stderr: how a command reports arguments it cannot parse.
void print_parse_error(std::string_view prefix, const Error& error);
// Prints a command's usage text to stdout, for --help.
void print_usage(const std::string& usage);

// How a command starts once its arguments are parsed: an error is printed after `prefix` (exit code 2), --help
// prints `usage()` (exit code 0); otherwise the exit code of `run(parsed)`.
template <class Parsed, class Run>
int run_parsed(const Result<Parsed>& parsed, std::string_view prefix, std::string (*usage)(), Run&& run) {
    if (!parsed) {
        print_parse_error(prefix, parsed.error());
        return 2;
    }
    if (parsed->help) {
        print_usage(usage());
        return 0;
    }
    return run(*parsed);
}

} // namespace ocpp::program
