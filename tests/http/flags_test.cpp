// Command-line helpers: --flag=value, values from the next argument, whole numbers in a range, --listen.
#include <gtest/gtest.h>

#include "ocpp/program/flags.hpp"

namespace ocpp::program {
namespace {

TEST(SplitFlag, SplitsLongOptionsAtTheFirstEquals) {
    auto a = split_flag("--db=sqlite:x=y");
    EXPECT_EQ(a.flag, "--db");
    EXPECT_EQ(a.value, "sqlite:x=y");
    EXPECT_TRUE(a.inline_value);
    a = split_flag("--db=");
    EXPECT_EQ(a.flag, "--db");
    EXPECT_EQ(a.value, "");
    EXPECT_TRUE(a.inline_value);
    a = split_flag("--db");
    EXPECT_EQ(a.flag, "--db");
    EXPECT_FALSE(a.inline_value);
    a = split_flag("-x=1"); // not a long option: kept whole
    EXPECT_EQ(a.flag, "-x=1");
    EXPECT_FALSE(a.inline_value);
    a = split_flag("a=b");
    EXPECT_EQ(a.flag, "a=b");
    EXPECT_FALSE(a.inline_value);
}

TEST(TakeValue, InlineOrNextArgument) {
    const char* argv[] = {"prog", "--db", "x", "--port"};
    int i = 1;
    EXPECT_EQ(take_value(split_flag(argv[1]), i, 4, argv), "x");
    EXPECT_EQ(i, 2);
    i = 3;
    EXPECT_EQ(take_value(split_flag(argv[3]), i, 4, argv), std::nullopt); // the last argument has none
    EXPECT_EQ(i, 3);
    i = 1;
    EXPECT_EQ(take_value(split_flag("--db=y"), i, 4, argv), "y");
    EXPECT_EQ(i, 1);
}

TEST(WholeNumber, OnlyPlainDecimals) {
    EXPECT_EQ(whole_number("0"), 0);
    EXPECT_EQ(whole_number("65535"), 65535);
    EXPECT_EQ(whole_number("-5"), -5);
    for (const char* bad : {"", " 1", "1 ", "+1", "1x", "0x10", "1.5", "99999999999999999999999", "-"}) {
        EXPECT_EQ(whole_number(bad), std::nullopt) << bad;
    }
}

TEST(NumberInRange, NamesTheFlagAndTheRange) {
    EXPECT_EQ(*number_in_range("--timeout", "10", 1, 3600), 10);
    EXPECT_EQ(*number_in_range("--timeout", "1", 1, 3600), 1);
    EXPECT_EQ(*number_in_range("--timeout", "3600", 1, 3600), 3600);
    for (const char* bad : {"0", "3601", "x", "", "-1"}) {
        const auto r = number_in_range("--timeout", bad, 1, 3600);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().message, std::string("--timeout takes a whole number from 1 to 3600, not \"") + bad + "\"");
    }
}

TEST(ParseListen, HostAndPort) {
    auto r = parse_listen("0.0.0.0:8180");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->host, "0.0.0.0");
    EXPECT_EQ(r->port, 8180);
    r = parse_listen("[::]:0");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->host, "::");
    EXPECT_EQ(r->port, 0);
    r = parse_listen("localhost:65535");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->host, "localhost");
}

TEST(ParseListen, RefusesWithTheFlagNamed) {
    for (const char* bad : {"8180", ":8180", "", "host"}) {
        const auto r = parse_listen(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().message, std::string("--listen takes HOST:PORT (e.g. 0.0.0.0:8180), not \"") + bad + "\"");
    }
    for (const char* bad : {"host:", "host:65536", "host:x", "host:-1"}) {
        const auto r = parse_listen(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().message.rfind("--listen port takes a whole number from 0 to 65535, not \"", 0), 0u)
            << r.error().message;
    }
}

TEST(LogLevelFlag, NamesTheChoices) {
    EXPECT_EQ(*parse_log_level_flag("debug"), LogLevel::Debug);
    EXPECT_EQ(*parse_log_level_flag("off"), LogLevel::Off);
    for (const char* bad : {"", "verbose", "DEBUG "}) {
        const auto r = parse_log_level_flag(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().message,
                  std::string("--log-level takes debug, info, warn, error or off, not \"") + bad + "\"");
    }
}

TEST(ServerConfig, TlsOnlyWithACertificate) {
    auto sc = server_config({"0.0.0.0", 8180}, "", "", "");
    EXPECT_EQ(sc.host, "0.0.0.0");
    EXPECT_EQ(sc.port, 8180);
    EXPECT_FALSE(sc.tls);
    sc = server_config({"::", 443}, "c.pem", "k.pem", "ca.pem");
    ASSERT_TRUE(sc.tls);
    EXPECT_EQ(sc.tls->cert_file, "c.pem");
    EXPECT_EQ(sc.tls->key_file, "k.pem");
    EXPECT_EQ(sc.tls->client_ca_file, "ca.pem");
    EXPECT_FALSE(sc.tls->tls13_only);
}

TEST(TlsFlags, GoTogetherAndMustBeReadable) {
    EXPECT_TRUE(check_tls_flags("", "", ""));
    EXPECT_EQ(check_tls_flags("c.pem", "", "").error().message, "--tls-cert and --tls-key go together");
    EXPECT_EQ(check_tls_flags("", "k.pem", "").error().message, "--tls-cert and --tls-key go together");
    EXPECT_EQ(check_tls_flags("", "", "ca.pem").error().message, "--tls-client-ca needs --tls-cert and --tls-key");
    const auto missing = check_tls_flags("/nonexistent/c.pem", "/nonexistent/k.pem", "");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message.rfind("--tls-cert: ", 0), 0u) << missing.error().message;
}

} // namespace
} // namespace ocpp::program
