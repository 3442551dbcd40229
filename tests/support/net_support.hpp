#pragma once
// Helpers for the tests of ocpp/net and its users: log capture, a throwaway PKI, a synchronous connect.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/net/client.hpp"
#include "tests/support/loop_thread.hpp"

namespace ocppkit::test {

// Collects log lines (thread-safe); `logger` writes into it.
class LogCapture {
public:
    LogCapture();
    const ocpp::Logger& logger() const { return logger_; }
    bool contains(const std::string& needle) const;
    std::string all() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
    ocpp::Logger logger_;
};

// Throwaway certificates, generated once per test run with the openssl command line into a temp directory that is
// removed at exit. The server certificates carry SAN IP:127.0.0.1 and DNS:localhost.
struct TestPki {
    std::string dir;
    std::string ca_cert;
    std::string server_rsa_cert, server_rsa_key;
    std::string server_ec_cert, server_ec_key;
    std::string server_wrong_name_cert, server_wrong_name_key; // SAN DNS:example.invalid only
    std::string client_cert, client_key;                       // CN=CB-0001, signed by ca_cert
    std::string other_ca_cert;
    std::string other_client_cert, other_client_key; // signed by other_ca_cert
    // The PKI, or nullptr with the reason in `error` when the openssl tool failed.
    static const TestPki* get(std::string* error = nullptr);
};

// Result of a synchronous connect through a Client on a LoopThread.
struct Connected {
    ocpp::net::SessionPtr session;
    std::optional<ocpp::net::ConnectError> error;
};
// Connects through client on the loop thread and waits (10 s at most) for the outcome.
Connected connect_sync(LoopThread& lt, ocpp::net::Client& client, const ocpp::net::ConnectOptions& options);

} // namespace ocppkit::test
