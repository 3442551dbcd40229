// The cluster's options: --node-id, --node-address, the shared secret and --node-lease, each bad value refused with
// a message naming it, and none of them without a database the nodes share.
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "centralsystem/cluster/membership.hpp"
#include "centralsystem/options.hpp"

namespace {

const std::string kPg = "postgresql://ocpp@127.0.0.1:5432/ocppkit";

ocpp::Result<cs::Options> parse_cluster(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    std::vector<char*> argv{const_cast<char*>("ocpp-centralsystem")};
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return cs::parse_options(static_cast<int>(argv.size()), argv.data(), env);
}

TEST(ClusterOptions, AreTakenFromFlagsFileAndEnvironment) {
    const std::string secret_file = ::testing::TempDir() + "cluster-secret-" + std::to_string(::getpid());
    std::ofstream(secret_file) << "a-secret-of-the-cluster-42\n";
    auto o = parse_cluster({"--db", kPg, "--node-id", "node-1.eu:a", "--node-address", "10.0.0.11:8180", "--node-lease",
                            "5", "--cluster-secret-file", secret_file});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->node_id, "node-1.eu:a");
    EXPECT_EQ(o->node_address, "10.0.0.11:8180");
    EXPECT_EQ(o->node_lease, 5);
    EXPECT_EQ(o->cluster_secret, "a-secret-of-the-cluster-42"); // without the line break
    o = parse_cluster({"--db", kPg}, {"OCPPKIT_CLUSTER_SECRET=from-the-environment-1", "OCPPKIT_NODE_ID=n2"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->cluster_secret, "from-the-environment-1");
    EXPECT_EQ(o->node_id, "n2");
    o = parse_cluster({"--db", kPg});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->node_lease, 10);
    EXPECT_TRUE(o->node_id.empty()); // the program makes HOSTNAME:PORT of it
    std::remove(secret_file.c_str());
}

TEST(ClusterOptions, BadValuesAreRefusedNamingTheOption) {
    struct Case {
        std::vector<std::string> args;
        std::vector<std::string> env;
        const char* words;
    };
    const std::string short_secret = ::testing::TempDir() + "short-secret-" + std::to_string(::getpid());
    std::ofstream(short_secret) << "short\n";
    for (const Case& c : {
             Case{{"--db", kPg, "--node-id", "node 1"}, {}, "--node-id takes 1 to 64"},
             Case{{"--db", kPg, "--node-id", std::string(65, 'n')}, {}, "--node-id takes 1 to 64"},
             Case{{"--db", kPg, "--node-id", "a/b"}, {}, "--node-id"},
             Case{{"--db", kPg, "--node-address", "0.0.0.0:8180"}, {}, "--node-address"},
             Case{{"--db", kPg, "--node-address", "10.0.0.1:0"}, {}, "--node-address"},
             Case{{"--db", kPg, "--node-address", "nonsense"}, {}, "--node-address"},
             Case{{"--db", kPg, "--node-lease", "2"}, {}, "--node-lease"},
             Case{{"--db", kPg, "--node-lease", "301"}, {}, "--node-lease"},
             Case{{"--db", kPg, "--cluster-secret", "on-the-command-line-0123"}, {}, "not taken on the command line"},
             Case{{"--db", kPg, "--cluster-secret-file", "/nonexistent/secret"}, {}, "--cluster-secret-file"},
             Case{{"--db", kPg, "--cluster-secret-file", short_secret}, {}, "at least 16 characters"},
             Case{{"--db", kPg}, {"OCPPKIT_CLUSTER_SECRET=short"}, "OCPPKIT_CLUSTER_SECRET (environment)"},
             // One node on SQLite: the cluster's options need a shared database.
             Case{{"--node-id", "n1"}, {}, "--node-id needs a database the nodes share"},
             Case{{"--node-address", "10.0.0.1:8180"}, {}, "--node-address needs a database the nodes share"},
             Case{{}, {"OCPPKIT_CLUSTER_SECRET=long-enough-secret-0123"}, "needs a database the nodes share"},
         }) {
        auto o = parse_cluster(c.args, c.env);
        ASSERT_FALSE(o) << c.words;
        EXPECT_NE(o.error().message.find(c.words), std::string::npos) << o.error().message;
    }
    std::remove(short_secret.c_str());
}

TEST(ClusterOptions, ThreadsComeFromFlagOrEnvironmentAndBadCountsAreRefused) {
    auto o = parse_cluster({"--threads", "3"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->threads, 3);
    o = parse_cluster({}, {"OCPPKIT_THREADS=2"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->threads, 2);
    o = parse_cluster({});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->threads, 0) << "unset: the program picks by the number of cores";
    for (const char* bad : {"0", "65", "two", "-1"}) {
        o = parse_cluster({"--threads", bad});
        ASSERT_FALSE(o) << bad;
        EXPECT_NE(o.error().message.find("--threads takes a whole number from 1 to 64"), std::string::npos)
            << o.error().message;
    }
}

} // namespace

// /healthz answers 503 (HAProxy takes the node out) once the lease lapsed or the last renewal failed.
TEST(ClusterHealth, DownWhenTheLeaseLapsedOrTheLastRenewalFailed) {
    using cs::cluster::lease_healthy;
    const std::chrono::milliseconds lease{10000};
    EXPECT_FALSE(lease_healthy(std::nullopt, false, 1000, lease)); // never renewed
    EXPECT_TRUE(lease_healthy(1000, false, 1500, lease));
    EXPECT_TRUE(lease_healthy(1000, false, 10999, lease));
    EXPECT_FALSE(lease_healthy(1000, false, 11000, lease)); // lapsed
    EXPECT_FALSE(lease_healthy(1000, true, 1500, lease));   // the last renewal failed
}
