#pragma once
// The payloads of the security interop tests (ocpp_rpc_security_test.cpp): a root, an intermediate, a charger's CSR
// and the chain signed from it, certificateHashData of the root, a firmware file and its signature, all made with
// ocpp::pki; and the JSON file that hands them to security_cp.js / security_cs.js.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "ocpp/pki/pki.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::interop {

inline constexpr const char* kSecurityChargerId = "CP-SEC-1";
inline constexpr const char* kSecurityCpoName = "Acme CPO";

// Everything both sides use, made once per test with ocpp::pki.
struct Payloads {
    std::string root, csr, chain, signing_certificate, signature, firmware;
    std::string firmware_url = "https://files.example.com/firmware/ac22-3.5.0.bin";
    std::string log_url = "ftp://logs.example.com/upload/";
    v16::CertificateHashData root_hash;
    std::string error; // why they could not be made
};

inline Payloads make_payloads() {
    Payloads p;
    const auto now = std::chrono::system_clock::now();
    auto root = ocpp::pki::CertificateAuthority::create({"Acme Root", "Acme", "", ""}, now - std::chrono::hours(1),
                                                        std::chrono::hours(24 * 3650));
    if (!root) {
        p.error = root.error().message;
        return p;
    }
    ocpp::pki::IssueOptions sub_options;
    sub_options.usage = ocpp::pki::Usage::IntermediateCa;
    sub_options.not_before = now - std::chrono::hours(1);
    auto sub_issued = root->issue({"Acme Charge Point CA", "Acme", "", ""}, sub_options);
    auto sub = sub_issued ? ocpp::pki::CertificateAuthority::load(sub_issued->second, sub_issued->first.private_pem)
                          : ocpp::pki::PkiResult<ocpp::pki::CertificateAuthority>(sub_issued.error());
    auto key = ocpp::pki::generate_key();
    auto csr =
        key ? ocpp::pki::make_csr(key->private_pem, {kSecurityChargerId, kSecurityCpoName, "", ""}) : key.error();
    ocpp::pki::IssueOptions leaf_options;
    leaf_options.not_before = now - std::chrono::hours(1);
    auto leaf =
        sub && csr ? sub->sign(csr.value(), leaf_options) : ocpp::pki::PkiResult<std::string>(ocpp::pki::PkiError{});
    ocpp::pki::IssueOptions signer_options;
    signer_options.usage = ocpp::pki::Usage::FirmwareSigning;
    signer_options.not_before = now - std::chrono::hours(1);
    auto signer = root->issue({"Acme Firmware Signing", "Acme", "", ""}, signer_options, ocpp::pki::KeyType::Rsa2048);
    p.firmware = "AC22 firmware 3.5.0\n" + std::string(4096, '\x5a');
    auto signature = signer ? ocpp::pki::sign_data(signer->first.private_pem, p.firmware) : signer.error();
    auto hash = ocpp::pki::hash_data(root->certificate_pem());
    if (!sub || !csr || !leaf || !signer || !signature || !hash) {
        p.error = "cannot make the payloads";
        return p;
    }
    p.root = root->certificate_pem();
    p.csr = csr.value();
    p.chain = leaf.value() + sub_issued->second;
    p.signing_certificate = signer->second;
    p.signature = signature.value();
    p.root_hash = hash.value();
    return p;
}

inline std::string payloads_json(const Payloads& p) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    const auto text = [&w](const char* key, const std::string& value) {
        w.Key(key);
        w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    };
    w.StartObject();
    text("root", p.root);
    text("csr", p.csr);
    text("chain", p.chain);
    text("signingCertificate", p.signing_certificate);
    text("signature", p.signature);
    text("firmware", p.firmware);
    text("firmwareUrl", p.firmware_url);
    text("logUrl", p.log_url);
    w.Key("hashData");
    w.StartObject();
    text("hashAlgorithm", v16::to_string(p.root_hash.hashAlgorithm));
    text("issuerNameHash", p.root_hash.issuerNameHash);
    text("issuerKeyHash", p.root_hash.issuerKeyHash);
    text("serialNumber", p.root_hash.serialNumber);
    w.EndObject();
    w.EndObject();
    return buffer.GetString();
}

} // namespace ocpp::interop
