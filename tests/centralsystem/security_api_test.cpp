// Security events and the certificate commands against the real binary: events are stored, searchable by charger,
// type, time and severity and raised as notifications by severity; every bad query or body is a clear 4xx naming
// its field; InstallCertificate, GetInstalledCertificateIds, DeleteCertificate and ExtendedTriggerMessage reach the
// charger and its answers come back (the installed roots are kept).
#include "tests/centralsystem/security_fixture.hpp"

namespace {

using namespace cs::test;

std::string event(const std::string& type, const std::string& ts, const std::string& tech = "") {
    return R"({"type":")" + type + R"(","timestamp":")" + ts + "\"" +
           (tech.empty() ? "" : R"(,"techInfo":")" + tech + "\"") + "}";
}

TEST_F(SecurityBinary, EventsAreStoredSearchableAndRaisedBySeverity) {
    auto c = charger("CB-EV1");
    auto d = charger("CB-EV2");
    ASSERT_TRUE(
        c->send("SecurityEventNotification", event("ResetOrReboot", "2026-03-01T10:00:00Z", "watchdog")).result);
    ASSERT_TRUE(c->send("SecurityEventNotification", event("InvalidMessages", "2026-03-01T11:00:00Z")).result);
    ASSERT_TRUE(d->send("SecurityEventNotification", event("VendorThing", "2026-03-01T13:00:00.500+01:00")).result);

    auto list = [&](const std::string& query) {
        const auto r = api("GET", "/api/v1/security-events" + query);
        EXPECT_EQ(r.status, 200) << r.body;
        return parse_json(r.body);
    };
    EXPECT_EQ(list("")["events"].Size(), 3u);
    EXPECT_EQ(list("?chargeBoxId=CB-EV1")["events"].Size(), 2u);
    EXPECT_EQ(list("?type=InvalidMessages")["events"].Size(), 1u);
    const auto critical = list("?critical=true");
    ASSERT_EQ(critical["events"].Size(), 1u);
    EXPECT_EQ(std::string(critical["events"][0]["severity"].GetString()), "high");
    EXPECT_EQ(std::string(critical["events"][0]["techInfo"].GetString()), "watchdog");
    EXPECT_EQ(list("?from=2026-03-01T10:30:00Z&to=2026-03-01T11:30:00Z")["events"].Size(), 1u);
    const auto vendor = list("?chargeBoxId=CB-EV2");
    ASSERT_EQ(vendor["events"].Size(), 1u);
    EXPECT_EQ(std::string(vendor["events"][0]["timestamp"].GetString()), "2026-03-01T12:00:00Z") << "stored in UTC";
    const auto page = list("?limit=2");
    ASSERT_FALSE(page["nextBefore"].IsNull());
    EXPECT_EQ(list("?limit=2&before=" + std::to_string(page["nextBefore"].GetInt64()))["events"].Size(), 1u);

    ASSERT_TRUE(wait_until([&] { return notifications("securityEventCritical").size() == 1; }, 5s));
    EXPECT_NE(notifications("securityEventCritical")[0].find("ResetOrReboot"), std::string::npos);
    EXPECT_EQ(notifications("securityEvent").size(), 2u);
}

TEST_F(SecurityBinary, AFloodOfEventsIsAnsweredAndNotifiedOnce) {
    auto c = charger("CB-NOISY");
    for (int i = 0; i < 40; ++i) {
        ASSERT_TRUE(c->send("SecurityEventNotification", event("InvalidMessages", "2026-03-01T10:00:00Z")).result);
    }
    EXPECT_EQ(parse_json(api("GET", "/api/v1/security-events?limit=1000").body)["events"].Size(), 40u);
    EXPECT_EQ(notifications("securityEvent").size(), 1u) << "once a minute per charger and type";
}

