#pragma once
// The per-message path of our websocketpp transport (internal: reached only through ws_common.hpp): client masking
// keys and an Asio transport connection without websocketpp's extra event-loop trip and handler copies per message.
// Threading: everything here runs on the loop thread that owns the connection.
#include <websocketpp/frame.hpp>
#include <websocketpp/transport/asio/endpoint.hpp>

#include <openssl/rand.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ocpp/net/detail/op_slot.hpp"

namespace ocpp::net::detail {

// Masking keys of client frames, which RFC 6455 (5.3) wants unpredictable: OpenSSL's CSPRNG, drawn 256 keys at a
// time so that a frame does not pay for a call into it (websocketpp would read std::random_device per frame).
// One per client endpoint, used on its loop thread only.
class MaskKeys {
public:
    std::uint32_t next() {
        if (pos_ == keys_.size()) {
            refill();
        }
        return keys_[pos_++];
    }

private:
    void refill() {
        if (RAND_bytes(reinterpret_cast<unsigned char*>(keys_.data()), static_cast<int>(sizeof keys_)) != 1) {
            std::random_device rd;
            for (auto& key : keys_) {
                key = rd();
            }
        }
        pos_ = 0;
    }
    std::array<std::uint32_t, 256> keys_{};
    std::size_t pos_ = keys_.size();
};

// websocketpp's Asio transport connection with a shorter path per message:
// - websocketpp hands every write_frame (and pause/resume of reading) to dispatch(), which posts it to the io_context:
//   one more trip through the event loop per message. Here it runs at once; it only starts an asynchronous write
//   (whose completion is posted, as always), so nothing re-enters websocketpp.
// - websocketpp's own handler members (read, write-frame) are used in place instead of being copied into every
//   operation (each copy of such a std::function allocates; a read made four, a write two, a send's dispatch one);
//   errors still go through websocketpp's own completion functions. A write of one buffer (our data frames carry
//   their header in the payload) is sent as one buffer.
// - The read operation lives in a 256-byte slot inside the connection (OpSlot, found by Asio as the read handler's
//   associated allocator), as it did in websocketpp's own storage (a read is always pending, also on idle
//   connections).
// Writes take their operation's memory from Asio's per-thread cache instead of the connection's storage.
//
// What this subclass assumes of websocketpp 0.8.2 (cmake/Dependencies.cmake refuses any other release: check each
// point against a new one before allowing it):
// - websocketpp::connection<config> derives from config::transport_type::transport_con_type, and DirectTransport's
//   typedef replaces asio::endpoint's, so every connection of our endpoints is a DirectConnection.
// - websocketpp::connection calls transport_con_type::async_read_at_least, ::async_write (one buffer, and a vector
//   of buffers) and ::dispatch by qualified name, not virtually: the members below hide the base's at compile time,
//   and must keep the base's signatures (websocketpp/transport/asio/connection.hpp).
// - The read and write-frame handlers it passes as lvalues are its own members (m_handle_read_frame,
//   m_write_frame_handler): they live as long as the connection and are not reassigned while an operation is
//   pending. Other handlers (handshake, close) come as bound temporaries (rvalues).
// - The base's handle_async_read and handle_async_write (accessible to subclasses) turn an Asio error into
//   websocketpp's and call the handler; get_shared() and get_socket() give the connection and its (plain or TLS)
//   socket. With enable_multithreading off, the base uses no strand, so an operation may start on the loop thread
//   directly.
// - write_frame hands over two buffers per message (header, payload; the header is empty for a prepared message),
//   and get_buffered_amount() stops counting a message's bytes once write_frame took it from the send queue.
// - The server's answer to an upgrade is the first single-buffer async_write of a connection, started as soon as
//   the validate handler returns (hold_handshake_write relies on this).
// - websocketpp::connection::start calls transport_con_type::init by qualified name (the preface hides it), and the
//   base's init is where the socket policy's pre_init (the TLS state) and post_init (the TLS handshake) begin.
// - dispatch() is used only for work that starts asynchronous operations (write_frame, pause/resume of reading),
//   so running it at once does not re-enter websocketpp.
template <class TransportCfg> class DirectConnection : public websocketpp::transport::asio::connection<TransportCfg> {
    using Base = websocketpp::transport::asio::connection<TransportCfg>;
    using WriteHandler = websocketpp::transport::write_handler;
    using ReadHandler = websocketpp::transport::read_handler;
    static_assert(!TransportCfg::enable_multithreading, "reads and writes run on the connection's own loop thread");

public:
    using Base::Base;
    // Messages in the write under way: written at once, they no longer show in websocketpp's queued bytes.
    std::size_t writing_messages() const { return writing_; }

    // websocketpp writes its answer to an upgrade as soon as the validate handler returns. After this call that
    // answer (the next single-buffer write) is held until release_handshake_write() or drop_handshake_write(), so
    // that the decision can wait for work done elsewhere while the loop serves other connections.
    void hold_handshake_write() { hold_next_ = true; }
    bool handshake_write_held() const { return held_ != nullptr; }
    // Sends the held answer as websocketpp prepared it, or `replacement` instead (a refusal in place of the 101).
    void release_handshake_write(std::string replacement) {
        if (!held_) {
            return;
        }
        auto held = std::move(held_);
        if (replacement.empty()) {
            Base::async_write(held->buf, held->len, std::move(held->handler));
            return;
        }
        replacement_ = std::make_unique<std::string>(std::move(replacement));
        Base::async_write(replacement_->data(), replacement_->size(), std::move(held->handler));
    }
    // Forgets a held answer (the connection failed meanwhile); its handler holds the connection itself.
    void drop_handshake_write() {
        held_.reset();
        hold_next_ = false;
    }

    // Work on the raw socket before websocketpp's own start (TLS included): the server's PROXY header. It calls
    // `go` once, true to go on with the connection, false to end it (the work logs why).
    using Preface = std::function<void(asio::ip::tcp::socket&, std::function<void(bool go)>)>;
    void set_preface(Preface preface) { preface_ = std::move(preface); }

    // Timers of this connection that expire before this time wait until then (UploadPace: a large upload's time).
    std::chrono::steady_clock::time_point& timer_hold() { return hold_timers_until_; }

    // Hides the base's (websocketpp calls transport_con_type::set_timer by qualified name): the same timer, whose
    // expiry is pushed to timer_hold() when that lies later. Cancelling it works as before.
    typename Base::timer_ptr set_timer(long duration, websocketpp::transport::timer_handler callback) {
        auto slot = std::make_shared<std::weak_ptr<asio::steady_timer>>();
        auto timer = Base::set_timer(duration, HeldTimer{this->get_shared(), slot, std::move(callback)});
        *slot = timer;
        return timer;
    }

protected:
    // Hides the base's (websocketpp::connection::start calls transport_con_type::init by qualified name): the preface,
    // when one is set, runs first.
    void init(websocketpp::transport::init_handler callback) {
        if (!preface_) {
            Base::init(std::move(callback));
            return;
        }
        auto preface = std::move(preface_);
        preface_ = nullptr;
        preface(this->get_raw_socket(), [self = this->get_shared(), callback = std::move(callback)](bool go) {
            if (go) {
                static_cast<DirectConnection&>(*self).Base::init(callback);
            } else {
                callback(websocketpp::transport::error::make_error_code(websocketpp::transport::error::pass_through));
            }
        });
    }

    // websocketpp hands its per-connection handler members (the read and write-frame handlers) over as lvalues, and
    // bound temporaries during the handshake. A member lives as long as the connection, which every operation keeps
    // alive, so the operation holds a pointer to it; a temporary is moved into the operation.

    void async_write(char const* buf, std::size_t len, WriteHandler handler) {
        if (hold_next_) {
            hold_next_ = false;
            held_ = std::make_unique<HeldWrite>(HeldWrite{buf, len, std::move(handler)});
            return;
        }
        Base::async_write(buf, len, std::move(handler));
    }

    template <class Handler> void async_read_at_least(std::size_t num_bytes, char* buf, std::size_t len, Handler&& h) {
        if constexpr (std::is_lvalue_reference_v<Handler>) {
            const ReadHandler* member = &h;
            start_read(num_bytes, buf, len,
                       [self = this->get_shared(), member](const asio::error_code& ec, std::size_t n) {
                           if (ec) {
                               static_cast<DirectConnection&>(*self).handle_async_read(*member, ec, n);
                           } else {
                               (*member)(websocketpp::lib::error_code(), n);
                           }
                       });
        } else {
            start_read(num_bytes, buf, len,
                       [self = this->get_shared(), handler = ReadHandler(std::forward<Handler>(h))](
                           const asio::error_code& ec, std::size_t n) mutable {
                           static_cast<DirectConnection&>(*self).handle_async_read(std::move(handler), ec, n);
                       });
        }
    }

    template <class Handler> websocketpp::lib::error_code dispatch(Handler&& handler) {
        handler();
        return {};
    }

    template <class Handler> void async_write(std::vector<websocketpp::transport::buffer> const& bufs, Handler&& h) {
        write_bufs_.clear();
        writing_ = bufs.size() / 2; // websocketpp gives a header and a payload buffer per message
        for (const auto& b : bufs) {
            if (b.len > 0) {
                write_bufs_.emplace_back(b.buf, b.len);
            }
        }
        if constexpr (std::is_lvalue_reference_v<Handler>) {
            const WriteHandler* member = &h;
            start_write([self = this->get_shared(), member](const asio::error_code& ec, std::size_t n) {
                auto& con = static_cast<DirectConnection&>(*self);
                con.write_done();
                if (ec) {
                    con.handle_async_write(*member, ec, n);
                } else {
                    (*member)(websocketpp::lib::error_code());
                }
            });
        } else {
            start_write([self = this->get_shared(), handler = WriteHandler(std::forward<Handler>(h))](
                            const asio::error_code& ec, std::size_t n) mutable {
                auto& con = static_cast<DirectConnection&>(*self);
                con.write_done();
                if (ec) {
                    con.handle_async_write(std::move(handler), ec, n);
                } else {
                    handler(websocketpp::lib::error_code());
                }
            });
        }
    }

private:
    template <class F> void start_read(std::size_t num_bytes, char* buf, std::size_t len, F done) {
        asio::async_read(this->get_socket(), asio::buffer(buf, len), asio::transfer_at_least(num_bytes),
                         SlotHandler<F>(read_slot_, std::move(done)));
    }

    template <class F> void start_write(F done) {
        if (write_bufs_.size() == 1) {
            asio::async_write(this->get_socket(), write_bufs_.front(), std::move(done));
        } else {
            asio::async_write(this->get_socket(), write_bufs_, std::move(done));
        }
    }

    void write_done() {
        write_bufs_.clear();
        writing_ = 0;
    }

    // A timer's callback that first waits out the connection's hold, on the same timer object.
    struct HeldTimer {
        std::shared_ptr<Base> con; // as websocketpp's own timer handler holds the connection
        std::shared_ptr<std::weak_ptr<asio::steady_timer>> timer;
        websocketpp::transport::timer_handler callback;
        void operator()(const websocketpp::lib::error_code& ec) {
            const auto until = static_cast<DirectConnection&>(*con).hold_timers_until_;
            auto t = timer->lock();
            if (!ec && t && until > std::chrono::steady_clock::now()) {
                t->expires_at(until);
                auto self = con; // bound before *this (and its `con`) is moved into the same call
                t->async_wait(std::bind(&Base::handle_timer, self, t, std::move(*this), std::placeholders::_1));
                return;
            }
            callback(ec);
        }
    };
    struct HeldWrite {
        char const* buf; // websocketpp's own handshake buffer, which lives as long as the connection
        std::size_t len;
        WriteHandler handler;
    };
    std::vector<asio::const_buffer> write_bufs_;
    std::size_t writing_ = 0;
    std::chrono::steady_clock::time_point hold_timers_until_{};
    bool hold_next_ = false;
    std::unique_ptr<HeldWrite> held_;          // only while an upgrade waits for its decision
    std::unique_ptr<std::string> replacement_; // a refusal written in place of the held answer
    Preface preface_;                          // until init() runs it
    OpSlot read_slot_;
};

// websocketpp's per-connection message manager, keeping the last two small messages it handed out for reuse: a
// received message and our answer each took an object and a payload buffer from the heap before. A kept message is
// reused only when nothing else holds it any more, and only for a small message. Nothing is kept before a
// connection's first message, and at most two small ones after (one that grew, as a fragmented message can, is
// dropped when next looked at).
template <class Message> class RecyclingMessages : public std::enable_shared_from_this<RecyclingMessages<Message>> {
public:
    typedef RecyclingMessages<Message> type;
    typedef std::shared_ptr<type> ptr;
    typedef std::weak_ptr<type> weak_ptr;
    typedef typename Message::ptr message_ptr;

    message_ptr get_message() { return std::make_shared<Message>(this->shared_from_this()); }

    message_ptr get_message(websocketpp::frame::opcode::value op, std::size_t size) {
        if (size > kMaxKeptBytes) {
            return std::make_shared<Message>(this->shared_from_this(), op, size); // never kept
        }
        message_ptr* empty = nullptr;
        for (auto& kept : kept_) {
            if (kept && kept.use_count() == 1 && kept->get_payload().capacity() <= 2 * kMaxKeptBytes) {
                kept->set_opcode(op);
                kept->set_header(std::string());
                kept->set_prepared(false);
                kept->set_fin(true);
                kept->set_terminal(false);
                kept->set_compressed(false);
                kept->get_raw_payload().clear();
                kept->get_raw_payload().reserve(size);
                return kept;
            }
            if (!kept || kept.use_count() == 1) {
                empty = &kept; // free, or too large to reuse: replaced below
            }
        }
        auto msg = std::make_shared<Message>(this->shared_from_this(), op, size);
        if (empty != nullptr) {
            *empty = msg;
        }
        return msg;
    }

    bool recycle(Message*) { return false; }

private:
    static constexpr std::size_t kMaxKeptBytes = 1024;
    std::array<message_ptr, 2> kept_;
};

// websocketpp's Asio transport endpoint with DirectConnection as its connections' transport.
template <class TransportCfg> class DirectTransport : public websocketpp::transport::asio::endpoint<TransportCfg> {
public:
    typedef DirectConnection<TransportCfg> transport_con_type;
};

} // namespace ocpp::net::detail
