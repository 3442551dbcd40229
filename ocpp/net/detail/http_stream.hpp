#pragma once
// A plain-HTTP answer whose body is streamed (internal: only ws_server.cpp includes it). websocketpp builds every
// HTTP answer as one string and writes it under the open-handshake timer, which cuts a large body after a 200; here
// the answer is deferred (the timer is cancelled), the status line and headers (with Content-Length) go out, and the
// body follows piece by piece as the client takes it. A piece the body cannot give, a client that takes nothing for
// kStallTimeout, or a failed write end the connection short of Content-Length, which a client sees as incomplete.
#include <websocketpp/error.hpp>
#include <websocketpp/http/constants.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "ocpp/log/log.hpp"
#include "ocpp/net/detail/ws_server_core.hpp"
#include "ocpp/net/http.hpp"

namespace ocpp::net::detail {
namespace {

template <class ConPtr> class HttpStreamWriter : public std::enable_shared_from_this<HttpStreamWriter<ConPtr>> {
public:
    static constexpr std::size_t kPiece = 64 * 1024;
    static constexpr std::chrono::seconds kStallTimeout{30};

    HttpStreamWriter(ConPtr con, HttpResponse response, const Logger& log)
        : con_(std::move(con))
        , body_(std::move(response.stream))
        , timer_(con_->get_raw_socket().get_executor())
        , log_(log) {
        head_ = "HTTP/1.1 " + std::to_string(response.status) + " " +
                websocketpp::http::status_code::get_string(
                    static_cast<websocketpp::http::status_code::value>(response.status)) +
                "\r\n";
        for (const auto& [name, value] : response.headers) {
            head_ += name + ": " + value + "\r\n";
        }
        head_ += "Content-Length: " + std::to_string(body_->size) + "\r\nConnection: close\r\nServer: ocppkit\r\n\r\n";
    }

    void start() {
        con_->defer_http_response(); // cancels websocketpp's handshake timer; we answer ourselves
        buffer_ = std::move(head_);
        write();
    }

private:
    void write() {
        arm();
        auto self = this->shared_from_this();
        asio::async_write(con_->get_socket(), asio::buffer(buffer_),
                          [self](const asio::error_code& ec, std::size_t) { self->written(ec); });
    }

    void written(const asio::error_code& ec) {
        if (ec) {
            end("the client went away: " + ec.message());
            return;
        }
        if (offset_ >= body_->size) {
            end({});
            return;
        }
        buffer_.clear();
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, body_->size - offset_));
        if (!body_->read || !body_->read(offset_, want, buffer_) || buffer_.empty() || buffer_.size() > want) {
            end("the body could not be read at byte " + std::to_string(offset_));
            return;
        }
        offset_ += buffer_.size();
        write();
    }

    void arm() {
        std::weak_ptr<HttpStreamWriter> weak = this->shared_from_this();
        timer_.expires_after(kStallTimeout);
        timer_.async_wait([weak](const asio::error_code& ec) {
            auto self = weak.lock();
            if (!ec && self) {
                asio::error_code ignored;
                self->con_->get_raw_socket().cancel(ignored); // the pending write fails and ends the answer
            }
        });
    }

    void end(const std::string& why) {
        timer_.cancel();
        if (!why.empty()) {
            log_.warn("net.server", "streamed HTTP answer ended after " + std::to_string(offset_) + " of " +
                                        std::to_string(body_->size) + " bytes: " + why);
        }
        con_->terminate(websocketpp::error::make_error_code(websocketpp::error::http_connection_ended));
    }

    ConPtr con_;
    std::shared_ptr<HttpBodyStream> body_;
    asio::steady_timer timer_;
    const Logger& log_;
    std::string head_, buffer_;
    std::uint64_t offset_ = 0;
};

} // namespace
} // namespace ocpp::net::detail
