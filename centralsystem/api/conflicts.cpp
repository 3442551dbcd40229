#include "centralsystem/api/conflicts.hpp"

namespace cs::api {

int http_status(db::ConflictKind kind) {
    switch (kind) {
    case db::ConflictKind::None:
        return 200;
    case db::ConflictKind::ChargerExists:
    case db::ConflictKind::EvseIdTaken:
    case db::ConflictKind::WouldReprice:
    case db::ConflictKind::NoChargePoints:
        return 409;
    case db::ConflictKind::NoSuchCharger:
    case db::ConflictKind::NoSuchPriceSet:
        return 404;
    case db::ConflictKind::NoSuchConnector:
        return 422;
    }
    return 500;
}

HttpResponse conflict_response(const db::Conflict& c) {
    return json_error(http_status(c.kind), c.error, c.field);
}

} // namespace cs::api
