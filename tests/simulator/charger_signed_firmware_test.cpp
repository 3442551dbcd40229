// SignedUpdateFirmware of a simulated charger against a real HTTP server: the signing certificate checked against
// the installed ManufacturerRootCertificates, the signature over the downloaded bytes, every status with the
// requestId, the reboot into the new version and the security events. Certificates and signatures are made with the
// openssl command line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "security_world.hpp"

using namespace std::chrono_literals;
using namespace ocpp::v16;
using ocppkit::test::FileServer;
using ocppkit::test::TempDir;
using sim::testing::Strings;

namespace {

// A manufacturer root with a firmware signing certificate, and a foreign root with one of its own.
struct SigningPki {
    TempDir dir;
    std::string error;

    bool run(const std::string& command) {
        const std::string full = "cd '" + dir.path() + "' && (" + command + ") >>openssl.log 2>&1";
        if (std::system(full.c_str()) != 0) {
            error = "failed: " + command + "\n" + dir.read("openssl.log");
            return false;
        }
        return true;
    }
    bool make() {
        dir.write("signer.ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                                "extendedKeyUsage=codeSigning\n");
        const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        const std::string ca_ext =
            "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";
        auto ca = [&](const std::string& name) {
            return run("openssl req -x509 " + ec + " -keyout " + name + ".key -out " + name +
                       ".pem -days 30 -subj '/CN=" + name + "' " + ca_ext);
        };
        auto signer = [&](const std::string& name, const std::string& issuer) {
            return run("openssl req " + ec + " -keyout " + name + ".key -out " + name +
                       ".csr -subj '/O=ocppkit/CN=" + name + "'") &&
                   run("openssl x509 -req -in " + name + ".csr -CA " + issuer + ".pem -CAkey " + issuer +
                       ".key -CAcreateserial -out " + name + ".pem -days 30 -extfile signer.ext");
        };
        return ca("mfr_root") && ca("foreign_root") && signer("signer", "mfr_root") &&
               signer("foreign_signer", "foreign_root");
    }
    std::string pem(const std::string& name) const { return dir.read(name + ".pem"); }
    // base64 of the ECDSA SHA-256 signature over `data` with the key `name`.key.
    std::string sign(const std::string& name, const std::string& data) {
        dir.write("data.bin", data);
        if (!run("openssl dgst -sha256 -sign " + name +
                 ".key -out data.sig data.bin && base64 -w0 data.sig > data.b64")) {
            return {};
        }
        return dir.read("data.b64");
    }
};

class SignedFirmwareTest : public sim::testing::SecurityWorld {
protected:
    void SetUp() override {
        ASSERT_TRUE(pki.make()) << pki.error;
        // The certificates are valid from today: the charger's wall clock starts today too.
        clock.advance(
            std::chrono::duration_cast<ocpp::Clock::Duration>(std::chrono::system_clock::now() - clock.wall_now()));
    }

    void boot_trusting_the_manufacturer() {
        sim::ChargerSpec spec;
        spec.manufacturer_roots = {pki.pem("mfr_root")};
        boot(spec);
        ex.advance(1s);
        events.clear();
        tech_infos.clear();
    }

    std::string update(const std::string& location, const std::string& certificate, const std::string& signature,
                       int request_id, ocpp::Clock::Duration retrieve_in = {},
                       std::optional<ocpp::Clock::Duration> install_in = {}) {
        SignedUpdateFirmwareReq req;
        req.requestId = request_id;
        req.retries = 1;
        req.retryInterval = 5;
        req.firmware.location = location;
        req.firmware.retrieveDateTime = ocpp::DateTime{clock.wall_now()} + retrieve_in;
        if (install_in) {
            req.firmware.installDateTime = ocpp::DateTime{clock.wall_now()} + *install_in;
        }
        req.firmware.signingCertificate = certificate;
        req.firmware.signature = signature;
        std::string status = "none";
        cs.peer->call(req, [&](ocpp::CallOutcome<SignedUpdateFirmwareConf> o) {
            if (o.ok()) {
                status = to_string(o.conf->status);
            }
        });
        ex.run_pending();
        return status;
    }