TEST_F(SecurityBinary, BadEventQueriesAreClearAndNameTheirField) {
    for (const auto& [query, field] :
         std::vector<std::pair<std::string, std::string>>{{"limit=0", "limit"},
                                                          {"limit=1001", "limit"},
                                                          {"before=x", "before"},
                                                          {"from=yesterday", "from"},
                                                          {"to=2026-13-01T00:00:00Z", "to"},
                                                          {"from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to"},
                                                          {"critical=maybe", "critical"},
                                                          {"chargeBoxId=" + std::string(60, 'A'), "chargeBoxId"},
                                                          {"type=" + std::string(51, 'T'), "type"}}) {
        const auto r = api("GET", "/api/v1/security-events?" + query);
        EXPECT_EQ(r.status, 400) << query << ": " << r.body;
        EXPECT_EQ(std::string(parse_json(r.body)["field"].GetString()), field) << query;
    }
}

TEST_F(SecurityBinary, BadCertificateCommandsAreClearAndChangeNothing) {
    add_charger("CB-OFF", "password-of-CB-OFF");
    struct Case {
        std::string path, body;
        int status;
        std::string field;
    };
    const std::string p = "/api/v1/chargers/CB-OFF/certificates/";
    for (
        const auto& c : std::vector<Case>{
            {p + "install", R"({"certificateType":"Nonsense"})", 422, "certificateType"},
            {p + "install", R"({})", 422, "certificateType"},
            {p + "install", R"({"certificateType":"CentralSystemRootCertificate","certificate":"no pem"})", 422,
             "certificate"},
            {p + "install", R"({"certificateType":"CentralSystemRootCertificate","extra":1})", 422, "extra"},
            {p + "install", "not json", 400, "body"},
            {p + "delete", R"({})", 422, "certificateHashData"},
            {p + "delete",
             R"({"certificateHashData":{"hashAlgorithm":"MD5","issuerNameHash":"aa","issuerKeyHash":"bb","serialNumber":"01"}})",
             422, "certificateHashData/hashAlgorithm"},
            {p + "delete",
             R"({"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"zz","issuerKeyHash":"bb","serialNumber":"01"}})",
             422, "certificateHashData/issuerNameHash"},
            {p + "delete", R"({"certificateHashData":{"hashAlgorithm":"SHA256"}})", 422,
             "certificateHashData/issuerNameHash"},
            {p + "query", R"({"certificateType":3})", 422, "certificateType"},
            {p + "renew", R"({"x":1})", 422, "x"},
            {p + "renew", "", 409, "id"},
            {p + "query", R"({"certificateType":"ManufacturerRootCertificate"})", 409, "id"},
            {"/api/v1/chargers/CB-NONE/certificates/query", R"({"certificateType":"ManufacturerRootCertificate"})", 404,
             "id"},
            {"/api/v1/ca/import", R"({"certificate":"x","privateKey":"y"})", 409, ""},
            {"/api/v1/ca/import", R"({"certificate":"x"})", 422, "privateKey"},
        }) {
        const auto r = api("POST", c.path, c.body);
        EXPECT_EQ(r.status, c.status) << c.path << " " << c.body << ": " << r.body;
        const auto d = parse_json(r.body);
        EXPECT_EQ(d.HasMember("field") ? std::string(d["field"].GetString()) : "", c.field) << c.path << " " << c.body;
    }
    EXPECT_EQ(api("GET", "/api/v1/chargers/CB-NONE/certificates").status, 404);
    const auto inv = parse_json(api("GET", "/api/v1/chargers/CB-OFF/certificates").body);
    EXPECT_EQ(inv["installed"].Size(), 0u);

    start_with_ca();
    const auto bad_ca = api("POST", "/api/v1/ca/import", R"({"certificate":"not pem","privateKey":"not pem"})");
    EXPECT_EQ(bad_ca.status, 422) << bad_ca.body;
    EXPECT_EQ(std::string(parse_json(bad_ca.body)["field"].GetString()), "certificate");
    const std::string before = ca_pem();
    EXPECT_FALSE(before.empty()) << "a refused import leaves the CA as it was";
}

