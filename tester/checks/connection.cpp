#include "tester/checks/connection.hpp"

#include <algorithm>
#include <cctype>

#include "ocpp/text/chargebox_id.hpp"

namespace tester {

using ocpp::net::HandshakeInfo;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool offers(const HandshakeInfo& info, std::string_view protocol) {
    return std::find(info.offered_subprotocols.begin(), info.offered_subprotocols.end(), protocol) !=
           info.offered_subprotocols.end();
}

std::string remote(const HandshakeInfo& info) {
    return info.remote_address.empty() ? std::string("an unknown address") : info.remote_address;
}

// The path's segments, not decoded (for the "ID appears twice" diagnosis).
std::vector<std::string> segments(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto end = slash == std::string_view::npos ? path.size() : slash;
        if (end > start) {
            out.emplace_back(path.substr(start, end - start));
        }
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return out;
}

std::string tls_hint(const TestConfig& config) {
    std::string hint = "The charger could not complete the TLS handshake. Check that the charger trusts the CA that "
                       "signed the tester's certificate (install it as the central system's root certificate), that "
                       "the host name in the URL matches the certificate, that the charger supports TLS 1.2 or newer, "
                       "and that its clock is right (certificates have a validity period).";
    if (config.client_certificates) {
        hint += " Security profile 3: the charger must also present a client certificate signed by the CA given "
                "with --tls-client-ca.";
    }
    return hint;
}

// An ID as the operator types it after a flag: as it is when it is plain printable text, else quoted and escaped.
std::string as_argument(const std::string& id) {
    const bool plain = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return c > ' ' && c < 0x7f && c != '"' && c != '\\' && c != '\'';
    });
    return plain ? id : quote(id);
}

} // namespace

std::string base_url(const TestConfig& config) {
    const auto cut = config.url.rfind('/');
    return cut == std::string::npos ? config.url : config.url.substr(0, cut);
}

Outcome check_tcp(const HandshakeInfo& info, int attempt) {
    std::string seen = "from " + remote(info);
    if (attempt > 1) {
        seen += " (attempt " + std::to_string(attempt) + ")";
    }
    return Outcome::pass(seen);
}

Outcome check_tls(const HandshakeInfo& info, const TestConfig& config) {
    if (!info.tls) {
        return Outcome::fail("the connection is not encrypted", tls_hint(config));
    }
    std::string seen = (info.tls_version.empty() ? std::string("TLS") : info.tls_version) + ", cipher " +
                       (info.tls_cipher.empty() ? std::string("unknown") : info.tls_cipher);
    seen += info.sni.empty() ? ", no SNI" : ", SNI " + quote(info.sni);
    if (!info.client_cert_subject.empty()) {
        seen += ", client certificate " + quote(info.client_cert_subject, 120);
    }
    if (info.tls_version == "TLSv1" || info.tls_version == "TLSv1.1" || info.tls_version.rfind("SSL", 0) == 0) {
        return Outcome::fail(seen, "OCPP 1.6 security profiles 2 and 3 require TLS 1.2 or newer. Update the "
                                   "charger's firmware or enable TLS 1.2 in its settings.");
    }
    if (config.client_certificates && info.client_cert_subject.empty()) {
        return Outcome::fail(seen, "Security profile 3 needs a client certificate: install one signed by the CA "
                                   "given with --tls-client-ca on the charger.");
    }
    return Outcome::pass(seen);
}

Outcome check_path(const HandshakeInfo& info, const TestConfig& config) {
    const std::string& expected = config.chargebox_id;
    const std::string path = info.path.empty() ? std::string("/") : info.path;
    const std::string asked = "the charger asked for " + quote(path, 120);
    const std::string configure = "Configure the central system URL as " + base_url(config) +
                                  " and the Chargebox ID as " + expected +
                                  " (most chargers append the ID to the URL themselves; if yours does not, enter the "
                                  "whole URL " +
                                  config.url + ").";
    const auto segs = segments(path);
    if (segs.empty()) {
        return Outcome::fail(asked + ", which has no Chargebox ID", configure);
    }
    if (info.chargebox_id.empty()) {
        return Outcome::fail(asked + ": its last segment is not valid percent-encoding",
                             "The URL path is malformed. " + configure);
    }
    const std::string& got = info.chargebox_id;
    if (got == expected) {
        const auto times = std::count_if(segs.begin(), segs.end(), [&](const std::string& s) {
            return ocpp::net::percent_decode(s).value_or(s) == expected;
        });
        if (times > 1) {
            return Outcome::warn(asked + ": the Chargebox ID appears " + std::to_string(times) + " times",
                                 "The charger appends its ID to the URL itself, and the ID was also typed into the "
                                 "URL. The tester accepts it, a central system may not. " +
                                     configure);
        }
        return Outcome::pass("path " + quote(path, 120));
    }
    const std::string seen = asked + " (Chargebox ID " + quote(got) + "); the tester waits for " + quote(expected);
    if (auto problem = ocpp::check_chargebox_id(got)) {
        return Outcome::fail(asked + ": the Chargebox ID in it is not valid: " + problem->message,
                             "Set the charger's Chargebox ID to " + expected + " (1 to 48 characters of " +
                                 std::string(ocpp::chargebox_id_alphabet()) + "). " + configure);
    }
    if (lower(got) == lower(expected)) {
        return Outcome::fail(seen,
                             "Chargebox IDs are case-sensitive. Set the charger's ID to exactly " + expected + ".");
    }
    if (lower(got) == "ocpp" || lower(got) == "websocket" || lower(got) == "centralsystemservice") {
        return Outcome::fail(seen, "The charger did not append its Chargebox ID to the URL. " + configure);
    }
    return Outcome::fail(seen, "Set the charger's Chargebox ID (also called OCPP ID, identity or charge point ID) to " +
                                   expected + ", or restart the tester with --chargebox-id " + as_argument(got) +
                                   " if that is the right ID.");
}

