// Upgrades decided later (a deferred handshake hook): the client waits for its answer while the loop serves others,
// gets the 101 or the refusal as if it had been decided at once, and an answer that never comes ends in a timeout
// that says so.
#include <thread>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

using WsDeferredTest = WsFixture;

// Keeps every answer the hook is given (touched on the server's loop only).
struct Answers {
    std::vector<std::pair<HandshakeInfo, HandshakeAnswer>> waiting;
};

class Deferred : public WsDeferredTest {
protected:
    void SetUp() override {
        deferred_hook = [answers = answers_](const HandshakeInfo& info, HandshakeAnswer answer) {
            if (info.chargebox_id == "AT-ONCE") {
                answer(HandshakeDecision::accept());
                return;
            }
            answers->waiting.emplace_back(info, std::move(answer));
        };
    }
    std::size_t waiting() {
        return on_server([&] { return answers_->waiting.size(); });
    }
    void answer(std::size_t i, HandshakeDecision decision) {
        on_server([&] {
            answers_->waiting.at(i).second(std::move(decision));
            return 0;
        });
    }
    std::shared_ptr<Answers> answers_ = std::make_shared<Answers>();
};

TEST_F(Deferred, AcceptedLaterOpensTheSessionThen) {
    ASSERT_TRUE(start_server());
    const int fd = connect_raw(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, upgrade_request("/ocpp/LATER", "ocpp1.6")));
    ASSERT_TRUE(wait_until([&] { return waiting() == 1; }));
    EXPECT_EQ(receive(fd, "\r\n\r\n", 300ms), "") << "no answer before the hook's";
    EXPECT_EQ(on_server([&] { return server->connection_count(); }), 1u) << "a waiting upgrade counts";
    // Meanwhile the loop serves others: an upgrade decided at once goes through.
    auto [other, probe] = open_url(url("/ocpp/AT-ONCE"));
    ASSERT_TRUE(other.session) << other.error->message;

    answer(0, HandshakeDecision::accept());
    const std::string response = receive(fd, "\r\n\r\n");
    EXPECT_EQ(response.rfind("HTTP/1.1 101", 0), 0u) << response;
    EXPECT_NE(response.find("Sec-WebSocket-Protocol: ocpp1.6"), std::string::npos) << response;
    ASSERT_TRUE(wait_until([&] { return server_session_count() == 2; }));
    EXPECT_EQ(on_server([&] { return server_sessions.at(1)->info().chargebox_id; }), "LATER");
    EXPECT_EQ(on_server([&] { return server->connection_count(); }), 2u);
    close_fd(fd);
}

TEST_F(Deferred, RefusedLaterGetsTheStatusChallengeAndReason) {
    ASSERT_TRUE(start_server());
    const int fd = connect_raw(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, upgrade_request("/ocpp/CB-9", "ocpp1.6")));
    ASSERT_TRUE(wait_until([&] { return waiting() == 1; }));
    answer(0, HandshakeDecision::refuse(401, "wrong password"));
    const std::string response = receive(fd, "wrong password");
    EXPECT_EQ(response.rfind("HTTP/1.1 401", 0), 0u) << response;
    EXPECT_NE(response.find("WWW-Authenticate: Basic realm=\"OCPP\""), std::string::npos) << response;
    EXPECT_EQ(response.find("Upgrade:"), std::string::npos) << "the prepared 101's headers are gone: " << response;
    EXPECT_EQ(response.find("Sec-WebSocket-Accept"), std::string::npos) << response;
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }));
    EXPECT_EQ(on_server([&] { return rejects[0].status; }), 401);
    EXPECT_EQ(on_server([&] { return rejects[0].reason; }), "wrong password");
    EXPECT_EQ(on_server([&] { return rejects[0].info.chargebox_id; }), "CB-9");
    EXPECT_TRUE(wait_until([&] { return on_server([&] { return server->connection_count(); }) == 0; }));
    EXPECT_EQ(server_session_count(), 0u);
    close_fd(fd);
}

TEST_F(Deferred, OurClientSeesALaterRefusalAsAnHttpStatus) {
    ASSERT_TRUE(start_server());
    std::thread answerer([&] {
        if (wait_until([&] { return waiting() == 1; })) {
            answer(0, HandshakeDecision::refuse(401, "wrong password"));
        }
    });
    auto [refused, probe] = open_url(url("/ocpp/CB-11"));
    answerer.join();
    ASSERT_TRUE(refused.error);
    EXPECT_EQ(refused.error->kind, ConnectError::Kind::HttpStatus);
    EXPECT_EQ(refused.error->http_status, 401);
}

TEST_F(Deferred, AnAnswerThatNeverComesEndsInATimeoutThatSaysSo) {
    ServerConfig config;
    config.open_handshake_timeout = 300ms;
    ASSERT_TRUE(start_server(config));
    const int fd = connect_raw(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, upgrade_request("/ocpp/SLOW", "ocpp1.6")));
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }, 3000ms));
    const RejectedHandshake r = on_server([&] { return rejects[0]; });
    EXPECT_EQ(r.info.chargebox_id, "SLOW");
    EXPECT_EQ(r.reason, "the upgrade was not decided within 300 ms (the server was still checking the credentials)");
    EXPECT_EQ(r.kind, RejectedHandshake::Kind::Undecided);
    EXPECT_EQ(on_server([&] { return server->connection_count(); }), 0u);
    answer(0, HandshakeDecision::accept()); // too late: nothing happens
    EXPECT_EQ(server_session_count(), 0u);
    EXPECT_EQ(on_server([&] { return rejects.size(); }), 1u);
    close_fd(fd);
}

TEST_F(Deferred, ShutdownAnswersWaitingUpgradesWith503) {
    ASSERT_TRUE(start_server());
    const int fd = connect_raw(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, upgrade_request("/ocpp/WAITING", "ocpp1.6")));
    ASSERT_TRUE(wait_until([&] { return waiting() == 1; }));
    on_server([&] {
        server->shutdown();
        return 0;
    });
    const std::string response = receive(fd, "shutting down");
    EXPECT_EQ(response.rfind("HTTP/1.1 503", 0), 0u) << response;
    answer(0, HandshakeDecision::accept()); // after the shutdown: nothing happens
    EXPECT_EQ(server_session_count(), 0u);
    close_fd(fd);
}

TEST_F(Deferred, AnsweringTwiceCountsOnce) {
    ASSERT_TRUE(start_server());
    const int fd = connect_raw(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, upgrade_request("/ocpp/TWICE", "ocpp1.6")));
    ASSERT_TRUE(wait_until([&] { return waiting() == 1; }));
    answer(0, HandshakeDecision::accept());
    answer(0, HandshakeDecision::refuse(401, "changed my mind"));
    const std::string response = receive(fd, "\r\n\r\n");
    EXPECT_EQ(response.rfind("HTTP/1.1 101", 0), 0u) << response;
    ASSERT_TRUE(wait_until([&] { return server_session_count() == 1; }));
    EXPECT_EQ(on_server([&] { return rejects.size(); }), 0u);
    close_fd(fd);
}

} // namespace
} // namespace ocpp::net::test
