#pragma once
// Our TLS stream (internal: only tls_socket.hpp includes it): an OpenSSL SSL object reading and writing the TCP
// socket through a BIO of our own, with Asio's readiness waits. It replaces asio::ssl::stream, which holds two
// zero-filled 17 KiB record buffers and a 2 x 17 KiB BIO pair per connection; here the only record buffers are
// OpenSSL's own, allocated while a record is in flight and released when idle (SSL_MODE_RELEASE_BUFFERS).
// Threading: one stream is used on its loop thread only; one read and one write may be pending at once.
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstddef>
#include <memory>
#include <sys/socket.h>
#include <utility>

namespace ocpp::net::detail {

// An SSL_CTX shared by the connections of one endpoint (each SSL also holds a reference of its own).
using SslCtxPtr = std::shared_ptr<SSL_CTX>;
inline SslCtxPtr share_ssl_ctx(SSL_CTX* ctx) {
    return SslCtxPtr(ctx, SSL_CTX_free);
}

class TlsStream {
public:
    using executor_type = asio::ip::tcp::socket::executor_type;
    using lowest_layer_type = asio::ip::tcp::socket;
    using next_layer_type = asio::ip::tcp::socket;
    enum HandshakeType { client, server };

    // With a context the SSL object is made at once; without one it is made by make_ssl later.
    TlsStream(asio::io_context& io, SSL_CTX* ctx)
        : socket_(io) {
        if (ctx != nullptr) {
            make_ssl(ctx);
        }
    }
    // Makes the connection's SSL object from `ctx` as it is now (its verify store included); false when OpenSSL
    // cannot (out of memory). Before the handshake only.
    bool make_ssl(SSL_CTX* ctx) {
        if (ssl_ != nullptr) {
            SSL_free(ssl_);
        }
        ssl_ = SSL_new(ctx);
        if (ssl_ == nullptr) {
            return false;
        }
        BIO* bio = BIO_new(socket_bio_method());
        if (bio == nullptr) {
            SSL_free(ssl_);
            ssl_ = nullptr;
            return false;
        }
        BIO_set_data(bio, this);
        BIO_set_init(bio, 1);
        SSL_set_bio(ssl_, bio, bio);
        SSL_set_mode(ssl_,
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
        // Whole socket reads into OpenSSL's buffer (released when drained) instead of a header and a body read per
        // record: fewer system calls.
        SSL_set_read_ahead(ssl_, 1);
        return true;
    }
    ~TlsStream() {
        if (ssl_ != nullptr) {
            SSL_free(ssl_);
        }
    }
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    // nullptr before make_ssl, or when OpenSSL could not make the connection's SSL object (out of memory).
    SSL* native_handle() { return ssl_; }
    executor_type get_executor() { return socket_.get_executor(); }
    asio::ip::tcp::socket& lowest_layer() { return socket_; }
    asio::ip::tcp::socket& next_layer() { return socket_; }

    // Handler: void(asio::error_code).
    template <class Handler> void async_handshake(HandshakeType type, Handler&& handler) {
        if (ssl_ != nullptr && type == client) {
            SSL_set_connect_state(ssl_);
        } else if (ssl_ != nullptr) {
            SSL_set_accept_state(ssl_);
        }
        drive([](SSL* ssl, std::size_t&) { return SSL_do_handshake(ssl); },
              [h = std::forward<Handler>(handler)](const asio::error_code& ec, std::size_t) mutable { h(ec); });
    }

    // Sends our close_notify, then shuts the TCP socket down both ways and completes; it does not wait for the
    // peer's close_notify. The shutdown wakes the read every open session keeps pending, so a terminated connection
    // (and its descriptor) goes at once instead of when a silent or hostile peer finally sends or closes.
    template <class Handler> void async_shutdown(Handler&& handler) {
        if (ssl_ == nullptr) { // never got as far as TLS: only the TCP socket to close
            asio::error_code ignored;
            socket_.shutdown(asio::socket_base::shutdown_both, ignored);
            complete([h = std::forward<Handler>(handler)](const asio::error_code& ec, std::size_t) mutable { h(ec); },
                     {}, 0, false);
            return;
        }
        drive([](SSL* ssl, std::size_t&) { return SSL_shutdown(ssl) >= 0 ? 1 : -1; },
              [this, h = std::forward<Handler>(handler)](const asio::error_code& ec, std::size_t) mutable {
                  asio::error_code ignored;
                  socket_.shutdown(asio::socket_base::shutdown_both, ignored);
                  h(ec);
              });
    }

    // Handler: void(asio::error_code, std::size_t). Reads into the first non-empty buffer, as asio::ssl::stream does.
    template <class Buffers, class Handler> void async_read_some(const Buffers& buffers, Handler&& handler) {
        const asio::mutable_buffer b = first_of<asio::mutable_buffer>(buffers);
        if (b.size() == 0) {
            complete(std::forward<Handler>(handler), {}, 0, false);
            return;
        }
        auto step = [b](SSL* ssl, std::size_t& n) { return SSL_read_ex(ssl, b.data(), b.size(), &n); };
        if (ssl_ != nullptr && SSL_has_pending(ssl_) == 1) {
            drive(step, std::forward<Handler>(handler));
            return;
        }
        // Nothing buffered: wait for the socket first, so that an idle connection's pending read does not make
        // OpenSSL allocate its read buffer for a record that is not there. Bytes that arrived while no read was
        // pending wake the wait at once: Asio re-arms the descriptor when it queues a wait (tls_stream_test.cpp).
        socket_.async_wait(asio::socket_base::wait_read,
                           [this, step, h = std::decay_t<Handler>(std::forward<Handler>(handler))](
                               const asio::error_code& ec) mutable {
                               if (ec) {
                                   h(ec, std::size_t{0});
                               } else {
                                   drive(step, std::move(h), true);
                               }
                           });
    }

    // Handler: void(asio::error_code, std::size_t). Writes (part of) the first non-empty buffer.
    template <class Buffers, class Handler> void async_write_some(const Buffers& buffers, Handler&& handler) {
        const asio::const_buffer b = first_of<asio::const_buffer>(buffers);
        if (b.size() == 0) {
            complete(std::forward<Handler>(handler), {}, 0, false);
            return;
        }
        drive([b](SSL* ssl, std::size_t& n) { return SSL_write_ex(ssl, b.data(), b.size(), &n); },
              std::forward<Handler>(handler));
    }

private:
    template <class Buffer, class Buffers> static Buffer first_of(const Buffers& buffers) {
        for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
            Buffer b(*it);
            if (b.size() != 0) {
                return b;
            }
        }
        return Buffer();
    }

