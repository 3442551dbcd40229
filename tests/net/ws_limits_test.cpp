// Limits and hostile peers: oversize frames, garbage, dead peers, plain HTTP, many connections, memory.
#include <arpa/inet.h>
#include <atomic>
#include <malloc.h>
#include <memory>
#include <netinet/in.h>
#include <random>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

using WsLimits = WsFixture;

TEST_F(WsLimits, OversizeMessageClosesOnlyThatConnection) {
    ServerConfig config;
    config.max_message_size = 1024;
    config.close_handshake_timeout = 500ms;
    ASSERT_TRUE(start_server(config));
    auto [a, pa] = open_url(url("/ocpp/A"));
    auto [b, pb] = open_url(url("/ocpp/B"));
    ASSERT_TRUE(a.session && b.session);
    on_client([&] { return a.session->send(std::string(2000, 'x')); });
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return pa->closes.size(); }) == 1; }));
    const CloseInfo at_client = on_client([&] { return pa->closes[0]; });
    EXPECT_EQ(at_client.code, 1009);
    EXPECT_TRUE(at_client.by_peer);
    ASSERT_TRUE(wait_until([&] {
        return on_server([&] {
            for (auto& p : server_probes) {
                if (!p->closes.empty()) {
                    return true;
                }
            }
            return false;
        });
    }));
    const CloseInfo at_server = on_server([&] {
        for (auto& p : server_probes) {
            if (!p->closes.empty()) {
                return p->closes[0];
            }
        }
        return CloseInfo{};
    });
    EXPECT_EQ(at_server.code, 1009);
    EXPECT_FALSE(at_server.by_peer);
    EXPECT_EQ(at_server.reason, "incoming message exceeds max_message_size (1024 bytes)");
    EXPECT_TRUE(logs.contains("closed with 1009: incoming message exceeds max_message_size (1024 bytes)"))
        << logs.all();
    // The other connection is untouched.
    on_client([&] { return b.session->send("still here"); });
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return pb->messages.size(); }) == 1; }));
    EXPECT_TRUE(on_client([&] { return b.session->is_open(); }));
    EXPECT_EQ(on_server([&] { return server->connection_count(); }), 1u);
}

TEST_F(WsLimits, SurvivesGarbageOnTheTcpPort) {
    ASSERT_TRUE(start_server());
    std::mt19937 rng(1234);
    std::vector<std::string> payloads = {
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage-tls-hello", // a TLS ClientHello on a ws port
        "GET / HTTP/1.1\r\nHost\r\n\r\n",
        "GET /ocpp/X HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", // no key, no version
        "\r\n\r\n\r\n",
        std::string(20000, 'A'), // an endless request line
    };
    for (int i = 0; i < 20; ++i) {
        std::string junk(1 + rng() % 3000, '\0');
        for (char& ch : junk) {
            ch = static_cast<char>(rng() & 0xff);
        }
        payloads.push_back(std::move(junk));
    }
    std::vector<int> fds;
    for (const auto& payload : payloads) {
        const int fd = connect_raw(port());
        ASSERT_GE(fd, 0);
        send_all(fd, payload);
        fds.push_back(fd);
    }
    std::this_thread::sleep_for(200ms); // let the server chew on it, then hang up on it
    for (int fd : fds) {
        close_fd(fd);
    }
    // Half a WebSocket frame after a good handshake, then gone.
    const int fd = connect_raw(port());
    send_all(fd, upgrade_request("/ocpp/HALF", "ocpp1.6"));
    receive(fd, "\r\n\r\n");
    send_all(fd, std::string("\x81\xfe\xff", 3));
    close_fd(fd);

    auto [c, probe] = open_url(url());
    ASSERT_TRUE(c.session) << c.error->message;
    on_client([&] { return c.session->send("alive"); });
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->messages.size(); }) == 1; }));
    EXPECT_GE(on_server([&] { return rejects.size(); }), 3u);
    EXPECT_TRUE(on_server([&] {
        for (auto& r : rejects) {
            if (r.status == 400) {
                return true;
            }
        }
        return false;
    }));
}

