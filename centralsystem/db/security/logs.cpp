// GetLog requests in the store (logs.hpp).
#include "centralsystem/db/security/logs.hpp"

namespace cs::db {

namespace {

constexpr std::string_view kLogColumns =
    "id, chargebox_id, log_type, token, created_at, answer, file_name, stored_name, "
    "file_size, sha256, uploaded_at";

LogRequest read_request(const store::Statement& q) {
    LogRequest r;
    r.id = q.int64(0);
    r.chargebox_id = q.text(1);
    r.log_type = q.text(2);
    r.token = q.text(3);
    r.created_at = q.text(4);
    r.answer = q.text(5);
    r.file_name = q.text(6);
    r.stored_name = q.text(7);
    r.file_size = q.int64(8);
    r.sha256 = q.text(9);
    r.uploaded_at = q.text(10);
    return r;
}

} // namespace

Result<std::int64_t> create_log_request(Connection& db, const LogRequest& r) {
    auto id = db.first([](const store::Statement& q) { return q.int64(0); },
                       "INSERT INTO log_requests(chargebox_id, log_type, token, created_at) VALUES(?1, ?2, ?3, ?4) "
                       "RETURNING id",
                       r.chargebox_id, r.log_type, r.token, r.created_at);
    if (!id) {
        return id.error();
    }
    if (!*id) {
        return ocpp::make_error("the log request got no id");
    }
    // Bounded per charger: the oldest requests beyond kKeptLogRequests go (their files age out of the file store).
    if (auto d = db.run("DELETE FROM log_requests WHERE chargebox_id = ?1 AND id NOT IN (SELECT id FROM log_requests "
                        "WHERE chargebox_id = ?1 ORDER BY id DESC LIMIT ?2)",
                        r.chargebox_id, kKeptLogRequests);
        !d) {
        return d.error();
    }
    return **id;
}

Result<void> set_log_answer(Connection& db, std::int64_t id, std::string_view answer, std::string_view file_name) {
    return db.run("UPDATE log_requests SET answer = ?2, file_name = CASE WHEN ?3 = '' THEN file_name ELSE ?3 END "
                  "WHERE id = ?1",
                  id, answer, file_name);
}

Result<std::optional<LogRequest>> find_log_by_token(Connection& db, std::string_view token) {
    return db.first(read_request, "SELECT " + std::string(kLogColumns) + " FROM log_requests WHERE token = ?1", token);
}

Result<std::optional<LogRequest>> find_log_request(Connection& db, std::int64_t id) {
    return db.first(read_request, "SELECT " + std::string(kLogColumns) + " FROM log_requests WHERE id = ?1", id);
}

Result<void> log_uploaded(Connection& db, std::int64_t id, std::string_view file_name, std::string_view stored_name,
                          std::int64_t size, std::string_view sha256, std::string_view now) {
    return db.run("UPDATE log_requests SET file_name = ?2, stored_name = ?3, file_size = ?4, sha256 = ?5, "
                  "uploaded_at = ?6 WHERE id = ?1",
                  id, file_name, stored_name, size, sha256, now);
}

Result<std::vector<LogRequest>> list_log_requests(Connection& db, std::string_view chargebox_id) {
    auto requests =
        db.all(read_request,
               "SELECT " + std::string(kLogColumns) + " FROM log_requests WHERE chargebox_id = ?1 ORDER BY id DESC",
               chargebox_id);
    if (!requests) {
        return requests.error();
    }
    auto reports = status_reports(db, chargebox_id, "log");
    if (!reports) {
        return reports.error();
    }
    for (auto& r : *requests) {
        for (const auto& s : *reports) {
            if (s.request_id && *s.request_id == r.id) {
                r.reports.push_back(s);
            }
        }
    }
    return requests;
}

} // namespace cs::db
