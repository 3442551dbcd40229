// A Server whose connections live on the loops of a LoopPool while its user code runs on one home loop: each pool
// loop has a Server of its own on one shared port (SO_REUSEPORT, the kernel spreads the connections), which does the
// TLS, HTTP and WebSocket work; handshakes, opened sessions, messages, closes and HTTP requests are posted to the home
// loop, and what the home loop sends or answers is posted back. The program's state stays on one thread.
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <mutex>
#include <unordered_map>

#include "ocpp/net/detail/relay_session.hpp"
#include "ocpp/net/detail/tls.hpp"
#include "ocpp/net/loop_pool.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/system/file_limit.hpp"
#include "ocpp/util/mailbox.hpp"

namespace ocpp::net {

namespace {

using detail::RelaySession;

constexpr std::size_t kSpareFiles = 64; // open files kept free for the database, logs and HTTP requests

// A line when connections are closed because all of them together have too much waiting for the handlers: the first
// at once, then at most one every 10 s with how many were refused meanwhile (any pool loop may call it).
void report_overload(detail::InboundBudget& budget, const Logger& log) {
    const std::size_t refused = budget.refused.fetch_add(1, std::memory_order_relaxed) + 1;
    const long long now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    long long last = budget.reported_at.load(std::memory_order_relaxed);
    if ((last != 0 && now - last < 10) || !budget.reported_at.compare_exchange_strong(last, now)) {
        return;
    }
    budget.refused.fetch_sub(refused, std::memory_order_relaxed);
    log.warn("net.server", std::to_string(refused) + " connection(s) closed with 1013: " + std::to_string(budget.max) +
                               " bytes of messages already wait for the handlers (max_inbound_bytes)");
}

// What the pool loops' handlers reach; it goes with the server, and a weak reference finds it gone.
struct Home {
    Home(EventLoop& l, ServerConfig c, const Logger& lg)
        : loop(l)
        , config(std::move(c))
        , log(lg)
        , budget(std::make_shared<detail::InboundBudget>(config.max_inbound_bytes)) {}
    EventLoop& loop;
    ServerConfig config;
    Logger log;
    std::shared_ptr<detail::InboundBudget> budget; // every connection's messages on their way here, together
    Server::DeferredHandshakeHook hook;
    Server::OpenHandler on_open;
    Server::RejectHandler on_reject;
    HttpHandler on_http;
    std::unordered_map<std::uint64_t, std::weak_ptr<RelaySession>> sessions; // home loop only
    mutable std::mutex inners_mutex; // the pool loops count connections while the home loop may be tearing down
    std::vector<std::unique_ptr<Server>> inners;   // one per pool loop
    std::vector<std::shared_ptr<Mailbox>> links;   // one per pool loop: work for it
    std::vector<std::shared_ptr<Mailbox>> inboxes; // one per pool loop: work from it for the home loop
    std::atomic<std::size_t> max_connections{0};   // set by listen(), read by the pool loops

    std::size_t connections() const {
        std::lock_guard<std::mutex> lock(inners_mutex);
        std::size_t n = 0;
        for (const auto& inner : inners) {
            n += inner->connection_count(); // an atomic counter: readable from any thread
        }
        return n;
    }
};

// Binds host:port once without SO_REUSEPORT (port 0 is always free): an error when another socket listens there.
Result<void> port_is_free(const std::string& host, std::uint16_t port) {
    if (port == 0) {
        return {};
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || found == nullptr) {
        return {}; // the servers' own listen() reports an address it cannot resolve
    }
    const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int error = 0;
    if (fd >= 0) {
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); // as the servers do: TIME_WAIT is no owner
        if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0) {
            error = errno;
        }
        ::close(fd);
    }
    ::freeaddrinfo(found);
    if (error != 0) {
        const bool v6 = host.find(':') != std::string::npos;
        return make_error(ErrorKind::Io, "cannot listen on " + (v6 ? "[" + host + "]" : host) + ":" +
                                             std::to_string(port) + ": " + std::strerror(error));
    }
    return {};
}

void answer_on(const std::shared_ptr<Mailbox>& io, HandshakeAnswer answer, HandshakeDecision decision) {
    io->post([answer = std::move(answer), decision = std::move(decision)] { answer(decision); });
}

