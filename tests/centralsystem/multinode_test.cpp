// Two real ocpp-centralsystem processes on one PostgreSQL database (a throwaway server the test starts): a charger
// created through node A's REST API connects to node B and charges, transaction ids stay unique across the nodes,
// a password changed on A holds on B, a claiming code is redeemed once across both, and a node killed with SIGKILL
// during sessions loses no acknowledged transaction.
#include <signal.h>

#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "store/claims.hpp"
#include "store/database.hpp"
#include "store/password.hpp"
#include "store/testing/postgres_server.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

// One central-system node: its process, port and log.
struct Node {
    std::uint16_t port = 0;
    std::string log;
    std::unique_ptr<ChildProcess> process;
};

class TwoNodes : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = "/tmp/cs-nodes-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
        auto started = pg_.start();
        ASSERT_TRUE(started) << started.error().message;
        auto url = pg_.create_database("ocppkit");
        ASSERT_TRUE(url) << url.error().message;
        url_ = *url;
        // Both at once: the first start migrates, the other waits for it.
        start(a_, "a");
        start(b_, "b");
        for (Node* n : {&a_, &b_}) {
            ASSERT_TRUE(wait_until([&] { return ocppkit::test::http(n->port, "GET", "/healthz").status == 200; }, 15s))
                << file_text(n->log);
        }
    }
    void TearDown() override {
        a_.process.reset();
        b_.process.reset();
        if (HasFailure()) {
            for (Node* n : {&a_, &b_}) {
                std::fprintf(stderr, "--- %s ---\n%s\n", n->log.c_str(), file_text(n->log).c_str());
            }
            std::fprintf(stderr, "--- simulator ---\n%s\n", file_text(base_ + ".sim.log").c_str());
        }
        for (const char* suffix : {".a.log", ".b.log", ".sim.log", ".sim2.log", ".report.json", ".report2.json"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    void start(Node& n, const std::string& name) {
        n.port = free_port();
        n.log = base_ + "." + name + ".log";
        n.process = std::make_unique<ChildProcess>(
            kBin + "/ocpp-centralsystem",
            std::vector<std::string>{"--listen", "127.0.0.1:" + std::to_string(n.port), "--db", url_, "--api-token",
                                     kToken, "--heartbeat-interval", "2"},
            n.log);
    }
    HttpReply api(const Node& n, const std::string& method, const std::string& target, const std::string& body = "") {
        return ocppkit::test::http(n.port, method, target, body, {"Authorization: Bearer " + kToken}, 10000ms);
    }
    void create_charger(const Node& n, const std::string& id, const std::string& password) {
        const auto r = api(n, "POST", "/api/v1/chargers",
                           R"({"chargeBoxId":")" + id + R"(","password":")" + password +
                               R"(","provider":"acme","chargePoints":[{"connectorId":1,"evseId":"DE*ABC*E)" + id +
                               R"(*1","standard":"IEC_62196_T2","format":"SOCKET","powerType":"AC_3_PHASE"}]})");
        ASSERT_EQ(r.status, 201) << r.body;
        // In operation, so that its sessions are not answered Blocked.
        const auto c = api(n, "POST", "/api/v1/chargers/" + id + "/commission",
                           R"({"address":{"street":"A 1","postalCode":"10115","city":"Berlin","country":"DE"},)"
                           R"("location":{"latitude":52.52,"longitude":13.4},"hotline":"+49 30 1",)"
                           R"("chargePoints":[{"connectorId":1,"maxCurrentA":32,"phases":3,"maxPowerKw":22}]})");
        ASSERT_EQ(c.status, 200) << c.body;
    }
    std::unique_ptr<ChildProcess> simulator(const Node& n, const std::string& prefix, const std::string& password,
                                            int seconds, const std::string& suffix = "") {
        return std::make_unique<ChildProcess>(
            kBin + "/ocpp-simulator",
            std::vector<std::string>{"run",
                                     "--url",
                                     "ws://127.0.0.1:" + std::to_string(n.port) + "/ocpp",
                                     "--chargers",
                                     "1",
                                     "--connectors",
                                     "2",
                                     "--id-prefix",
                                     prefix,
                                     "--password",
                                     password,
                                     "--duration",
                                     std::to_string(seconds),
                                     "--heartbeat-interval",
                                     "2",
                                     "--meter-interval",
                                     "1",
                                     "--sessions-per-hour",
                                     "3600",
                                     "--session-minutes",
                                     "0.03,0.04,0.05",
                                     "--seed",
                                     "7",
                                     "--report",
                                     base_ + ".report" + suffix + ".json"},
            base_ + ".sim" + suffix + ".log");
    }
    rapidjson::Document transactions(const Node& n, const std::string& id) {
        const auto r = api(n, "GET", "/api/v1/chargers/" + id + "/transactions");
        EXPECT_EQ(r.status, 200) << r.body;
        return parse_json(r.body);
    }

    testsupport::PostgresServer pg_;
    std::string base_, url_;
    Node a_, b_;
};

