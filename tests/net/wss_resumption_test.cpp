// A server that hands out session tickets: a session verified under the old client CAs never resumes once they are
// replaced (a resumed handshake skips the client certificate check). Driven by the openssl tool as the client, which
// can save a session and offer it again.
#include <cstdio>
#include <fstream>
#include <iterator>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

class WssResumption : public WsFixture {
protected:
    void SetUp() override {
        std::string why;
        pki = TestPki::get(&why);
        if (pki == nullptr) {
            GTEST_SKIP() << "cannot generate test certificates with the openssl tool: " << why;
        }
        ServerConfig config;
        ServerTlsConfig tls;
        tls.cert_file = pki->server_ec_cert;
        tls.key_file = pki->server_ec_key;
        tls.client_ca_file = pki->ca_cert;
        tls.session_tickets = 2;
        config.tls = tls;
        ASSERT_TRUE(start_server(config));
        session_ = pki->dir + "/resumption-" +
                   std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".pem";
        std::remove(session_.c_str());
    }
    // One TLS 1.2 handshake with the CA's client certificate; "new" or "reused" (the openssl tool's words), or
    // "failed". Saves the session, or offers the saved one when `resume`.
    std::string handshake(bool resume) {
        const std::string cmd = "openssl s_client -connect 127.0.0.1:" + std::to_string(port()) + " -tls1_2 -CAfile " +
                                pki->ca_cert + " -cert " + pki->client_cert + " -key " + pki->client_key +
                                (resume ? " -sess_in " : " -sess_out ") + session_ + " < /dev/null 2>&1";
        FILE* p = ::popen(cmd.c_str(), "r");
        if (p == nullptr) {
            return "failed";
        }
        std::string out;
        char buf[4096];
        while (std::fgets(buf, sizeof buf, p) != nullptr) {
            out += buf;
        }
        ::pclose(p);
        if (out.find("\nReused, TLSv1.2") != std::string::npos) {
            return "reused";
        }
        return out.find("\nNew, TLSv1.2") != std::string::npos ? "new" : "failed: " + out.substr(0, 400);
    }
    std::string read_text(const std::string& path) {
        std::ifstream in(path);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    const TestPki* pki = nullptr;
    std::string session_;
};

TEST_F(WssResumption, NoSessionResumesAcrossAChangeOfTheClientCas) {
    ASSERT_EQ(handshake(false), "new");
    ASSERT_EQ(handshake(true), "reused") << "tickets are on: the same CAs resume the session";
    // The same CA again, as a new store: whatever was verified before must be verified anew.
    ASSERT_TRUE(on_server([&] { return static_cast<bool>(server->replace_client_cas({read_text(pki->ca_cert)})); }));
    EXPECT_EQ(handshake(true), "new") << "a session from before the change resumed";
    // A CA replaced by another: the old client is no longer let in, resumed or not.
    ASSERT_EQ(handshake(false), "new");
    ASSERT_TRUE(
        on_server([&] { return static_cast<bool>(server->replace_client_cas({read_text(pki->other_ca_cert)})); }));
    EXPECT_NE(handshake(true), "reused");
}

} // namespace
} // namespace ocpp::net::test
