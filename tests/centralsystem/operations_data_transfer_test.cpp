// DataTransfer and diagnostics against the real ocpp-centralsystem: a charger's DataTransfer is answered by the
// vendor registry (known vendor, unknown vendor, unknown messageId) and every one is stored and listed per charger and
// across chargers, never under another charger; GetDiagnostics from the API makes an ocpp-simulator charger upload
// its file to the central system (listed with its statuses and downloadable) or, for FTP, to a real FTP server
// (python3 -m pyftpdlib) whose directory then holds the file the API names.
#include <thread>

#include "tests/centralsystem/controlled_charger.hpp"
#include "tests/centralsystem/cs_binary.hpp"
#include "tests/support/file_servers.hpp"

namespace {

using namespace cs::test;
using ocppkit::test::FileServer;

class OperationsMessages : public CentralSystemBinary {
protected:
    void SetUp() override {
        CentralSystemBinary::SetUp();
        restart({"--auto-register"});
    }
    void TearDown() override {
        sim_.reset();
        CentralSystemBinary::TearDown();
    }
    void start_simulator(const std::string& id_prefix) {
        sim_ = std::make_unique<ChildProcess>(
            kBin + "/ocpp-simulator",
            std::vector<std::string>{"run", "--url", "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp", "--chargers",
                                     "1", "--id-prefix", id_prefix, "--password", "dg-password-1", "--duration", "60",
                                     "--sessions-per-hour", "0"},
            base_ + ".sim.log");
        ASSERT_TRUE(wait_until(
            [&] {
                return api("GET", "/api/v1/chargers/" + id_prefix + "000001").body.find("\"connected\":true") !=
                       std::string::npos;
            },
            20s))
            << file_text(base_ + ".sim.log");
    }
    std::unique_ptr<ChildProcess> sim_;
};

TEST_F(OperationsMessages, DataTransferIsAnsweredByVendorAndStoredPerCharger) {
    ControlledCharger a(port_, "DT-A", "dt-password-a");
    ControlledCharger b(port_, "DT-B", "dt-password-b");
    ASSERT_TRUE(a.start()) << a.error();
    ASSERT_TRUE(b.start()) << b.error();
    auto echo = a.send("DataTransfer", R"({"vendorId":"ORG.OCPPKIT","messageId":"echo","data":"hello"})");
    ASSERT_TRUE(echo.result) << echo.error_code;
    EXPECT_EQ(parse_json(echo.payload)["status"], "Accepted");
    EXPECT_EQ(parse_json(echo.payload)["data"], "hello");
    // An unknown vendor's data is kept only up to 256 bytes.
    auto unknown_vendor = a.send("DataTransfer", R"({"vendorId":"com.nobody","messageId":"echo","data":")" +
                                                     std::string(1000, 'u') + "\"}");
    ASSERT_TRUE(unknown_vendor.result);
    EXPECT_EQ(parse_json(unknown_vendor.payload)["status"], "UnknownVendorId");
    auto unknown_message = a.send("DataTransfer", R"({"vendorId":"org.ocppkit","messageId":"reboot"})");
    ASSERT_TRUE(unknown_message.result);
    EXPECT_EQ(parse_json(unknown_message.payload)["status"], "UnknownMessageId");
    auto time = b.send("DataTransfer", R"({"vendorId":"org.ocppkit","messageId":"time"})");
    ASSERT_TRUE(time.result);
    EXPECT_EQ(parse_json(time.payload)["status"], "Accepted");
    EXPECT_EQ(std::string(parse_json(time.payload)["data"].GetString()).size(), 20u); // 2030-01-01T00:00:00Z
    // Data beyond 4 KiB is cut in the store, the message still answered.
    auto big = b.send("DataTransfer",
                      R"({"vendorId":"org.ocppkit","messageId":"ping","data":")" + std::string(10000, 'x') + "\"}");
    ASSERT_TRUE(big.result);

    const auto of_a = parse_json(api("GET", "/api/v1/chargers/DT-A/data-transfers").body);
    ASSERT_EQ(of_a["dataTransfers"].Size(), 3u);
    EXPECT_EQ(of_a["dataTransfers"][0]["status"], "UnknownMessageId"); // newest first
    EXPECT_EQ(of_a["dataTransfers"][1]["status"], "UnknownVendorId");
    EXPECT_EQ(std::string(of_a["dataTransfers"][1]["data"].GetString()), std::string(256, 'u'));
    EXPECT_EQ(of_a["dataTransfers"][2]["data"], "hello");
    EXPECT_EQ(of_a["dataTransfers"][2]["answerData"], "hello");
    for (const auto& t : of_a["dataTransfers"].GetArray()) {
        EXPECT_EQ(t["chargeBoxId"], "DT-A");
    }
    const auto of_b = parse_json(api("GET", "/api/v1/data-transfers?chargeBoxId=DT-B").body);
    ASSERT_EQ(of_b["dataTransfers"].Size(), 2u);
    EXPECT_EQ(std::string(of_b["dataTransfers"][0]["data"].GetString()).size(), 4096u);
    EXPECT_EQ(parse_json(api("GET", "/api/v1/data-transfers").body)["dataTransfers"].Size(), 5u);
    EXPECT_EQ(parse_json(api("GET", "/api/v1/data-transfers?limit=1").body)["dataTransfers"].Size(), 1u);
    EXPECT_EQ(api("GET", "/api/v1/chargers/NOBODY/data-transfers").status, 404);
}

