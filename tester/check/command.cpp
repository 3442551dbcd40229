// The command line of `ocpp-tester check`: every bad flag or value becomes one line naming it. The run itself is in
// check_command_run.cpp.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>

#include "ocpp/program/flags.hpp"
#include "ocpp/system/small_file.hpp"
#include "ocpp/text/chargebox_id.hpp"
#include "store/database.hpp"
#include "tester/check/command.hpp"
#include "tester/checks/checks.hpp"
#include "tester/checks/profiles/group.hpp"

namespace tester {

using ocpp::make_error;

namespace {

using ocpp::program::whole_number;

ocpp::Result<void> parse_host_port(const char* flag, const std::string& v, std::string& host_out,
                                   std::uint16_t& port_out) {
    const std::string what =
        std::string(flag) + ": expected HOST:PORT such as 0.0.0.0:8180 or [::]:8180, got " + quote(v);
    const auto colon = v.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return make_error(what);
    }
    std::string host = v.substr(0, colon);
    if (host.front() == '[') {
        if (host.back() != ']') {
            return make_error(what);
        }
        host = host.substr(1, host.size() - 2);
    }
    const auto port = whole_number(v.substr(colon + 1));
    if (host.empty() || !port || *port < 0 || *port > 65535) {
        return make_error(what);
    }
    host_out = host;
    port_out = static_cast<std::uint16_t>(*port);
    return {};
}

ocpp::Result<void> parse_listen(const std::string& v, CheckOptions& o) {
    return parse_host_port("--listen", v, o.host, o.port);
}

ocpp::Result<void> parse_tls_listen(const std::string& v, CheckOptions& o) {
    o.tls_listen = true;
    return parse_host_port("--tls-listen", v, o.tls_host, o.tls_port);
}

// Sets one option from its value, or says what is wrong with the value.
using Setter = std::function<ocpp::Result<void>(const std::string&, CheckOptions&)>;

Setter seconds(const char* name, long max, std::chrono::seconds CheckOptions::*field) {
    return [=](const std::string& v, CheckOptions& o) -> ocpp::Result<void> {
        const auto n = whole_number(v);
        if (!n || *n < 1 || *n > max) {
            return make_error(std::string(name) + ": expected whole seconds from 1 to " + std::to_string(max) +
                              ", got " + quote(v));
        }
        o.*field = std::chrono::seconds(*n);
        return {};
    };
}

// A whole number from min to max.
Setter count(const char* name, long min, long max, int CheckOptions::*field) {
    return [=](const std::string& v, CheckOptions& o) -> ocpp::Result<void> {
        const auto n = whole_number(v);
        if (!n || *n < min || *n > max) {
            return make_error(std::string(name) + ": expected a whole number from " + std::to_string(min) + " to " +
                              std::to_string(max) + ", got " + quote(v));
        }
        o.*field = static_cast<int>(*n);
        return {};
    };
}

// An output file's path, taken as given.
Setter path(std::string CheckOptions::*field) {
    return [=](const std::string& v, CheckOptions& o) -> ocpp::Result<void> {
        o.*field = v;
        return {};
    };
}

// An input file's path, which must be readable now.
Setter readable(const char* name, std::string CheckOptions::*field) {
    return [=](const std::string& v, CheckOptions& o) -> ocpp::Result<void> {
        o.*field = v;
        if (auto problem = ocpp::file_problem(v)) {
            return make_error(std::string(name) + ": " + problem->message);
        }
        return {};
    };
}

const std::map<std::string, Setter>& value_options() {
    static const std::map<std::string, Setter> options = {
        {"--listen", parse_listen},
        {"--chargebox-id",
         [](const std::string& v, CheckOptions& o) -> ocpp::Result<void> {
             if (auto p = ocpp::check_chargebox_id(v)) {
                 return make_error("--chargebox-id: " + p->message);
             }
             o.chargebox_id = v;
             return {};
         }},
        {"--password",
         [](const std::string& v, CheckOptions& o) -> ocpp::Result<void> {
             if (v.empty()) {
                 return make_error("--password: expected a password, got an empty one");
             }
             o.password = v;
             return {};
         }},
        {"--timeout", seconds("--timeout", 86400, &CheckOptions::timeout)},
        {"--heartbeat-interval", seconds("--heartbeat-interval", 86400, &CheckOptions::heartbeat_interval)},
        {"--call-timeout", seconds("--call-timeout", 600, &CheckOptions::call_timeout)},
        {"--charging-seconds", seconds("--charging-seconds", 3600, &CheckOptions::charging_time)},
        {"--max-message-rate", count("--max-message-rate", 0, 100000, &CheckOptions::max_message_rate)},
        {"--message-burst", count("--message-burst", 1, 100000, &CheckOptions::message_burst)},
        {"--db",
         [](const std::string& v, CheckOptions& o) -> ocpp::Result<void> {
             if (auto ok = store::check_database_url(v); !ok) {
                 return make_error("--db: " + ok.error().message);
             }
             o.db_url = v;
             return {};
         }},
        {"--profiles",
         [](const std::string& v, CheckOptions& o) -> ocpp::Result<void> {
             auto chosen = profiles::parse_profiles(v);
             if (!chosen) {
                 return make_error("--profiles: " + chosen.error().message);
             }
             o.profiles = std::move(*chosen);
             return {};
         }},
        {"--report", path(&CheckOptions::report_file)},
        {"--junit", path(&CheckOptions::junit_file)},
        {"--html", path(&CheckOptions::html_file)},
        {"--tls-cert", readable("--tls-cert", &CheckOptions::tls_cert)},
        {"--tls-key", readable("--tls-key", &CheckOptions::tls_key)},
        {"--tls-client-ca", readable("--tls-client-ca", &CheckOptions::tls_client_ca)},
        {"--tls-listen", parse_tls_listen},
        {"--tls-root", readable("--tls-root", &CheckOptions::tls_root)},
        {"--public-host",
         [](const std::string& v, CheckOptions& o) -> ocpp::Result<void> {
             if (v.empty() || v.find_first_of("/ ") != std::string::npos) {
                 return make_error("--public-host: expected a host name or address, got " + quote(v));
             }
             o.public_host = v;
             return {};
         }},
        {"--log-level",
         [](const std::string& v, CheckOptions& o) -> ocpp::Result<void> {
             if (!ocpp::parse_log_level(v, o.log_level)) {
                 return make_error("--log-level: expected debug, info, warn, error or off, got " + quote(v));
             }
             return {};
         }},
    };
    return options;
}

} // namespace

