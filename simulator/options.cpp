#include "simulator/options.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "ocpp/system/small_file.hpp"

namespace sim {

namespace {

ocpp::Result<std::string> read_file(const std::string& flag, const std::string& path) {
    auto text = ocpp::read_small_file(path);
    if (!text) {
        return ocpp::make_error(flag + ": " + text.error().message);
    }
    return text;
}

} // namespace

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += '?';
        } else {
            out += c;
        }
    }
    return out + "\"";
}

ocpp::Result<void> finalize(Options& o) {
    if (o.url.empty()) {
        return ocpp::make_error("--url: required, e.g. --url ws://127.0.0.1:8180/ocpp");
    }
    if (o.password && !o.password_file.empty()) {
        return ocpp::make_error("--password and --password-file: give one or the other, not both");
    }
    if (!o.password_file.empty()) {
        auto text = read_file("--password-file", o.password_file);
        if (!text) {
            return text.error();
        }
        auto parsed = parse_password_csv(*text, o.password_file);
        if (!parsed) {
            return ocpp::make_error("--password-file: " + parsed.error().message);
        }
        o.passwords = std::move(*parsed);
    }
    if (o.cert_file.empty() != o.key_file.empty()) {
        return ocpp::make_error(std::string(o.cert_file.empty() ? "--key" : "--cert") +
                                ": a client certificate needs both --cert and --key");
    }
    const bool tls = o.url.rfind("wss://", 0) == 0 || o.secure_url.rfind("wss://", 0) == 0;
    for (const auto& [flag, value] : {std::pair<const char*, const std::string&>{"--ca", o.ca_file},
                                      {"--cert", o.cert_file},
                                      {"--key", o.key_file}}) {
        if (!tls && !value.empty()) {
            return ocpp::make_error(std::string(flag) +
                                    ": TLS files need a wss:// URL (--url or --secure-url), got --url " +
                                    quoted(o.url));
        }
    }
    if (auto problem = fleet_id_problem(o.id_prefix, o.chargers)) {
        return ocpp::make_error("--id-prefix " + quoted(o.id_prefix) + " with --chargers " +
                                std::to_string(o.chargers) + ": " + *problem);
    }
    if (o.shard.index > o.chargers) {
        return ocpp::make_error("--shard: " + std::to_string(o.shard.index) + "/" + std::to_string(o.shard.count) +
                                " gets no chargers from a fleet of " + std::to_string(o.chargers) + " (--chargers)");
    }
    if (auto loaded = load_models(o); !loaded) {
        return loaded.error();
    }
    if (o.threads == 0) {
        o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }
    return {};
}

ocpp::Result<Command> parse_command_line(int argc, const char* const* argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    Command cmd;
    for (const auto& a : args) {
        if (a == "--help" || a == "-h" || a == "help") {
            cmd.kind = Command::Kind::Help;
            return cmd;
        }
    }
    if (args.empty()) {
        return ocpp::make_error("missing command: ocpp-simulator run --url URL [options] (see --help)");
    }
    if (args[0] != "run") {
        if (args[0].rfind("-", 0) == 0) {
            return ocpp::make_error("missing command before " + args[0] + ": ocpp-simulator run " + args[0] +
                                    " ... (see --help)");
        }
        return ocpp::make_error("unknown command " + quoted(args[0]) + " (the command is: run)");
    }

    std::vector<std::pair<const OptionDef*, std::string>> given;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
            return ocpp::make_error("unexpected argument " + quoted(arg) + " (options start with --; see --help)");
        }
        const auto eq = arg.find('=');
        const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const OptionDef* def = find_option(name);
        if (!def) {
            const auto near = closest_option(name);
            return ocpp::make_error("--" + name + ": unknown option" +
                                    (near.empty() ? "" : " (did you mean --" + near + "?)") + "; see --help");
        }
        std::string value;
        if (eq != std::string::npos) {
            value = arg.substr(eq + 1);
        } else if (i + 1 >= args.size()) {
            return ocpp::make_error("--" + name + ": expected a value (" + def->metavar + ")");
        } else if (args[i + 1].rfind("--", 0) == 0) {
            return ocpp::make_error("--" + name + ": expected a value (" + def->metavar + "), got option " +
                                    args[i + 1]);
        } else {
            value = args[++i];
        }
        given.emplace_back(def, std::move(value));
    }

    Options& o = cmd.options;
    for (const auto& [def, value] : given) {
        if (std::string(def->name) == "config") {
            if (auto problem = def->apply(o, value)) {
                return ocpp::make_error("--config: " + *problem);
            }
        }
    }
    if (!o.config_file.empty()) {
        auto text = read_file("--config", o.config_file);
        if (!text) {
            return text.error();
        }
        std::vector<std::string> skip;
        for (const auto& [def, value] : given) {
            skip.emplace_back(def->name);
        }
        auto applied = apply_yaml(*text, o.config_file, o, skip);
        if (!applied) {
            return applied.error();
        }
    }
    for (const auto& [def, value] : given) {
        if (auto problem = def->apply(o, value)) {
            return ocpp::make_error("--" + std::string(def->name) + ": " + *problem);
        }
    }
    auto done = finalize(o);
    if (!done) {
        return done.error();
    }
    return cmd;
}

} // namespace sim
