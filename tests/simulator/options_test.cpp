// ocpp-simulator options: the command line, --config YAML files, --password-file and --source-ips.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "simulator/options.hpp"

namespace sim {
namespace {

ocpp::Result<Command> parse(std::vector<std::string> args) {
    args.insert(args.begin(), "ocpp-simulator");
    std::vector<const char*> argv;
    for (const auto& a : args) {
        argv.push_back(a.c_str());
    }
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

// `run --url ws://127.0.0.1:9/ocpp` plus the given arguments.
ocpp::Result<Command> run_with(std::vector<std::string> extra) {
    std::vector<std::string> args{"run", "--url", "ws://127.0.0.1:9/ocpp"};
    args.insert(args.end(), extra.begin(), extra.end());
    return parse(args);
}

std::string temp_file(const std::string& name, const std::string& content) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

TEST(Options, DefaultsWithOnlyTheUrl) {
    auto cmd = run_with({});
    ASSERT_TRUE(cmd) << cmd.error().message;
    EXPECT_EQ(cmd->kind, Command::Kind::Run);
    const Options& o = cmd->options;
    EXPECT_EQ(o.url, "ws://127.0.0.1:9/ocpp");
    EXPECT_EQ(o.chargers, 1u);
    EXPECT_EQ(o.connectors, 2);
    EXPECT_EQ(o.id_prefix, "SIM");
    EXPECT_GE(o.threads, 1); // resolved to the hardware concurrency
    EXPECT_EQ(o.mode, Mode::Realistic);
    EXPECT_FALSE(o.max_p99_ms);
    EXPECT_FALSE(o.max_errors);
}

TEST(Options, EveryOptionTakesItsValue) {
    auto cmd = run_with({"--chargers",
                         "10000",
                         "--connectors",
                         "3",
                         "--id-prefix",
                         "CP-",
                         "--password",
                         "s3cret",
                         "--ramp",
                         "2000",
                         "--handshakes-in-flight",
                         "64",
                         "--duration",
                         "90",
                         "--heartbeat-interval",
                         "60",
                         "--meter-interval",
                         "15",
                         "--sessions-per-hour",
                         "2.5",
                         "--session-minutes",
                         "5,30,120",
                         "--power-kw",
                         "22",
                         "--id-tags",
                         "A, B,C",
                         "--seed",
                         "42",
                         "--threads",
                         "2",
                         "--source-ips",
                         "127.0.0.1-3",
                         "--shard",
                         "2/4",
                         "--mode",
                         "throughput",
                         "--action",
                         "mix",
                         "--churn",
                         "5",
                         "--call-timeout",
                         "7.5",
                         "--report=" + ::testing::TempDir() + "r.json",
                         "--max-p99-ms",
                         "250",
                         "--max-errors",
                         "0",
                         "--log-level",
                         "debug"});
    ASSERT_TRUE(cmd) << cmd.error().message;
    const Options& o = cmd->options;
    EXPECT_EQ(o.chargers, 10000u);
    EXPECT_EQ(o.connectors, 3);
    EXPECT_EQ(o.id_prefix, "CP-");
    EXPECT_EQ(o.password, "s3cret");
    EXPECT_DOUBLE_EQ(o.ramp, 2000);
    EXPECT_EQ(o.handshakes_in_flight, 64);
    EXPECT_DOUBLE_EQ(o.duration_s, 90);
    EXPECT_EQ(o.heartbeat_interval_s, 60);
    EXPECT_EQ(o.meter_interval_s, 15);
    EXPECT_DOUBLE_EQ(o.sessions_per_hour, 2.5);
    EXPECT_DOUBLE_EQ(o.session_min_minutes, 5);
    EXPECT_DOUBLE_EQ(o.session_mean_minutes, 30);
    EXPECT_DOUBLE_EQ(o.session_max_minutes, 120);
    EXPECT_DOUBLE_EQ(o.power_kw, 22);
    EXPECT_EQ(o.id_tags, (std::vector<std::string>{"A", "B", "C"}));
    EXPECT_EQ(o.seed, 42u);
    EXPECT_EQ(o.threads, 2);
    EXPECT_EQ(o.source_ips, (std::vector<std::string>{"127.0.0.1", "127.0.0.2", "127.0.0.3"}));
    EXPECT_EQ(o.shard.index, 2u);
    EXPECT_EQ(o.shard.count, 4u);
    EXPECT_EQ(o.mode, Mode::Throughput);
    EXPECT_EQ(o.action, "mix");
    EXPECT_DOUBLE_EQ(o.churn_pct, 5);
    EXPECT_DOUBLE_EQ(o.call_timeout_s, 7.5);
    EXPECT_EQ(o.report_file, ::testing::TempDir() + "r.json");
    EXPECT_EQ(o.max_p99_ms, 250.0);
    EXPECT_EQ(o.max_errors, 0u);
    EXPECT_EQ(o.log_level, ocpp::LogLevel::Debug);
}

TEST(Options, HelpWinsEverywhere) {
    for (auto args : std::vector<std::vector<std::string>>{
             {"--help"}, {"-h"}, {"run", "--help"}, {"run", "--chargers", "ten", "--help"}}) {
        auto cmd = parse(args);
        ASSERT_TRUE(cmd);
        EXPECT_EQ(cmd->kind, Command::Kind::Help);
    }
    const std::string text = usage();
    for (const auto& def : option_table()) {
        EXPECT_NE(text.find(std::string("--") + def.name), std::string::npos) << def.name;
    }
}

struct BadValue {
    std::vector<std::string> args;
    std::string flag;
    std::string value; // as it must appear, quoted, in the message
};

// Every bad value: one line naming the flag and quoting the value.
TEST(Options, EveryBadValueNamesTheFlagAndTheValue) {
    const std::string dir = ::testing::TempDir();
    const std::vector<BadValue> cases = {
        {{"--chargers", "ten"}, "--chargers", "ten"},
        {{"--chargers", "0"}, "--chargers", "0"},
        {{"--chargers", "-5"}, "--chargers", "-5"},
        {{"--chargers", "1e3"}, "--chargers", "1e3"},
        {{"--chargers", "99999999999999999999999"}, "--chargers", "99999999999999999999999"},
        {{"--connectors", "0"}, "--connectors", "0"},
        {{"--connectors", "101"}, "--connectors", "101"},
        {{"--id-prefix", "a b"}, "--id-prefix", "a b"},
        {{"--id-prefix", "CP/1"}, "--id-prefix", "CP/1"},
        {{"--password="}, "--password", ""},
        {{"--password-file", dir + "missing.csv"}, "--password-file", dir + "missing.csv"},
        {{"--ca", dir + "missing.pem"}, "--ca", dir + "missing.pem"},
        {{"--cert", dir + "missing.pem"}, "--cert", dir + "missing.pem"},
        {{"--key", dir + "missing.pem"}, "--key", dir + "missing.pem"},
        {{"--ramp", "0"}, "--ramp", "0"},
        {{"--ramp", "fast"}, "--ramp", "fast"},
        {{"--handshakes-in-flight", "0"}, "--handshakes-in-flight", "0"},
        {{"--duration", "-1"}, "--duration", "-1"},
        {{"--duration", "1h"}, "--duration", "1h"},
        {{"--heartbeat-interval", "0"}, "--heartbeat-interval", "0"},
        {{"--heartbeat-interval", "1.5"}, "--heartbeat-interval", "1.5"},
        {{"--meter-interval", "x"}, "--meter-interval", "x"},
        {{"--sessions-per-hour", "-1"}, "--sessions-per-hour", "-1"},
        {{"--session-minutes", "10,5,20"}, "--session-minutes", "10,5,20"},
        {{"--session-minutes", "1,2"}, "--session-minutes", "1,2"},
        {{"--session-minutes", "a,b,c"}, "--session-minutes", "a,b,c"},
        {{"--power-kw", "0"}, "--power-kw", "0"},
        {{"--power-kw", "nan"}, "--power-kw", "nan"},
        {{"--id-tags", "A,,B"}, "--id-tags", "A,,B"},
        {{"--id-tags", "TAG-THAT-IS-TOO-LONG-21"}, "--id-tags", "TAG-THAT-IS-TOO-LONG-21"},
        {{"--seed", "-1"}, "--seed", "-1"},
        {{"--threads", "0"}, "--threads", "0"},
        {{"--threads", "1000"}, "--threads", "1000"},
        {{"--source-ips", "300.1.1.1"}, "--source-ips", "300.1.1.1"},
        {{"--source-ips", "127.0.0.5-127.0.0.1"}, "--source-ips", "127.0.0.5-127.0.0.1"},
        {{"--source-ips", "127.0.0.1,"}, "--source-ips", "127.0.0.1,"},
        {{"--source-ips", "127.0.0.1,127.0.0.1"}, "--source-ips", "127.0.0.1,127.0.0.1"},
        {{"--shard", "0/2"}, "--shard", "0/2"},
        {{"--shard", "3/2"}, "--shard", "3/2"},
        {{"--shard", "half"}, "--shard", "half"},
        {{"--mode", "fast"}, "--mode", "fast"},
        {{"--action", "Authorize"}, "--action", "Authorize"},
        {{"--churn", "101"}, "--churn", "101"},
        {{"--churn", "-1"}, "--churn", "-1"},
        {{"--call-timeout", "0"}, "--call-timeout", "0"},
        {{"--report", dir + "no/such/dir/r.json"}, "--report", dir + "no/such/dir"},
        {{"--max-p99-ms", "-1"}, "--max-p99-ms", "-1"},
        {{"--max-errors", "some"}, "--max-errors", "some"},
        {{"--log-level", "loud"}, "--log-level", "loud"},
        {{"--config", dir + "missing.yaml"}, "--config", dir + "missing.yaml"},
        {{"--url", "http://127.0.0.1/ocpp"}, "--url", "http://127.0.0.1/ocpp"},
        {{"--url", "ws://"}, "--url", "ws://"},
        {{"--url", "ws://host:99999/ocpp"}, "--url", "ws://host:99999/ocpp"},
        {{"--url", "ws://host/ocpp?x=1"}, "--url", "ws://host/ocpp?x=1"},
    };
    for (const auto& c : cases) {
        auto cmd = run_with(c.args);
        ASSERT_FALSE(cmd) << c.args[0] << " " << (c.args.size() > 1 ? c.args[1] : "");
        const std::string& msg = cmd.error().message;
        EXPECT_EQ(msg.rfind(c.flag + ": ", 0), 0u) << msg;
        EXPECT_NE(msg.find("\"" + c.value), std::string::npos) << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
}

TEST(Options, TheExampleMessage) {
    auto cmd = run_with({"--chargers", "ten"});
    ASSERT_FALSE(cmd);
    EXPECT_EQ(cmd.error().message, "--chargers: expected a positive integer, got \"ten\"");
}

TEST(Options, BadFlagsAndCommands) {
    struct Case {
        std::vector<std::string> args;
        std::string expected; // the message starts with this
    };
    const std::vector<Case> cases = {
        {{}, "missing command"},
        {{"--chargers", "3"}, "missing command before --chargers"},
        {{"walk"}, "unknown command \"walk\""},
        {{"run"}, "--url: required"},
        {{"run", "--url", "ws://h/o", "--chargerz", "4"}, "--chargerz: unknown option (did you mean --chargers?)"},
        {{"run", "--url", "ws://h/o", "--frobnicate", "4"}, "--frobnicate: unknown option; see --help"},
        {{"run", "--url", "ws://h/o", "--chargers"}, "--chargers: expected a value (N)"},
        {{"run", "--url", "--chargers", "5"}, "--url: expected a value (URL), got option --chargers"},
        {{"run", "--url", "ws://h/o", "extra"}, "unexpected argument \"extra\""},
        {{"run", "--url", "ws://h/o", "-c", "3"}, "unexpected argument \"-c\""},
        {{"run", "--url", "ws://h/o", "--password", "x", "--password-file", "/dev/null"},
         "--password and --password-file"},
        {{"run", "--url", "wss://h/o", "--cert", "/dev/null"}, "--cert: a client certificate needs both"},
        {{"run", "--url", "ws://h/o", "--ca", "/dev/null"}, "--ca: TLS files need a wss:// URL"},
        {{"run", "--url", "ws://h/o", "--chargers", "2", "--shard", "3/4"}, "--shard: 3/4 gets no chargers"},
    };
    for (const auto& c : cases) {
        auto cmd = parse(c.args);
        ASSERT_FALSE(cmd) << c.expected;
        EXPECT_EQ(cmd.error().message.rfind(c.expected, 0), 0u) << cmd.error().message;
    }
}

TEST(Options, WssTakesTlsFiles) {
    auto cmd =
        parse({"run", "--url", "wss://h:443/o", "--ca", "/dev/null", "--cert", "/dev/null", "--key", "/dev/null"});
    ASSERT_TRUE(cmd) << cmd.error().message;
    EXPECT_EQ(cmd->options.ca_file, "/dev/null");
}

TEST(OptionsYaml, SetsEveryKindOfValue) {
    Options o;
    auto r = apply_yaml("# fleet\n"
                        "url: ws://10.0.0.1:8180/ocpp\n"
                        "chargers: 500\n"
                        "id-tags: [TAG1, TAG2]\n"
                        "source-ips:\n"
                        "  - 127.0.0.1-2\n"
                        "  - 127.0.0.9\n"
                        "session-minutes: [1, 2, 3]\n"
                        "mode: throughput\n",
                        "fleet.yaml", o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(o.url, "ws://10.0.0.1:8180/ocpp");
    EXPECT_EQ(o.chargers, 500u);
    EXPECT_EQ(o.id_tags, (std::vector<std::string>{"TAG1", "TAG2"}));
    EXPECT_EQ(o.source_ips, (std::vector<std::string>{"127.0.0.1", "127.0.0.2", "127.0.0.9"}));
    EXPECT_DOUBLE_EQ(o.session_max_minutes, 3);
    EXPECT_EQ(o.mode, Mode::Throughput);
    EXPECT_TRUE(apply_yaml("", "empty.yaml", o));
}

TEST(OptionsYaml, ErrorsNameFileLineAndColumn) {
    struct Case {
        std::string yaml;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"url: ws://h/o\nchargers: ten\n", "c.yaml:2:11: chargers: expected a positive integer, got \"ten\""},
        {"url: ws://h/o\n\nchargerz: 4\n", "c.yaml:3:1: unknown setting \"chargerz\" (did you mean chargers?)"},
        {"chargers: [1, 2\n", "c.yaml:2:1: "},
        {"- a\n- b\n", "c.yaml:1:1: expected a mapping of option names to values"},
        {"chargers:\n", "c.yaml:1:1: chargers: expected a value (N)"},
        {"shard:\n  index: 1\n", "c.yaml:2:3: shard: expected a value (i/n)"},
        {"id-tags: [[A]]\n", "c.yaml:1:11: id-tags: expected a list of values"},
        {"config: other.yaml\n", "c.yaml:1:1: config: not allowed in a config file"},
        {"  ramp: 0\n", "c.yaml:1:9: ramp: expected a positive number"},
    };
    for (const auto& c : cases) {
        Options o;
        auto r = apply_yaml(c.yaml, "c.yaml", o);
        ASSERT_FALSE(r) << c.yaml;
        EXPECT_EQ(r.error().message.rfind(c.expected, 0), 0u) << r.error().message;
    }
}

TEST(OptionsYaml, TheCommandLineWins) {
    const std::string path = temp_file("sim.yaml", "url: ws://10.0.0.1/ocpp\nchargers: 50\nconnectors: 4\n"
                                                   "chargers-per-second: 1\n");
    auto bad = parse({"run", "--config", path});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.rfind(path + ":4:1: unknown setting \"chargers-per-second\"", 0), 0u)
        << bad.error().message;

    const std::string good = temp_file("sim2.yaml", "url: ws://10.0.0.1/ocpp\nchargers: ten\nconnectors: 4\n");
    auto cmd = parse({"run", "--chargers", "7", "--config", good});
    ASSERT_TRUE(cmd) << cmd.error().message; // the file's bad value is overridden, so never applied
    EXPECT_EQ(cmd->options.chargers, 7u);
    EXPECT_EQ(cmd->options.connectors, 4);
    EXPECT_EQ(cmd->options.url, "ws://10.0.0.1/ocpp");
    EXPECT_EQ(cmd->options.config_file, good);
}

TEST(PasswordFile, ParsesLinesCommentsAndHeader) {
    auto p = parse_password_csv("id,password\r\n# comment\n\nSIM000001,pw-one\r\nSIM000002, with,comma\n", "ids.csv");
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->size(), 2u);
    EXPECT_EQ(p->at("SIM000001"), "pw-one");
    EXPECT_EQ(p->at("SIM000002"), " with,comma");
}

TEST(PasswordFile, BadLinesNameFileAndLine) {
    struct Case {
        std::string text;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"A,1\nB,2\njust-an-id\n", "ids.csv:3: expected \"id,password\""},
        {"A,1\n,2\n", "ids.csv:2: expected \"id,password\", the id is empty"},
        {"A,\n", "ids.csv:1: expected \"id,password\", the password of A is empty"},
        {"A,1\n\nA,2\n", "ids.csv:3: A appears again (first on line 1)"},
        {"# nothing\n", "ids.csv: no \"id,password\" lines"},
    };
    for (const auto& c : cases) {
        auto p = parse_password_csv(c.text, "ids.csv");
        ASSERT_FALSE(p) << c.text;
        EXPECT_EQ(p.error().message.rfind(c.expected, 0), 0u) << p.error().message;
    }
}

TEST(PasswordFile, ThroughTheCommandLine) {
    const std::string bad = temp_file("bad.csv", "SIM000001,pw\nSIM000002\n");
    auto cmd = run_with({"--password-file", bad});
    ASSERT_FALSE(cmd);
    EXPECT_EQ(cmd.error().message, "--password-file: " + bad + ":2: expected \"id,password\", found no comma");

    const std::string good = temp_file("good.csv", "SIM000001,pw\n");
    cmd = run_with({"--password-file", good});
    ASSERT_TRUE(cmd) << cmd.error().message;
    EXPECT_EQ(cmd->options.passwords.at("SIM000001"), "pw");
}

TEST(SourceIps, ListsAndRanges) {
    auto ips = parse_source_ips("127.0.0.1-127.0.0.4");
    ASSERT_TRUE(ips);
    EXPECT_EQ(*ips, (std::vector<std::string>{"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"}));
    ips = parse_source_ips("10.0.0.254-10.0.1.1");
    ASSERT_TRUE(ips);
    EXPECT_EQ(*ips, (std::vector<std::string>{"10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1"}));
    ips = parse_source_ips("127.0.0.7, ::1,127.0.0.1-2");
    ASSERT_TRUE(ips);
    EXPECT_EQ(*ips, (std::vector<std::string>{"127.0.0.7", "::1", "127.0.0.1", "127.0.0.2"}));
    for (const char* bad : {"", "localhost", "127.0.0.1-", "127.0.0.1-256", "127.0.0.1-127.0.8.0", "::1-::2"}) {
        EXPECT_FALSE(parse_source_ips(bad)) << bad;
    }
}

} // namespace
} // namespace sim
