// Load management against what one charger may send: a replayed StartTransaction is no new session, a connector
// holds one session at a time and only commissioned connectors take part, and only plausible metered power counts.
// The real ocpp-centralsystem with chargers the test controls.
#include "tests/centralsystem/controlled_charger.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;
using Answer = ControlledCharger::Answer;

std::string start_payload(int connector, const std::string& ts) {
    return R"({"connectorId":)" + std::to_string(connector) +
           R"(,"idTag":"SIM-TAG-1","meterStart":1000,"timestamp":")" + ts + R"("})";
}

class SitesCharger : public CentralSystemBinary {
protected:
    // Commissioned chargers (one connector, 32 A) on a new 40 A site (fail-safe 8 A).
    void make_site(const std::vector<std::string>& ids) {
        std::string list;
        for (const auto& id : ids) {
            create_charger(id, "password-of-" + id);
            commission_charger(id);
            list += std::string(list.empty() ? "" : ",") + "\"" + id + "\"";
        }
        const auto r = api("POST", "/api/v1/sites",
                           R"({"name":"Depot )" + ids[0] +
                               R"(","limit":40,"minSessionCurrent":6,"failsafeCurrent":8,"chargers":[)" + list + "]}");
        EXPECT_EQ(r.status, 201) << r.body;
        site_ = parse_json(r.body)["id"].GetInt64();
    }
    // The charger connected and booted, answering every SetChargingProfile with this status.
    std::unique_ptr<ControlledCharger> connect(const std::string& id, const std::string& status = "Accepted") {
        auto c = std::make_unique<ControlledCharger>(port_, id, "password-of-" + id);
        c->answer("SetChargingProfile", {Answer::Result, R"({"status":")" + status + R"("})", ""});
        EXPECT_TRUE(c->start()) << c->error();
        return c;
    }
    // One charger alone on a new site, connected.
    std::unique_ptr<ControlledCharger> on_site(const std::string& id) {
        make_site({id});
        return connect(id);
    }
    std::int64_t started(ControlledCharger& c, int connector, const std::string& ts) {
        const auto a = c.send("StartTransaction", start_payload(connector, ts));
        EXPECT_TRUE(a.result) << a.error_code;
        return parse_json(a.payload)["transactionId"].GetInt64();
    }
    std::string live_text() { return api("GET", "/api/v1/sites/" + std::to_string(site_)).body; }
    rapidjson::Document live() {
        auto d = parse_json(live_text());
        rapidjson::Document out;
        out.CopyFrom(d["live"], out.GetAllocator());
        return out;
    }
    // The live entry of one charger's session, or of the charger itself, as a value of one field.
    std::string session_field(const std::string& charger, const char* field) {
        auto l = live();
        for (const auto& x : l["sessions"].GetArray()) {
            if (charger == x["chargeBoxId"].GetString()) {
                return x[field].IsString() ? x[field].GetString()
                       : x[field].IsNull() ? "null"
                                           : std::to_string(x[field].GetDouble());
            }
        }
        return "";
    }
    std::string failsafe_of(const std::string& charger) {
        auto l = live();
        for (const auto& x : l["chargers"].GetArray()) {
            if (charger == x["chargeBoxId"].GetString()) {
                return x["failsafe"].GetString();
            }
        }
        return "";
    }
    std::int64_t site_ = 0;
};

TEST_F(SitesCharger, AStartReplayedAfterItsStopIsNoNewSession) {
    auto c = on_site("LMR000001");
    const auto tx = started(*c, 1, "2026-03-01T10:00:00Z");
    ASSERT_EQ(live()["sessions"].Size(), 1u);
    const auto stopped = c->send("StopTransaction", R"({"transactionId":)" + std::to_string(tx) +
                                                        R"(,"meterStop":2000,"timestamp":"2026-03-01T10:05:00Z"})");
    ASSERT_TRUE(stopped.result) << stopped.error_code;
    ASSERT_EQ(live()["sessions"].Size(), 0u);
    // The charger replays its offline queue: the start gets its first id again and must not hold a share.
    EXPECT_EQ(started(*c, 1, "2026-03-01T10:00:00Z"), tx);
    EXPECT_EQ(live()["sessions"].Size(), 0u);
}

