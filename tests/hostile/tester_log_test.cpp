// Hostile input against the real `ocpp-tester check`: a charger that puts line breaks and control bytes into the
// URL path, the Basic user and its messages forges no line in the tester's log (stderr).
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/hostile/log_check.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/raw_ws.hpp"
#include "tests/support/wait.hpp"

namespace {

using namespace std::chrono_literals;
using ocppkit::test::accepts_tcp;
using ocppkit::test::ChildProcess;
using ocppkit::test::free_port;
using ocppkit::test::RawWs;
using ocppkit::test::wait_until;

std::string file_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(HostileChargerTesterLog, APathOrAFieldWithALineBreakForgesNoLogLine) {
    const std::string base = ::testing::TempDir() + "hostile-tester-" + std::to_string(::getpid());
    const std::string password = "Xk29fLq8Zr4mTw7pBq";
    const auto port = free_port();
    std::string out;
    {
        ChildProcess tester(std::string(ocppkit::test::bin_dir()) + "/ocpp-tester",
                            {"check", "--listen", "127.0.0.1:" + std::to_string(port), "--chargebox-id", "CB-A",
                             "--password", password, "--db", "sqlite:" + base + ".db", "--timeout", "60",
                             "--heartbeat-interval", "2", "--log-level", "debug"},
                            base + ".out");
        ASSERT_TRUE(wait_until([&] { return accepts_tcp(port); }, 10s)) << file_text(base + ".out");
        {
            RawWs ws;
            ws.upgrade(port, "/ocpp/CB-A%0Afake%20log%20line", "CB-A", password);
            ws.upgrade(port, "/ocpp/CB-A%0D%0A2026-01-01T00:00:00.000Z%20error%20x%3A%20forged%1B%5B2J");
            ws.upgrade(port, "/ocpp/CB-A", "CB-A\nfake log line", password);
        }
        RawWs ws;
        ASSERT_EQ(ws.upgrade(port, "/ocpp/CB-A", "CB-A", password), 101) << file_text(base + ".out");
        ASSERT_TRUE(ws.send_text(R"([2,"b1","BootNotification",{"chargePointVendor":"ACME\n2026-01-01T00:00:00.000Z )"
                                 R"(error x: forged\u001b[31m","chargePointModel":"M\u0085\u2028\r\nforged: m"}])"));
        ASSERT_TRUE(ws.send_text(R"([3,"id\nforged: answer",{}])"));
        ASSERT_TRUE(ws.send_text(R"([2,"c1","Foo\nforged: action",{}])"));
        ASSERT_TRUE(ws.send_text("[2,\"c2\",\"Heartbeat\",{}]\n\x1b[2Jforged: raw"));
        ws.read_some(1s);
        EXPECT_TRUE(wait_until(
            [&] { return file_text(base + ".out").find("matches no outstanding call") != std::string::npos; }, 10s))
            << "the tester logged the answer to no call\n"
            << file_text(base + ".out");
        ws.close();
        tester.stop();
    }
    // stdout and stderr both: the checklist must not carry a forged line either.
    out = file_text(base + ".out");
    EXPECT_EQ(hostile::forged_line(out), "") << out;
    for (const char* suffix : {".out", ".db", ".db-wal", ".db-shm"}) {
        std::remove((base + suffix).c_str());
    }
}

} // namespace
