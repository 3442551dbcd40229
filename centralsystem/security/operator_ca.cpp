#include "centralsystem/security/operator_ca.hpp"

#include "ocpp/system/small_file.hpp"

namespace cs::security {

namespace {

using ocpp::ErrorKind;
using ocpp::make_error;

ocpp::Error pki_error(const std::string& what, const ocpp::pki::PkiError& e) {
    return make_error(ErrorKind::Invalid, what + ": " + e.message);
}

// The CpoName: the one given, else the CA's own organizationName.
std::string cpo_name_for(const ocpp::pki::CertificateAuthority& ca, const std::string& given) {
    return given.empty() ? ca.info().subject.organization : given;
}

ocpp::Result<OperatorCa> import_files(store::Connection& db, const CaSetup& setup, std::string_view now_text) {
    auto cert = ocpp::read_small_file(setup.cert_file, 64 * 1024);
    if (!cert) {
        return make_error(ErrorKind::Invalid, "--ca-cert: " + cert.error().message);
    }
    auto key = ocpp::read_small_file(setup.key_file, 64 * 1024);
    if (!key) {
        return make_error(ErrorKind::Invalid, "--ca-key: " + key.error().message);
    }
    // An encrypted key file is opened with the same passphrase that then seals it in the database.
    auto sealed = seal_imported_ca(*cert, *key, setup.passphrase, setup.passphrase, setup.cpo_name, now_text);
    if (!sealed) {
        return make_error(sealed.error().kind, "--ca-cert/--ca-key: " + sealed.error().message);
    }
    if (auto stored = db::store_operator_ca(db, sealed->stored); !stored) {
        return stored.error();
    }
    return sealed->ca;
}

} // namespace

ocpp::Result<SealedCa> seal_imported_ca(const std::string& certificate_pem, const std::string& key_pem,
                                        std::string_view key_passphrase, const std::string& passphrase,
                                        const std::string& cpo_name, std::string_view now_text) {
    if (passphrase.empty()) {
        return make_error(ErrorKind::Invalid, "no CA passphrase is configured (--ca-passphrase-file or "
                                              "OCPPKIT_CA_PASSPHRASE): the key cannot be kept encrypted");
    }
    auto ca = ocpp::pki::CertificateAuthority::load(certificate_pem, key_pem, key_passphrase);
    if (!ca) {
        return pki_error("the CA certificate and key cannot be used", ca.error());
    }
    auto sealed = ocpp::pki::encrypt_private_key(ca->private_key_pem(), passphrase);
    if (!sealed) {
        return pki_error("the CA key cannot be encrypted", sealed.error());
    }
    SealedCa out;
    out.stored = StoredCa{ca->certificate_pem(), *sealed, std::string(now_text), "imported"};
    out.ca.cpo_name = cpo_name_for(*ca, cpo_name);
    out.ca.origin = "imported";
    out.ca.authority = std::make_shared<const ocpp::pki::CertificateAuthority>(std::move(ca).value());
    return out;
}

ocpp::Result<OperatorCa> open_operator_ca(store::Connection& db, const CaSetup& setup, std::string_view now_text,
                                          ocpp::pki::TimePoint now) {
    if (!setup.cert_file.empty() || !setup.key_file.empty()) {
        if (setup.cert_file.empty() || setup.key_file.empty()) {
            return make_error(ErrorKind::Invalid, "--ca-cert and --ca-key go together");
        }
        return import_files(db, setup, now_text);
    }
    auto stored = db::load_operator_ca(db);
    if (!stored) {
        return stored.error();
    }
    if (*stored) {
        const StoredCa& s = **stored;
        if (setup.passphrase.empty()) {
            return make_error(ErrorKind::Invalid,
                              "the database holds an operator CA; give its passphrase with --ca-passphrase-file FILE "
                              "or OCPPKIT_CA_PASSPHRASE");
        }
        auto ca = ocpp::pki::CertificateAuthority::load(s.certificate_pem, s.encrypted_key_pem, setup.passphrase);
        if (!ca) {
            if (ca.error().kind == ocpp::pki::PkiErrorKind::BadPassphrase) {
                return make_error(ErrorKind::Invalid,
                                  "the operator CA stored in the database cannot be opened: wrong CA passphrase");
            }
            return pki_error("the operator CA stored in the database cannot be opened", ca.error());
        }
        OperatorCa out;
        out.cpo_name = cpo_name_for(*ca, setup.cpo_name);
        out.origin = s.origin;
        out.authority = std::make_shared<const ocpp::pki::CertificateAuthority>(std::move(ca).value());
        return out;
    }
    if (setup.passphrase.empty()) {
        return OperatorCa{};
    }
    if (setup.cpo_name.empty()) {
        return make_error(ErrorKind::Invalid, "--cpo-name is needed to create the operator CA (its organizationName, "
                                              "which every charger certificate carries as CpoName)");
    }
    ocpp::pki::Subject subject;
    subject.common_name = setup.cpo_name + " Charge Point CA";
    subject.organization = setup.cpo_name;
    auto ca = ocpp::pki::CertificateAuthority::create(subject, now, setup.validity);
    if (!ca) {
        return pki_error("the operator CA cannot be created", ca.error());
    }
    auto sealed = ocpp::pki::encrypt_private_key(ca->private_key_pem(), setup.passphrase);
    if (!sealed) {
        return pki_error("the operator CA's key cannot be encrypted", sealed.error());
    }
    if (auto r = db::store_operator_ca(db, StoredCa{ca->certificate_pem(), *sealed, std::string(now_text), "created"});
        !r) {
        return r.error();
    }
    OperatorCa out;
    out.cpo_name = setup.cpo_name;
    out.origin = "created";
    out.authority = std::make_shared<const ocpp::pki::CertificateAuthority>(std::move(ca).value());
    return out;
}

} // namespace cs::security
