// The one Chargebox ID rule at the real central system: with --auto-register, a handshake whose ID breaks the rule
// is refused with 400 naming what is wrong and registers nothing; the REST API and the CSV import refuse the same IDs
// naming the character; an ID the rule allows (':' included, also as the HTTP Basic user) connects.
#include <gtest/gtest.h>

#include "ocpp/net/detail/net_util.hpp"
#include "tests/centralsystem/cs_binary.hpp"
#include "tests/support/raw_ws.hpp"

namespace {

using namespace cs::test;
using ocppkit::test::ws_upgrade;

struct HostileId {
    std::string segment; // as it goes into the URL path, percent-encoded
    std::string json;    // as it goes into a JSON string
    std::string words;   // part of the reason
};

const std::vector<HostileId>& hostile_ids() {
    static const std::vector<HostileId> ids = {
        {"a%2Fb", "a/b", "character 2 is \"/\""},
        {"%0Aevil", "\\nevil", "character 1 is U+000A (line feed)"},
        {std::string(4000, 'A'), std::string(4000, 'A'), "4000 characters long; a Chargebox ID has at most 48"},
        {"..", "..", "not a URL path segment"},
        {"CB%C3%A9", "CB\xC3\xA9", "character 3 is U+00E9 (not ASCII)"},
    };
    return ids;
}

class HostileChargerIdentity : public CentralSystemBinary {
protected:
    void SetUp() override {
        CentralSystemBinary::SetUp();
        restart({"--auto-register"});
    }
    int chargers_known() {
        const auto r = api("GET", "/api/v1/chargers");
        EXPECT_EQ(r.status, 200) << r.body;
        return parse_json(r.body)["count"].GetInt();
    }
};

TEST_F(HostileChargerIdentity, AutoRegisterRefusesIdsOutsideTheRule) {
    for (const auto& id : hostile_ids()) {
        const auto r = ws_upgrade(port_, "/ocpp/" + id.segment);
        EXPECT_EQ(r.status, 400) << id.json.substr(0, 60) << "\n" << r.raw.substr(0, 400);
        EXPECT_NE(r.body.find(id.words), std::string::npos) << r.body;
    }
    EXPECT_EQ(chargers_known(), 0) << "nothing is registered for an ID the REST API refuses";
    const std::string log = file_text(base_ + ".cs.log");
    EXPECT_EQ(log.find("\nevil"), std::string::npos) << "the raw ID reaches the log";
    EXPECT_NE(log.find("character 1 is U+000A (line feed)"), std::string::npos) << log;
}

TEST_F(HostileChargerIdentity, AnIdWithEveryAllowedCharacterConnectsAndRegisters) {
    // ':' is allowed (OCPP 2.0.1's identity rule): as the HTTP Basic user it is the whole ID, not a separator.
    const std::string id = "Az09*-_=:+|@.";
    const std::string basic = "Basic " + ocpp::net::detail::base64_encode(id + ":some-password-16chars");
    const auto r = ws_upgrade(port_, "/ocpp/Az09*-_=:+%7C@.", {basic});
    EXPECT_EQ(r.status, 101) << r.raw.substr(0, 400);
    EXPECT_TRUE(wait_until([&] { return chargers_known() == 1; }, 10s));
    const auto got = api("GET", "/api/v1/chargers/Az09*-_%3D%3A%2B%7C%40.");
    EXPECT_EQ(got.status, 200) << got.body;
}

TEST_F(HostileChargerIdentity, RestCreateRefusesNamingTheCharacter) {
    for (const auto& id : hostile_ids()) {
        const auto r =
            api("POST", "/api/v1/chargers", R"({"chargeBoxId":")" + id.json + R"(","password":"long-enough-1"})");
        EXPECT_EQ(r.status, 422) << r.body;
        const auto body = parse_json(r.body);
        ASSERT_TRUE(body.IsObject() && body.HasMember("error") && body.HasMember("field")) << r.body;
        EXPECT_STREQ(body["field"].GetString(), "chargeBoxId");
        const std::string error = body["error"].GetString();
        EXPECT_EQ(error.rfind("chargeBoxId: ", 0), 0u) << r.body;
        EXPECT_NE(error.find(id.words), std::string::npos) << r.body;
    }
    EXPECT_EQ(chargers_known(), 0);
}

TEST_F(HostileChargerIdentity, CsvImportRefusesNamingTheCharacter) {
    const auto r = csv("chargeBoxId,password\nGOOD-1,long-enough-1\na/b,long-enough-2\n..,long-enough-3\n");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_NE(r.body.find("chargeBoxId: character 2 is \\\"/\\\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("not a URL path segment"), std::string::npos) << r.body;
    EXPECT_EQ(chargers_known(), 0) << "an import with a bad row stores nothing";
}

} // namespace
