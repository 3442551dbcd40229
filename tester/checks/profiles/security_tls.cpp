// The security group's verdicts on the TLS handshake and the profile 3 client certificate. The whitepaper (and the
// OCTT's TC_086_CS and TC_087_CS) ask for TLS 1.2 or newer, both suites of the ECDSA pair or both of the RSA pair,
// RSA keys of 2048 bits or more and EC keys of 224 bits or more (ocpp::pki reads only the allowed ones), and a
// client certificate naming the charger (CN) and its operator (O).
#include "tester/checks/profiles/security_tls.hpp"

#include <algorithm>

#include "ocpp/pki/pki.hpp"
#include "ocpp/text/datetime.hpp"

namespace tester::profiles {

namespace {

using ocpp::net::HandshakeInfo;
using ocpp::pki::PkiErrorKind;

bool has_all(const std::vector<std::string>& offered, const std::vector<std::string>& wanted) {
    return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
        return std::find(offered.begin(), offered.end(), w) != offered.end();
    });
}

std::vector<std::string> missing_of(const std::vector<std::string>& offered, const std::vector<std::string>& wanted) {
    std::vector<std::string> out;
    for (const auto& w : wanted) {
        if (std::find(offered.begin(), offered.end(), w) == offered.end()) {
            out.push_back(w);
        }
    }
    return out;
}

std::string day(std::chrono::system_clock::time_point t) {
    return ocpp::format_datetime(ocpp::DateTime{t}).substr(0, 10);
}

const char* kRenew = " Renew it from the central system (ExtendedTriggerMessage SignChargePointCertificate, then "
                     "CertificateSigned) or install one on the charger by its own tools.";

} // namespace

const std::vector<std::string>& whitepaper_ecdsa_suites() {
    static const std::vector<std::string> suites = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                                                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"};
    return suites;
}

const std::vector<std::string>& whitepaper_rsa_suites() {
    static const std::vector<std::string> suites = {"TLS_RSA_WITH_AES_128_GCM_SHA256",
                                                    "TLS_RSA_WITH_AES_256_GCM_SHA384"};
    return suites;
}

std::vector<std::string> split_list(std::string_view csv) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= csv.size()) {
        const auto comma = csv.find(',', at);
        const auto item = csv.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
        if (!item.empty()) {
            out.emplace_back(item);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        at = comma + 1;
    }
    return out;
}

Outcome check_whitepaper_tls(const HandshakeInfo& info) {
    const std::string version = info.tls_version.empty() ? std::string("TLS (version unknown)") : info.tls_version;
    std::string seen =
        version + " with " + (info.tls_cipher.empty() ? std::string("an unknown cipher") : info.tls_cipher);
    const auto offered = split_list(info.tls_offered_ciphers);
    const bool ecdsa = has_all(offered, whitepaper_ecdsa_suites());
    const bool rsa = has_all(offered, whitepaper_rsa_suites());
    if (offered.empty()) {
        seen += "; the suites the charger offered are unknown";
    } else {
        seen += "; the charger offered " + std::to_string(offered.size()) + " suites";
        if (ecdsa || rsa) {
            seen += std::string(", with the whitepaper's ") + (ecdsa && rsa ? "ECDSA and RSA pairs"
                                                               : ecdsa      ? "ECDSA pair"
                                                                            : "RSA pair");
        }
    }
    if (!info.tls_offered_versions.empty()) {
        seen += "; versions offered: " + info.tls_offered_versions;
    }
    seen += info.sni.empty() ? "; no SNI (usual when the URL names an IP address)" : "; SNI " + quote(info.sni);
    const bool old =
        info.tls_version == "TLSv1" || info.tls_version == "TLSv1.1" || info.tls_version.rfind("SSL", 0) == 0;
    if (old) {
        return Outcome::fail(seen, "The security whitepaper requires TLS 1.2 or newer. Update the charger's firmware "
                                   "or enable TLS 1.2 in its settings.");
    }
    if (!offered.empty() && !ecdsa && !rsa) {
        auto missing = missing_of(offered, whitepaper_ecdsa_suites());
        for (const auto& m : missing_of(offered, whitepaper_rsa_suites())) {
            missing.push_back(m);
        }
        Outcome o = Outcome::fail(seen, "The security whitepaper requires a charger to support both " +
                                            join_list(whitepaper_ecdsa_suites()) + " (ECDSA certificates) or both " +
                                            join_list(whitepaper_rsa_suites()) +
                                            " (RSA certificates). Missing: " + join_list(missing) +
                                            ". Update the firmware or ask the manufacturer for these cipher suites.");
        o.details.push_back("offered: " + join_list(offered));
        return o;
    }
    Outcome o = Outcome::pass(seen);
    if (!offered.empty()) {
        o.details.push_back("offered: " + join_list(offered));
    }
    return o;
}

