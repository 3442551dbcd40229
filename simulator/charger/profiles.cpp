#include "simulator/charger/profiles.hpp"

#include "ocpp/text/split.hpp"

namespace sim {

namespace {
struct Named {
    const char* name;
    bool FeatureProfiles::*flag;
};
constexpr Named kProfiles[] = {
    {"FirmwareManagement", &FeatureProfiles::firmware},  {"LocalAuthListManagement", &FeatureProfiles::local_list},
    {"Reservation", &FeatureProfiles::reservation},      {"SmartCharging", &FeatureProfiles::smart_charging},
    {"RemoteTrigger", &FeatureProfiles::remote_trigger},
};
} // namespace

std::string FeatureProfiles::csv() const {
    std::string out = "Core";
    for (const auto& p : kProfiles) {
        if (this->*p.flag) {
            out += ',';
            out += p.name;
        }
    }
    return out;
}

ocpp::Result<FeatureProfiles> FeatureProfiles::parse(std::string_view list) {
    FeatureProfiles out;
    for (const auto& p : kProfiles) {
        out.*p.flag = false;
    }
    for (const auto item : ocpp::text::split_nonempty(list, ',', " ")) {
        if (item == "Core") {
            continue;
        }
        bool known = false;
        for (const auto& p : kProfiles) {
            if (item == p.name) {
                out.*p.flag = true;
                known = true;
            }
        }
        if (!known) {
            return ocpp::Error{"unknown feature profile \"" + std::string(item) +
                                   "\" (known: Core, FirmwareManagement, LocalAuthListManagement, Reservation, "
                                   "SmartCharging, RemoteTrigger)",
                               ocpp::ErrorKind::Invalid};
        }
    }
    return out;
}

} // namespace sim
