// WebSocket server and client over real sockets: round trips, handshake details, refusals, limits.
#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

using WsTest = WsFixture;

TEST_F(WsTest, EchoRoundTripWithHandshakeInfo) {
    ASSERT_TRUE(start_server());
    auto [c, probe] = open_url(url("/ocpp/CB-0001"));
    ASSERT_TRUE(c.session) << c.error->message;
    EXPECT_EQ(c.session->info().subprotocol, "ocpp1.6");
    EXPECT_EQ(c.session->info().chargebox_id, "CB-0001");
    EXPECT_EQ(c.session->info().remote_address, "127.0.0.1:" + std::to_string(port()));
    EXPECT_EQ(on_client([&] { return c.session->send("[2,\"1\",\"Heartbeat\",{}]"); }), SendStatus::Queued);
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->messages.size(); }) == 1; }));
    EXPECT_EQ(on_client([&] { return probe->messages[0]; }), "[2,\"1\",\"Heartbeat\",{}]");

    ASSERT_EQ(server_session_count(), 1u);
    const HandshakeInfo info = on_server([&] { return server_sessions[0]->info(); });
    EXPECT_EQ(info.path, "/ocpp/CB-0001");
    EXPECT_EQ(info.query, "");
    EXPECT_EQ(info.chargebox_id, "CB-0001");
    EXPECT_EQ(info.subprotocol, "ocpp1.6");
    EXPECT_EQ(info.offered_subprotocols, std::vector<std::string>{"ocpp1.6"});
    EXPECT_EQ(info.remote_address.rfind("127.0.0.1:", 0), 0u) << info.remote_address;
    EXPECT_EQ(info.headers.at("sec-websocket-protocol"), "ocpp1.6");
    EXPECT_EQ(info.headers.at("upgrade"), "websocket");
    EXPECT_FALSE(info.basic_user);
    EXPECT_FALSE(info.tls);
    EXPECT_NE(info.tcp_accepted, std::chrono::steady_clock::time_point{});
    EXPECT_LE(info.tcp_accepted, info.opened);
    EXPECT_EQ(on_server([&] { return server->connection_count(); }), 1u);
    EXPECT_EQ(on_client([&] { return client->connection_count(); }), 1u);

    on_client([&] {
        c.session->close(1000, "bye");
        return 0;
    });
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return server_probes[0]->closes.size(); }) == 1; }));
    const CloseInfo at_server = on_server([&] { return server_probes[0]->closes[0]; });
    EXPECT_EQ(at_server.code, 1000);
    EXPECT_EQ(at_server.reason, "bye");
    EXPECT_TRUE(at_server.by_peer);
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->closes.size(); }) == 1; }));
    const CloseInfo at_client = on_client([&] { return probe->closes[0]; });
    EXPECT_EQ(at_client.code, 1000);
    EXPECT_FALSE(at_client.by_peer);
    EXPECT_EQ(on_client([&] { return c.session->send("after close"); }), SendStatus::Closed);
    EXPECT_TRUE(wait_until([&] { return on_server([&] { return server->connection_count(); }) == 0; }));
    EXPECT_TRUE(wait_until([&] { return on_client([&] { return client->connection_count(); }) == 0; }));
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(on_client([&] { return probe->closes.size(); }), 1u); // exactly once
}

TEST_F(WsTest, ChargeboxIdIsPercentDecodedAndQuerySplit) {
    ASSERT_TRUE(start_server());
    auto [c, probe] = open_url(url("/ocpp/CB%201?token=abc"));
    ASSERT_TRUE(c.session) << c.error->message;
    const HandshakeInfo info = on_server([&] { return server_sessions.at(0)->info(); });
    EXPECT_EQ(info.path, "/ocpp/CB%201");
    EXPECT_EQ(info.query, "token=abc");
    EXPECT_EQ(info.chargebox_id, "CB 1");
}

