#pragma once
// Hardware models operators add to the catalogue (the shipped ones are a data file, api/wizard/hardware_models.cpp).
// Kept in a migration track of its own ("centralsystem-hardware").
#include <cstdint>
#include <string>
#include <vector>

#include "store/connection.hpp"

namespace cs::db {

using ocpp::Result;
using store::Connection;

// One model; `connectors` is its JSON array of connectors as the API checked and wrote it.
struct HardwareModelRow {
    std::string vendor, model, connectors, created_at;
};

Result<void> migrate_hardware_models(Connection& db);
Result<std::vector<HardwareModelRow>> list_hardware_models(Connection& db);
Result<std::int64_t> count_hardware_models(Connection& db);
// Adds a model; false when the vendor already has a model of that name.
Result<bool> add_hardware_model(Connection& db, const HardwareModelRow& row);
// Removes an operator's model; false when there was none of that vendor and name.
Result<bool> delete_hardware_model(Connection& db, const std::string& vendor, const std::string& model);

} // namespace cs::db
