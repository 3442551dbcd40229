// `ocpp-tester serve` over TLS on one port: the installer page and the REST API over https:// (libcurl verifying
// the tester's certificate), a charger's check over wss:// (the real simulator), a charger set to ws:// that gets
// a diagnosis naming the wss:// URL on its test, and one that does not trust the tester's CA.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "serve_binary.hpp"
#include "simulator/rest/http_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/net_support.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/wait.hpp"

using namespace tester::test;
using namespace ocppkit::test;
namespace fs = std::filesystem;

namespace {

const std::string kSimulator = std::string(ocppkit::test::bin_dir()) + "/ocpp-simulator";

class ServeTls : public ServeBinary {
protected:
    void SetUp() override {
        std::string error;
        pki_ = ocppkit::test::TestPki::get(&error);
        ASSERT_NE(pki_, nullptr) << "cannot make test certificates: " << error;
        ASSERT_NO_FATAL_FAILURE(start({"--tls-cert", pki_->server_rsa_cert, "--tls-key", pki_->server_rsa_key}, true));
        sim::HttpClientConfig config;
        config.base_url = "https://127.0.0.1:" + std::to_string(port_);
        config.ca_file = pki_->ca_cert;
        https_ = std::make_unique<sim::HttpClient>(config);
        sim_log_ = log_ + ".sim";
    }
    void TearDown() override {
        simulator_.reset();
        fs::remove(sim_log_);
        ServeBinary::TearDown();
    }
    // The simulator as one charger with this ID prefix (its ID is PREFIX000001) connecting to url, trusting the
    // test CA (or `ca`) over wss://.
    void run_charger(const std::string& url, const std::string& prefix, const std::string& password,
                     std::string ca = "") {
        std::vector<std::string> args{"run",  "--url",      url,      "--chargers", "1", "--id-prefix",
                                      prefix, "--password", password, "--duration", "40"};
        if (url.rfind("wss://", 0) == 0) {
            args.insert(args.end(), {"--ca", ca.empty() ? pki_->ca_cert : ca});
        }
        simulator_ = std::make_unique<ChildProcess>(kSimulator, args, sim_log_);
    }
    rapidjson::Document get(const std::string& path) {
        auto r = https_->request("GET", path);
        return r && r->status == 200 ? json(r->body) : rapidjson::Document();
    }
    // Polls the test over https:// until pred holds on its state (bounded).
    rapidjson::Document wait_for_test(const std::string& id, const std::function<bool(const rapidjson::Value&)>& pred,
                                      std::chrono::seconds timeout) {
        rapidjson::Document last;
        wait_until(
            [&] {
                last = get("/api/v1/tests/" + id);
                return last.IsObject() && pred(last);
            },
            timeout, 200ms);
        return last;
    }
    static const rapidjson::Value* check(const rapidjson::Value& state, const std::string& id) {
        if (!state.IsObject() || !state.HasMember("checks")) {
            return nullptr;
        }
        for (const auto& c : state["checks"].GetArray()) {
            if (str(c, "id") == id) {
                return &c;
            }
        }
        return nullptr;
    }