// Wires one pool loop's server to the home loop.
void relay(const std::shared_ptr<Home>& home, Server& inner, const std::shared_ptr<Mailbox>& io,
           const std::shared_ptr<Mailbox>& to_home) {
    std::weak_ptr<Home> weak = home;
    const bool ask_home = static_cast<bool>(home->hook); // set before listen(), so fixed from here on
    inner.set_deferred_handshake_hook([weak, io, to_home, ask_home](const HandshakeInfo& info, HandshakeAnswer answer) {
        auto h = weak.lock();
        if (!h) {
            return answer(HandshakeDecision::refuse(503, "server is shutting down"));
        }
        // Each loop's server counts its own; the limit holds for all of them (two loops deciding at the same
        // moment may each take the last place: at most one over per loop).
        if (h->connections() >= h->max_connections) {
            return answer(HandshakeDecision::refuse(503, "connection limit reached (" +
                                                             std::to_string(h->max_connections) + ")"));
        }
        if (!ask_home) {
            return answer(HandshakeDecision::accept());
        }
        to_home->post([weak, io, info, answer = std::move(answer)]() mutable {
            auto owner = weak.lock();
            if (!owner || !owner->hook) {
                return answer_on(io, std::move(answer), HandshakeDecision::refuse(503, "server is shutting down"));
            }
            owner->hook(info, [io, answer](HandshakeDecision decision) { answer_on(io, answer, std::move(decision)); });
        });
    });
    inner.set_open_handler([weak, io, to_home](SessionPtr session) {
        auto h = weak.lock();
        if (!h) {
            return session->close(1001, "server shutting down");
        }
        auto relayed = std::make_shared<RelaySession>(*session, session, h->loop, io, h->config.max_outbound_queue,
                                                      h->budget, h->log);
        // Posted in order from this loop, so the home loop sees the open before the first message and the close last.
        std::weak_ptr<Session> weak_session = session;
        session->set_message_handler(
            [relayed, to_home, weak_session, budget = h->budget, log = h->log](std::string_view text) {
                const auto admission = relayed->admit(text.size());
                if (admission != RelaySession::Admission::Admitted) {
                    auto s = weak_session.lock();
                    if (admission == RelaySession::Admission::Flooding) {
                        // The handlers fall behind this peer by kMaxInbound messages (or a MiB): it floods, the rest
                        // wait.
                        if (s) {
                            s->close(1008, "messages arrive faster than they are handled");
                        }
                        return;
                    }
                    // Every peer together has max_inbound_bytes waiting for the handlers: shed this one's load.
                    report_overload(*budget, log);
                    if (s) {
                        s->close(1013, "the server is overloaded; try again later");
                    }
                    return;
                }
                to_home->post([relayed, text = std::string(text)] { relayed->deliver(text); });
            });
        session->set_close_handler([weak, relayed, to_home](const CloseInfo& close) {
            to_home->post([weak, relayed, close] {
                if (auto owner = weak.lock()) {
                    owner->sessions.erase(relayed->id());
                }
                relayed->finish(close);
            });
        });
        to_home->post([weak, relayed] {
            auto owner = weak.lock();
            if (!owner || !owner->on_open) {
                return relayed->close(1001, "server shutting down");
            }
            owner->sessions.emplace(relayed->id(), relayed);
            owner->on_open(relayed);
        });
    });
    inner.set_reject_handler([weak, to_home](const RejectedHandshake& rejected) {
        to_home->post([weak, rejected] {
            auto h = weak.lock();
            if (h && h->on_reject) {
                h->on_reject(rejected);
            }
        });
    });
    inner.set_http_handler([weak, io, to_home](const HttpRequest& request, HttpResponder respond) {
        to_home->post([weak, io, request, respond = std::move(respond)] {
            auto reply = [io, respond](HttpResponse response) {
                io->post([respond, response = std::move(response)] { respond(response); });
            };
            auto h = weak.lock();
            if (!h) {
                return reply(HttpResponse{503, {{"Content-Type", "text/plain"}}, "server is shutting down\n"});
            }
            if (!h->on_http) {
                return reply(HttpResponse{404, {{"Content-Type", "text/plain"}}, "not found\n"});
            }
            try {
                h->on_http(request, reply);
            } catch (const std::exception& e) {
                h->log.error("net.server", std::string("HTTP handler threw: ") + e.what());
                reply(HttpResponse{500, {{"Content-Type", "text/plain"}}, "internal error\n"});
            }
        });
    });
}

class ThreadedServer final : public Server {
public:
    ThreadedServer(EventLoop& home, LoopPool& pool, ServerConfig config, const Logger& log)
        : pool_(pool)
        , home_(std::make_shared<Home>(home, std::move(config), log)) {}

