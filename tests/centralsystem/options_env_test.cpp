// Settings from the command line, the environment (OCPPKIT_*) and a --config file, in that order of precedence, and
// the errors for bad values from each of them.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "centralsystem/options.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/wait.hpp"

namespace {

// A readable file in the test's temporary folder: TLS file options are checked when they are parsed.
std::string pem(const std::string& name) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << "not a certificate, but readable\n";
    return path;
}

using namespace std::chrono_literals;

ocpp::Result<cs::Options> parse_env(std::vector<std::string> args, const std::vector<std::string>& env) {
    std::vector<char*> argv{const_cast<char*>("ocpp-centralsystem")};
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return cs::parse_options(static_cast<int>(argv.size()), argv.data(), env);
}

class OptionsEnv : public ::testing::Test {
protected:
    void SetUp() override {
        config_ = "/tmp/cs-options-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml";
        std::ofstream(config_) << "listen: 127.0.0.1:7001\nheartbeat-interval: 11\nlog-level: warn\n"
                                  "db: sqlite:/tmp/from-config.db\n";
    }
    void TearDown() override { std::remove(config_.c_str()); }
    std::string config_;
};

TEST_F(OptionsEnv, FlagBeatsEnvironmentBeatsConfigBeatsDefault) {
    const std::vector<std::string> env{"OCPPKIT_LISTEN=127.0.0.2:7002", "OCPPKIT_HEARTBEAT_INTERVAL=22",
                                       "OCPPKIT_CONFIG=" + config_, "PATH=/usr/bin"};
    auto o = parse_env({"--listen", "127.0.0.3:7003"}, env);
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->host, "127.0.0.3"); // flag
    EXPECT_EQ(o->port, 7003);
    EXPECT_EQ(o->heartbeat_interval, 22);           // environment over config
    EXPECT_EQ(o->log_level, ocpp::LogLevel::Warn);  // config over default
    EXPECT_EQ(o->db, "sqlite:/tmp/from-config.db"); // config
    EXPECT_EQ(o->api_token, "");                    // default
    EXPECT_EQ(o->config_file, config_);             // OCPPKIT_CONFIG names the file
    EXPECT_TRUE(o->warnings.empty());

    o = parse_env({}, env);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->host, "127.0.0.2");
    EXPECT_EQ(o->port, 7002);
    o = parse_env({"--config", "/nonexistent.yaml"}, env); // the flag names another file: that one is read
    ASSERT_FALSE(o);
    EXPECT_NE(o.error().message.find("/nonexistent.yaml"), std::string::npos);
}