std::string check_usage() {
    return R"(Usage: ocpp-tester check --listen HOST:PORT --chargebox-id ID [options]

Waits for one charger on ws(s)://HOST:PORT/ocpp/ID, runs every connectivity check with a live checklist and, when no
check failed, prints a claiming code for the operator. Exit code 0 passed, 1 failed, 2 bad usage or cannot start.

  --listen HOST:PORT          address to listen on, e.g. 0.0.0.0:8180 (port 0 = any free port)
  --chargebox-id ID           the Chargebox ID configured on the charger
  --password PW               the HTTP Basic password the charger must present (security profile 1/2)
  --accept-any-password       capture whatever password the charger presents instead
  --timeout S                 how long to wait for the charger to connect and boot (default 300)
  --heartbeat-interval S      the interval the tester sets in its BootNotification answer (default 30);
                              a passing test takes about this long
  --call-timeout S            how long the charger may take to answer a call (default 30)
  --max-message-rate N        messages per second the charger may send, sustained (default 50; 0: no limit);
                              beyond it a CALL gets a GenericError, and a charger that keeps exceeding it
                              for 10 s is disconnected (1008)
  --message-burst N           messages the charger may send at once after a quiet time (default 200)
  --charging-test             also run RemoteStart/StopTransaction with meter values (needs a vehicle or
                              test adapter on connector 1 that draws power: a session without energy fails)
  --charging-seconds S        how long the charging test keeps the transaction before it stops it; a shorter
                              session fails (default 10)
  --profiles LIST             also run the checks of these optional profiles, comma-separated:
                              smart-charging, local-list, reservation, trigger, firmware, security (a profile
                              the charger does not declare is reported as not supported, not as failed;
                              firmware serves its file and takes the diagnostics upload on this port)
  --db URL                    where claiming codes go (default sqlite:ocppkit.db)
  --report FILE.json          write the JSON report, and the frame capture beside it (FILE.capture.jsonl)
  --junit FILE.xml            write JUnit XML, one testcase per check
  --html FILE.html            write a printable HTML report
  --tls-cert PEM --tls-key PEM
                              listen with wss:// (security profile 2)
  --tls-client-ca PEM         require client certificates signed by this CA (security profile 3)
  --tls-listen HOST:PORT      with --tls-cert/--tls-key: wss:// on this address beside ws:// on --listen, so
                              that the security profile can go from 1 to 2 in one test (--profiles security)
  --tls-root PEM              the CA certificate that signed --tls-cert; the security group installs it on
                              the charger as CentralSystemRootCertificate (default: the last certificate of
                              --tls-cert when it is a CA)
  --public-host HOST          the host name or address the charger uses, for the URL shown
  --log-level LEVEL           debug, info, warn (default), error or off; logs go to stderr
  -h, --help                  this text
)";
}

