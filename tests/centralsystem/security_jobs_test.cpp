// Bulk security jobs against the real ocpp-centralsystem with scripted chargers (security_charger.hpp): a password
// rotation over several chargers, one of them offline and one that drops the connection before answering, after
// which every charger gets in with its new password and nobody with an old one; a Rejected key that keeps the old
// password; a profile 1 -> 2 upgrade over the TLS listener beside the plain one, after which a plain connection is a
// refused downgrade attempt (logged and notified); a 2 -> 3 upgrade that asks for the charger certificate; profile 3
// proved with a client certificate and then refused without one; and every bad request a clear 4xx naming its field.
#include <fstream>
#include <sstream>

#include "centralsystem/security/jobs.hpp"
#include "tests/centralsystem/controlled_charger.hpp"
#include "tests/centralsystem/cs_binary.hpp"
#include "tests/centralsystem/security_charger.hpp"
#include "tests/support/net_support.hpp"

namespace {

using namespace cs::test;
using OnKey = SecurityCharger::OnKey;

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class SecurityJobs : public CentralSystemBinary {
protected:
    void SetUp() override {
        CentralSystemBinary::SetUp();
        std::string error;
        pki_ = ocppkit::test::TestPki::get(&error);
        ASSERT_NE(pki_, nullptr) << error;
        restart_with_tls(false);
    }
    // Plain on --listen, TLS beside it on --tls-listen; with a client CA the TLS listener takes profile 3 only.
    void restart_with_tls(bool client_ca) {
        tls_port_ = free_port();
        std::vector<std::string> args{"--tls-listen",   "127.0.0.1:" + std::to_string(tls_port_),
                                      "--tls-cert",     pki_->server_ec_cert,
                                      "--tls-key",      pki_->server_ec_key,
                                      "--tls-root-ca",  pki_->ca_cert,
                                      "--call-timeout", "2"};
        if (client_ca) {
            args.push_back("--tls-client-ca");
            args.push_back(pki_->ca_cert);
        }
        restart(args);
    }
    // A charger of provider acme with this password (no charge points: they play no part here).
    void create(const std::string& id, const std::string& password) {
        const auto r = api("POST", "/api/v1/chargers",
                           R"({"chargeBoxId":")" + id + R"(","password":")" + password + R"(","provider":"acme"})");
        ASSERT_EQ(r.status, 201) << r.body;
    }
    std::unique_ptr<SecurityCharger> charger(const std::string& id, const std::string& password, bool start = true) {
        create(id, password);
        SecurityCharger::Setup s;
        s.id = id;
        s.password = password;
        s.port = port_;
        s.tls_port = tls_port_;
        s.ca_file = pki_->ca_cert;
        s.cert_file = pki_->client_cert;
        s.key_file = pki_->client_key;
        auto c = std::make_unique<SecurityCharger>(s);
        if (start) {
            c->start();
            EXPECT_TRUE(wait_until([&] { return c->booted(); }, 10s)) << id << ": " << c->last_error();
        }
        return c;
    }
    // Whether a plain connection with this password gets in (and boots).
    bool plain_gets_in(const std::string& id, const std::string& password) {
        ControlledCharger c(port_, id, password);
        return c.start(5s);
    }
    rapidjson::Document job(std::int64_t id) {
        const auto r = api("GET", "/api/v1/security-jobs/" + std::to_string(id));
        EXPECT_EQ(r.status, 200) << r.body;
        return parse_json(r.body);
    }
    std::int64_t start_job(const std::string& body) {
        const auto r = api("POST", "/api/v1/security-jobs", body);
        EXPECT_EQ(r.status, 201) << r.body;
        const auto d = parse_json(r.body);
        return d.IsObject() && d.HasMember("id") ? d["id"].GetInt64() : 0;
    }
    // Waits until the job is done; its final state.
    rapidjson::Document finished(std::int64_t id, std::chrono::seconds within = 30s) {
        EXPECT_TRUE(wait_until([&] { return std::string(job(id)["state"].GetString()) == "done"; }, within))
            << api("GET", "/api/v1/security-jobs/" + std::to_string(id)).body;
        return job(id);
    }
    static std::string outcome(const rapidjson::Document& job, const std::string& charger,
                               std::string* reason = nullptr) {
        for (const auto& c : job["chargers"].GetArray()) {
            if (charger == c["chargeBoxId"].GetString()) {
                if (reason) {
                    *reason = c["reason"].GetString();
                }
                return c["outcome"].GetString();
            }
        }
        return "";
    }

    const ocppkit::test::TestPki* pki_ = nullptr;
    std::uint16_t tls_port_ = 0;
};

TEST_F(SecurityJobs, RotationOfSeveralChargersLetsEachInWithItsNewPasswordOnly) {
    auto a = charger("ROT-A", "old-password-a");
    auto b = charger("ROT-B", "old-password-b");
    auto dropping = charger("ROT-C", "old-password-c");
    dropping->on_key(OnKey::DropBeforeAnswer); // takes the key, but the answer is lost with the connection
    auto away = charger("ROT-D", "old-password-d", false);

    const auto id = start_job(R"({"kind":"passwordRotation","chargers":["ROT-A","ROT-B","ROT-C","ROT-D"],)"
                              R"("concurrency":2,"maxAttempts":2,"retrySeconds":1,"confirmSeconds":20})");
    ASSERT_GT(id, 0);
    const auto done = finished(id);
    std::string reason;
    EXPECT_EQ(outcome(done, "ROT-A"), "confirmed");
    EXPECT_EQ(outcome(done, "ROT-B"), "confirmed");
    EXPECT_EQ(outcome(done, "ROT-C", &reason), "confirmed") << reason;
    EXPECT_EQ(outcome(done, "ROT-D", &reason), "offline");
    EXPECT_NE(reason.find("not connected"), std::string::npos) << reason;
    EXPECT_EQ(done["counts"]["confirmed"].GetInt(), 3);
    EXPECT_EQ(done["counts"]["offline"].GetInt(), 1);

    for (auto* c : {a.get(), b.get(), dropping.get()}) {
        EXPECT_EQ(c->password().size(), 40u) << "a 20-byte key in hex";
        EXPECT_TRUE(wait_until([&] { return c->booted(); }, 10s));
    }
    // The old passwords are retired, the new ones work, and the offline charger keeps its old one.
    a.reset();
    EXPECT_FALSE(plain_gets_in("ROT-A", "old-password-a"));
    EXPECT_TRUE(plain_gets_in("ROT-B", b->password()));
    b.reset();
    EXPECT_TRUE(plain_gets_in("ROT-D", "old-password-d"));
    // New passwords never reach the log.
    const std::string log = file_text(base_ + ".cs.log");
    EXPECT_EQ(log.find(dropping->password()), std::string::npos);
}

TEST_F(SecurityJobs, ARejectedKeyKeepsTheOldPasswordAndTheOfferedOneNeverPasses) {
    auto c = charger("ROT-R", "old-password-r");
    c->on_key(OnKey::Reject);
    const auto done = finished(start_job(R"({"kind":"passwordRotation","chargers":["ROT-R"]})"));
    std::string reason;
    EXPECT_EQ(outcome(done, "ROT-R", &reason), "rejected");
    EXPECT_NE(reason.find("keeps its old password"), std::string::npos) << reason;
    const std::string offered = c->set_value("AuthorizationKey");
    ASSERT_EQ(offered.size(), 40u);
    c->go_offline();
    EXPECT_FALSE(plain_gets_in("ROT-R", offered));
    EXPECT_TRUE(plain_gets_in("ROT-R", "old-password-r"));
}

TEST_F(SecurityJobs, UpgradeTo2OverTheTlsListenerThenAPlainConnectionIsARefusedDowngrade) {
    auto c = charger("UP-2", "upgrade-password");
    const auto done = finished(start_job(R"({"kind":"profileUpgrade","targetProfile":2,"provider":"acme"})"));
    std::string reason;
    EXPECT_EQ(outcome(done, "UP-2", &reason), "confirmed") << reason;
    EXPECT_EQ(c->installed_root(), read_file(pki_->ca_cert));
    EXPECT_EQ(c->set_value("SecurityProfile"), "2");
    EXPECT_EQ(c->profile(), 2);
    EXPECT_TRUE(wait_until([&] { return c->booted(); }, 10s)) << c->last_error();

    // The right password over plain WebSocket is refused now, logged and notified.
    EXPECT_FALSE(plain_gets_in("UP-2", "upgrade-password"));
    EXPECT_TRUE(wait_until(
        [&] { return api("GET", "/api/v1/notifications").body.find("downgradeAttempt") != std::string::npos; }, 5s));
    EXPECT_NE(file_text(base_ + ".cs.log").find("downgrade attempt"), std::string::npos);
    // Another upgrade to 2 is a downgrade request: refused, naming the charger.
    const auto again =
        api("POST", "/api/v1/security-jobs", R"({"kind":"profileUpgrade","targetProfile":2,"chargers":["UP-2"]})");
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_NE(again.body.find("\"field\":\"chargers/0\""), std::string::npos) << again.body;
    c.reset();
}

TEST_F(SecurityJobs, UpgradeTo3AsksForTheChargerCertificate) {
    auto c = charger("UP-3", "upgrade-password-3");
    ASSERT_EQ(
        finished(start_job(R"({"kind":"profileUpgrade","targetProfile":2,"chargers":["UP-3"]})"))["counts"]["confirmed"]
            .GetInt(),
        1);
    ASSERT_TRUE(wait_until([&] { return c->booted(); }, 10s));
    const auto id = start_job(R"({"kind":"profileUpgrade","targetProfile":3,"chargers":["UP-3"]})");
    EXPECT_TRUE(wait_until([&] { return c->trigger() == "SignChargePointCertificate"; }, 10s));
    std::string reason;
    EXPECT_TRUE(wait_until([&] { return outcome(job(id), "UP-3", &reason) == "sent"; }, 10s));
    EXPECT_NE(reason.find("certificate"), std::string::npos) << reason;
}

TEST_F(SecurityJobs, Profile3ProvedWithAClientCertificateIsRequiredFromThenOn) {
    // CB-0001 is the name in the test PKI's client certificate.
    auto c = charger("CB-0001", "cert-password", false);
    c.reset();
    SecurityCharger::Setup s;
    s.id = "CB-0001";
    s.password = "cert-password";
    s.port = port_;
    s.tls_port = tls_port_;
    s.ca_file = pki_->ca_cert;
    s.cert_file = pki_->client_cert;
    s.key_file = pki_->client_key;
    s.profile = 3;
    restart_with_tls(true);
    s.tls_port = tls_port_;
    {
        SecurityCharger with_cert(s);
        with_cert.start();
        ASSERT_TRUE(wait_until([&] { return with_cert.booted(); }, 10s)) << with_cert.last_error();
    }
    // Without the client CA, the TLS listener takes a charger without a certificate to the gate, which knows better.
    restart_with_tls(false);
    s.tls_port = tls_port_;
    s.port = port_;
    s.profile = 2; // TLS and the password, but no certificate
    SecurityCharger without(s);
    without.start();
    EXPECT_TRUE(wait_until([&] { return without.last_error().find("401") != std::string::npos; }, 10s))
        << without.last_error();
    EXPECT_FALSE(without.booted());
    EXPECT_NE(file_text(base_ + ".cs.log").find("downgrade attempt"), std::string::npos);
}

TEST_F(SecurityJobs, BadRequestsAreRefusedNamingTheFieldAndStartNothing) {
    create("BAD-1", "bad-password-1");
    struct Case {
        std::string body;
        int status;
        std::string field;
    };
    const std::vector<Case> cases = {
        {"{", 400, "body"},
        {R"({})", 422, "kind"},
        {R"({"kind":"reboot","chargers":["BAD-1"]})", 422, "kind"},
        {R"({"kind":"passwordRotation"})", 422, "chargers"},
        {R"({"kind":"passwordRotation","chargers":[]})", 422, "chargers"},
        {R"({"kind":"passwordRotation","chargers":"BAD-1"})", 422, "chargers"},
        {R"({"kind":"passwordRotation","chargers":[1]})", 422, "chargers/0"},
        {R"({"kind":"passwordRotation","chargers":["bad id"]})", 422, "chargers/0"},
        {R"({"kind":"passwordRotation","chargers":["BAD-1","BAD-1"]})", 422, "chargers/1"},
        {R"({"kind":"passwordRotation","chargers":["BAD-1"],"provider":"acme"})", 422, "provider"},
        {R"({"kind":"passwordRotation","chargers":["NOBODY"]})", 404, "chargers/0"},
        {R"({"kind":"passwordRotation","provider":"nobody-inc"})", 422, "provider"},
        {R"({"kind":"passwordRotation","chargers":["BAD-1"],"targetProfile":2})", 422, "targetProfile"},
        {R"({"kind":"passwordRotation","chargers":["BAD-1"],"concurrency":0})", 422, "concurrency"},
        {R"({"kind":"passwordRotation","chargers":["BAD-1"],"maxAttempts":11})", 422, "maxAttempts"},
        {R"({"kind":"passwordRotation","chargers":["BAD-1"],"confirmSeconds":1})", 422, "confirmSeconds"},
        {R"({"kind":"passwordRotation","chargers":["BAD-1"],"colour":"red"})", 422, "colour"},
        {R"({"kind":"profileUpgrade","chargers":["BAD-1"]})", 422, "targetProfile"},
        {R"({"kind":"profileUpgrade","chargers":["BAD-1"],"targetProfile":1})", 422, "targetProfile"},
        {R"({"kind":"profileUpgrade","chargers":["BAD-1"],"targetProfile":4})", 422, "targetProfile"},
        {R"({"kind":"profileUpgrade","chargers":["BAD-1"],"targetProfile":3})", 409, "chargers/0"},
    };
    for (const auto& c : cases) {
        const auto r = api("POST", "/api/v1/security-jobs", c.body);
        EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
        EXPECT_NE(r.body.find("\"field\":\"" + c.field + "\""), std::string::npos) << c.body << " -> " << r.body;
    }
    EXPECT_EQ(api("GET", "/api/v1/security-jobs").body.find("\"id\""), std::string::npos) << "nothing was started";
    EXPECT_EQ(api("GET", "/api/v1/security-jobs/0").status, 400);
    EXPECT_EQ(api("GET", "/api/v1/security-jobs/x1").status, 400);
    EXPECT_EQ(api("GET", "/api/v1/security-jobs/99").status, 404);
    EXPECT_EQ(api("GET", "/api/v1/security-jobs?limit=0").status, 400);
    // A job over a charger that is busy in another is refused.
    const auto first = api("POST", "/api/v1/security-jobs",
                           R"({"kind":"passwordRotation","chargers":["BAD-1"],"maxAttempts":3,"retrySeconds":60})");
    ASSERT_EQ(first.status, 201) << first.body;
    const auto second = api("POST", "/api/v1/security-jobs", R"({"kind":"passwordRotation","chargers":["BAD-1"]})");
    EXPECT_EQ(second.status, 409) << second.body;
    EXPECT_NE(second.body.find("\"field\":\"chargers/0\""), std::string::npos) << second.body;
}

TEST_F(SecurityJobs, StatusReportsAreAnsweredAndFailuresNotified) {
    create("REP-1", "report-password");
    ControlledCharger c(port_, "REP-1", "report-password");
    ASSERT_TRUE(c.start()) << c.error();
    EXPECT_TRUE(c.send("LogStatusNotification", R"({"status":"Uploading","requestId":7})").result);
    EXPECT_TRUE(c.send("LogStatusNotification", R"({"status":"UploadFailure","requestId":7})").result);
    EXPECT_TRUE(c.send("SignedFirmwareStatusNotification", R"({"status":"InvalidSignature","requestId":9})").result);
    // A status the whitepaper does not define is a CALLERROR; nothing is stored for it.
    EXPECT_FALSE(c.send("SignedFirmwareStatusNotification", R"({"status":"Exploded","requestId":9})").result);
    const auto notes = api("GET", "/api/v1/notifications").body;
    EXPECT_NE(notes.find("logUploadFailed"), std::string::npos) << notes;
    EXPECT_NE(notes.find("InvalidSignature"), std::string::npos) << notes;
    EXPECT_EQ(notes.find("Exploded"), std::string::npos) << notes;
}

TEST_F(SecurityJobs, GetLogUploadIsStoredAndDownloadableAndAWrongTokenRefused) {
    auto c = charger("LOG-1", "log-password-1");
    const auto asked = api("POST", "/api/v1/chargers/LOG-1/logs",
                           R"({"logType":"SecurityLog","oldestTimestamp":"2026-01-01T00:00:00Z"})");
    ASSERT_EQ(asked.status, 201) << asked.body;
    const auto d = parse_json(asked.body);
    const std::string id = std::to_string(d["log"]["id"].GetInt64());
    EXPECT_EQ(std::string(d["log"]["answer"].GetString()), "Accepted");
    const std::string at = c->log_location();
    ASSERT_NE(at.find("/uploads/logs/"), std::string::npos) << at;
    const std::string path = at.substr(at.find("/uploads/"));
    // Nothing is there before the upload; a wrong token and an oversized body are refused.
    EXPECT_EQ(api("GET", "/api/v1/logs/" + id + "/file").status, 404);
    std::string wrong = path;
    wrong.back() = wrong.back() == '0' ? '1' : '0';
    EXPECT_EQ(ocppkit::test::http(port_, "PUT", wrong, "forged").status, 404);
    EXPECT_EQ(ocppkit::test::http(port_, "PUT", "/uploads/logs/short", "forged").status, 404);
    EXPECT_EQ(ocppkit::test::http(port_, "PUT", path, std::string(8 * 1024 * 1024 + 1, 'x'), {}, 30s).status, 413);
    // A multipart upload as curl sends it.
    const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"security.log\"\r\n"
                             "Content-Type: text/plain\r\n\r\nevent 1\nevent 2\n\r\n--XyZ--\r\n";
    const auto up = ocppkit::test::http(port_, "POST", path, body, {"Content-Type: multipart/form-data; boundary=XyZ"});
    EXPECT_EQ(up.status, 201) << up.body;
    EXPECT_NE(up.body.find("\"sha256\":\""), std::string::npos) << up.body;
    EXPECT_EQ(ocppkit::test::http(port_, "PUT", path, "again").status, 409) << "one upload per request";
    const auto file = api("GET", "/api/v1/logs/" + id + "/file");
    EXPECT_EQ(file.status, 200);
    EXPECT_EQ(file.body, "event 1\nevent 2\n");
    EXPECT_NE(file.header("content-disposition").find("security.log"), std::string::npos);
    const auto list = api("GET", "/api/v1/chargers/LOG-1/logs");
    EXPECT_NE(list.body.find("\"uploaded\":true"), std::string::npos) << list.body;
    EXPECT_NE(list.body.find("\"size\":16"), std::string::npos) << list.body;
    // Bad requests name their field.
    EXPECT_EQ(api("POST", "/api/v1/chargers/LOG-1/logs", R"({"logType":"SecurityLog","latestTimestamp":"soon"})")
                      .body.find("\"field\":\"latestTimestamp\"") != std::string::npos,
              true);
    const auto backwards = api("POST", "/api/v1/chargers/LOG-1/logs",
                               R"({"logType":"SecurityLog","oldestTimestamp":"2026-02-01T00:00:00Z",)"
                               R"("latestTimestamp":"2026-01-01T00:00:00Z"})");
    EXPECT_EQ(backwards.status, 422) << backwards.body;
}

TEST_F(SecurityJobs, ASimulatedChargerUploadsItsSecurityLogIntoTheFileStore) {
    create("LOGSIM000001", "logsim-password");
    ChildProcess sim(kBin + "/ocpp-simulator",
                     {"run", "--url", "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp", "--chargers", "1",
                      "--id-prefix", "LOGSIM", "--password", "logsim-password", "--duration", "60",
                      "--sessions-per-hour", "0"},
                     base_ + ".sim.log");
    ASSERT_TRUE(wait_until(
        [&] {
            return api("GET", "/api/v1/chargers/LOGSIM000001").body.find("\"connected\":true") != std::string::npos;
        },
        15s))
        << file_text(base_ + ".sim.log");
    const auto asked = api("POST", "/api/v1/chargers/LOGSIM000001/logs", R"({"logType":"SecurityLog"})");
    ASSERT_EQ(asked.status, 201) << asked.body;
    const std::string id = std::to_string(parse_json(asked.body)["log"]["id"].GetInt64());
    // The charger uploads, then reports Uploaded against the request.
    std::string list;
    EXPECT_TRUE(wait_until(
        [&] {
            list = api("GET", "/api/v1/chargers/LOGSIM000001/logs").body;
            return list.find("\"uploaded\":true") != std::string::npos &&
                   list.find("\"status\":\"Uploaded\"") != std::string::npos;
        },
        20s))
        << list << file_text(base_ + ".sim.log");
    EXPECT_EQ(api("GET", "/api/v1/logs/" + id + "/file").status, 200);
}

TEST_F(SecurityJobs, GetLogAskedOverTheTlsListenerSendsTheChargerToAnHttpsAddressAndItUploadsThere) {
    create("LOGTLS000001", "logtls-password");
    ChildProcess sim(kBin + "/ocpp-simulator",
                     {"run", "--url", "wss://127.0.0.1:" + std::to_string(tls_port_) + "/ocpp", "--ca", pki_->ca_cert,
                      "--chargers", "1", "--id-prefix", "LOGTLS", "--password", "logtls-password", "--duration", "60",
                      "--sessions-per-hour", "0"},
                     base_ + ".sim.log");
    ASSERT_TRUE(wait_until(
        [&] {
            return api("GET", "/api/v1/chargers/LOGTLS000001").body.find("\"connected\":true") != std::string::npos;
        },
        15s))
        << file_text(base_ + ".sim.log");
    // The operator asks over https on the TLS port: the address handed out is that port's, with https.
    const std::string tls_base = "https://127.0.0.1:" + std::to_string(tls_port_);
    ChildProcess curl("/usr/bin/curl",
                      {"-s", "--max-time", "20", "--cacert", pki_->ca_cert, "-H", "Authorization: Bearer " + kToken,
                       "-H", "Content-Type: application/json", "--data", R"({"logType":"SecurityLog"})",
                       tls_base + "/api/v1/chargers/LOGTLS000001/logs"},
                      base_ + ".curl.out");
    ASSERT_EQ(curl.wait_exit(25s), 0) << file_text(base_ + ".curl.out");
    const auto asked = parse_json(file_text(base_ + ".curl.out"));
    ASSERT_TRUE(asked.IsObject() && asked.HasMember("log")) << file_text(base_ + ".curl.out");
    const std::string id = std::to_string(asked["log"]["id"].GetInt64());
    // Uploaded: plain HTTP to the TLS port would have failed, so the charger went to https.
    std::string list;
    EXPECT_TRUE(wait_until(
        [&] {
            list = api("GET", "/api/v1/chargers/LOGTLS000001/logs").body;
            return list.find("\"uploaded\":true") != std::string::npos;
        },
        20s))
        << list << file_text(base_ + ".sim.log");
    EXPECT_EQ(api("GET", "/api/v1/logs/" + id + "/file").status, 200);
}

TEST_F(SecurityJobs, GetLogAskedOverThePlainListenerHandsOutAnHttpAddress) {
    auto c = charger("LOGPLAIN-1", "log-password-2");
    const auto asked = api("POST", "/api/v1/chargers/LOGPLAIN-1/logs", R"({"logType":"SecurityLog"})");
    ASSERT_EQ(asked.status, 201) << asked.body;
    EXPECT_EQ(c->log_location().rfind("http://127.0.0.1:" + std::to_string(port_) + "/uploads/logs/", 0), 0u)
        << c->log_location();
}

TEST(AuthorizationKeyReadings, BothReadingsOfAPrintableKeyPass) {
    // "41424344..." is "ABCD..." decoded: the whitepaper's reading is the bytes, many chargers send the hex.
    const auto readings = cs::passwords_for_key("4142434445464748494A4B4C4D4E4F5051525354");
    ASSERT_EQ(readings.size(), 2u);
    EXPECT_EQ(readings[0], "ABCDEFGHIJKLMNOPQRST");
    EXPECT_EQ(readings[1], "4142434445464748494A4B4C4D4E4F5051525354");
    const auto key = cs::new_authorization_key();
    EXPECT_EQ(key.size(), 40u);
    EXPECT_NE(key, cs::new_authorization_key());
}

} // namespace