TEST_F(OptionsEnv, EveryOptionHasItsVariable) {
    auto o =
        parse_env({}, {"OCPPKIT_DB=sqlite:/tmp/env.db", "OCPPKIT_API_TOKEN=0123456789abcdef0123",
                       "OCPPKIT_AUTO_REGISTER=true", "OCPPKIT_TLS_CERT=" + pem("c.pem"),
                       "OCPPKIT_TLS_KEY=" + pem("k.pem"), "OCPPKIT_TLS_CLIENT_CA=" + pem("ca.pem"),
                       "OCPPKIT_LOG_LEVEL=debug", "OCPPKIT_HEARTBEAT_INTERVAL=5", "OCPPKIT_CALL_TIMEOUT=7",
                       "OCPPKIT_LISTEN=127.0.0.1:0", "OCPPKIT_MAP_TILE_URL=https://tiles.example/{z}/{x}/{y}.png"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->db, "sqlite:/tmp/env.db");
    EXPECT_EQ(o->api_token, "0123456789abcdef0123");
    EXPECT_TRUE(o->auto_register);
    EXPECT_EQ(o->tls_cert, pem("c.pem"));
    EXPECT_EQ(o->tls_key, pem("k.pem"));
    EXPECT_EQ(o->tls_client_ca, pem("ca.pem"));
    EXPECT_EQ(o->log_level, ocpp::LogLevel::Debug);
    EXPECT_EQ(o->heartbeat_interval, 5);
    EXPECT_EQ(o->call_timeout, 7);
    EXPECT_EQ(o->port, 0);
    EXPECT_EQ(o->map_tile_url, "https://tiles.example/{z}/{x}/{y}.png");
    // The flag turns auto-register off again; an empty variable is unset.
    o = parse_env({"--auto-register=false"}, {"OCPPKIT_AUTO_REGISTER=true", "OCPPKIT_DB="});
    ASSERT_TRUE(o);
    EXPECT_FALSE(o->auto_register);
    EXPECT_EQ(o->db, "sqlite:ocppkit.db");
}

TEST_F(OptionsEnv, BadValuesNameTheirVariable) {
    struct Case {
        std::string entry;
        const char* words;
    };
    for (const Case& c :
         {Case{"OCPPKIT_LISTEN=nope", "HOST:PORT"}, Case{"OCPPKIT_HEARTBEAT_INTERVAL=0", "1 to 86400"},
          Case{"OCPPKIT_HEARTBEAT_INTERVAL=ten", "whole number"},
          Case{"OCPPKIT_CALL_TIMEOUT=0", "--call-timeout takes a whole number from 1 to 3600"},
          Case{"OCPPKIT_CALL_TIMEOUT=2.5", "not \"2.5\""}, Case{"OCPPKIT_API_TOKEN=short", "16 characters"},
          Case{"OCPPKIT_DB=mysql://x", "sqlite:"}, Case{"OCPPKIT_AUTO_REGISTER=yes", "true or false"},
          Case{"OCPPKIT_LOG_LEVEL=loud", "debug"}, Case{"OCPPKIT_TLS_CERT=" + pem("c.pem"), "go together"}}) {
        auto o = parse_env({}, {c.entry});
        ASSERT_FALSE(o) << c.entry;
        EXPECT_NE(o.error().message.find(c.words), std::string::npos) << c.entry << ": " << o.error().message;
        const std::string var = c.entry.substr(0, c.entry.find('='));
        if (var != "OCPPKIT_TLS_CERT") {
            EXPECT_NE(o.error().message.find(var + " (environment)"), std::string::npos) << o.error().message;
        }
    }
    // A bad environment value is an error even when the flag would override it: nothing is silently dropped.
    EXPECT_FALSE(parse_env({"--listen", "127.0.0.1:1"}, {"OCPPKIT_LISTEN=nope"}));
    // An unknown OCPPKIT_ variable (a typo) is a warning, not silence.
    auto o = parse_env({}, {"OCPPKIT_LISTNE=127.0.0.1:1", "OCPPKIT_TESTER_API_TOKEN=the-testers-own-token"});
    ASSERT_TRUE(o);
    ASSERT_EQ(o->warnings.size(), 1u); // the tester's variables are not the central system's typos
    EXPECT_NE(o->warnings[0].find("OCPPKIT_LISTNE"), std::string::npos);
}

// The real binary: the environment decides where it listens, a flag wins, a bad variable stops it with exit code 2.
TEST_F(OptionsEnv, BinaryReadsTheEnvironment) {
    const std::string base = config_ + ".run";
    const auto port = ocppkit::test::free_port();
    ::setenv("OCPPKIT_LISTEN", ("127.0.0.1:" + std::to_string(port)).c_str(), 1);
    ::setenv("OCPPKIT_DB", ("sqlite:" + base + ".db").c_str(), 1);
    ::setenv("OCPPKIT_API_TOKEN", "env-token-0123456789", 1);
    {
        ocppkit::test::ChildProcess cs(std::string(ocppkit::test::bin_dir()) + "/ocpp-centralsystem", {},
                                       base + ".log");
        ASSERT_TRUE(
            ocppkit::test::wait_until([&] { return ocppkit::test::http(port, "GET", "/healthz").status == 200; }, 10s));
        EXPECT_EQ(ocppkit::test::http(port, "GET", "/api/v1/chargers").status, 401);
        EXPECT_EQ(
            ocppkit::test::http(port, "GET", "/api/v1/chargers", "", {"Authorization: Bearer env-token-0123456789"})
                .status,
            200);
    }
    const auto flag_port = ocppkit::test::free_port();
    {
        ocppkit::test::ChildProcess cs(std::string(ocppkit::test::bin_dir()) + "/ocpp-centralsystem",
                                       {"--listen", "127.0.0.1:" + std::to_string(flag_port)}, base + ".log");
        EXPECT_TRUE(ocppkit::test::wait_until(
            [&] { return ocppkit::test::http(flag_port, "GET", "/healthz").status == 200; }, 10s));
    }
    ::setenv("OCPPKIT_HEARTBEAT_INTERVAL", "often", 1);
    {
        ocppkit::test::ChildProcess cs(std::string(ocppkit::test::bin_dir()) + "/ocpp-centralsystem", {},
                                       base + ".log");
        EXPECT_EQ(cs.wait_exit(10s), 2);
    }
    std::ifstream in(base + ".log");
    const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(log.find("OCPPKIT_HEARTBEAT_INTERVAL (environment)"), std::string::npos) << log;
    for (const char* var : {"OCPPKIT_LISTEN", "OCPPKIT_DB", "OCPPKIT_API_TOKEN", "OCPPKIT_HEARTBEAT_INTERVAL"}) {
        ::unsetenv(var);
    }
    for (const char* suffix : {".db", ".db-wal", ".db-shm", ".log"}) {
        std::remove((base + suffix).c_str());
    }
}

} // namespace

namespace {

TEST(Options, TheStoredSampleBudgetComesFromFlagEnvironmentOrConfig) {
    EXPECT_EQ(parse_env({}, {})->max_samples_per_minute, 600);
    EXPECT_EQ(parse_env({"--max-samples-per-minute", "50"}, {})->max_samples_per_minute, 50);
    EXPECT_EQ(parse_env({}, {"OCPPKIT_MAX_SAMPLES_PER_MINUTE=0"})->max_samples_per_minute, 0);
    const std::string config = "/tmp/cs-options-" + std::to_string(::getpid()) + "-budget.yaml";
    std::ofstream(config) << "max-samples-per-minute: 1200\n";
    EXPECT_EQ(parse_env({"--config", config}, {})->max_samples_per_minute, 1200);
    std::remove(config.c_str());
    auto bad = parse_env({"--max-samples-per-minute=-1"}, {});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("--max-samples-per-minute takes a whole number from 0"), std::string::npos)
        << bad.error().message;
}

} // namespace
