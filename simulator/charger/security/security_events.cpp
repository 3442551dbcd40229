// SecurityEventNotification: the security events of the whitepaper's list. Every event goes into the charger's
// security log (a ring, uploaded by GetLog(SecurityLog)) and into a queue that is delivered in order, one at a time,
// while the boot is accepted; an event raised offline waits for the next accepted boot. The queue is bounded: when
// it is full, the oldest non-critical event makes room (a critical one only when all waiting are critical), and each
// dropped event is counted.
#include <algorithm>
#include <limits>

#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"
#include "simulator/charger/security/security_log_state.hpp"

namespace sim {

using namespace ocpp::v16;

namespace {

// The events the whitepaper (section "Security events") marks critical; the others are recorded and sent too.
constexpr std::string_view kCritical[] = {
    "FirmwareUpdated",       "SettingSystemTime", "StartupOfTheDevice",       "ResetOrReboot",
    "SecurityLogWasCleared", "MemoryExhaustion",  "TamperDetectionActivated",
};

constexpr std::size_t kMaxType = 50;      // SecurityEventNotification.type is string(50)
constexpr std::size_t kMaxTechInfo = 255; // techInfo is string(255)

} // namespace

bool is_critical_security_event(std::string_view type) {
    return std::find(std::begin(kCritical), std::end(kCritical), type) != std::end(kCritical);
}

Charger::SecurityLogState& Charger::security_log_state() {
    if (!security_log_) {
        security_log_ = std::make_unique<SecurityLogState>();
    }
    return *security_log_;
}

std::size_t Charger::security_events_waiting() const {
    return security_log_ ? security_log_->queue.size() : 0;
}

std::uint64_t Charger::security_events_dropped() const {
    return security_log_ ? security_log_->dropped : 0;
}

void Charger::security_event(std::string_view type, std::string tech_info) {
    if (!spec_.profiles.security) {
        return;
    }
    auto& s = security_log_state();
    SecurityEventNotificationReq req;
    req.type = std::string(type.substr(0, kMaxType));
    req.timestamp = wall_now();
    if (!tech_info.empty()) {
        tech_info = tech_info.substr(0, kMaxTechInfo);
        // One line per event in the security log: no control characters.
        std::replace_if(
            tech_info.begin(), tech_info.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, ' ');
        req.techInfo = std::move(tech_info);
    }
    s.add_to_log(req.timestamp.unix_ms(), req.type, req.techInfo.value_or(""));
    const bool critical = is_critical_security_event(req.type);
    if (s.queue.size() >= SecurityLogState::kQueueCapacity) {
        // Room for the new event: the oldest non-critical one not in flight, else the oldest critical one; a
        // non-critical newcomer never pushes out a critical event.
        const std::size_t from = s.sending ? 1 : 0;
        auto victim = std::find_if(s.queue.begin() + static_cast<std::ptrdiff_t>(from), s.queue.end(),
                                   [](const SecurityLogState::Waiting& w) { return !w.critical; });
        ++s.dropped;
        if (victim == s.queue.end()) {
            if (!critical) {
                return;
            }
            victim = s.queue.begin() + static_cast<std::ptrdiff_t>(from);
        }
        s.queue.erase(victim);
    }
    s.queue.push_back(SecurityLogState::Waiting{std::move(req), critical});
    send_security_events();
}

void Charger::send_security_events() {
    if (!security_log_) {
        return;
    }
    auto& s = *security_log_;
    if (s.sending || s.queue.empty() || !accepted_ || !connected()) {
        return;
    }
    s.sending = true;
    call(s.queue.front().req, [this](ocpp::CallOutcome<SecurityEventNotificationConf> out) {
        auto& st = *security_log_;
        st.sending = false;
        // Delivered, or refused by the central system (a CALLERROR is an answer: sending it again changes nothing).
        // Closed or unanswered: it stays at the front for the next accepted boot.
        if (out.status != ocpp::CallStatus::Ok && out.status != ocpp::CallStatus::CallError) {
            return;
        }
        if (!st.queue.empty()) {
            st.queue.erase(st.queue.begin());
        }
        send_security_events();
    });
}

void Charger::security_rebooting(std::string tech_info) {
    if (!spec_.profiles.security) {
        return;
    }
    security_event("ResetOrReboot", std::move(tech_info));
    security_log_state().starting_up = true;
}

void Charger::security_after_boot() {
    if (!spec_.profiles.security) {
        return;
    }
    auto& s = security_log_state();
    s.sending = false; // a call of the previous connection is over
    if (s.starting_up) {
        s.starting_up = false;
        security_event("StartupOfTheDevice", "firmware " + spec_.firmware_version);
    }
    send_security_events();
    if (s.log_status_unsent) {
        send_log_status(s.log_status);
    }
    if (s.firmware && s.firmware->rebooting) {
        s.firmware->rebooting = false;
        s.firmware->done = true;
        send_signed_firmware_status(SignedFirmwareStatus::Installed);
        security_event("FirmwareUpdated", "version " + spec_.firmware_version);
    } else if (s.firmware_status_unsent) {
        send_signed_firmware_status(s.firmware_status);
    }
}

std::string Charger::security_log_file(std::optional<ocpp::DateTime> from, std::optional<ocpp::DateTime> to) const {
    std::string out = "# security log of a simulated charge point\n";
    out += "chargePointId: " + spec_.id + "\n";
    out += "generated: " + ocpp::format_datetime(wall_now()) + "\n";
    out += "window: " + (from ? ocpp::format_datetime(*from) : std::string("-")) + " .. " +
           (to ? ocpp::format_datetime(*to) : std::string("-")) + "\n\n";
    if (!security_log_) {
        return out;
    }
    const long long lo = from ? from->unix_ms() : std::numeric_limits<long long>::min();
    const long long hi = to ? to->unix_ms() : std::numeric_limits<long long>::max();
    security_log_->for_each_entry([&](const SecurityLogState::Entry& e) {
        if (e.unix_ms >= lo && e.unix_ms <= hi) {
            out += ocpp::format_datetime(ocpp::DateTime::from_unix_ms(e.unix_ms)) + " " + e.type;
            if (!e.tech_info.empty()) {
                out += " " + e.tech_info;
            }
            out += "\n";
        }
    });
    return out;
}

} // namespace sim
