#pragma once
// A current per phase and the power it gives, the one conversion between A and W of everything that shares, shows or
// combines limits (the composite schedule, the central system's load management).
namespace ocpp::smartcharging {

// `amps` per phase over `phases` phases at `voltage` per phase, in W (0 when voltage or phases are not positive).
inline double watts_from_amps(double amps, int phases, double voltage) {
    return voltage <= 0 || phases <= 0 ? 0.0 : amps * voltage * phases;
}

// `watts` as A per phase over `phases` phases at `voltage` per phase (0 when voltage or phases are not positive).
inline double amps_from_watts(double watts, int phases, double voltage) {
    return voltage <= 0 || phases <= 0 ? 0.0 : watts / (voltage * phases);
}

} // namespace ocpp::smartcharging
