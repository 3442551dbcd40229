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

Answer ask(FileHost& host, std::string method, std::string path, std::string body = {}) {
    ocpp::net::HttpRequest req;
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

TEST(FileHost, TakesUploadsUpToTheirBound) {
    FileHost host;
    std::vector<FileHost::Transfer> got;
    const auto path = host.accept_uploads(100, [&](const FileHost::Transfer& t) { got.push_back(t); });
    EXPECT_EQ(ask(host, "PUT", path + "diag.log", std::string(100, 'a')).response.status, 201);
    EXPECT_EQ(ask(host, "POST", path, std::string(10, 'a')).response.status, 200);
    EXPECT_EQ(ask(host, "PUT", path + "big.log", std::string(101, 'a')).response.status, 413);
    EXPECT_EQ(ask(host, "GET", path).response.status, 405);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].bytes, 100u);
    EXPECT_EQ(got[0].method, "PUT");
    EXPECT_EQ(got[1].method, "POST");
}

TEST(FileHost, HttpBaseFromTheChargersUrl) {
    EXPECT_EQ(tester::profiles::http_base("ws://10.0.0.5:8180/ocpp/CB-1"), "http://10.0.0.5:8180");
    EXPECT_EQ(tester::profiles::http_base("wss://t.example:443/ocpp/CB-1"), "https://t.example:443");
}

} // namespace
