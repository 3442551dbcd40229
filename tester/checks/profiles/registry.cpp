// The registry of the optional profile groups: names, checks, OCTT cases and factories.
#include <algorithm>

#include "tester/checks/profiles/group.hpp"

namespace tester::profiles {

const std::vector<GroupDef>& group_registry() {
    static const std::vector<GroupDef> registry = {
        {"smart-charging",
         "SmartCharging",
         {
             {"smart_charging.set_profile", "SetChargingProfile (TxDefaultProfile) accepted", "TC_056"},
             {"smart_charging.composite", "GetCompositeSchedule shows the profile's limit", "TC_066"},
             {"smart_charging.power", "With the charging test: the metered power stays within the profile", "TC_056"},
             {"smart_charging.clear", "ClearChargingProfile removes the profile", "TC_067"},
         },
         8,
         true,
         make_smart_charging},
        {"local-list",
         "LocalAuthListManagement",
         {
             {"local_list.full", "SendLocalList Full, then GetLocalListVersion reports its version", "TC_043"},
             {"local_list.differential", "SendLocalList Differential, then GetLocalListVersion reports its version",
              "TC_043"},
         },
         7,
         false,
         make_local_list},
        {"reservation",
         "Reservation",
         {
             {"reservation.reserve", "ReserveNow on a free connector, StatusNotification Reserved", "TC_046"},
             {"reservation.cancel", "CancelReservation, StatusNotification Available", "TC_051"},
         },
         4,
         false,
         make_reservation},
        {"trigger",
         "RemoteTrigger",
         {
             {"trigger.boot_notification", "TriggerMessage(BootNotification), then BootNotification", "TC_054"},
             {"trigger.diagnostics_status", "TriggerMessage(DiagnosticsStatusNotification), then the notification",
              "TC_054"},
             {"trigger.firmware_status", "TriggerMessage(FirmwareStatusNotification), then the notification", "TC_054"},
             {"trigger.heartbeat", "TriggerMessage(Heartbeat), then Heartbeat", "TC_054"},
             {"trigger.meter_values", "TriggerMessage(MeterValues), then MeterValues", "TC_054"},
             {"trigger.status_notification", "TriggerMessage(StatusNotification), then StatusNotification", "TC_054"},
         },
         12,
         false,
         make_trigger},
        // Last: an installed firmware restarts the charger; the test follows it until it is back.
        {"firmware",
         "FirmwareManagement",
         {
             {"firmware.diagnostics", "GetDiagnostics uploads a file to the tester (Uploading → Uploaded)", "TC_045"},
             {"firmware.update", "UpdateFirmware from the tester's file: every status in order, the new version booted",
              "TC_044"},
         },
         28, // each status may take three call timeouts (a download or an upload), and the restart as long
         false,
         make_firmware,
         true},
        // After firmware: a failed upgrade can leave the charger unable to come back.
        {"security",
         "", // the whitepaper adds no feature profile: run whatever the charger declares
         {
             {"security.tls", "TLS version and cipher suites as the security whitepaper requires", "TC_086_CS"},
             {"security.client_certificate", "Profile 3 client certificate: chain, key, validity, CN and O",
              "TC_087_CS"},
             {"security.installed_certificates", "GetInstalledCertificateIds answered for both certificate types",
              "TC_076_CS"},
             {"security.password_rotation", "A new AuthorizationKey: the charger comes back with it", "TC_073_CS"},
             {"security.profile_upgrade", "SecurityProfile 1 → 2: the tester's root installed, back over TLS",
              "TC_083_CS"},
             {"security.event", "SecurityEventNotification for a provoked event", ""},
         },
         10,
         false,
         make_security,
         false,
         2},
    };
    return registry;
}

const GroupDef* find_group(std::string_view name) {
    for (const auto& def : group_registry()) {
        if (name == def.name) {
            return &def;
        }
    }
    return nullptr;
}

std::string group_names() {
    std::string out;
    for (const auto& def : group_registry()) {
        out += (out.empty() ? "" : ", ") + std::string(def.name);
    }
    return out;
}

ocpp::Result<std::vector<std::string>> parse_profiles(std::string_view csv) {
    std::vector<std::string> given;
    std::size_t at = 0;
    while (at <= csv.size()) {
        const auto comma = csv.find(',', at);
        auto name = csv.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
        while (!name.empty() && name.front() == ' ') {
            name.remove_prefix(1);
        }
        while (!name.empty() && name.back() == ' ') {
            name.remove_suffix(1);
        }
        if (name.empty()) {
            return ocpp::make_error(ocpp::ErrorKind::Invalid,
                                    "expected profile names separated by commas, got an empty one; valid: " +
                                        group_names());
        }
        if (!find_group(name)) {
            return ocpp::make_error(ocpp::ErrorKind::Invalid,
                                    "unknown profile " + quote(name, 40) + "; valid: " + group_names());
        }
        given.emplace_back(name);
        if (comma == std::string_view::npos) {
            break;
        }
        at = comma + 1;
    }
    std::vector<std::string> ordered;
    for (const auto& def : group_registry()) {
        if (std::find(given.begin(), given.end(), def.name) != given.end()) {
            ordered.emplace_back(def.name);
        }
    }
    return ordered;
}

void add_group_checks(CheckBoard& board, const std::vector<std::string>& chosen) {
    for (const auto& name : chosen) {
        const auto* def = find_group(name);
        if (!def) {
            continue;
        }
        for (const auto& gc : def->checks) {
            Check c;
            c.id = gc.key;
            c.title = gc.title;
            c.octt = gc.octt;
            board.append(std::move(c));
        }
    }
}

std::chrono::seconds group_budget(const TestConfig& config) {
    // Once per test a group may wait for connector 1 to leave Finishing (GroupRunner).
    std::chrono::seconds total = config.profiles.empty() ? std::chrono::seconds(0) : 2 * config.call_timeout;
    for (const auto& name : config.profiles) {
        if (const auto* def = find_group(name)) {
            total += def->calls * config.call_timeout + std::chrono::seconds(2);
            if (def->charges && config.charging_test) {
                total += config.charging_time;
            }
            if (def->restarts) {
                total += restart_wait(config);
            }
            total += def->reconnects * restart_wait(config);
        }
    }
    return total;
}

std::chrono::seconds restart_wait(const TestConfig& config) {
    return std::min(config.timeout, std::chrono::seconds(180));
}

} // namespace tester::profiles
