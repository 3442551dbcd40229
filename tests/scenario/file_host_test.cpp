// The scenario runner's HTTP side on a real socket: a served file and its downloads, uploads by PUT and by
// multipart POST (also below the endpoint, as chargers append the file name), and every bad request answered.
#include <atomic>

#include <gtest/gtest.h>

#include "simulator/scenario/file_host.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/wait.hpp"

namespace {

using ocppkit::test::http;
using ocppkit::test::LoopThread;
using scen::FileHost;

// The port and path of a URL the host made ("http://127.0.0.1:PORT/PATH").
std::pair<std::uint16_t, std::string> split(const std::string& url) {
    const auto colon = url.find(':', 7);
    const auto slash = url.find('/', colon);
    return {static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1, slash - colon - 1))), url.substr(slash)};
}

class FileHostTest : public ::testing::Test {
protected:
    void SetUp() override {
        scen::FileHostLimits limits;
        limits.max_upload_bytes = 1000;
        limits.kept_uploads = 2;
        host_ = loop_.call([&] { return std::make_unique<FileHost>(loop_.loop(), "127.0.0.1", log_, limits); });
    }
    void TearDown() override {
        loop_.stop([this] { host_.reset(); });
    }
    ocpp::Logger log_{ocpp::LogLevel::Error};
    LoopThread loop_;
    std::unique_ptr<FileHost> host_;
    std::atomic<int> events_{0};
};

TEST_F(FileHostTest, ServesAFileAndCountsItsDownloads) {
    const auto url = loop_.call([&] {
        return host_->serve("CP 1", "fw-2.0.bin", std::make_shared<const std::string>("version=2.0"), 200,
                            [&] { ++events_; });
    });
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_NE(url->find("/CP%201/fw-2.0.bin"), std::string::npos) << *url;
    const auto [port, path] = split(*url);
    EXPECT_EQ(loop_.call([&] { return host_->downloads(*url); }), 0u);
    const auto r = http(port, "GET", path);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "version=2.0");
    EXPECT_EQ(http(port, "GET", path).status, 200);
    EXPECT_EQ(loop_.call([&] { return host_->downloads(*url); }), 2u);
    EXPECT_TRUE(ocppkit::test::wait_until([&] { return events_.load() == 2; }, std::chrono::seconds(5)));
    // Only GET; another path is not found; a file served as failing answers its status.
    EXPECT_EQ(http(port, "PUT", path, "x").status, 405);
    EXPECT_EQ(http(port, "GET", path + "x").status, 404);
    const auto failing = loop_.call(
        [&] { return host_->serve("CP 1", "fw.bin", std::make_shared<const std::string>("x"), 404, nullptr); });
    ASSERT_TRUE(failing);
    EXPECT_EQ(http(port, "GET", split(*failing).second).status, 404);
    // A large file goes out whole, streamed from its one copy.
    std::string big(3 * 1024 * 1024 + 17, 'x');
    for (std::size_t i = 0; i < big.size(); i += 4096) {
        big[i] = static_cast<char>('a' + i / 4096 % 26);
    }
    const auto large = loop_.call(
        [&] { return host_->serve("CP 1", "big.bin", std::make_shared<const std::string>(big), 200, nullptr); });
    ASSERT_TRUE(large);
    const auto r2 = http(port, "GET", split(*large).second, "", {}, std::chrono::seconds(20));
    EXPECT_EQ(r2.status, 200);
    EXPECT_TRUE(r2.body == big) << r2.body.size();
    EXPECT_EQ(loop_.call([&] { return host_->downloads(*large); }), 1u);
}

TEST_F(FileHostTest, TakesUploadsByPutAndMultipartPostAndKeepsTheLatest) {
    const auto url = loop_.call([&] { return host_->upload_endpoint("CP1", "diag", [&] { ++events_; }); });
    ASSERT_TRUE(url) << url.error().message;
    const auto [port, path] = split(*url);
    EXPECT_EQ(http(port, "PUT", path, "line one\nline two\x01", {"Content-Type: text/plain"}).status, 200);
    auto uploads = loop_.call([&] { return *host_->uploads(*url); });
    ASSERT_EQ(uploads.size(), 1u);
    EXPECT_EQ(uploads[0].method, "PUT");
    EXPECT_EQ(uploads[0].size, 18u);
    EXPECT_EQ(uploads[0].text, "line one\nline two?"); // a control byte shows as '?'
    EXPECT_EQ(uploads[0].name, "diag");
    // Multipart, below the endpoint: the part's content and its file name.
    const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"CP1-diag.txt\"\r\n"
                             "Content-Type: text/plain\r\n\r\nhello diagnostics\r\n--XyZ--\r\n";
    EXPECT_EQ(
        http(port, "POST", path + "/CP1-diag.txt", body, {"Content-Type: multipart/form-data; boundary=XyZ"}).status,
        200);
    uploads = loop_.call([&] { return *host_->uploads(*url); });
    ASSERT_EQ(uploads.size(), 2u);
    EXPECT_EQ(uploads[1].method, "POST");
    EXPECT_EQ(uploads[1].name, "CP1-diag.txt");
    EXPECT_EQ(uploads[1].text, "hello diagnostics");
    EXPECT_EQ(uploads[1].size, 17u);
    // Bounded: the oldest goes beyond kept_uploads; a body above max_upload_bytes is refused and not kept.
    EXPECT_EQ(http(port, "PUT", path, "third").status, 200);
    uploads = loop_.call([&] { return *host_->uploads(*url); });
    ASSERT_EQ(uploads.size(), 2u);
    EXPECT_EQ(uploads[1].text, "third");
    EXPECT_EQ(http(port, "PUT", path, std::string(5000, 'x')).status / 100, 4);
    EXPECT_EQ(loop_.call([&] { return host_->uploads(*url)->size(); }), 2u);
    EXPECT_TRUE(ocppkit::test::wait_until([&] { return events_.load() == 3; }, std::chrono::seconds(5)));
    // GET on an upload URL, and a path beside the endpoint, are refused.
    EXPECT_EQ(http(port, "GET", path).status, 405);
    EXPECT_EQ(http(port, "PUT", path + "x", "y").status, 404);
    EXPECT_EQ(loop_.call([&] { return host_->uploads(*url + "x"); }), nullptr);
}

} // namespace