TEST_F(TwoNodes, AChargerCreatedOnOneNodeChargesOnTheOtherWithUniqueTransactionIds) {
    ASSERT_EQ(api(a_, "POST", "/api/v1/idtags", R"({"idTag":"SIM-TAG-1","status":"Accepted"})").status / 100, 2);
    create_charger(a_, "NODEB000001", "node-b-password");
    create_charger(b_, "NODEA000001", "node-a-password");
    // Each charger connects to the node it was NOT created on; both charge at the same time.
    auto on_b = simulator(b_, "NODEB", "node-b-password", 8);
    auto on_a = simulator(a_, "NODEA", "node-a-password", 8, "2");
    ASSERT_EQ(on_b->wait_exit(40s), 0) << file_text(base_ + ".sim.log");
    ASSERT_EQ(on_a->wait_exit(40s), 0) << file_text(base_ + ".sim2.log");
    const auto report = parse_json(file_text(base_ + ".report.json"));
    ASSERT_TRUE(report.IsObject());
    EXPECT_EQ(report["boots"]["accepted"].GetInt64(), 1) << "node B accepted the charger node A created";
    ASSERT_TRUE(report["actions"].HasMember("StartTransaction")) << file_text(base_ + ".sim.log");
    const auto starts = report["actions"]["StartTransaction"]["ok"].GetInt64();
    ASSERT_GE(starts, 1);

    // Node A sees what node B stored, and every transaction id is unique across both nodes' chargers.
    std::set<std::int64_t> ids;
    std::size_t total = 0;
    for (const char* id : {"NODEB000001", "NODEA000001"}) {
        const auto tx = transactions(a_, id);
        ASSERT_TRUE(tx.IsObject() && tx["transactions"].IsArray());
        for (const auto& t : tx["transactions"].GetArray()) {
            ids.insert(t["transactionId"].GetInt64());
            ++total;
        }
        if (std::string(id) == "NODEB000001") {
            EXPECT_EQ(static_cast<long long>(tx["transactions"].Size()), starts);
        }
    }
    EXPECT_GE(total, 2u);
    EXPECT_EQ(ids.size(), total) << "no transaction id was given twice";
}

TEST_F(TwoNodes, AKilledNodeLosesNoAcknowledgedTransaction) {
    ASSERT_EQ(api(a_, "POST", "/api/v1/idtags", R"({"idTag":"SIM-TAG-1","status":"Accepted"})").status / 100, 2);
    create_charger(a_, "KILLB000001", "kill-b-password");
    auto sim = simulator(b_, "KILLB", "kill-b-password", 10);
    // Kill node B once a session has started there (node A reads the shared database).
    ASSERT_TRUE(wait_until(
        [&] {
            const auto tx = transactions(a_, "KILLB000001");
            return tx.IsObject() && tx["transactions"].IsArray() && tx["transactions"].Size() >= 1;
        },
        20s));
    std::this_thread::sleep_for(1500ms); // meter values and perhaps a stop in flight
    ::kill(b_.process->pid(), SIGKILL);
    b_.process->wait_exit(5s);
    ASSERT_GE(sim->wait_exit(40s), 0);
    const auto report = parse_json(file_text(base_ + ".report.json"));
    ASSERT_TRUE(report.IsObject());
    const auto& actions = report["actions"];
    ASSERT_TRUE(actions.HasMember("StartTransaction")) << file_text(base_ + ".sim.log");
    const auto acknowledged_starts = actions["StartTransaction"]["ok"].GetInt64();
    // Stops the killed node never answered stay in the simulator's offline queue.
    const auto acknowledged_stops =
        actions.HasMember("StopTransaction") ? actions["StopTransaction"]["ok"].GetInt64() : 0;
    ASSERT_GE(acknowledged_starts, 1);
    const auto tx = transactions(a_, "KILLB000001");
    ASSERT_TRUE(tx.IsObject());
    // Every answered start and stop is stored; one committed just before the kill may lack its answer.
    EXPECT_GE(static_cast<long long>(tx["transactions"].Size()), acknowledged_starts);
    EXPECT_LE(static_cast<long long>(tx["transactions"].Size()), acknowledged_starts + 1);
    long long stopped = 0;
    for (const auto& t : tx["transactions"].GetArray()) {
        stopped += t["meterStop"].IsInt64() ? 1 : 0;
    }
    EXPECT_GE(stopped, acknowledged_stops);
    EXPECT_LE(stopped, acknowledged_stops + 1);
}

