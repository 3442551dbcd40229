#pragma once
// A server and a client on real sockets (127.0.0.1, port 0), with everything they report recorded.
#include <gtest/gtest.h>

#include <cstdlib>

#include "ocpp/net/client.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/loop_pool.hpp"
#include "ocpp/net/server.hpp"
#include "tests/support/loop_thread.hpp"
#include "tests/support/net_support.hpp"
#include "tests/support/raw_ws.hpp"
#include "tests/support/wait.hpp"

namespace ocpp::net::test {

using namespace std::chrono_literals;
using namespace ocppkit::test;

// What one session saw; touched only on its loop thread.
struct Probe {
    std::vector<std::string> messages;
    std::vector<CloseInfo> closes;
    static std::shared_ptr<Probe> attach(const SessionPtr& session) {
        auto probe = std::make_shared<Probe>();
        session->set_message_handler([probe](std::string_view text) { probe->messages.emplace_back(text); });
        session->set_close_handler([probe](const CloseInfo& info) { probe->closes.push_back(info); });
        return probe;
    }
};

inline std::size_t pool_loops_from_environment() {
    const char* loops = std::getenv("OCPPKIT_TEST_POOL_LOOPS");
    return loops != nullptr && std::atoi(loops) > 0 ? static_cast<std::size_t>(std::atoi(loops)) : 0;
}

class WsFixture : public ::testing::Test {
protected:
    void TearDown() override {
        if (pool) {
            pool->stop();
        }
        client_lt.call([&] {
            client.reset();
            return 0;
        });
        lt.call([&] {
            server.reset();
            server_sessions.clear();
            return 0;
        });
    }

    // Starts `server` on `lt`; every session echoes unless `echo` is false. Returns the listen result.
    Result<void> start_server(ServerConfig config = {}, bool echo = true) {
        return lt.call([&, config]() -> Result<void> {
            if (pool_loops > 0 && !pool) {
                pool = std::make_unique<LoopPool>(pool_loops);
            }
            server = pool ? Server::create_threaded(lt.loop(), *pool, config, logs.logger())
                          : Server::create(lt.loop(), config, logs.logger());
            server->set_reject_handler([this](const RejectedHandshake& r) { rejects.push_back(r); });
            server->set_open_handler([this, echo](SessionPtr session) {
                server_sessions.push_back(session);
                auto probe = std::make_shared<Probe>();
                server_probes.push_back(probe);
                std::weak_ptr<Session> weak = session;
                session->set_message_handler([probe, weak, echo](std::string_view text) {
                    probe->messages.emplace_back(text);
                    if (auto s = weak.lock(); s && echo) {
                        s->send(text);
                    }
                });
                session->set_close_handler([probe](const CloseInfo& info) { probe->closes.push_back(info); });
            });
            if (hook) {
                server->set_handshake_hook(hook);
            }
            if (deferred_hook) {
                server->set_deferred_handshake_hook(deferred_hook);
            }
            if (http) {
                server->set_http_handler(http);
            }
            if (body_limit) {
                server->set_http_body_limit(body_limit);
            }
            auto listening = server->listen();
            if (listening && pool) {
                pool->start();
            }
            return listening;
        });
    }

    std::string url(const std::string& path = "/ocpp/CB-0001") const {
        return "ws://127.0.0.1:" + std::to_string(port()) + path;
    }
    std::uint16_t port() const { return server->port(); }

    // Connects through `client` (created on first use, on client_lt) and attaches a Probe inside the handler.
    std::pair<Connected, std::shared_ptr<Probe>> open(ConnectOptions options, ClientConfig config = {}) {
        client_lt.call([&] {
            if (!client) {
                client = Client::create(client_lt.loop(), config, logs.logger());
            }
            return 0;
        });
        auto probe = std::make_shared<Probe>();
        auto promise = std::make_shared<std::promise<Connected>>();
        auto future = promise->get_future();
        client_lt.call([&] {
            client->connect(options, [promise, probe](SessionPtr session, std::optional<ConnectError> error) {
                if (session) {
                    session->set_message_handler([probe](std::string_view t) { probe->messages.emplace_back(t); });
                    session->set_close_handler([probe](const CloseInfo& c) { probe->closes.push_back(c); });
                }
                promise->set_value(Connected{std::move(session), std::move(error)});
            });
            return 0;
        });
        if (future.wait_for(15s) != std::future_status::ready) {
            throw std::runtime_error("connect did not complete");
        }
        Connected result = future.get();
        // The client may see the 101 before the server's open handler has run.
        if (result.session && server) {
            const std::size_t expected = ++opened_clients_;
            wait_until([&] { return server_session_count() >= expected; });
        }
        return {std::move(result), probe};
    }
    std::pair<Connected, std::shared_ptr<Probe>> open_url(const std::string& u) {
        ConnectOptions o;
        o.url = u;
        return open(o);
    }

    template <class F> auto on_server(F fn) { return lt.call(std::move(fn)); }
    template <class F> auto on_client(F fn) { return client_lt.call(std::move(fn)); }
    std::size_t server_session_count() {
        return on_server([&] { return server_sessions.size(); });
    }

    LogCapture logs;
    LoopThread lt;        // the server's loop
    LoopThread client_lt; // the clients' loop
    // Above 0: the server is a threaded one, its connections on a pool of this many loops, every handler on lt.
    // OCPPKIT_TEST_POOL_LOOPS=N runs every test of these suites that way.
    std::size_t pool_loops = pool_loops_from_environment();
    std::unique_ptr<LoopPool> pool;
    std::unique_ptr<Server> server;
    std::unique_ptr<Client> client;
    Server::HandshakeHook hook;
    Server::DeferredHandshakeHook deferred_hook;
    HttpHandler http;
    HttpBodyLimit body_limit;
    // Touched on lt only.
    std::vector<RejectedHandshake> rejects;
    std::vector<SessionPtr> server_sessions;
    std::vector<std::shared_ptr<Probe>> server_probes;

private:
    std::size_t opened_clients_ = 0;
};

} // namespace ocpp::net::test