TEST_F(WsLimits, PingPongKeepsAliveAndDropsAPeerThatStopsAnswering) {
    ServerConfig config;
    config.ping_interval = 100ms;
    config.pong_timeout = 300ms;
    ASSERT_TRUE(start_server(config));
    auto [c, probe] = open_url(url());
    ASSERT_TRUE(c.session);
    std::this_thread::sleep_for(600ms); // several ping/pong rounds
    ASSERT_EQ(server_session_count(), 1u);
    EXPECT_EQ(on_server([&] { return server_probes[0]->closes.size(); }), 0u);
    EXPECT_TRUE(on_server([&] { return server_sessions[0]->is_open(); }));

    // Freeze the client's loop: it can no longer answer pings. The server must drop it while it is still frozen (the
    // order of the two events, not a wall-clock bound, so a loaded machine does not fail the test).
    auto woke = std::make_shared<std::atomic<bool>>(false);
    client_lt.loop().post([woke] {
        std::this_thread::sleep_for(2500ms);
        *woke = true;
    });
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return server_probes[0]->closes.size(); }) == 1; }, 5000ms));
    EXPECT_FALSE(*woke) << "the server dropped the peer only after it had woken up";
    const CloseInfo seen = on_server([&] { return server_probes[0]->closes[0]; });
    EXPECT_EQ(seen.code, 1006);
    EXPECT_FALSE(seen.by_peer);
    EXPECT_EQ(seen.reason, "no pong within 300 ms; connection dropped");
    EXPECT_EQ(on_server([&] { return server->connection_count(); }), 0u);
    // When the client wakes up it finds the connection gone.
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->closes.size(); }) == 1; }, 5000ms));
    EXPECT_EQ(on_client([&] { return probe->closes[0].code; }), 1006);
}

TEST_F(WsLimits, ClientPingsToo) {
    ASSERT_TRUE(start_server());
    ConnectOptions o;
    o.url = url();
    ClientConfig cc;
    cc.ping_interval = 50ms;
    cc.pong_timeout = 200ms;
    auto [c, probe] = open(o, cc);
    ASSERT_TRUE(c.session);
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(on_client([&] { return c.session->is_open(); }));
    lt.loop().post([] { std::this_thread::sleep_for(800ms); }); // freeze the server
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->closes.size(); }) == 1; }, 3000ms));
    EXPECT_EQ(on_client([&] { return probe->closes[0].reason; }), "no pong within 200 ms; connection dropped");
}

