// Our TLS stream on its own, both ends on one io_context run by the test, so that the order of the loop's turns is
// the test's. The stream waits for the socket before it reads when OpenSSL holds nothing; these tests pin down that
// such a wait still completes for bytes that arrived while no read was pending and the loop's reactor had already
// seen the socket become readable (Asio re-arms the descriptor when it queues the wait).
#include <gtest/gtest.h>

#include <asio.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "ocpp/net/detail/tls.hpp"
#include "ocpp/net/detail/tls_stream.hpp"
#include "tests/support/net_support.hpp"

namespace ocpp::net::detail {
namespace {

using namespace std::chrono_literals;

class TlsStreamTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string why;
        const auto* pki = ocppkit::test::TestPki::get(&why);
        if (pki == nullptr) {
            GTEST_SKIP() << "cannot generate test certificates with the openssl tool: " << why;
        }
        ServerTlsConfig server_tls;
        server_tls.cert_file = pki->server_ec_cert;
        server_tls.key_file = pki->server_ec_key;
        auto server_ctx = make_server_ssl_ctx(server_tls);
        auto client_ctx = make_client_ssl_ctx(ClientTlsConfig{pki->ca_cert, "", "", true});
        ASSERT_TRUE(server_ctx && client_ctx);
        server_ctx_ = share_ssl_ctx(server_ctx.value());
        client_ctx_ = share_ssl_ctx(client_ctx.value());
        server = std::make_unique<TlsStream>(io, server_ctx_.get());
        client = std::make_unique<TlsStream>(io, client_ctx_.get());
        asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
        client->lowest_layer().connect(acceptor.local_endpoint());
        acceptor.accept(server->lowest_layer());
        set_expected_peer_name(client->native_handle(), "127.0.0.1");
        int done = 0;
        server->async_handshake(TlsStream::server, [&](const asio::error_code& ec) { done += ec ? 100 : 1; });
        client->async_handshake(TlsStream::client, [&](const asio::error_code& ec) { done += ec ? 100 : 1; });
        ASSERT_TRUE(run_until([&] { return done >= 2; }));
        ASSERT_EQ(done, 2);
    }

    // Runs the loop until `done` holds, for at most 5 s.
    template <class Done> bool run_until(Done done) {
        const auto until = std::chrono::steady_clock::now() + 5s;
        while (!done() && std::chrono::steady_clock::now() < until) {
            io.run_for(10ms);
            io.restart();
        }
        return done();
    }

    // A few turns of the loop with other work outstanding (as a server's loop always has: its acceptor, timers,
    // other connections), so that its reactor looks at the sockets although no read is pending.
    void turn_the_loop() {
        auto busy = asio::make_work_guard(io);
        for (int i = 0; i < 20; ++i) {
            io.poll();
            io.restart();
            std::this_thread::sleep_for(1ms);
        }
    }

    void client_writes(const std::string& text) {
        bool written = false;
        client->async_write_some(asio::buffer(text),
                                 [&](const asio::error_code& ec, std::size_t n) { written = !ec && n == text.size(); });
        ASSERT_TRUE(run_until([&] { return written; }));
    }

    asio::io_context io;
    SslCtxPtr server_ctx_, client_ctx_;
    std::unique_ptr<TlsStream> server, client;
};

TEST_F(TlsStreamTest, DataThatArrivedWhileNoReadWasPendingIsReadByTheNextRead) {
    // The server has no read pending while the record arrives, and the loop goes on turning meanwhile: its reactor
    // sees the socket become readable with nobody waiting.
    client_writes("while nobody reads");
    turn_the_loop();
    char buf[64];
    std::string got;
    server->async_read_some(asio::buffer(buf), [&](const asio::error_code& ec, std::size_t n) {
        got = ec ? "error: " + ec.message() : std::string(buf, n);
    });
    ASSERT_TRUE(run_until([&] { return !got.empty(); })) << "the read waited for a wake-up that was already taken";
    EXPECT_EQ(got, "while nobody reads");
}

TEST_F(TlsStreamTest, AnIdleReadWaitsAndCompletesWhenTheRecordArrives) {
    char buf[64];
    std::string got;
    server->async_read_some(asio::buffer(buf), [&](const asio::error_code& ec, std::size_t n) {
        got = ec ? "error: " + ec.message() : std::string(buf, n);
    });
    for (int i = 0; i < 5; ++i) {
        io.poll();
        io.restart();
    }
    EXPECT_TRUE(got.empty());
    client_writes("later");
    ASSERT_TRUE(run_until([&] { return !got.empty(); }));
    EXPECT_EQ(got, "later");
}

TEST_F(TlsStreamTest, APeerThatClosedWhileNoReadWasPendingEndsTheNextRead) {
    client->lowest_layer().shutdown(asio::socket_base::shutdown_send);
    turn_the_loop();
    char buf[64];
    bool ended = false;
    server->async_read_some(asio::buffer(buf), [&](const asio::error_code& ec, std::size_t) { ended = bool(ec); });
    EXPECT_TRUE(run_until([&] { return ended; }));
}

} // namespace
} // namespace ocpp::net::detail
