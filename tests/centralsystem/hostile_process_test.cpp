// The hostile-input suite, process limits and framing: the real ocpp-centralsystem under a low open-file limit
// (started through prlimit), a stranger that opens more connections than fit, a charger that sends binary frames and
// message types OCPP-J does not know, and a client that spells the bearer scheme in lower case.
#include <unistd.h>

#include "tests/centralsystem/cs_binary.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/raw_ws.hpp"

namespace cs::test {
namespace {

using ocppkit::test::connect_raw;
using ocppkit::test::receive;
using ocppkit::test::send_all;
using ocppkit::test::status_of;
using ocppkit::test::upgrade_request;

const std::string kPrlimit = "/usr/bin/prlimit";

// The central system started through prlimit with the given open-file limit ("SOFT:HARD"), auto-registering the
// chargers that connect. Every socket the test opens is closed at the end.
class HostileProcessLimits : public ::testing::Test {
protected:
    void SetUp() override {
        if (::access(kPrlimit.c_str(), X_OK) != 0) {
            GTEST_SKIP() << "needs " << kPrlimit << " (util-linux)";
        }
        base_ = "/tmp/cs-hostile-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
        cleanup();
    }
    void TearDown() override {
        for (int fd : fds_) {
            ::close(fd);
        }
        cs_.reset();
        if (HasFailure()) {
            std::fprintf(stderr, "--- central system log ---\n%s\n", file_text(base_ + ".cs.log").c_str());
        }
        cleanup();
    }
    void cleanup() {
        for (const char* suffix : {".db", ".db-wal", ".db-shm", ".cs.log"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    void start(const std::string& nofile) {
        port_ = free_port();
        cs_ = std::make_unique<ChildProcess>(
            kPrlimit,
            std::vector<std::string>{"--nofile=" + nofile, kBin + "/ocpp-centralsystem", "--listen",
                                     "127.0.0.1:" + std::to_string(port_), "--db", "sqlite:" + base_ + ".db",
                                     "--api-token", kToken, "--auto-register"},
            base_ + ".cs.log");
        ASSERT_TRUE(wait_until([&] { return healthz() == 200; }, 15s)) << file_text(base_ + ".cs.log");
    }
    int healthz() { return ocppkit::test::http(port_, "GET", "/healthz", "", {}, 3000ms).status; }
    // Opens `n` connections that ask for a WebSocket upgrade (as chargers "<prefix>1".."<prefix>n") and returns the
    // HTTP status each got (0: none within the shared deadline). The sockets stay open.
    std::vector<int> upgrade_many(int n, const std::string& prefix, std::chrono::seconds within) {
        std::vector<int> opened;
        for (int i = 1; i <= n; ++i) {
            const int fd = connect_raw(port_);
            if (fd < 0) {
                break;
            }
            fds_.push_back(fd);
            opened.push_back(fd);
            send_all(fd, upgrade_request("/ocpp/" + prefix + std::to_string(i)));
        }
        const auto deadline = std::chrono::steady_clock::now() + within;
        std::vector<int> statuses;
        for (int fd : opened) {
            const auto left = std::max(
                std::chrono::milliseconds(0),
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
            statuses.push_back(status_of(receive(fd, "\r\n\r\n", left)));
        }
        return statuses;
    }
    void close_all() {
        for (int fd : fds_) {
            ::close(fd);
        }
        fds_.clear();
    }

    std::string base_;
    std::uint16_t port_ = 0;
    std::unique_ptr<ChildProcess> cs_;
    std::vector<int> fds_;
};

TEST_F(HostileProcessLimits, TheSoftFileLimitIsRaisedToTheHardOne) {
    start("100:400");
    EXPECT_EQ(ocppkit::test::soft_file_limit(cs_->pid()), 400);
}

TEST_F(HostileProcessLimits, MoreConnectionsThanDescriptorsNeitherSpinNorSilenceHealthz) {
    start("128:128");

    // More chargers than descriptors: each gets an answer, the ones beyond the computed limit a 503.
    const auto statuses = upgrade_many(150, "HOSTILE-", 30s);
    const auto count = [&](int status) { return std::count(statuses.begin(), statuses.end(), status); };
    EXPECT_EQ(count(0), 0) << "upgrades left without an answer (out of descriptors)";
    EXPECT_GE(count(101), 10);
    EXPECT_LE(count(101), 64);
    EXPECT_GE(count(503), 1);
    EXPECT_EQ(count(101) + count(503), 150);
    // The chargers hold what they may; plain HTTP still gets a descriptor.
    EXPECT_TRUE(wait_until([&] { return healthz() == 200; }, 10s));
    EXPECT_NE(file_text(base_ + ".cs.log").find("max_connections lowered from 19000 to "), std::string::npos);

    // Connections that never send a request take the rest, and more wait in the kernel's queue: the accept loop
    // neither spins on them nor lets them keep /healthz out (the oldest silent ones make room).
    for (int i = 0; i < 100; ++i) {
        const int fd = connect_raw(port_);
        ASSERT_GE(fd, 0);
        fds_.push_back(fd);
    }
    std::this_thread::sleep_for(1s);
    const long ticks_before = ocppkit::test::cpu_ticks(cs_->pid());
    const auto wall_before = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(3s);
    const long ticks_after = ocppkit::test::cpu_ticks(cs_->pid());
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
    ASSERT_GE(ticks_before, 0);
    const double cpu = static_cast<double>(ticks_after - ticks_before) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    EXPECT_LT(cpu, 0.05 * wall) << "the process used " << cpu << " s of CPU in " << wall << " s";
    EXPECT_NE(file_text(base_ + ".cs.log").find("cannot accept a connection"), std::string::npos);
    EXPECT_TRUE(wait_until([&] { return healthz() == 200; }, 10s)) << "/healthz while silent connections hold the rest";

    // Once the clients are gone, the process serves again: HTTP and new chargers.
    close_all();
    EXPECT_TRUE(wait_until([&] { return healthz() == 200; }, 15s));
    EXPECT_TRUE(wait_until([&] { return upgrade_many(1, "HOSTILE-AFTER-", 5s) == std::vector<int>{101}; }, 15s));
}

// A charger that speaks OCPP-J wrongly on purpose, against the real central system.
class HostileFrames : public CentralSystemBinary {
protected:
    // A raw WebSocket connection of an auto-registered charger; -1 when the upgrade failed.
    int connect_charger(const std::string& id) {
        const int fd = connect_raw(port_);
        if (fd < 0) {
            return -1;
        }
        fds_.push_back(fd);
        send_all(fd, upgrade_request("/ocpp/" + id));
        return status_of(receive(fd, "\r\n\r\n", 10s)) == 101 ? fd : -1;
    }
    void TearDown() override {
        for (int fd : fds_) {
            ::close(fd);
        }
        CentralSystemBinary::TearDown();
    }
    std::vector<int> fds_;
};

TEST_F(HostileFrames, AnUnknownMessageTypeGetsACallErrorAndABinaryFrameClosesWith1003) {
    restart({"--auto-register"});
    const int fd = connect_charger("HOSTILE-FRAMES");
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, ocppkit::test::client_frame(0x1, R"([9,"id-9","Heartbeat",{}])")));
    std::string bytes;
    std::string answer;
    ASSERT_TRUE(wait_until(
        [&] {
            bytes += receive(fd, "id-9", 500ms);
            for (const auto& [opcode, payload] : ocppkit::test::server_frames(bytes)) {
                if (opcode == 0x1 && payload.find("\"id-9\"") != std::string::npos) {
                    answer = payload;
                }
            }
            return !answer.empty();
        },
        10s))
        << "no answer to a message of type 9; received: " << bytes;
    EXPECT_EQ(answer.rfind(R"([4,"id-9","FormationViolation",)", 0), 0u) << answer;
    EXPECT_NE(answer.find("unknown message type 9"), std::string::npos) << answer;

    // A binary frame is not OCPP-J: it is not processed (no answer to the Heartbeat in it) and the connection closes.
    ASSERT_TRUE(send_all(fd, ocppkit::test::client_frame(0x2, R"([2,"bin-1","Heartbeat",{}])")));
    const auto frames = ocppkit::test::server_frames(receive(fd, "", 10s));
    int close = 0;
    for (const auto& [opcode, payload] : frames) {
        EXPECT_EQ(payload.find("bin-1"), std::string::npos) << "the binary frame was processed: " << payload;
        if (opcode == 0x8) {
            close = ocppkit::test::close_code(payload);
        }
    }
    EXPECT_EQ(close, 1003);
}

using HostileStranger = CentralSystemBinary;

TEST_F(HostileStranger, TheBearerSchemeIsCaseInsensitive) {
    for (const std::string scheme : {"bearer", "BEARER", "Bearer"}) {
        EXPECT_EQ(raw("GET", "/api/v1/chargers", "", {"Authorization: " + scheme + " " + kToken}).status, 200)
            << scheme;
    }
    EXPECT_EQ(raw("GET", "/api/v1/chargers", "", {"Authorization: bearer wrong-token-0123456789"}).status, 401);
    EXPECT_EQ(raw("GET", "/api/v1/chargers", "", {"Authorization: Basic " + kToken}).status, 401);
}

} // namespace
} // namespace cs::test
