#pragma once
// Checks 1–3 (TCP, TLS, WebSocket upgrade, HTTP Basic auth), evaluated on what the server saw of one connection
// attempt: accepted, refused by us, or refused or lost before the handshake hook ran.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocpp/net/server.hpp"
#include "tester/checks/checks.hpp"

namespace tester {

Outcome check_tcp(const ocpp::net::HandshakeInfo& info, int attempt);
Outcome check_tls(const ocpp::net::HandshakeInfo& info, const TestConfig& config);
Outcome check_path(const ocpp::net::HandshakeInfo& info, const TestConfig& config);
Outcome check_subprotocol(const ocpp::net::HandshakeInfo& info);

// The HTTP Basic verdict, and whether the upgrade may go on.
struct AuthDecision {
    Outcome outcome;
    bool accept = false;
    std::optional<std::string> password; // the password to keep (matched or captured); never log it
};
AuthDecision check_auth(const ocpp::net::HandshakeInfo& info, const TestConfig& config);

// Why a password is weak in words ("8 characters, fewer than 16"), or "" when it is fine.
std::string password_weakness(std::string_view password);
// 0 plain, 1 Basic over ws, 2 TLS + Basic, 3 TLS + client certificate.
int security_profile(const ocpp::net::HandshakeInfo& info);

// The verdicts of one attempt the server refused or lost before our hook ran (TLS failure, no subprotocol, an
// upgrade that never came, a limit), for the checks it tells something about.
std::vector<std::pair<CheckId, Outcome>> diagnose_rejection(const ocpp::net::RejectedHandshake& rejected,
                                                            const TestConfig& config, int attempt);

// The URL to configure without the Chargebox ID ("ws://10.0.0.5:8180/ocpp"), from the full test URL.
std::string base_url(const TestConfig& config);

} // namespace tester
