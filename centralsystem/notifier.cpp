#include "centralsystem/notifier.hpp"

#include "centralsystem/db/queries.hpp"
#include "ocpp/text/datetime.hpp"

namespace cs {

std::string now_text(const ocpp::Clock& clock) {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(clock.wall_now());
    return ocpp::format_datetime(ocpp::DateTime{now});
}

void Notifier::notify(const std::string& id, std::string kind, std::string message) {
    Notification n{now_text(clock_), id, std::move(kind), std::move(message), 0, std::nullopt};
    db_.run<void>([n](store::Connection& db) { return db::add_notification(db, n); },
                  [this, id](ocpp::Result<void> r) {
                      if (!r) {
                          log_.warn("notifications", "not stored for \"" + id + "\": " + r.error().message);
                      }
                  });
}

bool Notifier::notify_once(const std::string& subject, const std::string& id, std::string kind, std::string message) {
    if (!throttle_.allow(subject, clock_.now())) {
        return false;
    }
    notify(id, std::move(kind), std::move(message));
    return true;
}

} // namespace cs
