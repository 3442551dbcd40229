#include <filesystem>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "store/claims.hpp"
#include "store/password.hpp"
#include "store/sqlite.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {
class ClaimsTest : public ::testing::Test {
protected:
    void SetUp() override {
        path = fs::temp_directory_path() / (std::string("ocppkit-claims-") +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
        fs::remove(path);
        db = std::move(store::Sqlite::open(path.string()).value());
        ASSERT_TRUE(store::Claims::migrate(*db));
    }
    void TearDown() override {
        db.reset();
        for (const char* suffix : {"", "-wal", "-shm"}) {
            fs::remove(path.string() + suffix);
        }
    }
    std::string issue(ocpp::DateTime at = now) {
        store::Claim c;
        c.chargebox_id = "CB-0001";
        c.password_hash = store::hash_password("pw", 1000);
        c.vendor = "KEBA";
        c.model = "P30";
        c.connectors = 2;
        c.created = at;
        return store::Claims::issue(*db, c, 7 * 24h).value();
    }
    static inline const ocpp::DateTime now = ocpp::DateTime::from_unix_ms(1767225600000);
    fs::path path;
    std::unique_ptr<store::Sqlite> db;
};
} // namespace

TEST(ClaimCode, LooksLikeTheSpecAndChecksItself) {
    std::set<std::string> seen;
    const std::regex shape("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}");
    for (int i = 0; i < 2000; ++i) {
        const auto code = store::generate_claim_code();
        ASSERT_TRUE(std::regex_match(code, shape)) << code;
        EXPECT_EQ(store::normalize_claim_code(code), code);
        seen.insert(code);
    }
    EXPECT_EQ(seen.size(), 2000u);
}

TEST(ClaimCode, ForgivesCaseAndLookalikesButCatchesTypos) {
    const auto code = store::generate_claim_code();
    std::string typed;
    for (char c : code) {
        typed += c == '-' ? ' ' : static_cast<char>(std::tolower(c));
    }
    EXPECT_EQ(store::normalize_claim_code(typed), code);
    std::string typo = code;
    typo[0] = typo[0] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(store::normalize_claim_code(typo));
    EXPECT_FALSE(store::normalize_claim_code("7KQF-3M9X"));
    EXPECT_FALSE(store::normalize_claim_code("7KQF-3M9X-T!"));
}

TEST_F(ClaimsTest, RedeemedExactlyOnceWithWhatTheTesterSaw) {
    const auto code = issue();
    auto first = store::Claims::redeem(*db, code, now + 1h, "api");
    ASSERT_TRUE(first);
    ASSERT_TRUE(first->claim) << first->error;
    EXPECT_EQ(first->claim->chargebox_id, "CB-0001");
    EXPECT_EQ(first->claim->vendor, "KEBA");
    EXPECT_EQ(first->claim->connectors, 2);
    EXPECT_TRUE(store::verify_password("pw", first->claim->password_hash));
    auto second = store::Claims::redeem(*db, code, now + 2h, "api");
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->claim);
    EXPECT_EQ(second->status, 409);
    EXPECT_NE(second->error.find("already used"), std::string::npos);
}

TEST_F(ClaimsTest, ExpiredUnknownAndMalformedCodesAreRefusedWithTheirReason) {
    const auto code = issue();
    auto late = store::Claims::redeem(*db, code, now + 7 * 24h + 1s, "api");
    EXPECT_EQ(late->status, 410);
    EXPECT_NE(late->error.find("expired"), std::string::npos);
    auto unknown = store::Claims::redeem(*db, store::generate_claim_code(), now, "api");
    EXPECT_EQ(unknown->status, 404);
    auto malformed = store::Claims::redeem(*db, "hello", now, "api");
    EXPECT_EQ(malformed->status, 400);
    EXPECT_NE(malformed->error.find("not a claiming code"), std::string::npos);
}

TEST_F(ClaimsTest, RepeatedFailuresLockOutThatClientOnly) {
    const auto code = issue();
    for (int i = 0; i < store::Claims::kMaxFailures; ++i) {
        EXPECT_EQ(store::Claims::redeem(*db, store::generate_claim_code(), now, "attacker")->status, 404);
    }
    EXPECT_EQ(store::Claims::redeem(*db, code, now, "attacker")->status, 429) << "even the right code";
    EXPECT_TRUE(store::Claims::redeem(*db, code, now, "operator")->claim) << "other clients are not affected";
    EXPECT_EQ(store::Claims::redeem(*db, "x", now + 11min, "attacker")->status, 400) << "the lock expires";
}
