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
    // A commissioned charger (one connector, 32 A) on a new 40 A site, connected and accepting every profile.
    std::unique_ptr<ControlledCharger> on_site(const std::string& id) {
        create_charger(id, "password-of-" + id);
        commission_charger(id);
        const auto r =
            api("POST", "/api/v1/sites",
                R"({"name":"Depot )" + id + R"(","limit":40,"minSessionCurrent":6,"failsafeCurrent":8,"chargers":[")" +
                    id + R"("]})");
        EXPECT_EQ(r.status, 201) << r.body;
        site_ = parse_json(r.body)["id"].GetInt64();
        auto c = std::make_unique<ControlledCharger>(port_, id, "password-of-" + id);
        c->answer("SetChargingProfile", {Answer::Result, R"({"status":"Accepted"})", ""});
        EXPECT_TRUE(c->start()) << c->error();
        return c;
    }
    std::int64_t started(ControlledCharger& c, int connector, const std::string& ts) {
        const auto a = c.send("StartTransaction", start_payload(connector, ts));
        EXPECT_TRUE(a.result) << a.error_code;
        return parse_json(a.payload)["transactionId"].GetInt64();
    }
    rapidjson::Document live() {
        const auto r = api("GET", "/api/v1/sites/" + std::to_string(site_));
        EXPECT_EQ(r.status, 200) << r.body;
        auto d = parse_json(r.body);
        rapidjson::Document out;
        out.CopyFrom(d["live"], out.GetAllocator());
        return out;
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

} // namespace