Outcome check_subprotocol(const HandshakeInfo& info) {
    const auto& offered = info.offered_subprotocols;
    const std::string seen = offered.empty() ? std::string("no subprotocol offered (no Sec-WebSocket-Protocol header)")
                                             : "offered: " + join_list(offered);
    if (offers(info, "ocpp1.6")) {
        return Outcome::pass(seen);
    }
    if (offered.empty()) {
        return Outcome::fail(seen, "The charger must offer the WebSocket subprotocol ocpp1.6. Set its protocol to "
                                   "OCPP 1.6-J (JSON over WebSocket); a charger set to OCPP-S (SOAP) cannot connect "
                                   "to a JSON central system.");
    }
    for (const auto& p : offered) {
        if (lower(p) == "ocpp1.6" || lower(p) == "ocpp1.6j" || lower(p) == "ocpp1.6-j") {
            return Outcome::fail(seen, "Subprotocol names are exact: the charger must offer \"ocpp1.6\", not " +
                                           quote(p) + ". Check the OCPP version setting or update the firmware.");
        }
    }
    std::vector<std::string> versions;
    for (const auto& p : offered) {
        const auto l = lower(p);
        if (l.rfind("ocpp2", 0) == 0 || l.rfind("ocpp1.5", 0) == 0 || l.rfind("ocpp1.2", 0) == 0) {
            versions.push_back(p);
        }
    }
    if (!versions.empty()) {
        return Outcome::fail(seen, "The charger is set to another OCPP version (" + join_list(versions) +
                                       "). Switch it to OCPP 1.6-J (JSON); the tester speaks OCPP 1.6 only.");
    }
    return Outcome::fail(seen, "The charger offered no OCPP 1.6 subprotocol. Set its protocol to OCPP 1.6-J so that "
                               "it offers \"ocpp1.6\".");
}

