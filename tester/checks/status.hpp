#pragma once
// Check 5: StatusNotification for connector 0 and every connector; error codes other than NoError are warnings.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tester/checks/checks.hpp"

namespace tester {

// One StatusNotification as the tester saw it.
struct StatusSeen {
    int connector = 0;
    std::string status;     // "Available"
    std::string error_code; // "NoError"
    std::string info, vendor_error_code;
};

// `configured` is NumberOfConnectors from GetConfiguration, when the charger reported it.
Outcome check_statuses(const std::vector<StatusSeen>& seen, std::optional<int> configured);
// What an installer can do about a StatusNotification error code; "" for NoError or an unknown code.
std::string error_code_hint(std::string_view code);
// The connector ids seen, sorted, without duplicates.
std::vector<int> reported_connectors(const std::vector<StatusSeen>& seen);

} // namespace tester
