#include <cmath>

#include <gtest/gtest.h>

#include "fake_central_system.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using sim::Charger;
using sim::testing::FakeCentralSystem;

namespace {

class ChargerSession : public ::testing::Test, protected sim::testing::ChargerWorld {
protected:
    void SetUp() override {
        spec.id = "SIM000001";
        spec.sessions_per_hour = 0;
        spec.power_kw = 11.0;
        spec.meter_interval = 60s;
        spec.session_min = spec.session_mean = spec.session_max = 30min;
    }
    std::shared_ptr<Charger> boot() {
        auto ch = std::make_shared<Charger>(spec, env, 7);
        ch->start();
        ex.advance(1s);
        EXPECT_TRUE(ch->booted());
        return ch;
    }
    static double energy(const MeterValuesReq& mv) {
        for (const auto& s : mv.meterValue[0].sampledValue) {
            if (s.measurand == Measurand::Energy_Active_Import_Register) {
                return std::stod(s.value);
            }
        }
        return -1;
    }

    sim::ChargerSpec spec;
};

TEST_F(ChargerSession, AFullSessionWithEnergyGrowingAtTheConnectorsPower) {
    auto ch = boot();
    cs.received.clear();
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(1s);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Charging);
    EXPECT_EQ(ch->transaction_id(1), 100);
    ex.advance(30min);
    // Preparing, Authorize, StartTransaction, Charging, 29 or 30 periodic meter values, StopTransaction, Finishing.
    ASSERT_EQ(cs.starts.size(), 1u);
    ASSERT_EQ(cs.stops.size(), 1u);
    EXPECT_EQ(cs.received[0], "StatusNotification");
    EXPECT_EQ(cs.received[1], "Authorize");
    EXPECT_EQ(cs.received[2], "StartTransaction");
    EXPECT_GE(cs.meter_values.size(), 29u);
    // 11 kW for 30 minutes is 5.5 kWh.
    EXPECT_NEAR(cs.stops[0].meterStop - cs.starts[0].meterStart, 5500, 10);
    EXPECT_EQ(cs.stops[0].transactionId, 100);
    EXPECT_EQ(cs.stops[0].reason, Reason::EVDisconnected);
    double last = -1;
    for (const auto& mv : cs.meter_values) {
        EXPECT_EQ(mv.transactionId, 100);
        EXPECT_GT(energy(mv), last);
        last = energy(mv);
    }
    EXPECT_NEAR(energy(cs.meter_values[0]), 11000.0 / 60, 1.0); // one minute in
    ex.advance(3s);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available);
    EXPECT_EQ(cs.statuses.back().status, ChargePointStatus::Available);
    EXPECT_EQ(stats.sessions_completed, 1u);
}

TEST_F(ChargerSession, AnInvalidTagEndsTheAttemptWithoutATransaction) {
    cs.tag_status = AuthorizationStatus::Invalid;
    auto ch = boot();
    ASSERT_TRUE(ch->plug_in(1, "STOLEN"));
    ex.advance(5s);
    EXPECT_TRUE(cs.starts.empty());
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Available);
    EXPECT_EQ(stats.sessions_refused, 1u);
}

TEST_F(ChargerSession, TransactionMessagesFromAnOfflinePeriodAreReplayedInOrderAfterReconnecting) {
    auto ch = boot();
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(90s); // started, one meter value sent
    const auto sent_online = cs.meter_values.size();
    cs.online = false;
    cs.peer->close(1006, "network gone");
    ex.advance(5min + 1s);
    EXPECT_FALSE(ch->connected());
    EXPECT_GE(ch->offline_queue_size(), 5u);
    ch->unplug(1, Reason::Local);
    const auto queued = ch->offline_queue_size();
    cs.frames.clear();
    cs.received.clear();
    cs.online = true;
    ex.advance(90s); // reconnect (backoff) and replay
    EXPECT_TRUE(ch->booted());
    EXPECT_EQ(ch->offline_queue_size(), 0u);
    EXPECT_EQ(stats.offline_replayed, queued);
    // After the boot: the queued meter values, then the stop, in the order they happened, with the transaction id.
    std::vector<std::string> tx;
    for (const auto& a : cs.received) {
        if (a == "MeterValues" || a == "StopTransaction") {
            tx.push_back(a);
        }
    }
    ASSERT_EQ(tx.size(), queued);
    EXPECT_EQ(tx.back(), "StopTransaction");
    double last = -1;
    for (std::size_t i = sent_online; i < cs.meter_values.size(); ++i) {
        EXPECT_EQ(cs.meter_values[i].transactionId, 100);
        EXPECT_GT(energy(cs.meter_values[i]), last);
        last = energy(cs.meter_values[i]);
    }
    EXPECT_EQ(cs.stops.at(0).transactionId, 100);
}

