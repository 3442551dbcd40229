// The diagnostics file a simulated charger uploads for GetDiagnostics: plain text, a few KiB at most.
#include <limits>

#include "ocpp/text/datetime.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

using namespace ocpp::v16;

namespace {

std::string event_text(const EventLog::Event& e) {
    switch (e.kind) {
    case EventLog::Kind::Status:
        return "connector " + std::to_string(e.connector) + " " + to_string(static_cast<Charger::Status>(e.value));
    case EventLog::Kind::Boot:
        return "boot accepted";
    case EventLog::Kind::Disconnected:
        return "connection closed";
    case EventLog::Kind::Firmware:
        return std::string("firmware ") + to_string(static_cast<FirmwareStatus>(e.value));
    case EventLog::Kind::Diagnostics:
        return std::string("diagnostics ") + to_string(static_cast<DiagnosticsStatus>(e.value));
    }
    return "?";
}

} // namespace

std::string Charger::diagnostics_file(std::optional<ocpp::DateTime> from, std::optional<ocpp::DateTime> to) const {
    std::string out = "# diagnostics of a simulated charge point\n";
    out += "chargePointId: " + spec_.id + "\n";
    out +=
        "vendor: " + spec_.vendor + "\nmodel: " + spec_.model + "\nfirmwareVersion: " + spec_.firmware_version + "\n";
    out += "generated: " + ocpp::format_datetime(ocpp::DateTime{env_.executor.clock().wall_now()}) + "\n";
    out += "window: " + (from ? ocpp::format_datetime(*from) : std::string("-")) + " .. " +
           (to ? ocpp::format_datetime(*to) : std::string("-")) + "\n";
    out += "\n[configuration]\n";
    for (const auto& kv : config_.get({}).configurationKey.value_or(std::vector<KeyValue>{})) {
        out += kv.key + "=" + kv.value.value_or("") + (kv.readonly ? " (read-only)" : "") + "\n";
    }
    out += "\n[connectors]\n";
    for (int c = 0; c <= spec_.connectors; ++c) {
        const auto& k = connectors_[static_cast<std::size_t>(c)];
        out += std::to_string(c) + " " + to_string(k.status);
        if (k.transaction_id) {
            out += " transaction " + std::to_string(*k.transaction_id);
        }
        if (c > 0) {
            out += " meter " + std::to_string(static_cast<long long>(k.meter_wh)) + " Wh";
        }
        out += "\n";
    }
    out += "\n[events]\n";
    const long long lo = from ? from->unix_ms() : std::numeric_limits<long long>::min();
    const long long hi = to ? to->unix_ms() : std::numeric_limits<long long>::max();
    events_.for_each([&](const EventLog::Event& e) {
        if (e.unix_ms >= lo && e.unix_ms <= hi) {
            out += ocpp::format_datetime(ocpp::DateTime::from_unix_ms(e.unix_ms)) + " " + event_text(e) + "\n";
        }
    });
    return out;
}

} // namespace sim
