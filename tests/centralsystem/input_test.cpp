// REST input checks and command-line parsing.
#include <gtest/gtest.h>

#include "centralsystem/api/routes.hpp"
#include "centralsystem/options.hpp"

namespace {

using namespace cs;

TEST(EvseId, Normalizes) {
    EXPECT_EQ(api::normalize_evse_id("de*abc*e123456*1").value_or(""), "DE*ABC*E123456*1");
    EXPECT_EQ(api::normalize_evse_id("DEABCE123456").value_or(""), "DEABCE123456");
    EXPECT_FALSE(api::normalize_evse_id("DE*ABC*123"));
    EXPECT_FALSE(api::normalize_evse_id("D*ABC*E1"));
    EXPECT_FALSE(api::normalize_evse_id("DE*ABC*E"));
    EXPECT_FALSE(api::normalize_evse_id("DE*ABC*E1/2"));
}

rapidjson::Document json(const char* text) {
    rapidjson::Document d;
    d.Parse(text);
    return d;
}

TEST(NewCharger, NamesTheField) {
    auto r = api::parse_new_charger(json(R"({"chargeBoxId":"CB 1"})"));
    ASSERT_TRUE(std::holds_alternative<api::Problem>(r));
    EXPECT_EQ(std::get<api::Problem>(r).field, "chargeBoxId");
    r = api::parse_new_charger(json(R"({"chargeBoxId":"CB-1","chargePoints":[{"connectorId":1,"evseId":"DE*A"}]})"));
    EXPECT_EQ(std::get<api::Problem>(r).field, "chargePoints/0/evseId");
    r = api::parse_new_charger(
        json(R"({"chargeBoxId":"CB-1","chargePoints":[{"connectorId":1,"evseId":"DE*ABC*E1","powerType":"AC"}]})"));
    EXPECT_EQ(std::get<api::Problem>(r).field, "chargePoints/0/powerType");
    r = api::parse_new_charger(json(R"({"claimCode":"7KQF-3M9X-TR","chargeBoxId":"CB-1"})"));
    EXPECT_EQ(std::get<api::Problem>(r).field, "chargeBoxId");
    r = api::parse_new_charger(json(R"({"chargeBoxId":"CB-1","colour":"red"})"));
    EXPECT_EQ(std::get<api::Problem>(r).field, "colour");
    r = api::parse_new_charger(json(R"({"chargeBoxId":"CB-1","password":"secret-1234"})"));
    ASSERT_TRUE(std::holds_alternative<api::NewCharger>(r));
}

TEST(Commission, ChecksRanges) {
    const char* base = R"({"address":{"street":"A 1","postalCode":"1","city":"B","country":"DE"},
                          "location":{"latitude":%s,"longitude":13.4},"hotline":"+49"})";
    char buf[512];
    std::snprintf(buf, sizeof buf, base, "91");
    auto r = api::parse_commission(json(buf));
    ASSERT_TRUE(std::holds_alternative<api::Problem>(r));
    EXPECT_EQ(std::get<api::Problem>(r).field, "location/latitude");
    std::snprintf(buf, sizeof buf, base, "52.5");
    EXPECT_TRUE(std::holds_alternative<Commission>(api::parse_commission(json(buf))));
}

TEST(Patch, IdentityIsImmutable) {
    auto r = api::parse_patch(json(R"({"chargeBoxId":"OTHER"})"));
    ASSERT_TRUE(std::holds_alternative<api::Problem>(r));
    EXPECT_EQ(std::get<api::Problem>(r).status, 422);
    EXPECT_EQ(std::get<api::Problem>(r).field, "chargeBoxId");
}

