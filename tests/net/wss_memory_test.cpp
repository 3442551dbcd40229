// Memory held by idle TLS connections: 200 ws and then 200 wss sessions, both ends in this process, counted by the
// heap's own bookkeeping (glibc's mallinfo2: bytes in use, all arenas and mmapped blocks).
#include <malloc.h>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

std::size_t heap_in_use() {
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

class WssMemoryTest : public WsFixture {
protected:
    static constexpr std::size_t kConnections = 200;

    void SetUp() override {
#if defined(__SANITIZE_ADDRESS__)
        GTEST_SKIP() << "ASan's allocator does not report to mallinfo2: the heap cannot be counted here";
#endif
        std::string why;
        pki = TestPki::get(&why);
        if (pki == nullptr) {
            GTEST_SKIP() << "cannot generate test certificates with the openssl tool: " << why;
        }
    }

    // Opens kConnections idle sessions (after one that warms contexts, caches and the loops up), echoes one message
    // on each, and answers the heap bytes they hold per pair of ends; then closes everything again.
    std::size_t bytes_per_pair(bool tls) {
        ServerConfig config;
        ClientConfig client_config;
        if (tls) {
            ServerTlsConfig server_tls;
            server_tls.cert_file = pki->server_ec_cert;
            server_tls.key_file = pki->server_ec_key;
            server_tls.client_ca_file = pki->ca_cert; // security profile 3: a client certificate in every handshake
            config.tls = server_tls;
            client_config.tls = ClientTlsConfig{pki->ca_cert, pki->client_cert, pki->client_key, true};
        }
        EXPECT_TRUE(start_server(config));
        std::vector<std::pair<Connected, std::shared_ptr<Probe>>> sessions;
        auto open_one = [&](std::size_t i) {
            ConnectOptions o;
            o.url = std::string(tls ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(port()) + "/ocpp/CB-" +
                    std::to_string(i);
            sessions.push_back(open(o, client_config));
            return sessions.back().first.session != nullptr;
        };
        EXPECT_TRUE(open_one(0));
        const std::size_t before = heap_in_use();
        for (std::size_t i = 1; i <= kConnections; ++i) {
            EXPECT_TRUE(open_one(i));
        }
        for (auto& [c, probe] : sessions) {
            if (c.session) {
                on_client([&] { return c.session->send("{\"ping\":1}"); });
            }
        }
        EXPECT_TRUE(wait_until([&] {
            return on_client([&] {
                std::size_t echoed = 0;
                for (auto& [c, probe] : sessions) {
                    echoed += probe->messages.size();
                }
                return echoed == sessions.size();
            });
        }));
        const std::size_t after = heap_in_use();
        on_client([&] {
            sessions.clear();
            client.reset();
            return 0;
        });
        on_server([&] {
            server.reset(); // its closed sessions stay in server_sessions: the fixture counts opens across servers
            return 0;
        });
        return after > before ? (after - before) / kConnections : 0;
    }

    const TestPki* pki = nullptr;
};

// What TLS adds to an idle connection (server and client end together, client certificates on): Asio's TLS stream
// alone held 2 x 68 KiB of buffers per pair; here the SSL objects, their certificates and sessions remain, and
// OpenSSL's record buffers are given back between records.
TEST_F(WssMemoryTest, IdleTlsConnectionsHoldNoRecordBuffers) {
    constexpr std::size_t kTlsBoundPerPair = 64 * 1024; // measured: about 50 KiB (OpenSSL 3.0)
    const std::size_t plain = bytes_per_pair(false);
    const std::size_t tls = bytes_per_pair(true);
    RecordProperty("plain_bytes_per_pair", static_cast<int>(plain));
    RecordProperty("tls_bytes_per_pair", static_cast<int>(tls));
    EXPECT_GT(tls, plain);
    EXPECT_LE(tls - plain, kTlsBoundPerPair) << "ws: " << plain << " bytes, wss: " << tls << " bytes per pair";
}

} // namespace
} // namespace ocpp::net::test
