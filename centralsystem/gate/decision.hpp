#pragma once
// The handshake gate's decision as a pure function: what is known (the cached credentials, the memo tag of the
// presented password, the back-off state, a check running for the ID, the settings) in, a decision value out: how to
// answer and which effects the gate carries out (gate.hpp). No clock, no store, no log: tests call it directly.
#include <cstddef>
#include <optional>
#include <string>

#include "centralsystem/gate/credentials.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/util/clock.hpp"

namespace cs {

// How the gate answers an upgrade.
enum class HandshakeAnswerKind {
    Accept,
    InvalidId,     // 400: the Chargebox ID breaks the ID rule
    Unauthorized,  // 401: unknown ID, wrong or missing password
    Throttled,     // 429 with Retry-After: backing off, or a check of this ID is running
    Busy,          // 503 with Retry-After: the hashing queue is full
    CheckPassword, // not decided yet: PBKDF2 of the presented password on the hasher pool
};

// The password check running for the ID: whether it checks the same password, and how many upgrades wait for it.
struct RunningCheck {
    bool same_password = false;
    std::size_t waiting = 0;
};

struct GateInput {
    const ocpp::net::HandshakeInfo* info = nullptr;
    const KnownCredentials* known = nullptr; // nullptr: not in the cache
    std::string tag;                         // memo tag of the presented password (of "" when none was)
    std::optional<ocpp::Clock::Duration> id_blocked, address_blocked; // back-off still to wait
    std::string source;                                               // the address the back-off counts under
    std::optional<RunningCheck> running;
    bool auto_register = false;
    bool shared_database = false; // the cache is reloaded: an unknown ID may exist on another node
};

struct GateDecision {
    HandshakeAnswerKind answer = HandshakeAnswerKind::Accept;
    std::string reason; // the refusal's metrics label ("wrong_password", ...)
    std::string why;    // the words sent to the client
    std::string detail; // what the log says instead of the ID (InvalidId)
    ocpp::Clock::Duration wait{};
    // Effects, carried out by the gate in this order.
    bool look_up = false;          // ask the store for the unknown ID (shared database)
    bool register_charger = false; // auto-register as planned
    bool capture_password = false; // hash the presented password and store it (accept-any-password off)
    bool notify_captured = false;  // tell the operator the password was captured
    bool remember_refused = false; // the presented password is known wrong from now on
    bool downgrade = false;        // a refusal for coming below the recorded security profile: log and notify it
};

// The security profile a connection proves by how it came: 3 over TLS with a verified client certificate, 2 over TLS
// (here, or ended at one of --tls-proxy: HandshakeInfo::tls_at_proxy), 1 plain with a password, 0 plain without.
int proven_profile(const ocpp::net::HandshakeInfo& info);

// Upgrades that may wait for one running check of the same password (a charger retrying); more are throttled.
constexpr std::size_t kMaxWaitingPerCheck = 8;

GateDecision decide_handshake(const GateInput& in);

// A whole number of seconds, at least 1 (Retry-After, log lines).
int whole_seconds(ocpp::Clock::Duration d);

} // namespace cs
