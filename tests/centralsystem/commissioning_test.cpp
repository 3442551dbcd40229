// A planned charger is asked for its configuration when it connects; its details then carry what commissioning
// pre-fills. Real central system, ocpp-simulator as the charger (2 connectors, three-phase, 1 s meter interval).
#include <map>

#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

double sent_get_configuration(std::uint16_t port) {
    const auto r = ocppkit::test::http(port, "GET", "/metrics");
    const std::string key = "ocpp_calls_total{direction=\"sent\",action=\"GetConfiguration\",result=\"ok\"} ";
    const auto at = r.body.find(key);
    return at == std::string::npos ? 0 : std::stod(r.body.substr(at + key.size()));
}

TEST_F(CentralSystemBinary, PlannedChargerReportsWhatCommissioningPrefills) {
    create_charger("CONF000001", "conf-password-1");
    EXPECT_EQ(parse_json(api("GET", "/api/v1/chargers/CONF000001").body).HasMember("reported"), false);
    auto report = simulate("CONF", "conf-password-1", 3, false);
    ASSERT_TRUE(report.IsObject());
    EXPECT_EQ(report["calls_answered"]["GetConfiguration"].GetInt64(), 1);

    const auto c = parse_json(api("GET", "/api/v1/chargers/CONF000001").body);
    ASSERT_TRUE(c.IsObject() && c.HasMember("reported")) << api("GET", "/api/v1/chargers/CONF000001").body;
    const auto& reported = c["reported"];
    EXPECT_STRNE(reported["at"].GetString(), "");
    EXPECT_STREQ(reported["configuration"]["NumberOfConnectors"].GetString(), "2");
    EXPECT_STREQ(reported["configuration"]["ConnectorPhaseRotation"].GetString(), "0.RST");
    const auto& prefill = reported["prefill"];
    EXPECT_EQ(prefill["numberOfConnectors"].GetInt(), 2);
    EXPECT_EQ(prefill["meterValueSampleInterval"].GetInt(), 1);
    EXPECT_NE(std::string(prefill["meterValuesSampledData"].GetString()).find("Energy.Active.Import.Register"),
              std::string::npos);
    ASSERT_EQ(prefill["chargePoints"].Size(), 2u);
    EXPECT_EQ(prefill["chargePoints"][1]["connectorId"].GetInt(), 2);
    EXPECT_EQ(prefill["chargePoints"][1]["phases"].GetInt(), 3);
    EXPECT_EQ(sent_get_configuration(port_), 1);

    // Once operational, a reconnect is not asked again; what was reported stays.
    const auto r = api("POST", "/api/v1/chargers/CONF000001/commission",
                       R"({"address":{"street":"A 1","postalCode":"10115","city":"Berlin","country":"DE"},)"
                       R"("location":{"latitude":52.52,"longitude":13.4},"hotline":"+49 30 1",)"
                       R"("chargePoints":[{"connectorId":1,"maxCurrentA":32,"phases":3,"maxPowerKw":22}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    report = simulate("CONF", "conf-password-1", 2, false);
    ASSERT_TRUE(report.IsObject());
    EXPECT_EQ(report["boots"]["accepted"].GetInt64(), 1);
    // The one GetConfiguration more is the local-list sync asking its three keys (authlists/), not the whole list.
    EXPECT_EQ(report["calls_answered"]["GetConfiguration"].GetInt64(), 1);
    EXPECT_EQ(sent_get_configuration(port_), 2);
    EXPECT_TRUE(parse_json(api("GET", "/api/v1/chargers/CONF000001").body).HasMember("reported"));
}

} // namespace
