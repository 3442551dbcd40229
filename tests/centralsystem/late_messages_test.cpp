// Offline-queued messages that arrive late, after newer ones: the stored connector status, the meter series, the
// session list and today's statistics must all follow the charger's timestamps, not the order of arrival.
#include "tests/centralsystem/handlers_fixture.hpp"

namespace {

using namespace cs_test;
using namespace ocpp::v16;

ocpp::DateTime at(const std::string& text) {
    return ocpp::parse_datetime(text).value();
}

class LateMessages : public HandlersTest {
protected:
    void SetUp() override {
        HandlersTest::SetUp();
        make_operational();
    }
    void status(int connector, ChargePointStatus s, const std::string& ts) {
        StatusNotificationReq req;
        req.connectorId = connector;
        req.errorCode = ChargePointErrorCode::NoError;
        req.status = s;
        req.timestamp = at(ts);
        ASSERT_TRUE(call(req).ok());
    }
    cs::Charger charger() {
        auto c =
            query<std::optional<cs::Charger>>([](store::Connection& db) { return cs::db::find_charger(db, "CB-1"); });
        return c && *c ? **c : cs::Charger{};
    }
    int start(const std::string& ts, int meter) {
        StartTransactionReq req;
        req.connectorId = 1;
        req.idTag = "TAG-OK";
        req.meterStart = meter;
        req.timestamp = at(ts);
        auto out = call(req);
        EXPECT_TRUE(out.ok()) << out.error_description;
        return out.conf ? out.conf->transactionId : 0;
    }
    void meter(int tx, const std::string& ts, double wh) {
        MeterValuesReq req;
        req.connectorId = 1;
        req.transactionId = tx;
        MeterValue mv;
        mv.timestamp = at(ts);
        SampledValue sv;
        sv.value = std::to_string(static_cast<long long>(wh));
        sv.measurand = Measurand::Energy_Active_Import_Register;
        sv.unit = UnitOfMeasure::Wh;
        mv.sampledValue.push_back(sv);
        req.meterValue.push_back(mv);
        ASSERT_TRUE(call(req).ok());
    }
    void stop(int tx, const std::string& ts, int meter) {
        StopTransactionReq req;
        req.transactionId = tx;
        req.meterStop = meter;
        req.timestamp = at(ts);
        ASSERT_TRUE(call(req).ok());
    }
};

TEST_F(LateMessages, AnOlderStatusDoesNotOverwriteANewerOne) {
    connect();
    status(1, ChargePointStatus::Charging, "2026-03-01T10:00:10Z");
    status(1, ChargePointStatus::Available, "2026-03-01T10:00:00Z"); // queued offline, arrives late
    status(0, ChargePointStatus::Faulted, "2026-03-01T10:00:05.500Z");
    status(0, ChargePointStatus::Available, "2026-03-01T10:00:05Z"); // same second, half a second older
    auto c = charger();
    ASSERT_FALSE(c.charge_points.empty());
    EXPECT_EQ(c.charge_points[0].status, "Charging");
    EXPECT_EQ(c.charge_points[0].updated_at, "2026-03-01T10:00:10Z");
    EXPECT_EQ(c.status0, "Faulted");

    status(1, ChargePointStatus::Finishing, "2026-03-01T10:00:10Z"); // same time: the later arrival wins
    status(0, ChargePointStatus::Available, "2026-03-01T10:00:06Z");
    c = charger();
    EXPECT_EQ(c.charge_points[0].status, "Finishing");
    EXPECT_EQ(c.status0, "Available");
}

TEST_F(LateMessages, MeterSeriesAndSessionsFollowTheChargersTimestamps) {
    connect();
    // Today's session is open; a reading arrives, then an older one that was queued offline.
    const int today = start("2026-03-01T09:00:00Z", 1000);
    meter(today, "2026-03-01T09:20:00Z", 3000);
    meter(today, "2026-03-01T09:10:00.250Z", 2000);
    meter(today, "2026-03-01T09:10:00Z", 1500);
    const auto series = query<std::vector<cs::MeterSample>>(
        [today](store::Connection& db) { return cs::db::meter_values_of(db, today, 100); });
    ASSERT_TRUE(series);
    ASSERT_EQ(series->size(), 3u);
    EXPECT_EQ((*series)[0].value, 1500);
    EXPECT_EQ((*series)[1].value, 2000);
    EXPECT_EQ((*series)[2].value, 3000);

    // Yesterday's whole session was queued offline and arrives now.
    const int yesterday = start("2026-02-28T20:00:00Z", 500);
    meter(yesterday, "2026-02-28T20:30:00Z", 900);
    stop(yesterday, "2026-02-28T21:00:00Z", 1200);

    const auto sessions = query<std::vector<cs::Transaction>>(
        [](store::Connection& db) { return cs::db::list_transactions(db, "CB-1", 10); });
    ASSERT_TRUE(sessions);
    ASSERT_EQ(sessions->size(), 2u);
    EXPECT_EQ((*sessions)[0].id, today) << "newest start first, whatever arrived last";
    EXPECT_EQ((*sessions)[1].id, yesterday);

    auto data = query<cs::db::DashboardData>(
        [](store::Connection& db) { return cs::db::dashboard_data(db, "", "2026-03-01"); });
    ASSERT_TRUE(data);
    EXPECT_TRUE(data->today.empty()) << "yesterday's session does not count today";
    ASSERT_EQ(data->open.size(), 1u);
    EXPECT_EQ(data->open[0].meter_last, 3000) << "the newest reading, not the last to arrive";
    data = query<cs::db::DashboardData>(
        [](store::Connection& db) { return cs::db::dashboard_data(db, "", "2026-02-28"); });
    ASSERT_TRUE(data);
    ASSERT_EQ(data->today.size(), 1u);
    EXPECT_EQ(data->today[0].id, yesterday);
}

} // namespace
