#pragma once
// A small blocking HTTP client for REST APIs (the central system's, the tester's), over libcurl: JSON bodies, a
// bearer token, timeouts, and errors as values that name the method, the URL, the status and the server's message.
// One client per thread (it keeps its connection open between requests); never call it from an event loop handler.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "ocpp/util/result.hpp"

namespace sim {

struct HttpClientConfig {
    std::string base_url;                             // "http://127.0.0.1:8180" (see parse_base_url); paths go after
    std::string bearer_token;                         // sent as "Authorization: Bearer ..." when not empty
    std::chrono::milliseconds timeout{10000};         // the whole request, connection included
    std::chrono::milliseconds connect_timeout{5000};  // the TCP (and TLS) connection
    std::size_t max_response_bytes = 8 * 1024 * 1024; // a longer answer is an error, not a memory hog
    std::string ca_file;                              // https://: CA bundle to verify the server with; empty = system
};

// An HTTP answer, whatever its status.
struct HttpResponse {
    int status = 0;
    std::string body;
    std::string content_type;
    std::chrono::microseconds elapsed{0}; // from the start of the request to the last byte of the answer
    bool ok() const { return status >= 200 && status < 300; }
    // What the server said was wrong: its {"error": ..., "field": ...} as "field: error", else the start of the body.
    std::string server_message() const;
};

// Checks a base URL given by a user ("http://HOST:PORT" or "https://...", optionally with a path prefix, no query or
// fragment) and returns it without a trailing slash; the error says what is wrong with it.
ocpp::Result<std::string> parse_base_url(const std::string& text);

// "409 Conflict"; the bare number for statuses without a known reason phrase.
std::string status_text(int status);

class HttpClient {
public:
    explicit HttpClient(HttpClientConfig config);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // One request; `body`, when not empty, goes out as application/json. The error (no HTTP answer: refused,
    // timed out, reset, TLS, answer too long) reads "POST http://.../api/v1/chargers: <cause>".
    ocpp::Result<HttpResponse> request(const std::string& method, const std::string& path, const std::string& body = "",
                                       const std::vector<std::string>& headers = {});
    // A request whose answer must be 2xx with a JSON body (an empty body gives a null document). Any other answer is
    // an error: "POST http://.../api/v1/chargers: 409 Conflict: chargeBoxId: a charger with this ID exists".
    ocpp::Result<rapidjson::Document> json(const std::string& method, const std::string& path,
                                           const std::string& body = "");
    // base_url + path.
    std::string url(const std::string& path) const;
    const HttpClientConfig& config() const { return config_; }

private:
    struct Handle; // the curl easy handle, reused for keep-alive
    HttpClientConfig config_;
    std::unique_ptr<Handle> handle_;
};

} // namespace sim
