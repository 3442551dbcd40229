// A large request body over a slow link earns time by what arrives of it; WebSocket upgrades and small requests stay
// bound by the open-handshake timeout, and a large upload that stalls (whatever Content-Length it claimed) is cut
// once what it sent no longer pays for the wait.
#include <thread>

#include "tests/support/raw_ws.hpp"
#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Above the 256 KiB from which a body is paced at 64 KiB/s: 0.6 s + 5 s.
constexpr std::size_t kUpload = 320 * 1024;

class WsUploadPace : public WsFixture {
protected:
    void SetUp() override {
        ServerConfig config;
        config.open_handshake_timeout = 600ms;
        config.max_http_body = 2 * 1024 * 1024;
        http = [](const HttpRequest& req, HttpResponder respond) {
            respond(HttpResponse{200, {}, std::to_string(req.body.size())});
        };
        ASSERT_TRUE(start_server(config));
    }
    // Seconds until the server closes a connection that sent `head` and then nothing.
    double seconds_until_cut(const std::string& head) {
        const int fd = ocppkit::test::connect_raw(port());
        EXPECT_GE(fd, 0);
        ocppkit::test::send_all(fd, head);
        const auto t0 = Clock::now();
        const std::string got = ocppkit::test::receive(fd, "", 10s);
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        ocppkit::test::close_fd(fd);
        EXPECT_EQ(ocppkit::test::status_of(got), 0) << "cut without an answer: " << got;
        return s;
    }
};

TEST_F(WsUploadPace, ASlowLargeUploadFinishesBeyondTheHandshakeTimeout) {
    const int fd = ocppkit::test::connect_raw(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(ocppkit::test::send_all(
        fd, "PUT /firmware HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kUpload) + "\r\n\r\n"));
    const auto t0 = Clock::now();
    const std::string chunk(kUpload / 16, 'f');
    for (int i = 0; i < 16; ++i) { // 1.6 s, well past the 0.6 s timeout; each 20 KiB piece earns 0.3 s more
        std::this_thread::sleep_for(100ms);
        ASSERT_TRUE(ocppkit::test::send_all(fd, chunk)) << "cut after " << i << " chunks";
    }
    const std::string answer = ocppkit::test::receive(fd, std::to_string(kUpload), 5s);
    ocppkit::test::close_fd(fd);
    EXPECT_GT(Clock::now() - t0, 1500ms);
    EXPECT_EQ(ocppkit::test::status_of(answer), 200) << answer;
    EXPECT_NE(answer.find(std::to_string(kUpload)), std::string::npos) << answer;
}

TEST_F(WsUploadPace, SmallRequestsAndUpgradesKeepTheHandshakeTimeout) {
    const double small = seconds_until_cut("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");
    EXPECT_GT(small, 0.4);
    EXPECT_LT(small, 1.5) << "a small body earns no extra time";
    const double partial = seconds_until_cut("GET /ocpp/CB-1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n");
    EXPECT_LT(partial, 1.5) << "an unfinished upgrade request is cut at the handshake timeout";
}

TEST_F(WsUploadPace, ALargeUploadThatStallsIsStillCut) {
    // It claims 320 KiB (which would have earned 5 s at the minimum rate) but sends 1,000 bytes: cut at about the
    // handshake timeout, as a stranger's claim earns nothing it does not send.
    const double stalled =
        seconds_until_cut("PUT /firmware HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kUpload) +
                          "\r\n\r\n" + std::string(1000, 'f'));
    EXPECT_GT(stalled, 0.5);
    EXPECT_LT(stalled, 1.5) << "the claimed size earns no time";
}

} // namespace
} // namespace ocpp::net::test
