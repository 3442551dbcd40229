// The local authorization list and cache on their own: versions, limits, bad lists, eviction, expiry.
#include <gtest/gtest.h>

#include "simulator/charger/auth_store.hpp"

using namespace ocpp::v16;
using sim::AuthStore;

namespace {

const AuthStore::ListLimits kLimits{5, 3};

IdTagInfo info(AuthorizationStatus s, std::optional<std::string> parent = std::nullopt) {
    IdTagInfo i;
    i.status = s;
    i.parentIdTag = std::move(parent);
    return i;
}

AuthorizationData entry(std::string tag, std::optional<IdTagInfo> i = info(AuthorizationStatus::Accepted)) {
    return AuthorizationData{std::move(tag), std::move(i)};
}

SendLocalListReq list(int version, UpdateType type, std::vector<AuthorizationData> entries) {
    SendLocalListReq r;
    r.listVersion = version;
    r.updateType = type;
    r.localAuthorizationList = std::move(entries);
    return r;
}

TEST(AuthStore, AFullUpdateReplacesTheListAndSetsItsVersion) {
    AuthStore s;
    EXPECT_EQ(s.version(), 0);
    ASSERT_EQ(s.apply(list(3, UpdateType::Full, {entry("A"), entry("B")}), kLimits), UpdateStatus::Accepted);
    EXPECT_EQ(s.version(), 3);
    ASSERT_EQ(s.apply(list(4, UpdateType::Full, {entry("C")}), kLimits), UpdateStatus::Accepted);
    EXPECT_EQ(s.version(), 4);
    EXPECT_FALSE(s.from_list("A"));
    EXPECT_TRUE(s.from_list("C"));
    EXPECT_EQ(s.list_size(), 1u);
}

TEST(AuthStore, AFullUpdateWithoutEntriesEmptiesTheListAndTheVersionReadsZero) {
    AuthStore s;
    ASSERT_EQ(s.apply(list(3, UpdateType::Full, {entry("A")}), kLimits), UpdateStatus::Accepted);
    SendLocalListReq empty;
    empty.listVersion = 4;
    empty.updateType = UpdateType::Full;
    ASSERT_EQ(s.apply(empty, kLimits), UpdateStatus::Accepted);
    EXPECT_EQ(s.list_size(), 0u);
    EXPECT_EQ(s.version(), 0);
}

TEST(AuthStore, ADifferentialUpdateAddsUpdatesAndRemovesTags) {
    AuthStore s;
    ASSERT_EQ(s.apply(list(1, UpdateType::Full, {entry("A"), entry("B")}), kLimits), UpdateStatus::Accepted);
    ASSERT_EQ(s.apply(list(2, UpdateType::Differential,
                           {entry("A", info(AuthorizationStatus::Blocked)), entry("B", std::nullopt), entry("C")}),
                      kLimits),
              UpdateStatus::Accepted);
    EXPECT_EQ(s.version(), 2);
    EXPECT_EQ(s.from_list("A")->status, AuthorizationStatus::Blocked);
    EXPECT_FALSE(s.from_list("B")); // no idTagInfo: removed
    EXPECT_TRUE(s.from_list("C"));
}

TEST(AuthStore, ADifferentialUpdateNotNewerThanTheListIsAVersionMismatchAndChangesNothing) {
    AuthStore s;
    ASSERT_EQ(s.apply(list(5, UpdateType::Full, {entry("A")}), kLimits), UpdateStatus::Accepted);
    EXPECT_EQ(s.apply(list(5, UpdateType::Differential, {entry("B")}), kLimits), UpdateStatus::VersionMismatch);
    EXPECT_EQ(s.apply(list(4, UpdateType::Differential, {entry("B")}), kLimits), UpdateStatus::VersionMismatch);
    EXPECT_FALSE(s.from_list("B"));
    EXPECT_EQ(s.version(), 5);
}

TEST(AuthStore, MoreEntriesThanSendLocalListMaxLengthFailAndChangeNothing) {
    AuthStore s;
    ASSERT_EQ(s.apply(list(1, UpdateType::Full, {entry("A")}), kLimits), UpdateStatus::Accepted);
    EXPECT_EQ(s.apply(list(2, UpdateType::Full, {entry("B"), entry("C"), entry("D"), entry("E")}), kLimits),
              UpdateStatus::Failed);
    EXPECT_EQ(s.version(), 1);
    EXPECT_TRUE(s.from_list("A"));
    EXPECT_EQ(s.list_size(), 1u);
}

TEST(AuthStore, AListGrowingBeyondLocalAuthListMaxLengthFailsAndChangesNothing) {
    AuthStore s;
    ASSERT_EQ(s.apply(list(1, UpdateType::Full, {entry("A"), entry("B"), entry("C")}), kLimits),
              UpdateStatus::Accepted);
    EXPECT_EQ(s.apply(list(2, UpdateType::Differential, {entry("D"), entry("E"), entry("F")}), kLimits),
              UpdateStatus::Failed);
    EXPECT_EQ(s.list_size(), 3u);
    EXPECT_EQ(s.version(), 1);
    // Removing while adding keeps it within the limit.
    EXPECT_EQ(s.apply(list(2, UpdateType::Differential, {entry("A", std::nullopt), entry("D"), entry("E")}), kLimits),
              UpdateStatus::Accepted);
    EXPECT_EQ(s.list_size(), 4u);
}

TEST(AuthStore, DuplicateEmptyTagsAndNegativeVersionsFail) {
    AuthStore s;
    ASSERT_EQ(s.apply(list(1, UpdateType::Full, {entry("A")}), kLimits), UpdateStatus::Accepted);
    EXPECT_EQ(s.apply(list(2, UpdateType::Full, {entry("B"), entry("b")}), kLimits), UpdateStatus::Failed);
    EXPECT_EQ(s.apply(list(2, UpdateType::Full, {entry("")}), kLimits), UpdateStatus::Failed);
    EXPECT_EQ(s.apply(list(-1, UpdateType::Full, {entry("B")}), kLimits), UpdateStatus::Failed);
    EXPECT_EQ(s.version(), 1);
    EXPECT_TRUE(s.from_list("A"));
    EXPECT_FALSE(s.from_list("B"));
}

TEST(AuthStore, TagsCompareCaseInsensitively) {
    AuthStore s;
    ASSERT_EQ(s.apply(list(1, UpdateType::Full, {entry("Tag-One")}), kLimits), UpdateStatus::Accepted);
    EXPECT_TRUE(s.from_list("TAG-ONE"));
    s.remember("abc", info(AuthorizationStatus::Accepted));
    EXPECT_TRUE(s.from_cache("ABC"));
}

TEST(AuthStore, TheCacheIsBoundedAndDropsTheOldestTag) {
    AuthStore s(3);
    s.remember("A", info(AuthorizationStatus::Accepted));
    s.remember("B", info(AuthorizationStatus::Accepted));
    s.remember("C", info(AuthorizationStatus::Accepted));
    s.remember("A", info(AuthorizationStatus::Blocked)); // an update, not a new entry
    EXPECT_EQ(s.cache_size(), 3u);
    EXPECT_EQ(s.from_cache("A")->status, AuthorizationStatus::Blocked);
    s.remember("D", info(AuthorizationStatus::Accepted));
    EXPECT_EQ(s.cache_size(), 3u);
    EXPECT_FALSE(s.from_cache("A"));
    EXPECT_TRUE(s.from_cache("D"));
    s.clear_cache();
    EXPECT_EQ(s.cache_size(), 0u);
    EXPECT_FALSE(s.from_cache("D"));
}

TEST(AuthStore, OnlyAcceptedEntriesBeforeTheirExpiryAreValid) {
    const auto now = ocpp::DateTime::from_unix_ms(1'000'000);
    auto accepted = info(AuthorizationStatus::Accepted);
    EXPECT_TRUE(AuthStore::valid(accepted, now));
    accepted.expiryDate = ocpp::DateTime::from_unix_ms(1'000'001);
    EXPECT_TRUE(AuthStore::valid(accepted, now));
    accepted.expiryDate = now;
    EXPECT_FALSE(AuthStore::valid(accepted, now));
    EXPECT_FALSE(AuthStore::valid(info(AuthorizationStatus::Blocked), now));
    EXPECT_FALSE(AuthStore::valid(info(AuthorizationStatus::Invalid), now));
}

} // namespace
