// The firmware group's file host: files and upload endpoints under unguessable paths, only while offered, uploads
// bounded, wrong methods refused.
#include <gtest/gtest.h>

#include <set>

#include "tester/checks/profiles/file_host.hpp"

namespace {

using tester::profiles::FileHost;

struct Answer {
    bool handled = false;
    ocpp::net::HttpResponse response;
};

Answer ask(FileHost& host, std::string method, std::string path, std::string body = {},
           std::string from = "127.0.0.1:40000") {
    ocpp::net::HttpRequest req;
    req.remote_address = std::move(from);
    req.method = std::move(method);
    req.path = std::move(path);
    req.body = std::move(body);
    Answer a;
    a.handled = host.handle(req, [&](ocpp::net::HttpResponse r) { a.response = std::move(r); });
    return a;
}

TEST(FileHost, ServesAnOfferedFileUntilWithdrawn) {
    FileHost host;
    int fetched = 0;
    const auto path = host.offer("firmware.txt", "version=2\n", [&](const FileHost::Transfer& t) {
        ++fetched;
        EXPECT_EQ(t.bytes, 10u);
    });
    EXPECT_EQ(path.rfind("/files/", 0), 0u);
    EXPECT_EQ(path.substr(path.size() - 13), "/firmware.txt");
    auto a = ask(host, "GET", path);
    ASSERT_TRUE(a.handled);
    EXPECT_EQ(a.response.status, 200);
    EXPECT_EQ(a.response.body, "version=2\n");
    EXPECT_EQ(fetched, 1);
    EXPECT_EQ(ask(host, "PUT", path, "x").response.status, 405);
    host.withdraw(path);
    EXPECT_FALSE(ask(host, "GET", path).handled) << "gone once withdrawn";
}

TEST(FileHost, PathsAreUnguessableAndForeignPathsAreNotAnswered) {
    FileHost host;
    std::set<std::string> paths;
    for (int i = 0; i < 50; ++i) {
        paths.insert(host.offer("f", "x", {}));
    }
    EXPECT_EQ(paths.size(), 50u);
    const auto& one = *paths.begin();
    EXPECT_GE(one.size(), std::string("/files/").size() + 32 + 2);
    EXPECT_FALSE(ask(host, "GET", "/files/guess/f").handled);
    EXPECT_FALSE(ask(host, "GET", "/files/").handled);
    EXPECT_FALSE(ask(host, "GET", "/api/v1/tests").handled);
}

TEST(FileHost, TakesOneUploadUpToItsBoundFromItsSender) {
    FileHost host;
    std::vector<FileHost::Transfer> got;
    const auto path =
        host.accept_uploads(100, "127.0.0.1:40000", [&](const FileHost::Transfer& t) { got.push_back(t); });
    EXPECT_EQ(ask(host, "PUT", path + "big.log", std::string(101, 'a'), "127.0.0.1:40001").response.status, 413);
    EXPECT_EQ(ask(host, "PUT", path + "x.log", "x", "127.0.0.2:40001").response.status, 403) << "another sender";
    EXPECT_EQ(ask(host, "GET", path).response.status, 405);
    EXPECT_EQ(ask(host, "PUT", path + "diag.log", std::string(100, 'a'), "127.0.0.1:40002").response.status, 201);
    EXPECT_EQ(ask(host, "POST", path, std::string(10, 'a'), "127.0.0.1:40003").response.status, 409)
        << "one upload per test";
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0].status, 413);
    EXPECT_EQ(got[0].bytes, 101u);
    EXPECT_EQ(got[1].status, 403);
    EXPECT_EQ(got[1].remote_address, "127.0.0.2:40001");
    EXPECT_EQ(got[2].status, 201);
    EXPECT_EQ(got[2].bytes, 100u);
    EXPECT_EQ(got[2].method, "PUT");
    EXPECT_EQ(got[3].status, 409);
}

TEST(FileHost, RefusesEveryUploadWhenTheChargersAddressIsUnknown) {
    FileHost host;
    std::vector<FileHost::Transfer> got;
    const auto post = host.accept_uploads(100, "", [&](const FileHost::Transfer& t) { got.push_back(t); });
    EXPECT_EQ(ask(host, "POST", post, "y", "10.9.9.9:1").response.status, 403) << "an unknown sender is nobody";
    EXPECT_EQ(ask(host, "PUT", post + "d.log", "y", "127.0.0.1:1").response.status, 403);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].status, 403);
    EXPECT_EQ(host.body_limit("PUT", post + "d.log"), 0u) << "no large body for an endpoint nobody may use";
}

TEST(FileHost, OnlyALiveUploadPathTakesALargeBody) {
    using tester::profiles::kMaxHttpBody;
    FileHost host;
    const auto upload = host.accept_uploads(100, "127.0.0.1", nullptr);
    const auto file = host.offer("fw.txt", "version=1", nullptr);
    EXPECT_EQ(host.body_limit("PUT", upload + "diag.log"), kMaxHttpBody);
    EXPECT_EQ(host.body_limit("POST", upload), kMaxHttpBody);
    EXPECT_EQ(host.body_limit("GET", upload), 0u);
    EXPECT_EQ(host.body_limit("PUT", file), 0u) << "an offered file takes no upload";
    EXPECT_EQ(host.body_limit("PUT", "/files/guess/diag.log"), 0u);
    EXPECT_EQ(host.body_limit("POST", "/api/v1/tests"), 0u);
    EXPECT_EQ(ask(host, "PUT", upload + "diag.log", "x").response.status, 201);
    EXPECT_EQ(host.body_limit("PUT", upload + "again.log"), 0u) << "taken: a second large body is not held";
    host.withdraw(upload);
    EXPECT_EQ(host.body_limit("PUT", upload + "diag.log"), 0u);
}

TEST(FileHost, SenderAddressesWithoutTheirPort) {
    using tester::profiles::address_only;
    EXPECT_EQ(address_only("10.0.0.7:51234"), "10.0.0.7");
    EXPECT_EQ(address_only("[::1]:51234"), "::1");
    EXPECT_EQ(address_only("[::ffff:10.0.0.7]:51234"), "10.0.0.7");
    EXPECT_EQ(address_only("10.0.0.7"), "10.0.0.7");
    EXPECT_EQ(address_only("fe80::1"), "fe80::1");
}

TEST(FileHost, HttpBaseFromTheChargersUrl) {
    EXPECT_EQ(tester::profiles::http_base("ws://10.0.0.5:8180/ocpp/CB-1"), "http://10.0.0.5:8180");
    EXPECT_EQ(tester::profiles::http_base("wss://t.example:443/ocpp/CB-1"), "https://t.example:443");
}

} // namespace
