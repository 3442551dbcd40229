#include "tester/checks/status.hpp"

#include <algorithm>
#include <map>

namespace tester {

std::string error_code_hint(std::string_view code) {
    static const std::map<std::string_view, const char*> hints = {
        {"ConnectorLockFailure", "The connector lock failed: check the socket's locking actuator and that the plug "
                                 "is fully inserted."},
        {"EVCommunicationError", "Communication with the vehicle failed: check the cable and the control pilot "
                                 "wiring, and try another vehicle."},
        {"GroundFailure", "A ground fault was detected: have an electrician check the earthing and the residual "
                          "current device."},
        {"HighTemperature", "The charger reports overheating: check ventilation, sun exposure and the tightness of "
                            "the power terminals."},
        {"InternalError", "The charger reports an internal error: note the vendor error code in the details and "
                          "contact the manufacturer."},
        {"LocalListConflict", "The charger's local authorization list conflicts with the central system's; it "
                              "clears with the next SendLocalList."},
        {"OtherError", "A vendor-specific error: look up the vendor error code and info in the details in the "
                       "manufacturer's manual."},
        {"OverCurrentFailure", "Over-current protection tripped: check the circuit breaker rating against the "
                               "charger's configured maximum current."},
        {"PowerMeterFailure", "The energy meter cannot be read: check the meter's wiring and bus address; without "
                              "it, sessions cannot be billed."},
        {"PowerSwitchFailure", "The contactor (power switch) failed: the charger needs service."},
        {"ReaderFailure", "The RFID reader fails: check its cable or module."},
        {"ResetFailure", "A reset failed: power-cycle the charger."},
        {"UnderVoltage", "The supply voltage is too low: have an electrician check the supply and phase wiring."},
        {"OverVoltage", "The supply voltage is too high: have an electrician check the supply and the neutral."},
        {"WeakSignal", "The mobile signal is weak: move the antenna, add an external one or use a wired network; "
                       "a weak signal causes dropped connections."},
    };
    auto it = hints.find(code);
    return it == hints.end() ? std::string() : std::string(it->second);
}

std::vector<int> reported_connectors(const std::vector<StatusSeen>& seen) {
    std::vector<int> ids;
    for (const auto& s : seen) {
        ids.push_back(s.connector);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

Outcome check_statuses(const std::vector<StatusSeen>& seen, std::optional<int> configured) {
    if (seen.empty()) {
        return Outcome::fail("no StatusNotification arrived",
                             "After BootNotification the charger must report the status of connector 0 (the charger "
                             "itself) and of each connector with StatusNotification; without them a central system "
                             "does not know whether it can charge. Check the firmware.");
    }
    std::map<int, const StatusSeen*> last;
    for (const auto& s : seen) {
        last[s.connector] = &s;
    }
    std::string summary;
    for (const auto& [id, s] : last) {
        summary += (summary.empty() ? "" : ", ") + std::string("connector ") + std::to_string(id) + " " + s->status;
    }
    const int highest = last.rbegin()->first;
    const int count = configured.value_or(highest);
    std::vector<std::string> missing;
    for (int c = 0; c <= count; ++c) {
        if (!last.count(c)) {
            missing.push_back(std::to_string(c));
        }
    }
    Outcome out = Outcome::pass(summary);
    std::vector<std::string> hints;
    if (!missing.empty()) {
        out.verdict = Verdict::Warn;
        out.seen += "; no status for connector " + join_list(missing);
        hints.push_back("The charger should send a StatusNotification for connector 0 and for each of its " +
                        std::to_string(count) +
                        " connector(s) after booting. Check the connector configuration and the firmware.");
    }
    std::map<std::string, bool> hinted;
    for (const auto& s : seen) {
        if (s.error_code != "NoError" && !s.error_code.empty()) {
            out.verdict = Verdict::Warn;
            std::string detail =
                "connector " + std::to_string(s.connector) + ": " + s.status + ", error " + s.error_code;
            if (!s.vendor_error_code.empty()) {
                detail += ", vendor error " + quote(s.vendor_error_code);
            }
            if (!s.info.empty()) {
                detail += ", info " + quote(s.info);
            }
            out.details.push_back(detail);
            if (!hinted[s.error_code]) {
                hinted[s.error_code] = true;
                out.seen += "; connector " + std::to_string(s.connector) + " reports " + s.error_code;
                const auto h = error_code_hint(s.error_code);
                hints.push_back(s.error_code + ": " + (h.empty() ? "see the manufacturer's manual." : h));
            }
        } else if (s.status == "Faulted") {
            out.verdict = Verdict::Warn;
            out.details.push_back("connector " + std::to_string(s.connector) + " Faulted");
            if (!hinted["Faulted"]) {
                hinted["Faulted"] = true;
                hints.push_back("A connector is Faulted: check the charger's display or log for the cause.");
            }
        }
    }
    for (const auto& h : hints) {
        out.hint += (out.hint.empty() ? "" : " ") + h;
    }
    return out;
}

} // namespace tester
