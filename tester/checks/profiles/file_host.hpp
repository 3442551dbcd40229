#pragma once
// The files one test serves to its charger and the uploads it takes from it, on the tester's own listening port:
// each under a path with an unguessable token, only while the group that made it waits for it. Everything lives in
// memory on the run's loop; an upload is bounded (kMaxUploadBytes), taken once, only from the charger's address, and
// only its size is kept.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "ocpp/net/http.hpp"

namespace tester::profiles {

// The largest diagnostics file the tester takes (real ones run to megabytes); one per test, so a test holds at most
// this much. An upload's body may be kUploadSlack larger (a multipart form's headers); the listening port takes
// kMaxHttpBody, so that a body a little too large still reaches its test, which refuses it and says why.
inline constexpr std::size_t kMaxUploadBytes = 16 * 1024 * 1024;
inline constexpr std::size_t kUploadSlack = 64 * 1024;
inline constexpr std::size_t kMaxHttpBody = kMaxUploadBytes + 2 * kUploadSlack;

// "10.0.0.7:51234" -> "10.0.0.7", "[::1]:51234" -> "::1", "::ffff:10.0.0.7" -> "10.0.0.7": the sender, not its port.
std::string address_only(std::string_view remote);

class FileHost {
public:
    // What the charger fetched or uploaded.
    struct Transfer {
        std::string method; // "GET", "PUT", "POST"
        std::size_t bytes = 0;
        std::string remote_address;
        // The answer: 200/201 taken; 403 not from the expected sender, 409 one was taken already, 413 too large (none
        // of these is kept).
        int status = 200;
    };
    using Observer = std::function<void(const Transfer&)>;

    // Serves `content` at the returned path ("/files/<token>/<name>") until withdrawn; `fetched` sees each GET.
    std::string offer(const std::string& name, std::string content, Observer fetched);
    // Takes one PUT or POST of at most `max_bytes` at the returned path ("/files/<token>/") or below it until
    // withdrawn, from `sender` (an address without port; empty: unknown, so every upload is refused with 403). Larger
    // bodies are refused with 413, other senders with 403, uploads after the first with 409. `received` sees each,
    // taken or refused.
    std::string accept_uploads(std::size_t max_bytes, std::string sender, Observer received);
    // Removes a path made by offer or accept_uploads: later requests get 404.
    void withdraw(const std::string& path);
    // Answers a request when it is for one of this host's paths and returns true; false otherwise.
    bool handle(const ocpp::net::HttpRequest& req, const ocpp::net::HttpResponder& respond);
    // The body a request to `path` may carry, decided before it is read: kMaxHttpBody for a PUT or POST to an upload
    // path that still takes one, 0 for anything else of this host's or not its own (the port's small limit then).
    std::size_t body_limit(std::string_view method, std::string_view path) const;
    // True when `path` belongs to this host (for a service that routes requests to many tests).
    bool owns(const std::string& path) const;

private:
    struct Entry {
        bool upload = false;
        std::string content;
        std::size_t max_bytes = 0;
        Observer observer;
        std::string sender; // uploads only from this address; empty (unknown): from nobody
        bool taken = false; // an upload was taken: later ones are refused
    };
    // "/files/<token>/", the key of every entry.
    static std::string prefix_of(const std::string& path);
    // The answer to an upload to `e`, and what its observer sees in `t`.
    static ocpp::net::HttpResponse take_upload(Entry& e, const ocpp::net::HttpRequest& req, Transfer& t);

    std::map<std::string, Entry> entries_;
};

// The http:// (or https://) base the charger reaches the tester at, from its ws:// (wss://) URL.
std::string http_base(const std::string& ws_url);

} // namespace tester::profiles
