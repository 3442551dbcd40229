#pragma once
// Program settings from environment variables: PREFIX and the option's name in capitals with '_' for '-'
// (OCPPKIT_TESTER_API_TOKEN for --api-token). The caller applies them between its defaults and its command line.
#include <string>
#include <utility>
#include <vector>

namespace ocpp {

// "OCPPKIT_TESTER_" + "api-token" -> "OCPPKIT_TESTER_API_TOKEN".
std::string env_variable(const std::string& prefix, const std::string& option);

struct EnvSettings {
    std::vector<std::pair<std::string, std::string>> values; // option name and value, in the order of `options`
    std::vector<std::string> unknown;                        // variables with the prefix that name no option
};

// Reads "NAME=value" entries; an empty value counts as unset.
EnvSettings read_env_settings(const std::vector<std::string>& environment, const std::string& prefix,
                              const std::vector<std::string>& options);

// This process's environment as "NAME=value" entries.
std::vector<std::string> process_environment();

} // namespace ocpp
