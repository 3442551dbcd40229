// `ocpp-simulator flow` against the real ocpp-centralsystem on 127.0.0.1: the whole flow passes and the REST API
// shows what it did; a wrong token, an existing charger, a claiming code, an unreachable central system, bad options.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <thread>

#include "simulator/rest/http_client.hpp"
#include "store/claims.hpp"
#include "store/password.hpp"
#include "store/sqlite.hpp"
#include "tests/flow/flow_support.hpp"
#include "tests/support/paths.hpp"

namespace {

using namespace std::chrono_literals;
using flow::test::CentralSystem;
using flow::test::read_text;

struct FlowRun {
    int exit = -1;
    std::string output; // stdout and stderr
    rapidjson::Document report;
    const rapidjson::Value* step(const char* name) const {
        if (!report.IsObject() || !report.HasMember("steps")) {
            return nullptr;
        }
        for (const auto& s : report["steps"].GetArray()) {
            if (std::string(s["name"].GetString()) == name) {
                return &s;
            }
        }
        return nullptr;
    }
    long long ok(const char* name) const { return step(name) ? (*step(name))["ok"].GetInt64() : -1; }
    long long failed(const char* name) const { return step(name) ? (*step(name))["failed"].GetInt64() : -1; }
    long long skipped(const char* name) const { return step(name) ? (*step(name))["skipped"].GetInt64() : -1; }
};

class FlowCommand : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(cs_.start("cmd")); }
    void TearDown() override {
        std::remove(cs_.file(".flow.log").c_str());
        std::remove(cs_.file(".flow.json").c_str());
        std::remove(cs_.file(".codes.txt").c_str());
    }
    FlowRun flow(std::vector<std::string> args, bool with_central = true) {
        std::vector<std::string> all{"flow"};
        if (with_central) {
            all.insert(all.end(), {"--central", cs_.base_url()});
        }
        all.insert(all.end(), {"--report", cs_.file(".flow.json"), "--session-seconds", "2", "--threads", "1"});
        all.insert(all.end(), args.begin(), args.end());
        std::remove(cs_.file(".flow.json").c_str());
        ocppkit::test::ChildProcess p(std::string(ocppkit::test::bin_dir()) + "/ocpp-simulator", all,
                                      cs_.file(".flow.log"));
        FlowRun r;
        r.exit = p.wait_exit(90s);
        r.output = read_text(cs_.file(".flow.log"));
        r.report.Parse(read_text(cs_.file(".flow.json")).c_str());
        return r;
    }
    sim::HttpClient api() {
        sim::HttpClientConfig c;
        c.base_url = cs_.base_url();
        c.bearer_token = cs_.token();
        return sim::HttpClient(c);
    }
    CentralSystem cs_;
};