TEST_F(WsTest, BasicAuthAcceptedAndRefusedWith401) {
    hook = [](const HandshakeInfo& info) {
        if (!info.basic_user || *info.basic_user != info.chargebox_id || info.basic_password != "s3cret") {
            return HandshakeDecision::refuse(401, "unknown charger or wrong password for " + info.chargebox_id);
        }
        return HandshakeDecision::accept();
    };
    ASSERT_TRUE(start_server());
    ConnectOptions good;
    good.url = url("/ocpp/CB-0001");
    good.basic_user = "CB-0001";
    good.basic_password = "s3cret";
    auto [ok, p1] = open(good);
    ASSERT_TRUE(ok.session) << ok.error->message;
    const HandshakeInfo info = on_server([&] { return server_sessions.at(0)->info(); });
    EXPECT_EQ(info.basic_user, "CB-0001");
    EXPECT_EQ(info.basic_password, "s3cret");
    EXPECT_EQ(info.headers.at("authorization"), "Basic Q0ItMDAwMTpzM2NyZXQ=");

    ConnectOptions bad = good;
    bad.basic_password = "wrong";
    auto [refused, p2] = open(bad);
    ASSERT_FALSE(refused.session);
    ASSERT_TRUE(refused.error);
    EXPECT_EQ(refused.error->kind, ConnectError::Kind::HttpStatus);
    EXPECT_EQ(refused.error->http_status, 401);
    EXPECT_NE(refused.error->message.find("401"), std::string::npos) << refused.error->message;

    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }));
    const RejectedHandshake r = on_server([&] { return rejects[0]; });
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.reason, "unknown charger or wrong password for CB-0001");
    EXPECT_EQ(r.kind, RejectedHandshake::Kind::Refused);
    EXPECT_EQ(r.info.basic_password, "wrong");
    EXPECT_EQ(r.info.chargebox_id, "CB-0001");

    // What the charger sees on the wire: the challenge and the reason.
    const std::string raw = http_exchange(port(), upgrade_request("/ocpp/CB-0001", "ocpp1.6"));
    EXPECT_EQ(raw.rfind("HTTP/1.1 401", 0), 0u) << raw;
    EXPECT_NE(raw.find("WWW-Authenticate: Basic realm=\"OCPP\""), std::string::npos) << raw;
    EXPECT_NE(raw.find("unknown charger or wrong password"), std::string::npos) << raw;
}

TEST_F(WsTest, HookStatusIsSentAsGiven) {
    hook = [](const HandshakeInfo& info) {
        return info.path.rfind("/ocpp/", 0) == 0 ? HandshakeDecision::accept()
                                                 : HandshakeDecision::refuse(404, "no such endpoint");
    };
    ASSERT_TRUE(start_server());
    auto [c, probe] = open_url(url("/other/CB-1"));
    ASSERT_TRUE(c.error);
    EXPECT_EQ(c.error->kind, ConnectError::Kind::HttpStatus);
    EXPECT_EQ(c.error->http_status, 404);
}

TEST_F(WsTest, ClientWithoutOcpp16IsRefusedAndTheOfferIsReported) {
    ASSERT_TRUE(start_server());
    ConnectOptions o;
    o.url = url();
    o.subprotocols = {"ocpp2.0.1"};
    auto [c, probe] = open(o);
    ASSERT_FALSE(c.session);
    ASSERT_TRUE(c.error);
    EXPECT_EQ(c.error->kind, ConnectError::Kind::HttpStatus);
    EXPECT_EQ(c.error->http_status, 400);
    o.subprotocols = {};
    auto [c2, probe2] = open(o);
    ASSERT_TRUE(c2.error);

    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 2; }));
    const auto r = on_server([&] { return rejects; });
    EXPECT_EQ(r[0].status, 400);
    EXPECT_EQ(r[0].info.offered_subprotocols, std::vector<std::string>{"ocpp2.0.1"});
    EXPECT_EQ(r[0].reason, "client did not offer subprotocol ocpp1.6; it offered: ocpp2.0.1");
    EXPECT_TRUE(r[1].info.offered_subprotocols.empty());
    EXPECT_EQ(r[1].reason, "client did not offer subprotocol ocpp1.6; it offered: none");
    const std::string raw = http_exchange(port(), upgrade_request("/ocpp/CB-0001", "ocpp2.0.1"));
    EXPECT_EQ(raw.rfind("HTTP/1.1 400", 0), 0u) << raw;
    EXPECT_NE(raw.find("it offered: ocpp2.0.1"), std::string::npos) << raw;
}

TEST_F(WsTest, ServerPicksItsFirstPreferenceAmongTheOffered) {
    ServerConfig config;
    config.subprotocols = {"ocpp2.0.1", "ocpp1.6"};
    ASSERT_TRUE(start_server(config));
    ConnectOptions o;
    o.url = url();
    o.subprotocols = {"ocpp1.6", "ocpp2.0.1"};
    auto [c, probe] = open(o);
    ASSERT_TRUE(c.session) << c.error->message;
    EXPECT_EQ(c.session->info().subprotocol, "ocpp2.0.1");
}