    SigningPki pki;
    std::vector<std::string> versions() const {
        std::vector<std::string> out;
        for (const auto& f : cs.frames) {
            const auto at = f.find("\"firmwareVersion\":\"");
            if (f.find("\"BootNotification\"") != std::string::npos && at != std::string::npos) {
                out.push_back(f.substr(at + 19, f.find('"', at + 19) - at - 19));
            }
        }
        return out;
    }
};

TEST_F(SignedFirmwareTest, AGoodSignatureInstallsRebootsAndReportsEveryStep) {
    auto http = server(FileServer::Kind::HttpDownload);
    const std::string image = "version=4.2.0\nsigned payload\n";
    http->dir().write("fw/image.bin", image);
    boot_trusting_the_manufacturer();
    EXPECT_EQ(update(http->url("/fw/image.bin"), pki.pem("signer"), pki.sign("signer", image), 31), "Accepted");
    ASSERT_TRUE(pump_until([&] { return !firmware.empty() && firmware.back() == "Installed#31"; }))
        << ::testing::PrintToString(firmware) << ::testing::PrintToString(tech_infos);
    EXPECT_EQ(firmware, (Strings{"Downloading#31", "Downloaded#31", "SignatureVerified#31", "Installing#31",
                                 "InstallRebooting#31", "Installed#31"}));
    EXPECT_EQ(versions().back(), "4.2.0");
    EXPECT_EQ(cs.connections, 2);
    EXPECT_EQ(events, (Strings{"ResetOrReboot", "StartupOfTheDevice", "FirmwareUpdated"}));
    firmware.clear();
    EXPECT_EQ(trigger(ExtendedMessageTrigger::FirmwareStatusNotification), "Accepted");
    EXPECT_EQ(firmware, Strings{"Idle"});
}

TEST_F(SignedFirmwareTest, ABadSignatureIsInvalidSignatureWithItsEventAndNothingIsInstalled) {
    auto http = server(FileServer::Kind::HttpDownload);
    http->dir().write("fw.bin", "version=6.6.6\ntampered\n");
    boot_trusting_the_manufacturer();
    const std::string signature = pki.sign("signer", "version=6.6.6\nthe original\n");
    EXPECT_EQ(update(http->url("/fw.bin"), pki.pem("signer"), signature, 5), "Accepted");
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 3; })) << ::testing::PrintToString(firmware);
    pass(10s);
    EXPECT_EQ(firmware, (Strings{"Downloading#5", "Downloaded#5", "InvalidSignature#5"}));
    EXPECT_EQ(events, Strings{"InvalidFirmwareSignature"});
    // A signature that is not even base64 fails the same way.
    firmware.clear();
    EXPECT_EQ(update(http->url("/fw.bin"), pki.pem("signer"), "not base64 !!", 6), "Accepted");
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 3; })) << ::testing::PrintToString(firmware);
    EXPECT_EQ(firmware.back(), "InvalidSignature#6");
    EXPECT_EQ(events, (Strings{"InvalidFirmwareSignature", "InvalidFirmwareSignature"}));
    pass(10s);
    EXPECT_EQ(versions(), Strings{"1.0.0"});
    EXPECT_EQ(cs.connections, 1);
}

TEST_F(SignedFirmwareTest, ASignerOfAForeignRootIsInvalidCertificateAndNothingIsDownloaded) {
    auto http = server(FileServer::Kind::HttpDownload);
    http->dir().write("fw.bin", "version=7\n");
    boot_trusting_the_manufacturer();
    EXPECT_EQ(update(http->url("/fw.bin"), pki.pem("foreign_signer"), pki.sign("foreign_signer", "version=7\n"), 8),
              "InvalidCertificate");
    EXPECT_EQ(update(http->url("/fw.bin"), "not a certificate", "AAAA", 9), "InvalidCertificate");
    pass(10s);
    EXPECT_TRUE(firmware.empty()) << ::testing::PrintToString(firmware);
    EXPECT_EQ(events, (Strings{"InvalidFirmwareSigningCertificate", "InvalidFirmwareSigningCertificate"}));
}

TEST_F(SignedFirmwareTest, AChargerWithoutManufacturerRootsTrustsNoSigner) {
    boot();
    EXPECT_EQ(update("http://127.0.0.1:1/fw.bin", pki.pem("signer"), pki.sign("signer", "x"), 1), "InvalidCertificate");
}

TEST_F(SignedFirmwareTest, RetrieveAndInstallTimesAreScheduledAndANewRequestCancelsTheRunningOne) {
    auto http = server(FileServer::Kind::HttpDownload);
    const std::string image = "version=5.0\n";
    http->dir().write("fw.bin", image);
    boot_trusting_the_manufacturer();
    const std::string sig = pki.sign("signer", image);
    EXPECT_EQ(update(http->url("/fw.bin"), pki.pem("signer"), sig, 1, 10min), "Accepted");
    EXPECT_EQ(firmware, Strings{"DownloadScheduled#1"});
    EXPECT_EQ(update(http->url("/fw.bin"), pki.pem("signer"), sig, 2, 1min, 5min), "AcceptedCanceled");
    EXPECT_EQ(firmware.back(), "DownloadScheduled#2");
    pass(59s);
    EXPECT_EQ(firmware.size(), 2u);
    ASSERT_TRUE(pump_until([&] { return firmware.size() >= 6; })) << ::testing::PrintToString(firmware);
    EXPECT_EQ(firmware, (Strings{"DownloadScheduled#1", "DownloadScheduled#2", "Downloading#2", "Downloaded#2",
                                 "SignatureVerified#2", "InstallScheduled#2"}));
    firmware.clear();
    EXPECT_EQ(trigger(ExtendedMessageTrigger::FirmwareStatusNotification), "Accepted");
    EXPECT_EQ(firmware, Strings{"InstallScheduled#2"});
    pass(3min);
    EXPECT_EQ(firmware.size(), 1u) << "installed before installDateTime";
    ASSERT_TRUE(pump_until([&] { return !firmware.empty() && firmware.back() == "Installed#2"; }, 1s))
        << ::testing::PrintToString(firmware);
    EXPECT_EQ(versions().back(), "5.0");
    pass(15min); // the cancelled request never comes back
    EXPECT_EQ(std::count(firmware.begin(), firmware.end(), "Downloading#1"), 0);
}

TEST_F(SignedFirmwareTest, AFailedDownloadIsRetriedThenDownloadFailed) {
    boot_trusting_the_manufacturer();
    const std::string url = "http://127.0.0.1:" + std::to_string(ocppkit::test::free_port()) + "/fw.bin";
    EXPECT_EQ(update(url, pki.pem("signer"), pki.sign("signer", "x"), 12), "Accepted");
    ASSERT_TRUE(pump_until([&] { return !firmware.empty() && firmware.back() == "DownloadFailed#12"; }))
        << ::testing::PrintToString(firmware);
    EXPECT_EQ(firmware, (Strings{"Downloading#12", "Downloading#12", "DownloadFailed#12"}));
}

} // namespace
