#pragma once
// The one place where the database layer's conflicts (db::ConflictKind) become HTTP statuses.
#include "centralsystem/api/json.hpp"
#include "centralsystem/db/queries.hpp"

namespace cs::api {

// 409 for what exists or clashes, 404 for what is missing, 422 for a connector the charger does not have.
int http_status(db::ConflictKind kind);
// {"error": ..., "field": ...} with the kind's status.
HttpResponse conflict_response(const db::Conflict& c);

} // namespace cs::api
