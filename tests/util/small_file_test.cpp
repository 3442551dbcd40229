#include "ocpp/system/small_file.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        char name[] = "/tmp/ocppkit-small-file-XXXXXX";
        path = ::mkdtemp(name);
    }
    ~TempDir() { fs::remove_all(path); }
};

} // namespace

TEST(SmallFile, ReadsARegularFile) {
    TempDir dir;
    const auto file = dir.path / "a.yaml";
    std::ofstream(file) << "listen: 127.0.0.1:0\n";
    auto text = ocpp::read_small_file(file.string());
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, "listen: 127.0.0.1:0\n");
    EXPECT_EQ(ocpp::file_problem(file.string()), std::nullopt);
}

TEST(SmallFile, ADirectoryIsAnErrorNamingIt) {
    TempDir dir;
    auto text = ocpp::read_small_file(dir.path.string());
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().message, "\"" + dir.path.string() + "\" is a directory, not a file");
    const auto p = ocpp::file_problem(dir.path.string());
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->kind, ocpp::FileProblem::Kind::Directory);
}

TEST(SmallFile, MissingAndTooLargeFilesAreErrorsDevicesAreRead) {
    TempDir dir;
    const auto missing = (dir.path / "none.yaml").string();
    auto text = ocpp::read_small_file(missing);
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().message, "cannot read \"" + missing + "\": No such file or directory");
    EXPECT_EQ(ocpp::file_problem(missing)->kind, ocpp::FileProblem::Kind::Missing);

    const auto big = dir.path / "big";
    std::ofstream(big) << std::string(100, 'x');
    auto large = ocpp::read_small_file(big.string(), 99);
    ASSERT_FALSE(large);
    EXPECT_NE(large.error().message.find("is larger than 99 bytes"), std::string::npos);

    EXPECT_EQ(ocpp::file_problem("/dev/null"), std::nullopt); // a device or a pipe is read as it is
    auto empty = ocpp::read_small_file("/dev/null");
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_EQ(*empty, "");
    EXPECT_FALSE(ocpp::read_small_file(""));
}
