// The central system's file store: bounded by count and bytes with the oldest files out first, and shares of it
// (signed firmware, roll-out files) that files of another kind never push out.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <thread>

#include "centralsystem/files/file_store.hpp"

namespace {

namespace fs = std::filesystem;

class FileStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = (fs::temp_directory_path() / ("cs-files-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                   .string();
        fs::remove_all(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    bool kept(const std::string& name) const { return fs::exists(fs::path(dir_) / name); }
    // Files get distinct modification times, so "oldest" is well defined.
    static void tick() { std::this_thread::sleep_for(std::chrono::milliseconds(15)); }

    std::string dir_;
};

TEST_F(FileStoreTest, LogUploadsNeverPushOutFirmwareAndTheOldestLogGoesFirst) {
    cs::FileStore store(dir_, 6, 600, {{"firmware-", 2, 300}});
    ASSERT_TRUE(store.open());
    ASSERT_TRUE(store.put("firmware-a.bin", std::string(100, 'a')));
    tick();
    // Logs have what the firmware share leaves: 4 files, 300 bytes.
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(store.put("log-" + std::to_string(i) + ".bin", std::string(90, 'l')));
        tick();
    }
    EXPECT_TRUE(kept("firmware-a.bin")) << "a flood of logs removed the operator's firmware";
    EXPECT_FALSE(kept("log-6.bin"));
    for (int i = 7; i < 10; ++i) {
        EXPECT_TRUE(kept("log-" + std::to_string(i) + ".bin")) << i;
    }
    // Firmware makes room among firmware only.
    ASSERT_TRUE(store.put("firmware-b.bin", std::string(100, 'b')));
    tick();
    ASSERT_TRUE(store.put("firmware-c.bin", std::string(100, 'c')));
    EXPECT_FALSE(kept("firmware-a.bin"));
    EXPECT_TRUE(kept("firmware-b.bin") && kept("firmware-c.bin"));
    EXPECT_TRUE(kept("log-9.bin") && kept("log-8.bin") && kept("log-7.bin"));
}

TEST_F(FileStoreTest, AFileLargerThanItsShareIsRefusedAndNothingIsRemoved) {
    cs::FileStore store(dir_, 10, 1000, {{"firmware-", 2, 300}});
    ASSERT_TRUE(store.put("firmware-a.bin", std::string(200, 'a')));
    const auto big = store.put("firmware-b.bin", std::string(301, 'b'));
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().kind, ocpp::ErrorKind::Invalid);
    EXPECT_NE(big.error().message.find("300 bytes"), std::string::npos) << big.error().message;
    EXPECT_FALSE(kept("firmware-b.bin"));
    EXPECT_TRUE(kept("firmware-a.bin"));
    // The rest of the store (700 bytes) takes a file of that size that the share would not.
    EXPECT_TRUE(store.put("log-1.bin", std::string(400, 'l')));
    EXPECT_EQ(store.share_of("log-1.bin").max_bytes, 700u);
    EXPECT_EQ(store.share_of("log-1.bin").max_files, 8u);
    EXPECT_EQ(store.share_of("firmware-x.bin").max_files, 2u);
}

// A file that an unfinished update still serves is never removed to make room; when nothing else can go, the new
// file is refused (kind Io: it fits once those updates end) and everything stored stays.
TEST_F(FileStoreTest, FilesStillServedAreSparedAndANewFileIsRefusedWhenOnlyTheyRemain) {
    cs::FileStore store(dir_, 10, 1000, {{"firmware-", 2, 300}});
    ASSERT_TRUE(store.put("firmware-a.bin", std::string(100, 'a')));
    tick();
    ASSERT_TRUE(store.put("firmware-b.bin", std::string(100, 'b')));
    tick();
    // The oldest (a) is being served: b goes instead.
    ASSERT_TRUE(store.put("firmware-c.bin", std::string(100, 'c'), {"firmware-a.bin"}));
    EXPECT_TRUE(kept("firmware-a.bin")) << "an unfinished update's file was removed";
    EXPECT_FALSE(kept("firmware-b.bin"));
    EXPECT_TRUE(kept("firmware-c.bin"));
    tick();
    // Both remaining files are served: no room, the new one is refused and nothing is lost.
    const auto refused = store.put("firmware-d.bin", std::string(100, 'd'), {"firmware-a.bin", "firmware-c.bin"});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ocpp::ErrorKind::Io);
    EXPECT_NE(refused.error().message.find("still served"), std::string::npos) << refused.error().message;
    EXPECT_FALSE(kept("firmware-d.bin"));
    EXPECT_TRUE(kept("firmware-a.bin") && kept("firmware-c.bin"));
    // Once one of them is no longer served, the upload goes through and the oldest unserved file makes room.
    ASSERT_TRUE(store.put("firmware-d.bin", std::string(100, 'd'), {"firmware-c.bin"}));
    EXPECT_FALSE(kept("firmware-a.bin"));
    EXPECT_TRUE(kept("firmware-c.bin") && kept("firmware-d.bin"));
    // Bytes count too: a served 250-byte file leaves no room for 100 more in a 300-byte share.
    tick();
    ASSERT_TRUE(store.put("firmware-e.bin", std::string(250, 'e')));
    EXPECT_TRUE(kept("firmware-e.bin"));
    EXPECT_FALSE(kept("firmware-c.bin") || kept("firmware-d.bin"));
    const auto no_bytes = store.put("firmware-f.bin", std::string(100, 'f'), {"firmware-e.bin"});
    ASSERT_FALSE(no_bytes);
    EXPECT_EQ(no_bytes.error().kind, ocpp::ErrorKind::Io);
    EXPECT_TRUE(kept("firmware-e.bin"));
    EXPECT_FALSE(kept("firmware-f.bin"));
}

} // namespace
