// The hostile-input suite against the real `ocpp-tester serve`: the bearer scheme spelled in any case (RFC 7235), and
// the soft open-file limit raised to the hard one at start.
#include <unistd.h>

#include <gtest/gtest.h>

#include "serve_binary.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/raw_ws.hpp"
#include "tests/support/wait.hpp"

using namespace tester::test;
using namespace ocppkit::test;

namespace {

const std::string kToken = "site-token-0123456789";

using HostileStranger = ServeBinary;

TEST_F(HostileStranger, TheBearerSchemeIsCaseInsensitive) {
    ASSERT_NO_FATAL_FAILURE(start({"--api-token", kToken}));
    for (const std::string scheme : {"bearer", "BEARER", "Bearer"}) {
        EXPECT_EQ(http(port_, "GET", "/api/v1/tests", "", {"Authorization: " + scheme + " " + kToken}).status, 200)
            << scheme;
    }
    EXPECT_EQ(http(port_, "GET", "/api/v1/tests", "", {"Authorization: bearer wrong-token-0123456789"}).status, 401);
}

TEST(HostileProcessLimits, TheTesterRaisesItsSoftFileLimitToTheHardOne) {
    const std::string prlimit = "/usr/bin/prlimit";
    if (::access(prlimit.c_str(), X_OK) != 0) {
        GTEST_SKIP() << "needs " << prlimit << " (util-linux)";
    }
    const std::string base = "/tmp/ocppkit-hostile-tester-" + std::to_string(::getpid());
    const std::string log = base + ".log";
    const std::uint16_t port = free_port();
    ChildProcess tester(prlimit,
                        {"--nofile=100:400", kBinary, "serve", "--listen", "127.0.0.1:" + std::to_string(port), "--db",
                         "sqlite:" + base + ".db"},
                        log);
    EXPECT_TRUE(wait_until([&] { return http(port, "GET", "/healthz", "", {}, 500ms).status == 200; }, 15s));
    EXPECT_EQ(ocppkit::test::soft_file_limit(tester.pid()), 400);
    tester.stop();
    for (const char* suffix : {".log", ".db", ".db-wal", ".db-shm"}) {
        std::remove((base + suffix).c_str());
    }
}

} // namespace
