#pragma once
// What the create-charger wizard asks before creating: the hardware-model catalogue (shipped data file plus the
// operators' own models) and a claiming code checked as it is typed.
#include <string>

#include "centralsystem/api/routes.hpp"

namespace cs::api {

// GET /api/v1/hardware-models: the shipped models and the operators' own.
void list_hardware_models(CentralSystem& cs, Respond respond);
// POST /api/v1/hardware-models: adds an operator's model.
void add_hardware_model(CentralSystem& cs, const HttpRequest& req, Respond respond);
// Deletes an operator's own model (404 when none; a shipped model is a 409).
void delete_hardware_model(CentralSystem& cs, const std::string& vendor, const std::string& model, Respond respond);
// GET /api/v1/claims/{claimCode}: what the tester saw, without using the code up.
void check_claim(CentralSystem& cs, const std::string& code, const HttpRequest& req, Respond respond);

} // namespace cs::api
