#include "store/claims.hpp"

#include <openssl/rand.h>

#include "ocpp/util/base32.hpp"

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

Result<void> Claims::migrate(Sqlite& db) {
    return db.migrate("claims", {{1, R"sql(
        CREATE TABLE claims (
            code TEXT PRIMARY KEY,
            chargebox_id TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            vendor TEXT NOT NULL, model TEXT NOT NULL, serial TEXT NOT NULL, firmware TEXT NOT NULL,
            connectors INTEGER NOT NULL,
            security_profile INTEGER NOT NULL,
            test_id TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            expires_ms INTEGER NOT NULL,
            redeemed_ms INTEGER);
        CREATE TABLE claim_failures (client TEXT NOT NULL, at_ms INTEGER NOT NULL);
        CREATE INDEX claim_failures_by_client ON claim_failures(client, at_ms);
    )sql"}});
}

Result<std::string> Claims::issue(Sqlite& db, Claim claim, std::chrono::seconds valid_for) {
    auto q = db.prepare("INSERT OR IGNORE INTO claims(" + std::string(kColumns) +
                        ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL)");
    if (!q) {
        return q.error();
    }
    for (int attempt = 0; attempt < 8; ++attempt) {
        const std::string code = generate_claim_code();
        q->reset();
        q->bind(1, code).bind(2, claim.chargebox_id).bind(3, claim.password_hash).bind(4, claim.vendor);
        q->bind(5, claim.model).bind(6, claim.serial).bind(7, claim.firmware);
        q->bind(8, static_cast<std::int64_t>(claim.connectors))
            .bind(9, static_cast<std::int64_t>(claim.security_profile));
        q->bind(10, claim.test_id).bind(11, static_cast<std::int64_t>(claim.created.unix_ms()));
        q->bind(12,
                static_cast<std::int64_t>(claim.created.unix_ms() +
                                          std::chrono::duration_cast<std::chrono::milliseconds>(valid_for).count()));
        if (auto r = q->run(); !r) {
            return r.error();
        }
        if (db.changes() == 1) {
            return code;
        }
    }
    return make_error("could not draw an unused claiming code");
}

Result<std::optional<Claim>> Claims::find(Sqlite& db, std::string_view code) {
    auto q = db.prepare("SELECT " + std::string(kColumns) + " FROM claims WHERE code = ?1");
    if (!q) {
        return q.error();
    }
    q->bind(1, code);
    auto row = q->step();
    if (!row) {
        return row.error();
    }
    return *row ? std::optional<Claim>(read_claim(*q)) : std::nullopt;
}

Result<Redemption> Claims::redeem(Sqlite& db, std::string_view typed_code, ocpp::DateTime now,
                                  std::string_view client) {
    const auto now_ms = static_cast<std::int64_t>(now.unix_ms());
    const auto window_start = now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(kFailureWindow).count();
    auto count = db.prepare("SELECT COUNT(*) FROM claim_failures WHERE client = ?1 AND at_ms > ?2");
    if (!count) {
        return count.error();
    }
    count->bind(1, client).bind(2, window_start);
    if (auto r = count->step(); !r) {
        return r.error();
    }
    if (count->int64(0) >= kMaxFailures) {
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
        } else {
            // The WHERE clause makes the redemption single-use even if two redeem the same code at once.
            auto use = db.prepare("UPDATE claims SET redeemed_ms = ?1 WHERE code = ?2 AND redeemed_ms IS NULL");
            if (!use) {
                return use.error();
            }
            use->bind(1, now_ms).bind(2, *code);
            if (auto r = use->run(); !r) {
                return r.error();
            }
            if (db.changes() == 1) {
                Claim c = std::move(**found);
                c.redeemed = now;
                return Redemption{std::move(c), 200, {}};
            }
            out = {std::nullopt, 409, "claiming code " + *code + " was already used"};
        }
    }
    auto fail = db.prepare("INSERT INTO claim_failures(client, at_ms) VALUES(?1, ?2)");
    if (!fail) {
        return fail.error();
    }
    fail->bind(1, client).bind(2, now_ms);
    if (auto r = fail->run(); !r) {
        return r.error();
    }
    return out;
}

} // namespace store
