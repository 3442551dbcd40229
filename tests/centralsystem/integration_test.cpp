// The real ocpp-centralsystem on 127.0.0.1 (free port, stopped by PID), with ocpp-simulator as the chargers:
// create by REST, connect, charge; refusals at the handshake; claim redemption; SIGKILL and restart; bad input.
#include "store/claims.hpp"
#include "store/password.hpp"
#include "store/sqlite.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

TEST_F(CentralSystemBinary, ChargerCreatedByRestConnectsAndCharges) {
    create_charger("FLOW000001", "flow-password-1");
    commission_charger("FLOW000001");
    // Remote command while the simulator is connected: run it in the background.
    ChildProcess sim(kBin + "/ocpp-simulator",
                     {"run",
                      "--url",
                      "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp",
                      "--chargers",
                      "1",
                      "--connectors",
                      "2",
                      "--id-prefix",
                      "FLOW",
                      "--password",
                      "flow-password-1",
                      "--duration",
                      "7",
                      "--heartbeat-interval",
                      "2",
                      "--meter-interval",
                      "1",
                      "--sessions-per-hour",
                      "3600",
                      "--session-minutes",
                      "0.04,0.05,0.06",
                      "--seed",
                      "5",
                      "--report",
                      base_ + ".report.json"},
                     base_ + ".sim.log");
    ASSERT_TRUE(wait_until(
        [&] { return api("GET", "/api/v1/chargers/FLOW000001").body.find("\"connected\":true") != std::string::npos; },
        10s));
    const auto cmd = api("POST", "/api/v1/chargers/FLOW000001/commands/GetConfiguration", R"({"key":[]})");
    EXPECT_EQ(cmd.status, 200) << cmd.body;
    EXPECT_NE(cmd.body.find("configurationKey"), std::string::npos) << cmd.body;
    const auto bad_cmd = api("POST", "/api/v1/chargers/FLOW000001/commands/Reset", R"({"type":"Sometimes"})");
    EXPECT_EQ(bad_cmd.status, 422) << bad_cmd.body;
    EXPECT_NE(bad_cmd.body.find("\"field\":\"type\""), std::string::npos) << bad_cmd.body;
    ASSERT_EQ(sim.wait_exit(30s), 0) << file_text(base_ + ".sim.log");

    const auto charger = parse_json(api("GET", "/api/v1/chargers/FLOW000001").body);
    ASSERT_TRUE(charger.IsObject());
    EXPECT_STRNE(charger["boot"]["vendor"].GetString(), "");
    EXPECT_STRNE(charger["chargePoints"][0]["status"].GetString(), "");
    EXPECT_EQ(charger["chargePoints"].Size(), 2u); // connector 2 learned from StatusNotification

    const auto tx = transactions("FLOW000001");
    ASSERT_TRUE(tx.IsObject() && tx["transactions"].IsArray());
    ASSERT_GE(tx["transactions"].Size(), 1u) << file_text(base_ + ".sim.log");
    bool completed_with_values = false;
    for (const auto& t : tx["transactions"].GetArray()) {
        completed_with_values =
            completed_with_values || (t["meterStop"].IsInt64() && t["meterValueCount"].GetInt64() > 0);
    }
    EXPECT_TRUE(completed_with_values);
}

TEST_F(CentralSystemBinary, UnknownChargerAndWrongPasswordGet401) {
    create_charger("AUTH000001", "right-password-1");
    auto report = simulate("AUTH", "wrong-password-1", 2, false);
    ASSERT_TRUE(report.IsObject());
    EXPECT_GE(report["connections"]["errors"]["http-401"].GetInt64(), 1);
    EXPECT_EQ(report["connections"]["opened"].GetInt64(), 0);
    report = simulate("NOBODY", "whatever-pass", 2, false);
    ASSERT_TRUE(report.IsObject());
    EXPECT_GE(report["connections"]["errors"]["http-401"].GetInt64(), 1);
    const std::string log = file_text(base_ + ".cs.log");
    EXPECT_NE(log.find("refused \"AUTH000001\""), std::string::npos);
    EXPECT_NE(log.find("wrong password"), std::string::npos);
    EXPECT_NE(log.find("unknown Chargebox ID"), std::string::npos);
    EXPECT_EQ(log.find("wrong-password-1"), std::string::npos); // never the password
}

TEST_F(CentralSystemBinary, ClaimingCodeCreatesTheChargerOnce) {
    std::string code;
    {
        auto db = store::Sqlite::open(db_);
        ASSERT_TRUE(db);
        store::Claim claim;
        claim.chargebox_id = "CLAIM000001";
        claim.password_hash = store::hash_password("claimed-password", 1000);
        claim.vendor = "ACME";
        claim.model = "Wallbox";
        claim.created = ocpp::DateTime::now();
        claim.expires = claim.created + std::chrono::hours(1);
        auto issued = store::Claims::issue(**db, claim, std::chrono::hours(1));
        ASSERT_TRUE(issued) << issued.error().message;
        code = *issued;
    }
    const auto created = api("POST", "/api/v1/chargers", R"({"claimCode":")" + code + R"(","provider":"acme"})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_NE(created.body.find("\"chargeBoxId\":\"CLAIM000001\""), std::string::npos);
    const auto again = api("POST", "/api/v1/chargers", R"({"claimCode":")" + code + R"("})");
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_NE(again.body.find("\"field\":\"claimCode\""), std::string::npos);
    const auto unknown = api("POST", "/api/v1/chargers", R"({"claimCode":"0000-0000-00"})");
    EXPECT_GE(unknown.status, 400);
    EXPECT_LT(unknown.status, 500);

    const auto report = simulate("CLAIM", "claimed-password", 2, false);
    ASSERT_TRUE(report.IsObject());
    EXPECT_EQ(report["boots"]["accepted"].GetInt64(), 1);
}

