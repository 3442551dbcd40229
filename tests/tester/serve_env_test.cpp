// `ocpp-tester serve` settings from the environment (OCPPKIT_TESTER_*): flag over variable over default, every option
// has its variable, a bad value names its variable (exit code 2 from the real binary), a typo is a warning.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "serve_binary.hpp"
#include "tester/serve/command.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/wait.hpp"

using namespace tester::test;
using namespace ocppkit::test;
namespace fs = std::filesystem;

namespace {

// A readable file in the test's temporary folder: TLS file options are checked when they are parsed.
std::string pem(const std::string& name) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << "not a certificate, but readable\n";
    return path;
}

ocpp::Result<tester::ServeOptions> parse_env_serve(std::vector<std::string> args, const std::vector<std::string>& env) {
    args.insert(args.begin(), "serve");
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return tester::parse_serve_options(static_cast<int>(argv.size()), argv.data(), env);
}

TEST(ServeEnvironment, FlagBeatsEnvironmentBeatsDefault) {
    const std::vector<std::string> env{"OCPPKIT_TESTER_LISTEN=127.0.0.2:7002",
                                       "OCPPKIT_TESTER_API_TOKEN=env-token-0123456789", "PATH=/usr/bin"};
    auto o = parse_env_serve({"--listen", "127.0.0.3:7003"}, env);
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->host, "127.0.0.3"); // flag
    EXPECT_EQ(o->port, 7003);
    EXPECT_EQ(o->api_token, "env-token-0123456789"); // environment
    EXPECT_EQ(o->timeout, 300);                      // default
    EXPECT_TRUE(o->warnings.empty());
    o = parse_env_serve({"--api-token", "flag-token-0123456789"}, env);
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->host, "127.0.0.2"); // the variable stands in for the required --listen
    EXPECT_EQ(o->port, 7002);
    EXPECT_EQ(o->api_token, "flag-token-0123456789");
    // An empty variable is unset: --listen is missing again, and the message names the variable too.
    o = parse_env_serve({}, {"OCPPKIT_TESTER_LISTEN="});
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().message, "--listen HOST:PORT is required (or OCPPKIT_TESTER_LISTEN)");
}

