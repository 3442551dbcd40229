#include <gtest/gtest.h>

#include "fake_central_system.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using sim::Charger;
using sim::testing::FakeCentralSystem;

namespace {

class ChargerTest : public ::testing::Test, protected sim::testing::ChargerWorld {
protected:
    std::shared_ptr<Charger> make(sim::ChargerSpec spec = {}) {
        if (spec.id.empty()) {
            spec.id = "SIM000001";
        }
        spec.sessions_per_hour = sessions_per_hour;
        return std::make_shared<Charger>(spec, env, 42);
    }

    double sessions_per_hour = 0; // no random arrivals unless a test wants them
};

TEST_F(ChargerTest, BootsThenReportsEveryConnectorThenBeatsAtTheIntervalTheCentralSystemSet) {
    cs.interval = 120;
    auto ch = make();
    ch->start();
    ex.advance(1s);
    ASSERT_TRUE(ch->booted());
    EXPECT_EQ(ch->heartbeat_interval(), std::chrono::seconds(120));
    ASSERT_EQ(cs.statuses.size(), 3u); // connector 0 and the two connectors
    for (int c = 0; c < 3; ++c) {
        EXPECT_EQ(cs.statuses[static_cast<std::size_t>(c)].connectorId, c);
        EXPECT_EQ(cs.statuses[static_cast<std::size_t>(c)].status, ChargePointStatus::Available);
    }
    ex.advance(118s);
    EXPECT_EQ(cs.count("Heartbeat"), 0u);
    ex.advance(2s);
    EXPECT_EQ(cs.count("Heartbeat"), 1u);
    ex.advance(240s);
    EXPECT_EQ(cs.count("Heartbeat"), 3u);
    EXPECT_EQ(ch->config().value("HeartbeatInterval"), "120");
}

TEST_F(ChargerTest, PendingBootIsRetriedAfterTheIntervalAndNothingElseIsSentMeanwhile) {
    cs.boot_status = RegistrationStatus::Pending;
    cs.interval = 30;
    auto ch = make();
    ch->start();
    ex.advance(1s);
    EXPECT_FALSE(ch->booted());
    EXPECT_EQ(cs.received, (std::vector<std::string>{"BootNotification"}));
    cs.boot_status = RegistrationStatus::Accepted;
    ex.advance(28s);
    EXPECT_EQ(cs.count("BootNotification"), 1u);
    ex.advance(2s);
    EXPECT_EQ(cs.count("BootNotification"), 2u);
    EXPECT_TRUE(ch->booted());
    EXPECT_EQ(stats.boots_pending, 1u);
    EXPECT_EQ(stats.boots_accepted, 1u);
}

TEST_F(ChargerTest, RejectedBootIsRetriedToo) {
    cs.boot_status = RegistrationStatus::Rejected;
    cs.interval = 10;
    auto ch = make();
    ch->start();
    ex.advance(25s);
    EXPECT_EQ(cs.count("BootNotification"), 3u);
    EXPECT_EQ(cs.count("StatusNotification"), 0u);
    EXPECT_EQ(stats.boots_rejected, 3u);
}

TEST_F(ChargerTest, ChangeConfigurationOfHeartbeatIntervalTakesEffect) {
    auto ch = make();
    ch->start();
    ex.advance(1s);
    std::optional<ConfigurationStatus> status;
    cs.peer->call(ChangeConfigurationReq{"HeartbeatInterval", "10"},
                  [&](ocpp::CallOutcome<ChangeConfigurationConf> o) { status = o.conf->status; });
    ex.advance(1s);
    EXPECT_EQ(status, ConfigurationStatus::Accepted);
    const auto before = cs.count("Heartbeat");
    ex.advance(30s);
    EXPECT_EQ(cs.count("Heartbeat") - before, 3u);
    // Read-only and unknown keys are refused as the specification says.
    cs.peer->call(ChangeConfigurationReq{"NumberOfConnectors", "5"},
                  [&](ocpp::CallOutcome<ChangeConfigurationConf> o) { status = o.conf->status; });
    ex.advance(1s);
    EXPECT_EQ(status, ConfigurationStatus::Rejected);
    cs.peer->call(ChangeConfigurationReq{"NoSuchKey", "1"},
                  [&](ocpp::CallOutcome<ChangeConfigurationConf> o) { status = o.conf->status; });
    ex.advance(1s);
    EXPECT_EQ(status, ConfigurationStatus::NotSupported);
}

TEST_F(ChargerTest, GetConfigurationReportsConnectorsAndUnknownKeys) {
    auto ch = make();
    ch->start();
    ex.advance(1s);
    std::optional<GetConfigurationConf> conf;
    GetConfigurationReq req;
    req.key = std::vector<std::string>{"NumberOfConnectors", "Bogus"};
    cs.peer->call(req, [&](ocpp::CallOutcome<GetConfigurationConf> o) { conf = o.conf; });
    ex.advance(1s);
    ASSERT_TRUE(conf && conf->configurationKey && conf->unknownKey);
    EXPECT_EQ((*conf->configurationKey)[0].value, "2");
    EXPECT_EQ((*conf->unknownKey)[0], "Bogus");
}

TEST_F(ChargerTest, ReconnectsWithGrowingBackoffWhileTheCentralSystemIsDown) {
    cs.online = false;
    sim::ChargerSpec spec;
    spec.reconnect_min = 1s;
    spec.reconnect_max = 8s;
    auto ch = make(spec);
    ch->start();
    ex.advance(60s);
    // 1, 2, 4, 8, 8, 8... seconds (±25 %): between 8 and 12 attempts in a minute.
    EXPECT_GE(stats.connect_attempts, 8u);
    EXPECT_LE(stats.connect_attempts, 12u);
    EXPECT_EQ(stats.connect_errors["refused"], stats.connect_attempts);
    cs.online = true;
    ex.advance(15s);
    EXPECT_TRUE(ch->booted());
}

TEST_F(ChargerTest, ResetMakesTheChargerReconnectAndBootAgain) {
    auto ch = make();
    ch->start();
    ex.advance(1s);
    std::optional<ResetStatus> status;
    cs.peer->call(ResetReq{ResetType::Soft}, [&](ocpp::CallOutcome<ResetConf> o) { status = o.conf->status; });
    ex.advance(10s);
    EXPECT_EQ(status, ResetStatus::Accepted);
    EXPECT_EQ(cs.connections, 2);
    EXPECT_EQ(cs.count("BootNotification"), 2u);
    EXPECT_TRUE(ch->booted());
}

TEST_F(ChargerTest, UnknownCallsGetNotSupported) {
    sim::ChargerSpec spec;
    spec.profiles.local_list = false; // its actions are then unknown to this charger
    auto ch = make(spec);
    ch->start();
    ex.advance(1s);
    std::optional<ocpp::CallOutcome<GetLocalListVersionConf>> got;
    cs.peer->call(GetLocalListVersionReq{}, [&](ocpp::CallOutcome<GetLocalListVersionConf> o) { got = o; });
    ex.advance(1s);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->error_code, "NotSupported");
}

} // namespace

TEST(ChargerStatusNames, EveryStatusHasItsOcppName) {
    EXPECT_STREQ(sim::to_string(Charger::Status::Available), "Available");
    EXPECT_STREQ(sim::to_string(Charger::Status::Preparing), "Preparing");
    EXPECT_STREQ(sim::to_string(Charger::Status::Charging), "Charging");
    EXPECT_STREQ(sim::to_string(Charger::Status::Finishing), "Finishing");
    EXPECT_STREQ(sim::to_string(Charger::Status::Unavailable), "Unavailable");
    EXPECT_STREQ(sim::to_string(Charger::Status::Faulted), "Faulted");
    EXPECT_STREQ(sim::to_string(Charger::Status::Reserved), "Reserved");
}