std::string password_weakness(std::string_view password) {
    if (password.size() < 16) {
        return std::to_string(password.size()) + " characters, fewer than 16";
    }
    if (std::all_of(password.begin(), password.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
        return "digits only";
    }
    return {};
}

int security_profile(const HandshakeInfo& info) {
    if (info.tls) {
        return info.client_cert_subject.empty() ? 2 : 3;
    }
    return info.basic_user ? 1 : 0;
}

AuthDecision check_auth(const HandshakeInfo& info, const TestConfig& config) {
    AuthDecision d;
    const std::string& expected_user = config.chargebox_id;
    const bool header = info.headers.count("authorization") > 0;
    const std::string enable = "Enable HTTP Basic authentication on the charger (security profile 1, or 2 with "
                               "wss://) with the Chargebox ID " +
                               expected_user + " as user and the password you were given.";
    if (!info.basic_user) {
        if (header) {
            d.outcome = Outcome::fail("an Authorization header came, but it is not HTTP Basic or does not decode",
                                      "OCPP 1.6 uses HTTP Basic authentication: \"Authorization: Basic "
                                      "base64(ID:password)\". " +
                                          enable);
            return d;
        }
        if (config.password) {
            d.outcome = Outcome::fail("no Authorization header: the charger sent no credentials", enable);
            return d;
        }
        d.accept = true;
        if (!info.client_cert_subject.empty()) {
            d.outcome = Outcome::pass("no HTTP Basic credentials; the charger authenticated with its client "
                                      "certificate (security profile 3)");
        } else {
            d.outcome = Outcome::warn("no HTTP Basic credentials (security profile 0)",
                                      "Without a password anyone who knows the URL can pose as this charger. Set a "
                                      "password on the charger (security profile 1, or 2 with TLS) and run the test "
                                      "with --password or --accept-any-password.");
        }
        return d;
    }
    const std::string& user = *info.basic_user;
    const std::string& password = info.basic_password ? *info.basic_password : std::string();
    if (user != expected_user) {
        d.outcome = Outcome::fail("user " + quote(user) + ", expected the Chargebox ID " + quote(expected_user) +
                                      (password.empty() ? ", no password" : ", a password came"),
                                  "In OCPP 1.6 the HTTP Basic user is the Chargebox ID. If the charger asks for a "
                                  "Basic-auth user, set it to " +
                                      expected_user + "; otherwise set its Chargebox ID to " + expected_user + ".");
        return d;
    }
    if (password.empty()) {
        d.outcome = Outcome::fail("user " + quote(user) + ", but no password came",
                                  "Set the HTTP Basic password (often called AuthorizationKey or 'password for the "
                                  "central system') on the charger.");
        return d;
    }
    if (config.password && password != *config.password) {
        d.outcome = Outcome::fail(
            "user " + quote(user) + ", a password came but it does not match",
            "Enter the test's password (shown when the test started, or given with --password) in the charger's "
            "HTTP Basic password (AuthorizationKey) setting. Check for typing errors and "
            "invisible spaces; some chargers expect the AuthorizationKey as hex digits.");
        return d;
    }
    d.accept = true;
    d.password = password;
    std::string seen = "user " + quote(user) + ", password " +
                       (config.password ? std::string("matches") : std::string("captured")) + " (" +
                       std::to_string(password.size()) + " characters)";
    if (const auto weak = password_weakness(password); !weak.empty()) {
        d.outcome = Outcome::warn(seen + "; weak password: " + weak,
                                  "Use a random password of 16 to 40 characters, not only digits (the OCPP 1.6 "
                                  "security whitepaper asks for at least 16). Change it on the charger and run the "
                                  "test again.");
        return d;
    }
    d.outcome = Outcome::pass(seen);
    return d;
}

std::vector<std::pair<CheckId, Outcome>> diagnose_rejection(const ocpp::net::RejectedHandshake& rejected,
                                                            const TestConfig& config, int attempt) {
    const HandshakeInfo& info = rejected.info;
    std::vector<std::pair<CheckId, Outcome>> out;
    const std::string refused =
        rejected.status > 0 ? "refused with HTTP " + std::to_string(rejected.status) + ": " : std::string("failed: ");
    using Kind = ocpp::net::RejectedHandshake::Kind;
    const bool tls_kind = rejected.kind == Kind::TlsHandshake || rejected.kind == Kind::PlainHttpOnTls ||
                          rejected.kind == Kind::TlsAbandoned;
    const bool tls_failed =
        tls_kind || (config.tls && rejected.status == 0 && info.tls_done == decltype(info.tls_done){});
    if (tls_failed) {
        out.emplace_back(CheckId::Tcp, check_tcp(info, attempt));
        // A plain HTTP request on the TLS port: a charger set to ws:// instead of wss://.
        if (rejected.kind == Kind::PlainHttpOnTls) {
            out.emplace_back(CheckId::Tls,
                             Outcome::fail("the charger sent a plain HTTP request without TLS (a ws:// URL) to the "
                                           "tester's TLS port (" +
                                               rejected.reason + ")",
                                           "Set the central system URL in the charger to " + base_url(config) +
                                               ": it starts with wss://, not ws://. If the charger has a separate "
                                               "TLS or security profile setting, switch it on (security profile " +
                                               std::string(config.client_certificates ? "3" : "2") + ")."));
            return out;
        }
        out.emplace_back(CheckId::Tls, Outcome::fail(rejected.reason, tls_hint(config)));
        return out;
    }
    if (!info.path.empty() && !offers(info, "ocpp1.6") && rejected.status == 400) {
        out.emplace_back(CheckId::Tcp, check_tcp(info, attempt));
        if (config.tls) {
            out.emplace_back(CheckId::Tls, check_tls(info, config));
        }
        out.emplace_back(CheckId::Path, check_path(info, config));
        out.emplace_back(CheckId::Subprotocol, check_subprotocol(info));
        out.emplace_back(CheckId::Auth, check_auth(info, config).outcome);
        return out;
    }
    std::string hint;
    if (rejected.kind == Kind::NoUpgrade) {
        hint = "The charger opened a TCP connection but never started the WebSocket handshake. Check that it uses "
               "the scheme the tester listens on (" +
               std::string(config.tls ? "wss://" : "ws://") + "), and that no proxy or firewall is in between.";
    } else if (rejected.status == 503) {
        hint = "The tester refused the connection (" + rejected.reason + "). Wait for the running test to end.";
    } else {
        hint = "The connection attempt did not become an OCPP WebSocket. Check the URL (" + config.url +
               "), the scheme (" + std::string(config.tls ? "wss://" : "ws://") +
               ") and that the charger speaks OCPP-J.";
    }
    out.emplace_back(CheckId::Tcp, Outcome::fail("connection from " + remote(info) + " " + refused + rejected.reason,
                                                 std::move(hint)));
    return out;
}

} // namespace tester
