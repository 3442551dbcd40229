// The charger role's fetch and upload steps with the real ocpp-simulator: real HTTP transfers against the runner's
// own file host (serve_file, expect_upload) and a real FTP server (pyftpdlib), a failed download and a file that is not
// what the matchers want fail the step with the reason, and bad options are errors that name the line.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/file_servers.hpp"
#include "tests/support/paths.hpp"

namespace {

using namespace std::chrono_literals;
using ocppkit::test::ChildProcess;

const std::string kBin = ocppkit::test::bin_dir();

class TransferSteps : public ::testing::Test {
protected:
    void SetUp() override { base_ = ::testing::TempDir() + "scen-transfer-" + std::to_string(::getpid()); }
    void TearDown() override { std::remove((base_ + ".yaml").c_str()); }

    // Writes the scenario (no connection needed: the steps only transfer files) and runs it; exit code and output.
    int run(const std::string& steps, std::string& out) {
        std::ofstream(base_ + ".yaml") << "name: transfers\nchargers: {count: 1, id: CP-T}\nsteps:\n" << steps;
        ChildProcess sim(kBin + "/ocpp-simulator", {"scenario", base_ + ".yaml", "--url", "ws://127.0.0.1:9/ocpp"});
        const int code = sim.wait_exit(60s);
        out = sim.stdout_text() + sim.stderr_text();
        return code;
    }

    std::string base_;
};

TEST_F(TransferSteps, FetchesAServedFileAndUploadsByPutAndPost) {
    std::string out;
    const int code = run(R"(  - serve_file: fw
    name: fw-2.0.bin
    text: "version=2.0.0 for ${id}\n"
  - fetch: "${fw}"
    match: {size: 23, text: {regex: "^version=2\\.0\\.0 for CP-T"}, status: 200}
    capture: {got: text}
  - expect_download: fw
  - upload: "${diag}/CP-T.log"
    method: PUT
    text: "log of ${id}"
  - expect_upload: diag
    name: diagnostics
    match: {size: 11, text: "log of CP-T", method: PUT, name: CP-T.log}
  - upload: "${form}"
    method: POST
    name: big.bin
    bytes: 4096
  - expect_upload: form
    name: form
    match: {size: 4096, method: POST, name: big.bin}
)",
                         out);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("PASS transfers [CP-T]"), std::string::npos) << out;
}

TEST_F(TransferSteps, UploadsToAndFetchesFromARealFtpServer) {
    ocppkit::test::FileServer ftp(ocppkit::test::FileServer::Kind::Ftp);
    std::string error;
    ASSERT_TRUE(ftp.start(error)) << error;
    std::string out;
    const int code = run("  - upload: \"" + ftp.url("/diag/CP-T.log") + "\"\n    text: \"log of ${id}\"\n" +
                             "  - fetch: \"" + ftp.url("/diag/CP-T.log") + "\"\n    match: {text: \"log of CP-T\"}\n",
                         out);
    EXPECT_EQ(code, 0) << out;
    EXPECT_EQ(ftp.dir().read("diag/CP-T.log"), "log of CP-T") << "the file the FTP server stored";
    EXPECT_EQ(out.find(ocppkit::test::FileServer::kFtpPassword), std::string::npos) << "no password in the output";
}

TEST_F(TransferSteps, AFailedDownloadFailsTheStepWithTheReason) {
    std::string out;
    EXPECT_EQ(run(R"(  - serve_file: fw
    text: "gone"
    status: 404
  - fetch: "${fw}"
)",
                  out),
              1);
    EXPECT_NE(out.find("step 2 (fetch): expected the file at http://127.0.0.1:"), std::string::npos) << out;
    EXPECT_NE(out.find("got status: "), std::string::npos) << out;
    EXPECT_NE(out.find("404"), std::string::npos) << out;
}

TEST_F(TransferSteps, NothingListensThere) {
    std::string out;
    EXPECT_EQ(run("  - fetch: \"http://127.0.0.1:9/fw.bin\"\n    within: 5\n", out), 1);
    EXPECT_NE(out.find("got unreachable: http://127.0.0.1:9/fw.bin is unreachable"), std::string::npos) << out;
    EXPECT_EQ(run("  - upload: \"ftp://127.0.0.1:9/up/\"\n    text: x\n    within: 5\n", out), 1);
    EXPECT_NE(out.find("step 1 (upload)"), std::string::npos) << out;
}

TEST_F(TransferSteps, AFileThatIsNotWhatTheMatchersWantFails) {
    std::string out;
    EXPECT_EQ(run(R"(  - serve_file: fw
    text: "version=1.0.0\n"
  - fetch: "${fw}"
    match: {text: {regex: "^version=2"}}
)",
                  out),
              1);
    EXPECT_NE(out.find("step 2 (fetch)"), std::string::npos) << out;
    EXPECT_NE(out.find("version=1.0.0"), std::string::npos) << out;
}

TEST_F(TransferSteps, BadOptionsAreErrorsThatNameTheLine) {
    std::string out;
    EXPECT_EQ(run("  - upload: \"http://127.0.0.1:9/\"\n    method: DELETE\n", out), 2);
    EXPECT_NE(out.find(".yaml:5:13: method: expected PUT or POST"), std::string::npos) << out;
    EXPECT_EQ(run("  - upload: \"http://127.0.0.1:9/\"\n    text: x\n    bytes: 10\n", out), 2);
    EXPECT_NE(out.find("upload: give text or bytes, not both"), std::string::npos) << out;
    EXPECT_EQ(run("  - upload: \"http://127.0.0.1:9/\"\n    bytes: 99999999\n", out), 2);
    EXPECT_NE(out.find("bytes: expected 0 to 16777216"), std::string::npos) << out;
    EXPECT_EQ(run("  - fetch: \"http://127.0.0.1:9/\"\n    within: 0\n", out), 2);
    EXPECT_NE(out.find("within: expected 0 < seconds <= 600"), std::string::npos) << out;
    EXPECT_EQ(run("  - fetch: \"http://127.0.0.1:9/\"\n    payload: {}\n", out), 2);
    EXPECT_NE(out.find("unknown key \"payload\""), std::string::npos) << out;
}

} // namespace
