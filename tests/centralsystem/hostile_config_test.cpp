// Start-up files that are not files: the real ocpp-centralsystem exits 2 naming the path and what is wrong, never
// aborting (it once died of an uncaught std::ios_base::failure, exit 134, on --config DIR).
#include <gtest/gtest.h>

#include "tests/support/paths.hpp"
#include "tests/support/run_binary.hpp"

namespace {

using ocppkit::test::run_binary;
using ocppkit::test::ScratchDir;

const std::string kCentral = std::string(ocppkit::test::bin_dir()) + "/ocpp-centralsystem";

TEST(HostileConfigPath, CentralSystemConfigDirectoryExits2NamingIt) {
    ScratchDir dir;
    const auto r = run_binary(kCentral, {"--config", dir.path, "--listen", "127.0.0.1:0"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--config: \"" + dir.path + "\" is a directory, not a file"), std::string::npos)
        << r.output;
}

TEST(HostileConfigPath, CentralSystemConfigMissingExits2NamingIt) {
    ScratchDir dir;
    const auto r = run_binary(kCentral, {"--config", dir.path + "/none.yaml", "--listen", "127.0.0.1:0"});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--config: cannot read \"" + dir.path + "/none.yaml\": No such file or directory"),
              std::string::npos)
        << r.output;
}

TEST(HostileConfigPath, CentralSystemTlsFileThatIsADirectoryExits2) {
    ScratchDir dir;
    const std::string key = dir.file("key.pem", "not a key");
    const auto r = run_binary(kCentral, {"--listen", "127.0.0.1:0", "--db", "sqlite:" + dir.path + "/cs.db",
                                         "--tls-cert", dir.path, "--tls-key", key});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("--tls-cert: \"" + dir.path + "\" is a directory, not a file"), std::string::npos)
        << r.output;
}

} // namespace
