// Hostile input at the OCPP-J endpoint: a peer that floods messages or garbage costs a bounded number of log lines
// and is refused beyond the message-rate limit, then closed with 1008 when it does not slow down.
#include <gtest/gtest.h>

#include "ocpp/peer/message_rate.hpp"
#include "peer_fixture.hpp"

using namespace ocpp;
using namespace std::chrono_literals;

namespace {

TEST(HostileMessageRate, AllowsABurstThenTheSustainedRate) {
    MessageRate rate(MessageRateLimit{50, 200, 10s});
    Clock::TimePoint t{};
    for (int i = 0; i < 200; ++i) {
        ASSERT_EQ(rate.on_message(t), MessageRate::Verdict::Allow) << i;
    }
    EXPECT_EQ(rate.on_message(t), MessageRate::Verdict::Refuse);
    t += 100ms; // five more tokens
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(rate.on_message(t), MessageRate::Verdict::Allow);
    }
    EXPECT_EQ(rate.on_message(t), MessageRate::Verdict::Refuse);
}

TEST(HostileMessageRate, ClosesOnlyWhenTheExcessPersists) {
    MessageRate rate(MessageRateLimit{50, 200, 10s});
    Clock::TimePoint t{};
    // 100 messages/s: twice the limit, without a quiet second.
    MessageRate::Verdict last = MessageRate::Verdict::Allow;
    int steps = 0;
    while (last != MessageRate::Verdict::Close && steps < 100 * 60) {
        last = rate.on_message(t);
        t += 10ms;
        ++steps;
    }
    EXPECT_EQ(last, MessageRate::Verdict::Close);
    // The burst lasts 4 s at this rate, then 10 s of refusals.
    EXPECT_GE(steps, 1350);
    EXPECT_LE(steps, 1450);

    // A peer that slows down after a refusal starts a new count.
    MessageRate polite(MessageRateLimit{50, 200, 10s});
    Clock::TimePoint p{};
    for (int round = 0; round < 30; ++round) {
        for (int i = 0; i < 300; ++i) {
            ASSERT_NE(polite.on_message(p), MessageRate::Verdict::Close);
        }
        p += 5s;
    }
}

TEST(HostileMessageRate, ZeroMeansNoLimit) {
    MessageRate rate(MessageRateLimit{0, 0, 1s});
    for (int i = 0; i < 100000; ++i) {
        ASSERT_EQ(rate.on_message(Clock::TimePoint{}), MessageRate::Verdict::Allow);
    }
}

class HostilePeer : public ocpp::testing::PeerPair {
protected:
    void SetUp() override {}
    void start(PeerConfig cfg) {
        log = Logger(LogLevel::Debug, [this](LogLevel, std::string_view c, std::string_view m) {
            lines.push_back(std::string(c) + ": " + std::string(m));
            bytes += c.size() + m.size() + 32; // with the time stamp and level
        });
        connect(cfg, PeerConfig{});
        cs->on<v16::HeartbeatReq>([this](const v16::HeartbeatReq&, Reply<v16::HeartbeatConf> r) {
            ++answered;
            r(v16::HeartbeatConf{});
        });
        cp->set_close_handler([this](const net::CloseInfo& info) { close_code = info.code; });
    }
    std::size_t count_sent(std::string_view needle) const {
        std::size_t n = 0;
        for (const auto& f : cs_sent) {
            n += f.find(needle) != std::string::npos;
        }
        return n;
    }
    std::vector<std::string> lines;
    std::size_t bytes = 0;
    int answered = 0;
    std::optional<int> close_code;
};

TEST_F(HostilePeer, CallsBeyondTheRateGetAGenericErrorAndAreNotProcessed) {
    PeerConfig cfg;
    cfg.rate = MessageRateLimit{50, 200, 10s};
    start(cfg);
    for (int i = 0; i < 300; ++i) {
        cp->send_raw("[2,\"h" + std::to_string(i) + "\",\"Heartbeat\",{}]");
        settle();
    }
    EXPECT_EQ(answered, 200);
    EXPECT_EQ(cs->stats().refused_over_rate, 100u);
    EXPECT_EQ(count_sent("\"GenericError\",\"message rate limit exceeded: at most 50 messages/s (bursts of 200)"),
              100u);
    EXPECT_FALSE(close_code);
    // After a pause the charger is served again.
    clock.advance(1s);
    cp->send_raw("[2,\"later\",\"Heartbeat\",{}]");
    settle();
    EXPECT_EQ(answered, 201);
}

TEST_F(HostilePeer, APersistentFloodIsClosedWith1008) {
    PeerConfig cfg;
    cfg.rate = MessageRateLimit{50, 200, 10s};
    start(cfg);
    for (int step = 0; step < 3000 && !close_code; ++step) {
        cp->send_raw("[2,\"h" + std::to_string(step) + "\",\"Heartbeat\",{}]");
        settle();
        clock.advance(10ms);
    }
    ASSERT_TRUE(close_code);
    EXPECT_EQ(*close_code, 1008);
    EXPECT_TRUE(cs->closed_for_rate());
    EXPECT_LE(answered, 200 + 50 * 15);
}

TEST_F(HostilePeer, GarbageCostsABoundedNumberOfLogLines) {
    PeerConfig cfg;
    cfg.rate.per_second = 0; // the log bound alone
    start(cfg);
    // 20 s of garbage at 1,000 frames/s, and answers to calls never made, each with a hostile id.
    for (int ms = 0; ms < 20000; ++ms) {
        cp->send_raw(ms % 2 ? "not json\n2026-01-01T00:00:00.000Z error forged: line" : "[3,\"x\\nforged\",{}]");
        settle();
        clock.advance(1ms);
    }
    cs->close();
    settle();
    EXPECT_EQ(cs->stats().malformed_received, 10000u);
    EXPECT_EQ(cs->stats().unmatched_received, 10000u);
    // Each 10 s window: 5 lines and a summary per kind, so 14 lines for 20 s (and the close flushes the rest).
    EXPECT_LE(lines.size(), 20u);
    EXPECT_LE(bytes / 20, 1024u) << "log bytes per second";
    bool summary = false;
    for (const auto& line : lines) {
        EXPECT_EQ(line.find('\n'), std::string::npos) << line;
        summary = summary || line.find("more malformed frames from \"CB-1\" in the last 10 s") != std::string::npos;
    }
    EXPECT_TRUE(summary);
}

} // namespace
