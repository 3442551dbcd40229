#pragma once
// What a planned charger reports about itself through GetConfiguration, and what commissioning pre-fills from it
// (number of connectors, phases and maximum current per connector, meter value settings).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "centralsystem/api/json.hpp"
#include "centralsystem/db/records.hpp"
#include "ocpp/v16/types.hpp"

namespace cs {

struct HandlerContext;

// Keeps at most this many keys (a charger answering with thousands would not get them stored).
constexpr std::size_t kMaxReportedKeys = 500;
ReportedConfig reported_config_of(const std::vector<ocpp::v16::KeyValue>& keys, std::string at);

struct Prefill {
    std::optional<int> number_of_connectors, meter_value_sample_interval;
    std::optional<std::string> meter_values_sampled_data;
    struct Point {
        int connector_id = 0;
        std::optional<int> phases;
        std::optional<double> max_current_a;
    };
    std::vector<Point> charge_points; // connectors 1..number_of_connectors, where anything is known
};

// Standard keys (NumberOfConnectors, ConnectorPhaseRotation, MeterValueSampleInterval, MeterValuesSampledData) and
// the maximum-current keys chargers commonly use (MaxCurrent, MaxChargingCurrent, ...); names case-insensitive.
Prefill derive_prefill(const std::vector<std::pair<std::string, std::string>>& keys);

// "reported": {"at", "configuration": {key: value}, "prefill": {...}} in the charger details.
void write_reported(api::Writer& w, const ReportedConfig& rc);

// Asks a connected charger for its whole configuration and stores the answer (on the loop; failures are logged).
void fetch_reported_config(HandlerContext& ctx, const std::string& id);

} // namespace cs