TEST_F(SitesCharger, AConnectorHoldsOneSessionAndUnregisteredConnectorsTakeNoShare) {
    auto c = on_site("LMC000001");
    started(*c, 1, "2026-03-01T10:00:00Z");
    // The charger starts again on the same connector (its stop was lost): the new session replaces the old one.
    const auto second = started(*c, 1, "2026-03-01T11:00:00Z");
    auto l = live();
    ASSERT_EQ(l["sessions"].Size(), 1u);
    EXPECT_EQ(l["sessions"][0]["transactionId"].GetInt64(), second);
    // Connectors the charger was not registered with are left out of the sharing.
    for (int connector : {2, 7, 1000}) {
        started(*c, connector, "2026-03-01T12:00:00Z");
    }
    l = live();
    ASSERT_EQ(l["sessions"].Size(), 1u);
    EXPECT_EQ(l["sessions"][0]["transactionId"].GetInt64(), second);
}

TEST_F(SitesCharger, ALimitLeftUnansweredStaysReservedWhenItsChargerIsGone) {
    make_site({"LMU000001", "LMU000002"});
    auto a = connect("LMU000001");
    auto b = connect("LMU000002");
    ASSERT_TRUE(wait_until([&] { return failsafe_of("LMU000001") == "installed"; }, 10s)) << live_text();
    // A closes its connection on its TxProfile of 32 A instead of answering: the 32 A may be in force.
    a->answer("SetChargingProfile", {Answer::Close, "", ""});
    started(*a, 1, "2026-03-01T10:00:00Z");
    ASSERT_TRUE(wait_until([&] { return session_field("LMU000001", "state") == "offline"; }, 10s)) << live_text();
    // B gets what is left of the 40 A beside those 32 A.
    started(*b, 1, "2026-03-01T10:01:00Z");
    ASSERT_TRUE(wait_until([&] { return session_field("LMU000002", "state") == "ok"; }, 10s)) << live_text();
    EXPECT_EQ(session_field("LMU000002", "targetA"), std::to_string(8.0)) << live_text();
}

TEST_F(SitesCharger, ASessionWithoutAnInstalledFailsafeIsCountedAtItsMaximum) {
    make_site({"LMF000001", "LMF000002"});
    // A refuses every profile: its fail-safe is not in force, so its session may draw its 32 A.
    auto a = connect("LMF000001", "Rejected");
    auto b = connect("LMF000002");
    ASSERT_TRUE(wait_until([&] { return failsafe_of("LMF000001") == "failed"; }, 10s)) << live_text();
    started(*a, 1, "2026-03-01T10:00:00Z");
    ASSERT_TRUE(wait_until([&] { return session_field("LMF000001", "state") == "failed"; }, 10s)) << live_text();
    a->close();
    ASSERT_TRUE(wait_until([&] { return session_field("LMF000001", "state") == "offline"; }, 10s)) << live_text();
    started(*b, 1, "2026-03-01T10:01:00Z");
    ASSERT_TRUE(wait_until([&] { return session_field("LMF000002", "state") == "ok"; }, 10s)) << live_text();
    EXPECT_EQ(session_field("LMF000002", "targetA"), std::to_string(8.0)) << live_text();
}

TEST_F(SitesCharger, OnlyPlausiblePowerReadingsCount) {
    auto c = on_site("LMP000001");
    const auto tx = started(*c, 1, "2026-03-01T10:00:00Z");
    const auto power = [&](const std::string& value) {
        const auto a = c->send("MeterValues", R"({"connectorId":1,"transactionId":)" + std::to_string(tx) +
                                                  R"(,"meterValue":[{"timestamp":"2026-03-01T10:01:00Z",)"
                                                  R"("sampledValue":[{"value":")" +
                                                  value + R"(","measurand":"Power.Active.Import","unit":"W"}]}]})");
        EXPECT_TRUE(a.result) << a.error_code;
        return session_field("LMP000001", "powerW");
    };
    // 32 A x 230 V x 3 phases x 2 = 44,160 W at most.
    for (const char* forged : {"-5000", "1e12", "inf", "-inf", "44161"}) {
        EXPECT_EQ(power(forged), "null") << forged;
    }
    EXPECT_EQ(power("7000"), std::to_string(7000.0));
    EXPECT_EQ(power("-1"), std::to_string(7000.0)) << "a forged reading leaves the last real one";
    const auto l = live();
    EXPECT_LE(l["peakPowerW"].GetDouble(), 7000.0) << live_text();
}

} // namespace
