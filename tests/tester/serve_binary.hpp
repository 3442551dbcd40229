#pragma once
// The fixture of the `ocpp-tester serve` tests: the real binary on a free port of 127.0.0.1 with its own database
// and log, stopped by its PID after each test, plus small JSON helpers.
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/wait.hpp"

namespace tester::test {

using namespace std::chrono_literals;
using namespace ocppkit::test;

inline const std::string kBinary = std::string(ocppkit::test::bin_dir()) + "/ocpp-tester";

inline rapidjson::Document json(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    if (doc.HasParseError()) {
        doc.SetNull();
    }
    return doc;
}

inline std::string str(const rapidjson::Value& v, const char* name) {
    return v.IsObject() && v.HasMember(name) && v[name].IsString() ? v[name].GetString() : "";
}

class ServeBinary : public ::testing::Test {
protected:
    void TearDown() override {
        if (process_) {
            EXPECT_EQ(process_->stop(), 0) << logs();
        }
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(db_ + suffix);
        }
        std::filesystem::remove(log_);
    }

    // With tls, readiness is an accepted TCP connection (the plain /healthz probe cannot speak TLS).
    void start(std::vector<std::string> extra = {}, bool tls = false) {
        // The PID keeps runs of the same test from other checkouts on this machine off each other's files.
        const std::string name = std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
                                 std::to_string(::getpid());
        db_ = (std::filesystem::temp_directory_path() / ("ocppkit-serve-" + name + ".db")).string();
        log_ = (std::filesystem::temp_directory_path() / ("ocppkit-serve-" + name + ".log")).string();
        std::filesystem::remove(db_);
        // The free port may be taken between probing and binding: try a few.
        for (int attempt = 0; attempt < 3; ++attempt) {
            port_ = free_port();
            std::vector<std::string> args{"serve", "--listen",      "127.0.0.1:" + std::to_string(port_),
                                          "--db",  "sqlite:" + db_, "--heartbeat-interval",
                                          "2",     "--timeout",     "30"};
            args.insert(args.end(), extra.begin(), extra.end());
            process_ = std::make_unique<ChildProcess>(kBinary, args, log_);
            if (wait_until(
                    [&] {
                        return (tls ? accepts_tcp(port_)
                                    : http(port_, "GET", "/healthz", "", {}, 500ms).status == 200) ||
                               process_->wait_exit(0ms) >= 0;
                    },
                    10s) &&
                process_->running()) {
                return;
            }
        }
        FAIL() << "ocpp-tester serve did not come up\n" << logs();
    }

    std::string logs() const {
        std::ifstream in(log_);
        std::stringstream s;
        s << in.rdbuf();
        return "--- ocpp-tester serve output ---\n" + s.str();
    }

    HttpReply post_test(const std::string& body, const std::vector<std::string>& headers = {}) {
        return http(port_, "POST", "/api/v1/tests", body, headers);
    }

    std::unique_ptr<ChildProcess> process_;
    std::uint16_t port_ = 0;
    std::string db_, log_;
};

} // namespace tester::test
