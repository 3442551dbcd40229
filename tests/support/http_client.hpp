#pragma once
// A tiny blocking HTTP/1.1 client for the tests against the real binaries on 127.0.0.1, and free ports to start
// them on.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ocppkit::test {

struct HttpReply {
    int status = 0;                             // 0: no answer (see error)
    std::map<std::string, std::string> headers; // names lower-cased
    std::string body;
    std::string error;
    // A header's value by its lower-case name; "" when absent.
    std::string header(const std::string& lower_name) const;
};

// ASCII lower case.
std::string lower(std::string s);

// One request on a fresh connection ("Connection: close"), every wait bounded by `timeout`. A JSON Content-Type is
// added to a body unless extra_headers name one.
HttpReply http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body = "",
               const std::vector<std::string>& extra_headers = {},
               std::chrono::milliseconds timeout = std::chrono::seconds(5));

// As http(), from the loopback address `source` ("127.0.0.2"): a second sender on this machine.
HttpReply http_from(const std::string& source, std::uint16_t port, const std::string& method, const std::string& target,
                    const std::string& body = "", const std::vector<std::string>& extra_headers = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Whether something accepts TCP connections on 127.0.0.1:port.
bool accepts_tcp(std::uint16_t port);

// A port nobody listens on right now, taken below the kernel's ephemeral range (32768 and up): a port from that range
// can meanwhile become the source port of another test's client connection (the storm tests open thousands), and
// the binary started on it would find it in use.
std::uint16_t free_port();

} // namespace ocppkit::test
