#pragma once
// CertificateService: the central system's certificate work on its loop. It holds the operator CA in use (replaced
// whole by an import, so a signing in progress keeps the one it started with), the passphrase that seals an imported
// key, the per-charger signing limits, and the one thread that signs: CSR checks and signatures never run on the
// event loop, which keeps answering other chargers meanwhile.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "centralsystem/security/operator_ca.hpp"
#include "centralsystem/security/sign_limiter.hpp"
#include "ocpp/util/executor.hpp"
#include "ocpp/util/worker_pool.hpp"

namespace cs::security {

// What became of a CSR: a certificate (and the chain to send), or why it was refused.
struct SignOutcome {
    bool signed_ok = false;
    std::string refusal;   // why not (signed_ok false)
    std::string chain_pem; // the new certificate followed by the CA's
    ocpp::pki::CertificateInfo certificate;
};

// Reads and checks a CSR for the charger and signs it with the CA (CPU work: call it off the loop).
SignOutcome sign_for_charger(const ocpp::pki::CertificateAuthority& ca, const std::string& csr_pem,
                             const std::string& chargebox_id, const std::string& cpo_name, ocpp::pki::TimePoint now,
                             std::chrono::seconds validity);

class CertificateService {
public:
    explicit CertificateService(ocpp::Executor& loop)
        : loop_(loop) {}
    // Sets the CA opened at start-up and the passphrase that seals an imported key (run.cpp); call before serving.
    void configure(OperatorCa ca, std::string passphrase) {
        ca_ = std::move(ca);
        passphrase_ = std::move(passphrase);
    }

    // The CA in use, or nullptr when none is configured.
    std::shared_ptr<const ocpp::pki::CertificateAuthority> authority() const { return ca_.authority; }
    const OperatorCa& operator_ca() const { return ca_; }
    // Replaces the CA (an import through the API) and tells the observer; call on the loop.
    void replace(OperatorCa ca) {
        ca_ = std::move(ca);
        if (replaced_) {
            replaced_(ca_);
        }
    }
    // Told (on the loop) when an import replaced the CA: the TLS listeners trust it from then on.
    void on_replaced(std::function<void(const OperatorCa&)> observer) { replaced_ = std::move(observer); }
    const std::string& passphrase() const { return passphrase_; }
    SignLimiter& limiter() { return limiter_; }

    // Checks and signs a CSR on the signing thread; done(outcome) runs on the loop. False when the queue is full
    // (nothing started) or there is no CA.
    bool sign(const std::string& csr_pem, const std::string& chargebox_id, std::function<void(SignOutcome)> done);
    // Runs slow CA work (an import's key sealing) on the signing thread; done on the loop. False when full.
    template <class T> bool run(std::function<T()> work, std::function<void(T)> done) {
        return signer_.submit<T>([work = std::move(work)](const std::atomic<bool>&) { return work(); }, loop_,
                                 std::move(done));
    }

    // How long the certificates issued to chargers are valid.
    std::chrono::seconds certificate_validity{std::chrono::hours(24 * 365)};

    // Told (on the loop) when a charger accepted the certificate signed for it: a profile upgrade to 3 waits for it.
    void on_installed(std::function<void(const std::string&)> observer) { installed_ = std::move(observer); }
    void installed(const std::string& chargebox_id) const {
        if (installed_) {
            installed_(chargebox_id);
        }
    }

private:
    ocpp::Executor& loop_;
    std::function<void(const std::string&)> installed_;
    std::function<void(const OperatorCa&)> replaced_;
    OperatorCa ca_;
    std::string passphrase_;
    SignLimiter limiter_;
    // Last: joined first, while what its jobs reach still exists. Nice 10: on a busy machine the loop, which answers
    // every other charger, gets the CPU before the signing does.
    ocpp::WorkerPool signer_{1, 256, 10};
};

} // namespace cs::security
