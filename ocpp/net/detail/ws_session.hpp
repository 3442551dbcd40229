#pragma once
// Our Session over a websocketpp connection: bounded sends, close, and delivery of received messages (internal:
// reached only through ws_common.hpp). Threading: every call runs on the loop thread that owns the connection.
#include <websocketpp/close.hpp>
#include <websocketpp/connection.hpp>
#include <websocketpp/error.hpp>
#include <websocketpp/frame.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/net/detail/net_util.hpp"
#include "ocpp/net/detail/session_handlers.hpp"
#include "ocpp/net/detail/utf8.hpp"
#include "ocpp/net/detail/ws_transport.hpp"
#include "ocpp/net/session.hpp"

namespace ocpp::net::detail {

// Counts the messages still waiting in websocketpp's send queue. websocketpp only exposes the queued payload
// bytes, which drain in FIFO order, so the pending messages are the newest ones whose sizes cover that amount.
class OutboundTracker {
public:
    std::size_t pending(std::size_t buffered_bytes) {
        while (head_ < sizes_.size() && total_ - sizes_[head_] >= buffered_bytes) {
            total_ -= sizes_[head_++];
        }
        if (head_ == sizes_.size()) {
            sizes_.clear();
            head_ = 0;
        } else if (head_ >= 64 && head_ * 2 >= sizes_.size()) {
            sizes_.erase(sizes_.begin(), sizes_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
        return sizes_.size() - head_;
    }
    void push(std::size_t bytes) {
        sizes_.push_back(bytes);
        total_ += bytes;
    }

private:
    std::vector<std::size_t> sizes_;
    std::size_t head_ = 0;
    std::size_t total_ = 0;
};

// The part of a WebSocket session that does not depend on the websocketpp config.
class WsSessionBase : public Session {
public:
    WsSessionBase(HandshakeInfo info, Executor& executor, std::size_t max_queue)
        : info_(std::move(info))
        , executor_(executor)
        , id_(next_session_id())
        , max_queue_(max_queue) {}

    std::uint64_t id() const override { return id_; }
    const HandshakeInfo& info() const override { return info_; }
    Executor& executor() override { return executor_; }
    bool is_open() const override { return handlers_.live() && !closing_; }
    void set_message_handler(MessageHandler h) override { handlers_.set_message(std::move(h)); }
    void set_close_handler(CloseHandler h) override { handlers_.set_close(std::move(h)); }

    bool closing_by_us() const { return closing_; }
    void deliver(std::string_view text) { handlers_.deliver(text); }
    // Runs the close handler exactly once, then drops the handlers (and whatever they captured).
    void finish(const CloseInfo& close) { handlers_.finish(close); }

protected:
    HandshakeInfo info_;
    Executor& executor_;
    std::uint64_t id_;
    std::size_t max_queue_;
    OutboundTracker outbound_;
    SessionHandlers handlers_; // live until the close handler ran
    bool closing_ = false;     // close() was called (or we dropped the connection)
};

// send() and close() must be called on the loop thread that owns the connection.
template <class Cfg> class WsSession final : public WsSessionBase {
public:
    using Con = websocketpp::connection<Cfg>;
    // `masks` is set on the client side (client frames are masked); it belongs to the endpoint, which lives as long
    // as any of its connections.
    WsSession(HandshakeInfo info, Executor& executor, std::size_t max_queue, std::weak_ptr<Con> con,
              MaskKeys* masks = nullptr)
        : WsSessionBase(std::move(info), executor, max_queue)
        , con_(std::move(con))
        , masks_(masks) {}

    SendStatus send(std::string_view text) override {
        if (!is_open()) {
            return SendStatus::Closed;
        }
        auto con = con_.lock();
        if (!con || con->get_state() != websocketpp::session::state::open) {
            return SendStatus::Closed;
        }
        if (outbound_.pending(con->get_buffered_amount()) + con->writing_messages() >= max_queue_) {
            return SendStatus::QueueFull;
        }
        if (!valid_utf8(text)) {
            return SendStatus::InvalidUtf8;
        }
        // The frame is built here, as websocketpp's "prepared" message: one message object and one copy of the text
        // per send (websocketpp's own path makes two of each), with the same checks and framing as its hybi13
        // processor. The header goes in front of the text in the same buffer, so the frame leaves in one piece.
        namespace frame = websocketpp::frame;
        const frame::basic_header header(frame::opcode::text, text.size(), true, masks_ != nullptr);
        frame::masking_key_type key;
        key.i = masks_ != nullptr ? masks_->next() : 0;
        const std::string head = masks_ != nullptr
                                     ? frame::prepare_header(header, frame::extended_header(text.size(), key.i))
                                     : frame::prepare_header(header, frame::extended_header(text.size()));
        auto msg = con->get_message(frame::opcode::text, head.size() + text.size());
        std::string& payload = msg->get_raw_payload();
        payload.assign(head).append(text.data(), text.size());
        if (masks_ != nullptr) {
            frame::word_mask_exact(reinterpret_cast<std::uint8_t*>(payload.data() + head.size()), text.size(), key);
        }
        msg->set_prepared(true);
        if (const auto ec = con->send(msg)) {
            // websocketpp refuses a prepared message only when the connection left the open state.
            return ec == websocketpp::error::invalid_state ? SendStatus::Closed : SendStatus::WriteError;
        }
        outbound_.push(payload.size());
        return SendStatus::Queued;
    }

    std::size_t queued() override {
        auto con = con_.lock();
        return con ? outbound_.pending(con->get_buffered_amount()) + con->writing_messages() : 0;
    }

    void close(int code, std::string_view reason) override {
        if (!is_open()) {
            return;
        }
        closing_ = true;
        auto con = con_.lock();
        if (!con) {
            return;
        }
        websocketpp::lib::error_code ec;
        con->close(static_cast<websocketpp::close::status::value>(code), std::string(reason), ec);
        if (ec) { // e.g. a reserved close code: drop the connection instead
            con->terminate(ec);
        }
    }

private:
    std::weak_ptr<Con> con_;
    MaskKeys* masks_;
};

// Hands a received data message to the session's handler. OCPP-J uses text frames only: a binary message is not
// processed, and the connection is closed with 1003 (unsupported data) instead.
template <class MessagePtr>
void deliver_message(WsSessionBase& session, const MessagePtr& msg, const Logger& log, const char* tag) {
    if (msg->get_opcode() != websocketpp::frame::opcode::text) {
        // Only the session number and the address: the Chargebox ID is the peer's text.
        log.warn(tag, "session " + std::to_string(session.id()) + " from " + session.info().remote_address +
                          " sent a binary frame; OCPP-J uses text frames only: closing with 1003");
        session.close(websocketpp::close::status::unsupported_data, "OCPP-J uses text frames only");
        return;
    }
    session.deliver(msg->get_payload());
}

} // namespace ocpp::net::detail
