#include "centralsystem/options.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include <yaml-cpp/yaml.h>

#include "centralsystem/options_checks.hpp"
#include "ocpp/program/flags.hpp"
#include "ocpp/system/small_file.hpp"
#include "store/database.hpp"

namespace cs {

namespace {

using ocpp::make_error;
using ocpp::Result;

const char* const kValued[] = {"listen",
                               "db",
                               "api-token",
                               "heartbeat-interval",
                               "call-timeout",
                               "tls-cert",
                               "tls-key",
                               "tls-client-ca",
                               "tls-listen",
                               "tls-root-ca",
                               "file-store",
                               "firmware-max-size",
                               "log-level",
                               "config",
                               "map-tile-url",
                               "geocoder-url",
                               "max-samples-per-minute",
                               "password-failures-per-id",
                               "password-failures-per-address",
                               "password-backoff-max",
                               "max-message-rate",
                               "message-burst",
                               "cpo-name",
                               "ca-cert",
                               "ca-key",
                               "ca-passphrase-file",
                               "ca-passphrase",
                               "node-id",
                               "node-address",
                               "node-lease",
                               "cluster-secret-file",
                               "cluster-secret",
                               "trusted-proxy",
                               "tls-proxy",
                               "proxy-protocol",
                               "threads"};

// Every setting by its flag name (auto-register is the one without a value).
std::vector<std::string> option_names() {
    std::vector<std::string> out(std::begin(kValued), std::end(kValued));
    out.emplace_back("auto-register");
    return out;
}

bool takes_value(const std::string& name) {
    for (const char* v : kValued) {
        if (name == v) {
            return true;
        }
    }
    return false;
}

// The settings that are whole numbers: field and range.
struct NumberSetting {
    const char* name;
    int Options::*field;
    long min, max;
};
constexpr NumberSetting kNumbers[] = {
    {"heartbeat-interval", &Options::heartbeat_interval, 1, 86400},
    {"call-timeout", &Options::call_timeout, 1, 3600},
    {"max-samples-per-minute", &Options::max_samples_per_minute, 0, 1000000},
    {"password-failures-per-id", &Options::password_failures_per_id, 1, 1000},
    {"password-failures-per-address", &Options::password_failures_per_address, 1, 1000},
    {"password-backoff-max", &Options::password_backoff_max, 1, 86400},
    {"max-message-rate", &Options::max_message_rate, 0, 100000},
    {"message-burst", &Options::message_burst, 1, 100000},
    {"firmware-max-size", &Options::firmware_max_mib, 1, 64},
    {"node-lease", &Options::node_lease, 3, 300},
    {"threads", &Options::threads, 1, 64},
};

// Adds "CIDR[,CIDR...]" to a list of proxies (the option may be repeated; a list fits one environment variable).
Result<void> add_proxies(const std::string& flag, std::vector<ocpp::net::IpNetwork>& into, const std::string& value) {
    std::size_t start = 0;
    while (start <= value.size()) {
        const auto comma = std::min(value.find(',', start), value.size());
        std::string item = value.substr(start, comma - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        start = comma + 1;
        if (item.empty()) {
            continue;
        }
        auto network = ocpp::net::parse_ip_network(item);
        if (!network) {
            return make_error(flag + ": " + network.error().message);
        }
        if (into.size() >= ocpp::net::TrustedProxies::kMaxRanges) {
            return make_error(flag + ": at most " + std::to_string(ocpp::net::TrustedProxies::kMaxRanges) + " ranges");
        }
        into.push_back(*network);
    }
    return {};
}

// Applies one setting (a flag without its dashes) to the options.
Result<void> apply(Options& o, const std::string& name, const std::string& value) {
    for (const auto& n : kNumbers) {
        if (name == n.name) {
            auto number = ocpp::program::number_in_range("--" + name, value, n.min, n.max);
            if (!number) {
                return number.error();
            }
            o.*n.field = static_cast<int>(*number);
            return {};
        }
    }
    if (name == "listen") {
        auto listen = ocpp::program::parse_listen(value);
        if (!listen) {
            return listen.error();
        }
        o.host = listen->host;
        o.port = listen->port;
    } else if (name == "tls-listen") {
        auto listen = ocpp::program::parse_listen(value);
        if (!listen) {
            return make_error("--tls-listen: " + listen.error().message);
        }
        o.tls_listen = value;
        o.tls_host = listen->host;
        o.tls_port = listen->port;
    } else if (name == "tls-root-ca") {
        o.tls_root_ca = value;
    } else if (name == "file-store") {
        o.file_store = value;
    } else if (name == "db") {
        if (auto ok = store::check_database_url(value); !ok) {
            return make_error("--db: " + ok.error().message);
        }
        o.db = value;
    } else if (name == "api-token") {
        if (value.size() < 16) {
            return make_error("--api-token must have at least 16 characters");
        }
        o.api_token = value;
    } else if (name == "map-tile-url") {
        const bool web = value.rfind("https://", 0) == 0 || value.rfind("http://", 0) == 0;
        for (const char* part : {"{z}", "{x}", "{y}"}) {
            if (!web || value.find(part) == std::string::npos) {
                return make_error("--map-tile-url takes an http(s) URL with {z}, {x} and {y} (e.g. "
                                  "https://tiles.example/{z}/{x}/{y}.png), not \"" +
                                  value + "\"");
            }
        }
        if (value.find_first_of("\"<> \\") != std::string::npos) {
            return make_error("--map-tile-url must not contain quotes, spaces, < or >");
        }
        o.map_tile_url = value;
    } else if (name == "geocoder-url") {
        const bool web = value.rfind("https://", 0) == 0 || value.rfind("http://", 0) == 0;
        if (!web || value.size() > 200 || value.find_first_of("\"<> \\?#'") != std::string::npos) {
            return make_error("--geocoder-url takes the http(s) base URL of a Nominatim server (its /search answers "
                              "address searches), without quotes, spaces, ? or #, not \"" +
                              value + "\"");
        }
        o.geocoder_url = value.back() == '/' ? value.substr(0, value.size() - 1) : value;
    } else if (name == "cpo-name") {
        if (value.empty() || value.size() > 64 || value.find_first_of("\r\n\"/\\") != std::string::npos) {
            return make_error("--cpo-name takes the operator's name (1 to 64 characters, no quotes, slashes or "
                              "line breaks), as chargers have it in their CpoName key");
        }
        o.cpo_name = value;
    } else if (name == "ca-cert" || name == "ca-key") {
        (name == "ca-cert" ? o.ca_cert : o.ca_key) = value;
    } else if (name == "ca-passphrase-file") {
        auto text = ocpp::read_small_file(value, 4096);
        if (!text) {
            return make_error("--ca-passphrase-file: " + text.error().message);
        }
        std::string passphrase = *text;
        while (!passphrase.empty() && (passphrase.back() == '\n' || passphrase.back() == '\r')) {
            passphrase.pop_back();
        }
        if (passphrase.size() < 8) {
            return make_error("--ca-passphrase-file: the CA passphrase must have at least 8 characters");
        }
        o.ca_passphrase = passphrase;
    } else if (name == "ca-passphrase") {
        if (value.size() < 8) {
            return make_error("the CA passphrase must have at least 8 characters");
        }
        o.ca_passphrase = value;
    } else if (name == "node-id") {
        if (value.empty() || value.size() > 64 ||
            value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") !=
                std::string::npos) {
            return make_error("--node-id takes 1 to 64 letters, digits, '.', '_', ':' or '-', not \"" + value + "\"");
        }
        o.node_id = value;
    } else if (name == "node-address") {
        auto listen = ocpp::program::parse_listen(value);
        if (!listen || listen->host == "0.0.0.0" || listen->host == "::" || listen->port == 0) {
            return make_error("--node-address takes the HOST:PORT other nodes reach this node's API at (not 0.0.0.0 "
                              "and not port 0), not \"" +
                              value + "\"");
        }
        o.node_address = value;
    } else if (name == "proxy-protocol") {
        using P = Options::ProxyProtocol;
        const std::pair<const char*, P> names[] = {
            {"off", P::Off}, {"listen", P::Listen}, {"tls-listen", P::TlsListen}, {"both", P::Both}};
        const auto found =
            std::find_if(std::begin(names), std::end(names), [&](const auto& n) { return value == n.first; });
        if (found == std::end(names)) {
            return make_error("--proxy-protocol takes off, listen, tls-listen or both (the listeners whose connections "
                              "from --trusted-proxy start with a PROXY header), not \"" +
                              value + "\"");
        }
        o.proxy_protocol = found->second;
    } else if (name == "trusted-proxy" || name == "tls-proxy") {
        if (auto r = add_proxies("--" + name, name == "tls-proxy" ? o.tls_proxies : o.trusted_proxies, value); !r) {
            return r;
        }
    } else if (name == "cluster-secret-file" || name == "cluster-secret") {
        std::string secret = value;
        if (name == "cluster-secret-file") {
            auto text = ocpp::read_small_file(value, 4096);
            if (!text) {
                return make_error("--cluster-secret-file: " + text.error().message);
            }
            secret = *text;
            while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) {
                secret.pop_back();
            }
        }
        if (secret.size() < 16 || secret.find_first_of("\r\n") != std::string::npos) {
            return make_error("the cluster secret must have at least 16 characters on one line");
        }
        o.cluster_secret = secret;
    } else if (auto server =
                   ocpp::program::set_server_flag(name, value, o.tls_cert, o.tls_key, o.tls_client_ca, o.log_level);
               !server || *server) {
        if (!server) {
            return server.error();
        }
    } else if (name == "auto-register") {
        if (value != "true" && value != "false") {
            return make_error("auto-register takes true or false, not \"" + value + "\"");
        }
        o.auto_register = value == "true";
    } else {
        return make_error("unknown option \"--" + name + "\"");
    }
    return {};
}

Result<void> read_config(Options& o, const std::string& file) {
    auto text = ocpp::read_small_file(file);
    if (!text) {
        return make_error("--config: " + text.error().message);
    }
    YAML::Node root;
    try {
        root = YAML::Load(*text);
    } catch (const YAML::Exception& e) {
        return make_error("--config " + file + ": " + e.what());
    }
    if (root.IsNull()) {
        return {};
    }
    if (!root.IsMap()) {
        return make_error("--config " + file + ": expected a mapping of settings like \"listen: 0.0.0.0:8180\"");
    }
    for (const auto& kv : root) {
        const std::string key = kv.first.as<std::string>("");
        if (!kv.second.IsScalar()) {
            return make_error("--config " + file + " line " + std::to_string(kv.first.Mark().line + 1) + ": " + key +
                              " takes a single value");
        }
        if (key == "config" || (!takes_value(key) && key != "auto-register")) {
            return make_error("--config " + file + " line " + std::to_string(kv.first.Mark().line + 1) +
                              ": unknown setting \"" + key + "\"");
        }
        if (auto r = apply(o, key, kv.second.Scalar()); !r) {
            return make_error("--config " + file + " line " + std::to_string(kv.first.Mark().line + 1) + ": " +
                              r.error().message);
        }
    }
    return {};
}

} // namespace

std::string env_name(const std::string& option) {
    std::string out = "OCPPKIT_";
    for (char c : option) {
        out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

Result<Options> parse_options(int argc, char** argv, const std::vector<std::string>& environment) {
    Options o;
    std::vector<std::pair<std::string, std::string>> settings;
    bool config_flag = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            o.help = true;
            return o;
        }
        if (arg.rfind("--", 0) != 0) {
            return make_error("unexpected argument \"" + arg + "\" (options start with --)");
        }
        const auto split = ocpp::program::split_flag(arg);
        const std::string name = split.flag.substr(2);
        if (name == "auto-register") {
            settings.emplace_back(name, split.inline_value ? split.value : "true");
            continue;
        }
        if (name == "cluster-secret") {
            return make_error("the cluster secret is not taken on the command line (other users see it there): use "
                              "--cluster-secret-file FILE or OCPPKIT_CLUSTER_SECRET");
        }
        if (name == "ca-passphrase") {
            return make_error("the CA passphrase is not taken on the command line (other users see it there): use "
                              "--ca-passphrase-file FILE or OCPPKIT_CA_PASSPHRASE");
        }
        if (!takes_value(name)) {
            return make_error("unknown option \"--" + name + "\"");
        }
        auto taken = ocpp::program::take_value(split, i, argc, argv);
        if (!taken) {
            return make_error("--" + name + " needs a value");
        }
        const std::string& value = *taken;
        if (name == "config") {
            o.config_file = value;
            config_flag = true;
        } else {
            settings.emplace_back(name, value);
        }
    }
    // The environment: OCPPKIT_<OPTION> for every option; an empty value counts as unset.
    std::vector<std::pair<std::string, std::string>> from_env;
    for (const auto& entry : environment) {
        const auto eq = entry.find('=');
        const std::string var = entry.substr(0, eq);
        // OCPPKIT_TESTER_* belong to ocpp-tester serve, which may share this environment.
        if (var.rfind("OCPPKIT_", 0) != 0 || var.rfind("OCPPKIT_TESTER_", 0) == 0 || eq == std::string::npos ||
            eq + 1 == entry.size()) {
            continue;
        }
        std::string option;
        for (const auto& name : option_names()) {
            option = env_name(name) == var ? name : option;
        }
        if (option.empty()) {
            o.warnings.push_back("ignoring " + var + ": not a setting of ocpp-centralsystem (see --help)");
            continue;
        }
        if (option == "config") {
            if (!config_flag) {
                o.config_file = entry.substr(eq + 1);
            }
        } else {
            from_env.emplace_back(option, entry.substr(eq + 1));
        }
    }
    if (!o.config_file.empty()) {
        if (auto r = read_config(o, o.config_file); !r) {
            return r.error();
        }
    }
    // --trusted-proxy and --tls-proxy add up within one source; a higher source replaces what a lower one listed.
    const auto replace_proxies = [&o](const std::vector<std::pair<std::string, std::string>>& source) {
        for (auto* list : {&o.trusted_proxies, &o.tls_proxies}) {
            const char* flag = list == &o.tls_proxies ? "tls-proxy" : "trusted-proxy";
            if (std::any_of(source.begin(), source.end(), [flag](const auto& kv) { return kv.first == flag; })) {
                list->clear();
            }
        }
    };
    replace_proxies(from_env);
    for (const auto& [name, value] : from_env) {
        if (auto r = apply(o, name, value); !r) {
            return make_error(env_name(name) + " (environment): " + r.error().message);
        }
    }
    replace_proxies(settings);
    for (const auto& [name, value] : settings) {
        if (auto r = apply(o, name, value); !r) {
            return r.error();
        }
    }
    if (auto checked = check_option_combinations(o); !checked) {
        return checked.error();
    }
    return o;
}

Result<Options> parse_options(int argc, char** argv) {
    std::vector<std::string> environment;
    for (char** e = environ; e && *e; ++e) {
        environment.emplace_back(*e);
    }
    return parse_options(argc, argv, environment);
}

} // namespace cs
