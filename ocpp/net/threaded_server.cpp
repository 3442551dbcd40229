// A Server whose connections live on the loops of a LoopPool while its user code runs on one home loop: each pool
// loop has a Server of its own on one shared port (SO_REUSEPORT, the kernel spreads the connections), which does the
// TLS, HTTP and WebSocket work; handshakes, opened sessions, messages, closes and HTTP requests are posted to the home
// loop, and what the home loop sends or answers is posted back. The program's state stays on one thread.
#include <atomic>
#include <future>
#include <mutex>
#include <unordered_map>

#include "ocpp/net/detail/tls.hpp"
#include "ocpp/net/detail/utf8.hpp"
#include "ocpp/net/loop_pool.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/system/file_limit.hpp"

namespace ocpp::net {

namespace {

constexpr std::size_t kSpareFiles = 64; // open files kept free for the database, logs and HTTP requests

// Posts to a pool loop until the server goes; after that a post does nothing (the loop no longer runs).
class LoopLink {
public:
    explicit LoopLink(EventLoop& loop)
        : loop_(&loop) {}
    void post(std::function<void()> fn) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (loop_ != nullptr) {
            loop_->post(std::move(fn));
        }
    }
    void cut() {
        std::lock_guard<std::mutex> lock(mutex_);
        loop_ = nullptr;
    }

private:
    std::mutex mutex_;
    EventLoop* loop_;
};

// The session the program sees, on the home loop, for a session on a pool loop. Its state is the home loop's; the
// pool side reaches it only by posting there.
class RelaySession final : public Session, public std::enable_shared_from_this<RelaySession> {
public:
    RelaySession(const Session& inner, std::weak_ptr<Session> weak_inner, Executor& home, std::shared_ptr<LoopLink> io,
                 std::size_t max_queue, const Logger& log)
        : info_(inner.info())
        , id_(inner.id())
        , home_(home)
        , io_(std::move(io))
        , inner_(std::move(weak_inner))
        , max_queue_(max_queue)
        , log_(log) {}

    std::uint64_t id() const override { return id_; }
    const HandshakeInfo& info() const override { return info_; }
    Executor& executor() override { return home_; }

    SendStatus send(std::string_view text) override {
        if (!is_open()) {
            return SendStatus::Closed;
        }
        if (in_transit_.load(std::memory_order_relaxed) + inner_queued_.load(std::memory_order_relaxed) >= max_queue_) {
            // The inner count may be old (it is read after each send): one look at it now, for the next send.
            if (!refreshing_.exchange(true)) {
                io_->post([self = shared_from_this()] {
                    auto inner = self->inner_.lock();
                    self->inner_queued_ = inner ? inner->queued() : 0;
                    self->refreshing_ = false;
                });
            }
            return SendStatus::QueueFull;
        }
        if (!detail::valid_utf8(text)) {
            return SendStatus::InvalidUtf8;
        }
        in_transit_.fetch_add(1, std::memory_order_relaxed);
        io_->post([self = shared_from_this(), text = std::string(text)] {
            self->in_transit_.fetch_sub(1, std::memory_order_relaxed);
            auto inner = self->inner_.lock();
            if (!inner) {
                return;
            }
            const SendStatus status = inner->send(text);
            self->inner_queued_.store(inner->queued(), std::memory_order_relaxed);
            if (status != SendStatus::Queued && status != SendStatus::Closed && !self->drop_reported_.exchange(true)) {
                // Once per session: a peer that stopped reading would otherwise write a line per message.
                self->log_.warn("net.server", "session " + std::to_string(self->id_) +
                                                  ": a message to the peer was dropped (" +
                                                  std::string(to_string(status)) + ")");
            }
        });
        return SendStatus::Queued;
    }

    void close(int code, std::string_view reason) override {
        if (!is_open()) {
            return;
        }
        closing_ = true;
        io_->post([weak = inner_, code, reason = std::string(reason)] {
            if (auto inner = weak.lock()) {
                inner->close(code, reason);
            }
        });
    }

    bool is_open() const override { return open_ && !closing_; }
    std::size_t queued() override { return in_transit_.load() + inner_queued_.load(); }
    void set_message_handler(MessageHandler h) override { on_message_ = std::move(h); }
    void set_close_handler(CloseHandler h) override { on_close_ = std::move(h); }