TEST_F(SecurityBinary, CertificateCommandsReachTheChargerAndTheInventoryKeepsItsRoots) {
    start_with_ca();
    auto c = charger("CB-CMD");
    using A = ControlledCharger::Answer;
    c->answer("InstallCertificate", {A::Result, R"({"status":"Accepted"})", ""});
    c->answer("GetInstalledCertificateIds",
              {A::Result,
               R"({"status":"Accepted","certificateHashData":[{"hashAlgorithm":"SHA256","issuerNameHash":"aa11",)"
               R"("issuerKeyHash":"bb22","serialNumber":"0c"}]})",
               ""});
    c->answer("DeleteCertificate", {A::Result, R"({"status":"NotFound"})", ""});
    c->answer("ExtendedTriggerMessage", {A::Result, R"({"status":"Accepted"})", ""});
    const std::string p = "/api/v1/chargers/CB-CMD/certificates/";

    auto r = api("POST", p + "install", R"({"certificateType":"CentralSystemRootCertificate"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(std::string(parse_json(r.body)["status"].GetString()), "Accepted");
    EXPECT_EQ(std::string(parse_json(c->last_payload("InstallCertificate"))["certificate"].GetString()), ca_pem())
        << "the operator CA's certificate by default";

    // An uploaded root goes as given; a certificate that is no CA is refused before anything is sent.
    auto install_body = [](const std::string& pem) {
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        w.StartObject();
        w.Key("certificateType");
        w.String("ManufacturerRootCertificate");
        w.Key("certificate");
        w.String(pem.c_str());
        w.EndObject();
        return std::string(buf.GetString());
    };
    ocpp::pki::Subject root_subject;
    root_subject.common_name = "Maker Root";
    auto maker = ocpp::pki::CertificateAuthority::create(root_subject, std::chrono::system_clock::now(), 48h);
    ASSERT_TRUE(maker) << maker.error().message;
    r = api("POST", p + "install", install_body(maker->certificate_pem()));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(std::string(parse_json(c->last_payload("InstallCertificate"))["certificate"].GetString()),
              maker->certificate_pem());
    ocpp::pki::Subject leaf_subject;
    leaf_subject.common_name = "not-a-ca";
    auto leaf = maker->issue(leaf_subject, ocpp::pki::IssueOptions{});
    ASSERT_TRUE(leaf) << leaf.error().message;
    const int installs = c->calls("InstallCertificate");
    r = api("POST", p + "install", install_body(leaf->second));
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(std::string(parse_json(r.body)["field"].GetString()), "certificate");
    EXPECT_EQ(c->calls("InstallCertificate"), installs);

    r = api("POST", p + "query", R"({"certificateType":"CentralSystemRootCertificate"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(parse_json(r.body)["certificateHashData"].Size(), 1u);
    const auto inv = parse_json(api("GET", "/api/v1/chargers/CB-CMD/certificates").body);
    ASSERT_EQ(inv["installed"].Size(), 1u);
    EXPECT_EQ(std::string(inv["installed"][0]["certificateHashData"]["serialNumber"].GetString()), "0c");

    r = api("POST", p + "delete",
            R"({"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"aa11","issuerKeyHash":"bb22",)"
            R"("serialNumber":"0c"}})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(std::string(parse_json(r.body)["status"].GetString()), "NotFound");

    r = api("POST", p + "renew");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(std::string(parse_json(c->last_payload("ExtendedTriggerMessage"))["requestedMessage"].GetString()),
              "SignChargePointCertificate");

    c->answer("InstallCertificate", {A::CallError, "NotSupported", "no store"});
    r = api("POST", p + "install", R"({"certificateType":"ManufacturerRootCertificate"})");
    EXPECT_EQ(r.status, 502) << r.body;
}

} // namespace
