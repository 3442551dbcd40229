#pragma once
// Reads what a connection starts with before its TLS or HTTP bytes, when the server speaks the PROXY protocol
// (ServerConfig::proxy_protocol; internal: only the server core includes it). From a trusted proxy the header is
// required and read to its last byte, no further; from any other peer the first bytes are only looked at (peeked),
// and a PROXY header there ends the connection, since anyone can send one. Bounded in time (a deadline for the whole
// header) and in memory (ProxyHeaderParser keeps at most the address block; the rest is read into a small buffer and
// dropped). Threading: everything runs on the loop thread that owns the socket.
#include <asio.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "ocpp/net/proxy_protocol.hpp"

namespace ocpp::net::detail {

class ProxyPreface : public std::enable_shared_from_this<ProxyPreface> {
public:
    enum class Mode {
        Require, // a trusted proxy: the header must come, and is taken off the connection
        Refuse,  // anyone else: a header is refused, other bytes are left where they are
    };
    struct Outcome {
        bool ok = false;
        ProxyHeader header; // Require and ok: what the proxy said
        ProxyFault fault = ProxyFault::None;
        std::string why; // not ok: for the log line
    };
    using Done = std::function<void(Outcome)>;

    // Starts reading from `socket`, which must outlive the read (`done` may hold its owner). `done` is called once,
    // on the socket's executor.
    static void start(asio::ip::tcp::socket& socket, Mode mode, std::chrono::milliseconds timeout, Done done) {
        auto self = std::shared_ptr<ProxyPreface>(new ProxyPreface(socket, mode, std::move(done)));
        self->timer_.expires_after(timeout);
        self->timer_.async_wait([weak = std::weak_ptr<ProxyPreface>(self), timeout](const asio::error_code& ec) {
            auto me = weak.lock();
            if (ec || !me || me->finished_) {
                return;
            }
            me->timed_out_ = std::to_string(timeout.count());
            asio::error_code ignored;
            me->socket_.cancel(ignored); // the pending peek completes with operation_aborted
        });
        self->peek();
    }

private:
    ProxyPreface(asio::ip::tcp::socket& socket, Mode mode, Done done)
        : socket_(socket)
        , timer_(socket.get_executor())
        , mode_(mode)
        , done_(std::move(done)) {}

    // Waits for bytes and looks at them without taking them (a byte past the header stays for TLS or HTTP).
    void peek() {
        socket_.async_receive(
            asio::buffer(buffer_), asio::socket_base::message_peek,
            [self = shared_from_this()](const asio::error_code& ec, std::size_t n) { self->on_peek(ec, n); });
    }

    void on_peek(const asio::error_code& ec, std::size_t n) {
        if (!timed_out_.empty()) {
            return finish(ProxyFault::None, mode_ == Mode::Require
                                                ? "no complete PROXY header within " + timed_out_ + " ms (" +
                                                      std::to_string(parser_.taken()) + " bytes of it arrived)"
                                                : "nothing sent within " + timed_out_ + " ms");
        }
        if (ec || n == 0) {
            return finish(ProxyFault::None, mode_ == Mode::Require
                                                ? "the connection ended after " + std::to_string(parser_.taken()) +
                                                      " bytes of the PROXY header" +
                                                      (ec && ec != asio::error::eof ? " (" + ec.message() + ")" : "")
                                                : "the connection ended before its first byte");
        }
        const std::string_view seen(buffer_.data(), n);
        if (mode_ == Mode::Refuse) {
            if (starts_like_proxy_header(seen)) {
                return finish(ProxyFault::None, "a PROXY header from a peer outside --trusted-proxy is not believed");
            }
            return finish(ProxyFault::None, {}); // nothing taken: TLS or HTTP reads these bytes
        }
        const std::size_t take = parser_.feed(seen);
        // Take the header's bytes off the socket: they are there already, so this read does not wait.
        asio::error_code rec;
        asio::read(socket_, asio::buffer(buffer_.data(), take), rec);
        if (rec) {
            return finish(ProxyFault::None, "cannot read the PROXY header: " + rec.message());
        }
        switch (parser_.state()) {
        case ProxyHeaderParser::State::NeedMore:
            return peek(); // everything seen was header: the socket is empty again, so the peek waits
        case ProxyHeaderParser::State::Failed:
            return finish(parser_.fault(), "malformed PROXY header: " + std::string(describe(parser_.fault())));
        case ProxyHeaderParser::State::Done:
            return finish(ProxyFault::None, {});
        }
    }

    void finish(ProxyFault fault, std::string why) {
        if (finished_) {
            return;
        }
        finished_ = true;
        timer_.cancel();
        Outcome outcome;
        outcome.ok = why.empty();
        outcome.fault = fault;
        outcome.why = std::move(why);
        if (outcome.ok && mode_ == Mode::Require) {
            outcome.header = parser_.header();
        }
        auto done = std::move(done_);
        done(std::move(outcome));
    }

    asio::ip::tcp::socket& socket_;
    asio::steady_timer timer_;
    Mode mode_;
    Done done_;
    ProxyHeaderParser parser_;
    std::array<char, 512> buffer_{};
    std::string timed_out_; // the timeout in ms once it passed
    bool finished_ = false;
};

} // namespace ocpp::net::detail