ocpp::Result<CheckCommand> parse_check_command(int argc, const char* const* argv) {
    CheckCommand cmd;
    bool listen_given = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            cmd.help = true;
            return cmd;
        }
        if (arg == "--accept-any-password" || arg == "--charging-test") {
            (arg == "--charging-test" ? cmd.options.charging_test : cmd.options.accept_any_password) = true;
            continue;
        }
        const auto split = ocpp::program::split_flag(arg);
        const auto& options = value_options();
        auto it = options.find(split.flag);
        if (it == options.end()) {
            if (split.flag.rfind("-", 0) != 0) {
                return make_error("unexpected argument " + quote(split.flag) + " (options start with --)");
            }
            return make_error("unknown option " + split.flag + " (see ocpp-tester check --help)");
        }
        auto value = ocpp::program::take_value(split, i, argc, argv);
        if (!value) {
            return make_error(split.flag + ": expects a value");
        }
        if (auto r = it->second(*value, cmd.options); !r) {
            return r.error();
        }
        listen_given = listen_given || split.flag == "--listen";
    }
    const auto& o = cmd.options;
    if (!listen_given) {
        return make_error("--listen HOST:PORT is required, e.g. --listen 0.0.0.0:8180");
    }
    if (o.chargebox_id.empty()) {
        return make_error("--chargebox-id ID is required: the ID configured on the charger");
    }
    if (o.password && o.accept_any_password) {
        return make_error("--password and --accept-any-password exclude each other: give one");
    }
    if (o.tls_cert.empty() != o.tls_key.empty()) {
        return make_error(o.tls_cert.empty() ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
    }
    if (o.tls_listen && o.tls_cert.empty()) {
        return make_error("--tls-listen needs --tls-cert and --tls-key");
    }
    if (!o.tls_client_ca.empty() && o.tls_cert.empty()) {
        return make_error("--tls-client-ca needs --tls-cert and --tls-key (client certificates need wss://)");
    }
    return cmd;
}

int check_main(int argc, char** argv) {
    return ocpp::program::run_parsed(parse_check_command(argc, argv), "ocpp-tester check: ", check_usage,
                                     [](const CheckCommand& cmd) { return run_check(cmd.options); });
}

std::string capture_path_for(const std::string& report_file) {
    const std::string ext = ".json";
    if (report_file.size() > ext.size() && report_file.compare(report_file.size() - ext.size(), ext.size(), ext) == 0) {
        return report_file.substr(0, report_file.size() - ext.size()) + ".capture.jsonl";
    }
    return report_file + ".capture.jsonl";
}

} // namespace tester
