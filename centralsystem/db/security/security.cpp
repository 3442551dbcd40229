// The security extension's tables: the operator CA, issued and installed certificates, certificate requests and
// security events. Events and requests are bounded per charger and in all: a charger flooding them never grows a
// table without limit.
#include "centralsystem/db/security/security.hpp"

#include "store/ddl.hpp"

namespace cs::db {

namespace {

// Keeps the newest `keep` rows of `table` for one charger (the index on (chargebox_id, id) makes it cheap).
Result<void> prune_per_charger(Connection& db, std::string_view table, std::string_view chargebox_id,
                               std::int64_t keep) {
    const std::string t(table);
    return db.run("DELETE FROM " + t + " WHERE chargebox_id = ?1 AND id <= (SELECT id FROM " + t +
                      " WHERE chargebox_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
                  chargebox_id, keep);
}

IssuedCertificate read_issued(const store::Statement& q) {
    IssuedCertificate c;
    c.id = q.int64(0);
    c.chargebox_id = q.text(1);
    c.serial_hex = q.text(2);
    c.subject = q.text(3);
    c.not_before = q.text(4);
    c.not_after = q.text(5);
    c.issued_at = q.text(6);
    c.pem = q.text(7);
    c.delivery = q.text(8);
    return c;
}

constexpr std::string_view kIssuedColumns =
    "SELECT id, chargebox_id, serial_hex, subject, not_before, not_after, issued_at, pem, delivery "
    "FROM issued_certificates ";

} // namespace

store::Migration security_migration() {
    return store::portable_migration(6, R"sql(
        CREATE TABLE operator_ca (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            certificate_pem TEXT NOT NULL, encrypted_key_pem TEXT NOT NULL,
            created_at TEXT NOT NULL, origin TEXT NOT NULL);
        CREATE TABLE issued_certificates (
            id {id},
            chargebox_id TEXT NOT NULL, serial_hex TEXT NOT NULL, subject TEXT NOT NULL,
            not_before TEXT NOT NULL, not_after TEXT NOT NULL, issued_at TEXT NOT NULL, pem TEXT NOT NULL,
            delivery TEXT NOT NULL DEFAULT '', expiry_warned INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX issued_certificates_by_charger ON issued_certificates(chargebox_id, id);
        CREATE INDEX issued_certificates_by_expiry ON issued_certificates(expiry_warned, not_after);
        CREATE TABLE installed_certificates (
            chargebox_id TEXT NOT NULL, certificate_type TEXT NOT NULL, hash_algorithm TEXT NOT NULL,
            issuer_name_hash TEXT NOT NULL, issuer_key_hash TEXT NOT NULL, serial_number TEXT NOT NULL,
            reported_at TEXT NOT NULL,
            PRIMARY KEY (chargebox_id, certificate_type, issuer_name_hash, issuer_key_hash, serial_number));
        CREATE TABLE certificate_requests (
            id {id},
            chargebox_id TEXT NOT NULL, at TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
        CREATE INDEX certificate_requests_by_charger ON certificate_requests(chargebox_id, id);
        CREATE TABLE security_events (
            id {id},
            chargebox_id TEXT NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL, received_at TEXT NOT NULL,
            tech_info TEXT, critical INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX security_events_by_charger ON security_events(chargebox_id, id);
        CREATE INDEX security_events_by_type ON security_events(type, id);
        CREATE INDEX security_events_by_time ON security_events(at);
    )sql");
}

Result<std::optional<StoredCa>> load_operator_ca(Connection& db) {
    return db.first(
        [](const store::Statement& q) {
            return StoredCa{q.text(0), q.text(1), q.text(2), q.text(3)};
        },
        "SELECT certificate_pem, encrypted_key_pem, created_at, origin FROM operator_ca WHERE id = 1");
}

Result<void> store_operator_ca(Connection& db, const StoredCa& ca) {
    return db.run("INSERT INTO operator_ca(id, certificate_pem, encrypted_key_pem, created_at, origin) "
                  "VALUES(1, ?1, ?2, ?3, ?4) ON CONFLICT(id) DO UPDATE SET certificate_pem = ?1, "
                  "encrypted_key_pem = ?2, created_at = ?3, origin = ?4",
                  ca.certificate_pem, ca.encrypted_key_pem, ca.created_at, ca.origin);
}

Result<void> add_issued_certificate(Connection& db, IssuedCertificate& c) {
    auto id =
        db.first([](const store::Statement& q) { return q.int64(0); },
                 "INSERT INTO issued_certificates(chargebox_id, serial_hex, subject, not_before, not_after, "
                 "issued_at, pem, delivery) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                 c.chargebox_id, c.serial_hex, c.subject, c.not_before, c.not_after, c.issued_at, c.pem, c.delivery);
    if (!id) {
        return id.error();
    }
    c.id = id->value_or(0);
    // A charger renews now and then; its newest certificates are what matters (and the throttle bounds the rate).
    return prune_per_charger(db, "issued_certificates", c.chargebox_id, kIssuedListed);
}

Result<void> set_certificate_delivery(Connection& db, std::int64_t id, std::string_view delivery) {
    return db.run("UPDATE issued_certificates SET delivery = ?2 WHERE id = ?1", id, delivery);
}

Result<std::vector<IssuedCertificate>> issued_certificates(Connection& db, std::string_view chargebox_id) {
    return db.all(read_issued, std::string(kIssuedColumns) + "WHERE chargebox_id = ?1 ORDER BY id DESC LIMIT ?2",
                  chargebox_id, kIssuedListed);
}

Result<std::vector<IssuedCertificate>> take_expiring(Connection& db, std::string_view until, int limit) {
    auto due = db.all(read_issued,
                      std::string(kIssuedColumns) +
                          "WHERE expiry_warned = 0 AND delivery = 'Accepted' AND not_after < ?1 "
                          // a certificate the charger has since replaced is not a warning
                          "AND NOT EXISTS (SELECT 1 FROM issued_certificates n WHERE n.chargebox_id = "
                          "issued_certificates.chargebox_id AND n.delivery = 'Accepted' AND n.id > "
                          "issued_certificates.id) ORDER BY not_after LIMIT ?2",
                      until, limit);
    if (!due) {
        return due.error();
    }
    for (const auto& c : *due) {
        if (auto r = db.run("UPDATE issued_certificates SET expiry_warned = 1 WHERE id = ?1", c.id); !r) {
            return r.error();
        }
    }
    return due;
}

Result<void> replace_installed(Connection& db, std::string_view chargebox_id, std::string_view certificate_type,
                               const std::vector<InstalledCertificate>& certificates) {
    if (auto r = db.run("DELETE FROM installed_certificates WHERE chargebox_id = ?1 AND certificate_type = ?2",
                        chargebox_id, certificate_type);
        !r) {
        return r;
    }
    for (const auto& c : certificates) {
        if (auto r = db.run("INSERT INTO installed_certificates(chargebox_id, certificate_type, hash_algorithm, "
                            "issuer_name_hash, issuer_key_hash, serial_number, reported_at) VALUES(?1, ?2, ?3, ?4, "
                            "?5, ?6, ?7) ON CONFLICT DO NOTHING",
                            chargebox_id, certificate_type, c.hash_algorithm, c.issuer_name_hash, c.issuer_key_hash,
                            c.serial_number, c.reported_at);
            !r) {
            return r;
        }
    }
    return {};
}

Result<std::vector<InstalledCertificate>> installed_certificates(Connection& db, std::string_view chargebox_id) {
    return db.all(
        [](const store::Statement& q) {
            return InstalledCertificate{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)};
        },
        "SELECT certificate_type, hash_algorithm, issuer_name_hash, issuer_key_hash, serial_number, reported_at "
        "FROM installed_certificates WHERE chargebox_id = ?1 ORDER BY certificate_type, serial_number LIMIT 1000",
        chargebox_id);
}

Result<void> add_certificate_request(Connection& db, const CertificateRequest& r, std::int64_t keep) {
    if (auto ok = db.run("INSERT INTO certificate_requests(chargebox_id, at, outcome, detail) VALUES(?1, ?2, ?3, ?4)",
                         r.chargebox_id, r.at, r.outcome, r.detail);
        !ok) {
        return ok;
    }
    return prune_per_charger(db, "certificate_requests", r.chargebox_id, keep);
}

Result<std::vector<CertificateRequest>> certificate_requests(Connection& db, std::string_view chargebox_id, int limit) {
    return db.all(
        [](const store::Statement& q) {
            return CertificateRequest{q.int64(0), q.text(1), q.text(2), q.text(3), q.text(4)};
        },
        "SELECT id, chargebox_id, at, outcome, detail FROM certificate_requests WHERE chargebox_id = ?1 "
        "ORDER BY id DESC LIMIT ?2",
        chargebox_id, limit);
}

Result<void> add_security_event(Connection& db, const SecurityEvent& e, std::int64_t per_charger, std::int64_t kept) {
    if (auto ok = db.run("INSERT INTO security_events(chargebox_id, type, at, received_at, tech_info, critical) "
                         "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                         e.chargebox_id, e.type, e.at, e.received_at, e.tech_info, e.critical);
        !ok) {
        return ok;
    }
    if (auto ok = prune_per_charger(db, "security_events", e.chargebox_id, per_charger); !ok) {
        return ok;
    }
    return db.run("DELETE FROM security_events WHERE id <= (SELECT id FROM security_events ORDER BY id DESC LIMIT 1 "
                  "OFFSET ?1)",
                  kept);
}

Result<SecurityEventPage> list_security_events(Connection& db, const SecurityEventQuery& query) {
    // Empty text means "any" (no "?1 IS NULL": PostgreSQL cannot type a parameter compared only with NULL).
    auto q = db.query("SELECT id, chargebox_id, type, at, received_at, tech_info, critical FROM security_events "
                      "WHERE id < ?1 AND (?2 = '' OR chargebox_id = ?2) AND (?3 = '' OR type = ?3) AND "
                      "(?4 = '' OR at >= ?4) AND (?5 = '' OR at < ?5) AND (?6 = 0 OR critical = 1) "
                      "ORDER BY id DESC LIMIT ?7",
                      query.before.value_or(INT64_MAX), query.chargebox_id, query.type, query.from, query.to,
                      std::int64_t{query.critical_only ? 1 : 0}, static_cast<std::int64_t>(query.limit) + 1);
    if (!q) {
        return q.error();
    }
    SecurityEventPage page;
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
        page.items.push_back(SecurityEvent{q->int64(0), q->text(1), q->text(2), q->text(3), q->text(4), q->opt_text(5),
                                           q->int64(6) != 0});
    }
    return page;
}

} // namespace cs::db