    // Runs one OpenSSL step; waits for the socket when OpenSSL wants it and runs the step again. A result found at
    // once is posted, so that no handler runs inside the call that started its operation.
    template <class Step, class Handler> void drive(Step step, Handler&& handler, bool waited = false) {
        if (ssl_ == nullptr) {
            complete(std::forward<Handler>(handler), asio::error::not_connected, 0, waited);
            return;
        }
        std::size_t n = 0;
        ERR_clear_error();
        errno_ = 0;
        const int r = step(ssl_, n);
        if (r > 0) {
            complete(std::forward<Handler>(handler), {}, n, waited);
            return;
        }
        // No SSL_free_buffers here: SSL_MODE_RELEASE_BUFFERS already gives the buffers back once they are empty,
        // and freeing them while a record is half read is what CVE-2024-4741 was about in older OpenSSL 3.0.
        const int err = SSL_get_error(ssl_, r);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            const auto what = err == SSL_ERROR_WANT_READ ? asio::socket_base::wait_read : asio::socket_base::wait_write;
            socket_.async_wait(what, [this, step, h = std::decay_t<Handler>(std::forward<Handler>(handler))](
                                         const asio::error_code& ec) mutable {
                if (ec) {
                    h(ec, std::size_t{0});
                } else {
                    drive(step, std::move(h), true);
                }
            });
            return;
        }
        complete(std::forward<Handler>(handler), error_of(err), 0, waited);
    }

    template <class Handler> void complete(Handler&& handler, asio::error_code ec, std::size_t n, bool now) {
        if (now) {
            handler(ec, n);
            return;
        }
        asio::post(socket_.get_executor(),
                   [h = std::decay_t<Handler>(std::forward<Handler>(handler)), ec, n]() mutable { h(ec, n); });
    }

    // OpenSSL's answer as the error codes asio::ssl::stream gives (websocketpp and our diagnostics look at them).
    asio::error_code error_of(int err) {
        if (err == SSL_ERROR_ZERO_RETURN) {
            return asio::error::eof;
        }
        if (err == SSL_ERROR_SYSCALL && errno_ != 0) {
            return asio::error_code(errno_, asio::error::get_system_category());
        }
        const unsigned long e = ERR_get_error();
        if (e == 0 || ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            return asio::ssl::error::stream_truncated; // the peer closed TCP without a close_notify
        }
        return asio::error_code(static_cast<int>(e), asio::error::get_ssl_category());
    }

    // The BIO between OpenSSL and the socket: non-blocking recv/send on the socket's descriptor (MSG_NOSIGNAL: a
    // peer that went away gives EPIPE, not a signal). Made once per process, shared by every stream.
    static BIO_METHOD* socket_bio_method() {
        static BIO_METHOD* method = [] {
            BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "ocppkit socket");
            BIO_meth_set_read_ex(m, &TlsStream::bio_read);
            BIO_meth_set_write_ex(m, &TlsStream::bio_write);
            BIO_meth_set_ctrl(m, &TlsStream::bio_ctrl);
            return m;
        }();
        return method;
    }
    static int bio_read(BIO* bio, char* buf, std::size_t len, std::size_t* done) {
        auto* self = static_cast<TlsStream*>(BIO_get_data(bio));
        BIO_clear_retry_flags(bio);
        for (;;) {
            const ssize_t n = ::recv(self->socket_.native_handle(), buf, len, MSG_DONTWAIT);
            if (n > 0) {
                *done = static_cast<std::size_t>(n);
                return 1;
            }
            if (n == 0) {
                return 0; // end of stream
            }
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                BIO_set_retry_read(bio);
            } else {
                self->errno_ = errno;
            }
            return 0;
        }
    }
    static int bio_write(BIO* bio, const char* buf, std::size_t len, std::size_t* done) {
        auto* self = static_cast<TlsStream*>(BIO_get_data(bio));
        BIO_clear_retry_flags(bio);
        for (;;) {
            const ssize_t n = ::send(self->socket_.native_handle(), buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n >= 0) {
                *done = static_cast<std::size_t>(n);
                return 1;
            }
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                BIO_set_retry_write(bio);
            } else {
                self->errno_ = errno;
            }
            return 0;
        }
    }
    static long bio_ctrl(BIO*, int cmd, long, void*) {
        return cmd == BIO_CTRL_FLUSH || cmd == BIO_CTRL_DUP ? 1 : 0; // nothing is buffered in the BIO
    }

    asio::ip::tcp::socket socket_;
    SSL* ssl_ = nullptr;
    int errno_ = 0; // the socket error of the last OpenSSL step, for SSL_ERROR_SYSCALL
};

} // namespace ocpp::net::detail
