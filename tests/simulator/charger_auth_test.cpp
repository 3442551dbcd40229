// A simulated charger's local list, authorization cache and offline authorization, against the fake central system.
#include <gtest/gtest.h>

#include "fake_central_system.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using sim::Charger;

namespace {

class ChargerAuth : public sim::testing::ChargerFixture {
protected:
    UpdateStatus send_list(int version, UpdateType type, std::vector<AuthorizationData> entries) {
        SendLocalListReq req;
        req.listVersion = version;
        req.updateType = type;
        req.localAuthorizationList = std::move(entries);
        auto out = ask(req);
        EXPECT_TRUE(out.ok());
        return out.ok() ? out.conf->status : UpdateStatus::NotSupported;
    }
    int list_version() {
        auto out = ask(GetLocalListVersionReq{});
        EXPECT_TRUE(out.ok());
        return out.ok() ? out.conf->listVersion : -99;
    }
    static AuthorizationData tag(std::string id, AuthorizationStatus s = AuthorizationStatus::Accepted,
                                 std::optional<ocpp::DateTime> expiry = std::nullopt) {
        IdTagInfo info;
        info.status = s;
        info.expiryDate = expiry;
        return AuthorizationData{std::move(id), info};
    }
    void go_offline() {
        cs.online = false;
        cs.peer->close(1006, "network gone");
        ex.advance(2s);
        ASSERT_FALSE(ch_connected());
    }
    bool ch_connected() { return ch_ && ch_->connected(); }

