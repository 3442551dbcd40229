// Signed firmware updates from the real ocpp-centralsystem to the real ocpp-simulator: an upload whose signature
// verifies is stored with its SHA-256, one whose bytes do not match its signature is refused naming the field, and
// every other bad upload or update request is a clear 4xx that stores nothing. A simulated charger trusting a
// manufacturer root (its model's manufacturer_roots) refuses firmware signed under another root (InvalidCertificate)
// and installs the one signed under its root: Installed, booted with the new firmware version, and the download
// address closed once the update ended. A charger that is not connected is reported offline, nothing sent.
#include <fstream>

#include "ocpp/pki/pki.hpp"
#include "tests/centralsystem/cs_binary.hpp"
#include "tests/support/net_support.hpp"

namespace {

using namespace cs::test;

struct Signer {
    std::string root_pem, certificate_pem, key_pem;
};

// A manufacturer root and a firmware signing certificate it issued.
Signer make_signer(const std::string& name) {
    ocpp::pki::Subject root_subject;
    root_subject.common_name = name + " Root";
    root_subject.organization = name;
    auto root = ocpp::pki::CertificateAuthority::create(root_subject, std::chrono::system_clock::now(),
                                                        std::chrono::hours(24 * 30));
    EXPECT_TRUE(root) << root.error().message;
    ocpp::pki::IssueOptions o;
    o.usage = ocpp::pki::Usage::FirmwareSigning;
    ocpp::pki::Subject s;
    s.common_name = name + " Firmware Signing";
    s.organization = name;
    auto issued = root->issue(s, o);
    EXPECT_TRUE(issued) << issued.error().message;
    return Signer{root->certificate_pem(), issued->second, issued->first.private_pem};
}

std::string sign(const Signer& signer, const std::string& data) {
    auto s = ocpp::pki::sign_data(signer.key_pem, data);
    EXPECT_TRUE(s) << s.error().message;
    return s ? *s : "";
}

// A multipart/form-data body of named text parts (the file part carries a filename).
std::string form(const std::vector<std::pair<std::string, std::string>>& parts) {
    std::string body;
    for (const auto& [name, value] : parts) {
        body += "--XyZboundary\r\nContent-Disposition: form-data; name=\"" + name + "\"" +
                (name == "file" ? "; filename=\"fw.bin\"" : "") + "\r\n\r\n" + value + "\r\n";
    }
    return body + "--XyZboundary--\r\n";
}

const std::vector<std::string> kForm = {"Content-Type: multipart/form-data; boundary=XyZboundary"};

std::string url_encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

class Firmware : public CentralSystemBinary {
protected:
    HttpReply upload(const std::string& file, const Signer& signer, const std::string& signature,
                     const std::string& name = "fw-2.0.0.bin") {
        return api("POST", "/api/v1/firmware",
                   form({{"file", file},
                         {"signingCertificate", signer.certificate_pem},
                         {"signature", signature},
                         {"name", name}}),
                   kForm);
    }
    std::int64_t uploaded(const std::string& file, const Signer& signer) {
        const auto r = upload(file, signer, sign(signer, file));
        EXPECT_EQ(r.status, 201) << r.body;
        const auto d = parse_json(r.body);
        return d.IsObject() && d.HasMember("firmware") ? d["firmware"]["id"].GetInt64() : 0;
    }
    // Starts an update; its answer as a document.
    rapidjson::Document update(std::int64_t firmware, const std::string& body, int status = 201) {
        const auto r = api("POST", "/api/v1/firmware/" + std::to_string(firmware) + "/updates", body);
        EXPECT_EQ(r.status, status) << r.body;
        return parse_json(r.body);
    }
    static const rapidjson::Value* charger_of(const rapidjson::Value& update, const std::string& id) {
        for (const auto& c : update["chargers"].GetArray()) {
            if (id == c["chargeBoxId"].GetString()) {
                return &c;
            }
        }
        return nullptr;
    }
    std::size_t firmware_count() { return parse_json(api("GET", "/api/v1/firmware").body)["firmware"].Size(); }
};

TEST_F(Firmware, AnUploadIsStoredOnlyWhenItsSignatureVerifies) {
    const Signer signer = make_signer("Maker");
    const std::string file = "version=2.0.0\nthe firmware's bytes\n";
    const auto good = upload(file, signer, sign(signer, file));
    ASSERT_EQ(good.status, 201) << good.body;
    const auto d = parse_json(good.body);
    EXPECT_EQ(d["firmware"]["size"].GetInt64(), static_cast<std::int64_t>(file.size()));
    EXPECT_EQ(std::string(d["firmware"]["sha256"].GetString()).size(), 64u);
    EXPECT_EQ(std::string(d["firmware"]["name"].GetString()), "fw-2.0.0.bin");
    ASSERT_EQ(firmware_count(), 1u);

    // Bytes that do not match the signature: refused naming the field, nothing stored.
    const auto tampered = upload(file + "x", signer, sign(signer, file));
    EXPECT_EQ(tampered.status, 422) << tampered.body;
    EXPECT_EQ(std::string(parse_json(tampered.body)["field"].GetString()), "signature");
    // A signature by another key, a certificate that is no certificate, missing parts.
    const Signer other = make_signer("Other");
    EXPECT_EQ(upload(file, signer, sign(other, file)).status, 422);
    const auto garbage = upload(file, Signer{"", "not a certificate", ""}, sign(signer, file));
    EXPECT_EQ(garbage.status, 422);
    EXPECT_EQ(std::string(parse_json(garbage.body)["field"].GetString()), "signingCertificate") << garbage.body;
    const auto no_file = upload("", signer, sign(signer, ""));
    EXPECT_EQ(no_file.status, 422);
    EXPECT_EQ(std::string(parse_json(no_file.body)["field"].GetString()), "file");
    const auto no_signature = upload(file, signer, "");
    EXPECT_EQ(std::string(parse_json(no_signature.body)["field"].GetString()), "signature");
    EXPECT_EQ(api("POST", "/api/v1/firmware", "--XyZboundary\r\nbroken", kForm).status, 400);
    const auto huge = api("POST", "/api/v1/firmware", std::string(8 * 1024 * 1024 + 1, 'x'));
    EXPECT_EQ(huge.status, 413) << huge.body.substr(0, 200);
    EXPECT_EQ(firmware_count(), 1u);

    // The part's name after its filename, as some clients write it.
    std::string reversed = form({{"signingCertificate", signer.certificate_pem}, {"signature", sign(signer, file)}});
    reversed.insert(0, "--XyZboundary\r\nContent-Disposition: form-data; filename=\"a.bin\"; name=\"file\"\r\n\r\n" +
                           file + "\r\n");
    const auto swapped = api("POST", "/api/v1/firmware", reversed, kForm);
    EXPECT_EQ(swapped.status, 201) << swapped.body;
    EXPECT_EQ(firmware_count(), 2u);

    // The raw body with the certificate and signature as query parameters.
    const std::string raw_file = "version=3.0.0\n";
    const auto raw = api("POST",
                         "/api/v1/firmware?name=fw3.bin&signingCertificate=" + url_encode(signer.certificate_pem) +
                             "&signature=" + url_encode(sign(signer, raw_file)),
                         raw_file, {"Content-Type: application/octet-stream"});
    EXPECT_EQ(raw.status, 201) << raw.body;
    EXPECT_EQ(firmware_count(), 3u);
    const auto one = api("GET", "/api/v1/firmware/1");
    EXPECT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(api("GET", "/api/v1/firmware/999").status, 404);
    EXPECT_EQ(api("GET", "/api/v1/firmware/x").status, 400);
}

TEST_F(Firmware, BadUpdateRequestsAreRefusedNamingTheFieldAndSendNothing) {
    const Signer signer = make_signer("Maker");
    const auto id = uploaded("version=2.0.0\n", signer);
    ASSERT_EQ(api("POST", "/api/v1/chargers", R"({"chargeBoxId":"FW-KNOWN","password":"fw-known-password"})").status,
              201);
    auto field = [&](const std::string& body) {
        const auto d = update(id, body, 422);
        return d.IsObject() && d.HasMember("field") ? std::string(d["field"].GetString()) : "";
    };
    EXPECT_EQ(field(R"({})"), "chargers");
    EXPECT_EQ(field(R"({"chargers":[]})"), "chargers");
    EXPECT_EQ(field(R"({"chargers":["NOBODY"]})"), "chargers/0");
    EXPECT_EQ(field(R"({"chargers":["FW-KNOWN","FW-KNOWN"]})"), "chargers/1");
    EXPECT_EQ(field(R"({"chargers":["FW-KNOWN"],"retries":99})"), "retries");
    EXPECT_EQ(field(R"({"chargers":["FW-KNOWN"],"retrieveDateTime":"soon"})"), "retrieveDateTime");
    EXPECT_EQ(field(R"({"chargers":["FW-KNOWN"],"retrieveDateTime":"2030-01-02T00:00:00Z",)"
                    R"("installDateTime":"2030-01-01T00:00:00Z"})"),
              "installDateTime");
    EXPECT_EQ(field(R"({"chargers":["FW-KNOWN"],"color":"red"})"), "color");
    update(999, R"({"chargers":["FW-KNOWN"]})", 404);
    EXPECT_EQ(api("POST", "/api/v1/firmware/1/updates", "{").status, 400);
    EXPECT_EQ(parse_json(api("GET", "/api/v1/firmware/1").body)["updates"].Size(), 0u);
    EXPECT_EQ(api("GET", "/api/v1/firmware/1/updates/1").status, 404);
    // A charger that is not connected: nothing sent, its outcome says so.
    const auto d = update(id, R"({"chargers":["FW-KNOWN"]})");
    const auto* c = charger_of(d["update"], "FW-KNOWN");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(std::string((*c)["result"].GetString()), "offline");
    EXPECT_TRUE(d["update"]["ended"].GetBool());
    // Forged or closed download addresses serve nothing.
    EXPECT_EQ(raw("GET", "/files/firmware/" + std::string(64, 'a') + "/x.bin").status, 404);
    const std::string location = d["update"]["location"].GetString();
    EXPECT_EQ(raw("GET", location.substr(location.find("/files/"))).status, 410);
}

TEST_F(Firmware, ASimulatedChargerRefusesAnUntrustedSignerAndInstallsTheTrustedOne) {
    const Signer maker = make_signer("Maker");
    const Signer stranger = make_signer("Stranger");
    const std::string root = base_ + ".root.pem";
    std::ofstream(root) << maker.root_pem;
    const std::string model = base_ + ".model.yaml";
    std::ofstream(model) << "firmware_version: 1.0.0\nmanufacturer_roots: [" << root << "]\n";
    ASSERT_EQ(api("POST", "/api/v1/chargers", R"({"chargeBoxId":"FWSIM000001","password":"fwsim-password"})").status,
              201);
    ChildProcess sim(kBin + "/ocpp-simulator",
                     {"run", "--url", "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp", "--chargers", "1",
                      "--id-prefix", "FWSIM", "--password", "fwsim-password", "--duration", "90", "--sessions-per-hour",
                      "0", "--model", model},
                     base_ + ".sim.log");
    ASSERT_TRUE(wait_until(
        [&] { return api("GET", "/api/v1/chargers/FWSIM000001").body.find("\"connected\":true") != std::string::npos; },
        15s))
        << file_text(base_ + ".sim.log");

    // Signed under a root the charger does not trust: refused at once.
    const auto untrusted = update(uploaded("version=6.6.6\n", stranger), R"({"chargers":["FWSIM000001"]})");
    const auto* refused = charger_of(untrusted["update"], "FWSIM000001");
    ASSERT_NE(refused, nullptr);
    EXPECT_EQ(std::string((*refused)["result"].GetString()), "rejected");
    EXPECT_EQ(std::string((*refused)["reason"].GetString()), "InvalidCertificate");

    // Signed under its root: downloaded, verified, installed, booted with the new version. An update scheduled
    // for later is cancelled by the charger for it (AcceptedCanceled) and shows as replaced.
    const auto id = uploaded("version=2.0.0\nnew firmware\n", maker);
    const auto later = update(id, R"({"chargers":["FWSIM000001"],"retrieveDateTime":"2099-01-01T00:00:00Z"})");
    const std::string later_path =
        "/api/v1/firmware/" + std::to_string(id) + "/updates/" + std::to_string(later["update"]["id"].GetInt64());
    const auto started = update(id, R"({"chargers":["FWSIM000001"],"retries":1,"retryInterval":5})");
    const auto* sent = charger_of(started["update"], "FWSIM000001");
    ASSERT_NE(sent, nullptr);
    EXPECT_EQ(std::string((*sent)["sent"].GetString()), "sent");
    const std::string path =
        "/api/v1/firmware/" + std::to_string(id) + "/updates/" + std::to_string(started["update"]["id"].GetInt64());
    std::string body;
    EXPECT_TRUE(wait_until(
        [&] {
            body = api("GET", path).body;
            return body.find("\"result\":\"done\"") != std::string::npos;
        },
        40s))
        << body << file_text(base_ + ".sim.log");
    for (const char* status : {"Downloading", "Downloaded", "SignatureVerified", "Installing", "Installed"}) {
        EXPECT_NE(body.find(std::string("\"status\":\"") + status + "\""), std::string::npos) << status << body;
    }
    EXPECT_NE(body.find("\"ended\":true"), std::string::npos) << body;
    const auto replaced = parse_json(api("GET", later_path).body);
    const auto* cancelled = charger_of(replaced["update"], "FWSIM000001");
    ASSERT_NE(cancelled, nullptr);
    EXPECT_EQ(std::string((*cancelled)["result"].GetString()), "replaced");
    EXPECT_TRUE(replaced["update"]["ended"].GetBool());
    EXPECT_NE(body.find("AcceptedCanceled"), std::string::npos) << body;
    EXPECT_TRUE(wait_until(
        [&] {
            return api("GET", "/api/v1/chargers/FWSIM000001").body.find("\"firmware\":\"2.0.0\"") != std::string::npos;
        },
        10s))
        << api("GET", "/api/v1/chargers/FWSIM000001").body;
    // The update ended: its download address is closed.
    const std::string location = started["update"]["location"].GetString();
    EXPECT_EQ(raw("GET", location.substr(location.find("/files/"))).status, 410);
}

TEST_F(Firmware, TheUploadCapIsItsOwnAndAFileAboveTheOtherBodiesLimitPassesOnlyThere) {
    const Signer signer = make_signer("Maker");
    // A 1 MiB cap: one byte more is a 413 naming the file and the setting; nothing is stored.
    restart({"--firmware-max-size", "1"});
    const std::string small(1024 * 1024 + 1, 'f');
    const auto refused = upload(small, signer, sign(signer, small));
    EXPECT_EQ(refused.status, 413) << refused.body;
    EXPECT_NE(refused.body.find("--firmware-max-size"), std::string::npos) << refused.body;
    EXPECT_EQ(std::string(parse_json(refused.body)["field"].GetString()), "file");
    EXPECT_EQ(firmware_count(), 0u);
    const std::string fits(1024 * 1024, 'f');
    EXPECT_EQ(upload(fits, signer, sign(signer, fits)).status, 201);

    // A 12 MiB cap: a 10 MiB firmware passes, while every other path keeps its 9 MiB body limit.
    restart({"--firmware-max-size", "12"});
    const std::string big(10 * 1024 * 1024, 'b');
    const auto taken = upload(big, signer, sign(signer, big));
    EXPECT_EQ(taken.status, 201) << taken.body.substr(0, 300);
    EXPECT_EQ(parse_json(taken.body)["firmware"]["size"].GetInt64(), static_cast<std::int64_t>(big.size()));
    // A stranger without the API's token is judged by the ordinary limit before the body is read: 413, not 401
    // after 10 MiB were taken in; a wrong token likewise.
    for (const std::vector<std::string>& headers :
         {std::vector<std::string>{}, std::vector<std::string>{"Authorization: Bearer not-the-token-at-all"}}) {
        const auto stranger = raw("POST", "/api/v1/firmware", big, headers);
        EXPECT_EQ(stranger.status, 413) << stranger.body.substr(0, 300);
    }
    EXPECT_EQ(raw("POST", "/api/v1/firmware", "{}").status, 401) << "a small body reaches the token check";
    // A path without a cap of its own: 10 MiB is refused by the parser (413), not routed (404).
    const auto other = api("POST", "/api/v1/no-such-thing", std::string(10 * 1024 * 1024, 'x'));
    EXPECT_EQ(other.status, 413) << other.body.substr(0, 300);
    EXPECT_EQ(csv(std::string(10 * 1024 * 1024, 'x')).status, 413);
    // Out of range settings are refused at start naming the option.
    ChildProcess wrong(kBin + "/ocpp-centralsystem", {"--firmware-max-size", "65"}, base_ + ".wrong.log");
    EXPECT_EQ(wrong.wait_exit(10s), 2);
    EXPECT_NE(file_text(base_ + ".wrong.log").find("--firmware-max-size"), std::string::npos)
        << file_text(base_ + ".wrong.log");
}

} // namespace

namespace {

TEST_F(Firmware, AMultipartBoundaryLongerThan70CharactersIsRefusedNamingTheHeader) {
    const Signer signer = make_signer("Maker");
    const std::string file = "version=3.0.0\n";
    auto upload_with = [&](const std::string& boundary) {
        std::string body;
        for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
                 {"file", file}, {"signingCertificate", signer.certificate_pem}, {"signature", sign(signer, file)}}) {
            body +=
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
        }
        body += "--" + boundary + "--\r\n";
        return api("POST", "/api/v1/firmware", body, {"Content-Type: multipart/form-data; boundary=" + boundary});
    };
    const auto refused = upload_with(std::string(71, 'b'));
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_NE(refused.body.find("70 characters"), std::string::npos) << refused.body;
    EXPECT_EQ(firmware_count(), 0u);
    const auto taken = upload_with(std::string(70, 'b'));
    EXPECT_EQ(taken.status, 201) << taken.body;
}

} // namespace
