// `ocpp-tester check` options: what is accepted, and one clear line for what is not.
#include <gtest/gtest.h>

#include <vector>

#include "tester/check/command.hpp"

namespace {

ocpp::Result<tester::CheckCommand> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "check");
    return tester::parse_check_command(static_cast<int>(args.size()), args.data());
}

std::string error_of(std::vector<const char*> args) {
    auto r = parse(std::move(args));
    return r ? std::string("(accepted)") : r.error().message;
}

TEST(CheckOptions, TheFullSet) {
    auto r = parse({"--listen",
                    "0.0.0.0:8180",
                    "--chargebox-id",
                    "CB-1",
                    "--password=Xk29fLq8Zr4mTw7pB",
                    "--timeout",
                    "120",
                    "--heartbeat-interval",
                    "10",
                    "--charging-test",
                    "--db",
                    "sqlite:/tmp/x.db",
                    "--report",
                    "r.json",
                    "--junit",
                    "r.xml",
                    "--html",
                    "r.html",
                    "--log-level",
                    "debug"});
    ASSERT_TRUE(r) << r.error().message;
    const auto& o = r->options;
    EXPECT_EQ(o.host, "0.0.0.0");
    EXPECT_EQ(o.port, 8180);
    EXPECT_EQ(o.chargebox_id, "CB-1");
    EXPECT_EQ(o.password, "Xk29fLq8Zr4mTw7pB");
    EXPECT_EQ(o.timeout.count(), 120);
    EXPECT_EQ(o.heartbeat_interval.count(), 10);
    EXPECT_TRUE(o.charging_test);
    EXPECT_EQ(o.db_url, "sqlite:/tmp/x.db");
    EXPECT_EQ(o.junit_file, "r.xml");
    EXPECT_EQ(o.log_level, ocpp::LogLevel::Debug);
}

TEST(CheckOptions, DefaultsAndIpv6) {
    auto r = parse({"--listen", "[::1]:0", "--chargebox-id", "CB-1", "--accept-any-password"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->options.host, "::1");
    EXPECT_EQ(r->options.port, 0);
    EXPECT_TRUE(r->options.accept_any_password);
    EXPECT_EQ(r->options.db_url, "sqlite:ocppkit.db");
    EXPECT_EQ(r->options.heartbeat_interval.count(), 30);
    EXPECT_EQ(r->options.timeout.count(), 300);
}

TEST(CheckOptions, HelpWins) {
    auto r = parse({"--bogus", "--help"});
    EXPECT_FALSE(r) << "an unknown option before --help is still an error";
    auto h = parse({"--help"});
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->help);
    EXPECT_NE(tester::check_usage().find("--chargebox-id"), std::string::npos);
}

TEST(CheckOptions, BadUsageIsOneClearLine) {
    EXPECT_EQ(error_of({"--chargebox-id", "CB-1"}), "--listen HOST:PORT is required, e.g. --listen 0.0.0.0:8180");
    EXPECT_NE(error_of({"--listen", "0.0.0.0:8180"}).find("--chargebox-id ID is required"), std::string::npos);
    EXPECT_NE(error_of({"--listen", "8180", "--chargebox-id", "CB-1"}).find("--listen: expected HOST:PORT"),
              std::string::npos);
    EXPECT_NE(error_of({"--listen", "h:99999", "--chargebox-id", "CB-1"}).find("\"h:99999\""), std::string::npos);
    EXPECT_NE(error_of({"--listen", "h:1", "--chargebox-id", "CB/1"}).find("--chargebox-id: character 3 is \"/\""),
              std::string::npos);
    EXPECT_NE(error_of({"--listen", "h:1", "--chargebox-id", "CB-1", "--password", "p", "--accept-any-password"})
                  .find("exclude each other"),
              std::string::npos);
    EXPECT_NE(error_of({"--listen", "h:1", "--chargebox-id", "CB-1", "--timeout", "0"}).find("--timeout: expected"),
              std::string::npos);
    EXPECT_NE(error_of({"--listen", "h:1", "--chargebox-id", "CB-1", "--db", "mysql://x/y"}).find("--db:"),
              std::string::npos);
    EXPECT_NE(error_of({"--listen", "h:1", "--chargebox-id", "CB-1", "--tls-cert", "/nonexistent.pem"})
                  .find("--tls-cert: cannot read"),
              std::string::npos);
    EXPECT_EQ(error_of({"--listen", "h:1", "--chargebox-id", "CB-1", "--frobnicate"}),
              "unknown option --frobnicate (see ocpp-tester check --help)");
    EXPECT_EQ(error_of({"--listen"}), "--listen: expects a value");
    EXPECT_NE(error_of({"--listen", "h:1", "--chargebox-id", "CB-1", "extra"}).find("unexpected argument"),
              std::string::npos);
}

TEST(CheckOptions, CapturePathBesideTheReport) {
    EXPECT_EQ(tester::capture_path_for("out/report.json"), "out/report.capture.jsonl");
    EXPECT_EQ(tester::capture_path_for("report"), "report.capture.jsonl");
}

} // namespace
