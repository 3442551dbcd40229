// In-memory Session pair: what one side sends is posted to the executor and delivered to the other side, in order.
#include "ocpp/net/memory_transport.hpp"

#include "ocpp/net/detail/net_util.hpp"
#include "ocpp/net/detail/session_handlers.hpp"
#include "ocpp/net/detail/utf8.hpp"

namespace ocpp::net {

namespace {

class MemorySession final : public Session, public std::enable_shared_from_this<MemorySession> {
public:
    MemorySession(Executor& executor, HandshakeInfo info, MemoryPairOptions options)
        : executor_(executor)
        , info_(std::move(info))
        , id_(detail::next_session_id())
        , options_(options) {}

    void link(const std::shared_ptr<MemorySession>& peer) { peer_ = peer; }

    std::uint64_t id() const override { return id_; }
    const HandshakeInfo& info() const override { return info_; }
    Executor& executor() override { return executor_; }
    bool is_open() const override { return open_; }
    void set_message_handler(MessageHandler h) override { handlers_.set_message(std::move(h)); }
    void set_close_handler(CloseHandler h) override { handlers_.set_close(std::move(h)); }

    // The same checks, in the same order, as the WebSocket sessions.
    SendStatus send(std::string_view text) override {
        if (!open_) {
            return SendStatus::Closed;
        }
        if (in_flight_ >= options_.max_queue) {
            return SendStatus::QueueFull;
        }
        if (options_.check_utf8 && !detail::valid_utf8(text)) {
            return SendStatus::InvalidUtf8;
        }
        ++in_flight_;
        executor_.post([self = weak_from_this(), peer = peer_, msg = std::string(text)] {
            if (auto s = self.lock()) {
                --s->in_flight_;
            }
            if (auto p = peer.lock(); p && p->open_) {
                p->handlers_.deliver(msg);
            }
        });
        return SendStatus::Queued;
    }

    void close(int code, std::string_view reason) override {
        if (!open_) {
            return;
        }
        open_ = false;
        CloseInfo mine{code, std::string(reason), false};
        // Messages sent before close() were posted earlier and are delivered first.
        executor_.post([self = shared_from_this(), peer = peer_, mine] {
            self->handlers_.finish(mine);
            if (auto p = peer.lock()) {
                p->open_ = false;
                p->handlers_.finish(CloseInfo{mine.code, mine.reason, true});
            }
        });
    }

private:
    Executor& executor_;
    HandshakeInfo info_;
    std::uint64_t id_;
    MemoryPairOptions options_;
    std::size_t in_flight_ = 0; // sent, not yet delivered
    std::weak_ptr<MemorySession> peer_;
    detail::SessionHandlers handlers_;
    bool open_ = true;
};

} // namespace

std::pair<SessionPtr, SessionPtr> make_memory_pair(Executor& executor, HandshakeInfo server_info,
                                                   MemoryPairOptions options) {
    HandshakeInfo client_info;
    client_info.path = server_info.path;
    client_info.query = server_info.query;
    client_info.chargebox_id = server_info.chargebox_id;
    client_info.subprotocol = server_info.subprotocol.empty() ? "ocpp1.6" : server_info.subprotocol;
    if (server_info.subprotocol.empty()) {
        server_info.subprotocol = "ocpp1.6";
    }
    if (server_info.offered_subprotocols.empty()) {
        server_info.offered_subprotocols.push_back(server_info.subprotocol);
    }
    client_info.offered_subprotocols = server_info.offered_subprotocols;
    client_info.remote_address = "memory:server";
    if (server_info.remote_address.empty()) {
        server_info.remote_address = "memory:client";
    }
    auto server = std::make_shared<MemorySession>(executor, std::move(server_info), options);
    auto client = std::make_shared<MemorySession>(executor, std::move(client_info), options);
    server->link(client);
    client->link(server);
    return {server, client};
}

} // namespace ocpp::net
