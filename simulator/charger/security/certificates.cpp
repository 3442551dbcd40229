// The security whitepaper's certificates of a simulated charger: the certificate store (InstallCertificate,
// DeleteCertificate, GetInstalledCertificateIds), its key pair and CSR (SignCertificate), the certificate the
// central system signs for it (CertificateSigned), and the renewal before that certificate expires.
#include "ocpp/pki/pki.hpp"
#include "simulator/charger/call.hpp"
#include "simulator/charger/charger.hpp"
#include "simulator/charger/security/security_state.hpp"

namespace sim {

using namespace ocpp::v16;
using ocpp::Reply;

namespace {

// A certificate this close to its end is renewed (SignCertificate), as the whitepaper's A03 asks before expiry.
constexpr auto kRenewBefore = std::chrono::hours(24 * 30);
// How often a charger looks at its certificate's expiry at most, and when it retries a renewal it could not send.
constexpr auto kExpiryCheckEvery = std::chrono::hours(24);
constexpr auto kRenewalRetry = std::chrono::minutes(1);

ocpp::pki::TimePoint to_pki(ocpp::Clock::WallTime t) {
    return std::chrono::time_point_cast<ocpp::pki::TimePoint::duration>(t);
}

} // namespace

std::vector<std::string> Charger::installed_certificates(CertificateUse use) const {
    std::vector<std::string> out;
    if (security_) {
        for (const auto& c : security_->certificates) {
            if (c.use == use) {
                out.push_back(c.pem);
            }
        }
    }
    return out;
}

std::string Charger::charge_point_certificate() const {
    return security_ ? security_->client_chain_pem : std::string();
}

bool Charger::valid_charge_point_certificate() const {
    if (!security_ || security_->client_chain_pem.empty()) {
        return spec_.client_certificate; // the command line's certificate (checked by the TLS layer)
    }
    auto certs = ocpp::pki::read_certificates(security_->client_chain_pem);
    const auto now = to_pki(env_.executor.clock().wall_now());
    return certs.ok() && !certs->empty() && certs->front().not_before <= now && now < certs->front().not_after;
}

void Charger::register_certificates() {
    auto& p = *peer_;
    auto counted = [this](std::string_view action) { ++env_.stats.calls_answered[std::string(action)]; };

    p.on<InstallCertificateReq>([this, counted](const InstallCertificateReq& req, Reply<InstallCertificateConf> reply) {
        counted(req.action);
        auto certs = ocpp::pki::read_certificates(req.certificate);
        const auto now = to_pki(env_.executor.clock().wall_now());
        // One CA certificate, valid now; a leaf, a bundle, an expired or garbled one is Rejected.
        if (!certs.ok() || certs->size() != 1 || !certs->front().is_ca || certs->front().not_before > now ||
            certs->front().not_after <= now) {
            reply(InstallCertificateConf{InstallCertificateStatus::Rejected});
            return;
        }
        auto hash = ocpp::pki::hash_data(certs->front().pem);
        if (!hash.ok()) {
            reply(InstallCertificateConf{InstallCertificateStatus::Rejected});
            return;
        }
        auto& st = security_state();
        for (const auto& c : st.certificates) {
            if (c.use == req.certificateType && ocpp::pki::same_certificate(c.hash, *hash)) {
                reply(InstallCertificateConf{InstallCertificateStatus::Accepted}); // installed already
                return;
            }
        }
        const auto max = static_cast<std::size_t>(config_.int_value("CertificateStoreMaxLength", 10));
        if (st.certificates.size() >= max) {
            reply(InstallCertificateConf{InstallCertificateStatus::Failed});
            return;
        }
        st.certificates.push_back(InstalledCertificate{req.certificateType, certs->front().pem, std::move(*hash)});
        refresh_connection_tls();
        reply(InstallCertificateConf{InstallCertificateStatus::Accepted});
    });

    p.on<DeleteCertificateReq>([this, counted](const DeleteCertificateReq& req, Reply<DeleteCertificateConf> reply) {
        counted(req.action);
        auto& st = security_state();
        auto it = std::find_if(st.certificates.begin(), st.certificates.end(), [&](const InstalledCertificate& c) {
            return ocpp::pki::same_certificate(c.hash, req.certificateHashData);
        });
        if (it == st.certificates.end()) {
            reply(DeleteCertificateConf{DeleteCertificateStatus::NotFound});
            return;
        }
        // The last central system root of a charger on TLS is what it connects with: it stays.
        const bool root = it->use == CertificateUse::CentralSystemRootCertificate;
        if (root && security_profile() >= 2 &&
            installed_certificates(CertificateUse::CentralSystemRootCertificate).size() == 1) {
            reply(DeleteCertificateConf{DeleteCertificateStatus::Failed});
            return;
        }
        st.certificates.erase(it);
        refresh_connection_tls();
        reply(DeleteCertificateConf{DeleteCertificateStatus::Accepted});
    });

    p.on<GetInstalledCertificateIdsReq>(
        [this, counted](const GetInstalledCertificateIdsReq& req, Reply<GetInstalledCertificateIdsConf> reply) {
            counted(req.action);
            GetInstalledCertificateIdsConf conf;
            conf.status = GetInstalledCertificateStatus::NotFound;
            if (security_) {
                std::vector<CertificateHashData> hashes;
                for (const auto& c : security_->certificates) {
                    if (c.use == req.certificateType) {
                        hashes.push_back(c.hash);
                    }
                }
                if (!hashes.empty()) {
                    conf.status = GetInstalledCertificateStatus::Accepted;
                    conf.certificateHashData = std::move(hashes);
                }
            }
            reply(std::move(conf));
        });

    p.on<CertificateSignedReq>([this, counted](const CertificateSignedReq& req, Reply<CertificateSignedConf> reply) {
        counted(req.action);
        auto& st = security_state();
        auto reject = [&](const std::string& why) {
            reply(CertificateSignedConf{CertificateSignedStatus::Rejected});
            security_event("InvalidChargePointCertificate", why);
        };
        if (st.pending_key_pem.empty()) {
            reject("no certificate was requested");
            return;
        }
        const auto max = static_cast<std::size_t>(config_.int_value("CertificateSignedMaxChainSize", 10000));
        if (req.certificateChain.size() > max) {
            reject("certificate chain of " + std::to_string(req.certificateChain.size()) + " bytes is longer than " +
                   "CertificateSignedMaxChainSize " + std::to_string(max));
            return;
        }
        ocpp::pki::VerifyOptions options;
        options.at = to_pki(env_.executor.clock().wall_now());
        options.max_chain_bytes = max;
        options.expected_common_name = spec_.id;
        options.expected_organization = config_.value("CpoName").value_or("");
        auto verified = ocpp::pki::verify_chain(
            req.certificateChain, installed_certificates(CertificateUse::CentralSystemRootCertificate), options);
        if (!verified.ok()) {
            reject(verified.error().message);
            return;
        }
        // The certificate must be for the key of our request: a proof signed with that key verifies with it.
        const std::string proof = "certificate for " + spec_.id;
        auto signature = ocpp::pki::sign_data(st.pending_key_pem, proof);
        const auto matches = signature.ok() ? ocpp::pki::verify_data(verified->pem, proof, *signature)
                                            : ocpp::pki::PkiResult<bool>(signature.error());
        if (!matches.ok() || !matches.value()) {
            reject("the certificate is not for the key of this charger's certificate request");
            return;
        }
        st.client_chain_pem = req.certificateChain;
        st.client_key_pem = std::move(st.pending_key_pem);
        st.pending_key_pem.clear();
        refresh_connection_tls(); // used from the next connection on
        reply(CertificateSignedConf{CertificateSignedStatus::Accepted});
        check_certificate_expiry();
    });
}

void Charger::request_certificate() {
    auto& st = security_state();
    if (st.csr_in_flight) {
        return; // one request at a time; its answer comes with CertificateSigned
    }
    st.csr_in_flight = true;
    const auto type = spec_.key_type;
    ocpp::pki::Subject subject;
    subject.common_name = spec_.id;
    subject.organization = config_.value("CpoName").value_or("");
    struct Made {
        std::string key_pem, csr_pem, error;
    };
    auto make = [type, subject]() {
        Made m;
        auto key = ocpp::pki::generate_key(type);
        if (!key.ok()) {
            m.error = key.error().message;
            return m;
        }
        auto csr = ocpp::pki::make_csr(key->private_pem, subject);
        if (!csr.ok()) {
            m.error = csr.error().message;
            return m;
        }
        m.key_pem = std::move(key->private_pem);
        m.csr_pem = std::move(*csr);
        return m;
    };
    std::weak_ptr<Charger> weak = weak_from_this();
    auto send = [weak](Made m) {
        auto self = weak.lock();
        if (!self) {
            return;
        }
        if (!m.error.empty()) {
            self->security_->csr_in_flight = false;
            self->env_.log.warn(self->spec_.id, "cannot make a certificate request: " + m.error);
            return;
        }
        self->security_->pending_key_pem = std::move(m.key_pem);
        self->call(SignCertificateReq{std::move(m.csr_pem)}, [weak](ocpp::CallOutcome<SignCertificateConf> out) {
            if (auto s = weak.lock()) {
                s->security_->csr_in_flight = false;
                if (!out.ok() || out.conf->status != GenericStatus::Accepted) {
                    s->env_.log.info(s->spec_.id, "SignCertificate was not accepted");
                }
            }
        });
    };
    // An EC key takes a fraction of a millisecond: on the loop. RSA takes tens of milliseconds: off it when a pool
    // is there.
    const bool slow = type != ocpp::pki::KeyType::EcP256 && type != ocpp::pki::KeyType::EcP384;
    if (slow && env_.workers) {
        const bool queued =
            env_.workers->submit<Made>([make](const std::atomic<bool>&) { return make(); }, env_.executor, send);
        if (queued) {
            return;
        }
    }
    send(make());
}

void Charger::check_certificate_expiry() {
    if (!security_ || security_->client_chain_pem.empty()) {
        return;
    }
    auto& st = *security_;
    auto certs = ocpp::pki::read_certificates(st.client_chain_pem);
    if (!certs.ok() || certs->empty()) {
        return;
    }
    const auto now = to_pki(env_.executor.clock().wall_now());
    const auto renew_at = certs->front().not_after - kRenewBefore;
    if (!st.renewal) {
        st.renewal = env_.executor.make_timer();
    }
    std::weak_ptr<Charger> weak = weak_from_this();
    auto again = [weak] {
        if (auto self = weak.lock()) {
            self->check_certificate_expiry();
        }
    };
    if (now < renew_at) {
        const auto wait = std::min<ocpp::Clock::Duration>(
            std::chrono::duration_cast<ocpp::Clock::Duration>(renew_at - now), kExpiryCheckEvery);
        st.renewal->start(wait, again);
        return;
    }
    if (!booted() || !connected()) {
        st.renewal->start(kRenewalRetry, again);
        return;
    }
    // At most one renewal a day: a CA that issues certificates already inside the renewal window (its own end is
    // near, or a short validity) must not get a request after every CertificateSigned.
    const auto steady_now = this->now();
    if (st.last_renewal_request && steady_now - *st.last_renewal_request < kExpiryCheckEvery) {
        st.renewal->start(kExpiryCheckEvery - (steady_now - *st.last_renewal_request), again);
        return;
    }
    st.last_renewal_request = steady_now;
    request_certificate();
    st.renewal->start(kExpiryCheckEvery, again); // a new certificate re-arms this when it arrives
}

} // namespace sim
