// /api/v1/sites against the real binary: create, read, replace and delete a site with its chargers; every bad input
// is a 4xx naming the field, and afterwards the stored sites read back exactly as before; a charger belongs to at
// most one site; the composite-schedule endpoint checks its input and answers 409 for a charger not connected.
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

struct Bad {
    std::string method, target, body;
    int status;
    std::string field, words;
};

const std::string S = "/api/v1/sites";

std::string site(const std::string& members) {
    return R"({"name":"Yard","limit":63)" + (members.empty() ? "" : "," + members) + "}";
}

std::vector<Bad> cases(const std::string& one) {
    std::string many_periods, many_chargers;
    for (int i = 0; i < 49; ++i) {
        char hhmm[8];
        std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", i / 3, (i % 3) * 10);
        many_periods += std::string(i ? "," : "") + R"({"start":")" + hhmm + R"(","limit":10})";
    }
    return {
        {"POST", S, "{", 400, "body", "not valid JSON"},
        {"POST", S, "[]", 400, "body", "must be a JSON object"},
        {"POST", S, R"({"limit":63})", 422, "name", "is required"},
        {"POST", S, R"({"name":5,"limit":63})", 422, "name", "must be a string"},
        {"POST", S, R"({"name":")" + std::string(101, 'n') + R"(","limit":63})", 422, "name", "at most 100"},
        {"POST", S, R"({"name":"Yard"})", 422, "limit", "is required"},
        {"POST", S, R"({"name":"Yard","limit":"63"})", 422, "limit", "must be a number"},
        {"POST", S, R"({"name":"Yard","limit":-1})", 422, "limit", "must be from"},
        {"POST", S, R"({"name":"Yard","limit":1e9})", 422, "limit", "must be from"},
        {"POST", S, site(R"("unit":"MW")"), 422, "unit", "\"A\""},
        {"POST", S, site(R"("phases":2.5)"), 422, "phases", "whole number"},
        {"POST", S, site(R"("phases":4)"), 422, "phases", "whole number"},
        {"POST", S, site(R"("voltage":50)"), 422, "voltage", "must be from"},
        {"POST", S, site(R"("minSessionCurrent":100)"), 422, "minSessionCurrent", "must be from"},
        {"POST", S, site(R"("failsafeCurrent":-2)"), 422, "failsafeCurrent", "must be from"},
        {"POST", S, site(R"("colour":"red")"), 422, "colour", "unknown field"},
        {"POST", S, site(R"("schedule":{})"), 422, "schedule", "must be an array"},
        {"POST", S, site(R"("schedule":[5])"), 422, "schedule/0", "must be an object"},
        {"POST", S, site(R"("schedule":[{"limit":5}])"), 422, "schedule/0/start", "is required"},
        {"POST", S, site(R"("schedule":[{"start":"25:00","limit":5}])"), 422, "schedule/0/start", "HH:MM"},
        {"POST", S, site(R"("schedule":[{"start":"7:00","limit":5}])"), 422, "schedule/0/start", "HH:MM"},
        {"POST", S, site(R"("schedule":[{"start":"07:00"}])"), 422, "schedule/0/limit", "is required"},
        {"POST", S, site(R"("schedule":[{"start":"07:00","limit":5,"x":1}])"), 422, "schedule/0/x", "unknown"},
        {"POST", S, site(R"("schedule":[{"start":"07:00","limit":5},{"start":"06:00","limit":5}])"), 422,
         "schedule/1/start", "ascending"},
        {"POST", S, site(R"("schedule":[)" + many_periods + "]"), 422, "schedule", "at most 48"},
        {"POST", S, site(R"("chargers":"SITEA01")"), 422, "chargers", "must be an array"},
        {"POST", S, site(R"("chargers":[7])"), 422, "chargers/0", "Chargebox ID"},
        {"POST", S, site(R"("chargers":["bad id"])"), 422, "chargers/0", "chargers/0"},
        {"POST", S, site(R"("chargers":["SITEB02","SITEB02"])"), 422, "chargers/1", "twice"},
        {"POST", S, site(R"("chargers":["NOBODY"])"), 422, "chargers/0", "no charger"},
        {"POST", S, R"({"name":"Depot 2","limit":63,"chargers":["SITEA01"]})", 409, "chargers/0", "belongs to site"},
        {"POST", S, R"({"name":"Depot","limit":10})", 409, "name", "named so already"},
        {"PUT", S + "/" + one, R"({"name":"Yard","limit":-5})", 422, "limit", "must be from"},
        {"PUT", S + "/" + one, site(R"("chargers":["NOBODY"])"), 422, "chargers/0", "no charger"},
        {"PUT", S + "/999", site(""), 404, "siteId", "no site"},
        {"PUT", S + "/abc", site(""), 404, "siteId", "no site"},
        {"GET", S + "/999", "", 404, "siteId", "no site"},
        {"DELETE", S + "/0", "", 404, "siteId", "no site"},
        {"GET", "/api/v1/chargers/SITEA01/connectors/x/composite-schedule", "", 422, "connectorId", "whole number"},
        {"GET", "/api/v1/chargers/SITEA01/connectors/1/composite-schedule?duration=0", "", 422, "duration", "seconds"},
        {"GET", "/api/v1/chargers/SITEA01/connectors/1/composite-schedule?unit=kW", "", 422, "unit", "A or W"},
        {"GET", "/api/v1/chargers/SITEA01/connectors/1/composite-schedule", "", 409, "chargeBoxId", "not connected"},
    };
}

