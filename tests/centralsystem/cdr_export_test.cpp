// The billing exports built from a page of sessions: the CSV neutralises every cell a spreadsheet would run as a
// formula, and the OCPI export leaves out the sessions that cannot be valid CDRs (no price, no EVSE ID), counting them.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "centralsystem/api/sessions/sessions.hpp"

namespace {

cs::db::SessionRow row(std::int64_t id, const std::string& charger, const std::string& id_tag,
                       std::optional<std::string> evse_id) {
    cs::db::SessionRow r;
    r.tx.id = id;
    r.tx.chargebox_id = charger;
    r.tx.connector_id = 1;
    r.tx.id_tag = id_tag;
    r.tx.meter_start = 1000;
    r.tx.meter_stop = 8500;
    r.tx.start_ts = "2026-11-02T10:00:00Z";
    r.tx.stop_ts = "2026-11-02T11:00:00Z";
    r.provider = "acme";
    r.address = cs::Address{"Invalidenstraße 1", "10115", "Berlin", "DE"};
    r.latitude = 52.53;
    r.longitude = 13.38;
    r.evse_id = std::move(evse_id);
    return r;
}

cs::db::SessionPage page() {
    cs::db::SessionPage p;
    p.rows.push_back(row(1, "PRICED", "=HYPERLINK(\"x\")", "DE*ABC*E1*1"));
    p.rows.push_back(row(2, "PRICED", "\tTAB", std::nullopt)); // no EVSE ID
    p.rows.push_back(row(3, "FREE", "\rCR", "DE*ABC*E2*1"));   // its charger has no price set
    p.rows.push_back(row(4, "PRICED", "-1+2", "DE*ABC*E1*1"));
    cs::PriceSet euro;
    euro.id = 7;
    euro.chargebox_id = "PRICED";
    euro.currency = "EUR";
    euro.per_kwh = 0.4;
    euro.per_session = 1;
    euro.valid_from = "2026-01-01T00:00:00Z";
    p.prices["PRICED"] = {euro};
    return p;
}

TEST(CdrExport, CsvCellsThatASpreadsheetWouldRunAreNeutralised) {
    const std::string csv = cs::api::sessions_csv(page());
    EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"x\"\")\","), std::string::npos) << csv;
    EXPECT_NE(csv.find(",'\tTAB,"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",\"'\rCR\","), std::string::npos) << csv;
    EXPECT_NE(csv.find(",'-1+2,"), std::string::npos) << csv;
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5) << "the header and every session, priced or not";
}

TEST(CdrExport, SessionsWithoutAPriceOrAnEvseIdAreLeftOutOfTheCdrsAndCounted) {
    std::size_t left_out = 99;
    const std::string json = cs::api::sessions_cdr_json(page(), left_out);
    EXPECT_EQ(left_out, 2u);
    rapidjson::Document d;
    ASSERT_FALSE(d.Parse(json.c_str()).HasParseError()) << json;
    ASSERT_TRUE(d.IsArray());
    ASSERT_EQ(d.Size(), 2u);
    for (const auto& cdr : d.GetArray()) {
        EXPECT_STREQ(cdr["currency"].GetString(), "EUR");
        EXPECT_STREQ(cdr["party_id"].GetString(), "ABC");
        EXPECT_STREQ(cdr["cdr_location"]["evse_id"].GetString(), "DE*ABC*E1*1");
        EXPECT_STREQ(cdr["charging_periods"][0]["tariff_id"].GetString(), "7");
        // 1 EUR a session + 7.5 kWh at 0.40 EUR.
        EXPECT_DOUBLE_EQ(cdr["total_cost"]["excl_vat"].GetDouble(), 4.0);
    }
    EXPECT_STREQ(d[0]["id"].GetString(), "1");
    EXPECT_STREQ(d[1]["id"].GetString(), "4");
}

} // namespace
