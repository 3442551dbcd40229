#pragma once
// The OCPP 1.6 JSON schemas (ocpp/schemas/v16/<Action>.req.json / .conf.json), embedded at build time.
#include <vector>

#include "ocpp/util/embedded.hpp"

namespace ocpp::v16 {

const std::vector<EmbeddedFile>& embedded_schemas();

} // namespace ocpp::v16
