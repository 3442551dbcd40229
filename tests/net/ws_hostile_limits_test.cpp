// Hostile peers and the process' descriptors: the server keeps max_connections under the open-file limit, so that
// the upgrades beyond it are refused (503) while descriptors remain for everything else. The accept loop's back-off
// when descriptors run out is tested against the real central system (tests/centralsystem/hostile_process_test.cpp):
// here the clients would share the limit with the server.
#include <sys/resource.h>

#include <regex>

#include "ocpp/system/file_limit.hpp"
#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

using WsHostileLimits = WsFixture;

// Lowers the soft open-file limit for the scope of one test and puts it back.
class SoftFileLimit {
public:
    explicit SoftFileLimit(rlim_t soft) {
        ::getrlimit(RLIMIT_NOFILE, &saved_);
        rlimit lowered = saved_;
        lowered.rlim_cur = soft;
        ok_ = ::setrlimit(RLIMIT_NOFILE, &lowered) == 0;
    }
    ~SoftFileLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
    SoftFileLimit(const SoftFileLimit&) = delete;
    SoftFileLimit& operator=(const SoftFileLimit&) = delete;
    bool ok() const { return ok_; }

private:
    rlimit saved_{};
    bool ok_ = false;
};

TEST_F(WsHostileLimits, MaxConnectionsIsLoweredToFitTheOpenFileLimitAndSaysSo) {
    const auto open_now = open_file_count();
    ASSERT_TRUE(open_now);
    std::size_t limit = 0;
    {
        SoftFileLimit low(*open_now + 120); // the server's own descriptors, some kept free, the rest fits
        ASSERT_TRUE(low.ok());
        ASSERT_TRUE(start_server());
    }
    std::smatch lowered;
    const std::string all = logs.all();
    ASSERT_TRUE(std::regex_search(all, lowered, std::regex("max_connections lowered from 19000 to ([0-9]+): "))) << all;
    limit = std::stoul(lowered[1]);
    EXPECT_GT(limit, 10u);
    EXPECT_LT(limit, 100u);
    EXPECT_TRUE(logs.contains("stay free for the database, logs and HTTP requests")) << all;

    // The upgrade beyond the limit is refused with 503 and a reason; the ones within it open.
    std::vector<SessionPtr> open;
    for (std::size_t i = 0; i < limit; ++i) {
        auto [c, probe] = open_url(url("/ocpp/CB-" + std::to_string(i)));
        ASSERT_TRUE(c.session) << "connection " << i;
        open.push_back(c.session);
    }
    const std::string answer = http_exchange(port(), upgrade_request("/ocpp/CB-ONE-TOO-MANY", "ocpp1.6"));
    EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
    EXPECT_NE(answer.find("connection limit reached (" + std::to_string(limit) + ")"), std::string::npos) << answer;
}

TEST_F(WsHostileLimits, AHighEnoughLimitLeavesMaxConnectionsAlone) {
    ServerConfig config;
    config.max_connections = 2;
    ASSERT_TRUE(start_server(config));
    EXPECT_FALSE(logs.contains("max_connections lowered")) << logs.all();
    auto [a, pa] = open_url(url("/ocpp/A"));
    auto [b, pb] = open_url(url("/ocpp/B"));
    EXPECT_TRUE(a.session && b.session);
    const std::string answer = http_exchange(port(), upgrade_request("/ocpp/C", "ocpp1.6"));
    EXPECT_NE(answer.find("connection limit reached (2)"), std::string::npos) << answer;
}

} // namespace
} // namespace ocpp::net::test
