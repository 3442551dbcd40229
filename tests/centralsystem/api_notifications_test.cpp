// Notifications through the REST API of the real binary: they survive a restart, page, filter and are marked read.
#include <gtest/gtest.h>

#include <fstream>

#include "centralsystem/db/queries.hpp"
#include "store/sqlite.hpp"
#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

class NotificationApi : public CentralSystemBinary {};

TEST_F(NotificationApi, StoredPagedFilteredAndMarkedRead) {
    // A real event: an auto-registered charger connects and goes away -> "offline".
    // (A charger without the security whitepaper: its StartupOfTheDevice event would be one more notification.)
    restart({"--auto-register"});
    {
        std::ofstream(base_ + ".model.yaml") << "security: false\n";
        ChildProcess sim(kBin + "/ocpp-simulator",
                         {"run", "--url", "ws://127.0.0.1:" + std::to_string(port_) + "/ocpp", "--chargers", "1",
                          "--id-prefix", "NOTE", "--password", "note-password-1", "--duration", "1",
                          "--sessions-per-hour", "0", "--model", base_ + ".model.yaml"},
                         base_ + ".sim.log");
        ASSERT_GE(sim.wait_exit(20s), 0);
    }
    ASSERT_TRUE(ocppkit::test::wait_until(
        [&] { return api("GET", "/api/v1/notifications").body.find("\"offline\"") != std::string::npos; }, 10s));
    // More, written straight into the file while the server is down; all of them survive the restart.
    cs_.reset();
    {
        auto db = store::Sqlite::open(db_);
        ASSERT_TRUE(db.ok());
        for (int i = 0; i < 5; ++i) {
            ASSERT_TRUE(cs::db::add_notification(**db, cs::Notification{"2020-01-01T00:00:0" + std::to_string(i) + "Z",
                                                                        "OLD-" + std::to_string(i), "faulted",
                                                                        "connector 1 Faulted", 0, std::nullopt}));
        }
    }
    start();
    auto page = parse_json(api("GET", "/api/v1/notifications?limit=4").body);
    ASSERT_TRUE(page.IsObject());
    ASSERT_EQ(page["notifications"].Size(), 4u);
    EXPECT_EQ(page["unread"].GetInt64(), 6);
    EXPECT_STREQ(page["notifications"][0]["kind"].GetString(), "faulted"); // newest first: by id, as stored
    EXPECT_FALSE(page["notifications"][0]["read"].GetBool());
    ASSERT_TRUE(page["nextBefore"].IsInt64());
    const auto rest =
        parse_json(api("GET", "/api/v1/notifications?before=" + std::to_string(page["nextBefore"].GetInt64())).body);
    ASSERT_EQ(rest["notifications"].Size(), 2u);
    EXPECT_STREQ(rest["notifications"][1]["kind"].GetString(), "offline");
    EXPECT_STREQ(rest["notifications"][1]["chargeBoxId"].GetString(), "NOTE000001");
    EXPECT_TRUE(rest["nextBefore"].IsNull());
    const auto since = parse_json(api("GET", "/api/v1/notifications?since=2021-01-01T00:00:00Z").body);
    ASSERT_EQ(since["notifications"].Size(), 1u);

    const std::int64_t newest = page["notifications"][0]["id"].GetInt64();
    auto marked = api("POST", "/api/v1/notifications/read", "{\"ids\":[" + std::to_string(newest) + "]}");
    ASSERT_EQ(marked.status, 200) << marked.body;
    EXPECT_EQ(parse_json(marked.body)["marked"].GetInt64(), 1);
    EXPECT_EQ(parse_json(marked.body)["unread"].GetInt64(), 5);
    const auto unread = parse_json(api("GET", "/api/v1/notifications?unread=true").body);
    EXPECT_EQ(unread["notifications"].Size(), 5u);
    marked = api("POST", "/api/v1/notifications/read", "{\"upTo\":" + std::to_string(newest) + "}");
    EXPECT_EQ(parse_json(marked.body)["marked"].GetInt64(), 5);
    const auto after = parse_json(api("GET", "/api/v1/notifications").body);
    EXPECT_EQ(after["unread"].GetInt64(), 0);
    EXPECT_FALSE(after["notifications"][0]["readAt"].IsNull());

    for (const char* bad : {"?limit=0", "?limit=x", "?before=-1", "?since=yesterday", "?unread=maybe"}) {
        const auto r = api("GET", std::string("/api/v1/notifications") + bad);
        EXPECT_EQ(r.status, 400) << bad;
        EXPECT_NE(r.body.find("\"field\""), std::string::npos) << r.body;
    }
    for (const char* bad : {"{}", R"({"ids":"all"})", R"({"ids":[0]})", R"({"upTo":"x"})", R"({"all":true})"}) {
        const auto r = api("POST", "/api/v1/notifications/read", bad);
        EXPECT_EQ(r.status, 422) << bad << " -> " << r.body;
    }
    EXPECT_EQ(api("GET", "/api/v1/notifications/read").status, 405);
}

} // namespace
