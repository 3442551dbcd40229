// Charging-profile templates against the real binaries: made, checked by the smart-charging rules (every bad input a
// 4xx naming its field, the stored templates unchanged afterwards), applied to ocpp-simulator chargers with the
// outcome per charger, refused for a site's charger when it would override load management, listed per charger
// beside the site's own profiles, seen in the charger's composite schedule, cleared again, and deleted once no
// charger holds them.
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

const std::string T = "/api/v1/profile-templates";

// A template body: `purpose` at `stack` with one period of `limit` A from the start.
std::string tmpl(const std::string& name, const std::string& purpose, int stack, double limit,
                 const std::string& extra = "") {
    return R"({"name":")" + name + R"(","profile":{"stackLevel":)" + std::to_string(stack) +
           R"(,"chargingProfilePurpose":")" + purpose + R"(","chargingProfileKind":")" +
           (purpose == "TxProfile" ? "Relative" : "Absolute") +
           R"(","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":)" +
           std::to_string(limit) + "}]}" + extra + "}}";
}

// A template whose profile is `profile` as given.
std::string raw_tmpl(const std::string& profile) {
    return R"({"name":"Raw","profile":)" + profile + "}";
}

const std::string kSchedule =
    R"("chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16}]})";
std::string max_profile(const std::string& members) {
    return raw_tmpl(
        R"({"stackLevel":1,"chargingProfilePurpose":"ChargePointMaxProfile","chargingProfileKind":"Absolute",)" +
        members + "}");
}

struct Bad {
    std::string method, target, body;
    int status;
    std::string field, words;
};