TEST_F(CentralSystemBinary, AcknowledgedTransactionsSurviveSigkill) {
    create_charger("KILL000001", "kill-password-1");
    commission_charger("KILL000001");
    auto report = simulate("KILL", "kill-password-1", 5);
    ASSERT_TRUE(report.IsObject());
    const auto acknowledged_starts = report["actions"]["StartTransaction"]["ok"].GetInt64();
    const auto acknowledged_stops = report["actions"]["StopTransaction"]["ok"].GetInt64();
    ASSERT_GE(acknowledged_starts, 1);
    ::kill(cs_->pid(), SIGKILL);
    cs_->wait_exit(5s);
    start();
    const auto tx = transactions("KILL000001");
    ASSERT_TRUE(tx.IsObject());
    EXPECT_EQ(static_cast<long long>(tx["transactions"].Size()), acknowledged_starts);
    long long stopped = 0;
    for (const auto& t : tx["transactions"].GetArray()) {
        stopped += t["meterStop"].IsInt64() ? 1 : 0;
    }
    EXPECT_EQ(stopped, acknowledged_stops);
}

TEST_F(CentralSystemBinary, BadRestInputGetsA4xxNamingTheFieldAndChangesNothing) {
    create_charger("BAD0000001", "bad-password-1");
    EXPECT_EQ(raw("GET", "/api/v1/chargers").status, 401);
    auto r = api("POST", "/api/v1/chargers", "{not json");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("\"field\":\"body\""), std::string::npos);
    r = api("POST", "/api/v1/chargers", R"({"chargeBoxId":"BAD0000001","password":"another-pass"})");
    EXPECT_EQ(r.status, 409);
    EXPECT_NE(r.body.find("\"field\":\"chargeBoxId\""), std::string::npos);
    r = api("POST", "/api/v1/chargers",
            R"({"chargeBoxId":"BAD0000002","chargePoints":[{"connectorId":1,"evseId":"DE*ABC*EBAD0000001*1"}]})");
    EXPECT_EQ(r.status, 409);
    EXPECT_NE(r.body.find("\"field\":\"chargePoints/0/evseId\""), std::string::npos);
    r = api("PATCH", "/api/v1/chargers/BAD0000001", R"({"chargeBoxId":"RENAMED"})");
    EXPECT_EQ(r.status, 422);
    r = api("POST", "/api/v1/chargers/BAD0000001/commission",
            R"({"address":{"street":"A 1","postalCode":"1","city":"B","country":"DE"},)"
            R"("location":{"latitude":52.5,"longitude":200},"hotline":"+49"})");
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("\"field\":\"location/longitude\""), std::string::npos);
    r = api("POST", "/api/v1/idtags", R"({"idTag":"T","status":"Maybe"})");
    EXPECT_EQ(r.status, 422);
    EXPECT_NE(r.body.find("\"field\":\"status\""), std::string::npos);
    EXPECT_EQ(api("POST", "/api/v1/chargers/BAD0000001/commands/Reset", R"({"type":"Soft"})").status, 409);
    EXPECT_EQ(api("GET", "/api/v1/chargers/NOPE").status, 404);
    r = api("POST", "/api/v1/chargers", std::string(70 * 1024, ' '));
    EXPECT_EQ(r.status, 413);

    // Nothing stored was lost or changed; a good commission still works.
    const auto list = parse_json(api("GET", "/api/v1/chargers").body);
    ASSERT_TRUE(list.IsObject());
    ASSERT_EQ(list["count"].GetInt(), 1);
    EXPECT_STREQ(list["chargers"][0]["status"].GetString(), "planned");
    r = api("POST", "/api/v1/chargers/BAD0000001/commission",
            R"({"address":{"street":"A 1","postalCode":"10115","city":"Berlin","country":"DE"},)"
            R"("location":{"latitude":52.52,"longitude":13.4},"hotline":"+49 30 1",)"
            R"("chargePoints":[{"connectorId":1,"maxCurrentA":32,"phases":3,"maxPowerKw":22}]})");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("\"status\":\"operational\""), std::string::npos);
    EXPECT_EQ(parse_json(api("GET", "/api/v1/chargers?q=ebad0000001").body)["count"].GetInt(), 1);
    EXPECT_EQ(parse_json(api("GET", "/api/v1/chargers?provider=other").body)["count"].GetInt(), 0);
}

} // namespace