TEST_F(OperationsMessages, DiagnosticsAreUploadedToTheCentralSystemListedAndDownloadable) {
    start_simulator("DG");
    const auto r = api("POST", "/api/v1/chargers/DG000001/diagnostics", R"({"retries":1,"retryInterval":1})");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto d = parse_json(r.body);
    EXPECT_EQ(d["diagnostics"]["answer"], "Accepted");
    EXPECT_EQ(d["diagnostics"]["uploadTo"], "central system");
    const std::string list = "/api/v1/chargers/DG000001/diagnostics";
    ASSERT_TRUE(wait_until(
        [&] {
            const auto l = parse_json(api("GET", list).body);
            return l["diagnostics"].Size() == 1 && l["diagnostics"][0]["uploaded"].GetBool() &&
                   std::string(l["diagnostics"][0]["status"].GetString()) == "Uploaded";
        },
        20s))
        << api("GET", list).body << file_text(base_ + ".cs.log");
    const auto l = parse_json(api("GET", list).body);
    const std::string file = api("GET", l["diagnostics"][0]["download"].GetString()).body;
    EXPECT_NE(file.find("chargePointId: DG000001"), std::string::npos) << file;
    EXPECT_GT(l["diagnostics"][0]["size"].GetInt64(), 0);
    EXPECT_EQ(std::string(l["diagnostics"][0]["sha256"].GetString()).size(), 64u);
    EXPECT_EQ(api("POST", "/api/v1/chargers/NOBODY/diagnostics", "{}").status, 404);
}

TEST_F(OperationsMessages, ADiagnosticsFileNameFromTheChargerIsCleanedBeforeItIsStoredOrShown) {
    ControlledCharger charger(port_, "DN000001", "dn-password-1");
    ASSERT_TRUE(charger.start()) << charger.error();
    // Quotes, line breaks and slashes would break out of the download's Content-Disposition header.
    charger.answer("GetDiagnostics",
                   {ControlledCharger::Answer::Result, R"({"fileName":"a\"b\r\nX-Injected: 1/../c.txt"})", ""});
    const auto r = api("POST", "/api/v1/chargers/DN000001/diagnostics", "{}");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(parse_json(r.body)["diagnostics"]["fileName"], "abX-Injected: 1..c.txt") << r.body;
    const auto l = parse_json(api("GET", "/api/v1/chargers/DN000001/diagnostics").body);
    ASSERT_EQ(l["diagnostics"].Size(), 1u);
    EXPECT_EQ(l["diagnostics"][0]["fileName"], "abX-Injected: 1..c.txt");
}

TEST_F(OperationsMessages, DiagnosticsOfAnFtpChargerLandOnTheOperatorsFtpServer) {
    FileServer ftp(FileServer::Kind::Ftp);
    std::string error;
    ASSERT_TRUE(ftp.start(error)) << error;
    ftp.dir().write("diag/.keep", ""); // the operator's folder for diagnostics
    start_simulator("DF");
    const std::string dir = ftp.url("/diag/");
    const auto r = api("POST", "/api/v1/chargers/DF000001/diagnostics", R"({"ftp":")" + dir + "\"}");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto d = parse_json(r.body);
    const std::string name = d["diagnostics"]["fileName"].GetString();
    ASSERT_FALSE(name.empty());
    const std::string where = d["diagnostics"]["uploadTo"].GetString();
    EXPECT_EQ(where.find(FileServer::kFtpPassword), std::string::npos) << where;
    // The FTP server creates the file when the upload starts: wait for its content, not only its name.
    ASSERT_TRUE(wait_until(
        [&] {
            return ftp.dir().exists("diag/" + name) &&
                   ftp.dir().read("diag/" + name).find("chargePointId: DF000001") != std::string::npos;
        },
        20s))
        << file_text(base_ + ".sim.log");
    ASSERT_TRUE(wait_until(
        [&] {
            const auto l = parse_json(api("GET", "/api/v1/chargers/DF000001/diagnostics").body);
            return l["diagnostics"].Size() == 1 && std::string(l["diagnostics"][0]["status"].GetString()) == "Uploaded";
        },
        20s));
}

} // namespace
