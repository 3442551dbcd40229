// Price sets through the REST API of the real binary: replace and delete, with their checks.
#include <gtest/gtest.h>

#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

class PriceSetApi : public CentralSystemBinary {};

TEST_F(PriceSetApi, ReplaceAndDeleteWithChecks) {
    ASSERT_EQ(csv("chargeBoxId,connectorId,evseId\nPRICE-1,1,DE*ABC*E5001*1\n").status, 201);
    const auto added = api("POST", "/api/v1/chargers/PRICE-1/prices",
                           R"({"currency":"EUR","perKwh":0.39,"validFrom":"2030-01-01T00:00:00Z"})");
    ASSERT_EQ(added.status, 201) << added.body;
    const std::int64_t id = parse_json(added.body)["priceSet"]["id"].GetInt64();
    const std::string path = "/api/v1/chargers/PRICE-1/prices/" + std::to_string(id);

    const auto put = api("PUT", path,
                         R"({"connectorId":1,"currency":"EUR","perKwh":0.45,"perMinute":0.05,)"
                         R"("validFrom":"2030-01-01T00:00:00+01:00","validTo":"2031-01-01T00:00:00Z"})");
    ASSERT_EQ(put.status, 200) << put.body;
    const auto set = parse_json(put.body);
    EXPECT_EQ(set["priceSet"]["id"].GetInt64(), id);
    EXPECT_DOUBLE_EQ(set["priceSet"]["perKwh"].GetDouble(), 0.45);
    EXPECT_DOUBLE_EQ(set["priceSet"]["perSession"].GetDouble(), 0); // PUT replaces: absent means 0
    EXPECT_STREQ(set["priceSet"]["validFrom"].GetString(), "2029-12-31T23:00:00Z");
    EXPECT_EQ(set["priceSet"]["connectorId"].GetInt(), 1);

    struct BadPrice {
        const char* body;
        int status;
        const char* field;
    };
    for (const BadPrice& bad :
         {BadPrice{R"({"currency":"euro","validFrom":"2030-01-01T00:00:00Z"})", 422, "currency"},
          BadPrice{R"({"currency":"EUR","validFrom":"2030-01-01T00:00:00Z","perKwh":-1})", 422, "perKwh"},
          BadPrice{R"({"currency":"EUR","validFrom":"2030-01-01T00:00:00Z",)"
                   R"("validTo":"2029-01-01T00:00:00Z"})",
                   422, "validTo"},
          BadPrice{R"({"currency":"EUR","validFrom":"2030-01-01T00:00:00Z","connectorId":9})", 422, "connectorId"},
          BadPrice{R"({"currency":"EUR","validFrom":"2030-01-01T00:00:00Z","colour":1})", 422, "colour"},
          BadPrice{R"({"currency":"EUR",)", 400, "body"}}) {
        const auto r = api("PUT", path, bad.body);
        EXPECT_EQ(r.status, bad.status) << bad.body << " -> " << r.body;
        EXPECT_NE(r.body.find(std::string("\"field\":\"") + bad.field + "\""), std::string::npos) << r.body;
    }
    const auto unknown =
        api("PUT", "/api/v1/chargers/PRICE-1/prices/99999", R"({"currency":"EUR","validFrom":"2030-01-01T00:00:00Z"})");
    EXPECT_EQ(unknown.status, 404) << unknown.body;
    EXPECT_NE(unknown.body.find("\"field\":\"priceSetId\""), std::string::npos);
    EXPECT_EQ(api("DELETE", "/api/v1/chargers/PRICE-1/prices/abc").status, 404);
    EXPECT_EQ(api("DELETE", "/api/v1/chargers/NOBODY/prices/" + std::to_string(id)).status, 404);
    EXPECT_EQ(api("PATCH", path, "{}").status, 405);
    // Nothing of the refused changes was stored.
    const auto list = parse_json(api("GET", "/api/v1/chargers/PRICE-1/prices").body);
    ASSERT_EQ(list["priceSets"].Size(), 1u);
    EXPECT_DOUBLE_EQ(list["priceSets"][0]["perKwh"].GetDouble(), 0.45);

    EXPECT_EQ(api("DELETE", path).status, 204);
    EXPECT_EQ(api("DELETE", path).status, 404);
    EXPECT_EQ(parse_json(api("GET", "/api/v1/chargers/PRICE-1/prices").body)["priceSets"].Size(), 0u);
}

} // namespace
