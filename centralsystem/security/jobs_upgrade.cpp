// Security profile upgrades of one charger. 1 → 2: InstallCertificate(CentralSystemRootCertificate) with the root
// that signed the central system's TLS certificate, then SecurityProfile=2; confirmed when the charger comes back over
// TLS. 2 → 3: ChangeConfiguration(CpoName) with the operator's name,
// ExtendedTriggerMessage(SignChargePointCertificate); once the certificate authority reports the new certificate
// installed (certificate_installed), SecurityProfile=3; confirmed when the charger comes back with it. The gate holds a
// charger to the highest profile it proved, so a confirmed upgrade cannot be undone by the charger.
#include "centralsystem/security/jobs.hpp"
#include "ocpp/http/json.hpp"

namespace cs {

namespace {

// Most chargers that refuse a profile change say so with Rejected; a CALLERROR or silence is a failure.
bool accepted(const ocpp::RawOutcome& out) {
    const std::string status = answer_status(out);
    return status == "Accepted" || status == "RebootRequired";
}

} // namespace

void SecurityJobs::upgrade(Job& job, std::size_t i) {
    const int target = job.spec.target_profile;
    const Credentials* c = deps_.gate.credentials(job.entries[i].id);
    if (c != nullptr && c->security_profile >= target) {
        return settle(job, i, "confirmed", "already at security profile " + std::to_string(c->security_profile));
    }
    if (target == 3) {
        const std::string cpo = cpo_name_ ? cpo_name_() : std::string();
        if (cpo.empty()) {
            return ask_certificate(job, i);
        }
        std::string payload = ocpp::http::json_object([&](ocpp::http::JsonWriter& w) {
            ocpp::http::member(w, "key", "CpoName");
            ocpp::http::member(w, "value", cpo);
        });
        // Whatever the answer (a charger may keep CpoName read-only, set at the factory), the CSR is asked for next;
        // the CA judges its organizationName.
        return call(job, i, "ChangeConfiguration", std::move(payload),
                    [this](Job& j, std::size_t k, const ocpp::RawOutcome&) { ask_certificate(j, k); });
    }
    const std::string root = root_certificate();
    if (root.empty()) {
        return settle(job, i, "failed", "no root certificate to install (start with --tls-root-ca)");
    }
    std::string payload = ocpp::http::json_object([&](ocpp::http::JsonWriter& w) {
        ocpp::http::member(w, "certificateType", "CentralSystemRootCertificate");
        ocpp::http::member(w, "certificate", root);
    });
    call(job, i, "InstallCertificate", std::move(payload), [this](Job& j, std::size_t k, const ocpp::RawOutcome& out) {
        if (answer_status(out) == "Accepted") {
            return set_profile(j, k);
        }
        settle(j, k, out.status == ocpp::CallStatus::Ok ? "rejected" : "failed",
               describe_failure("InstallCertificate", out) + "; its security profile is unchanged");
    });
}

void SecurityJobs::ask_certificate(Job& job, std::size_t i) {
    std::string payload = ocpp::http::json_object(
        [](ocpp::http::JsonWriter& w) { ocpp::http::member(w, "requestedMessage", "SignChargePointCertificate"); });
    call(job, i, "ExtendedTriggerMessage", std::move(payload),
         [this](Job& j, std::size_t k, const ocpp::RawOutcome& out) {
             if (answer_status(out) == "Accepted") {
                 return await(j, k, Await::Certificate,
                              "asked for a charger certificate; waiting for it to be signed and installed");
             }
             settle(j, k, out.status == ocpp::CallStatus::Ok ? "rejected" : "failed",
                    describe_failure("ExtendedTriggerMessage", out));
         });
}

void SecurityJobs::set_profile(Job& job, std::size_t i) {
    const int target = job.spec.target_profile;
    std::string payload = ocpp::http::json_object([&](ocpp::http::JsonWriter& w) {
        ocpp::http::member(w, "key", "SecurityProfile");
        ocpp::http::member(w, "value", std::to_string(target));
    });
    call(job, i, "ChangeConfiguration", std::move(payload),
         [this, target](Job& j, std::size_t k, const ocpp::RawOutcome& out) {
             const Credentials* c = deps_.gate.credentials(j.entries[k].id);
             if (c != nullptr && c->security_profile >= target) {
                 return settle(j, k, "confirmed",
                               "the charger came back with security profile " + std::to_string(c->security_profile));
             }
             if (accepted(out)) {
                 return await(j, k, Await::Profile,
                              "SecurityProfile=" + std::to_string(target) + " " + answer_status(out) +
                                  "; waiting for the charger to come back with it");
             }
             if (out.status == ocpp::CallStatus::Timeout || out.status == ocpp::CallStatus::Closed) {
                 return await(j, k, Await::Profile,
                              describe_failure("ChangeConfiguration", out) +
                                  "; waiting for the charger to come back with the new profile");
             }
             settle(j, k, out.status == ocpp::CallStatus::Ok ? "rejected" : "failed",
                    describe_failure("ChangeConfiguration", out) + "; its security profile is unchanged");
         });
}

} // namespace cs
