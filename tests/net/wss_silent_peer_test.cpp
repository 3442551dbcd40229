// A TLS peer that completes its handshakes and then neither reads nor writes: when the server ends its session (a
// close handshake that times out, or shutdown()), the connection and its descriptor must go at once, not when the
// silent peer finally sends or closes.
#include <dirent.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

// The descriptors this process holds now.
std::size_t open_fds() {
    std::size_t n = 0;
    if (DIR* d = opendir("/proc/self/fd")) {
        while (readdir(d) != nullptr) {
            ++n;
        }
        closedir(d);
    }
    return n;
}

// A raw TLS client on its own blocking socket: it upgrades to WebSocket and then stays silent until destroyed.
class SilentTlsPeer {
public:
    explicit SilentTlsPeer(SSL_CTX* ctx)
        : ssl_(SSL_new(ctx)) {}
    ~SilentTlsPeer() {
        SSL_free(ssl_);
        close_fd(fd_);
    }
    SilentTlsPeer(const SilentTlsPeer&) = delete;
    SilentTlsPeer& operator=(const SilentTlsPeer&) = delete;

    // The HTTP answer to the upgrade of `path` (empty when the TLS handshake or the exchange failed).
    std::string upgrade(std::uint16_t port, const std::string& path) {
        fd_ = connect_raw(port);
        if (fd_ < 0 || ssl_ == nullptr) {
            return {};
        }
        timeval tv{3, 0}; // every blocking call below is bounded
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        SSL_set_fd(ssl_, fd_);
        if (SSL_connect(ssl_) != 1) {
            return {};
        }
        const std::string request = upgrade_request(path);
        if (SSL_write(ssl_, request.data(), static_cast<int>(request.size())) != static_cast<int>(request.size())) {
            return {};
        }
        std::string answer;
        char buf[1024];
        while (answer.find("\r\n\r\n") == std::string::npos) {
            const int r = SSL_read(ssl_, buf, sizeof buf);
            if (r <= 0) {
                break;
            }
            answer.append(buf, static_cast<std::size_t>(r));
        }
        return answer;
    }

private:
    SSL* ssl_ = nullptr;
    int fd_ = -1;
};

class WssSilentPeerTest : public WsFixture {
protected:
    void SetUp() override {
        std::string why;
        pki = TestPki::get(&why);
        if (pki == nullptr) {
            GTEST_SKIP() << "cannot generate test certificates with the openssl tool: " << why;
        }
        client_ctx.reset(SSL_CTX_new(TLS_client_method()));
        ASSERT_TRUE(client_ctx);
        SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_NONE, nullptr); // the server's certificate is not the point
        ServerConfig config;
        ServerTlsConfig tls;
        tls.cert_file = pki->server_ec_cert;
        tls.key_file = pki->server_ec_key;
        config.tls = tls;
        config.close_handshake_timeout = 300ms;
        config.ping_interval = 0ms;
        ASSERT_TRUE(start_server(config));
        // One session opened and dropped first, so the loop's lazily made descriptors are in the baseline.
        {
            SilentTlsPeer warm(client_ctx.get());
            ASSERT_EQ(status_of(warm.upgrade(port(), "/ocpp/CB-warm")), 101);
            ASSERT_TRUE(wait_until([&] { return server_session_count() == 1; }));
        }
        ASSERT_TRUE(wait_until([&] { return on_server([&] { return !server_probes.at(0)->closes.empty(); }); }));
        on_server([&] {
            server_sessions.clear();
            server_probes.clear();
            return 0;
        });
    }

    // Opens `n` silent peers and waits until the server has their sessions.
    std::vector<std::unique_ptr<SilentTlsPeer>> open_silent(std::size_t n) {
        std::vector<std::unique_ptr<SilentTlsPeer>> peers;
        for (std::size_t i = 0; i < n; ++i) {
            peers.push_back(std::make_unique<SilentTlsPeer>(client_ctx.get()));
            EXPECT_EQ(status_of(peers.back()->upgrade(port(), "/ocpp/CB-" + std::to_string(i))), 101);
        }
        EXPECT_TRUE(wait_until([&] { return server_session_count() == n; }));
        return peers;
    }

    // Waits for every session's close handler, lets go of the sessions, and answers whether the descriptors came
    // back to `expected` (or fewer) within 3 s.
    bool sessions_released(std::size_t expected) {
        EXPECT_TRUE(wait_until([&] {
            return on_server([&] {
                for (const auto& probe : server_probes) {
                    if (probe->closes.empty()) {
                        return false;
                    }
                }
                return true;
            });
        }));
        on_server([&] {
            server_sessions.clear();
            return 0;
        });
        return wait_until([&] { return open_fds() <= expected; }, 3s);
    }

    const TestPki* pki = nullptr;
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> client_ctx{nullptr, SSL_CTX_free};
};

TEST_F(WssSilentPeerTest, ATimedOutCloseHandshakeFreesTheConnectionAtOnce) {
    constexpr std::size_t kPeers = 3;
    const std::size_t baseline = open_fds();
    auto peers = open_silent(kPeers);
    EXPECT_EQ(open_fds(), baseline + 2 * kPeers); // both ends of every connection live in this process
    on_server([&] {
        for (auto& s : server_sessions) {
            s->close(1000, "bye"); // the peers never answer: the close handshake times out after 300 ms
        }
        return 0;
    });
    // Only the peers' own sockets remain; the server's went although the peers still neither read nor close.
    EXPECT_TRUE(sessions_released(baseline + kPeers))
        << "descriptors: " << open_fds() << ", expected " << baseline + kPeers;
    EXPECT_EQ(server->connection_count(), 0u);
}

TEST_F(WssSilentPeerTest, ShutdownFreesTheConnectionsOfSilentPeersAtOnce) {
    constexpr std::size_t kPeers = 3;
    const std::size_t baseline = open_fds();
    auto peers = open_silent(kPeers);
    EXPECT_EQ(open_fds(), baseline + 2 * kPeers);
    on_server([&] {
        server->shutdown(); // going away (1001); the peers never answer
        return 0;
    });
    EXPECT_TRUE(sessions_released(baseline + kPeers))
        << "descriptors: " << open_fds() << ", expected at most " << baseline + kPeers;
}

} // namespace
} // namespace ocpp::net::test
