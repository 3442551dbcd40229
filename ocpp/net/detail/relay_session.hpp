#pragma once
// RelaySession (internal to ocpp/net, for threaded_server.cpp): the session a program sees on its home loop for a
// connection that lives on a pool loop. Its state is the home loop's; the pool side reaches it only by posting there.
#include <atomic>
#include <memory>
#include <string>

#include "ocpp/log/log.hpp"
#include "ocpp/net/detail/utf8.hpp"
#include "ocpp/net/session.hpp"
#include "ocpp/util/mailbox.hpp"

namespace ocpp::net::detail {

// What one connection may have on its way to the home loop at most: a peer that sends faster than its handlers take
// its messages is closed (1008) instead of growing the queue (a charger has a few calls in flight, not hundreds).
constexpr std::size_t kMaxInbound = 256;
constexpr std::size_t kMaxInboundBytes = 1024 * 1024; // a single message is always let through when none waits

// What all connections of a threaded server have on their way to the home loop together, in bytes: a bound for the
// process however many peers send at once while the handlers are busy.
struct InboundBudget {
    explicit InboundBudget(std::size_t limit)
        : max(limit) {}
    const std::size_t max;
    std::atomic<std::size_t> bytes{0};
    std::atomic<std::size_t> refused{0}; // messages refused for it since the last report
    std::atomic<long long> reported_at{0};
};

class RelaySession final : public Session, public std::enable_shared_from_this<RelaySession> {
public:
    RelaySession(const Session& inner, std::weak_ptr<Session> weak_inner, Executor& home, std::shared_ptr<Mailbox> io,
                 std::size_t max_queue, std::shared_ptr<InboundBudget> budget, const Logger& log)
        : info_(inner.info())
        , id_(inner.id())
        , home_(home)
        , io_(std::move(io))
        , inner_(std::move(weak_inner))
        , max_queue_(max_queue)
        , budget_(std::move(budget))
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
        if (!valid_utf8(text)) {
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

    enum class Admission { Admitted, Flooding, Overloaded };
    // On the pool loop, for a message that arrived: Flooding when kMaxInbound messages or kMaxInboundBytes of this
    // connection are already on their way to the home loop, Overloaded when all connections' together would pass
    // the budget.
    Admission admit(std::size_t bytes) {
        const std::size_t waiting = inbound_.fetch_add(1, std::memory_order_relaxed);
        const std::size_t queued = inbound_bytes_.fetch_add(bytes, std::memory_order_relaxed);
        if (waiting >= kMaxInbound || (waiting > 0 && queued + bytes > kMaxInboundBytes)) {
            inbound_.fetch_sub(1, std::memory_order_relaxed);
            inbound_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
            return Admission::Flooding;
        }
        if (budget_->bytes.fetch_add(bytes, std::memory_order_relaxed) + bytes > budget_->max) {
            budget_->bytes.fetch_sub(bytes, std::memory_order_relaxed);
            inbound_.fetch_sub(1, std::memory_order_relaxed);
            inbound_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
            return Admission::Overloaded;
        }
        return Admission::Admitted;
    }
    // On the home loop: a message that arrived on the pool loop (and was admitted).
    void deliver(std::string_view text) {
        inbound_.fetch_sub(1, std::memory_order_relaxed);
        inbound_bytes_.fetch_sub(text.size(), std::memory_order_relaxed);
        budget_->bytes.fetch_sub(text.size(), std::memory_order_relaxed);
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
    std::shared_ptr<Mailbox> io_;
    std::weak_ptr<Session> inner_; // touched on the pool loop only
    const std::size_t max_queue_;
    const std::shared_ptr<InboundBudget> budget_;
    const Logger log_;
    std::atomic<std::size_t> in_transit_{0};   // posted to the pool loop, not yet handed to the inner session
    std::atomic<std::size_t> inner_queued_{0}; // the inner session's unsent messages when last looked at
    std::atomic<bool> refreshing_{false};      // a look at inner_queued_ is on its way
    std::atomic<bool> drop_reported_{false};
    std::atomic<std::size_t> inbound_{0};       // messages posted to the home loop, not yet delivered
    std::atomic<std::size_t> inbound_bytes_{0}; // their bytes
    MessageHandler on_message_;
    CloseHandler on_close_;
    bool open_ = true;
    bool closing_ = false;
};

} // namespace ocpp::net::detail
