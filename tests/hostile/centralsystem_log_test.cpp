// Hostile input against the real ocpp-centralsystem: a charger (or a stranger) forging log lines, flooding garbage,
// never reading, or sending faster than the message-rate limit. Each test plays the charger on a raw socket.
#include <sys/stat.h>

#include <thread>

#include "tests/centralsystem/cs_binary.hpp"
#include "tests/hostile/log_check.hpp"
#include "tests/support/raw_ws.hpp"

namespace cs::test {
namespace {

using ocppkit::test::RawWs;

std::size_t file_size(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
}

class HostileChargerLog : public CentralSystemBinary {
protected:
    std::string log_path() const { return base_ + ".cs.log"; }
};

TEST_F(HostileChargerLog, APathOrAFieldWithALineBreakForgesNoLogLine) {
    restart({"--auto-register", "--log-level", "debug"});
    raw("GET", "/ocpp/CB-A%0Afake%20log%20line");
    {
        RawWs ws;
        ws.upgrade(port_, "/ocpp/CB-A%0Afake%20log%20line"); // accepted or refused: either is logged
        ws.upgrade(port_, "/ocpp/CB-B%0D%0A2026-01-01T00:00:00.000Z%20error%20x%3A%20forged%1B%5B2J");
        ws.upgrade(port_, "/ocpp/CB-A%0Afake%20log%20line", "CB-A\nfake log line", "pw");
    }
    RawWs ws;
    ASSERT_EQ(ws.upgrade(port_, "/ocpp/CB-C"), 101);
    // Control bytes, a C1 "next line", a line separator and a raw ESC in BootNotification fields, an answer to no
    // call with a line break in its id, and an action name with a line break.
    ASSERT_TRUE(ws.send_text(R"([2,"b1","BootNotification",{"chargePointVendor":"ACME\n2026-01-01T00:00:00.000Z )"
                             R"(error x: forged\u001b[31m","chargePointModel":"M\u0085\u2028\r\nforged: model"}])"));
    ASSERT_TRUE(ws.send_text(R"([3,"id\nforged: answer",{}])"));
    ASSERT_TRUE(ws.send_text(R"([2,"c1","Foo\nforged: action",{}])"));
    ASSERT_TRUE(ws.send_text("[2,\"c2\",\"Heartbeat\",{}]\n\x1b[2Jforged: raw"));
    ws.read_some(2s);
    ws.close();
    ASSERT_TRUE(wait_until([&] { return file_text(log_path()).find("CB-C") != std::string::npos; }, 10s));
    cs_.reset(); // the log is complete once the process is gone
    const std::string log = file_text(log_path());
    EXPECT_EQ(hostile::forged_line(log), "") << log;
    // The line breaks appear escaped, or named where the ID rule refused them.
    EXPECT_TRUE(log.find("\\n") != std::string::npos || log.find("U+000A (line feed)") != std::string::npos) << log;
}

// Sends `frame(i)` as fast as the socket takes it for `duration`; the number sent.
template <class F> int flood(RawWs& ws, std::chrono::milliseconds duration, F frame) {
    const auto end = std::chrono::steady_clock::now() + duration;
    int sent = 0;
    while (std::chrono::steady_clock::now() < end && ws.send_text(frame(sent))) {
        ++sent;
    }
    return sent;
}

