// wss:// through a real HAProxy with the project's deploy/haproxy.cfg: TLS passed through in TCP mode with
// send-proxy-v2 to the real ocpp-centralsystem's --tls-listen (--proxy-protocol tls-listen), and TLS ended in HAProxy
// with X-Forwarded-For to its plain listener. Two chargers behind HAProxy are backed off separately after wrong
// passwords (each by its own address, which only the PROXY header carries in TCP mode), a charger with a client
// certificate (security profile 3) gets in through the passthrough, and at the node itself a PROXY header from an
// untrusted peer, a missing, malformed or oversized one from the proxy, and a silent proxy connection are refused with
// a log line. TLS ended in HAProxy counts as TLS for the security profile (2), never for profile 3. With one loop and
// with --threads 2. Skipped with a message when haproxy is missing.
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "centralsystem/options.hpp"
#include "tests/centralsystem/cs_binary.hpp"
#include "tests/support/net_support.hpp"
#include "tests/support/raw_ws.hpp"

namespace cs::test {
namespace {

namespace fs = std::filesystem;
using ocppkit::test::TestPki;

std::string haproxy_program() {
    for (const char* dir : {"/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"}) {
        if (fs::exists(fs::path(dir) / "haproxy")) {
            return (fs::path(dir) / "haproxy").string();
        }
    }
    return "";
}

// An upgrade of /ocpp/<id> over TLS from `source` (a 127.x address): `prefix` raw before the TLS handshake, HTTP
// Basic credentials unless `password` is empty, a client certificate when `cert` is given. The HTTP status, 0 when
// the connection ended before one.
int wss_upgrade(std::uint16_t port, const std::string& source, const std::string& id, const std::string& password,
                const TestPki* cert_of = nullptr, const std::string& prefix = "") {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (cert_of != nullptr) {
        SSL_CTX_use_certificate_chain_file(ctx, cert_of->client_cert.c_str());
        SSL_CTX_use_PrivateKey_file(ctx, cert_of->client_key.c_str(), SSL_FILETYPE_PEM);
    }
    SSL* ssl = SSL_new(ctx);
    const int fd = ocppkit::test::connect_raw(port, "127.0.0.1", source);
    timeval tv{15, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int status = 0;
    if (fd >= 0 && (prefix.empty() || ocppkit::test::send_all(fd, prefix))) {
        SSL_set_fd(ssl, fd);
        const std::string auth =
            password.empty() ? "" : "Authorization: " + ocppkit::test::basic_auth(id, password) + "\r\n";
        const std::string request = ocppkit::test::upgrade_request("/ocpp/" + id, "ocpp1.6", auth);
        if (SSL_connect(ssl) == 1 && SSL_write(ssl, request.data(), static_cast<int>(request.size())) > 0) {
            char buf[4096];
            const int n = SSL_read(ssl, buf, sizeof buf);
            status = n > 0 ? ocppkit::test::status_of(std::string(buf, static_cast<std::size_t>(n))) : 0;
        }
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ocppkit::test::close_fd(fd);
    return status;
}

const std::string kSig("\r\n\r\n\0\r\nQUIT\n", 12);

ocpp::Result<cs::Options> options_of(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    std::vector<char*> argv{const_cast<char*>("ocpp-centralsystem")};
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return cs::parse_options(static_cast<int>(argv.size()), argv.data(), env);
}

TEST(ProxyProtocolOption, NamesTheListenersAndNeedsATrustedProxy) {
    using P = cs::Options::ProxyProtocol;
    auto o = options_of({});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->proxy_protocol, P::Off);
    o = options_of({"--trusted-proxy", "10.0.0.5", "--proxy-protocol", "listen"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->proxy_protocol, P::Listen);
    o = options_of({"--trusted-proxy", "10.0.0.5"}, {"OCPPKIT_PROXY_PROTOCOL=listen"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->proxy_protocol, P::Listen) << "from the environment";
    o = options_of({"--trusted-proxy", "10.0.0.5", "--proxy-protocol=off"}, {"OCPPKIT_PROXY_PROTOCOL=listen"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->proxy_protocol, P::Off) << "the command line wins";
    EXPECT_TRUE(o->tls_proxies.empty()) << "no proxy's X-Forwarded-Proto counts for the security profile unless named";
    o = options_of({"--trusted-proxy", "10.0.0.5", "--tls-proxy", "10.0.0.5,10.0.0.6/31"},
                   {"OCPPKIT_TLS_PROXY=192.0.2.1"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->tls_proxies.size(), 2U) << "the command line replaces the environment's list";
    o = options_of({"--trusted-proxy", "10.0.0.5"}, {"OCPPKIT_TLS_PROXY=192.0.2.1"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->tls_proxies.size(), 1U);
    const struct {
        std::vector<std::string> args;
        std::string says;
    } bad[] = {
        {{"--proxy-protocol", "listen"}, "--proxy-protocol needs --trusted-proxy"},
        {{"--trusted-proxy", "10.0.0.5", "--proxy-protocol", "tls-listen"}, "need --tls-listen"},
        {{"--trusted-proxy", "10.0.0.5", "--proxy-protocol", "both"}, "need --tls-listen"},
        {{"--trusted-proxy", "10.0.0.5", "--proxy-protocol", "yes"}, "off, listen, tls-listen or both"},
        {{"--trusted-proxy", "10.0.0.5", "--proxy-protocol"}, "--proxy-protocol"},
        {{"--tls-proxy", "10.0.0.5"}, "--tls-proxy needs --trusted-proxy"},
        {{"--trusted-proxy", "10.0.0.5", "--tls-proxy", "10.0.0.300"}, "--tls-proxy: "},
    };
    for (const auto& b : bad) {
        const auto r = options_of(b.args);
        ASSERT_FALSE(r) << b.says;
        EXPECT_NE(r.error().message.find(b.says), std::string::npos) << r.error().message;
    }
}

class ProxyProtocolBinary : public CentralSystemBinary, public ::testing::WithParamInterface<int> {
protected:
    void SetUp() override {
        ::signal(SIGPIPE, SIG_IGN); // OpenSSL writes into sockets the server closes
        haproxy_ = haproxy_program();
        if (haproxy_.empty()) {
            GTEST_SKIP() << "haproxy is not installed (scripts/setup.sh installs the Debian package haproxy)";
        }
        std::string why;
        pki_ = TestPki::get(&why);
        if (pki_ == nullptr) {
            GTEST_SKIP() << "cannot generate test certificates with the openssl tool: " << why;
        }
        CentralSystemBinary::SetUp();
        // HAProxy connects to the node from 127.0.0.1; the clients come from 127.0.0.5, .6 and .7.
        tls_port_ = free_port();
        restart({"--tls-listen", "127.0.0.1:" + std::to_string(tls_port_), "--tls-cert", pki_->server_ec_cert,
                 "--tls-key", pki_->server_ec_key, "--tls-client-ca", pki_->ca_cert, "--trusted-proxy", "127.0.0.1/32",
                 "--tls-proxy", "127.0.0.1/32", "--proxy-protocol", "tls-listen", "--password-failures-per-address",
                 "3", "--threads", std::to_string(GetParam())});
        for (const char* id : {"CB-A", "CB-B", "CB-C", "CB-D", "CB-E", "CB-0001"}) {
            const auto r =
                api("POST", "/api/v1/chargers",
                    R"({"chargeBoxId":")" + std::string(id) + R"(","password":"password-of-)" + id + R"("})");
            ASSERT_EQ(r.status, 201) << r.body;
        }
        pem_ = base_ + ".lb.pem";
        std::ofstream(pem_) << file_text(pki_->server_ec_cert) << file_text(pki_->server_ec_key);
        lb_port_ = free_port();
        passthrough_port_ = free_port();
        ended_port_ = free_port();
        const std::string node = "127.0.0.1:" + std::to_string(port_);
        const std::string node_tls = "127.0.0.1:" + std::to_string(tls_port_);
        lb_ = std::make_unique<ChildProcess>(
            haproxy_,
            std::vector<std::string>{"-db", "-f", std::string(ocppkit::test::source_dir()) + "/deploy/haproxy.cfg"},
            base_ + ".haproxy.log",
            std::vector<std::string>{
                "OCPPKIT_LB_BIND=127.0.0.1:" + std::to_string(lb_port_), "OCPPKIT_NODE1=" + node,
                "OCPPKIT_NODE2=" + node, "OCPPKIT_NODE3=" + node,
                "OCPPKIT_LB_TLS_PASSTHROUGH_BIND=127.0.0.1:" + std::to_string(passthrough_port_),
                "OCPPKIT_NODE1_TLS=" + node_tls, "OCPPKIT_NODE2_TLS=" + node_tls, "OCPPKIT_NODE3_TLS=" + node_tls,
                "OCPPKIT_LB_TLS_BIND=127.0.0.1:" + std::to_string(ended_port_), "OCPPKIT_LB_TLS_CERT=" + pem_});
        // Up when HAProxy's checks (over TLS with a PROXY LOCAL header on the passthrough side) found the node.
        ASSERT_TRUE(wait_until(
            [&] { return wss_upgrade(passthrough_port_, "127.0.0.7", "CB-D", "password-of-CB-D") == 101; }, 15s))
            << file_text(base_ + ".haproxy.log") << file_text(base_ + ".cs.log");
        ASSERT_TRUE(
            wait_until([&] { return wss_upgrade(ended_port_, "127.0.0.7", "CB-E", "password-of-CB-E") == 101; }, 15s))
            << file_text(base_ + ".haproxy.log");
    }
    void TearDown() override {
        lb_.reset();
        if (HasFailure()) {
            std::fprintf(stderr, "--- haproxy ---\n%s\n", file_text(base_ + ".haproxy.log").c_str());
        }
        std::remove((base_ + ".haproxy.log").c_str());
        std::remove(pem_.c_str());
        CentralSystemBinary::TearDown();
    }
    // What the node's TLS listener does with `bytes` sent straight to it from `source`: the answer until it closes.
    std::string at_node(const std::string& source, const std::string& bytes) {
        const int fd = ocppkit::test::connect_raw(tls_port_, "127.0.0.1", source);
        if (!bytes.empty()) {
            ocppkit::test::send_all(fd, bytes);
        }
        std::string answer = ocppkit::test::receive(fd, "", 15s);
        ocppkit::test::close_fd(fd);
        return answer;
    }
    bool log_says(const std::string& text) {
        return wait_until([&] { return file_text(base_ + ".cs.log").find(text) != std::string::npos; }, 10s);
    }

    std::string haproxy_;
    const TestPki* pki_ = nullptr;
    std::uint16_t tls_port_ = 0, lb_port_ = 0, passthrough_port_ = 0, ended_port_ = 0;
    std::string pem_;
    std::unique_ptr<ChildProcess> lb_;
};

TEST_P(ProxyProtocolBinary, ThroughTcpPassthroughEachChargerIsBackedOffByItsOwnAddress) {
    // Each guess a new password (a repeated one is refused from memory and counts once).
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(wss_upgrade(passthrough_port_, "127.0.0.5", "CB-A", "guess-" + std::to_string(i)), 401) << i;
    }
    EXPECT_EQ(wss_upgrade(passthrough_port_, "127.0.0.5", "CB-A", "guess-3"), 429) << "the guessing address backs off";
    EXPECT_EQ(wss_upgrade(passthrough_port_, "127.0.0.5", "CB-C", "password-of-CB-C"), 429)
        << "the address waits out its back-off, whichever charger it names";
    // Behind the same HAProxy another charger keeps its own budget: without the PROXY header both would be 127.0.0.1.
    EXPECT_EQ(wss_upgrade(passthrough_port_, "127.0.0.6", "CB-B", "guess"), 401);
    EXPECT_EQ(wss_upgrade(passthrough_port_, "127.0.0.6", "CB-B", "password-of-CB-B"), 101);
    EXPECT_TRUE(log_says("from 127.0.0.5:")) << "the node's log names the charger, not HAProxy";
    // Security profile 3: the client certificate reaches the node through the passthrough.
    EXPECT_EQ(wss_upgrade(passthrough_port_, "127.0.0.6", "CB-0001", "", pki_), 101) << file_text(base_ + ".cs.log");
}

TEST_P(ProxyProtocolBinary, TlsEndedInHaproxyNamesTheClientInXForwardedFor) {
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(wss_upgrade(ended_port_, "127.0.0.5", "CB-C", "guess-" + std::to_string(i)), 401) << i;
    }
    EXPECT_EQ(wss_upgrade(ended_port_, "127.0.0.5", "CB-C", "guess-3"), 429);
    EXPECT_EQ(wss_upgrade(ended_port_, "127.0.0.5", "CB-A", "password-of-CB-A"), 429);
    EXPECT_EQ(wss_upgrade(ended_port_, "127.0.0.6", "CB-B", "password-of-CB-B"), 101)
        << "another client behind HAProxy is not backed off";
}

// TLS ended in HAProxy is TLS for the security profile (HAProxy says X-Forwarded-Proto: https, from the node's
// --tls-proxy): a charger with its password proves profile 2 there, a charger that proved profile 2 at the node
// gets in there, and one on profile 3 is refused (its certificate ends in HAProxy). Nobody else's header counts.
TEST_P(ProxyProtocolBinary, TlsEndedInHaproxyIsProfile2AndProfile3NeedsThePassthrough) {
    const auto plain = [&](std::uint16_t port, const std::string& source, const std::string& id,
                           const std::string& headers) {
        ocppkit::test::UpgradeOptions o;
        o.authorization = ocppkit::test::basic_auth(id, "password-of-" + id);
        o.source = source;
        o.headers = headers;
        o.timeout = 15s;
        return ocppkit::test::ws_upgrade(port, "/ocpp/" + id, o).status;
    };
    const std::string https = "X-Forwarded-Proto: https\r\n";
    EXPECT_EQ(wss_upgrade(ended_port_, "127.0.0.5", "CB-C", "password-of-CB-C"), 101);
    EXPECT_TRUE(log_says("\"CB-C\" proved security profile 2 over TLS ended at the proxy 127.0.0.1:"))
        << file_text(base_ + ".cs.log");
    // Held to it: plain WebSocket is a downgrade, whatever X-Forwarded-Proto the client sends.
    EXPECT_EQ(plain(lb_port_, "127.0.0.5", "CB-C", ""), 401);
    EXPECT_EQ(plain(lb_port_, "127.0.0.5", "CB-C", https), 401) << "HAProxy's plain frontend drops the client's header";
    EXPECT_EQ(plain(port_, "127.0.0.5", "CB-C", https), 401)
        << "at the node from an untrusted peer it is nobody's word";
    EXPECT_TRUE(log_says("downgrade attempt: \"CB-C\" from 127.0.0.5 over plain WebSocket"));
    // The header from an untrusted peer proves nothing: that charger stays at profile 1.
    EXPECT_EQ(plain(port_, "127.0.0.6", "CB-A", https), 101);
    EXPECT_EQ(plain(port_, "127.0.0.6", "CB-A", ""), 101);
    EXPECT_EQ(file_text(base_ + ".cs.log").find("\"CB-A\" proved security profile"), std::string::npos);
    // A charger that proved profile 2 at the node (through the passthrough) gets in through TLS ended in HAProxy too.
    EXPECT_EQ(wss_upgrade(passthrough_port_, "127.0.0.6", "CB-B", "password-of-CB-B"), 101);
    EXPECT_TRUE(log_says("\"CB-B\" proved security profile 2 (was"));
    EXPECT_EQ(wss_upgrade(ended_port_, "127.0.0.6", "CB-B", "password-of-CB-B"), 101) << file_text(base_ + ".cs.log");
    // Profile 3: the client certificate does not pass HAProxy's end of TLS.
    EXPECT_EQ(wss_upgrade(passthrough_port_, "127.0.0.7", "CB-0001", "", pki_), 101);
    EXPECT_TRUE(log_says("\"CB-0001\" proved security profile 3"));
    EXPECT_EQ(wss_upgrade(ended_port_, "127.0.0.7", "CB-0001", "password-of-CB-0001"), 401);
    EXPECT_TRUE(log_says("downgrade attempt: \"CB-0001\" from 127.0.0.7 over TLS ended at the proxy 127.0.0.1:"))
        << file_text(base_ + ".cs.log");
    EXPECT_TRUE(log_says("security profile 3 needs TLS passed through to this server"));
}

TEST_P(ProxyProtocolBinary, TheNodeRefusesWhatItCannotBelieve) {
    // Version 2, PROXY, TCP4: 203.0.113.7:41234 to 10.0.0.5:8443.
    const std::string v2 = kSig + std::string("\x21\x11\x00\x0c\xcb\x00\x71\x07\x0a\x00\x00\x05\xa1\x12\x20\xfb", 16);
    // From an untrusted peer a header is refused before any TLS byte.
    EXPECT_EQ(wss_upgrade(tls_port_, "127.0.0.5", "CB-B", "password-of-CB-B", nullptr, v2), 0);
    EXPECT_TRUE(log_says("peer 127.0.0.5:")) << file_text(base_ + ".cs.log");
    EXPECT_TRUE(log_says("a PROXY header from a peer outside --trusted-proxy is not believed"));
    // From the trusted proxy's address a header is required, and must be well-formed.
    EXPECT_EQ(wss_upgrade(tls_port_, "127.0.0.1", "CB-B", "password-of-CB-B"), 0);
    EXPECT_TRUE(log_says("the PROXY header is missing"));
    EXPECT_EQ(at_node("127.0.0.1", "PROXY TCP4 203.0.113.7 10.0.0.5 41234 99999\r\n"), "");
    EXPECT_TRUE(log_says("malformed PROXY header: a version 1 line"));
    EXPECT_EQ(at_node("127.0.0.1", "PROXY TCP4 " + std::string(300, '7')), "");
    EXPECT_TRUE(log_says("without its CRLF within 107 bytes"));
    // A proxy connection that sends nothing is cut within the open-handshake timeout (10 s).
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(at_node("127.0.0.1", ""), "");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 13s);
    EXPECT_TRUE(log_says("no complete PROXY header within 10000 ms"));
    // A well-formed header from the proxy's address works straight at the node too, and names the client.
    EXPECT_EQ(wss_upgrade(tls_port_, "127.0.0.1", "CB-B", "password-of-CB-B", nullptr, v2), 101);
    EXPECT_EQ(wss_upgrade(tls_port_, "127.0.0.1", "CB-B", "guess", nullptr, v2), 401);
    EXPECT_TRUE(log_says("from 203.0.113.7:41234")) << file_text(base_ + ".cs.log");
}

INSTANTIATE_TEST_SUITE_P(Loops, ProxyProtocolBinary, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& p) { return "threads" + std::to_string(p.param); });

} // namespace
} // namespace cs::test
