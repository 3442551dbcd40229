// DataTransfer both ways: the vendor ids and message ids a simulated charger answers, and its periodic message.
#include <gtest/gtest.h>

#include "fake_central_system.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using sim::Charger;

namespace {

class ChargerDataTransfer : public ::testing::Test, protected sim::testing::ChargerWorld {
protected:
    void SetUp() override {
        spec.id = "SIM000001";
        spec.sessions_per_hour = 0;
        spec.data_transfer_vendors = {"com.example", "ocppkit"};
    }
    std::shared_ptr<Charger> boot() {
        auto ch = std::make_shared<Charger>(spec, env, 7);
        ch->start();
        ex.advance(1s);
        EXPECT_TRUE(ch->booted());
        return ch;
    }
    DataTransferConf transfer(std::string vendor, std::optional<std::string> message, std::optional<std::string> data) {
        DataTransferReq req;
        req.vendorId = std::move(vendor);
        req.messageId = std::move(message);
        req.data = std::move(data);
        DataTransferConf conf;
        cs.peer->call(req, [&](ocpp::CallOutcome<DataTransferConf> o) {
            ASSERT_TRUE(o.ok());
            conf = *o.conf;
        });
        ex.advance(100ms);
        return conf;
    }

    sim::ChargerSpec spec;
};

TEST_F(ChargerDataTransfer, EchoIsAcceptedAndSendsTheDataBack) {
    auto ch = boot();
    const auto conf = transfer("com.example", std::string("echo"), std::string("{\"a\":1}"));
    EXPECT_EQ(conf.status, DataTransferStatus::Accepted);
    EXPECT_EQ(conf.data, std::string("{\"a\":1}"));
}

TEST_F(ChargerDataTransfer, NoMessageIdIsAcceptedWithoutData) {
    auto ch = boot();
    const auto conf = transfer("ocppkit", std::nullopt, std::string("x"));
    EXPECT_EQ(conf.status, DataTransferStatus::Accepted);
    EXPECT_FALSE(conf.data);
}

TEST_F(ChargerDataTransfer, AnUnknownMessageIdOfAKnownVendor) {
    auto ch = boot();
    EXPECT_EQ(transfer("com.example", std::string("reboot-the-moon"), std::nullopt).status,
              DataTransferStatus::UnknownMessageId);
}

TEST_F(ChargerDataTransfer, AnUnknownVendorId) {
    auto ch = boot();
    EXPECT_EQ(transfer("com.other", std::string("echo"), std::nullopt).status, DataTransferStatus::UnknownVendorId);
    EXPECT_EQ(transfer("COM.EXAMPLE", std::string("echo"), std::nullopt).status,
              DataTransferStatus::UnknownVendorId); // vendorId compares exactly
    EXPECT_EQ(stats.calls_answered["DataTransfer"], 2u);
}

TEST_F(ChargerDataTransfer, ThePeriodicDataTransferGoesOutAndIsCounted) {
    spec.periodic_data_transfer = sim::PeriodicDataTransfer{"com.example", "telemetry", "{\"t\":21}", 60s};
    auto ch = boot();
    std::vector<DataTransferReq> got;
    cs.peer->on<DataTransferReq>([&](const DataTransferReq& req, ocpp::Reply<DataTransferConf> r) {
        got.push_back(req);
        r(DataTransferConf{DataTransferStatus::Accepted, std::nullopt});
    });
    ex.advance(3min + 1s);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].vendorId, "com.example");
    EXPECT_EQ(got[0].messageId, std::string("telemetry"));
    EXPECT_EQ(got[0].data, std::string("{\"t\":21}"));
    EXPECT_EQ(stats.action("DataTransfer").sent, 3u);
    EXPECT_EQ(stats.action("DataTransfer").ok, 3u);
}

TEST_F(ChargerDataTransfer, AModelsConfigurationKeysAreInForceFromTheStart) {
    spec.config_overrides = {{"HeartbeatInterval", "0"}, {"SendLocalListMaxLength", "5"}};
    cs.interval = 0; // the central system leaves the interval to the charger
    auto ch = boot();
    EXPECT_EQ(ch->heartbeat_interval().count(), 0);
    EXPECT_EQ(ch->config().int_value("SendLocalListMaxLength", 0), 5);
    ex.advance(30min);
    EXPECT_EQ(cs.count("Heartbeat"), 0u);
}

TEST_F(ChargerDataTransfer, NoPeriodicDataTransferUnlessTheModelSaysSo) {
    auto ch = boot();
    ex.advance(30min);
    EXPECT_EQ(stats.action("DataTransfer").sent, 0u);
}

} // namespace
