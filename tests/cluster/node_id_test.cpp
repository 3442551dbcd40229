// Two real ocpp-centralsystem nodes on one throwaway PostgreSQL server under the same --node-id: the second refuses
// to start with one line naming the id and the address of the node that holds it, and the first keeps its lease,
// also when both name the same --node-address. A node restarted after kill -9 takes its id back once its old lease
// has run out; another id starts beside it. Skipped with a message when PostgreSQL is missing.
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "store/database.hpp"
#include "store/testing/postgres_server.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace cs::test {
namespace {

class NodeIds : public ::testing::Test {
protected:
    void SetUp() override {
        if (!testsupport::PostgresServer::installed()) {
            GTEST_SKIP() << "PostgreSQL is not installed (scripts/setup.sh installs the Debian package postgresql)";
        }
        base_ = "/tmp/cs-node-id-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
        auto started = pg_.start();
        ASSERT_TRUE(started) << started.error().message;
        auto url = pg_.create_database("ocppkit");
        ASSERT_TRUE(url) << url.error().message;
        url_ = *url;
    }
    void TearDown() override {
        for (int i = 0; i < 3; ++i) {
            std::remove((base_ + "." + std::to_string(i) + ".log").c_str());
        }
    }
    // Starts a node under `id` on `port`, its output in log `n`.
    std::unique_ptr<ChildProcess> node(const std::string& id, std::uint16_t port, int n,
                                       const std::string& address = "") {
        std::vector<std::string> args{"--listen",     "127.0.0.1:" + std::to_string(port),
                                      "--db",         url_,
                                      "--api-token",  kToken,
                                      "--node-id",    id,
                                      "--node-lease", "4"};
        if (!address.empty()) {
            args.insert(args.end(), {"--node-address", address});
        }
        return std::make_unique<ChildProcess>(kBin + "/ocpp-centralsystem", args, log(n));
    }
    std::string log(int n) const { return base_ + "." + std::to_string(n) + ".log"; }
    static bool up(std::uint16_t port) {
        return wait_until([&] { return ocppkit::test::http(port, "GET", "/healthz").status == 200; }, 20s);
    }

    testsupport::PostgresServer pg_;
    std::string base_, url_;
};

TEST_F(NodeIds, ASecondNodeUnderALiveNodesIdRefusesToStartNamingBoth) {
    const std::uint16_t first_port = free_port();
    auto first = node("twin", first_port, 0);
    ASSERT_TRUE(up(first_port)) << file_text(log(0));

    const std::uint16_t second_port = free_port();
    auto second = node("twin", second_port, 1);
    const int code = second->wait_exit(20s);
    EXPECT_EQ(code, 1) << file_text(log(1));
    const std::string said = file_text(log(1));
    EXPECT_NE(said.find("--node-id twin is in use by a live node at 127.0.0.1:" + std::to_string(first_port)),
              std::string::npos)
        << said;
    EXPECT_EQ(ocppkit::test::http(second_port, "GET", "/healthz").status, 0) << "it serves nothing";

    // The first node still holds its lease and its address.
    EXPECT_EQ(ocppkit::test::http(first_port, "GET", "/healthz").status, 200);
    auto db = store::open_database(url_);
    ASSERT_TRUE(db) << db.error().message;
    auto row = (*db)->first([](const store::Statement& q) { return q.text(0); },
                            "SELECT address FROM cluster_nodes WHERE node_id = 'twin'");
    ASSERT_TRUE(row && *row);
    EXPECT_EQ(**row, "127.0.0.1:" + std::to_string(first_port));

    // Another id starts beside it.
    const std::uint16_t other_port = free_port();
    auto other = node("other", other_port, 2);
    EXPECT_TRUE(up(other_port)) << file_text(log(2));
}

TEST_F(NodeIds, TwoProcessesNamingTheSameAddressAreToldApart) {
    const std::uint16_t first_port = free_port();
    auto first = node("twin", first_port, 0, "10.9.9.9:8180");
    ASSERT_TRUE(up(first_port)) << file_text(log(0));
    const std::uint16_t second_port = free_port();
    auto second = node("twin", second_port, 1, "10.9.9.9:8180");
    EXPECT_EQ(second->wait_exit(20s), 1) << file_text(log(1));
    const std::string said = file_text(log(1));
    EXPECT_NE(said.find("waiting"), std::string::npos) << "it waited for the lease to run out first: " << said;
    EXPECT_NE(said.find("--node-id twin is in use by a live node at 10.9.9.9:8180"), std::string::npos) << said;
    EXPECT_EQ(ocppkit::test::http(first_port, "GET", "/healthz").status, 200) << "the first keeps its lease";
}

TEST_F(NodeIds, ANodeRestartedAfterAKillTakesItsIdBackOnceItsOldLeaseRanOut) {
    const std::uint16_t port = free_port();
    auto first = node("phoenix", port, 0);
    ASSERT_TRUE(up(port)) << file_text(log(0));
    ::kill(first->pid(), SIGKILL);
    first->wait_exit(5s);
    // Its 4 s lease is still in force: the new process cannot tell a crash from a live twin, so it waits it out.
    const auto started = std::chrono::steady_clock::now();
    auto again = node("phoenix", port, 1);
    EXPECT_TRUE(up(port)) << file_text(log(1));
    EXPECT_TRUE(again->running());
    EXPECT_LE(std::chrono::steady_clock::now() - started, 12s);
    EXPECT_NE(file_text(log(1)).find("waiting"), std::string::npos) << file_text(log(1));
}

} // namespace
} // namespace cs::test
