#pragma once
// The standard OCPP 1.6 configuration keys of one simulated charger, for GetConfiguration/ChangeConfiguration.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/v16/messages.hpp"

namespace sim {

class ConfigStore {
public:
    enum class Kind { Bool, Int, List, Text };
    struct Entry {
        std::string_view key; // a string literal: the keys are fixed, and a fleet holds thousands of these
        std::string value;
        bool readonly = false;
        Kind kind = Kind::Text;
        bool write_only = false; // GetConfiguration names the key without its value (AuthorizationKey)
    };

    // `profiles` is the value of SupportedFeatureProfiles (FeatureProfiles::csv()).
    ConfigStore(int connectors, int heartbeat_s, int meter_s, const std::string& profiles);

    // Known keys (all when `keys` is empty) and the names that are not known.
    ocpp::v16::GetConfigurationConf get(const std::vector<std::string>& keys) const;
    // Accepted, Rejected (read-only or a value of the wrong kind) or NotSupported (unknown key).
    ocpp::v16::ConfigurationStatus set(std::string_view key, std::string_view value);
    // Replaces a key's value, read-only ones too (a charger model's settings); the problem when the key is unknown
    // or the value of the wrong kind.
    std::optional<std::string> override_value(std::string_view key, std::string_view value);
    std::optional<std::string> value(std::string_view key) const;
    // Adds a key unless it is there already (keys of the security whitepaper, when the model has it).
    void add(Entry entry);
    // Sets a key's value without the checks of set() (values the charger decided itself); false when unknown.
    bool store(std::string_view key, std::string value);
    int int_value(std::string_view key, int fallback) const;
    bool bool_value(std::string_view key, bool fallback) const;
    const std::vector<Entry>& entries() const { return entries_; }

private:
    Entry* find(std::string_view key);
    const Entry* find(std::string_view key) const;
    std::vector<Entry> entries_;
};

} // namespace sim