std::vector<Bad> cases(const std::string& max_id, const std::string& tx_id) {
    std::string many;
    for (int i = 0; i < 1001; ++i) {
        many += std::string(i ? "," : "") + "\"TB" + std::to_string(100000 + i) + "\"";
    }
    const std::string A = T + "/" + max_id + "/apply", C = T + "/" + max_id + "/clear";
    return {
        {"POST", T, "{", 400, "body", "not valid JSON"},
        {"POST", T, R"({"profile":{}})", 422, "name", "is required"},
        {"POST", T, tmpl(std::string(65, 'n'), "ChargePointMaxProfile", 1, 16), 422, "name", "at most 64"},
        {"POST", T, R"({"name":"No profile"})", 422, "profile", "ChargingProfile"},
        {"POST", T, R"({"name":"Text","profile":"16 A"})", 422, "profile", "ChargingProfile"},
        {"POST", T, R"({"name":"X","colour":"red","profile":{}})", 422, "colour", "unknown field"},
        {"POST", T, max_profile(R"("chargingProfileId":7,)" + kSchedule), 422, "profile/chargingProfileId", "applied"},
        {"POST", T, max_profile(R"("transactionId":7,)" + kSchedule), 422, "profile/transactionId", "applied"},
        {"POST", T, max_profile(R"("validFrom":"2030-01-01T00:00:00Z")"), 422, "profile/chargingSchedule", ""},
        {"POST", T,
         raw_tmpl(
             R"({"stackLevel":"1","chargingProfilePurpose":"ChargePointMaxProfile","chargingProfileKind":"Absolute",)" +
             kSchedule + "}"),
         422, "profile/stackLevel", ""},
        {"POST", T,
         raw_tmpl(R"({"stackLevel":1,"chargingProfilePurpose":"MaxProfile","chargingProfileKind":"Absolute",)" +
                  kSchedule + "}"),
         422, "profile/chargingProfilePurpose", "not an allowed value"},
        {"POST", T, tmpl("Fail-safe", "TxDefaultProfile", 0, 6), 422, "profile/stackLevel", "reserved"},
        {"POST", T, tmpl("Session", "TxProfile", 1, 6), 422, "profile/stackLevel", "reserved"},
        {"POST", T, tmpl("Too high", "ChargePointMaxProfile", 11, 16), 422, "profile/stackLevel", "stackLevel 11"},
        {"POST", T, tmpl("Negative", "ChargePointMaxProfile", 1, -5), 422,
         "profile/chargingSchedule/chargingSchedulePeriod", ""},
        {"POST", T, max_profile(R"("chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[]})"), 422,
         "profile/chargingSchedule/chargingSchedulePeriod", ""},
        {"POST", T,
         max_profile(
             R"("chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":60,"limit":16}]})"),
         422, "profile/chargingSchedule/chargingSchedulePeriod", ""},
        {"POST", T,
         max_profile(
             R"("chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16},)"
             R"({"startPeriod":0,"limit":8}]})"),
         422, "profile/chargingSchedule/chargingSchedulePeriod", ""},
        {"POST", T,
         raw_tmpl(
             R"({"stackLevel":1,"chargingProfilePurpose":"ChargePointMaxProfile","chargingProfileKind":"Recurring",)" +
             kSchedule + "}"),
         422, "profile/", ""},
        {"POST", T, tmpl("Max 16", "ChargePointMaxProfile", 1, 10), 409, "name", "already"},
        {"GET", T + "/999", "", 404, "templateId", "no template"},
        {"GET", T + "/abc", "", 404, "templateId", "no template"},
        {"DELETE", T + "/999", "", 404, "templateId", "no template"},
        {"POST", T + "/999/apply", R"({"chargers":["TP000001"],"connectorId":0})", 404, "templateId", "no template"},
        {"POST", A, "{", 400, "body", "not valid JSON"},
        {"POST", A, R"({"connectorId":0})", 422, "chargers", "non-empty array"},
        {"POST", A, R"({"chargers":[],"connectorId":0})", 422, "chargers", "non-empty array"},
        {"POST", A, R"({"chargers":"TP000001","connectorId":0})", 422, "chargers", "non-empty array"},
        {"POST", A, R"({"chargers":[5],"connectorId":0})", 422, "chargers/0", "Chargebox ID"},
        {"POST", A, R"({"chargers":["bad id"],"connectorId":0})", 422, "chargers/0", ""},
        {"POST", A, R"({"chargers":["TP000001","TP000001"],"connectorId":0})", 422, "chargers/1", "twice"},
        {"POST", A, R"({"chargers":[)" + many + R"(],"connectorId":0})", 422, "chargers", "at most 1000"},
        {"POST", A, R"({"chargers":["TP000001"]})", 422, "connectorId", "is required"},
        {"POST", A, R"({"chargers":["TP000001"],"connectorId":100})", 422, "connectorId", ""},
        {"POST", A, R"({"chargers":["TP000001"],"connectorId":1})", 422, "connectorId", "connector 0"},
        {"POST", A, R"({"chargers":["TP000001"],"connectorId":0,"transactionId":5})", 422, "transactionId",
         "TxProfile templates only"},
        {"POST", A, R"({"chargers":["TP000001"],"connectorId":0,"x":1})", 422, "x", "unknown field"},
        {"POST", T + "/" + tx_id + "/apply", R"({"chargers":["TP000001"],"connectorId":0,"transactionId":5})", 422,
         "connectorId", "session"},
        {"POST", T + "/" + tx_id + "/apply", R"({"chargers":["TP000001"],"connectorId":1})", 422, "transactionId",
         "transactionId"},
        {"POST", T + "/" + tx_id + "/apply",
         R"({"chargers":["TP000001","TP000002"],"connectorId":1,"transactionId":5})", 422, "transactionId",
         "one charger"},
        {"POST", C, R"({"chargers":"TP000001"})", 422, "chargers", "non-empty array"},
        {"POST", C, R"({"chargers":["TP000001"],"connectorId":0})", 422, "connectorId", "unknown field"},
        {"POST", T + "/0/clear", R"({"chargers":["TP000001"]})", 404, "templateId", "no template"},
        {"GET", "/api/v1/chargers/NOBODY/profiles", "", 404, "chargeBoxId", "no charger"},
    };
}

