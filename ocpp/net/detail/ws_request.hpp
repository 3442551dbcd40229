#pragma once
// The HTTP request parser of our websocketpp configs, with a body limit per path and time earned by a large upload
// as it arrives (internal: reached only through ws_common.hpp).
#include <websocketpp/http/request.hpp>

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ocpp/net/http.hpp"

namespace ocpp::net::detail {

// websocketpp's request parser, with a body limit per request: once the request line and headers are in, a
// Content-Length above what `limit` allows for the path is refused with 413 before the body is read (at most one read
// buffer of it has arrived). Without a limit it is websocketpp's parser unchanged (clients, servers without one).
// A large accepted body earns time by what arrives of it: the connection's timers, websocketpp's open-handshake timer
// among them, wait until open_handshake_timeout plus the body bytes received so far at kMinUploadRate bytes per
// second (for a body above kPacedBody bytes), so a slow link that keeps sending finishes, and a peer that claims a
// large Content-Length and then dribbles or stalls is cut as before; upgrades and smaller requests keep
// open_handshake_timeout alone.
struct UploadPace {
    static constexpr std::size_t kPacedBody = 256 * 1024;
    static constexpr std::size_t kMinUploadRate = 64 * 1024;
    std::chrono::steady_clock::time_point* hold_timers_until = nullptr; // the connection's (DirectConnection)
    std::chrono::milliseconds base{0};
    std::size_t bytes_per_second = 0;
};

class LimitedRequest : public websocketpp::http::parser::request {
public:
    void set_body_limit(const HttpBodyLimit* limit, UploadPace pace = {}) {
        limit_ = limit;
        pace_ = pace;
    }
    // Shadows the base's consume (websocketpp calls it through the config's request_type, not virtually).
    std::size_t consume(char const* buf, std::size_t len) {
        const bool headers_pending = !ready() && m_body_bytes_needed == 0;
        const std::size_t used = request::consume(buf, len);
        if (paced_ && ready()) {
            paced_ = false; // the body is in: later timers (the answer's, the TLS shutdown's) keep their own times
            *pace_.hold_timers_until = std::chrono::steady_clock::time_point{};
        } else if (paced_) {
            earn_time();
        }
        const bool limited = limit_ != nullptr && *limit_;
        if ((!limited && pace_.hold_timers_until == nullptr) || !headers_pending || judged_ ||
            (!ready() && m_body_bytes_needed == 0)) {
            return used;
        }
        judged_ = true; // the headers are complete: judge once
        const std::string& length = get_header("Content-Length");
        if (length.empty()) {
            return used;
        }
        const unsigned long long bytes = std::strtoull(length.c_str(), nullptr, 10);
        if (limited) {
            const std::string& uri = get_uri();
            const std::size_t max =
                (*limit_)(get_method(), std::string_view(uri).substr(0, uri.find('?')), get_header("Authorization"));
            if (bytes > max) {
                throw websocketpp::http::exception("the request body exceeds " + std::to_string(max) + " bytes",
                                                   websocketpp::http::status_code::request_entity_too_large);
            }
        }
        if (pace_.hold_timers_until != nullptr && pace_.bytes_per_second > 0 && bytes > UploadPace::kPacedBody &&
            !ready()) {
            // Accepted (websocketpp refused a body above max_http_body already): time by what arrives of it.
            paced_ = true;
            paced_from_ = std::chrono::steady_clock::now();
            declared_ = bytes;
            earn_time();
        }
        return used;
    }

private:
    const HttpBodyLimit* limit_ = nullptr;
    UploadPace pace_;
    bool judged_ = false;
    bool paced_ = false; // the connection's timers are held for this request's body
    std::chrono::steady_clock::time_point paced_from_{};
    unsigned long long declared_ = 0; // the paced body's Content-Length

    // The hold: the handshake timeout from the headers' arrival, plus the body received so far at the minimum rate.
    void earn_time() {
        const unsigned long long received = declared_ > m_body_bytes_needed ? declared_ - m_body_bytes_needed : 0;
        *pace_.hold_timers_until =
            paced_from_ + pace_.base + std::chrono::milliseconds(received * 1000 / pace_.bytes_per_second);
    }
};

} // namespace ocpp::net::detail
