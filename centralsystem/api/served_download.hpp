#pragma once
// A firmware file chargers download (roll-out files, signed firmware): streamed from the one in-memory copy
// (operations/served_files.hpp), read from the file store once however many chargers ask before it is held.
#include <string>

#include "centralsystem/api/routes.hpp"

namespace cs::api {

// Answers with the stored file `stored_name` as `download_name`: 200 streamed, 410 when the store has lost it, 503
// when it cannot be read now.
void serve_held_file(CentralSystem& cs, const std::string& stored_name, const std::string& download_name,
                     Respond respond);

} // namespace cs::api