ocpp::Result<Options> parse(std::vector<std::string> args) {
    std::vector<char*> argv{const_cast<char*>("ocpp-centralsystem")};
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(Options, ClearErrors) {
    EXPECT_TRUE(parse({"--db", "postgresql://ocpp@127.0.0.1:5432/ocppkit"}));
    const auto scheme = parse({"--db", "mysql://u:secret@h/db"}).error().message;
    EXPECT_NE(scheme.find("--db"), std::string::npos) << scheme;
    EXPECT_NE(scheme.find("postgresql://"), std::string::npos) << "names the URL forms it takes: " << scheme;
    EXPECT_EQ(scheme.find("secret"), std::string::npos) << "never the password: " << scheme;
    const auto bad = parse({"--db", "postgresql://u:secret@h/db?sslmode=maybe&nonsense=1"}).error().message;
    EXPECT_NE(bad.find("--db"), std::string::npos) << bad;
    EXPECT_NE(bad.find("nonsense"), std::string::npos) << "names the bad part: " << bad;
    EXPECT_EQ(bad.find("secret"), std::string::npos) << "never the password: " << bad;
    EXPECT_NE(parse({"--listen", "nope"}).error().message.find("HOST:PORT"), std::string::npos);
    EXPECT_NE(parse({"--heartbeat-interval", "0"}).error().message.find("1 to 86400"), std::string::npos);
    EXPECT_NE(
        parse({"--call-timeout", "3601"}).error().message.find("--call-timeout takes a whole number from 1 to 3600"),
        std::string::npos);
    EXPECT_EQ(parse({}).value().call_timeout, 30);
    EXPECT_EQ(parse({"--call-timeout", "2"}).value().call_timeout, 2);
    EXPECT_NE(parse({"--tls-cert", "a.pem"}).error().message.find("go together"), std::string::npos);
    EXPECT_NE(parse({"--frobnicate"}).error().message.find("unknown option"), std::string::npos);
    auto ok = parse({"--listen", "0.0.0.0:9000", "--auto-register", "--db", "sqlite:/tmp/x.db"});
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->port, 9000);
    EXPECT_TRUE(ok->auto_register);
}

} // namespace

namespace {

using namespace cs;

std::string price_problem(const char* body) {
    rapidjson::Document d;
    d.Parse(body);
    auto r = api::parse_price_set(d);
    return std::holds_alternative<api::Problem>(r) ? std::get<api::Problem>(r).field : std::string("<none>");
}

TEST(PriceSetInput, NamesTheField) {
    EXPECT_EQ(price_problem(R"({"currency":"eur","perKwh":0.39,"validFrom":"2026-01-01T00:00:00Z"})"), "currency");
    EXPECT_EQ(price_problem(R"({"currency":"EURO","perKwh":0.39,"validFrom":"2026-01-01T00:00:00Z"})"), "currency");
    EXPECT_EQ(price_problem(R"({"perKwh":0.39,"validFrom":"2026-01-01T00:00:00Z"})"), "currency");
    EXPECT_EQ(price_problem(R"({"currency":"EUR","perKwh":-1,"validFrom":"2026-01-01T00:00:00Z"})"), "perKwh");
    EXPECT_EQ(price_problem(R"({"currency":"EUR","perKwh":0.39,"validFrom":"yesterday"})"), "validFrom");
    EXPECT_EQ(
        price_problem(R"({"currency":"EUR","validFrom":"2026-02-01T00:00:00Z","validTo":"2026-01-01T00:00:00Z"})"),
        "validTo");
    EXPECT_EQ(
        price_problem(R"({"currency":"EUR","validFrom":"2026-02-01T00:00:00Z","validTo":"2026-02-01T00:00:00Z"})"),
        "validTo");
    EXPECT_EQ(price_problem(R"({"currency":"EUR","connectorId":0,"validFrom":"2026-01-01T00:00:00Z"})"), "connectorId");
    EXPECT_EQ(price_problem(R"({"currency":"EUR","validFrom":"2026-01-01T00:00:00Z","perkwh":1})"), "perkwh");
}

TEST(PriceSetInput, Accepts) {
    rapidjson::Document d;
    d.Parse(R"({"connectorId":2,"currency":"EUR","perKwh":0.39,"perSession":1,"validFrom":"2026-01-01T01:00:00+01:00",
                "validTo":null})");
    auto r = api::parse_price_set(d);
    ASSERT_TRUE(std::holds_alternative<PriceSet>(r));
    const auto& p = std::get<PriceSet>(r);
    EXPECT_EQ(p.connector_id.value_or(0), 2);
    EXPECT_EQ(p.valid_from, "2026-01-01T00:00:00Z"); // normalized to UTC
    EXPECT_FALSE(p.valid_to);
    EXPECT_DOUBLE_EQ(p.per_kwh, 0.39);
    EXPECT_DOUBLE_EQ(p.per_minute, 0.0);
}

} // namespace
