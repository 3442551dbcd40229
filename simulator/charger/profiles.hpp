#pragma once
// The OCPP 1.6 feature profiles a simulated charger model supports. Core is always there; each other profile can be
// switched off per model, and then its actions are answered NotSupported and it is left out of the
// SupportedFeatureProfiles configuration key.
#include <string>
#include <string_view>

#include "ocpp/util/result.hpp"

namespace sim {

struct FeatureProfiles {
    bool firmware = true;       // FirmwareManagement: UpdateFirmware, GetDiagnostics
    bool local_list = true;     // LocalAuthListManagement: SendLocalList, GetLocalListVersion
    bool reservation = true;    // Reservation: ReserveNow, CancelReservation
    bool smart_charging = true; // SmartCharging: Set/ClearChargingProfile, GetCompositeSchedule
    bool remote_trigger = true; // RemoteTrigger: TriggerMessage
    // The security whitepaper's messages (not a feature profile of 1.6: never in SupportedFeatureProfiles; a model
    // switches it with `security:`).
    bool security = true;

    // The value of SupportedFeatureProfiles, e.g. "Core,FirmwareManagement,SmartCharging".
    std::string csv() const;
    // Reads a list such as "Core,SmartCharging" (the OCPP names, comma-separated, case-sensitive; Core may be left
    // out); an unknown name is an Invalid error that names it.
    static ocpp::Result<FeatureProfiles> parse(std::string_view list);
};

} // namespace sim
