// Options of `ocpp-tester serve`: the flags, their OCPPKIT_TESTER_* variables, defaults and checks.
#include "ocpp/program/flags.hpp"
#include "ocpp/system/env_settings.hpp"
#include "ocpp/system/small_file.hpp"
#include "store/database.hpp"
#include "tester/checks/profiles/group.hpp"
#include "tester/serve/command.hpp"

namespace tester {

namespace {

using ocpp::program::number_in_range;

ocpp::Result<void> parse_listen(const std::string& text, ServeOptions& o) {
    auto listen = ocpp::program::parse_listen(text);
    if (!listen) {
        return listen.error();
    }
    o.host = listen->host;
    o.port = listen->port;
    return {};
}

} // namespace

bool is_loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string serve_usage() {
    return "usage: ocpp-tester serve --listen HOST:PORT [--db URL] [--public-url ws://host:port]\n"
           "                         [--heartbeat-interval S] [--timeout S] [--max-tests N]\n"
           "                         [--api-token TOKEN | --no-api-token] [--charging-seconds S]\n"
           "                         [--tls-cert PEM --tls-key PEM [--tls-client-ca PEM]] [--log-level LEVEL]\n"
           "                         [--max-kept-tests-mb MB] [--max-capture-kb KB] [--max-frame-rate N]\n"
           "                         [--max-tests-per-address N] [--max-starts-per-minute N]\n"
           "                         [--max-message-rate N] [--message-burst N] [--profiles LIST]\n"
           "\n"
           "Runs the connectivity tester as a service for many installers at once. Open http://HOST:PORT/ on a\n"
           "phone or laptop (the installer page), or start a test with\n"
           "  curl -X POST http://HOST:PORT/api/v1/tests -d '{\"chargeBoxId\":\"CB-1\"}'\n"
           "and configure the charger with the URL, ID and password of the answer (see tester/serve/API.md).\n"
           "\n"
           "  --listen HOST:PORT        where chargers and the REST API connect (port 0: any free port)\n"
           "  --db URL                  where claiming codes go: sqlite:PATH (default sqlite:ocppkit.db) or\n"
           "                            postgresql://USER@HOST:PORT/DB\n"
           "  --public-url URL          the address chargers reach, e.g. wss://tester.example.com:443\n"
           "                            (default: the Host the API request came to)\n"
           "  --heartbeat-interval S    the interval the tester sets in BootNotification (default 30)\n"
           "  --timeout S               how long a test may take, from its start (default 300)\n"
           "  --max-tests N             tests in progress at once (default 1000)\n"
           "  --api-token TOKEN         starting and listing tests needs \"Authorization: Bearer TOKEN\" (16+\n"
           "                            characters; the page asks for it once); a test's own URLs need its id.\n"
           "                            Required on a non-loopback --listen address, unless:\n"
           "  --no-api-token            anyone who reaches the port may start and list tests (on purpose)\n"
           "  --charging-seconds S      how long the charging test keeps its transaction (default 10)\n"
           "  --profiles LIST           optional profile groups for tests that choose none themselves,\n"
           "                            comma-separated: smart-charging, local-list, reservation, trigger,\n"
           "                            firmware, security\n"
           "  --max-kept-tests-mb MB    memory for all tests, running and finished; the oldest finished tests\n"
           "                            are evicted first (default 256)\n"
           "  --max-capture-kb KB       frame capture kept per test; beyond it frames are counted, not kept\n"
           "                            (default 4096)\n"
           "  --max-frame-rate N        frames a second from one charger, over 10 s; a charger above it fails\n"
           "                            connection.frame_rate and is disconnected (default 50)\n"
           "  --max-tests-per-address N tests in progress started from one address (default 20)\n"
           "  --max-starts-per-minute N tests started from one address within a minute (default 60)\n"
           "  --tls-cert, --tls-key     serve wss:// (security profile 2) with this certificate and key\n"
           "  --tls-client-ca PEM       require client certificates signed by this CA (profile 3)\n"
           "  --tls-listen HOST:PORT    with --tls-cert/--tls-key: wss:// here beside ws:// on --listen, for the\n"
           "                            security group's upgrade from profile 1 to 2\n"
           "  --tls-root PEM            the CA certificate that signed --tls-cert (installed on chargers by the\n"
           "                            security group; default: the last certificate of --tls-cert when a CA)\n"
           "  --max-message-rate N      messages per second a charger may send, sustained (default 50; 0: no\n"
           "                            limit); beyond it a CALL gets a GenericError, and a charger that keeps\n"
           "                            exceeding it for 10 s is disconnected (1008)\n"
           "  --message-burst N         messages a charger may send at once after a quiet time (default 200)\n"
           "  --log-level LEVEL         debug, info, warn, error or off (default info)\n"
           "  --help                    show this text\n"
           "\n"
           "Every option can also come from the environment as OCPPKIT_TESTER_ and its name in capitals with '_'\n"
           "for '-': OCPPKIT_TESTER_LISTEN, OCPPKIT_TESTER_DB, OCPPKIT_TESTER_PUBLIC_URL,\n"
           "OCPPKIT_TESTER_HEARTBEAT_INTERVAL, OCPPKIT_TESTER_TIMEOUT, OCPPKIT_TESTER_MAX_TESTS,\n"
           "OCPPKIT_TESTER_API_TOKEN, OCPPKIT_TESTER_TLS_CERT, OCPPKIT_TESTER_TLS_KEY, OCPPKIT_TESTER_TLS_CLIENT_CA,\n"
           "OCPPKIT_TESTER_LOG_LEVEL, OCPPKIT_TESTER_CHARGING_SECONDS, OCPPKIT_TESTER_MAX_KEPT_TESTS_MB,\n"
           "OCPPKIT_TESTER_MAX_CAPTURE_KB, OCPPKIT_TESTER_MAX_FRAME_RATE, OCPPKIT_TESTER_MAX_TESTS_PER_ADDRESS,\n"
           "OCPPKIT_TESTER_MAX_STARTS_PER_MINUTE, OCPPKIT_TESTER_MAX_MESSAGE_RATE, OCPPKIT_TESTER_MESSAGE_BURST\n"
           "(--no-api-token is a flag only; an empty value counts as unset; a\n"
           "bad value stops the start, naming the\n"
           "variable). The command line wins over the environment, which wins over the defaults. The central\n"
           "system's OCPPKIT_* variables are its own: the tester does not read them.\n";
}

namespace {

// Every option of serve by its flag name without dashes; each has a value.
const std::vector<std::string>& serve_option_names() {
    static const std::vector<std::string> names{"listen",
                                                "db",
                                                "public-url",
                                                "heartbeat-interval",
                                                "timeout",
                                                "max-tests",
                                                "api-token",
                                                "tls-cert",
                                                "tls-key",
                                                "tls-client-ca",
                                                "tls-listen",
                                                "tls-root",
                                                "log-level",
                                                "charging-seconds",
                                                "max-kept-tests-mb",
                                                "max-capture-kb",
                                                "max-frame-rate",
                                                "max-tests-per-address",
                                                "max-starts-per-minute",
                                                "max-message-rate",
                                                "message-burst",
                                                "profiles"};
    return names;
}

// Applies one setting (a flag without its dashes) to the options.
ocpp::Result<void> apply(ServeOptions& o, const std::string& name, const std::string& value) {
    const std::string flag = "--" + name;
    if (name == "listen") {
        return parse_listen(value, o);
    }
    if (name == "tls-listen") {
        auto listen = ocpp::program::parse_listen(value);
        if (!listen) {
            return ocpp::make_error("--tls-listen: " + listen.error().message);
        }
        o.tls_listen = true;
        o.tls_listen_host = listen->host;
        o.tls_listen_port = listen->port;
        return {};
    }
    if (name == "tls-root") {
        if (auto problem = ocpp::file_problem(value)) {
            return ocpp::make_error("--tls-root: " + problem->message);
        }
        o.tls_root = value;
        return {};
    }
    if (name == "db") {
        if (auto ok = store::check_database_url(value); !ok) {
            return ocpp::make_error("--db: " + ok.error().message);
        }
        o.db = value;
    } else if (name == "public-url") {
        if (value.rfind("ws://", 0) != 0 && value.rfind("wss://", 0) != 0) {
            return ocpp::make_error("--public-url must start with ws:// or wss://, not \"" + value + "\"");
        }
        o.public_url = value;
    } else if (name == "heartbeat-interval" || name == "timeout" || name == "max-tests") {
        auto n = name == "max-tests" ? number_in_range(flag, value, 1, 100000) : number_in_range(flag, value, 1, 86400);
        if (!n) {
            return n.error();
        }
        if (name == "heartbeat-interval") {
            o.heartbeat_interval = static_cast<int>(*n);
        } else if (name == "timeout") {
            o.timeout = static_cast<int>(*n);
        } else {
            o.max_tests = static_cast<std::size_t>(*n);
        }
    } else if (name == "profiles") {
        auto chosen = profiles::parse_profiles(value);
        if (!chosen) {
            return ocpp::make_error("--profiles: " + chosen.error().message);
        }
        o.profiles = std::move(*chosen);
    } else if (name == "charging-seconds") {
        auto n = number_in_range(flag, value, 1, 3600);
        if (!n) {
            return n.error();
        }
        o.charging_seconds = static_cast<int>(*n);
    } else if (name == "max-kept-tests-mb" || name == "max-capture-kb" || name == "max-frame-rate" ||
               name == "max-tests-per-address" || name == "max-starts-per-minute") {
        const long min = name == "max-capture-kb" ? 16 : 1;
        const long max = name == "max-kept-tests-mb" ? 65536 : name == "max-capture-kb" ? 1048576 : 100000;
        auto n = number_in_range(flag, value, min, max);
        if (!n) {
            return n.error();
        }
        const auto v = static_cast<std::size_t>(*n);
        (name == "max-kept-tests-mb"       ? o.max_kept_tests_mb
         : name == "max-capture-kb"        ? o.max_capture_kb
         : name == "max-frame-rate"        ? o.max_frame_rate
         : name == "max-tests-per-address" ? o.max_tests_per_address
                                           : o.max_starts_per_minute) = v;
    } else if (name == "max-message-rate" || name == "message-burst") {
        auto n = number_in_range(flag, value, name == "max-message-rate" ? 0 : 1, 100000);
        if (!n) {
            return n.error();
        }
        (name == "max-message-rate" ? o.max_message_rate : o.message_burst) = static_cast<int>(*n);
    } else if (name == "api-token") {
        if (value.size() < 16) {
            return ocpp::make_error("--api-token needs at least 16 characters (e.g. openssl rand -hex 16)");
        }
        for (char c : value) {
            const auto b = static_cast<unsigned char>(c);
            if (b <= 0x20 || b >= 0x7F) {
                return ocpp::make_error("--api-token takes printable ASCII without spaces");
            }
        }
        o.api_token = value;
    } else if (auto server =
                   ocpp::program::set_server_flag(name, value, o.tls_cert, o.tls_key, o.tls_client_ca, o.log_level);
               !server || *server) {
        if (!server) {
            return server.error();
        }
    } else {
        return ocpp::make_error("unknown option \"" + flag + "\"");
    }
    return {};
}

} // namespace

ocpp::Result<ServeOptions> parse_serve_options(int argc, char** argv, const std::vector<std::string>& environment) {
    ServeOptions o;
    std::vector<std::pair<std::string, std::string>> flags;
    int i = 1;
    if (i < argc && std::string(argv[i]) == "serve") {
        ++i;
    }
    for (; i < argc; ++i) {
        const auto split = ocpp::program::split_flag(argv[i]);
        const std::string& flag = split.flag;
        if (flag == "--help" || flag == "-h") {
            o.help = true;
            return o;
        }
        if (flag == "--no-api-token" && !split.inline_value) {
            o.no_api_token = true;
            continue;
        }
        const auto& names = serve_option_names();
        if (flag.rfind("--", 0) != 0 || std::find(names.begin(), names.end(), flag.substr(2)) == names.end()) {
            return ocpp::make_error("unknown option \"" + flag + "\"");
        }
        auto value = ocpp::program::take_value(split, i, argc, argv);
        if (!value) {
            return ocpp::make_error(flag + " needs a value");
        }
        flags.emplace_back(flag.substr(2), *value);
    }
    // The command line wins over the environment, which wins over the defaults. A bad variable is an error even
    // when a flag overrides it, so that nothing wrong is silently kept in the service's environment.
    bool listen_given = false;
    const auto env = ocpp::read_env_settings(environment, kServeEnvPrefix, serve_option_names());
    for (const auto& var : env.unknown) {
        o.warnings.push_back("ignoring " + var + ": not a setting of ocpp-tester serve (see --help)");
    }
    for (const auto& [name, value] : env.values) {
        if (auto r = apply(o, name, value); !r) {
            return ocpp::make_error(ocpp::env_variable(kServeEnvPrefix, name) + " (environment): " + r.error().message);
        }
        listen_given = listen_given || name == "listen";
    }
    for (const auto& [name, value] : flags) {
        if (auto r = apply(o, name, value); !r) {
            return r.error();
        }
        listen_given = listen_given || name == "listen";
    }
    if (!listen_given) {
        return ocpp::make_error("--listen HOST:PORT is required (or " + ocpp::env_variable(kServeEnvPrefix, "listen") +
                                ")");
    }
    if (o.tls_listen && o.tls_cert.empty()) {
        return ocpp::make_error("--tls-listen needs --tls-cert and --tls-key");
    }
    if (auto tls = ocpp::program::check_tls_flags(o.tls_cert, o.tls_key, o.tls_client_ca); !tls) {
        return tls.error();
    }
    if (o.timeout <= o.heartbeat_interval) {
        return ocpp::make_error("--timeout (" + std::to_string(o.timeout) + " s) must be longer than " +
                                "--heartbeat-interval (" + std::to_string(o.heartbeat_interval) +
                                " s): the heartbeat check waits for one interval");
    }
    if (o.max_capture_kb / 1024 > o.max_kept_tests_mb) {
        return ocpp::make_error("--max-capture-kb (" + std::to_string(o.max_capture_kb) +
                                ") must fit into --max-kept-tests-mb (" + std::to_string(o.max_kept_tests_mb) + ")");
    }
    if (!o.api_token.empty() && o.no_api_token) {
        return ocpp::make_error("--api-token and --no-api-token exclude each other: give one");
    }
    if (o.api_token.empty() && !o.no_api_token && !is_loopback(o.host)) {
        return ocpp::make_error("--listen " + o.host +
                                " is reachable from other machines, and without a token "
                                "anyone who reaches the port can start and list tests and read their claiming codes: "
                                "set --api-token TOKEN (or OCPPKIT_TESTER_API_TOKEN), or give --no-api-token to "
                                "allow that on purpose (a network of your own, or a proxy that authenticates)");
    }
    return o;
}

ocpp::Result<ServeOptions> parse_serve_options(int argc, char** argv) {
    return parse_serve_options(argc, argv, ocpp::process_environment());
}

} // namespace tester