    const ocppkit::test::TestPki* pki_ = nullptr;
    std::unique_ptr<sim::HttpClient> https_;
    std::unique_ptr<ChildProcess> simulator_;
    std::string sim_log_;
};

TEST_F(ServeTls, PageApiAndChargerCheckShareOneTlsPort) {
    // The installer page and its assets over https://, verified against the test CA.
    auto page = https_->request("GET", "/");
    ASSERT_TRUE(page) << page.error().message << logs();
    EXPECT_EQ(page->status, 200);
    EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
    EXPECT_NE(page->body.find("installer.js"), std::string::npos) << page->body.substr(0, 300);
    auto health = https_->request("GET", "/healthz");
    ASSERT_TRUE(health) << health.error().message;
    EXPECT_EQ(health->status, 200);
    // Plain HTTP on the TLS port gets no answer.
    EXPECT_EQ(http(port_, "GET", "/healthz", "", {}, 2000ms).status, 0);

    // The REST API hands out a wss:// URL for the charger.
    auto created = https_->request("POST", "/api/v1/tests", R"({"chargeBoxId":"SIMTLS000001"})");
    ASSERT_TRUE(created) << created.error().message;
    ASSERT_EQ(created->status, 201) << created->body;
    const auto c = json(created->body);
    const std::string id = str(c, "id"), url = str(c, "url"), password = str(c, "password");
    const std::string base = "wss://127.0.0.1:" + std::to_string(port_) + "/ocpp";
    EXPECT_EQ(url, base + "/SIMTLS000001");

    // The simulator, trusting the test CA, connects over wss:// and passes every check.
    run_charger(base, "SIMTLS", password);
    const auto state = wait_for_test(
        id,
        [](const rapidjson::Value& s) {
            return str(s, "state") != "waiting" && str(s, "state") != "running" && str(s, "claimStatus") != "issuing";
        },
        30s);
    ASSERT_EQ(str(state, "state"), "passed") << str(state, "state") << logs();
    EXPECT_EQ(str(state, "claimStatus"), "issued");
    const auto* tls = check(state, "connection.tls");
    ASSERT_NE(tls, nullptr);
    EXPECT_EQ(str(*tls, "verdict"), "pass");
    EXPECT_NE(str(*tls, "seen").find("TLSv1."), std::string::npos) << str(*tls, "seen");
    EXPECT_EQ(state["charger"]["securityProfile"].GetInt(), 2);
    // The reports come over the same port.
    auto report = https_->request("GET", "/api/v1/tests/" + id + "/report.html");
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->status, 200);
    EXPECT_NE(report->body.find(str(state["claim"], "code")), std::string::npos);
}

TEST_F(ServeTls, APlainWsOrUntrustingChargerIsDiagnosed) {
    auto created = https_->request("POST", "/api/v1/tests", R"({"chargeBoxId":"PLAIN000001"})");
    ASSERT_TRUE(created) << created.error().message;
    ASSERT_EQ(created->status, 201) << created->body;
    const auto c = json(created->body);
    const std::string id = str(c, "id");
    run_charger("ws://127.0.0.1:" + std::to_string(port_) + "/ocpp", "PLAIN", str(c, "password"));
    const auto state = wait_for_test(
        id,
        [](const rapidjson::Value& s) {
            const auto* found = check(s, "connection.tls");
            return found != nullptr && str(*found, "verdict") == "fail";
        },
        20s);
    const auto* tls = check(state, "connection.tls");
    ASSERT_NE(tls, nullptr) << logs();
    EXPECT_EQ(str(*tls, "verdict"), "fail") << logs();
    EXPECT_NE(str(*tls, "seen").find("plain HTTP request without TLS (a ws:// URL)"), std::string::npos)
        << str(*tls, "seen");
    EXPECT_NE(str(*tls, "hint")
                  .find("Set the central system URL in the charger to wss://127.0.0.1:" + std::to_string(port_) +
                        "/ocpp: it starts with wss://, not ws://"),
              std::string::npos)
        << str(*tls, "hint");
    EXPECT_EQ(str(state, "state"), "running");
    auto deleted = https_->request("DELETE", "/api/v1/tests/" + id);
    ASSERT_TRUE(deleted) << deleted.error().message;
    EXPECT_EQ(deleted->status / 100, 2) << deleted->body;
    simulator_.reset();

    // A charger over wss:// that does not trust the tester's certificate is told about the CA.
    created = https_->request("POST", "/api/v1/tests", R"({"chargeBoxId":"UNTRUST000001"})");
    ASSERT_TRUE(created && created->status == 201);
    const auto u = json(created->body);
    run_charger("wss://127.0.0.1:" + std::to_string(port_) + "/ocpp", "UNTRUST", str(u, "password"),
                pki_->other_ca_cert);
    const auto untrusted = wait_for_test(
        str(u, "id"),
        [](const rapidjson::Value& s) {
            const auto* found = check(s, "connection.tls");
            return found != nullptr && str(*found, "verdict") == "fail";
        },
        20s);
    tls = check(untrusted, "connection.tls");
    ASSERT_NE(tls, nullptr) << logs();
    EXPECT_EQ(str(*tls, "verdict"), "fail") << logs();
    EXPECT_NE(str(*tls, "seen").find("unknown ca"), std::string::npos) << str(*tls, "seen");
    EXPECT_NE(str(*tls, "hint").find("trusts the CA"), std::string::npos) << str(*tls, "hint");
}

} // namespace
