#include "store/claims.hpp"

#include <openssl/rand.h>

#include "ocpp/text/base32.hpp"
#include "store/ddl.hpp"

namespace store {

using ocpp::make_error;

namespace {
constexpr std::string_view kColumns = "code, chargebox_id, password_hash, vendor, model, serial, firmware, "
                                      "connectors, security_profile, test_id, created_ms, expires_ms, redeemed_ms";

Claim read_claim(const Statement& q) {
    Claim c;
    c.code = q.text(0);
    c.chargebox_id = q.text(1);
    c.password_hash = q.text(2);
    c.vendor = q.text(3);
    c.model = q.text(4);
    c.serial = q.text(5);
    c.firmware = q.text(6);
    c.connectors = static_cast<int>(q.int64(7));
    c.security_profile = static_cast<int>(q.int64(8));
    c.test_id = q.text(9);
    c.created = ocpp::DateTime::from_unix_ms(q.int64(10));
    c.expires = ocpp::DateTime::from_unix_ms(q.int64(11));
    if (!q.is_null(12)) {
        c.redeemed = ocpp::DateTime::from_unix_ms(q.int64(12));
    }
    return c;
}

std::string format_code(const std::string& symbols) {
    return symbols.substr(0, 4) + "-" + symbols.substr(4, 4) + "-" + symbols.substr(8);
}
} // namespace

std::string generate_claim_code() {
    for (;;) {
        std::vector<std::uint8_t> bytes(6);
        RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
        const std::string symbols = ocpp::base32::encode(bytes).substr(0, 9); // 45 random bits
        const char check = ocpp::base32::check_symbol(symbols);
        if (ocpp::base32::normalize(std::string(1, check))) { // one of the 32 letters and digits: readable aloud
            return format_code(symbols + check);
        }
    }
}

std::optional<std::string> normalize_claim_code(std::string_view typed) {
    auto symbols = ocpp::base32::normalize(typed);
    if (!symbols || symbols->size() != 10 || ocpp::base32::check_symbol(symbols->substr(0, 9)) != (*symbols)[9]) {
        return std::nullopt;
    }
    return format_code(*symbols);
}

Result<void> Claims::migrate(Connection& db) {
    // PostgreSQL's INTEGER is 32 bits: the millisecond times need BIGINT there (SQLite's INTEGER is 64 bits).
    return db.migrate("claims", {portable_migration(1, R"sql(
        CREATE TABLE claims (
            code TEXT PRIMARY KEY,
            chargebox_id TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            vendor TEXT NOT NULL, model TEXT NOT NULL, serial TEXT NOT NULL, firmware TEXT NOT NULL,
            connectors INTEGER NOT NULL,
            security_profile INTEGER NOT NULL,
            test_id TEXT NOT NULL,
            created_ms {int64} NOT NULL,
            expires_ms {int64} NOT NULL,
            redeemed_ms {int64});
        CREATE TABLE claim_failures (client TEXT NOT NULL, at_ms {int64} NOT NULL);
        CREATE INDEX claim_failures_by_client ON claim_failures(client, at_ms);
    )sql")});
}

Result<std::string> Claims::issue(Connection& db, Claim claim, std::chrono::seconds valid_for) {
    const auto created_ms = static_cast<std::int64_t>(claim.created.unix_ms());
    const auto expires_ms = created_ms + std::chrono::duration_cast<std::chrono::milliseconds>(valid_for).count();
    const std::string sql = "INSERT INTO claims(" + std::string(kColumns) +
                            ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL) ON CONFLICT DO NOTHING";
    for (int attempt = 0; attempt < 8; ++attempt) {
        const std::string code = generate_claim_code();
        auto inserted =
            db.execute(sql, code, claim.chargebox_id, claim.password_hash, claim.vendor, claim.model, claim.serial,
                       claim.firmware, claim.connectors, claim.security_profile, claim.test_id, created_ms, expires_ms);
        if (!inserted) {
            return inserted.error();
        }
        if (*inserted == 1) {
            return code;
        }
    }
    return make_error("could not draw an unused claiming code");
}

Result<std::optional<Claim>> Claims::find(Connection& db, std::string_view code) {
    return db.first(read_claim, "SELECT " + std::string(kColumns) + " FROM claims WHERE code = ?1", code);
}

Result<Redemption> Claims::redeem(Connection& db, std::string_view typed_code, ocpp::DateTime now,
                                  std::string_view client) {
    return look_up(db, typed_code, now, client, true);
}

Result<Redemption> Claims::check(Connection& db, std::string_view typed_code, ocpp::DateTime now,
                                 std::string_view client) {
    return look_up(db, typed_code, now, client, false);
}

Result<Redemption> Claims::look_up(Connection& db, std::string_view typed_code, ocpp::DateTime now,
                                   std::string_view client, bool redeem) {
    const auto now_ms = static_cast<std::int64_t>(now.unix_ms());
    const auto window_start = now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(kFailureWindow).count();
    auto failures =
        db.first([](const Statement& q) { return q.int64(0); },
                 "SELECT COUNT(*) FROM claim_failures WHERE client = ?1 AND at_ms > ?2", client, window_start);
    if (!failures) {
        return failures.error();
    }
    if (failures->value_or(0) >= kMaxFailures) {
        return Redemption{std::nullopt, 429,
                          "too many wrong claiming codes from " + std::string(client) + "; try again in " +
                              std::to_string(kFailureWindow.count()) + " minutes"};
    }
    Redemption out;
    auto code = normalize_claim_code(typed_code);
    if (!code) {
        out = {std::nullopt, 400,
               "\"" + std::string(typed_code) +
                   "\" is not a claiming code (10 symbols like 7KQF-3M9X-TR; the last "
                   "one is a check symbol, so a typo shows here)"};
    } else {
        auto found = find(db, *code);
        if (!found) {
            return found.error();
        }
        if (!*found) {
            out = {std::nullopt, 404, "claiming code " + *code + " is unknown"};
        } else if ((*found)->redeemed) {
            out = {std::nullopt, 409,
                   "claiming code " + *code + " was already used on " + ocpp::format_datetime(*(*found)->redeemed)};
        } else if ((*found)->expires.unix_ms() <= now.unix_ms()) {
            out = {std::nullopt, 410,
                   "claiming code " + *code + " expired on " + ocpp::format_datetime((*found)->expires) +
                       "; run the connectivity test again for a new one"};
        } else if (!redeem) {
            return Redemption{std::move(**found), 200, {}};
        } else {
            // The WHERE clause makes the redemption single-use even if two redeem the same code at once (two
            // nodes on one PostgreSQL database: the second UPDATE waits for the first and then matches no row).
            auto used =
                db.execute("UPDATE claims SET redeemed_ms = ?1 WHERE code = ?2 AND redeemed_ms IS NULL", now_ms, *code);
            if (!used) {
                return used.error();
            }
            if (*used == 1) {
                Claim c = std::move(**found);
                c.redeemed = now;
                return Redemption{std::move(c), 200, {}};
            }
            out = {std::nullopt, 409, "claiming code " + *code + " was already used"};
        }
    }
    if (auto r = db.execute("INSERT INTO claim_failures(client, at_ms) VALUES(?1, ?2)", client, now_ms); !r) {
        return r.error();
    }
    return out;
}

} // namespace store