class SitesApi : public CentralSystemBinary {};

TEST_F(SitesApi, CreateReadReplaceDelete) {
    create_charger("SITEA01", "site-password-1");
    create_charger("SITEB02", "site-password-1");
    auto made = api("POST", S,
                    R"({"name":"Depot","unit":"kW","limit":44,"phases":3,"voltage":230,"minSessionCurrent":6,)"
                    R"("failsafeCurrent":10,"schedule":[{"start":"07:00","limit":22},{"start":"19:00","limit":44}],)"
                    R"("chargers":["SITEA01"]})");
    ASSERT_EQ(made.status, 201) << made.body;
    auto d = parse_json(made.body);
    const std::string id = std::to_string(d["id"].GetInt64());
    EXPECT_STREQ(d["unit"].GetString(), "kW");
    EXPECT_EQ(d["schedule"].Size(), 2u);
    EXPECT_STREQ(d["schedule"][1]["start"].GetString(), "19:00");
    ASSERT_EQ(d["chargers"].Size(), 1u);
    EXPECT_TRUE(d.HasMember("live"));
    const double now_a = d["live"]["limitNowA"].GetDouble();
    EXPECT_TRUE(std::abs(now_a - 22000.0 / 690) < 0.01 || std::abs(now_a - 44000.0 / 690) < 0.01) << now_a;

    auto put = api("PUT", S + "/" + id, R"({"name":"Depot","limit":32,"chargers":["SITEA01","SITEB02"]})");
    ASSERT_EQ(put.status, 200) << put.body;
    d = parse_json(put.body);
    EXPECT_STREQ(d["unit"].GetString(), "A");
    EXPECT_EQ(d["chargers"].Size(), 2u);
    // Without "chargers" a PUT leaves them.
    ASSERT_EQ(api("PUT", S + "/" + id, R"({"name":"Depot","limit":40})").status, 200);
    EXPECT_EQ(parse_json(api("GET", S + "/" + id).body)["chargers"].Size(), 2u);
    EXPECT_EQ(parse_json(api("GET", S).body)["sites"].Size(), 1u);

    EXPECT_EQ(api("DELETE", S + "/" + id).status, 204);
    EXPECT_EQ(api("GET", S + "/" + id).status, 404);
    // Its chargers are free again.
    EXPECT_EQ(api("POST", S, R"({"name":"Other","limit":16,"chargers":["SITEA01","SITEB02"]})").status, 201);
}

TEST_F(SitesApi, EveryBadInputAnswers4xxNamingTheFieldAndNothingChanges) {
    create_charger("SITEA01", "site-password-1");
    create_charger("SITEB02", "site-password-1");
    auto made = api("POST", S, R"({"name":"Depot","limit":63,"chargers":["SITEA01"]})");
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string one = std::to_string(parse_json(made.body)["id"].GetInt64());
    // The stored sites without the live part (it moves with the clock).
    const auto stored = [&] {
        auto d = parse_json(api("GET", S).body);
        for (auto& s : d["sites"].GetArray()) {
            s.RemoveMember("live");
        }
        rapidjson::StringBuffer b;
        rapidjson::Writer<rapidjson::StringBuffer> w(b);
        d.Accept(w);
        return std::string(b.GetString());
    };
    const std::string before = stored();
    for (const auto& c : cases(one)) {
        SCOPED_TRACE(c.method + " " + c.target + " " + c.body.substr(0, 200));
        const auto r = api(c.method, c.target, c.body, {"Content-Type: application/json"});
        EXPECT_EQ(r.status, c.status) << r.body;
        auto d = parse_json(r.body);
        ASSERT_TRUE(d.IsObject()) << r.body;
        ASSERT_TRUE(d.HasMember("field")) << r.body;
        EXPECT_EQ(std::string(d["field"].GetString()), c.field) << r.body;
        EXPECT_NE(std::string(d["error"].GetString()).find(c.words), std::string::npos) << r.body;
    }
    EXPECT_EQ(stored(), before);
}

} // namespace
