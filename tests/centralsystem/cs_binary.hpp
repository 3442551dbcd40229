#pragma once
// CentralSystemBinary: the real ocpp-centralsystem on 127.0.0.1 (free port, stopped by its PID) on a temporary
// SQLite file, restartable on the same file, with helpers to call its REST API and to run ocpp-simulator chargers
// against it. Every integration test of the central system's REST API and OCPP endpoint derives from it.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/wait.hpp"

namespace cs::test {

using namespace std::chrono_literals;
using ocppkit::test::ChildProcess;
using ocppkit::test::file_text;
using ocppkit::test::free_port;
using ocppkit::test::HttpReply;
using ocppkit::test::wait_until;

inline const std::string kBin = ocppkit::test::bin_dir();
inline const std::string kToken = "test-token-0123456789";

inline rapidjson::Document parse_json(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str());
    return d;
}

class CentralSystemBinary : public ::testing::Test {
protected:
    void SetUp() override {
        std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        std::replace(test.begin(), test.end(), '/', '-');
        base_ = "/tmp/cs-int-" + std::to_string(::getpid()) + "-" + test;
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
        for (const char* suffix : {".db", ".db-wal", ".db-shm", ".cs.log", ".sim.log", ".report.json", ".model.yaml"}) {
            std::remove((base_ + suffix).c_str());
        }
    }
    // Starts the binary on a new free port; `extra` options come last and so win over the defaults here. A port that
    // another test's client took meanwhile as its source port (free_port() cannot hold it) is replaced by another.
    void start(std::vector<std::string> extra = {}) {
        for (int attempt = 1;; ++attempt) {
            port_ = free_port();
            std::vector<std::string> args{"--listen",
                                          "127.0.0.1:" + std::to_string(port_),
                                          "--db",
                                          "sqlite:" + db_,
                                          "--api-token",
                                          kToken,
                                          "--heartbeat-interval",
                                          "2"};
            args.insert(args.end(), extra.begin(), extra.end());
            cs_ = std::make_unique<ChildProcess>(kBin + "/ocpp-centralsystem", args, base_ + ".cs.log");
            const bool up = wait_until(
                [&] {
                    return ocppkit::test::http(port_, "GET", "/healthz").status == 200 ||
                           file_text(base_ + ".cs.log").find("Address already in use") != std::string::npos;
                },
                10s);
            if (up && file_text(base_ + ".cs.log").find("Address already in use") != std::string::npos && attempt < 3) {
                cs_.reset();
                continue;
            }
            ASSERT_TRUE(up && ocppkit::test::http(port_, "GET", "/healthz").status == 200)
                << file_text(base_ + ".cs.log");
            return;
        }
    }
    void restart(std::vector<std::string> extra = {}) {
        cs_.reset();
        start(std::move(extra));
    }
    // A request with the bearer token.
    HttpReply api(const std::string& method, const std::string& target, const std::string& body = "",
                  std::vector<std::string> headers = {}) {
        headers.push_back("Authorization: Bearer " + kToken);
        return raw(method, target, body, std::move(headers));
    }
    // A request exactly as given (no token).
    HttpReply raw(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::vector<std::string>& headers = {}) {
        return ocppkit::test::http(port_, method, target, body, headers, 30000ms);
    }
    HttpReply csv(const std::string& body, const std::string& query = "") {
        return api("POST", "/api/v1/chargers/import" + query, body, {"Content-Type: text/csv"});
    }
    // Runs the simulator to its end; returns its JSON report.
    rapidjson::Document simulate(const std::string& prefix, const std::string& password, int seconds,
                                 bool sessions = true) {
        std::vector<std::string> args{"run",
                                      "--url",
                                      "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp",
                                      "--chargers",
                                      "1",
                                      "--connectors",
                                      "2",
                                      "--id-prefix",
                                      prefix,
                                      "--duration",
                                      std::to_string(seconds),
                                      "--heartbeat-interval",
                                      "2",
                                      "--meter-interval",
                                      "1",
                                      "--sessions-per-hour",
                                      sessions ? "3600" : "0",
                                      "--session-minutes",
                                      "0.04,0.05,0.06",
                                      "--seed",
                                      "5",
                                      "--report",
                                      base_ + ".report.json"};
        if (!password.empty()) {
            args.push_back("--password");
            args.push_back(password);
        }
        ChildProcess sim(kBin + "/ocpp-simulator", args, base_ + ".sim.log");
        EXPECT_GE(sim.wait_exit(std::chrono::seconds(seconds + 20)), 0) << file_text(base_ + ".sim.log");
        return parse_json(file_text(base_ + ".report.json"));
    }
    // A charger with one charge point (EVSE ID DE*ABC*E<id>*1) and the id tag SIM-TAG-1 the simulator uses.
    void create_charger(const std::string& id, const std::string& password) {
        const auto r = api("POST", "/api/v1/chargers",
                           R"({"chargeBoxId":")" + id + R"(","password":")" + password +
                               R"(","provider":"acme","vendor":"KEBA","model":"P30","chargePoints":[)"
                               R"({"connectorId":1,"evseId":"DE*ABC*E)" +
                               id +
                               R"(*1","standard":"IEC_62196_T2","format":"SOCKET","powerType":"AC_3_PHASE",)"
                               R"("maxPowerKw":22}]})");
        ASSERT_EQ(r.status, 201) << r.body;
        ASSERT_EQ(api("POST", "/api/v1/idtags", R"({"idTag":"SIM-TAG-1","status":"Accepted"})").status / 100, 2);
    }
    // Puts a charger made by create_charger() into operation (a planned charger's sessions are answered Blocked).
    void commission_charger(const std::string& id) {
        const auto r = api("POST", "/api/v1/chargers/" + id + "/commission",
                           R"({"address":{"street":"A 1","postalCode":"10115","city":"Berlin","country":"DE"},)"
                           R"("location":{"latitude":52.52,"longitude":13.4},"hotline":"+49 30 1",)"
                           R"("chargePoints":[{"connectorId":1,"maxCurrentA":32,"phases":3,"maxPowerKw":22}]})");
        ASSERT_EQ(r.status, 200) << r.body;
    }
    rapidjson::Document transactions(const std::string& id) {
        const auto r = api("GET", "/api/v1/chargers/" + id + "/transactions");
        EXPECT_EQ(r.status, 200) << r.body;
        return parse_json(r.body);
    }

    std::string base_, db_;
    std::uint16_t port_ = 0;
    std::unique_ptr<ChildProcess> cs_;
};

} // namespace cs::test
