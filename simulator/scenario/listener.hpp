#pragma once
// The central-system role's socket: chargers connect to the runner, each to the run of its Chargebox ID. An ID that
// no run of the scenario plays is refused (404); a run that expects a password refuses a wrong one (401). Without a
// password, a second connection for a charger that is connected is refused (409) instead of replacing it.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ocpp/log/log.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/util/result.hpp"
#include "ocpp/validation/registry.hpp"
#include "simulator/scenario/scenario.hpp"

namespace scen {

class ChargerRun;

// Why `tls` does not fit the listen URL (a wss:// URL without a certificate, TLS files for ws://), or nullopt.
std::optional<std::string> listen_tls_problem(const ListenUrl& at, const ListenTls& tls);

class Listener {
public:
    // The run for a Chargebox ID, or nullptr.
    using Lookup = std::function<std::shared_ptr<ChargerRun>(const std::string& id)>;
    Listener(ocpp::net::EventLoop& loop, const ocpp::validation::Registry& schemas, const ocpp::Logger& log,
             const ocpp::Logger& peer_log, Lookup lookup);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    // Binds to `at` (over TLS with `tls` for wss://); returns the URL chargers connect to (the bound port instead
    // of 0). Errors name what is missing or cannot be read.
    ocpp::Result<std::string> listen(const ListenUrl& at, const ListenTls& tls = {});
    // Stops accepting and closes every connection, freeing the port for the next scenario.
    void shutdown();

private:
    ocpp::net::HandshakeDecision decide(const ocpp::net::HandshakeInfo& info) const;
    // Whether the run's charger is connected now; logs the refusal of a second connection `from` when it is.
    bool live(ChargerRun& run, const std::string& id, const std::string& from) const;

    ocpp::net::EventLoop& loop_;
    const ocpp::validation::Registry& schemas_;
    const ocpp::Logger& log_;
    const ocpp::Logger& peer_log_;
    Lookup lookup_;
    std::string path_;
    std::unique_ptr<ocpp::net::Server> server_;
};

} // namespace scen
