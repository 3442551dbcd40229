// The threaded server: connections on the loops of a pool, every handler on the home loop. (The suites of
// ws_test.cpp and ws_deferred_test.cpp also run against it: the net_tests_on_a_loop_pool test.)
#include <thread>

#include "ws_fixture.hpp"

namespace ocpp::net::test {
namespace {

class ThreadedServer : public WsFixture {
protected:
    ThreadedServer() { pool_loops = 2; }
    std::thread::id home_thread() {
        return on_server([] { return std::this_thread::get_id(); });
    }
};

TEST_F(ThreadedServer, HandlersRunOnTheHomeLoopForManyClientsAndEveryEchoArrivesInOrder) {
    std::atomic<int> off_home{0};
    const std::thread::id home = home_thread();
    hook = [&](const HandshakeInfo&) {
        off_home += std::this_thread::get_id() != home;
        return HandshakeDecision::accept();
    };
    ASSERT_TRUE(start_server());
    constexpr int kClients = 60;
    constexpr int kMessages = 25;
    std::vector<std::pair<Connected, std::shared_ptr<Probe>>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(open_url(url("/ocpp/CB-" + std::to_string(i))));
        ASSERT_TRUE(clients.back().first.session) << i;
    }
    EXPECT_EQ(on_server([&] { return server->connection_count(); }), static_cast<std::size_t>(kClients));
    on_client([&] {
        for (int m = 0; m < kMessages; ++m) {
            for (auto& [c, probe] : clients) {
                c.session->send("[2,\"" + std::to_string(m) + "\",\"Heartbeat\",{}]");
            }
        }
        return 0;
    });
    ASSERT_TRUE(wait_until(
        [&] {
            return on_client([&] {
                for (auto& [c, probe] : clients) {
                    if (probe->messages.size() < static_cast<std::size_t>(kMessages)) {
                        return false;
                    }
                }
                return true;
            });
        },
        20s));
    on_client([&] {
        for (auto& [c, probe] : clients) {
            for (int m = 0; m < kMessages; ++m) {
                EXPECT_EQ(probe->messages[static_cast<std::size_t>(m)],
                          "[2,\"" + std::to_string(m) + "\",\"Heartbeat\",{}]");
            }
        }
        return 0;
    });
    // The sessions the program holds live on the home loop, whichever pool loop carries them.
    on_server([&] {
        for (const auto& session : server_sessions) {
            EXPECT_EQ(&session->executor(), static_cast<Executor*>(&lt.loop()));
        }
        return 0;
    });
    EXPECT_EQ(off_home.load(), 0) << "the handshake hook ran off the home loop";
}

TEST_F(ThreadedServer, ClosesFromEitherSideReachTheOtherAndTheCountDrops) {
    ASSERT_TRUE(start_server());
    auto [a, probe_a] = open_url(url("/ocpp/A"));
    auto [b, probe_b] = open_url(url("/ocpp/B"));
    ASSERT_TRUE(a.session && b.session);
    on_server([&] {
        server_sessions[0]->close(1000, "done");
        EXPECT_FALSE(server_sessions[0]->is_open());
        EXPECT_EQ(server_sessions[0]->send("late"), SendStatus::Closed);
        return 0;
    });
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe_a->closes.size(); }) == 1; }));
    EXPECT_EQ(on_client([&] { return probe_a->closes[0].code; }), 1000);
    on_client([&] {
        b.session->close(1000, "bye");
        return 0;
    });
    ASSERT_TRUE(wait_until([&] { return on_server([&] { return server_probes[1]->closes.size(); }) == 1; }));
    const CloseInfo at_server = on_server([&] { return server_probes[1]->closes[0]; });
    EXPECT_EQ(at_server.reason, "bye");
    EXPECT_TRUE(at_server.by_peer);
    EXPECT_TRUE(wait_until([&] { return on_server([&] { return server->connection_count(); }) == 0; }));
}

