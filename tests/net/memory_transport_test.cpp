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
    EXPECT_EQ(client->send("a"), SendStatus::Queued);
    EXPECT_EQ(client->send("b"), SendStatus::Queued);
    EXPECT_EQ(server->send("c"), SendStatus::Queued);
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
    EXPECT_EQ(client->send("last words"), SendStatus::Queued);
    client->close(1000, "bye");
    EXPECT_FALSE(client->is_open());
    EXPECT_EQ(client->send("too late"), SendStatus::Closed);
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
    EXPECT_EQ(server->send("x"), SendStatus::Closed);
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
    EXPECT_EQ(client->send("into the void"), SendStatus::Queued);
    server.reset();
    EXPECT_EQ(executor.run_pending(), 1u);
}

TEST_F(MemoryPairTest, SendReportsAFullQueueUntilMessagesAreDelivered) {
    MemoryPairOptions options;
    options.max_queue = 2;
    auto [server, client] = make_memory_pair(executor, {}, options);
    std::vector<std::string> at_server;
    server->set_message_handler([&](std::string_view t) { at_server.emplace_back(t); });
    EXPECT_EQ(client->send("1"), SendStatus::Queued);
    EXPECT_EQ(client->send("2"), SendStatus::Queued);
    EXPECT_EQ(client->send("3"), SendStatus::QueueFull);
    EXPECT_EQ(server->send("the other way"), SendStatus::Queued); // each side has its own queue
    executor.run_pending();
    EXPECT_EQ(at_server, (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(client->send("4"), SendStatus::Queued);
    EXPECT_TRUE(client->is_open()); // a refused send leaves the session as it was
}

TEST_F(MemoryPairTest, SendRefusesInvalidUtf8) {
    auto [server, client] = make_memory_pair(executor);
    std::vector<std::string> at_server;
    server->set_message_handler([&](std::string_view t) { at_server.emplace_back(t); });
    EXPECT_EQ(client->send("caf\xc3"), SendStatus::InvalidUtf8);
    EXPECT_EQ(client->send("caf\xc3\xa9"), SendStatus::Queued);
    executor.run_pending();
    EXPECT_EQ(at_server, (std::vector<std::string>{"caf\xc3\xa9"}));
    EXPECT_TRUE(client->is_open());
}

TEST(SendStatusText, NamesEveryStatus) {
    EXPECT_EQ(to_string(SendStatus::Queued), "queued");
    EXPECT_EQ(to_string(SendStatus::Closed), "connection closed");
    EXPECT_EQ(to_string(SendStatus::QueueFull), "outbound queue full");
    EXPECT_EQ(to_string(SendStatus::InvalidUtf8), "not valid UTF-8");
    EXPECT_EQ(to_string(SendStatus::WriteError), "write error");
}

} // namespace
} // namespace ocpp::net

TEST(SendStatusNames, AreConstantAndFallBackForAnUnknownValue) {
    static_assert(ocpp::net::to_string(ocpp::net::SendStatus::QueueFull) == "outbound queue full");
    EXPECT_EQ(ocpp::net::to_string(static_cast<ocpp::net::SendStatus>(99)), "unknown");
}
