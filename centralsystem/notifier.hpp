#pragma once
// Notifier: the notifications the operator reads (GET /api/v1/notifications): offline, faulted, claimRedeemed,
// passwordCaptured, ... stamped now and stored through the store worker. Lives on the central system's loop.
#include <string>

#include "centralsystem/db/database.hpp"
#include "centralsystem/protocol/limits.hpp"
#include "ocpp/log/log.hpp"
#include "ocpp/util/clock.hpp"

namespace cs {

// Wall time now, as stored and sent ("2026-01-31T12:00:00Z", seconds precision).
std::string now_text(const ocpp::Clock& clock);

class Notifier {
public:
    Notifier(Database& db, const ocpp::Clock& clock, const ocpp::Logger& log)
        : db_(db)
        , clock_(clock)
        , log_(log) {}

    // Stores a notification about charger `id`; a failure is logged.
    void notify(const std::string& id, std::string kind, std::string message);
    // The same, at most once a minute per subject (a charger repeating itself does not flood the list); true when
    // it was stored.
    bool notify_once(const std::string& subject, const std::string& id, std::string kind, std::string message);

private:
    Database& db_;
    const ocpp::Clock& clock_;
    const ocpp::Logger& log_;
    NoticeThrottle throttle_;
};

} // namespace cs