TEST_F(TwoNodes, APasswordChangedOnOneNodeHoldsOnTheOtherAfterItsReload) {
    create_charger(a_, "PASSB000001", "old-password-1");
    auto boots_on_b = [&](const std::string& password, int seconds) {
        auto sim = simulator(b_, "PASSB", password, seconds);
        EXPECT_GE(sim->wait_exit(30s), 0);
        const auto report = parse_json(file_text(base_ + ".report.json"));
        return report.IsObject() ? report["boots"]["accepted"].GetInt64() : -1;
    };
    ASSERT_EQ(boots_on_b("old-password-1", 3), 1) << "node B knows the charger now";
    const auto patched = api(a_, "PATCH", "/api/v1/chargers/PASSB000001", R"({"password":"new-password-2"})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    std::this_thread::sleep_for(3s); // node B reloads its credential cache every 2 s
    EXPECT_EQ(boots_on_b("old-password-1", 2), 0) << "node B refuses the old password";
    EXPECT_EQ(boots_on_b("new-password-2", 3), 1) << "and accepts the new one";
}

TEST_F(TwoNodes, AClaimingCodeIsRedeemedOnceAcrossTheNodes) {
    // The tester runs on the same database (it issues codes there; here one is issued the way it does).
    const auto tester_port = free_port();
    ChildProcess tester(kBin + "/ocpp-tester",
                        {"serve", "--listen", "127.0.0.1:" + std::to_string(tester_port), "--db", url_},
                        base_ + ".sim2.log");
    ASSERT_TRUE(wait_until([&] { return ocppkit::test::http(tester_port, "GET", "/healthz").status == 200; }, 15s))
        << file_text(base_ + ".sim2.log");
    EXPECT_NE(file_text(base_ + ".sim2.log").find("claims in postgresql://"), std::string::npos)
        << file_text(base_ + ".sim2.log");
    std::string code;
    {
        auto db = store::open_database(url_);
        ASSERT_TRUE(db) << db.error().message;
        store::Claim claim;
        claim.chargebox_id = "CLAIM00001";
        claim.password_hash = store::hash_password("claimed-password", 1000);
        claim.created = ocpp::DateTime::now();
        auto issued = store::Claims::issue(**db, claim, std::chrono::hours(1));
        ASSERT_TRUE(issued) << issued.error().message;
        code = *issued;
    }
    const std::string body = R"({"claimCode":")" + code + R"(","provider":"acme"})";
    const auto first = api(a_, "POST", "/api/v1/chargers", body);
    EXPECT_EQ(first.status, 201) << first.body;
    const auto second = api(b_, "POST", "/api/v1/chargers", body);
    EXPECT_EQ(second.status, 409) << second.body;
    EXPECT_NE(second.body.find("already used"), std::string::npos) << second.body;
}

TEST_F(TwoNodes, ABadDatabaseUrlIsRefusedNamingTheOption) {
    const std::string log = base_ + ".sim.log";
    ChildProcess bad(kBin + "/ocpp-centralsystem",
                     {"--listen", "127.0.0.1:" + std::to_string(free_port()), "--db",
                      "postgresql://ocpp:s3cret@127.0.0.1:" + std::to_string(pg_.port()) + "/ocppkit?nonsense=1"},
                     log);
    EXPECT_EQ(bad.wait_exit(10s), 2);
    const auto text = file_text(log);
    EXPECT_NE(text.find("--db"), std::string::npos) << text;
    EXPECT_NE(text.find("nonsense"), std::string::npos) << text;
    EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
    ChildProcess missing(kBin + "/ocpp-centralsystem",
                         {"--listen", "127.0.0.1:" + std::to_string(free_port()), "--db",
                          "postgresql://postgres@127.0.0.1:" + std::to_string(pg_.port()) + "/no_such_database"},
                         log);
    EXPECT_EQ(missing.wait_exit(10s), 1);
    const auto text2 = file_text(log);
    EXPECT_NE(text2.find("--db"), std::string::npos) << text2;
    EXPECT_NE(text2.find("no_such_database"), std::string::npos) << text2;
}

} // namespace
