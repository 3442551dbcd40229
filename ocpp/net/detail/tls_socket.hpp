#pragma once
// websocketpp's Asio transport with our TLS stream (internal: reached only through ws_common.hpp): a socket policy in
// the shape of websocketpp's transport/asio/security/tls.hpp (same members, called by the same names from
// transport::asio::connection and ::endpoint), whose socket is a TlsStream instead of asio::ssl::stream.
// Threading: the endpoints using it run without websocketpp's strands (enable_multithreading is off).
#include <websocketpp/common/connection_hdl.hpp>
#include <websocketpp/transport/asio/security/base.hpp>
#include <websocketpp/uri.hpp>

#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "ocpp/net/detail/tls_stream.hpp"

namespace ocpp::net::detail::tls_socket {

namespace wsock = websocketpp::transport::asio::socket;

// Called when a connection's stream exists, and for a server connection again once its SSL object exists after
// the accept (stream.native_handle() is nullptr before): our diagnostics attach to the SSL object then.
using SocketInitHandler = std::function<void(websocketpp::connection_hdl, TlsStream&)>;
// Gives the context new connections are made from.
using TlsInitHandler = std::function<SslCtxPtr(websocketpp::connection_hdl)>;

class connection : public std::enable_shared_from_this<connection> {
public:
    typedef connection type;
    typedef std::shared_ptr<type> ptr;
    typedef TlsStream socket_type;
    typedef asio::io_context* io_service_ptr;
    typedef std::shared_ptr<asio::io_context::strand> strand_ptr;

    ptr get_shared() { return shared_from_this(); }
    bool is_secure() const { return true; }
    asio::ip::tcp::socket& get_raw_socket() { return socket_->lowest_layer(); }
    asio::ip::tcp::socket& get_next_layer() { return socket_->next_layer(); }
    TlsStream& get_socket() { return *socket_; }
    void set_socket_init_handler(SocketInitHandler h) { socket_init_ = std::move(h); }
    void set_tls_init_handler(TlsInitHandler h) { tls_init_ = std::move(h); }

    std::string get_remote_endpoint(websocketpp::lib::error_code& ec) const {
        asio::error_code aec;
        const auto ep = socket_->lowest_layer().remote_endpoint(aec);
        std::ostringstream s;
        if (aec) {
            ec =
                websocketpp::transport::asio::error::make_error_code(websocketpp::transport::asio::error::pass_through);
            s << "Error getting remote endpoint: " << aec << " (" << aec.message() << ")";
        } else {
            ec = websocketpp::lib::error_code();
            s << ep;
        }
        return s.str();
    }

    // websocketpp maps an asio error onto its own: TLS errors to tls_error, the rest passed through.
    template <class ErrorCode> static websocketpp::lib::error_code translate_ec(ErrorCode ec) {
        if (ec.category() == asio::error::get_ssl_category()) {
            return websocketpp::transport::error::make_error_code(websocketpp::transport::error::tls_error);
        }
        return websocketpp::transport::error::make_error_code(websocketpp::transport::error::pass_through);
    }
    static websocketpp::lib::error_code translate_ec(websocketpp::lib::error_code ec) { return ec; }

protected:
    // A server connection is made before its accept and may wait long for it: its SSL object is made after the
    // accept (pre_init), so it takes the context as it is then (a client-CA store replaced meanwhile included).
    websocketpp::lib::error_code init_asio(io_service_ptr service, strand_ptr, bool is_server) {
        if (!tls_init_) {
            return wsock::make_error_code(wsock::error::missing_tls_init_handler);
        }
        is_server_ = is_server;
        socket_ = std::make_unique<TlsStream>(*service, nullptr);
        if (!is_server) {
            return make_ssl();
        }
        // The handler runs now too, without an SSL object: what it sets up for the connection (the server keeping
        // itself alive while the accept is pending) must not wait for the accept.
        if (socket_init_) {
            socket_init_(hdl_, *socket_);
        }
        return websocketpp::lib::error_code();
    }

    websocketpp::lib::error_code make_ssl() {
        SslCtxPtr ctx = tls_init_(hdl_);
        if (!ctx || !socket_->make_ssl(ctx.get())) {
            return wsock::make_error_code(wsock::error::invalid_tls_context);
        }
        if (socket_init_) {
            socket_init_(hdl_, *socket_);
        }
        return websocketpp::lib::error_code();
    }

    void set_uri(websocketpp::uri_ptr u) { uri_ = std::move(u); }

    // The client names the host it connects to (SNI), as websocketpp's own TLS policy does.
    void pre_init(wsock::init_handler callback) {
        if (is_server_) {
            callback(make_ssl());
            return;
        }
        // SSL_set_tlsext_host_name without its C cast.
        if (!is_server_ && SSL_ctrl(socket_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                    const_cast<char*>(uri_->get_host().c_str())) != 1) {
            callback(wsock::make_error_code(wsock::error::tls_failed_sni_hostname));
            return;
        }
        callback(websocketpp::lib::error_code());
    }

    void post_init(wsock::init_handler callback) {
        ec_ = wsock::make_error_code(wsock::error::tls_handshake_timeout);
        socket_->async_handshake(is_server_ ? TlsStream::server : TlsStream::client,
                                 [self = get_shared(), callback = std::move(callback)](const asio::error_code& ec) {
                                     self->ec_ = ec ? wsock::make_error_code(wsock::error::tls_handshake_failed)
                                                    : websocketpp::lib::error_code();
                                     callback(self->ec_);
                                 });
    }

    void set_handle(websocketpp::connection_hdl hdl) { hdl_ = std::move(hdl); }
    websocketpp::lib::error_code get_ec() const { return ec_; }

    asio::error_code cancel_socket() {
        asio::error_code ec;
        get_raw_socket().cancel(ec);
        return ec;
    }

    void async_shutdown(wsock::shutdown_handler callback) { socket_->async_shutdown(std::move(callback)); }

private:
    std::unique_ptr<TlsStream> socket_;
    websocketpp::uri_ptr uri_;
    bool is_server_ = false;
    websocketpp::lib::error_code ec_;
    websocketpp::connection_hdl hdl_;
    SocketInitHandler socket_init_;
    TlsInitHandler tls_init_;
};

class endpoint {
public:
    typedef endpoint type;
    typedef connection socket_con_type;
    typedef socket_con_type::ptr socket_con_ptr;

    bool is_secure() const { return true; }
    void set_socket_init_handler(SocketInitHandler h) { socket_init_ = std::move(h); }
    void set_tls_init_handler(TlsInitHandler h) { tls_init_ = std::move(h); }

protected:
    websocketpp::lib::error_code init(socket_con_ptr scon) {
        scon->set_socket_init_handler(socket_init_);
        scon->set_tls_init_handler(tls_init_);
        return websocketpp::lib::error_code();
    }

private:
    SocketInitHandler socket_init_;
    TlsInitHandler tls_init_;
};

} // namespace ocpp::net::detail::tls_socket
