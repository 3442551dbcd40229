// ocpp/transfer against real servers: downloads and uploads over HTTP and FTP, and every failure a charger meets.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "ocpp/transfer/transfer.hpp"
#include "tests/support/file_servers.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/net_support.hpp"
#include "tests/support/wait.hpp"

using namespace std::chrono_literals;
using namespace ocpp::transfer;
using ocppkit::test::FileServer;
using ocppkit::test::LoopThread;

namespace {

class TransferTest : public ::testing::Test {
protected:
    TransferResult download(const std::string& url, std::size_t max_bytes = 0) {
        return run([&](TransferDone done) {
            return service.download(DownloadRequest{url, max_bytes, {}}, lt.loop(), std::move(done));
        });
    }
    TransferResult upload(const std::string& url, std::string data, UploadMethod method = UploadMethod::Post,
                          std::string file_name = "") {
        return run([&](TransferDone done) {
            UploadRequest r;
            r.url = url;
            r.data = std::move(data);
            r.method = method;
            r.file_name = std::move(file_name);
            return service.upload(std::move(r), lt.loop(), std::move(done));
        });
    }
    // Starts a transfer and waits for its result on the loop (20 s at most).
    template <class Start> TransferResult run(Start start) {
        auto promise = std::make_shared<std::promise<TransferResult>>();
        auto future = promise->get_future();
        auto thread_id = std::make_shared<std::thread::id>();
        TransferHandle handle = start([promise, thread_id](TransferResult r) {
            *thread_id = std::this_thread::get_id();
            promise->set_value(std::move(r));
        });
        if (future.wait_for(20s) != std::future_status::ready) {
            ADD_FAILURE() << "no result within 20 s";
            return {};
        }
        TransferResult r = future.get();
        EXPECT_EQ(*thread_id, lt.call([] { return std::this_thread::get_id(); })) << "called back off the loop";
        return r;
    }
    static std::unique_ptr<FileServer> server(FileServer::Kind kind, double slow = 10) {
        auto s = std::make_unique<FileServer>(kind, slow);
        std::string error;
        if (!s->start(error)) {
            ADD_FAILURE() << error;
        }
        return s;
    }

    LoopThread lt;
    TransferLimits limits = [] {
        TransferLimits l;
        l.threads = 4;
        l.connect_timeout = 4s; // for FTP it covers the login too
        l.total_timeout = 5s;   // pyftpdlib answers a failed login after 3 s
        l.max_download_bytes = 1024 * 1024;
        return l;
    }();
    TransferService service{limits};
};

TEST_F(TransferTest, HttpDownloadReturnsTheFileBytes) {
    auto http = server(FileServer::Kind::HttpDownload);
    std::string content(200000, '\0');
    for (std::size_t i = 0; i < content.size(); ++i) {
        content[i] = static_cast<char>(i * 7);
    }
    http->dir().write("fw/v2.bin", content);
    const auto r = download(http->url("/fw/v2.bin"));
    ASSERT_TRUE(r.ok()) << r.error->message;
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.data, content);
}

TEST_F(TransferTest, HttpNotFoundIsAStatusErrorWith404) {
    auto http = server(FileServer::Kind::HttpDownload);
    const auto r = download(http->url("/missing.bin"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->kind, TransferErrorKind::Status);
    EXPECT_EQ(r.error->status, 404);
    EXPECT_TRUE(r.data.empty());
}

TEST_F(TransferTest, RefusedPortIsUnreachable) {
    const auto port = ocppkit::test::free_port();
    const auto r = download("http://127.0.0.1:" + std::to_string(port) + "/fw.bin");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->kind, TransferErrorKind::Unreachable);
}

TEST_F(TransferTest, FileOverTheCapIsTooLargeAndNotReturned) {
    auto http = server(FileServer::Kind::HttpDownload);
    http->dir().write("big.bin", std::string(5000, 'x'));
    const auto r = download(http->url("/big.bin"), 4096);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->kind, TransferErrorKind::TooLarge);
    EXPECT_TRUE(r.data.empty());
    EXPECT_TRUE(download(http->url("/big.bin"), 5000).ok()); // exactly at the cap is fine
}

