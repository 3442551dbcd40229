// The server with ServerConfig::proxy_protocol on real sockets (ws and wss): a trusted proxy's PROXY header names the
// client for the handshake and HTTP requests; a header from anyone else, a missing, malformed or silent one end the
// connection within the open-handshake timeout with a log line saying why; without the protocol an upgrade from a
// trusted proxy is marked as such (its X-Forwarded-* headers count). Run on one loop and on a loop pool.
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

constexpr const char* kProxy = "127.0.0.9";

const std::string kSig("\r\n\r\n\0\r\nQUIT\n", 12);

// A version 2 PROXY header for a TCP4 client 203.0.113.<last>:41234 (to 10.0.0.5:8443), `tlvs` bytes of TLVs after
// the addresses, or a LOCAL one (a health check).
std::string v2_header(int last, std::size_t tlvs = 0, bool local = false) {
    std::string block = {char(203), 0, 113, char(last), 10, 0, 0, 5, char(0xA1), 0x12, 0x20, char(0xFB)};
    block += std::string(tlvs, 'T');
    std::string h = kSig;
    h += static_cast<char>(local ? 0x20 : 0x21);
    h += static_cast<char>(0x11);
    h += static_cast<char>((block.size() >> 8) & 0xff);
    h += static_cast<char>(block.size() & 0xff);
    return h + block;
}

struct Exchange {
    std::string answer; // everything the server sent before it closed or the timeout passed
    double seconds = 0; // from connect to the end of the answer (the close)
};