TEST_F(ChargerSession, RemoteStartAndStopDriveARealSession) {
    auto ch = boot();
    std::optional<RemoteStartStopStatus> status;
    RemoteStartTransactionReq start;
    start.idTag = "REMOTE";
    start.connectorId = 2;
    cs.peer->call(start, [&](ocpp::CallOutcome<RemoteStartTransactionConf> o) { status = o.conf->status; });
    ex.advance(2s);
    EXPECT_EQ(status, RemoteStartStopStatus::Accepted);
    ASSERT_EQ(cs.starts.size(), 1u);
    EXPECT_EQ(cs.starts[0].connectorId, 2);
    EXPECT_EQ(cs.count("Authorize"), 0u) << "AuthorizeRemoteTxRequests is false";
    cs.peer->call(RemoteStopTransactionReq{999},
                  [&](ocpp::CallOutcome<RemoteStopTransactionConf> o) { status = o.conf->status; });
    ex.advance(1s);
    EXPECT_EQ(status, RemoteStartStopStatus::Rejected);
    cs.peer->call(RemoteStopTransactionReq{100},
                  [&](ocpp::CallOutcome<RemoteStopTransactionConf> o) { status = o.conf->status; });
    ex.advance(1s);
    EXPECT_EQ(status, RemoteStartStopStatus::Accepted);
    ASSERT_EQ(cs.stops.size(), 1u);
    EXPECT_EQ(cs.stops[0].reason, Reason::Remote);
    // A busy connector refuses a second remote start.
    cs.peer->call(start, [&](ocpp::CallOutcome<RemoteStartTransactionConf> o) { status = o.conf->status; });
    ex.advance(1s);
    EXPECT_EQ(status, RemoteStartStopStatus::Rejected) << "connector 2 is still Finishing";
}

TEST_F(ChargerSession, ATriggeredMeterValuesComesEvenWithoutATransaction) {
    auto ch = boot();
    std::optional<TriggerMessageStatus> status;
    TriggerMessageReq trigger;
    trigger.requestedMessage = MessageTrigger::MeterValues;
    trigger.connectorId = 1;
    cs.peer->call(trigger, [&](ocpp::CallOutcome<TriggerMessageConf> o) { status = o.conf->status; });
    ex.advance(1s);
    EXPECT_EQ(status, TriggerMessageStatus::Accepted);
    ASSERT_EQ(cs.meter_values.size(), 1u) << "Accepted obliges the charger to send the message";
    const auto& mv = cs.meter_values[0];
    EXPECT_EQ(mv.connectorId, 1);
    EXPECT_FALSE(mv.transactionId) << "no transaction runs";
    EXPECT_EQ(energy(mv), 0.0);
    EXPECT_EQ(mv.meterValue[0].sampledValue[0].context, ReadingContext::Trigger);
    EXPECT_EQ(mv.meterValue[0].sampledValue[1].value, "0.0") << "an idle connector draws nothing";
}

TEST_F(ChargerSession, ChangeAvailabilityDuringASessionIsScheduled) {
    auto ch = boot();
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(1s);
    std::optional<AvailabilityStatus> status;
    cs.peer->call(ChangeAvailabilityReq{1, AvailabilityType::Inoperative},
                  [&](ocpp::CallOutcome<ChangeAvailabilityConf> o) { status = o.conf->status; });
    ex.advance(1s);
    EXPECT_EQ(status, AvailabilityStatus::Scheduled);
    ch->unplug(1, Reason::Local);
    ex.advance(5s);
    EXPECT_EQ(ch->connector_status(1), Charger::Status::Unavailable);
    cs.peer->call(ChangeAvailabilityReq{2, AvailabilityType::Inoperative},
                  [&](ocpp::CallOutcome<ChangeAvailabilityConf> o) { status = o.conf->status; });
    ex.advance(1s);
    EXPECT_EQ(status, AvailabilityStatus::Accepted);
    EXPECT_EQ(ch->connector_status(2), Charger::Status::Unavailable);
    EXPECT_FALSE(ch->plug_in(2, "TAG-1"));
}

TEST_F(ChargerSession, RandomArrivalsFollowTheSessionsPerHourKnob) {
    spec.sessions_per_hour = 4;
    spec.session_min = spec.session_mean = spec.session_max = 5min;
    auto ch = boot();
    ex.advance(10h);
    // About 40 arrivals; a few fall on a busy connector. Poisson: 40 ± 3 sigma.
    EXPECT_GE(stats.sessions_started, 20u);
    EXPECT_LE(stats.sessions_started, 60u);
}

TEST_F(ChargerSession, StopEndsSessionsAndClosesTheConnection) {
    auto ch = boot();
    ASSERT_TRUE(ch->plug_in(1, "TAG-1"));
    ex.advance(2s);
    bool stopped = false;
    ch->stop([&] { stopped = true; });
    ex.advance(10s);
    EXPECT_TRUE(stopped);
    ASSERT_EQ(cs.stops.size(), 1u);
    EXPECT_EQ(cs.stops[0].reason, Reason::Local);
    EXPECT_EQ(ch->state(), Charger::State::Stopped);
}

} // namespace

namespace {

TEST_F(ChargerSession, FirstSessionAfterBootRunsOnceOnConnectorOne) {
    spec.first_session_after = 5s;
    spec.session_min = spec.session_mean = spec.session_max = 5s;
    spec.meter_interval = 1s;
    spec.id_tags = {"FLOW-TAG", "OTHER"};
    auto ch = boot();
    ex.advance(2s);
    EXPECT_EQ(cs.starts.size(), 0u); // not before the delay
    ex.advance(3s);
    ASSERT_EQ(cs.starts.size(), 1u);
    EXPECT_EQ(cs.starts[0].connectorId, 1);
    EXPECT_EQ(cs.starts[0].idTag, "FLOW-TAG");
    ex.advance(10s);
    ASSERT_EQ(cs.stops.size(), 1u);
    EXPECT_GT(cs.stops[0].meterStop, cs.starts[0].meterStart);
    EXPECT_GE(cs.meter_values.size(), 3u);
    // Once only, also after a reconnect (sessions_per_hour is 0: no other arrivals).
    ch->drop_connection();
    ex.advance(2min);
    EXPECT_TRUE(ch->booted());
    ex.advance(10min);
    EXPECT_EQ(cs.starts.size(), 1u);
}

} // namespace