TEST_F(TransferTest, SlowServerTimesOutWithinTheTotalTimeout) {
    auto up = server(FileServer::Kind::HttpUpload, 10);
    up->dir().write("slow/fw.bin", "version=9\n");
    const auto begin = std::chrono::steady_clock::now();
    const auto r = download(up->url("/slow/fw.bin"));
    const auto took = std::chrono::steady_clock::now() - begin;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->kind, TransferErrorKind::Timeout);
    EXPECT_LT(took, 8s);
}

TEST_F(TransferTest, BadUrlsAreRefusedBeforeAnyConnection) {
    for (const std::string url : {"file:///etc/passwd", "not a url", "gopher://127.0.0.1/x", "scp://h/x"}) {
        const auto r = download(url);
        ASSERT_FALSE(r.ok()) << url;
        EXPECT_EQ(r.error->kind, TransferErrorKind::BadUrl) << url;
    }
    const auto r = upload("file:///tmp/x", "data");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->kind, TransferErrorKind::BadUrl);
}

TEST_F(TransferTest, HttpPutStoresTheBytesAtThePath) {
    auto up = server(FileServer::Kind::HttpUpload);
    const auto r = upload(up->url("/diag/cp1.txt"), "diagnostics of cp1\n", UploadMethod::Put);
    ASSERT_TRUE(r.ok()) << r.error->message;
    EXPECT_EQ(up->dir().read("diag/cp1.txt"), "diagnostics of cp1\n");
}

TEST_F(TransferTest, HttpPostSendsAMultipartFileWithItsName) {
    auto up = server(FileServer::Kind::HttpUpload);
    const auto r = upload(up->url("/upload"), "line 1\nline 2\n", UploadMethod::Post, "cp1-diag.txt");
    ASSERT_TRUE(r.ok()) << r.error->message;
    EXPECT_EQ(up->dir().read("cp1-diag.txt"), "line 1\nline 2\n");
}

TEST_F(TransferTest, UploadToAPathTheServerRefusesIsAStatusError) {
    auto http = server(FileServer::Kind::HttpDownload); // http.server answers PUT with 501
    const auto r = upload(http->url("/x.txt"), "data", UploadMethod::Put);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->kind, TransferErrorKind::Status);
    EXPECT_GE(r.error->status, 400);
}

TEST_F(TransferTest, HttpsWithTheTrustedCaDownloadsAndUploadsAndAnUntrustedServerIsATlsError) {
    std::string error;
    const auto* pki = ocppkit::test::TestPki::get(&error);
    ASSERT_NE(pki, nullptr) << error;
    FileServer https(FileServer::Kind::HttpUpload);
    https.use_tls(pki->server_rsa_cert, pki->server_rsa_key);
    ASSERT_TRUE(https.start(error)) << error;
    https.dir().write("fw.bin", "version=7.7\n");
    ASSERT_EQ(https.url("/fw.bin").rfind("https://", 0), 0u);

    const auto untrusted = download(https.url("/fw.bin")); // the system's trust anchors do not know our CA
    ASSERT_FALSE(untrusted.ok());
    EXPECT_EQ(untrusted.error->kind, TransferErrorKind::Tls) << untrusted.error->message;

    TransferLimits trusting = limits;
    trusting.ca_file = pki->ca_cert;
    TransferService with_ca{trusting};
    const auto r = run([&](TransferDone done) {
        return with_ca.download(DownloadRequest{https.url("/fw.bin"), 0, {}}, lt.loop(), std::move(done));
    });
    ASSERT_TRUE(r.ok()) << r.error->message;
    EXPECT_EQ(r.data, "version=7.7\n");
    const auto up = run([&](TransferDone done) {
        UploadRequest u;
        u.url = https.url("/diag/");
        u.data = "over tls";
        u.file_name = "cp.txt";
        return with_ca.upload(std::move(u), lt.loop(), std::move(done));
    });
    ASSERT_TRUE(up.ok()) << up.error->message;
    EXPECT_EQ(https.dir().read("cp.txt"), "over tls");
}