    std::shared_ptr<Charger> ch_;
};

TEST_F(ChargerAuth, SendLocalListAndGetLocalListVersionRoundTrip) {
    ch_ = boot();
    EXPECT_EQ(list_version(), 0); // empty
    EXPECT_EQ(send_list(7, UpdateType::Full, {tag("A"), tag("B")}), UpdateStatus::Accepted);
    EXPECT_EQ(list_version(), 7);
    EXPECT_EQ(send_list(7, UpdateType::Differential, {tag("C")}), UpdateStatus::VersionMismatch);
    EXPECT_EQ(send_list(8, UpdateType::Differential, {AuthorizationData{"A", std::nullopt}}), UpdateStatus::Accepted);
    EXPECT_EQ(list_version(), 8);
    EXPECT_FALSE(ch_->auth().from_list("A"));
    EXPECT_TRUE(ch_->auth().from_list("B"));
    EXPECT_EQ(stats.calls_answered["SendLocalList"], 3u);
}

TEST_F(ChargerAuth, MoreEntriesThanSendLocalListMaxLengthFailAndTheListStays) {
    ch_ = boot();
    ASSERT_EQ(send_list(1, UpdateType::Full, {tag("KEEP")}), UpdateStatus::Accepted);
    const int max = ch_->config().int_value("SendLocalListMaxLength", 0);
    ASSERT_GT(max, 0);
    std::vector<AuthorizationData> many;
    for (int i = 0; i <= max; ++i) {
        many.push_back(tag("T" + std::to_string(i)));
    }
    EXPECT_EQ(send_list(2, UpdateType::Full, many), UpdateStatus::Failed);
    EXPECT_EQ(list_version(), 1);
    EXPECT_TRUE(ch_->auth().from_list("KEEP"));
    EXPECT_EQ(ch_->config().set("SendLocalListMaxLength", "100000"), ConfigurationStatus::Rejected); // read-only
}

TEST_F(ChargerAuth, WithLocalAuthListEnabledFalseTheListIsNotSupportedAndItsVersionIsMinusOne) {
    ch_ = boot();
    ASSERT_EQ(ch_->config().set("LocalAuthListEnabled", "false"), ConfigurationStatus::Accepted);
    EXPECT_EQ(send_list(1, UpdateType::Full, {tag("A")}), UpdateStatus::NotSupported);
    EXPECT_EQ(list_version(), -1);
    EXPECT_FALSE(ch_->auth().from_list("A"));
}

TEST_F(ChargerAuth, WithoutTheProfileBothActionsAreAnsweredNotSupported) {
    spec.profiles.local_list = false;
    ch_ = boot();
    auto out = ask(GetLocalListVersionReq{});
    EXPECT_EQ(out.status, ocpp::CallStatus::CallError);
    EXPECT_EQ(ch_->config().value("SupportedFeatureProfiles")->find("LocalAuthListManagement"), std::string::npos);
}

TEST_F(ChargerAuth, LocalPreAuthorizeStartsAtOnceForAValidListedTag) {
    ch_ = boot();
    ASSERT_EQ(ch_->config().set("LocalPreAuthorize", "true"), ConfigurationStatus::Accepted);
    ASSERT_EQ(send_list(1, UpdateType::Full, {tag("LISTED")}), UpdateStatus::Accepted);
    cs.received.clear();
    ASSERT_TRUE(ch_->plug_in(1, "LISTED"));
    ex.advance(1s);
    EXPECT_EQ(cs.count("Authorize"), 0u);
    EXPECT_EQ(cs.count("StartTransaction"), 1u);
    EXPECT_EQ(ch_->connector_status(1), Charger::Status::Charging);
}

TEST_F(ChargerAuth, AnExpiredListEntryIsNotValidSoTheCentralSystemIsAsked) {
    ch_ = boot();
    ASSERT_EQ(ch_->config().set("LocalPreAuthorize", "true"), ConfigurationStatus::Accepted);
    const auto past = ocpp::DateTime{clock.wall_now()} + (-1h);
    ASSERT_EQ(send_list(1, UpdateType::Full, {tag("OLD", AuthorizationStatus::Accepted, past)}),
              UpdateStatus::Accepted);
    cs.received.clear();
    ASSERT_TRUE(ch_->plug_in(1, "OLD"));
    ex.advance(1s);
    EXPECT_EQ(cs.count("Authorize"), 1u);
}

TEST_F(ChargerAuth, OfflineAListedTagStartsAndIsReplayedAfterReconnectingOthersAreRefused) {
    spec.connectors = 3;
    ch_ = boot();
    ASSERT_EQ(ch_->config().set("LocalAuthorizeOffline", "true"), ConfigurationStatus::Accepted);
    ASSERT_EQ(send_list(1, UpdateType::Full, {tag("LISTED"), tag("BLOCKED", AuthorizationStatus::Blocked)}),
              UpdateStatus::Accepted);
    go_offline();
    ASSERT_TRUE(ch_->plug_in(1, "LISTED"));
    ASSERT_TRUE(ch_->plug_in(2, "UNKNOWN"));
    ASSERT_TRUE(ch_->plug_in(3, "BLOCKED"));
    ex.advance(1s);
    EXPECT_EQ(ch_->connector_status(1), Charger::Status::Charging);
    EXPECT_EQ(ch_->connector_status(2), Charger::Status::Available);
    EXPECT_EQ(ch_->connector_status(3), Charger::Status::Available);
    EXPECT_EQ(stats.sessions_refused, 2u);
    EXPECT_TRUE(cs.starts.empty());
    cs.online = true;
    ex.advance(90s);
    ASSERT_TRUE(ch_->booted());
    ASSERT_EQ(cs.starts.size(), 1u);
    EXPECT_EQ(cs.starts[0].idTag, "LISTED");
    EXPECT_EQ(ch_->transaction_id(1), 100);
}

TEST_F(ChargerAuth, AllowOfflineTxForUnknownIdStillStartsUnknownTagsOffline) {
    ch_ = boot();
    ASSERT_EQ(ch_->config().set("AllowOfflineTxForUnknownId", "true"), ConfigurationStatus::Accepted);
    go_offline();
    ASSERT_TRUE(ch_->plug_in(1, "UNKNOWN"));
    ex.advance(1s);
    EXPECT_EQ(ch_->connector_status(1), Charger::Status::Charging);
}

TEST_F(ChargerAuth, TheCacheRemembersAuthorizeAnswersForOfflineUseUntilClearCache) {
    spec.connectors = 1;
    ch_ = boot();
    ASSERT_EQ(ch_->config().set("AuthorizationCacheEnabled", "true"), ConfigurationStatus::Accepted);
    ASSERT_EQ(ch_->config().set("LocalAuthorizeOffline", "true"), ConfigurationStatus::Accepted);
    ASSERT_TRUE(ch_->plug_in(1, "CACHED"));
    ex.advance(1s);
    ASSERT_TRUE(ch_->auth().from_cache("CACHED"));
    ch_->unplug(1, Reason::Local);
    ex.advance(5s);
    go_offline();
    ASSERT_TRUE(ch_->plug_in(1, "CACHED"));
    ex.advance(1s);
    EXPECT_EQ(ch_->connector_status(1), Charger::Status::Charging);
    ch_->unplug(1, Reason::Local);
    ex.advance(5s);
    cs.online = true;
    ex.advance(90s);
    ASSERT_TRUE(ch_->booted());
    EXPECT_EQ(ask(ClearCacheReq{}).conf->status, ClearCacheStatus::Accepted);
    EXPECT_EQ(ch_->auth().cache_size(), 0u);
    go_offline();
    ASSERT_TRUE(ch_->plug_in(1, "CACHED"));
    ex.advance(1s);
    EXPECT_EQ(ch_->connector_status(1), Charger::Status::Available); // forgotten: refused offline
}

// An Authorize answer that comes after its driver left is not applied to the next driver on the connector.
TEST_F(ChargerAuth, ALateAuthorizeAnswerIsNotAppliedToANewerDriver) {
    spec.connectors = 1;
    ch_ = boot();
    std::vector<std::pair<std::string, ocpp::Reply<AuthorizeConf>>> pending;
    cs.peer->on<AuthorizeReq>([&pending](const AuthorizeReq& req, ocpp::Reply<AuthorizeConf> r) {
        pending.emplace_back(req.idTag, std::move(r)); // answered later, by the test
    });
    auto answer = [&pending](std::size_t i, AuthorizationStatus status) {
        AuthorizeConf conf;
        conf.idTagInfo.status = status;
        pending.at(i).second(conf);
    };
    ASSERT_TRUE(ch_->plug_in(1, "EARLIER"));
    ex.advance(1s);
    ch_->unplug(1, Reason::Local); // gone before the answer
    ex.advance(1s);
    ASSERT_TRUE(ch_->plug_in(1, "BLOCKED-ONE"));
    ex.advance(1s);
    ASSERT_EQ(pending.size(), 1u) << "one CALL at a time: the new driver's Authorize waits for the old answer";
    answer(0, AuthorizationStatus::Accepted); // the earlier driver's answer, late
    ex.advance(1s);
    EXPECT_EQ(ch_->connector_status(1), Charger::Status::Preparing);
    EXPECT_TRUE(cs.starts.empty()) << "started for " << cs.starts[0].idTag;
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[1].first, "BLOCKED-ONE");
    answer(1, AuthorizationStatus::Blocked);
    ex.advance(1s);
    EXPECT_EQ(ch_->connector_status(1), Charger::Status::Available);
    EXPECT_TRUE(cs.starts.empty());
}