class ProxyProtocol : public WsFixture {
protected:
    void SetUp() override {
        ::signal(SIGPIPE, SIG_IGN); // OpenSSL writes into sockets the server closes
        hook = [this](const HandshakeInfo& info) {
            seen.push_back(info);
            return HandshakeDecision::accept();
        };
        http = [this](const HttpRequest& req, HttpResponder respond) {
            requests.push_back(req);
            respond(HttpResponse{200, {}, req.remote_address + " " + (req.from_trusted_proxy ? "trusted" : "-")});
        };
    }
    void start(bool tls = false, bool proxy_protocol = true) {
        ServerConfig config;
        config.trusted_proxies.add(*parse_ip_network(std::string(kProxy) + "/32"));
        config.proxy_protocol = proxy_protocol;
        if (tls_proxy) {
            config.tls_proxies.add(*parse_ip_network(std::string(kProxy) + "/32"));
        }
        config.open_handshake_timeout = 600ms;
        if (tls) {
            std::string why;
            pki = TestPki::get(&why);
            ASSERT_NE(pki, nullptr) << why;
            ServerTlsConfig t;
            t.cert_file = pki->server_ec_cert;
            t.key_file = pki->server_ec_key;
            config.tls = t;
        }
        ASSERT_TRUE(start_server(config));
    }
    // Sends `bytes` from `source` and reads until the server closes (or 5 s pass).
    Exchange exchange(const std::string& source, const std::string& bytes, const std::string& until = "") {
        Exchange e;
        const auto t0 = std::chrono::steady_clock::now();
        const int fd = connect_raw(port(), "127.0.0.1", source);
        EXPECT_GE(fd, 0);
        if (!bytes.empty()) {
            send_all(fd, bytes);
        }
        e.answer = receive(fd, until, 5s);
        e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        close_fd(fd);
        return e;
    }
    // Over TLS: `prefix` raw, then the TLS handshake and an upgrade of /ocpp/CB-TLS; the HTTP status (0: none).
    int tls_upgrade(const std::string& source, const std::string& prefix) {
        SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
        SSL* ssl = SSL_new(ctx);
        const int fd = connect_raw(port(), "127.0.0.1", source);
        timeval tv{5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        int status = 0;
        if (fd >= 0 && send_all(fd, prefix)) {
            SSL_set_fd(ssl, fd);
            const std::string request = upgrade_request("/ocpp/CB-TLS");
            if (SSL_connect(ssl) == 1 && SSL_write(ssl, request.data(), static_cast<int>(request.size())) > 0) {
                char buf[2048];
                const int n = SSL_read(ssl, buf, sizeof buf);
                status = n > 0 ? status_of(std::string(buf, static_cast<std::size_t>(n))) : 0;
            }
        }
        SSL_free(ssl);
        SSL_CTX_free(ctx);
        close_fd(fd);
        return status;
    }
    HandshakeInfo last_seen() {
        return on_server([&] { return seen.empty() ? HandshakeInfo{} : seen.back(); });
    }
    bool log_says(const std::string& text) {
        return wait_until([&] { return logs.contains(text); }, 5s);
    }

    const TestPki* pki = nullptr;
    bool tls_proxy = false;            // the proxy is in ServerConfig::tls_proxies too
    std::vector<HandshakeInfo> seen;   // on lt only
    std::vector<HttpRequest> requests; // on lt only
};

TEST_F(ProxyProtocol, AVersion2HeaderFromATrustedProxyNamesTheClient) {
    start();
    // The client's own X-Forwarded-For behind the header is its own word: not believed.
    const auto e =
        exchange(kProxy, v2_header(7) + upgrade_request("/ocpp/CB-1", "ocpp1.6", "X-Forwarded-For: 198.51.100.1\r\n"),
                 "\r\n\r\n");
    EXPECT_EQ(status_of(e.answer), 101) << e.answer << logs.all();
    const HandshakeInfo info = last_seen();
    EXPECT_EQ(info.remote_address, "203.0.113.7:41234");
    EXPECT_EQ(info.peer_address, "203.0.113.7:41234");
    EXPECT_FALSE(info.from_trusted_proxy) << "behind a PROXY header no X-Forwarded-* header counts";
    EXPECT_TRUE(log_says("PROXY header from 127.0.0.9:")) << "the debug line names the proxy: " << logs.all();
}

TEST_F(ProxyProtocol, WithoutItAnUpgradeFromATrustedProxyIsMarkedSoItsForwardedHeadersCount) {
    start(false, false);
    const std::string proto = "X-Forwarded-For: 198.51.100.1\r\nX-Forwarded-Proto: https\r\n";
    EXPECT_EQ(status_of(exchange(kProxy, upgrade_request("/ocpp/CB-1", "ocpp1.6", proto), "\r\n\r\n").answer), 101);
    HandshakeInfo info = last_seen();
    EXPECT_TRUE(info.from_trusted_proxy);
    EXPECT_EQ(info.remote_address, "198.51.100.1");
    EXPECT_EQ(info.headers["x-forwarded-proto"], "https");
    EXPECT_EQ(status_of(exchange("127.0.0.5", upgrade_request("/ocpp/CB-2", "ocpp1.6", proto), "\r\n\r\n").answer),
              101);
    info = last_seen();
    EXPECT_EQ(info.chargebox_id, "CB-2");
    EXPECT_FALSE(info.from_trusted_proxy) << "anyone else's X-Forwarded-* is their own word";
    EXPECT_EQ(info.remote_address.rfind("127.0.0.5:", 0), 0u) << info.remote_address;
}

// What marks an upgrade as over TLS ended at a proxy (the gate counts it as security profile 2): a plain upgrade from
// a proxy named in tls_proxies whose only X-Forwarded-Proto value is "https".
TEST_F(ProxyProtocol, OnlyAProxyNamedAsEndingTlsMarksAnUpgradeAsTlsAndOnlyByHttpsAlone) {
    const auto upgrade = [&](const std::string& from, const std::string& id, const std::string& proto) {
        const std::string headers = proto.empty() ? std::string() : "X-Forwarded-Proto: " + proto + "\r\n";
        EXPECT_EQ(status_of(exchange(from, upgrade_request("/ocpp/" + id, "ocpp1.6", headers), "\r\n\r\n").answer),
                  101);
        const HandshakeInfo info = last_seen();
        EXPECT_EQ(info.chargebox_id, id);
        return info.tls_at_proxy;
    };
    tls_proxy = true;
    start(false, false);
    EXPECT_TRUE(upgrade(kProxy, "CB-1", "https"));
    EXPECT_TRUE(upgrade(kProxy, "CB-2", " HTTPS "));
    EXPECT_FALSE(upgrade(kProxy, "CB-3", "http"));
    EXPECT_FALSE(upgrade(kProxy, "CB-4", "https, http")) << "a list is what an appending proxy makes of a client's";
    EXPECT_FALSE(upgrade(kProxy, "CB-5", "http, https"));
    EXPECT_FALSE(upgrade(kProxy, "CB-6", ""));
    EXPECT_FALSE(upgrade("127.0.0.5", "CB-7", "https")) << "anyone else's header is their own word";
}

TEST_F(ProxyProtocol, ATrustedProxyNotNamedAsEndingTlsMarksNothingAsTls) {
    start(false, false);
    const std::string proto = "X-Forwarded-Proto: https\r\n";
    EXPECT_EQ(status_of(exchange(kProxy, upgrade_request("/ocpp/CB-1", "ocpp1.6", proto), "\r\n\r\n").answer), 101);
    const HandshakeInfo info = last_seen();
    EXPECT_TRUE(info.from_trusted_proxy);
    EXPECT_FALSE(info.tls_at_proxy) << "X-Forwarded-For is believed, TLS is not (no tls_proxies)";
}

TEST_F(ProxyProtocol, BehindAProxyHeaderNoUpgradeIsMarkedAsTlsEndedAtTheProxy) {
    tls_proxy = true;
    start();
    const auto e = exchange(
        kProxy, v2_header(7) + upgrade_request("/ocpp/CB-1", "ocpp1.6", "X-Forwarded-Proto: https\r\n"), "\r\n\r\n");
    EXPECT_EQ(status_of(e.answer), 101) << e.answer << logs.all();
    EXPECT_FALSE(last_seen().tls_at_proxy) << "the connection is the named client's: its header is its own word";
}

TEST_F(ProxyProtocol, NoForwardedHeaderIsBelievedBehindAHeaderEvenFromAClientInATrustedRange) {
    start();
    // The header names a client whose address lies in --trusted-proxy (a broad range can hold chargers too): what it
    // writes after the header is still its own word.
    const auto e = exchange(kProxy, std::string("PROXY TCP4 ") + kProxy + " 10.0.0.5 5000 8180\r\n" +
                                        "GET /who HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.1\r\n\r\n");
    EXPECT_NE(e.answer.find(std::string(kProxy) + ":5000 -"), std::string::npos) << e.answer << logs.all();
}

TEST_F(ProxyProtocol, Version1ByteByByteAndLargeTlvsWork) {
    start();
    const int fd = connect_raw(port(), "127.0.0.1", kProxy);
    for (char c : std::string("PROXY TCP4 198.51.100.23 10.0.0.5 5000 8180\r\n")) {
        ASSERT_TRUE(send_all(fd, std::string(1, c)));
    }
    send_all(fd, "GET /who HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(receive(fd, "", 5s).find("198.51.100.23:5000 -"), std::string::npos) << logs.all();
    close_fd(fd);
    const auto e = exchange(kProxy, v2_header(9, 60000) + "GET /who HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(e.answer.find("203.0.113.9:41234 -"), std::string::npos) << e.answer << logs.all();
}

TEST_F(ProxyProtocol, LocalKeepsTheProxysAddressAndBelievesNoForwardedHeader) {
    start();
    const auto e = exchange(kProxy, v2_header(7, 0, true) +
                                        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.1\r\n\r\n");
    EXPECT_NE(e.answer.find("127.0.0.9:"), std::string::npos) << e.answer;
    EXPECT_NE(e.answer.find(" -"), std::string::npos) << "not from a trusted proxy as far as headers go: " << e.answer;
}

TEST_F(ProxyProtocol, AHeaderFromAnUntrustedPeerIsRefused) {
    start();
    const auto e = exchange("127.0.0.5", v2_header(7) + upgrade_request("/ocpp/CB-1"));
    EXPECT_EQ(e.answer, "") << "closed without an answer";
    EXPECT_TRUE(log_says("peer 127.0.0.5:")) << logs.all();
    EXPECT_TRUE(log_says("a PROXY header from a peer outside --trusted-proxy is not believed")) << logs.all();
    const auto v1 = exchange("127.0.0.5", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\nGET /who HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(v1.answer, "");
    // Without a header the same peer is served as itself.
    const auto plain = exchange("127.0.0.5", upgrade_request("/ocpp/CB-2"), "\r\n\r\n");
    EXPECT_EQ(status_of(plain.answer), 101) << plain.answer;
    EXPECT_EQ(last_seen().remote_address.rfind("127.0.0.5:", 0), 0u) << last_seen().remote_address;
    EXPECT_TRUE(on_server([&] { return seen.size(); }) == 1u) << "the refused upgrades never reached the hook";
}

TEST_F(ProxyProtocol, AMissingOrMalformedHeaderFromTheProxyIsRefused) {
    start();
    const struct {
        std::string bytes;
        std::string logged;
    } cases[] = {
        {upgrade_request("/ocpp/CB-1"), "the PROXY header is missing"},
        {"PROXY TCP4 1.2.3.4 5.6.7.8 99999 2\r\n" + upgrade_request("/ocpp/CB-1"),
         "malformed PROXY header: a version 1"},
        {"PROXY TCP4 " + std::string(150, '1'), "without its CRLF within 107 bytes"},
        {kSig + "\x21\x12" + std::string("\x00\x0c", 2) + std::string(12, 'a'), "datagram"},
        {kSig + "\x11\x11" + std::string("\x00\x0c", 2) + std::string(12, 'a'), "version other than 2"},
        {v2_header(7).substr(0, 20), "the connection ended after 20 bytes of the PROXY header"},
    };
    for (const auto& c : cases) {
        const int fd = connect_raw(port(), "127.0.0.1", kProxy);
        send_all(fd, c.bytes);
        if (c.logged.find("ended after") != std::string::npos) {
            ::shutdown(fd, SHUT_WR); // a truncated header: the proxy hangs up
        }
        EXPECT_EQ(receive(fd, "", 5s), "") << c.logged;
        close_fd(fd);
        EXPECT_TRUE(log_says(c.logged)) << c.logged << "\n" << logs.all();
    }
    EXPECT_TRUE(logs.contains("trusted proxy 127.0.0.9:"));
    EXPECT_EQ(on_server([&] { return seen.size() + requests.size(); }), 0u);
}

TEST_F(ProxyProtocol, ASilentPeerIsCutWithinTheHandshakeTimeout) {
    start();
    for (const std::string& source : {std::string(kProxy), std::string("127.0.0.5")}) {
        const auto silent = exchange(source, "");
        EXPECT_EQ(silent.answer, "");
        EXPECT_GE(silent.seconds, 0.5) << source;
        EXPECT_LT(silent.seconds, 2.5) << source << ": the 600 ms open-handshake timeout bounds the wait";
    }
    EXPECT_TRUE(log_says("no complete PROXY header within 600 ms (0 bytes of it arrived)")) << logs.all();
    EXPECT_TRUE(log_says("nothing sent within 600 ms")) << logs.all();
    // A header that stops half-way is cut alike.
    const auto half = exchange(kProxy, "PROXY TCP4 1.2.3.4");
    EXPECT_LT(half.seconds, 2.5);
    EXPECT_TRUE(log_says("(18 bytes of it arrived)")) << logs.all();
}

TEST_F(ProxyProtocol, OverTlsTheHeaderComesBeforeTheHandshake) {
    start(true);
    EXPECT_EQ(tls_upgrade(kProxy, v2_header(42)), 101) << logs.all();
    EXPECT_EQ(last_seen().remote_address, "203.0.113.42:41234");
    EXPECT_TRUE(last_seen().tls);
    EXPECT_EQ(tls_upgrade("127.0.0.5", ""), 101) << "an untrusted peer without a header: TLS as usual";
    EXPECT_EQ(last_seen().remote_address.rfind("127.0.0.5:", 0), 0u);
    EXPECT_EQ(tls_upgrade("127.0.0.5", v2_header(43)), 0) << "an untrusted peer's header is refused";
    EXPECT_TRUE(log_says("a PROXY header from a peer outside --trusted-proxy is not believed")) << logs.all();
    EXPECT_EQ(tls_upgrade(kProxy, ""), 0) << "the proxy's header is required over TLS too";
    EXPECT_TRUE(log_says("the PROXY header is missing")) << logs.all();
}

} // namespace
} // namespace ocpp::net::test
