// ServedFiles: a file not in memory is read once however many ask meanwhile; every waiter hears the one result; a
// failed read keeps nothing and the next asker reads again; the waiters of one file are bounded.
#include <gtest/gtest.h>

#include "centralsystem/operations/served_files.hpp"

namespace {

using cs::operations::ServedFiles;

TEST(ServedFiles, OneReadServesEveryoneWhoAskedMeanwhile) {
    ServedFiles files;
    std::vector<std::string> heard;
    const auto waiter = [&heard](ServedFiles::Content c) { heard.push_back(c ? **c : "error: " + c.error().message); };
    EXPECT_EQ(files.wait("fw.bin", waiter), ServedFiles::Wait::Read);
    for (int i = 0; i < 49; ++i) {
        EXPECT_EQ(files.wait("fw.bin", waiter), ServedFiles::Wait::Joined);
    }
    EXPECT_EQ(files.wait("other.bin", waiter), ServedFiles::Wait::Read); // another file is read on its own
    EXPECT_TRUE(heard.empty());
    files.loaded("fw.bin", std::make_shared<const std::string>("version=2"));
    EXPECT_EQ(heard, std::vector<std::string>(50, "version=2"));
    ASSERT_NE(files.find("fw.bin"), nullptr);
    EXPECT_EQ(*files.find("fw.bin"), "version=2");

    // A failed read: its waiters hear why, nothing is kept, and the next asker reads again.
    heard.clear();
    files.loaded("other.bin", ocpp::make_error(ocpp::ErrorKind::NotFound, "gone"));
    EXPECT_EQ(heard, std::vector<std::string>{"error: gone"});
    EXPECT_EQ(files.find("other.bin"), nullptr);
    EXPECT_EQ(files.wait("other.bin", waiter), ServedFiles::Wait::Read);
}

TEST(ServedFiles, TheWaitersOfOneFileAreBounded) {
    ServedFiles files;
    int told = 0;
    const auto waiter = [&told](ServedFiles::Content) { ++told; };
    for (std::size_t i = 0; i < ServedFiles::kMaxWaiters; ++i) {
        files.wait("fw.bin", waiter);
    }
    EXPECT_EQ(files.wait("fw.bin", waiter), ServedFiles::Wait::Full);
    files.loaded("fw.bin", std::make_shared<const std::string>("x"));
    EXPECT_EQ(told, static_cast<int>(ServedFiles::kMaxWaiters));
}

} // namespace