TEST_F(WsLimits, PlainHttpOnTheSamePort) {
    std::vector<HttpRequest> seen; // on lt
    std::vector<HttpResponder> parked;
    ServerConfig config;
    config.max_http_body = 1024;
    http = [&](const HttpRequest& req, HttpResponder respond) {
        seen.push_back(req);
        if (req.path == "/healthz") {
            respond(HttpResponse{200, {{"Content-Type", "text/plain"}}, "ok"});
        } else if (req.path == "/echo") {
            respond(HttpResponse{201, {{"X-Echo", "yes"}}, "got: " + req.body});
        } else if (req.path == "/later") {
            parked.push_back(std::move(respond)); // answered later from the loop
            auto timer = std::shared_ptr<Timer>(lt.loop().make_timer());
            timer->start(50ms, [&, timer] {
                parked.back()(HttpResponse{202, {}, "deferred answer"});
                parked.back()(HttpResponse{500, {}, "second answer is ignored"});
            });
        } else {
            respond(HttpResponse{404, {}, "nope"});
        }
    };
    ASSERT_TRUE(start_server(config));
    std::string r = http_exchange(port(), "GET /healthz?verbose=1 HTTP/1.1\r\nHost: x\r\nX-Custom: Value\r\n\r\n");
    EXPECT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
    EXPECT_NE(r.find("\r\n\r\nok"), std::string::npos) << r;
    EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos) << "the close after one answer is announced: " << r;
    r = http_exchange(port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world");
    EXPECT_EQ(r.rfind("HTTP/1.1 201", 0), 0u) << r;
    EXPECT_NE(r.find("X-Echo: yes"), std::string::npos) << r;
    EXPECT_NE(r.find("got: hello world"), std::string::npos) << r;
    r = http_exchange(port(), "GET /later HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(r.rfind("HTTP/1.1 202", 0), 0u) << r;
    EXPECT_NE(r.find("deferred answer"), std::string::npos) << r;
    EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos) << r;
    r = http_exchange(port(),
                      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
    EXPECT_EQ(r.rfind("HTTP/1.1 413", 0), 0u) << r;

    const auto requests = on_server([&] { return seen; });
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0].method, "GET");
    EXPECT_EQ(requests[0].path, "/healthz");
    EXPECT_EQ(requests[0].query, "verbose=1");
    EXPECT_EQ(requests[0].header("x-custom"), "Value");
    EXPECT_EQ(requests[0].remote_address.rfind("127.0.0.1:", 0), 0u);
    EXPECT_EQ(requests[1].method, "POST");
    EXPECT_EQ(requests[1].body, "hello world");
    EXPECT_TRUE(on_server([&] { return rejects.empty(); })); // plain HTTP is not a refused upgrade

    // WebSocket upgrades still work on the same port.
    auto [c, probe] = open_url(url());
    EXPECT_TRUE(c.session);
    on_server([&] {
        parked.clear();
        return 0;
    });
}

TEST_F(WsLimits, NoHttpHandlerMeans404) {
    ASSERT_TRUE(start_server());
    const std::string r = http_exchange(port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(r.rfind("HTTP/1.1 404", 0), 0u) << r;
}

TEST_F(WsLimits, ThousandConcurrentClients) {
    constexpr int kClients = 1000;
    ASSERT_TRUE(start_server());
    on_client([&] {
        client = Client::create(client_lt.loop(), ClientConfig{}, logs.logger());
        return 0;
    });
    struct Tally { // on client_lt
        std::vector<SessionPtr> sessions;
        int echoed = 0, failed = 0, closed = 0;
        std::string first_error;
    };
    auto tally = std::make_shared<Tally>();
    const auto started = std::chrono::steady_clock::now();
    on_client([&] {
        for (int i = 0; i < kClients; ++i) {
            ConnectOptions o;
            o.url = url("/ocpp/CB-" + std::to_string(i));
            client->connect(o, [tally, i](SessionPtr s, std::optional<ConnectError> e) {
                if (!s) {
                    if (tally->failed++ == 0) {
                        tally->first_error = e->message;
                    }
                    return;
                }
                const std::string expected = "ping " + std::to_string(i);
                s->set_message_handler(
                    [tally, expected](std::string_view text) { tally->echoed += text == expected ? 1 : 0; });
                s->set_close_handler([tally](const CloseInfo&) { ++tally->closed; });
                s->send(expected);
                tally->sessions.push_back(std::move(s));
            });
        }
        return 0;
    });
    ASSERT_TRUE(
        wait_until([&] { return on_client([&] { return tally->echoed + tally->failed; }) == kClients; }, 20000ms));
    EXPECT_EQ(on_client([&] { return tally->failed; }), 0) << on_client([&] { return tally->first_error; });
    EXPECT_EQ(on_server([&] { return server->connection_count(); }), static_cast<std::size_t>(kClients));
    EXPECT_EQ(on_client([&] { return client->connection_count(); }), static_cast<std::size_t>(kClients));
    on_client([&] {
        for (auto& s : tally->sessions) {
            s->close(1000, "done");
        }
        return 0;
    });
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return tally->closed; }) == kClients; }, 20000ms));
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return server->connection_count(); }) == 0; }, 5000ms));
    EXPECT_TRUE(on_server([&] {
        for (auto& p : server_probes) {
            if (p->closes.size() != 1 || p->closes[0].code != 1000 || !p->closes[0].by_peer) {
                return false;
            }
        }
        return server_probes.size() == kClients;
    }));
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    std::cout << "[          ] " << kClients << " connections, round trip and close in " << elapsed.count() << " ms\n";
    on_client([&] {
        tally->sessions.clear();
        return 0;
    });
}