TEST_F(TransferTest, FtpDownloadAndUploadCreatingTheFile) {
    auto ftp = server(FileServer::Kind::Ftp);
    ftp->dir().write("fw/v3.bin", "version=3.0.0\npayload");
    const auto down = download(ftp->url("/fw/v3.bin"));
    ASSERT_TRUE(down.ok()) << down.error->message;
    EXPECT_EQ(down.data, "version=3.0.0\npayload");
    const auto up = upload(ftp->url("/diag/new/cp7.txt"), "ftp diagnostics");
    ASSERT_TRUE(up.ok()) << up.error->message;
    EXPECT_EQ(ftp->dir().read("diag/new/cp7.txt"), "ftp diagnostics");
}

TEST_F(TransferTest, FtpMissingFileIsAStatusError) {
    auto ftp = server(FileServer::Kind::Ftp);
    const auto r = download(ftp->url("/nothing.bin"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->kind, TransferErrorKind::Status);
}

TEST_F(TransferTest, FtpLoginFailureIsTypedAndTheMessageHidesThePassword) {
    auto ftp = server(FileServer::Kind::Ftp);
    ftp->dir().write("fw.bin", "x");
    const std::string url = "ftp://charger:wrong-pw-42@127.0.0.1:" + std::to_string(ftp->port()) + "/fw.bin";
    const auto r = download(url);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->kind, TransferErrorKind::LoginFailed);
    EXPECT_EQ(r.error->message.find("wrong-pw-42"), std::string::npos) << r.error->message;
    const auto up = upload(url, "x");
    ASSERT_FALSE(up.ok());
    EXPECT_EQ(up.error->kind, TransferErrorKind::LoginFailed);
    EXPECT_EQ(up.error->message.find("wrong-pw-42"), std::string::npos) << up.error->message;
}

TEST_F(TransferTest, ACancelledTransferNeverCallsBack) {
    auto up = server(FileServer::Kind::HttpUpload, 2);
    up->dir().write("slow/fw.bin", "x");
    std::atomic<int> called{0};
    lt.call([&] {
        TransferHandle h = service.download(DownloadRequest{up->url("/slow/fw.bin"), 0, {}}, lt.loop(),
                                            [&](TransferResult) { ++called; });
        return 0; // the handle goes here, before the server answers
    });
    std::this_thread::sleep_for(3s);
    lt.call([] { return 0; }); // anything posted has run
    EXPECT_EQ(called.load(), 0);
}

TEST_F(TransferTest, DestroyingTheServiceStopsARunningTransferWithoutCallingBack) {
    auto up = server(FileServer::Kind::HttpUpload, 30);
    up->dir().write("slow/fw.bin", "x");
    std::atomic<int> called{0};
    auto own = std::make_unique<TransferService>(limits);
    TransferHandle handle = lt.call([&] {
        return own->download(DownloadRequest{up->url("/slow/fw.bin"), 0, std::chrono::milliseconds(60000)}, lt.loop(),
                             [&](TransferResult) { ++called; });
    });
    std::this_thread::sleep_for(300ms); // the transfer runs, the server stalls
    const auto begin = std::chrono::steady_clock::now();
    own.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s); // not the server's 30 s
    lt.call([] { return 0; });
    EXPECT_EQ(called.load(), 0);
    lt.call([&] {
        handle.cancel();
        return 0;
    });
}

TEST_F(TransferTest, AFullQueueAnswersBusyAtOnce) {
    TransferLimits tiny = limits;
    tiny.threads = 1;
    tiny.max_queue = 1;
    TransferService small{tiny};
    auto up = server(FileServer::Kind::HttpUpload, 1);
    up->dir().write("slow/a", "a");
    std::atomic<int> busy{0}, done{0};
    std::vector<TransferHandle> handles;
    lt.call([&] {
        for (int i = 0; i < 4; ++i) {
            handles.push_back(
                small.download(DownloadRequest{up->url("/slow/a"), 0, {}}, lt.loop(), [&](TransferResult r) {
                    ++done;
                    if (!r.ok() && r.error->kind == TransferErrorKind::Busy) {
                        ++busy;
                    }
                }));
        }
        return 0;
    });
    EXPECT_TRUE(ocppkit::test::wait_until([&] { return done.load() == 4; }, 10s));
    EXPECT_GE(busy.load(), 2); // one runs, one waits, the rest are refused
    lt.call([&] {
        handles.clear();
        return 0;
    });
}

} // namespace
