// The in-memory Session pair on a manual executor.
#include <gtest/gtest.h>

#include "ocpp/net/memory_transport.hpp"
#include "ocpp/util/manual_executor.hpp"

namespace ocpp::net {
namespace {

struct MemoryPairTest : ::testing::Test {
    ManualClock clock;
    ManualExecutor executor{clock};
};

TEST_F(MemoryPairTest, DeliversInOrderThroughTheExecutor) {
    HandshakeInfo info;
    info.chargebox_id = "CB-1";
    info.path = "/ocpp/CB-1";
    auto [server, client] = make_memory_pair(executor, info);
    EXPECT_EQ(server->info().chargebox_id, "CB-1");
    EXPECT_EQ(client->info().chargebox_id, "CB-1");
    EXPECT_EQ(server->info().subprotocol, "ocpp1.6");
    EXPECT_NE(server->id(), client->id());
    std::vector<std::string> at_server, at_client;
    server->set_message_handler([&](std::string_view t) { at_server.emplace_back(t); });
    client->set_message_handler([&](std::string_view t) { at_client.emplace_back(t); });
    EXPECT_TRUE(client->send("a"));
    EXPECT_TRUE(client->send("b"));
    EXPECT_TRUE(server->send("c"));
    EXPECT_TRUE(at_server.empty()); // nothing is delivered synchronously
    executor.run_pending();
    EXPECT_EQ(at_server, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(at_client, (std::vector<std::string>{"c"}));
    EXPECT_EQ(&server->executor(), &executor);
}

TEST_F(MemoryPairTest, ClosePropagatesOnceAndSendFailsAfterwards) {
    auto [server, client] = make_memory_pair(executor);
    std::vector<CloseInfo> server_closes, client_closes;
    std::vector<std::string> at_server;
    server->set_close_handler([&](const CloseInfo& c) { server_closes.push_back(c); });
    client->set_close_handler([&](const CloseInfo& c) { client_closes.push_back(c); });
    server->set_message_handler([&](std::string_view t) { at_server.emplace_back(t); });
    EXPECT_TRUE(client->send("last words"));
    client->close(1000, "bye");
    EXPECT_FALSE(client->is_open());
    EXPECT_FALSE(client->send("too late"));
    client->close(1000, "again"); // no second close
    executor.run_pending();
    EXPECT_EQ(at_server, (std::vector<std::string>{"last words"}));
    ASSERT_EQ(client_closes.size(), 1u);
    EXPECT_EQ(client_closes[0].code, 1000);
    EXPECT_FALSE(client_closes[0].by_peer);
    ASSERT_EQ(server_closes.size(), 1u);
    EXPECT_EQ(server_closes[0].code, 1000);
    EXPECT_EQ(server_closes[0].reason, "bye");
    EXPECT_TRUE(server_closes[0].by_peer);
    EXPECT_FALSE(server->is_open());
    EXPECT_FALSE(server->send("x"));
    server->close(1000, "late");
    executor.run_pending();
    EXPECT_EQ(server_closes.size(), 1u);
    EXPECT_EQ(client_closes.size(), 1u);
}

TEST_F(MemoryPairTest, ServerSideCloseReachesTheChargePoint) {
    auto [server, client] = make_memory_pair(executor);
    std::optional<CloseInfo> seen;
    client->set_close_handler([&](const CloseInfo& c) { seen = c; });
    server->close(1001, "going away");
    executor.run_pending();
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->code, 1001);
    EXPECT_TRUE(seen->by_peer);
}

TEST_F(MemoryPairTest, DroppedPeerLosesMessagesQuietly) {
    auto [server, client] = make_memory_pair(executor);
    EXPECT_TRUE(client->send("into the void"));
    server.reset();
    EXPECT_EQ(executor.run_pending(), 1u);
}

} // namespace
} // namespace ocpp::net