// Bulk transfer through the 4 KiB read buffer: large OCPP frames take a few reads, which must not matter.
TEST_F(WsLimits, BodyLimitPerPathIsDecidedBeforeTheBodyIsRead) {
    std::vector<std::string> seen; // on lt
    ServerConfig config;
    config.max_http_body = 1024 * 1024;
    http = [&](const HttpRequest& req, HttpResponder respond) {
        seen.push_back(req.method + " " + req.path + " " + std::to_string(req.body.size()));
        respond(HttpResponse{200, {}, "ok"});
    };
    body_limit = [](std::string_view method, std::string_view path, std::string_view) {
        return method == "PUT" && path == "/big" ? std::size_t{1024 * 1024} : std::size_t{1024};
    };
    ASSERT_TRUE(start_server(config));
    // Only the request line and headers go out: the refusal must come without the body.
    const int fd = ocppkit::test::connect_raw(port());
    ASSERT_GE(fd, 0);
    ocppkit::test::send_all(fd, "POST /small?big=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n");
    const std::string refused = ocppkit::test::receive(fd, "\r\n\r\n", 2000ms);
    ocppkit::test::close_fd(fd);
    EXPECT_EQ(ocppkit::test::status_of(refused), 413) << refused;
    std::string r = http_exchange(port(), "PUT /big?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n" +
                                              std::string(500000, 'b'));
    EXPECT_EQ(ocppkit::test::status_of(r), 200) << "the path that takes large bodies still does: " << r.substr(0, 80);
    r = http_exchange(port(), "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" + std::string(2000, 'c'));
    EXPECT_EQ(ocppkit::test::status_of(r), 413) << "per method too: " << r;
    r = http_exchange(port(), "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789");
    EXPECT_EQ(ocppkit::test::status_of(r), 200) << r;
    r = http_exchange(port(), "GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(ocppkit::test::status_of(r), 200) << "no body, nothing to judge: " << r;
    const auto requests = on_server([&] { return seen; });
    EXPECT_EQ(requests, (std::vector<std::string>{"PUT /big 500000", "POST /small 10", "GET /small 0"}));
}

TEST_F(WsLimits, ThroughputWithLargeFrames) {
    std::size_t received = 0; // on lt
    ASSERT_TRUE(start_server(ServerConfig{}, false));
    auto [c, probe] = open_url(url());
    ASSERT_TRUE(c.session);
    on_server([&] {
        server_sessions.at(0)->set_message_handler([&](std::string_view text) { received += text.size(); });
        return 0;
    });
    const std::string frame(60 * 1024, 'x');
    constexpr std::size_t kFrames = 1000;
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t sent = 0;
    while (sent < kFrames) {
        sent += on_client([&] {
            std::size_t n = 0;
            while (n < 64 && sent + n < kFrames && c.session->send(frame) == SendStatus::Queued) {
                ++n;
            }
            return n;
        });
        if (sent < kFrames) {
            std::this_thread::sleep_for(1ms);
        }
    }
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return received; }) == kFrames * frame.size(); }, 20000ms));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "[          ] " << kFrames << " x 60 KiB frames: " << static_cast<int>(kFrames * 60.0 / 1024 / seconds)
              << " MiB/s\n";
}

