// The operator's notifications: stored so that they survive a restart, newest kept, marked read by the operator.
#include <cstdint>

#include "centralsystem/db/queries.hpp"

namespace cs::db {

Result<void> add_notification(Connection& db, const Notification& n, std::int64_t keep) {
    auto q = db.prepare("INSERT INTO notifications(at, chargebox_id, kind, message) VALUES(?1, ?2, ?3, ?4)");
    if (!q) {
        return q.error();
    }
    q->bind(1, std::string_view(n.at)).bind(2, std::string_view(n.chargebox_id));
    q->bind(3, std::string_view(n.kind)).bind(4, std::string_view(n.message));
    if (auto r = q->run(); !r) {
        return r.error();
    }
    // Bounded retention: everything older than the newest `keep` goes (cheap: the id is the primary key).
    auto prune = db.prepare("DELETE FROM notifications WHERE id <= (SELECT id FROM notifications ORDER BY id DESC "
                            "LIMIT 1 OFFSET ?1)");
    if (!prune) {
        return prune.error();
    }
    prune->bind(1, keep);
    return prune->run();
}

Result<NotificationPage> list_notifications(Connection& db, const NotificationQuery& query) {
    // No "?1 IS NULL": PostgreSQL cannot type a parameter that is only compared with NULL.
    auto q = db.prepare("SELECT id, at, chargebox_id, kind, message, read_at FROM notifications WHERE id < ?1 AND "
                        "at >= ?2 AND (?3 = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT ?4");
    if (!q) {
        return q.error();
    }
    q->bind(1, query.before.value_or(INT64_MAX));
    q->bind(2, std::string_view(query.since)).bind(3, std::int64_t{query.unread_only ? 1 : 0});
    q->bind(4, static_cast<std::int64_t>(query.limit) + 1);
    NotificationPage page;
    for (;;) {
        auto row = q->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            break;
        }
        if (page.items.size() == static_cast<std::size_t>(query.limit)) {
            page.more = true;
            break;
        }
        Notification n{q->text(1), q->text(2), q->text(3), q->text(4), q->int64(0), q->opt_text(5)};
        page.items.push_back(std::move(n));
    }
    auto unread = db.prepare("SELECT count(*) FROM notifications WHERE read_at IS NULL");
    if (!unread) {
        return unread.error();
    }
    auto row = unread->step();
    if (!row) {
        return row.error();
    }
    page.unread = unread->int64(0);
    return page;
}

Result<std::int64_t> mark_notifications_read(Connection& db, const std::vector<std::int64_t>& ids,
                                             std::optional<std::int64_t> up_to, std::string_view now) {
    std::int64_t marked = 0;
    auto one = db.prepare("UPDATE notifications SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL");
    if (!one) {
        return one.error();
    }
    for (const auto id : ids) {
        one->reset();
        one->bind(1, id).bind(2, now);
        if (auto r = one->run(); !r) {
            return r.error();
        }
        marked += db.changes();
    }
    if (up_to) {
        auto all = db.prepare("UPDATE notifications SET read_at = ?2 WHERE id <= ?1 AND read_at IS NULL");
        if (!all) {
            return all.error();
        }
        all->bind(1, *up_to).bind(2, now);
        if (auto r = all->run(); !r) {
            return r.error();
        }
        marked += db.changes();
    }
    return marked;
}

} // namespace cs::db