TEST_F(ChargerAuth, TheStopTransactionAnswerUpdatesTheCache) {
    ch_ = boot();
    ASSERT_EQ(ch_->config().set("AuthorizationCacheEnabled", "true"), ConfigurationStatus::Accepted);
    cs.peer->on<StopTransactionReq>([](const StopTransactionReq&, ocpp::Reply<StopTransactionConf> r) {
        StopTransactionConf conf;
        conf.idTagInfo = IdTagInfo{};
        conf.idTagInfo->status = AuthorizationStatus::Blocked;
        r(conf);
    });
    ASSERT_TRUE(ch_->plug_in(1, "TAG"));
    ex.advance(1s);
    ASSERT_EQ(ch_->auth().from_cache("TAG")->status, AuthorizationStatus::Accepted);
    ch_->unplug(1, Reason::Local);
    ex.advance(1s);
    EXPECT_EQ(ch_->auth().from_cache("TAG")->status, AuthorizationStatus::Blocked);
}

TEST_F(ChargerAuth, WithTheCacheDisabledNothingIsRemembered) {
    ch_ = boot();
    ASSERT_TRUE(ch_->plug_in(1, "TAG"));
    ex.advance(1s);
    EXPECT_EQ(ch_->auth().cache_size(), 0u);
}

TEST_F(ChargerAuth, AnInvalidAnswerIsCachedAndRefusesTheTagOffline) {
    ch_ = boot();
    ASSERT_EQ(ch_->config().set("AuthorizationCacheEnabled", "true"), ConfigurationStatus::Accepted);
    ASSERT_EQ(ch_->config().set("LocalAuthorizeOffline", "true"), ConfigurationStatus::Accepted);
    ASSERT_EQ(ch_->config().set("AllowOfflineTxForUnknownId", "true"), ConfigurationStatus::Accepted);
    cs.tag_status = AuthorizationStatus::Blocked;
    ASSERT_TRUE(ch_->plug_in(1, "BAD"));
    ex.advance(1s);
    ASSERT_EQ(ch_->auth().from_cache("BAD")->status, AuthorizationStatus::Blocked);
    go_offline();
    ASSERT_TRUE(ch_->plug_in(1, "BAD"));
    ex.advance(1s);
    EXPECT_EQ(ch_->connector_status(1), Charger::Status::Available); // known and blocked: not an unknown id
}

} // namespace
