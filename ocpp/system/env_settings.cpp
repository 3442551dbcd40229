#include "ocpp/system/env_settings.hpp"

#include <unistd.h>

#include <cctype>

namespace ocpp {

std::string env_variable(const std::string& prefix, const std::string& option) {
    std::string out = prefix;
    for (char c : option) {
        out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

EnvSettings read_env_settings(const std::vector<std::string>& environment, const std::string& prefix,
                              const std::vector<std::string>& options) {
    EnvSettings out;
    std::vector<std::string> found(options.size());
    std::vector<bool> set(options.size(), false);
    for (const auto& entry : environment) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos || entry.rfind(prefix, 0) != 0) {
            continue;
        }
        const std::string var = entry.substr(0, eq);
        bool known = false;
        for (std::size_t i = 0; i < options.size(); ++i) {
            if (env_variable(prefix, options[i]) == var) {
                known = true;
                found[i] = entry.substr(eq + 1);
                set[i] = !found[i].empty();
            }
        }
        if (!known) {
            out.unknown.push_back(var);
        }
    }
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (set[i]) {
            out.values.emplace_back(options[i], found[i]);
        }
    }
    return out;
}

std::vector<std::string> process_environment() {
    std::vector<std::string> out;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        out.emplace_back(*e);
    }
    return out;
}

} // namespace ocpp
