// The whitepaper's security events (edition 4, with edition 3's names: "...AtCentralSystem", not 2.x's "...AtCsms").
// Critical per the whitepaper: firmware updated, system time set, start-up, reset, security log cleared, memory
// exhausted, tamper detection. InvalidFirmwareSignature is not critical in 1.6 (it is in OCPP 2.x).
#include "centralsystem/security/events.hpp"

namespace cs::security {

namespace {

struct EventKind {
    std::string_view type;
    bool critical;
};

constexpr EventKind kEvents[] = {
    {"FirmwareUpdated", true},
    {"FailedToAuthenticateAtCentralSystem", false},
    {"CentralSystemFailedToAuthenticate", false},
    {"SettingSystemTime", true},
    {"StartupOfTheDevice", true},
    {"ResetOrReboot", true},
    {"SecurityLogWasCleared", true},
    {"ReconfigurationOfSecurityParameters", false},
    {"MemoryExhaustion", true},
    {"InvalidMessages", false},
    {"AttemptedReplayAttacks", false},
    {"TamperDetectionActivated", true},
    {"InvalidFirmwareSignature", false},
    {"InvalidFirmwareSigningCertificate", false},
    {"InvalidCentralSystemCertificate", false},
    {"InvalidChargePointCertificate", false},
    {"InvalidTLSVersion", false},
    {"InvalidTLSCipherSuite", false},
    {"MaintenanceLoginAccepted", false},
    {"MaintenanceLoginFailed", false},
};

const EventKind* find(std::string_view type) {
    for (const auto& e : kEvents) {
        if (e.type == type) {
            return &e;
        }
    }
    return nullptr;
}

} // namespace

bool is_known_event(std::string_view type) {
    return find(type) != nullptr;
}

bool is_critical_event(std::string_view type) {
    const EventKind* e = find(type);
    return e != nullptr && e->critical;
}

} // namespace cs::security