Outcome check_client_certificate(const HandshakeInfo& info, const TestConfig& config,
                                 std::chrono::system_clock::time_point now) {
    const std::string install = "Install a client certificate on the charger signed by the CA given with "
                                "--tls-client-ca, with CN " +
                                config.chargebox_id + " and O the operator's name.";
    if (info.client_cert_chain_pem.empty()) {
        return Outcome::fail("the charger presented no client certificate", "Security profile 3 needs one. " + install);
    }
    auto chain = ocpp::pki::read_certificates(info.client_cert_chain_pem);
    if (!chain) {
        if (chain.error().kind == PkiErrorKind::BadKey) {
            return Outcome::fail("the client certificate's key is not allowed: " + chain.error().message,
                                 "The whitepaper allows RSA keys of 2048 bits or more and EC keys of 224 bits or "
                                 "more (ECDSA P-256 recommended). " +
                                     install);
        }
        return Outcome::fail("the client certificate cannot be read: " + chain.error().message, install);
    }
    const auto& leaf = chain->front();
    std::string seen = "client certificate " + quote(leaf.subject.one_line(), 120) + ", " +
                       std::string(ocpp::pki::key_type_name(leaf.key_type)) + ", issued by " +
                       quote(leaf.issuer.one_line(), 120) + ", valid " + day(leaf.not_before) + " to " +
                       day(leaf.not_after);
    if (config.client_ca_pem.empty()) {
        return Outcome::skipped(seen + "; no client CA to check it against");
    }
    ocpp::pki::VerifyOptions options;
    options.at = now;
    auto verified = ocpp::pki::verify_chain(info.client_cert_chain_pem, {config.client_ca_pem}, options);
    if (!verified) {
        const auto& e = verified.error();
        switch (e.kind) {
        case PkiErrorKind::Expired:
            return Outcome::fail(seen + ": expired on " + day(leaf.not_after),
                                 "The charger's client certificate has expired; a central system refuses it." +
                                     std::string(kRenew));
        case PkiErrorKind::NotYetValid:
            return Outcome::fail(seen + ": not valid before " + day(leaf.not_before),
                                 "The certificate is not valid yet: check the charger's clock (and the clock of the "
                                 "CA that issued it), or wait until its validity starts.");
        case PkiErrorKind::Untrusted:
            return Outcome::fail(seen + ": not signed by the client CA (" + e.message + ")",
                                 "The certificate was issued by another CA than the one given with --tls-client-ca. " +
                                     install);
        case PkiErrorKind::BadKey:
            return Outcome::fail(seen + ": " + e.message, "The whitepaper allows RSA keys of 2048 bits or more and "
                                                          "EC keys of 224 bits or more. " +
                                                              install);
        default:
            return Outcome::fail(seen + ": " + e.message, install);
        }
    }
    if (leaf.subject.common_name != config.chargebox_id) {
        return Outcome::fail(seen + ": its CN " + quote(leaf.subject.common_name) + " is not the Chargebox ID " +
                                 quote(config.chargebox_id),
                             "The central system takes the charger's identity from the certificate's CN, which must "
                             "be the Chargebox ID. Issue a certificate with CN " +
                                 config.chargebox_id + " (a CSR from the charger carries its configured ID)." + kRenew);
    }
    if (leaf.subject.organization.empty()) {
        return Outcome::fail(seen + ": no O (organizationName) in its subject",
                             "The whitepaper puts the operator's name (configuration key CpoName) in O. Set CpoName "
                             "on the charger and renew the certificate." +
                                 std::string(kRenew));
    }
    const auto left = std::chrono::duration_cast<std::chrono::hours>(leaf.not_after - now).count() / 24;
    if (left < 30) {
        return Outcome::warn(seen + ": expires in " + std::to_string(left) + (left == 1 ? " day" : " days"),
                             "Renew the certificate before it expires, or the charger cannot connect any more." +
                                 std::string(kRenew));
    }
    return Outcome::pass(seen);
}

} // namespace tester::profiles
