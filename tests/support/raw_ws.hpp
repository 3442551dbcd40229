#pragma once
// Raw sockets to 127.0.0.1 for the hostile-input tests: hand-made HTTP and WebSocket upgrades, frames written byte by
// byte, a client that never reads. Every wait is bounded.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocppkit::test {

// A blocking TCP connection (TCP_NODELAY) to host:port, bound to `source` when one is given; -1 when it fails.
int connect_raw(std::uint16_t port, const char* host = "127.0.0.1", const std::string& source = "");
// Writes all of data; false when the socket would not take it.
bool send_all(int fd, std::string_view data);
// What arrives within `timeout`, until `until` appears (empty: until the peer closes).
std::string receive(int fd, const std::string& until, std::chrono::milliseconds timeout = std::chrono::seconds(3));
void close_fd(int fd);

// Sends a raw HTTP request and returns the whole response (the server closes after answering).
std::string http_exchange(std::uint16_t port, const std::string& request);
// A WebSocket upgrade request for path; protocols goes into Sec-WebSocket-Protocol unless empty, extra (whole header
// lines) after it.
std::string upgrade_request(const std::string& path, const std::string& protocols = "ocpp1.6",
                            const std::string& extra = "");
// The HTTP status of an answer ("HTTP/1.1 101 ..." -> 101), 0 when there is none.
int status_of(const std::string& answer);
// "Basic <base64(user:password)>".
std::string basic_auth(const std::string& user, const std::string& password);

// A masked frame (client to server) of `opcode` with `payload`, any length.
std::string client_frame(unsigned char opcode, std::string_view payload);
// The frames of an unmasked stream (server to client) as (opcode, payload), as far as they are complete.
std::vector<std::pair<int, std::string>> server_frames(const std::string& bytes);
// The close code in a close frame's payload, 0 when it has none.
int close_code(const std::string& payload);

struct UpgradeReply {
    int status = 0;          // 101 when upgraded; 0 when there was no HTTP answer
    std::string body;        // the refusal's body (its reason)
    std::string raw;         // everything read
    std::string retry_after; // the Retry-After header of a throttled refusal
    double seconds = 0;      // from connect to the answer's headers
};

struct UpgradeOptions {
    std::string authorization;        // the Authorization header's value, if any
    std::string source = "127.0.0.1"; // the 127.x address to connect from
    bool read_answer = true;          // false: send the request and close without reading, as a flood does
    std::chrono::milliseconds timeout = std::chrono::seconds(30);
    std::string headers = std::string(); // more header lines, each ending in "\r\n" ("X-Forwarded-For: ...\r\n")
};

// One WebSocket upgrade request (subprotocol ocpp1.6) with `target` sent byte for byte, and its answer.
UpgradeReply ws_upgrade(std::uint16_t port, const std::string& target, const UpgradeOptions& options = {});
// ws_upgrade() of /ocpp/<id> with HTTP Basic credentials, as a password guesser sends it.
UpgradeReply basic_upgrade(std::uint16_t port, const std::string& id, const std::string& password,
                           const std::string& source = "127.0.0.1", bool answer = true,
                           std::chrono::milliseconds timeout = std::chrono::seconds(20));

// A hostile WebSocket client on a plain socket: upgrades with any target and Basic credentials, sends text frames
// exactly as given (as fast as the test likes) and reads only when asked, so a test can play a charger that never
// reads.
class RawWs {
public:
    RawWs() = default;
    ~RawWs() { close(); }
    RawWs(const RawWs&) = delete;
    RawWs& operator=(const RawWs&) = delete;

    // Sends the upgrade request for `target` (e.g. "/ocpp/CB-A%0Afake") and returns the HTTP status of the answer
    // (101 when upgraded), or 0 when nothing came within the timeout.
    int upgrade(std::uint16_t port, const std::string& target, const std::string& user = "",
                const std::string& password = "", std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // One masked text frame; false when the socket would not take it within the send timeout.
    bool send_text(std::string_view payload);
    // Reads whatever arrives within the timeout (raw bytes, frames not decoded); empty when the peer closed.
    std::string read_some(std::chrono::milliseconds timeout);
    // Reads until the peer closes the connection or the timeout passes; true when it closed.
    bool wait_closed(std::chrono::milliseconds timeout, std::string* received = nullptr);
    // The socket's send and receive timeouts.
    void set_timeout(std::chrono::milliseconds timeout);
    void close();
    bool is_open() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

} // namespace ocppkit::test
