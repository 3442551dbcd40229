#pragma once
// Charger models: a YAML file describes one kind of charger (vendor, model, firmware, connectors, power, feature
// profiles, configuration keys, DataTransfer); a fleet mixes models by share. See models/ and the README.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ocpp/util/result.hpp"
#include "simulator/charger/charger.hpp"

namespace sim {

// What a model file sets; unset fields keep the command line's (or the built-in) values.
struct ChargerModel {
    std::optional<std::string> vendor, model, firmware_version;
    std::optional<int> connectors;
    std::optional<double> power_kw; // per connector
    std::optional<double> voltage;  // per phase
    std::optional<int> phases;
    std::optional<FeatureProfiles> profiles;
    std::optional<bool> install_firmware_in_session;
    std::optional<bool> diagnostics_http_put; // upload diagnostics over HTTP with PUT instead of multipart POST
    // ManufacturerRootCertificates installed at the factory: PEM text read from the files the model names.
    std::optional<std::vector<std::string>> manufacturer_roots;
    std::optional<std::vector<std::string>> data_transfer_vendors;
    std::optional<PeriodicDataTransfer> periodic_data_transfer;
    // Connectors Faulted from the start and their errorCode (faulted_connectors).
    std::optional<std::vector<std::pair<int, ocpp::v16::ChargePointErrorCode>>> faulted_connectors;
    std::vector<std::pair<std::string, std::string>> config; // configuration key values, checked against the keys
    // The security whitepaper: whether the model has it, the profile it starts with, CpoName, the key type of its
    // certificate requests, its reading of a hex AuthorizationKey and CertificateStoreMaxLength.
    std::optional<bool> security;
    std::optional<int> security_profile;
    std::optional<std::string> cpo_name;
    std::optional<ocpp::pki::KeyType> key_type;
    std::optional<AuthorizationKeyReading> authorization_key_reading;
    std::optional<int> certificate_store_max;
};

// A model and its share of the fleet (`--model FILE[:SHARE]`, share 1 when left out).
struct ModelChoice {
    std::string file;
    double share = 1;
    ChargerModel model;
};

// Reads a model file's text; errors read `FILE:LINE:COLUMN: KEY: problem` (or `unknown key "k" in model (allowed:
// ...)`), so a typo never silently falls back to a default.
ocpp::Result<ChargerModel> parse_charger_model(const std::string& text, const std::string& file_name);
// Writes the model's settings over a charger's spec.
void apply_model(const ChargerModel& model, ChargerSpec& spec);
// Which of the models (by share) the charger with 1-based global index `index` of `total` is: the first share of the
// fleet gets the first model, and so on, so that the counts match the shares exactly.
std::size_t model_for(const std::vector<ModelChoice>& models, std::uint64_t index, std::uint64_t total);

} // namespace sim