// The server's heap per idle plain connection, measured with raw-socket clients (which use no heap themselves).
TEST_F(WsLimits, MemoryPerIdleConnection) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "mallinfo2 does not see the sanitizer's allocator";
#endif
    constexpr int kConnections = 500;
    ServerConfig config;
    ASSERT_TRUE(start_server(config, false));
    auto heap_in_use = [] {
        const struct mallinfo2 mi = ::mallinfo2();
        return static_cast<long>(mi.uordblks + mi.hblkhd);
    };
    const std::string request = upgrade_request("/ocpp/CB-MEM", "ocpp1.6");
    std::vector<int> fds;
    fds.reserve(kConnections);
    // Warm up allocator caches and the server's containers with a few connections first.
    for (int i = 0; i < 20; ++i) {
        fds.push_back(connect_raw(port()));
        send_all(fds.back(), request);
        receive(fds.back(), "\r\n\r\n");
    }
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return server->connection_count(); }) == 20; }));
    on_server([&] {
        server_sessions.reserve(kConnections + 20);
        server_probes.reserve(kConnections + 20);
        return 0;
    });
    const long before = on_server([&] { return heap_in_use(); });
    for (int i = 0; i < kConnections; ++i) {
        const int fd = connect_raw(port());
        ASSERT_GE(fd, 0);
        send_all(fd, request);
        fds.push_back(fd);
    }
    for (int i = 20; i < kConnections + 20; ++i) {
        ASSERT_NE(receive(fds[static_cast<std::size_t>(i)], "\r\n\r\n").find(" 101 "), std::string::npos);
    }
    ASSERT_TRUE(wait_until([&] {
        return on_server([&] { return server->connection_count(); }) == static_cast<std::size_t>(kConnections + 20);
    }));
    std::this_thread::sleep_for(50ms);
    const long after = on_server([&] { return heap_in_use(); });
    const long per_connection = (after - before) / kConnections;
    std::cout << "[          ] heap per idle ws connection: " << per_connection << " bytes\n";
    RecordProperty("heap_bytes_per_connection", static_cast<int>(per_connection));
    EXPECT_LE(per_connection, 16 * 1024);
    for (int fd : fds) {
        close_fd(fd);
    }
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return server->connection_count(); }) == 0; }));
}

TEST_F(WsLimits, ClientReportsBadUrlRefusedAndTimeout) {
    auto [bad, p1] = open_url("http://127.0.0.1/ocpp/X");
    ASSERT_TRUE(bad.error);
    EXPECT_EQ(bad.error->kind, ConnectError::Kind::BadUrl);
    auto [bad2, p2] = open_url("ws://:80/x");
    ASSERT_TRUE(bad2.error);
    EXPECT_EQ(bad2.error->kind, ConnectError::Kind::BadUrl);

    // A port nobody listens on.
    const int probe_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(probe_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::getsockname(probe_fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    const int free_port = ntohs(addr.sin_port);
    auto [refused, p3] = open_url("ws://127.0.0.1:" + std::to_string(free_port) + "/ocpp/X");
    ASSERT_TRUE(refused.error);
    EXPECT_EQ(refused.error->kind, ConnectError::Kind::Refused) << refused.error->message;
    EXPECT_EQ(refused.error->message, "connection refused by 127.0.0.1:" + std::to_string(free_port));

    // A listener that never answers: the kernel completes the TCP handshake, nobody speaks HTTP.
    ASSERT_EQ(::listen(probe_fd, 16), 0);
    ConnectOptions o;
    o.url = "ws://127.0.0.1:" + std::to_string(free_port) + "/ocpp/X";
    o.open_handshake_timeout = 300ms;
    const auto t0 = std::chrono::steady_clock::now();
    auto [timeout, p4] = open(o);
    const auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_TRUE(timeout.error);
    EXPECT_EQ(timeout.error->kind, ConnectError::Kind::Timeout) << timeout.error->message;
    EXPECT_NE(timeout.error->message.find("within 300 ms"), std::string::npos) << timeout.error->message;
    EXPECT_LT(took, 5000ms); // generous: a loaded machine is slow, a missing timeout hangs far longer
    ::close(probe_fd);
}

} // namespace
} // namespace ocpp::net::test