TEST(ServeEnvironment, EveryOptionHasItsVariable) {
    auto o = parse_env_serve({}, {"OCPPKIT_TESTER_LISTEN=127.0.0.1:0", "OCPPKIT_TESTER_DB=sqlite:/tmp/env.db",
                                  "OCPPKIT_TESTER_PUBLIC_URL=wss://tester.example:443",
                                  "OCPPKIT_TESTER_HEARTBEAT_INTERVAL=5", "OCPPKIT_TESTER_TIMEOUT=60",
                                  "OCPPKIT_TESTER_MAX_TESTS=7", "OCPPKIT_TESTER_API_TOKEN=0123456789abcdef0123",
                                  "OCPPKIT_TESTER_TLS_CERT=" + pem("c.pem"), "OCPPKIT_TESTER_TLS_KEY=" + pem("k.pem"),
                                  "OCPPKIT_TESTER_TLS_CLIENT_CA=" + pem("ca.pem"), "OCPPKIT_TESTER_LOG_LEVEL=debug"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->host, "127.0.0.1");
    EXPECT_EQ(o->port, 0);
    EXPECT_EQ(o->db, "sqlite:/tmp/env.db");
    EXPECT_EQ(o->public_url, "wss://tester.example:443");
    EXPECT_EQ(o->heartbeat_interval, 5);
    EXPECT_EQ(o->timeout, 60);
    EXPECT_EQ(o->max_tests, 7u);
    EXPECT_EQ(o->api_token, "0123456789abcdef0123");
    EXPECT_EQ(o->tls_cert, pem("c.pem"));
    EXPECT_EQ(o->tls_key, pem("k.pem"));
    EXPECT_EQ(o->tls_client_ca, pem("ca.pem"));
    EXPECT_EQ(o->log_level, ocpp::LogLevel::Debug);
    EXPECT_TRUE(o->warnings.empty());
}

TEST(ServeEnvironment, BadValuesNameTheirVariable) {
    struct Case {
        const char* entry;
        const char* words;
    };
    for (const Case& c :
         {Case{"OCPPKIT_TESTER_LISTEN=nope", "HOST:PORT"}, Case{"OCPPKIT_TESTER_DB=mysql://x", "sqlite:"},
          Case{"OCPPKIT_TESTER_PUBLIC_URL=http://x", "ws:// or wss://"},
          Case{"OCPPKIT_TESTER_HEARTBEAT_INTERVAL=0", "1 to 86400"},
          Case{"OCPPKIT_TESTER_TIMEOUT=soon", "whole number"}, Case{"OCPPKIT_TESTER_MAX_TESTS=-1", "whole number"},
          Case{"OCPPKIT_TESTER_API_TOKEN=short", "16 characters"},
          Case{"OCPPKIT_TESTER_API_TOKEN=with space 0123456789", "printable ASCII"},
          Case{"OCPPKIT_TESTER_LOG_LEVEL=loud", "debug"}}) {
        auto o = parse_env_serve({"--listen", "127.0.0.1:1"}, {c.entry});
        ASSERT_FALSE(o) << c.entry;
        const std::string var = std::string(c.entry).substr(0, std::string(c.entry).find('='));
        EXPECT_EQ(o.error().message.rfind(var + " (environment): ", 0), 0u) << o.error().message;
        EXPECT_NE(o.error().message.find(c.words), std::string::npos) << c.entry << ": " << o.error().message;
    }
    // A bad variable is an error even when a flag would override it: nothing wrong stays silently in the service's
    // environment.
    auto o = parse_env_serve({"--api-token", "flag-token-0123456789", "--listen", "127.0.0.1:1"},
                             {"OCPPKIT_TESTER_API_TOKEN=short"});
    ASSERT_FALSE(o);
    // What the variables together get wrong is named like the flags.
    o = parse_env_serve({"--listen", "127.0.0.1:1"}, {"OCPPKIT_TESTER_TLS_CERT=" + pem("c.pem")});
    ASSERT_FALSE(o);
    EXPECT_NE(o.error().message.find("--tls-cert and --tls-key go together"), std::string::npos);
    // A typo of a tester variable is a warning; the central system's OCPPKIT_* variables are none of the tester's.
    o = parse_env_serve({"--listen", "127.0.0.1:1"},
                        {"OCPPKIT_TESTER_API_TOKN=0123456789abcdef", "OCPPKIT_API_TOKEN=central-system-token-0123",
                         "OCPPKIT_HEARTBEAT_INTERVAL=300"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->api_token, "");
    EXPECT_EQ(o->heartbeat_interval, 30);
    ASSERT_EQ(o->warnings.size(), 1u);
    EXPECT_NE(o->warnings[0].find("OCPPKIT_TESTER_API_TOKN"), std::string::npos) << o->warnings[0];
}

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The real binary: the token and the address come from the environment, a bad variable stops it with exit code 2
// and names the variable, and --help lists the variables.
TEST(ServeEnvironment, BinaryReadsTheEnvironment) {
    const std::string base = (fs::temp_directory_path() / ("ocppkit-serve-env-" + std::to_string(::getpid()))).string();
    const auto port = free_port();
    ::setenv("OCPPKIT_TESTER_LISTEN", ("127.0.0.1:" + std::to_string(port)).c_str(), 1);
    ::setenv("OCPPKIT_TESTER_DB", ("sqlite:" + base + ".db").c_str(), 1);
    ::setenv("OCPPKIT_TESTER_API_TOKEN", "env-token-0123456789", 1);
    {
        ChildProcess tester(kBinary, {"serve"}, base + ".log");
        ASSERT_TRUE(wait_until([&] { return http(port, "GET", "/healthz").status == 200; }, 10s))
            << read_all(base + ".log");
        const std::string body = R"({"chargeBoxId":"CB-ENV-1"})";
        EXPECT_EQ(http(port, "POST", "/api/v1/tests", body).status, 401);
        EXPECT_EQ(http(port, "POST", "/api/v1/tests", body, {"Authorization: Bearer env-token-0123456789"}).status,
                  201);
        EXPECT_EQ(tester.stop(), 0);
    }
    ::setenv("OCPPKIT_TESTER_TIMEOUT", "often", 1);
    {
        ChildProcess tester(kBinary, {"serve"}, base + ".log");
        EXPECT_EQ(tester.wait_exit(10s), 2);
    }
    const std::string log = read_all(base + ".log");
    EXPECT_NE(log.find("OCPPKIT_TESTER_TIMEOUT (environment): --timeout takes a whole number"), std::string::npos)
        << log;
    for (const char* var :
         {"OCPPKIT_TESTER_LISTEN", "OCPPKIT_TESTER_DB", "OCPPKIT_TESTER_API_TOKEN", "OCPPKIT_TESTER_TIMEOUT"}) {
        ::unsetenv(var);
    }
    {
        ChildProcess help(kBinary, {"serve", "--help"}, base + ".log");
        EXPECT_EQ(help.wait_exit(10s), 0);
    }
    EXPECT_NE(read_all(base + ".log").find("OCPPKIT_TESTER_API_TOKEN"), std::string::npos);
    for (const char* suffix : {".db", ".db-wal", ".db-shm", ".log"}) {
        fs::remove(base + suffix);
    }
}

} // namespace
