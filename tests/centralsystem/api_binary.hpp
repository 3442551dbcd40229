#pragma once
// A fixture for REST API tests against the real ocpp-centralsystem: started on a free 127.0.0.1 port with a fresh
// SQLite file and a token, stopped by its PID; restartable on the same file.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/tester/serve_support.hpp"

namespace cs::test {

using namespace std::chrono_literals;
using tester::test::HttpReply;
using tester::test::Process;

inline const std::string kBin = OCPPKIT_BIN_DIR;
inline const std::string kApiToken = "api-test-token-0123456789";

inline rapidjson::Document parse_json(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str());
    return d;
}

inline std::string file_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class ApiBinary : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = "/tmp/cs-api-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
        db_ = base_ + ".db";
        cleanup();
        start();
    }
    void TearDown() override {
        cs_.reset();
        if (HasFailure()) {
            std::fprintf(stderr, "--- central system log ---\n%s\n", file_text(base_ + ".cs.log").c_str());
        }
        cleanup();
    }
    void cleanup() {
        for (const char* suffix : {".db", ".db-wal", ".db-shm", ".cs.log"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    void start(std::vector<std::string> extra = {}) {
        port_ = tester::test::free_port();
        std::vector<std::string> args{
            "--listen", "127.0.0.1:" + std::to_string(port_), "--db", "sqlite:" + db_, "--api-token", kApiToken};
        args.insert(args.end(), extra.begin(), extra.end());
        cs_ = std::make_unique<Process>(kBin + "/ocpp-centralsystem", args, base_ + ".cs.log");
        ASSERT_TRUE(
            tester::test::eventually([&] { return tester::test::http(port_, "GET", "/healthz").status == 200; }, 10s))
            << file_text(base_ + ".cs.log");
    }
    void restart(std::vector<std::string> extra = {}) {
        cs_.reset();
        start(std::move(extra));
    }
    HttpReply api(const std::string& method, const std::string& target, const std::string& body = "",
                  std::vector<std::string> headers = {}) {
        headers.push_back("Authorization: Bearer " + kApiToken);
        return tester::test::http(port_, method, target, body, headers, 30000ms);
    }
    HttpReply csv(const std::string& body, const std::string& query = "") {
        return api("POST", "/api/v1/chargers/import" + query, body, {"Content-Type: text/csv"});
    }

    std::string base_, db_;
    std::uint16_t port_ = 0;
    std::unique_ptr<Process> cs_;
};

} // namespace cs::test
