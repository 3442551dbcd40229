#pragma once
// A throwaway PostgreSQL server for the tests and the store benchmark: its own data directory under /dev/shm (or /tmp),
// a free port on 127.0.0.1, run as an unprivileged user when the tests run as root (PostgreSQL refuses root), stopped
// by its PID when the object goes. The first server initialises a template data directory (initdb takes seconds); later
// ones copy it.
#include <sys/types.h>

#include <string>
#include <string_view>

#include "ocpp/util/result.hpp"

namespace testsupport {

class PostgresServer {
public:
    PostgresServer() = default;
    ~PostgresServer(); // stops the server and removes its directory
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // Whether a server can be started here (initdb and postgres found; OCPPKIT_PG_BIN names another bin directory):
    // tests that need one skip themselves without it.
    static bool installed();
    // Starts the server. Fails with a message saying what to install when PostgreSQL is missing.
    ocpp::Result<void> start();
    // Stops the server (fast shutdown, then SIGKILL after 10 s); the data directory stays until destruction.
    void stop();
    // Creates an empty database and returns its postgresql:// URL.
    ocpp::Result<std::string> create_database(std::string_view name);
    std::string url(std::string_view database) const;
    int port() const { return port_; }
    pid_t pid() const { return pid_; }

private:
    std::string dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

} // namespace testsupport
