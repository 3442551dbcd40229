#pragma once
// CentralConfig: the central system's settings for the chargers' side (handshake, OCPP handlers, limits).
#include <chrono>
#include <string>
#include <vector>

#include "ocpp/peer/peer.hpp"
#include "ocpp/util/clock.hpp"
#include "ocpp/util/failure_backoff.hpp"
#include "ocpp/validation/registry.hpp"

namespace cs {

// The back-off after failed password checks: from the threshold-th failure on, 1 s doubling up to 5 minutes.
inline ocpp::BackoffConfig password_backoff(int threshold) {
    ocpp::BackoffConfig b;
    b.threshold = threshold;
    return b;
}

struct CentralConfig {
    int heartbeat_interval = 300; // seconds, sent in BootNotification
    bool auto_register = false;   // unknown chargers are registered as planned instead of refused
    ocpp::validation::Mode mode = ocpp::validation::Mode::Strict;
    ocpp::Clock::Duration call_timeout = std::chrono::seconds(30);
    ocpp::MessageRateLimit message_rate; // per charger connection
    // How often the credential cache is reloaded from the database; 0: never (the cache is the only writer's).
    // Set when several nodes share one PostgreSQL database: each then sees the chargers, passwords and switches
    // the others change, and an unknown Chargebox ID is also looked up (refused now, accepted at its next try).
    ocpp::Clock::Duration credentials_refresh{0};
    // Meter samples stored per transaction per minute (MeterValues and a stop's transactionData); 0: no limit.
    int max_samples_per_minute = 600;
    // Back-off after failed password checks at the handshake (gate/): per Chargebox ID, and per source address (a
    // higher threshold there: many chargers may share one address behind NAT).
    ocpp::BackoffConfig id_backoff = password_backoff(3);
    ocpp::BackoffConfig address_backoff = password_backoff(10);
    // Password hashing at the handshake: threads (0: one per core) and queued jobs; a full queue answers 503.
    unsigned hasher_threads = 0;
    std::size_t hasher_queue = 20000;
    // The vendor ids the built-in DataTransfer vendor answers for (operations/vendors.hpp).
    std::vector<std::string> data_transfer_vendors{"org.ocppkit"};
    // The largest firmware file an operator may upload (POST /api/v1/firmware), in bytes.
    std::size_t max_firmware_bytes = 8 * 1024 * 1024;
};

} // namespace cs
