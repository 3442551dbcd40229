// SignCertificate: a charger asks for a charge point certificate. The CSR is checked (readable, its own signature,
// commonName = the Chargebox ID, organizationName = the operator's CpoName, an allowed key) and signed by the
// operator CA on the signing thread, never on the loop; then the answer is Accepted and CertificateSigned carries the
// chain (the new certificate, then the CA's). A bad CSR is Rejected with a notification, a charger asking too often
// is Rejected without any CA work (security/sign_limiter.hpp). Every outcome is recorded per charger.
#include "centralsystem/db/security/security.hpp"
#include "centralsystem/protocol/context.hpp"
#include "ocpp/text/datetime.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

namespace {

std::string time_text(ocpp::pki::TimePoint t) {
    return ocpp::format_datetime(ocpp::DateTime{std::chrono::time_point_cast<std::chrono::seconds>(t)});
}

// Stores the outcome of one request; a failure is logged.
void record(HandlerContext& ctx, const std::string& id, std::string outcome, std::string detail) {
    CertificateRequest r{0, id, ctx.now_text(), std::move(outcome), std::move(detail)};
    ctx.db.run<void>([r](store::Connection& db) { return db::add_certificate_request(db, r); },
                     [&ctx, id](ocpp::Result<void> stored) {
                         if (!stored) {
                             ctx.log.warn("certificates", "\"" + id + "\": a certificate request was not recorded: " +
                                                              stored.error().message);
                         }
                     });
}

// Sends CertificateSigned over the charger's current connection and records what it answered.
void deliver(HandlerContext& ctx, const std::string& id, std::int64_t certificate_id, const std::string& chain) {
    auto peer = ctx.links.peer(id);
    auto set_delivery = [&ctx, certificate_id](std::string delivery) {
        ctx.db.run<void>(
            [certificate_id, delivery](store::Connection& db) {
                return db::set_certificate_delivery(db, certificate_id, delivery);
            },
            [](ocpp::Result<void>) {});
    };
    if (!peer) {
        set_delivery("not sent: the charger disconnected");
        return;
    }
    CertificateSignedReq req;
    req.certificateChain = chain;
    peer->call<CertificateSignedReq>(req, [&ctx, id, set_delivery](ocpp::CallOutcome<CertificateSignedConf> out) {
        if (!out.ok()) {
            set_delivery("not delivered: " + (out.error_code.empty() ? out.error_description : out.error_code));
            return;
        }
        const std::string status = to_string(out.conf->status);
        set_delivery(status);
        if (out.conf->status != CertificateSignedStatus::Accepted) {
            ctx.notices.notify(id, "certificateRejected", "the charger rejected the certificate signed for it");
        } else {
            ctx.certificates.installed(id);
        }
    });
}

void on_sign_certificate(HandlerContext& ctx, const std::string& id, const SignCertificateReq& req,
                         ocpp::Reply<SignCertificateConf> reply) {
    auto refuse = [&ctx, id, &reply](const std::string& outcome, const std::string& why, bool notify) {
        reply(SignCertificateConf{GenericStatus::Rejected});
        record(ctx, id, outcome, why);
        if (notify) {
            ctx.notices.notify_once("csr:" + id, id, "certificateRequestRejected",
                                    "a certificate request was rejected: " + why);
        }
    };
    if (!ctx.certificates.authority()) {
        return refuse("Rejected", "no operator CA is configured (--ca-passphrase-file, --cpo-name)", true);
    }
    if (const std::string why = ctx.certificates.limiter().refuse(id, ctx.loop.clock().now()); !why.empty()) {
        return refuse("Throttled", why, true);
    }
    const bool started = ctx.certificates.sign(req.csr, id, [&ctx, id, reply](security::SignOutcome out) mutable {
        ctx.certificates.limiter().done(id);
        if (!out.signed_ok) {
            reply(SignCertificateConf{GenericStatus::Rejected});
            record(ctx, id, "Rejected", out.refusal);
            ctx.notices.notify_once("csr:" + id, id, "certificateRequestRejected",
                                    "a certificate request was rejected: " + out.refusal);
            return;
        }
        reply(SignCertificateConf{GenericStatus::Accepted});
        IssuedCertificate c;
        c.chargebox_id = id;
        c.serial_hex = out.certificate.serial_hex;
        c.subject = out.certificate.subject.one_line();
        c.not_before = time_text(out.certificate.not_before);
        c.not_after = time_text(out.certificate.not_after);
        c.issued_at = ctx.now_text();
        c.pem = out.certificate.pem;
        c.delivery = "sending";
        record(ctx, id, "Signed", "serial " + c.serial_hex + ", valid until " + c.not_after);
        ctx.db.run<std::int64_t>(
            [c](store::Connection& db) mutable -> ocpp::Result<std::int64_t> {
                if (auto r = db::add_issued_certificate(db, c); !r) {
                    return r.error();
                }
                return c.id;
            },
            [&ctx, id, chain = out.chain_pem](ocpp::Result<std::int64_t> stored) {
                if (!stored) {
                    ctx.log.error("certificates",
                                  "\"" + id + "\": the issued certificate was not stored: " + stored.error().message);
                    return;
                }
                deliver(ctx, id, *stored, chain);
            });
    });
    if (!started) {
        ctx.certificates.limiter().cancel(id);
        refuse("Rejected", "the CA is busy signing other requests; try again later", false);
    }
}

} // namespace

void add_certificate_handlers(HandlerContext& ctx, ocpp::Peer& peer, const std::string& id) {
    peer.on<SignCertificateReq>([&ctx, id](const SignCertificateReq& req, ocpp::Reply<SignCertificateConf> reply) {
        on_sign_certificate(ctx, id, req, std::move(reply));
    });
}

} // namespace cs

namespace cs {

void watch_certificate_expiry(HandlerContext& ctx, ocpp::Timer& timer, std::chrono::hours ahead,
                              ocpp::Clock::Duration every) {
    const std::string until = time_text(ctx.loop.clock().wall_now() + ahead);
    ctx.db.run<std::vector<IssuedCertificate>>(
        [until](store::Connection& db) { return db::take_expiring(db, until, 1000); },
        [&ctx](ocpp::Result<std::vector<IssuedCertificate>> due) {
            if (!due) {
                ctx.log.warn("certificates", "the expiry check failed: " + due.error().message);
                return;
            }
            for (const auto& c : *due) {
                ctx.notices.notify(c.chargebox_id, "certificateExpiring",
                                   "the charge point certificate " + c.serial_hex + " expires at " + c.not_after +
                                       "; ask the charger for a new one (certificates, renew)");
            }
        });
    timer.start(every, [&ctx, &timer, ahead, every] { watch_certificate_expiry(ctx, timer, ahead, every); });
}

} // namespace cs
