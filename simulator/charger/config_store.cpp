#include "simulator/charger/config_store.hpp"

#include <algorithm>
#include <cstdlib>

namespace sim {

ConfigStore::ConfigStore(int connectors, int heartbeat_s, int meter_s, const std::string& profiles) {
    using K = Kind;
    const std::string measurands = "Energy.Active.Import.Register,Power.Active.Import,Current.Import,SoC";
    entries_ = {
        {"AllowOfflineTxForUnknownId", "false", false, K::Bool},
        {"AuthorizationCacheEnabled", "false", false, K::Bool},
        {"AuthorizeRemoteTxRequests", "false", false, K::Bool},
        {"ClockAlignedDataInterval", "0", false, K::Int},
        {"ConnectionTimeOut", "60", false, K::Int},
        {"GetConfigurationMaxKeys", "50", true, K::Int},
        {"HeartbeatInterval", std::to_string(heartbeat_s), false, K::Int},
        {"LocalAuthorizeOffline", "false", false, K::Bool},
        {"LocalPreAuthorize", "false", false, K::Bool},
        {"LocalAuthListEnabled", "true", false, K::Bool},
        {"LocalAuthListMaxLength", "1000", true, K::Int},
        {"MeterValuesAlignedData", "Energy.Active.Import.Register", false, K::List},
        {"MeterValuesSampledData", measurands, false, K::List},
        {"MeterValueSampleInterval", std::to_string(meter_s), false, K::Int},
        {"NumberOfConnectors", std::to_string(connectors), true, K::Int},
        {"ResetRetries", "3", false, K::Int},
        {"ReserveConnectorZeroSupported", "false", true, K::Bool},
        {"SendLocalListMaxLength", "250", true, K::Int},
        {"ConnectorPhaseRotation", "0.RST", false, K::List},
        {"StopTransactionOnEVSideDisconnect", "true", false, K::Bool},
        {"StopTransactionOnInvalidId", "true", false, K::Bool},
        {"StopTxnAlignedData", "", false, K::List},
        {"StopTxnSampledData", "Energy.Active.Import.Register", false, K::List},
        {"SupportedFeatureProfiles", profiles, true, K::List},
        {"SupportedFileTransferProtocols", "FTP,HTTP,HTTPS", true, K::List}, // UpdateFirmware, GetDiagnostics
        {"TransactionMessageAttempts", "3", false, K::Int},
        {"TransactionMessageRetryInterval", "60", false, K::Int},
        {"UnlockConnectorOnEVSideDisconnect", "true", false, K::Bool},
        {"WebSocketPingInterval", "0", false, K::Int},
    };
    if (profiles.find("SmartCharging") != std::string::npos) {
        // Read-only (OCPP 1.6 section 9.4), enforced on every SetChargingProfile.
        entries_.push_back({"ChargeProfileMaxStackLevel", "10", true, K::Int});
        entries_.push_back({"ChargingScheduleAllowedChargingRateUnit", "Current,Power", true, K::List});
        entries_.push_back({"ChargingScheduleMaxPeriods", "24", true, K::Int});
        entries_.push_back({"MaxChargingProfilesInstalled", "10", true, K::Int});
    }
}

ConfigStore::Entry* ConfigStore::find(std::string_view key) {
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
    return it == entries_.end() ? nullptr : &*it;
}

const ConfigStore::Entry* ConfigStore::find(std::string_view key) const {
    return const_cast<ConfigStore*>(this)->find(key);
}

ocpp::v16::GetConfigurationConf ConfigStore::get(const std::vector<std::string>& keys) const {
    ocpp::v16::GetConfigurationConf conf;
    std::vector<ocpp::v16::KeyValue> known;
    auto add = [&](const Entry& e) {
        known.push_back(ocpp::v16::KeyValue{std::string(e.key), e.readonly,
                                            e.write_only ? std::nullopt : std::optional<std::string>(e.value)});
    };
    if (keys.empty()) {
        std::for_each(entries_.begin(), entries_.end(), add);
    } else {
        std::vector<std::string> unknown;
        for (const auto& k : keys) {
            if (const auto* e = find(k)) {
                add(*e);
            } else {
                unknown.push_back(k);
            }
        }
        if (!unknown.empty()) {
            conf.unknownKey = std::move(unknown);
        }
    }
    if (!known.empty()) {
        conf.configurationKey = std::move(known);
    }
    return conf;
}

ocpp::v16::ConfigurationStatus ConfigStore::set(std::string_view key, std::string_view value) {
    using S = ocpp::v16::ConfigurationStatus;
    Entry* e = find(key);
    if (!e) {
        return S::NotSupported;
    }
    if (e->readonly) {
        return S::Rejected;
    }
    if (e->kind == Kind::Bool && value != "true" && value != "false") {
        return S::Rejected;
    }
    if (e->kind == Kind::Int) {
        const std::string v(value);
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || n < 0 || n > 86400 * 7) {
            return S::Rejected;
        }
    }
    e->value = std::string(value);
    return S::Accepted;
}

std::optional<std::string> ConfigStore::override_value(std::string_view key, std::string_view value) {
    Entry* e = find(key);
    if (!e) {
        return "unknown configuration key \"" + std::string(key) + "\"";
    }
    if (e->kind == Kind::Bool && value != "true" && value != "false") {
        return std::string(key) + " takes true or false, got \"" + std::string(value) + "\"";
    }
    if (e->kind == Kind::Int) {
        const std::string v(value);
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || n < 0 || n > 1000000000L) {
            return std::string(key) + " takes a whole number from 0, got \"" + v + "\"";
        }
    }
    e->value = std::string(value);
    return std::nullopt;
}

std::optional<std::string> ConfigStore::value(std::string_view key) const {
    const Entry* e = find(key);
    return e ? std::optional<std::string>(e->value) : std::nullopt;
}

void ConfigStore::add(Entry entry) {
    if (!find(entry.key)) {
        entries_.push_back(std::move(entry));
    }
}

bool ConfigStore::store(std::string_view key, std::string value) {
    Entry* e = find(key);
    if (e) {
        e->value = std::move(value);
    }
    return e != nullptr;
}

int ConfigStore::int_value(std::string_view key, int fallback) const {
    const Entry* e = find(key);
    return e && !e->value.empty() ? std::atoi(e->value.c_str()) : fallback;
}

bool ConfigStore::bool_value(std::string_view key, bool fallback) const {
    const Entry* e = find(key);
    return e ? e->value == "true" : fallback;
}

} // namespace sim