class Templates : public CentralSystemBinary {
protected:
    void SetUp() override {
        CentralSystemBinary::SetUp();
        restart({"--auto-register"});
    }
    void TearDown() override {
        sim_.reset();
        CentralSystemBinary::TearDown();
    }
    // `n` simulated chargers TP000001.. with one 32 A connector, no sessions of their own.
    void start_chargers(int n) {
        sim_ = std::make_unique<ChildProcess>(
            kBin + "/ocpp-simulator",
            std::vector<std::string>{"run", "--url", "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp", "--chargers",
                                     std::to_string(n), "--connectors", "1", "--id-prefix", "TP", "--password",
                                     "tp-password-1", "--duration", "120", "--sessions-per-hour", "0",
                                     "--heartbeat-interval", "30", "--session-minutes", "30,30,30"},
            base_ + ".sim.log");
        ASSERT_TRUE(wait_until(
            [&] {
                const auto d = parse_json(api("GET", "/api/v1/chargers?q=TP").body);
                int up = 0;
                if (d.IsObject() && d.HasMember("chargers")) {
                    for (const auto& c : d["chargers"].GetArray()) {
                        up += c["connected"].GetBool() ? 1 : 0;
                    }
                }
                return up == n;
            },
            30s));
    }
    std::string make(const std::string& body) {
        const auto r = api("POST", T, body);
        EXPECT_EQ(r.status, 201) << r.body;
        return std::to_string(parse_json(r.body)["template"]["id"].GetInt64());
    }
    // The outcome per charger of an apply or clear: "ID=status" in the order asked.
    std::vector<std::string> outcomes(const HttpReply& r) {
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::string> out;
        const auto d = parse_json(r.body);
        if (d.IsObject() && d.HasMember("results")) {
            for (const auto& x : d["results"].GetArray()) {
                out.push_back(std::string(x["chargeBoxId"].GetString()) + "=" + x["status"].GetString());
            }
        }
        return out;
    }
    // The profiles listed for a charger: "source:purpose:connector:stack".
    std::vector<std::string> profiles(const std::string& id) {
        const auto r = api("GET", "/api/v1/chargers/" + id + "/profiles");
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::string> out;
        for (const auto& p : parse_json(r.body)["profiles"].GetArray()) {
            out.push_back(std::string(p["source"].GetString()) + ":" + p["purpose"].GetString() + ":" +
                          std::to_string(p["connectorId"].GetInt()) + ":" + std::to_string(p["stackLevel"].GetInt()));
        }
        return out;
    }
    std::unique_ptr<ChildProcess> sim_;
};

TEST_F(Templates, EveryBadInputAnswers4xxNamingTheFieldAndNothingChanges) {
    const std::string max_id = make(tmpl("Max 16", "ChargePointMaxProfile", 1, 16));
    const std::string tx_id = make(tmpl("Session 10", "TxProfile", 2, 10));
    const auto stored = [&] { return api("GET", T).body; };
    const std::string before = stored();
    for (const auto& c : cases(max_id, tx_id)) {
        SCOPED_TRACE(c.method + " " + c.target + " " + c.body.substr(0, 200));
        const auto r = api(c.method, c.target, c.body, {"Content-Type: application/json"});
        EXPECT_EQ(r.status, c.status) << r.body;
        auto d = parse_json(r.body);
        ASSERT_TRUE(d.IsObject()) << r.body;
        ASSERT_TRUE(d.HasMember("field")) << r.body;
        EXPECT_EQ(std::string(d["field"].GetString()).rfind(c.field, 0), 0u) << r.body;
        EXPECT_NE(std::string(d["error"].GetString()).find(c.words), std::string::npos) << r.body;
    }
    EXPECT_EQ(stored(), before);
}