    // On the home loop: a message that arrived on the pool loop.
    void deliver(std::string_view text) {
        if (open_ && on_message_) {
            on_message_(text);
        }
    }
    // On the home loop, when the server goes: closed, and no handler runs any more.
    void detach() {
        open_ = false;
        on_message_ = nullptr;
        on_close_ = nullptr;
    }
    // On the home loop: the connection ended; the close handler runs once, then both handlers are dropped.
    void finish(const CloseInfo& close) {
        if (!open_) {
            return;
        }
        open_ = false;
        auto handler = std::move(on_close_);
        on_close_ = nullptr;
        on_message_ = nullptr;
        if (handler) {
            handler(close);
        }
    }

private:
    const HandshakeInfo info_;
    const std::uint64_t id_;
    Executor& home_;
    std::shared_ptr<LoopLink> io_;
    std::weak_ptr<Session> inner_; // touched on the pool loop only
    const std::size_t max_queue_;
    const Logger log_;
    std::atomic<std::size_t> in_transit_{0};   // posted to the pool loop, not yet handed to the inner session
    std::atomic<std::size_t> inner_queued_{0}; // the inner session's unsent messages when last looked at
    std::atomic<bool> refreshing_{false};      // a look at inner_queued_ is on its way
    std::atomic<bool> drop_reported_{false};
    MessageHandler on_message_;
    CloseHandler on_close_;
    bool open_ = true;
    bool closing_ = false;
};

// What the pool loops' handlers reach; it goes with the server, and a weak reference finds it gone.
struct Home {
    Home(EventLoop& l, ServerConfig c, const Logger& lg)
        : loop(l)
        , config(std::move(c))
        , log(lg) {}
    EventLoop& loop;
    ServerConfig config;
    Logger log;
    Server::DeferredHandshakeHook hook;
    Server::OpenHandler on_open;
    Server::RejectHandler on_reject;
    HttpHandler on_http;
    std::unordered_map<std::uint64_t, std::weak_ptr<RelaySession>> sessions; // home loop only
    mutable std::mutex inners_mutex; // the pool loops count connections while the home loop may be tearing down
    std::vector<std::unique_ptr<Server>> inners;  // one per pool loop
    std::vector<std::shared_ptr<LoopLink>> links; // one per pool loop
    std::size_t max_connections = 0;

    std::size_t connections() const {
        std::lock_guard<std::mutex> lock(inners_mutex);
        std::size_t n = 0;
        for (const auto& inner : inners) {
            n += inner->connection_count(); // an atomic counter: readable from any thread
        }
        return n;
    }
};

void answer_on(const std::shared_ptr<LoopLink>& io, HandshakeAnswer answer, HandshakeDecision decision) {
    io->post([answer = std::move(answer), decision = std::move(decision)] { answer(decision); });
}

// Wires one pool loop's server to the home loop.
void relay(const std::shared_ptr<Home>& home, Server& inner, const std::shared_ptr<LoopLink>& io) {
    std::weak_ptr<Home> weak = home;
    EventLoop* home_loop = &home->loop;                  // captured by value: the loop outlives the server
    const bool ask_home = static_cast<bool>(home->hook); // set before listen(), so fixed from here on
    inner.set_deferred_handshake_hook([weak, io, home_loop, ask_home](const HandshakeInfo& info,
                                                                      HandshakeAnswer answer) {
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
        home_loop->post([weak, io, info, answer = std::move(answer)]() mutable {
            auto owner = weak.lock();
            if (!owner || !owner->hook) {
                return answer_on(io, std::move(answer), HandshakeDecision::refuse(503, "server is shutting down"));
            }
            owner->hook(info, [io, answer](HandshakeDecision decision) { answer_on(io, answer, std::move(decision)); });
        });
    });
    inner.set_open_handler([weak, io, home_loop](SessionPtr session) {
        auto h = weak.lock();
        if (!h) {
            return session->close(1001, "server shutting down");
        }
        auto relayed =
            std::make_shared<RelaySession>(*session, session, *home_loop, io, h->config.max_outbound_queue, h->log);
        // Posted in order from this loop, so the home loop sees the open before the first message and the close last.
        session->set_message_handler([relayed, home_loop](std::string_view text) {
            home_loop->post([relayed, text = std::string(text)] { relayed->deliver(text); });
        });
        session->set_close_handler([weak, relayed, home_loop](const CloseInfo& close) {
            home_loop->post([weak, relayed, close] {
                if (auto owner = weak.lock()) {
                    owner->sessions.erase(relayed->id());
                }
                relayed->finish(close);
            });
        });
        home_loop->post([weak, relayed] {
            auto owner = weak.lock();
            if (!owner || !owner->on_open) {
                return relayed->close(1001, "server shutting down");
            }
            owner->sessions.emplace(relayed->id(), relayed);
            owner->on_open(relayed);
        });
    });
    inner.set_reject_handler([weak, home_loop](const RejectedHandshake& rejected) {
        home_loop->post([weak, rejected] {
            auto h = weak.lock();
            if (h && h->on_reject) {
                h->on_reject(rejected);
            }
        });
    });
    inner.set_http_handler([weak, io, home_loop](const HttpRequest& request, HttpResponder respond) {
        home_loop->post([weak, io, request, respond = std::move(respond)] {
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
        ServerConfig config = home_->config;
        config.reuse_port = true;
        for (std::size_t i = 0; i < pool_.size(); ++i) {
            auto inner = Server::create(pool_.loop(i), config, home_->log);
            auto link = std::make_shared<LoopLink>(pool_.loop(i));
            relay(home_, *inner, link);
            if (body_limit_) {
                inner->set_http_body_limit(body_limit_);
            }
            if (auto listening = inner->listen(); !listening) {
                std::lock_guard<std::mutex> lock(home_->inners_mutex);
                home_->inners.clear();
                home_->links.clear();
                return listening;
            }
            config.port = inner->port(); // the next loops listen on the same port
            std::lock_guard<std::mutex> lock(home_->inners_mutex);
            home_->inners.push_back(std::move(inner));
            home_->links.push_back(std::move(link));
        }
        home_->max_connections =
            std::min(home_->config.max_connections,
                     connections_that_fit(current_file_limit(), open_file_count().value_or(0), kSpareFiles));
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