TEST_F(ThreadedServer, InvalidUtf8IsRefusedAtOnceOnTheHomeLoop) {
    ASSERT_TRUE(start_server());
    auto [c, probe] = open_url(url());
    ASSERT_TRUE(c.session);
    EXPECT_EQ(on_server([&] { return server_sessions[0]->send(std::string("\xff\xfe")); }), SendStatus::InvalidUtf8);
    EXPECT_EQ(on_server([&] { return server_sessions[0]->send("fine"); }), SendStatus::Queued);
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->messages.size(); }) == 1; }));
}

TEST_F(ThreadedServer, HttpIsAnsweredFromTheHomeLoopAtOnceOrLater) {
    const std::thread::id home = home_thread();
    std::atomic<int> off_home{0};
    http = [&](const HttpRequest& req, HttpResponder respond) {
        off_home += std::this_thread::get_id() != home;
        if (req.path == "/later") {
            auto timer = std::shared_ptr<Timer>(lt.loop().make_timer());
            timer->start(30ms, [respond, timer] { respond(HttpResponse{202, {}, "later"}); });
            return;
        }
        respond(HttpResponse{200, {}, "now " + req.body});
    };
    ASSERT_TRUE(start_server());
    std::string r = http_exchange(port(), "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
    EXPECT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
    EXPECT_NE(r.find("now hi"), std::string::npos) << r;
    r = http_exchange(port(), "GET /later HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(r.rfind("HTTP/1.1 202", 0), 0u) << r;
    EXPECT_EQ(off_home.load(), 0);
}

TEST_F(ThreadedServer, TheConnectionLimitHoldsAcrossTheLoops) {
    ServerConfig config;
    config.max_connections = 5;
    hook = [](const HandshakeInfo&) { return HandshakeDecision::accept(); };
    ASSERT_TRUE(start_server(config));
    std::vector<std::pair<Connected, std::shared_ptr<Probe>>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(open_url(url("/ocpp/CB-" + std::to_string(i))));
        ASSERT_TRUE(clients.back().first.session) << i;
    }
    const auto refused = ws_upgrade(port(), "/ocpp/CB-9");
    EXPECT_EQ(refused.status, 503) << refused.raw;
    EXPECT_NE(refused.raw.find("connection limit reached (5)"), std::string::npos) << refused.raw;
}

TEST_F(ThreadedServer, APeerThatFloodsAStalledHomeLoopIsClosedInsteadOfQueued) {
    ASSERT_TRUE(start_server());
    auto [flooder, probe] = open_url(url("/ocpp/FLOOD"));
    auto [quiet, quiet_probe] = open_url(url("/ocpp/QUIET"));
    ASSERT_TRUE(flooder.session && quiet.session);
    // The home loop is busy for a while (a slow handler); the pool loops go on reading.
    lt.loop().post([] { std::this_thread::sleep_for(700ms); });
    for (int round = 0; round < 6; ++round) { // in pieces: the client's own outbound queue holds 256
        on_client([&] {
            for (int i = 0; i < 100; ++i) {
                flooder.session->send("[2,\"" + std::to_string(round * 100 + i) + "\",\"Heartbeat\",{}]");
            }
            return 0;
        });
        std::this_thread::sleep_for(40ms);
    }
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return probe->closes.size(); }) == 1; }, 10s));
    EXPECT_EQ(on_client([&] { return probe->closes[0].code; }), 1008);
    EXPECT_EQ(on_client([&] { return probe->closes[0].reason; }), "messages arrive faster than they are handled");
    // What was admitted is handled; the other connection is untouched.
    EXPECT_LE(on_server([&] { return server_probes[0]->messages.size(); }), 256u);
    on_client([&] { return quiet.session->send("still here"); });
    ASSERT_TRUE(wait_until([&] { return on_client([&] { return quiet_probe->messages.size(); }) == 1; }));
}