TEST_F(WsTest, ClientRefusesAServerThatSelectsNoSubprotocol) {
    ServerConfig config;
    config.subprotocols = {}; // accept anything, select nothing
    ASSERT_TRUE(start_server(config));
    auto [c, probe] = open_url(url());
    ASSERT_FALSE(c.session);
    ASSERT_TRUE(c.error);
    EXPECT_EQ(c.error->kind, ConnectError::Kind::NoSubprotocol);
    EXPECT_NE(c.error->message.find("selected no subprotocol"), std::string::npos) << c.error->message;
    // The client closes what the server opened.
    ASSERT_TRUE(wait_until(
        [&] { return on_server([&] { return server_probes.size() == 1 && server_probes[0]->closes.size() == 1; }); }));
    EXPECT_EQ(on_server([&] { return server_probes[0]->closes[0].code; }), 1002);
}

TEST_F(WsTest, MaxConnectionsRefusesWith503) {
    ServerConfig config;
    config.max_connections = 2;
    ASSERT_TRUE(start_server(config));
    auto [a, pa] = open_url(url("/ocpp/A"));
    auto [b, pb] = open_url(url("/ocpp/B"));
    ASSERT_TRUE(a.session && b.session);
    EXPECT_EQ(on_server([&] { return server->connection_count(); }), 2u);
    auto [c, pc] = open_url(url("/ocpp/C"));
    ASSERT_TRUE(c.error);
    EXPECT_EQ(c.error->kind, ConnectError::Kind::HttpStatus);
    EXPECT_EQ(c.error->http_status, 503);
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }));
    EXPECT_EQ(on_server([&] { return rejects[0].status; }), 503);
    EXPECT_EQ(on_server([&] { return rejects[0].info.chargebox_id; }), "C");
    on_client([&] {
        a.session->close(1000, "");
        return 0;
    });
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return server->connection_count(); }) == 1; }));
    auto [d, pd] = open_url(url("/ocpp/D"));
    EXPECT_TRUE(d.session);
    EXPECT_EQ(on_server([&] { return server->connection_count(); }), 2u);
}

TEST_F(WsTest, ShutdownClosesSessionsWithGoingAway) {
    ASSERT_TRUE(start_server());
    auto [c, probe] = open_url(url());
    ASSERT_TRUE(c.session);
    const auto p = port();
    on_server([&] {
        server->shutdown();
        return 0;
    });
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->closes.size(); }) == 1; }));
    const CloseInfo seen = on_client([&] { return probe->closes[0]; });
    EXPECT_EQ(seen.code, 1001);
    EXPECT_TRUE(seen.by_peer);
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return server_probes[0]->closes.size(); }) == 1; }));
    EXPECT_FALSE(on_server([&] { return server_probes[0]->closes[0].by_peer; }));
    auto [again, p2] = open_url("ws://127.0.0.1:" + std::to_string(p) + "/ocpp/X");
    ASSERT_TRUE(again.error);
    EXPECT_EQ(again.error->kind, ConnectError::Kind::Refused);
}

TEST_F(WsTest, DroppedConnectionIsReportedAs1006) {
    ASSERT_TRUE(start_server());
    const int fd = connect_raw(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, upgrade_request("/ocpp/RAW", "ocpp1.6")));
    const std::string response = receive(fd, "\r\n\r\n");
    EXPECT_EQ(response.rfind("HTTP/1.1 101", 0), 0u) << response;
    ASSERT_TRUE(wait_until([&] { return server_session_count() == 1; }));
    close_fd(fd);
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return server_probes[0]->closes.size(); }) == 1; }));
    const CloseInfo seen = on_server([&] { return server_probes[0]->closes[0]; });
    EXPECT_EQ(seen.code, 1006);
    EXPECT_TRUE(seen.by_peer);
    EXPECT_NE(seen.reason.find("dropped"), std::string::npos) << seen.reason;
    EXPECT_TRUE(wait_until([&] { return on_server([&] { return server->connection_count(); }) == 0; }));
}

TEST_F(WsTest, SilentPeerHitsTheOpenHandshakeTimeout) {
    ServerConfig config;
    config.open_handshake_timeout = 200ms;
    ASSERT_TRUE(start_server(config));
    const int fd = connect_raw(port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return rejects.size(); }) == 1; }, 3000ms));
    const RejectedHandshake r = on_server([&] { return rejects[0]; });
    EXPECT_EQ(r.reason, "no WebSocket upgrade request within 200 ms");
    EXPECT_EQ(r.kind, RejectedHandshake::Kind::NoUpgrade);
    EXPECT_EQ(r.info.remote_address.rfind("127.0.0.1:", 0), 0u);
    close_fd(fd);
}

