// What commissioning pre-fills from a charger's GetConfiguration answer.
#include <gtest/gtest.h>

#include "centralsystem/protocol/reported_config.hpp"

namespace {

using Keys = std::vector<std::pair<std::string, std::string>>;

TEST(ReportedConfig, StandardKeysFillConnectorsPhasesAndMeterSettings) {
    const auto p =
        cs::derive_prefill(Keys{{"NumberOfConnectors", "2"},
                                {"ConnectorPhaseRotation", "0.RST, 2.NotApplicable"},
                                {"MeterValueSampleInterval", "60"},
                                {"MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import"},
                                {"maxchargingcurrent", "32"}});
    ASSERT_EQ(p.number_of_connectors, 2);
    EXPECT_EQ(p.meter_value_sample_interval, 60);
    EXPECT_EQ(p.meter_values_sampled_data, "Energy.Active.Import.Register,Power.Active.Import");
    ASSERT_EQ(p.charge_points.size(), 2u);
    EXPECT_EQ(p.charge_points[0].connector_id, 1);
    EXPECT_EQ(p.charge_points[0].phases, 3) << "connector 0 speaks for all";
    EXPECT_EQ(p.charge_points[0].max_current_a, 32.0);
    EXPECT_EQ(p.charge_points[1].phases, std::nullopt) << "NotApplicable says nothing about the phases";
    EXPECT_EQ(p.charge_points[1].max_current_a, 32.0);
}

TEST(ReportedConfig, NonsenseValuesFillNothing) {
    const auto p = cs::derive_prefill(Keys{{"NumberOfConnectors", "two"},
                                           {"MeterValueSampleInterval", "-5"},
                                           {"MaxCurrent", "99999"},
                                           {"ConnectorPhaseRotation", "x.RST,1.XYZ"}});
    EXPECT_EQ(p.number_of_connectors, std::nullopt);
    EXPECT_EQ(p.meter_value_sample_interval, std::nullopt);
    EXPECT_TRUE(p.charge_points.empty());
    EXPECT_TRUE(cs::derive_prefill({}).charge_points.empty());
}

TEST(ReportedConfig, KeysAreSortedDeduplicatedAndBounded) {
    std::vector<ocpp::v16::KeyValue> kv;
    kv.push_back({"B", true, std::string("2")});
    kv.push_back({"A", false, std::nullopt});
    kv.push_back({"B", false, std::string("3")});
    const auto rc = cs::reported_config_of(kv, "2026-01-01T00:00:00Z");
    ASSERT_EQ(rc.keys.size(), 2u);
    EXPECT_EQ(rc.keys[0], (std::pair<std::string, std::string>{"A", ""}));
    EXPECT_EQ(rc.keys[1].first, "B");
    std::vector<ocpp::v16::KeyValue> many(cs::kMaxReportedKeys + 10);
    for (std::size_t i = 0; i < many.size(); ++i) {
        many[i].key = "K" + std::to_string(i);
    }
    EXPECT_EQ(cs::reported_config_of(many, "").keys.size(), cs::kMaxReportedKeys);
}

} // namespace