TEST_F(ThreadedServer, AllPeersTogetherMayHaveOnlyMaxInboundBytesWaitingForAStalledHomeLoop) {
    ServerConfig config;
    config.max_inbound_bytes = 100 * 1024;
    ASSERT_TRUE(start_server(config, false));
    // Four peers, none flooding by its own bounds (20 messages of 10 KiB each), 800 KiB together.
    std::vector<std::pair<Connected, std::shared_ptr<Probe>>> peers;
    for (int i = 0; i < 4; ++i) {
        peers.push_back(open_url(url("/ocpp/PEER" + std::to_string(i))));
        ASSERT_TRUE(peers.back().first.session);
    }
    const std::string message =
        "[2,\"1\",\"DataTransfer\",{\"vendorId\":\"v\",\"data\":\"" + std::string(10 * 1024, 'x') + "\"}]";
    lt.loop().post([] { std::this_thread::sleep_for(1500ms); }); // the handlers are busy; the pool loops go on reading
    on_client([&] {
        for (auto& peer : peers) {
            for (int i = 0; i < 20; ++i) {
                peer.first.session->send(message);
            }
        }
        return 0;
    });
    auto closed_1013 = [&] {
        return on_client([&] {
            std::size_t n = 0;
            for (auto& peer : peers) {
                n += !peer.second->closes.empty() && peer.second->closes[0].code == 1013;
            }
            return n;
        });
    };
    ASSERT_TRUE(wait_until([&] { return closed_1013() >= 1; }, 10s));
    EXPECT_EQ(on_client([&] {
                  for (auto& peer : peers) {
                      if (!peer.second->closes.empty()) {
                          return peer.second->closes[0].reason;
                      }
                  }
                  return std::string();
              }),
              "the server is overloaded; try again later");
    // What reached the handlers stayed within the budget; the overload was logged once, naming the bound.
    std::this_thread::sleep_for(1600ms);
    const std::size_t handled = on_server([&] {
        std::size_t bytes = 0;
        for (auto& probe : server_probes) {
            for (auto& m : probe->messages) {
                bytes += m.size();
            }
        }
        return bytes;
    });
    EXPECT_GT(handled, 0u);
    // Admitted while the handlers were busy: at most the budget; a peer not closed may have sent more after that.
    const std::size_t open_peers = 4 - closed_1013();
    EXPECT_LE(handled, config.max_inbound_bytes + open_peers * 20 * message.size());
    EXPECT_TRUE(logs.contains("max_inbound_bytes"));
    // Afterwards, with the handlers free again, a new peer gets in and is heard.
    auto [late, late_probe] = open_url(url("/ocpp/LATE"));
    ASSERT_TRUE(late.session);
    on_client([&] { return late.session->send("hello"); });
    ASSERT_TRUE(wait_until([&] {
        return on_server([&] { return !server_probes.empty() && server_probes.back()->messages.size() == 1; });
    }));
}

TEST_F(ThreadedServer, ASecondServerOnTheSamePortIsRefusedThoughTheLoopsShareIt) {
    ASSERT_TRUE(start_server());
    // A second process (here: a second threaded server on a pool of its own) must not take a share of the port.
    LoopPool other_pool(2);
    ServerConfig config;
    config.port = port();
    auto second = Server::create_threaded(lt.loop(), other_pool, config, logs.logger());
    const auto listening = on_server([&] { return second->listen(); });
    ASSERT_FALSE(listening);
    EXPECT_NE(listening.error().message.find("cannot listen on 127.0.0.1:" + std::to_string(port())), std::string::npos)
        << listening.error().message;
    EXPECT_NE(listening.error().message.find("in use"), std::string::npos) << listening.error().message;
    on_server([&] {
        second.reset();
        return 0;
    });
    auto [c, probe] = open_url(url());
    EXPECT_TRUE(c.session) << "the first server still serves";
}

TEST_F(ThreadedServer, DestroyingItWhileThePoolRunsClosesWithoutFurtherCallbacks) {
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
    EXPECT_TRUE(on_server([&] { return server_probes[0]->closes.empty(); })) << "no close handler after the server";
}

} // namespace
} // namespace ocpp::net::test
