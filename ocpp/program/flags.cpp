#include "ocpp/program/flags.hpp"

#include <charconv>
#include <cstdio>
#include <utility>

#include "ocpp/system/small_file.hpp"

namespace ocpp::program {

FlagArg split_flag(std::string_view arg) {
    FlagArg out;
    const auto eq = arg.find('=');
    if (arg.substr(0, 2) == "--" && eq != std::string_view::npos) {
        out.flag.assign(arg.substr(0, eq));
        out.value.assign(arg.substr(eq + 1));
        out.inline_value = true;
    } else {
        out.flag.assign(arg);
    }
    return out;
}

std::optional<std::string> take_value(const FlagArg& arg, int& i, int argc, const char* const* argv) {
    if (arg.inline_value) {
        return arg.value;
    }
    if (i + 1 >= argc) {
        return std::nullopt;
    }
    return std::string(argv[++i]);
}

std::optional<long> whole_number(std::string_view text) {
    long value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) {
        return std::nullopt;
    }
    return value;
}

Result<long> number_in_range(std::string_view label, std::string_view text, long min, long max) {
    const auto n = whole_number(text);
    if (!n || *n < min || *n > max) {
        return make_error(std::string(label) + " takes a whole number from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", not \"" + std::string(text) + "\"");
    }
    return *n;
}

Result<HostPort> parse_listen(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        return make_error("--listen takes HOST:PORT (e.g. 0.0.0.0:8180), not \"" + std::string(text) + "\"");
    }
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2); // [::]:8180
    }
    auto port = number_in_range("--listen port", text.substr(colon + 1), 0, 65535);
    if (!port) {
        return port.error();
    }
    return HostPort{std::string(host), static_cast<std::uint16_t>(*port)};
}

Result<LogLevel> parse_log_level_flag(std::string_view text) {
    LogLevel level = LogLevel::Info;
    if (!parse_log_level(text, level)) {
        return make_error("--log-level takes debug, info, warn, error or off, not \"" + std::string(text) + "\"");
    }
    return level;
}

Result<bool> set_server_flag(std::string_view name, const std::string& value, std::string& tls_cert,
                             std::string& tls_key, std::string& tls_client_ca, LogLevel& log_level) {
    if (name == "tls-cert") {
        tls_cert = value;
    } else if (name == "tls-key") {
        tls_key = value;
    } else if (name == "tls-client-ca") {
        tls_client_ca = value;
    } else if (name == "log-level") {
        auto level = parse_log_level_flag(value);
        if (!level) {
            return level.error();
        }
        log_level = *level;
    } else {
        return false;
    }
    return true;
}

void print_parse_error(std::string_view prefix, const Error& error) {
    std::fprintf(stderr, "%.*s%s\n", static_cast<int>(prefix.size()), prefix.data(), error.message.c_str());
}

void print_usage(const std::string& usage) {
    std::fputs(usage.c_str(), stdout);
}

net::ServerConfig server_config(const HostPort& listen, const std::string& cert, const std::string& key,
                                const std::string& client_ca) {
    net::ServerConfig sc;
    sc.host = listen.host;
    sc.port = listen.port;
    if (!cert.empty()) {
        sc.tls = net::ServerTlsConfig{cert, key, client_ca, false};
    }
    return sc;
}

Result<void> check_tls_flags(const std::string& cert, const std::string& key, const std::string& client_ca) {
    if (cert.empty() != key.empty()) {
        return make_error("--tls-cert and --tls-key go together");
    }
    if (!client_ca.empty() && cert.empty()) {
        return make_error("--tls-client-ca needs --tls-cert and --tls-key");
    }
    for (const auto& [flag, file] : {std::pair<const char*, const std::string&>{"--tls-cert", cert},
                                     {"--tls-key", key},
                                     {"--tls-client-ca", client_ca}}) {
        if (!file.empty()) {
            if (auto problem = file_problem(file)) {
                return make_error(std::string(flag) + ": " + problem->message);
            }
        }
    }
    return {};
}

} // namespace ocpp::program