TEST_F(WsTest, OutboundQueueIsBounded) {
    ServerConfig config;
    config.max_outbound_queue = 4;
    ASSERT_TRUE(start_server(config, false));
    auto [c, probe] = open_url(url());
    ASSERT_TRUE(c.session);
    const std::vector<SendStatus> statuses = on_server([&] {
        std::vector<SendStatus> out;
        for (int i = 0; i < 10; ++i) {
            out.push_back(server_sessions[0]->send("message " + std::to_string(i)));
        }
        return out;
    });
    ASSERT_EQ(statuses.size(), 10u);
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        EXPECT_EQ(statuses[i], i < 4 ? SendStatus::Queued : SendStatus::QueueFull) << i;
    }
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->messages.size(); }) == 4; }));
    // Once written, the queue has room again.
    ASSERT_TRUE(
        wait_until([&] { return on_server([&] { return server_sessions[0]->send("more"); }) == SendStatus::Queued; }));
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->messages.size(); }) == 5; }));
    EXPECT_EQ(on_client([&] { return probe->messages[4]; }), "more");
}

TEST_F(WsTest, ReusePortLetsTwoServersShareAPort) {
    ServerConfig config;
    config.reuse_port = true;
    ASSERT_TRUE(start_server(config));
    std::unique_ptr<Server> second, third;
    auto r = lt.call([&] {
        config.port = port();
        second = Server::create(lt.loop(), config, logs.logger());
        return second->listen();
    });
    EXPECT_TRUE(r) << r.error().message;
    auto r3 = lt.call([&] {
        ServerConfig plain;
        plain.port = port();
        third = Server::create(lt.loop(), plain, logs.logger());
        return third->listen();
    });
    ASSERT_FALSE(r3);
    EXPECT_NE(r3.error().message.find("cannot listen on 127.0.0.1:" + std::to_string(port())), std::string::npos)
        << r3.error().message;
    EXPECT_NE(r3.error().message.find("in use"), std::string::npos) << r3.error().message;
    EXPECT_EQ(r3.error().kind, ErrorKind::Io);
    lt.call([&] {
        second.reset();
        third.reset();
        return 0;
    });
}

TEST_F(WsTest, SourceAddressIsBound) {
    ASSERT_TRUE(start_server());
    ConnectOptions o;
    o.url = url();
    o.source_address = "127.0.0.2";
    auto [c, probe] = open(o);
    ASSERT_TRUE(c.session) << c.error->message;
    const std::string remote = on_server([&] { return server_sessions.at(0)->info().remote_address; });
    EXPECT_EQ(remote.rfind("127.0.0.2:", 0), 0u) << remote;
    o.source_address = "192.0.2.77"; // TEST-NET-1: not an address of this machine
    auto [bad, p2] = open(o);
    ASSERT_TRUE(bad.error);
    EXPECT_EQ(bad.error->kind, ConnectError::Kind::Other);
    EXPECT_NE(bad.error->message.find("cannot bind source address 192.0.2.77"), std::string::npos)
        << bad.error->message;
}

TEST_F(WsTest, DestroyingTheServerClosesSessionsWithoutFurtherCallbacks) {
    ASSERT_TRUE(start_server());
    auto [c, probe] = open_url(url());
    ASSERT_TRUE(c.session);
    on_server([&] {
        server.reset();
        return 0;
    });
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->closes.size(); }) == 1; }));
    EXPECT_EQ(on_client([&] { return probe->closes[0].code; }), 1001);
    std::this_thread::sleep_for(50ms);
    EXPECT_TRUE(on_server([&] { return server_probes[0]->closes.empty(); }));
    EXPECT_FALSE(on_server([&] { return server_sessions[0]->is_open(); }));
}

TEST_F(WsTest, DestroyingTheClientAbandonsPendingAttempts) {
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0); // accepts TCP, never speaks HTTP
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    ASSERT_EQ(::listen(listener, 16), 0);
    auto called = std::make_shared<std::atomic<int>>(0);
    on_client([&] {
        client = Client::create(client_lt.loop(), ClientConfig{}, logs.logger());
        ConnectOptions o;
        o.url = "ws://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/ocpp/X";
        client->connect(o, [called](SessionPtr, std::optional<ConnectError>) { ++*called; });
        return 0;
    });
    std::this_thread::sleep_for(20ms); // connected, waiting for the upgrade response
    on_client([&] {
        ConnectOptions bad;
        bad.url = "not a url"; // its error is posted, and must be dropped as well
        client->connect(bad, [called](SessionPtr, std::optional<ConnectError>) { ++*called; });
        client.reset();
        return 0;
    });
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(*called, 0);
    ::close(listener);
}

} // namespace
} // namespace ocpp::net::test
