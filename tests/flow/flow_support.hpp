#pragma once
// The real ocpp-centralsystem for the flow tests: a free port on 127.0.0.1, a temporary SQLite file, an API token;
// stopped by its PID and its files removed when the helper goes away.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/wait.hpp"

namespace flow::test {

using namespace std::chrono_literals;

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class CentralSystem {
public:
    ~CentralSystem() { stop(); }

    // Starts the binary (call under ASSERT_NO_FATAL_FAILURE); `name` keeps the files of parallel tests apart.
    void start(const std::string& name, std::vector<std::string> extra = {}) {
        base_ = "/tmp/flow-" + name + "-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
        remove_files();
        port_ = ocppkit::test::free_port();
        std::vector<std::string> args{"--listen",
                                      "127.0.0.1:" + std::to_string(port_),
                                      "--db",
                                      "sqlite:" + db(),
                                      "--api-token",
                                      token(),
                                      "--heartbeat-interval",
                                      "5"};
        args.insert(args.end(), extra.begin(), extra.end());
        process_ = std::make_unique<ocppkit::test::ChildProcess>(
            std::string(ocppkit::test::bin_dir()) + "/ocpp-centralsystem", args, log_file());
        ASSERT_TRUE(
            ocppkit::test::wait_until([&] { return ocppkit::test::http(port_, "GET", "/healthz").status == 200; }, 10s))
            << read_text(log_file());
    }
    void stop() {
        if (process_) {
            process_.reset();
            if (::testing::Test::HasFailure()) {
                std::fprintf(stderr, "--- central system log ---\n%s\n", read_text(log_file()).c_str());
            }
            remove_files();
        }
    }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::uint16_t port() const { return port_; }
    std::string token() const { return "flow-test-token-0123456789"; }
    std::string db() const { return base_ + ".db"; }
    std::string log_file() const { return base_ + ".cs.log"; }
    std::string file(const std::string& suffix) const { return base_ + suffix; }

private:
    void remove_files() {
        for (const char* suffix : {".db", ".db-wal", ".db-shm", ".cs.log"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    std::string base_;
    std::uint16_t port_ = 0;
    std::unique_ptr<ocppkit::test::ChildProcess> process_;
};

} // namespace flow::test
