#pragma once
// Plain HTTP requests arriving on the WebSocket port (REST API, web pages, metrics).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocpp::net {

struct HttpRequest {
    std::string method; // "GET"
    std::string path;   // percent-encoded path without the query: "/api/v1/chargers"
    std::string query;  // "provider=acme" (without '?')
    std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
    std::string body;
    std::string remote_address; // "127.0.0.1:53412"; behind a trusted proxy the client's address (no port)
    std::string peer_address;   // the TCP peer, the proxy's when remote_address came from its X-Forwarded-For
    bool secure = false;        // arrived over TLS: addresses this server hands out for the request's Host are https://
    bool from_trusted_proxy = false; // the TCP peer is in ServerConfig::trusted_proxies (its X-Forwarded-* count)
    // The first header with this (lower-case) name, or empty.
    std::string_view header(std::string_view name) const;
};

// A body sent piece by piece, for large downloads: its size goes out first (Content-Length), then the pieces as the
// client takes them, so the answer never sits in memory as one string. `read` appends exactly `max` bytes from
// `offset` (the server never asks past `size`) and returns false when it cannot; the connection then closes short of
// Content-Length, which clients report as an incomplete transfer. Check what can fail before answering: a stream
// that cannot be read should be an error status instead.
struct HttpBodyStream {
    std::uint64_t size = 0;
    std::function<bool(std::uint64_t offset, std::size_t max, std::string& out)> read;
};

struct HttpResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::shared_ptr<HttpBodyStream> stream = nullptr; // when set, sent instead of `body`
};

// Called on the server's loop. respond may be called later (from that loop) to answer asynchronously, exactly once.
using HttpResponder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(const HttpRequest&, HttpResponder respond)>;
// The largest body a plain HTTP request to `path` (without the query) may carry, decided from its request line
// before any of the body is read; a larger Content-Length is answered 413 at once, so a port that takes large bodies
// on a few paths does not hold them for any other.
// `authorization` is the request's Authorization header (empty without one): a large body can be granted to an
// authorized client only.
using HttpBodyLimit =
    std::function<std::size_t(std::string_view method, std::string_view path, std::string_view authorization)>;

} // namespace ocpp::net