    ~ThreadedServer() override {
        for (auto& link : home_->links) {
            link->cut();
        }
        for (auto& inbox : home_->inboxes) {
            inbox->cut();
        }
        for (auto& [id, weak] : home_->sessions) {
            if (auto session = weak.lock()) {
                session->detach();
            }
        }
        std::vector<std::unique_ptr<Server>> inners;
        {
            std::lock_guard<std::mutex> lock(home_->inners_mutex);
            inners.swap(home_->inners);
        }
        // Each loop's server goes on its loop's thread, or here once the pool no longer runs.
        for (std::size_t i = 0; i < inners.size() && pool_.running(); ++i) {
            std::promise<void> gone;
            auto done = gone.get_future();
            pool_.loop(i).post([&inner = inners[i], &gone] {
                inner.reset();
                gone.set_value();
            });
            done.wait();
        }
        inners.clear();
    }

    void set_handshake_hook(HandshakeHook hook) override {
        if (!hook) {
            home_->hook = nullptr;
            return;
        }
        home_->hook = [hook = std::move(hook)](const HandshakeInfo& info, HandshakeAnswer answer) {
            answer(hook(info));
        };
    }
    void set_deferred_handshake_hook(DeferredHandshakeHook hook) override { home_->hook = std::move(hook); }
    void set_open_handler(OpenHandler h) override { home_->on_open = std::move(h); }
    void set_reject_handler(RejectHandler h) override { home_->on_reject = std::move(h); }
    void set_http_handler(HttpHandler h) override { home_->on_http = std::move(h); }
    void set_http_body_limit(HttpBodyLimit limit) override { body_limit_ = std::move(limit); }

    Result<void> listen() override {
        if (!home_->inners.empty()) {
            return make_error("server is already listening");
        }
        if (pool_.running()) { // the inner servers are made here, while no pool loop runs
            return make_error("listen() must come before the loop pool starts");
        }
        // Set before any loop runs: the limit for all loops together.
        home_->max_connections =
            std::min(home_->config.max_connections,
                     connections_that_fit(current_file_limit(), open_file_count().value_or(0), kSpareFiles));
        // SO_REUSEPORT would let another process bind the same port and quietly take a share of the connections:
        // the port must be free before the loops share it.
        if (auto free = port_is_free(home_->config.host, home_->config.port); !free) {
            return free;
        }
        ServerConfig config = home_->config;
        config.reuse_port = true;
        for (std::size_t i = 0; i < pool_.size(); ++i) {
            auto inner = Server::create(pool_.loop(i), config, home_->log);
            auto link = std::make_shared<Mailbox>(pool_.loop(i));
            auto inbox = std::make_shared<Mailbox>(home_->loop);
            relay(home_, *inner, link, inbox);
            if (body_limit_) {
                inner->set_http_body_limit(body_limit_);
            }
            if (auto listening = inner->listen(); !listening) {
                std::lock_guard<std::mutex> lock(home_->inners_mutex);
                home_->inners.clear();
                home_->links.clear();
                home_->inboxes.clear();
                return listening;
            }
            config.port = inner->port(); // the next loops listen on the same port
            std::lock_guard<std::mutex> lock(home_->inners_mutex);
            home_->inners.push_back(std::move(inner));
            home_->links.push_back(std::move(link));
            home_->inboxes.push_back(std::move(inbox));
        }
        return {};
    }

    std::uint16_t port() const override { return home_->inners.empty() ? 0 : home_->inners.front()->port(); }

    void shutdown() override {
        for (std::size_t i = 0; i < home_->inners.size(); ++i) {
            home_->links[i]->post([inner = home_->inners[i].get()] { inner->shutdown(); });
        }
    }

    std::size_t connection_count() const override { return home_->connections(); }

    Result<void> replace_client_cas(const std::vector<std::string>& ca_pems) override {
        if (!home_->config.tls || home_->config.tls->client_ca_file.empty()) {
            return Server::replace_client_cas(ca_pems);
        }
        // Checked here first, so that every loop's server takes them or none does.
        SSL_CTX* probe = SSL_CTX_new(TLS_server_method());
        if (probe == nullptr) {
            return make_error("cannot check the CA certificates: out of memory");
        }
        auto checked = detail::set_client_ca_store(probe, ca_pems);
        SSL_CTX_free(probe);
        if (!checked) {
            return checked;
        }
        for (std::size_t i = 0; i < home_->inners.size(); ++i) {
            home_->links[i]->post([inner = home_->inners[i].get(), ca_pems, log = home_->log] {
                if (auto replaced = inner->replace_client_cas(ca_pems); !replaced) {
                    log.error("net.server", "cannot replace the client CAs: " + replaced.error().message);
                }
            });
        }
        return {};
    }

private:
    LoopPool& pool_;
    std::shared_ptr<Home> home_;
    HttpBodyLimit body_limit_;
};

} // namespace

std::unique_ptr<Server> Server::create_threaded(EventLoop& home, LoopPool& pool, ServerConfig config,
                                                const Logger& log) {
    return std::make_unique<ThreadedServer>(home, pool, std::move(config), log);
}

} // namespace ocpp::net
