// `ocpp-simulator flow` options and the pieces of its requests, without sockets.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "simulator/flow/flow.hpp"
#include "simulator/flow/rest_steps.hpp"

namespace {

std::string error_of(const std::vector<std::string>& args) {
    auto r = sim::parse_flow_options(args);
    return r ? std::string("(accepted)") : r.error().message;
}

TEST(FlowOptions, DefaultsAndDerivedOcppUrl) {
    auto o = sim::parse_flow_options({"--central", "http://127.0.0.1:8180/", "--chargers", "25"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->central, "http://127.0.0.1:8180");
    EXPECT_EQ(o->ocpp_url, "ws://127.0.0.1:8180/ocpp");
    EXPECT_EQ(o->chargers, 25u);
    EXPECT_EQ(o->id_prefix, "FLOW");
    auto tls = sim::parse_flow_options({"--central=https://cs.example:443", "--api-token", "t0ken"});
    ASSERT_TRUE(tls) << tls.error().message;
    EXPECT_EQ(tls->ocpp_url, "wss://cs.example:443/ocpp");
    EXPECT_EQ(tls->api_token, "t0ken");
}

TEST(FlowOptions, EachBadValueNamesTheFlag) {
    EXPECT_NE(error_of({}).find("--central: required"), std::string::npos);
    EXPECT_NE(error_of({"--central", "ws://127.0.0.1:1"}).find("--central: the URL must start with http://"),
              std::string::npos);
    EXPECT_NE(error_of({"--central", "http://h:1", "--chargers", "0"}).find("--chargers: expected a whole number"),
              std::string::npos);
    EXPECT_NE(error_of({"--central", "http://h:1", "--chargers", "ten"}).find("got \"ten\""), std::string::npos);
    EXPECT_NE(error_of({"--central", "http://h:1", "--id-prefix", "A/B"}).find("--id-prefix: character 2 is \"/\""),
              std::string::npos);
    EXPECT_NE(error_of({"--central", "http://h:1", "--password", "short"}).find("--password: expected 8 to 40"),
              std::string::npos);
    EXPECT_NE(error_of({"--central", "http://h:1", "--evse-operator", "DEABC"}).find("like DE*ABC"), std::string::npos);
    EXPECT_NE(error_of({"--central", "http://h:1", "--chargerz", "1"}).find("--chargerz: unknown option"),
              std::string::npos);
    EXPECT_NE(error_of({"--central"}).find("--central: expected a value"), std::string::npos);
    EXPECT_NE(error_of({"--central", "http://h:1", "extra"}).find("unexpected argument \"extra\""), std::string::npos);
    EXPECT_NE(error_of({"--central", "http://h:1", "--claim-codes", "/nonexistent/codes.txt"})
                  .find("--claim-codes: cannot read \"/nonexistent/codes.txt\""),
              std::string::npos);
}

TEST(FlowOptions, ClaimCodesFileGivesTheChargerCount) {
    const std::string file = "/tmp/flow-claims-" + std::to_string(::getpid()) + ".txt";
    {
        std::ofstream out(file);
        out << "# codes from the tester\n7KQF-3M9X-TR,password-one\n\n9F9J-R4M7-8S,password-two\r\n";
    }
    auto o = sim::parse_flow_options({"--central", "http://h:1", "--claim-codes", file});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->chargers, 2u);
    ASSERT_EQ(o->claims.size(), 2u);
    EXPECT_EQ(o->claims[1].code, "9F9J-R4M7-8S");
    EXPECT_EQ(o->claims[1].password, "password-two");
    EXPECT_NE(error_of({"--central", "http://h:1", "--claim-codes", file, "--chargers", "3"})
                  .find("--chargers 3 needs as many claiming codes; " + file + " has 2"),
              std::string::npos);
    {
        std::ofstream out(file);
        out << "7KQF-3M9X-TR\n";
    }
    EXPECT_NE(error_of({"--central", "http://h:1", "--claim-codes", file}).find("has no password"), std::string::npos);
    EXPECT_TRUE(
        sim::parse_flow_options({"--central", "http://h:1", "--claim-codes", file, "--password", "pw-for-all"}));
    std::remove(file.c_str());
}

TEST(FlowOptions, ClaimCodeLinesAreChecked) {
    auto bad = sim::parse_claim_codes("7KQF-3M9X-TR,pw\n7KQF 3M9X,pw\n", "codes.txt");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("codes.txt:2: a claiming code has letters, digits and '-'"), std::string::npos)
        << bad.error().message;
    auto empty_pw = sim::parse_claim_codes("7KQF-3M9X-TR,\n", "codes.txt");
    ASSERT_FALSE(empty_pw);
    EXPECT_NE(empty_pw.error().message.find("codes.txt:1: empty password"), std::string::npos);
}

TEST(FlowRequests, BodiesAreValidJsonWithEvseIdsAndShortIdTags) {
    sim::FlowOptions o;
    o.connectors = 2;
    sim::flow::FlowCharger c;
    c.index = 7;
    c.id = "FLOW000007";
    c.password = "pw\"with-quote";
    rapidjson::Document d;
    d.Parse(sim::flow::create_body(o, c).c_str());
    ASSERT_TRUE(d.IsObject());
    EXPECT_STREQ(d["password"].GetString(), "pw\"with-quote");
    ASSERT_EQ(d["chargePoints"].Size(), 2u);
    EXPECT_STREQ(d["chargePoints"][1]["evseId"].GetString(), "DE*OKF*EFLOW000007*2");
    d.Parse(sim::flow::commission_body(o, c).c_str());
    ASSERT_TRUE(d.IsObject());
    EXPECT_STREQ(d["address"]["country"].GetString(), "DE");
    EXPECT_TRUE(d["location"]["latitude"].IsNumber());

    EXPECT_EQ(sim::flow::evse_id("DE*OKF", "a-very-long.charger_id:with*many-chars-0001", 1).size(),
              std::string("DE*OKF*E").size() + 27 + 2);
    EXPECT_EQ(sim::flow::id_tag_for("FLOW000007"), "FLOW000007");
    const auto tag = sim::flow::id_tag_for("A-CHARGER-ID-LONGER-THAN-TWENTY");
    EXPECT_LE(tag.size(), 20u);
    EXPECT_EQ(tag, sim::flow::id_tag_for("A-CHARGER-ID-LONGER-THAN-TWENTY"));
}

} // namespace