TEST_F(HostileChargerLog, GarbageCostsAtMostOneKibPerSecondOfLog) {
    restart({"--auto-register", "--max-message-rate", "0"}); // the log bound alone, without the rate limit
    RawWs ws;
    ASSERT_EQ(ws.upgrade(port_, "/ocpp/CB-G"), 101);
    ASSERT_TRUE(wait_until([&] { return file_text(log_path()).find("\"CB-G\" connected") != std::string::npos; }, 10s));
    const auto before = file_size(log_path());
    const auto t0 = std::chrono::steady_clock::now();
    const int sent = flood(ws, 6s, [](int i) {
        return i % 3 == 0   ? std::string("garbage ") + std::to_string(i)
               : i % 3 == 1 ? "[3,\"nobody-" + std::to_string(i) + "\",{}]"
                            : std::string("[7,\"x\"]");
    });
    // Closing flushes the summary of what was held back.
    ws.close();
    EXPECT_TRUE(wait_until(
        [&] { return file_text(log_path()).find("more malformed frames from \"CB-G\"") != std::string::npos; }, 10s))
        << file_text(log_path());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto bytes = file_size(log_path()) - before;
    EXPECT_GT(sent, 3000) << "the flood was not a flood";
    EXPECT_LE(bytes / seconds, 1024.0) << sent << " frames gave " << bytes << " log bytes in " << seconds << " s\n"
                                       << file_text(log_path());
}

TEST_F(HostileChargerLog, AChargerThatNeverReadsCostsAtMostOneKibPerSecondOfLog) {
    restart({"--auto-register", "--max-message-rate", "0"});
    RawWs ws;
    ASSERT_EQ(ws.upgrade(port_, "/ocpp/CB-R"), 101);
    ASSERT_TRUE(wait_until([&] { return file_text(log_path()).find("\"CB-R\" connected") != std::string::npos; }, 10s));
    ws.set_timeout(200ms); // the central system may stop reading too: then a send gives up, and the test goes on
    const auto before = file_size(log_path());
    const auto t0 = std::chrono::steady_clock::now();
    int sent = 0;
    for (auto end = t0 + 6s; std::chrono::steady_clock::now() < end;) {
        sent += ws.send_text("[2,\"h" + std::to_string(sent) + "\",\"Heartbeat\",{}]") ? 1 : 0;
    }
    std::this_thread::sleep_for(1s);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto bytes = file_size(log_path()) - before;
    EXPECT_GT(sent, 100) << "the flood was not a flood";
    EXPECT_LE(bytes / seconds, 1024.0) << sent << " calls gave " << bytes << " log bytes in " << seconds << " s\n"
                                       << file_text(log_path());
}

TEST_F(HostileChargerLog, CallsBeyondTheRateLimitGetAGenericErrorAndAPersistentFloodIsClosedWith1008) {
    restart({"--auto-register", "--max-message-rate", "20", "--message-burst", "40"});
    RawWs ws;
    ASSERT_EQ(ws.upgrade(port_, "/ocpp/CB-F"), 101);
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(ws.send_text("[2,\"b" + std::to_string(i) + "\",\"Heartbeat\",{}]"));
    }
    std::string received;
    ASSERT_TRUE(wait_until(
        [&] {
            received += ws.read_some(200ms);
            return received.find("message rate limit exceeded: at most 20 messages/s (bursts of 40)") !=
                   std::string::npos;
        },
        10s))
        << received;
    EXPECT_NE(received.find("\"GenericError\""), std::string::npos);
    // 100 calls a second, without a pause: closed after 10 s of refusals (bounded here by 40 s).
    bool closed = false;
    const auto end = std::chrono::steady_clock::now() + 40s;
    for (int i = 0; !closed && std::chrono::steady_clock::now() < end; ++i) {
        if (!ws.send_text("[2,\"f" + std::to_string(i) + "\",\"Heartbeat\",{}]")) {
            break;
        }
        received += ws.read_some(10ms);
        closed = received.find("\x88") != std::string::npos && received.find("\x03\xf0") != std::string::npos;
    }
    if (!closed) {
        ws.wait_closed(5s, &received);
        closed = received.find("\x03\xf0") != std::string::npos;
    }
    EXPECT_TRUE(closed) << "no close frame with 1008";
    ASSERT_TRUE(wait_until([&] { return file_text(log_path()).find("closing with 1008") != std::string::npos; }, 10s))
        << file_text(log_path());
}

} // namespace
} // namespace cs::test