// Ctrl-C in the middle of the charging: the work the run had no time for is skipped, not failed, and the run says
// INTERRUPTED with exit 130 (it once reported every charger failed at the verify step).
TEST_F(FlowCommand, CtrlCDuringTheChargingSkipsWhatIsLeftInsteadOfFailingIt) {
    const std::string log = cs_.file(".flow.log");
    std::remove(cs_.file(".flow.json").c_str());
    ocppkit::test::ChildProcess p(std::string(ocppkit::test::bin_dir()) + "/ocpp-simulator",
                                  {"flow", "--central", cs_.base_url(), "--report", cs_.file(".flow.json"),
                                   "--session-seconds", "60", "--duration", "60", "--threads", "1", "--api-token",
                                   cs_.token(), "--chargers", "3", "--id-prefix", "CC"},
                                  log);
    ASSERT_TRUE(ocppkit::test::wait_until([&] { return read_text(log).find("idtag: 3 ok") != std::string::npos; }, 30s))
        << read_text(log);
    std::this_thread::sleep_for(2s); // connected and booted; the sessions run for a minute
    ::kill(p.pid(), SIGINT);
    FlowRun r;
    r.exit = p.wait_exit(40s);
    r.output = read_text(log);
    r.report.Parse(read_text(cs_.file(".flow.json")).c_str());
    EXPECT_EQ(r.exit, 130) << r.output;
    ASSERT_TRUE(r.report.IsObject()) << r.output;
    EXPECT_FALSE(r.report["passed"].GetBool());
    EXPECT_EQ(r.ok("create"), 3);
    // The stop ends the running sessions (StopTransaction), so they count; what the run had no time for is skipped.
    EXPECT_EQ(r.failed("charge"), 0) << r.output;
    EXPECT_EQ(r.failed("verify"), 0) << r.output;
    EXPECT_EQ(r.skipped("verify"), 3) << r.output;
    EXPECT_NE(r.output.find("INTERRUPTED: 3 chargers"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("FAILED"), std::string::npos) << r.output;
}

TEST_F(FlowCommand, CreatesCommissionsConnectsChargesAndVerifies) {
    const auto r = flow({"--api-token", cs_.token(), "--chargers", "5", "--id-prefix", "FT", "--connectors", "2",
                         "--price-per-kwh", "0.40", "--price-per-session", "1.50"});
    ASSERT_EQ(r.exit, 0) << r.output;
    ASSERT_TRUE(r.report.IsObject()) << r.output;
    EXPECT_TRUE(r.report["passed"].GetBool());
    for (const char* step : {"create", "commission", "price", "idtag", "connect+boot", "charge", "verify"}) {
        EXPECT_EQ(r.ok(step), 5) << step << "\n" << r.output;
        EXPECT_EQ(r.failed(step), 0) << step;
    }
    EXPECT_NE(r.output.find("PASSED: 5 chargers"), std::string::npos) << r.output;

    // What the operator sees afterwards.
    auto http = api();
    auto list = http.json("GET", "/api/v1/chargers");
    ASSERT_TRUE(list) << list.error().message;
    EXPECT_EQ((*list)["count"].GetInt(), 5);
    for (const auto& c : (*list)["chargers"].GetArray()) {
        EXPECT_STREQ(c["status"].GetString(), "operational");
    }
    auto tx = http.json("GET", "/api/v1/chargers/FT000003/transactions");
    ASSERT_TRUE(tx) << tx.error().message;
    ASSERT_GE((*tx)["transactions"].Size(), 1u);
    EXPECT_GT((*tx)["transactions"][0]["energyWh"].GetInt64(), 0);
    EXPECT_STREQ((*tx)["transactions"][0]["idTag"].GetString(), "FT000003");
    auto dash = http.json("GET", "/api/v1/dashboard");
    ASSERT_TRUE(dash) << dash.error().message;
    EXPECT_GE((*dash)["today"]["sessions"].GetInt64(), 5);
    EXPECT_GT((*dash)["today"]["energyWh"].GetInt64(), 0);
    ASSERT_GE((*dash)["today"]["revenue"].Size(), 1u); // the price sets: 1.50 per session, 0.40 per kWh
    EXPECT_STREQ((*dash)["today"]["revenue"][0]["currency"].GetString(), "EUR");
    EXPECT_GE((*dash)["today"]["revenue"][0]["amount"].GetDouble(), 5 * 1.50);
    EXPECT_TRUE(r.report["dashboard"].IsObject());
}

TEST_F(FlowCommand, WrongTokenFailsAtCreateWithTheServersMessage) {
    const auto r = flow({"--api-token", "not-the-token-at-all", "--chargers", "2"});
    EXPECT_EQ(r.exit, 1) << r.output;
    EXPECT_EQ(r.failed("create"), 2);
    EXPECT_EQ(r.ok("connect+boot"), 0);
    EXPECT_NE(r.output.find("FLOW000001: POST " + cs_.base_url() +
                            "/api/v1/chargers: 401 Unauthorized: Authorization: missing or wrong bearer token"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("FAILED"), std::string::npos);
    EXPECT_EQ(r.output.find("not-the-token-at-all"), std::string::npos); // the token is never printed
    auto list = api().json("GET", "/api/v1/chargers");
    ASSERT_TRUE(list) << list.error().message;
    EXPECT_EQ((*list)["count"].GetInt(), 0);
}

TEST_F(FlowCommand, AnExistingChargerFailsAloneAndTheOthersCharge) {
    auto http = api();
    ASSERT_TRUE(http.json("POST", "/api/v1/chargers", R"({"chargeBoxId":"DUP000002","password":"someone-else-1"})"));
    const auto r = flow({"--api-token", cs_.token(), "--chargers", "3", "--id-prefix", "DUP"});
    EXPECT_EQ(r.exit, 1) << r.output;
    EXPECT_EQ(r.ok("create"), 2);
    EXPECT_EQ(r.failed("create"), 1);
    EXPECT_EQ(r.ok("verify"), 2) << r.output;
    EXPECT_NE(r.output.find("create: DUP000002: POST " + cs_.base_url() + "/api/v1/chargers: 409 Conflict"),
              std::string::npos)
        << r.output;
    // The existing charger was left as it was.
    auto existing = http.json("GET", "/api/v1/chargers/DUP000002");
    ASSERT_TRUE(existing) << existing.error().message;
    EXPECT_STREQ((*existing)["status"].GetString(), "planned");
}

TEST_F(FlowCommand, ClaimingCodesCreateTheChargersWithTheirPasswords) {
    std::string code;
    {
        auto db = store::Sqlite::open(cs_.db());
        ASSERT_TRUE(db) << db.error().message;
        store::Claim claim;
        claim.chargebox_id = "CLAIMED0001";
        claim.password_hash = store::hash_password("claimed-password-1", 1000);
        claim.vendor = "ACME";
        claim.model = "Wallbox";
        claim.created = ocpp::DateTime::now();
        claim.expires = claim.created + std::chrono::hours(1);
        auto issued = store::Claims::issue(**db, claim, std::chrono::hours(1));
        ASSERT_TRUE(issued) << issued.error().message;
        code = *issued;
    }
    {
        std::ofstream out(cs_.file(".codes.txt"));
        out << code << ",claimed-password-1\n";
    }
    const auto r = flow({"--api-token", cs_.token(), "--claim-codes", cs_.file(".codes.txt")});
    ASSERT_EQ(r.exit, 0) << r.output;
    EXPECT_EQ(r.ok("verify"), 1);
    auto charger = api().json("GET", "/api/v1/chargers/CLAIMED0001");
    ASSERT_TRUE(charger) << charger.error().message;
    EXPECT_STREQ((*charger)["status"].GetString(), "operational");
    // A second run with the same code: the code is used up, and the error says so.
    const auto again = flow({"--api-token", cs_.token(), "--claim-codes", cs_.file(".codes.txt")});
    EXPECT_EQ(again.exit, 1);
    EXPECT_NE(again.output.find("claimCode: "), std::string::npos) << again.output;
}

TEST_F(FlowCommand, UnreachableCentralSystemAndBadOptions) {
    const std::string nowhere = "http://127.0.0.1:" + std::to_string(ocppkit::test::free_port());
    auto r = flow({"--central", nowhere, "--chargers", "2"}, false);
    EXPECT_EQ(r.exit, 1) << r.output;
    EXPECT_NE(r.output.find("POST " + nowhere + "/api/v1/chargers: cannot connect"), std::string::npos) << r.output;
    EXPECT_FALSE(r.report.IsObject() && r.report["passed"].GetBool());

    r = flow({"--chargers", "2"}, false);
    EXPECT_EQ(r.exit, 2);
    EXPECT_NE(r.output.find("flow: --central: required"), std::string::npos) << r.output;
    r = flow({"--central", cs_.base_url(), "--chargers", "-3"}, false);
    EXPECT_EQ(r.exit, 2);
    EXPECT_NE(r.output.find("--chargers: expected a whole number from 1 to 100000, got \"-3\""), std::string::npos)
        << r.output;
}

} // namespace