TEST_F(Templates, AppliedToChargersListedInTheirScheduleClearedAndDeleted) {
    start_chargers(3);
    // TP000003 is a site's charger: load management owns its TxProfiles and TxDefaultProfile.
    const auto yard = api("POST", "/api/v1/sites", R"({"name":"Yard","limit":64,"chargers":["TP000003"]})");
    ASSERT_EQ(yard.status, 201) << yard.body;
    const std::string yard_url = "/api/v1/sites/" + std::to_string(parse_json(yard.body)["id"].GetInt64());
    const std::string max_id = make(tmpl("Max 16", "ChargePointMaxProfile", 1, 16));
    const std::string default_id = make(tmpl("Default 10", "TxDefaultProfile", 2, 10));
    const auto listed = parse_json(api("GET", T).body);
    ASSERT_EQ(listed["templates"].Size(), 2u);
    EXPECT_EQ(listed["templates"][0]["chargingProfileId"].GetInt64(), 100000 + std::stoll(max_id));

    EXPECT_EQ(outcomes(api("POST", T + "/" + max_id + "/apply",
                           R"({"chargers":["TP000001","TP000002","TP000003","TPNOBODY"],"connectorId":0})")),
              (std::vector<std::string>{"TP000001=Accepted", "TP000002=Accepted", "TP000003=Accepted",
                                        "TPNOBODY=not connected"}));
    EXPECT_EQ(outcomes(api("POST", T + "/" + default_id + "/apply",
                           R"({"chargers":["TP000001","TP000003"],"connectorId":0})")),
              (std::vector<std::string>{"TP000001=Accepted", "TP000003=refused"}));
    EXPECT_EQ(profiles("TP000001"),
              (std::vector<std::string>{"template:ChargePointMaxProfile:0:1", "template:TxDefaultProfile:0:2"}));
    // TP000001 holds a TxDefaultProfile template above the fail-safe's stack level: it may not join the site until
    // that is cleared, or its sessions would draw past their shares. A ChargePointMaxProfile alone does not stop it.
    const auto join = api("PUT", yard_url, R"({"name":"Yard","limit":64,"chargers":["TP000003","TP000001"]})");
    EXPECT_EQ(join.status, 409) << join.body;
    EXPECT_STREQ(parse_json(join.body)["field"].GetString(), "chargers/1") << join.body;
    EXPECT_NE(join.body.find("holds template " + default_id), std::string::npos) << join.body;
    const auto joined = api("PUT", yard_url, R"({"name":"Yard","limit":64,"chargers":["TP000003","TP000002"]})");
    EXPECT_EQ(joined.status, 200) << joined.body;
    const auto site_charger = profiles("TP000003");
    ASSERT_EQ(site_charger.size(), 2u);
    EXPECT_EQ(site_charger[0], "template:ChargePointMaxProfile:0:1");
    EXPECT_EQ(site_charger[1], "site:TxDefaultProfile:0:0");

    // The charger holds it: its composite schedule on connector 0 is capped at 16 A.
    const auto composite = api("GET", "/api/v1/chargers/TP000001/connectors/0/composite-schedule?unit=A&duration=600");
    ASSERT_EQ(composite.status, 200) << composite.body;
    const auto c = parse_json(composite.body);
    ASSERT_STREQ(c["status"].GetString(), "Accepted") << composite.body;
    // 15.9 A, not 16.0: the simulated connector's hardware (11 kW on 3 x 230 V, 15.94 A) is below the 16 A cap and
    // binds; the core converts whole tenths of an ampere through W exactly (smartcharging's composite_test).
    const double cap = c["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"].GetDouble();
    EXPECT_DOUBLE_EQ(cap, 15.9) << composite.body;

    // Installed somewhere: not deleted. Cleared from all: deleted.
    EXPECT_EQ(api("DELETE", T + "/" + max_id).status, 409);
    EXPECT_EQ(outcomes(api("POST", T + "/" + max_id + "/clear", R"({"chargers":["TP000001","TP000002"]})")),
              (std::vector<std::string>{"TP000001=Accepted", "TP000002=Accepted"}));
    EXPECT_EQ(profiles("TP000001"), (std::vector<std::string>{"template:TxDefaultProfile:0:2"}));
    EXPECT_EQ(profiles("TP000002"), (std::vector<std::string>{"site:TxDefaultProfile:0:0"})); // load management's
    EXPECT_EQ(api("DELETE", T + "/" + max_id).status, 409);                                   // TP000003 still holds it
    EXPECT_EQ(outcomes(api("POST", T + "/" + max_id + "/clear", R"({"chargers":["TP000003"]})")),
              (std::vector<std::string>{"TP000003=Accepted"}));
    EXPECT_EQ(api("DELETE", T + "/" + max_id).status, 204);
    EXPECT_EQ(api("GET", T + "/" + max_id).status, 404);
}

} // namespace
