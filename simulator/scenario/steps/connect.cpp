// connect (and reconnect: a disconnect, then a connect): opens the WebSocket as the charger, or expects the
// handshake to be refused.
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

extern const StepKind connect_step, reconnect_step;

namespace {

void parse_connect(const StepSource& src, Step& s, std::vector<Step>& out) {
    const detail::Parser& p = src.parser;
    src.allow({"password", "refused", "certificate"});
    const YAML::Node o = src.value.IsMap() ? src.value : src.opts; // connect: {password: x} or sibling keys
    if (src.value.IsMap()) {
        p.keys(src.value, {"password", "refused", "certificate"}, src.name);
    }
    if (o["password"]) {
        s.password = p.text(o["password"], "password");
    }
    if (o["refused"]) {
        if (o["refused"].IsScalar() && o["refused"].Scalar() == "tls") {
            s.refused_tls = true;
        } else if (const std::string v = o["refused"].IsScalar() ? o["refused"].Scalar() : "";
                   v.empty() || v.find_first_not_of("0123456789") != std::string::npos) {
            p.fail(o["refused"], "refused: expected an HTTP status such as 401, or tls (the TLS handshake fails)");
        } else {
            s.refused_status = p.integer(o["refused"], "refused", 100);
        }
    }
    if (o["certificate"]) {
        if (p.text(o["certificate"], "certificate") != "none") {
            p.fail(o["certificate"], "certificate: expected none (connect without the client certificate); the "
                                     "certificate itself is target.cert and target.key");
        }
        s.without_certificate = true;
    }
    if (s.kind == &reconnect_step) {
        Step d;
        d.kind = find_step_kind("disconnect");
        d.pos = s.pos;
        out.push_back(d);
        s.kind = &connect_step;
    }
}

void run_connect(ChargerRun& run, const Step& s) {
    Link& link = run.link();
    const RunEnv& env = run.env();
    if (env.role == Role::CentralSystem) {
        run.fail("role: charger for connect", "role: central_system (the charger connects: use accept)");
        return;
    }
    if (link.peer && link.peer->is_open()) {
        run.fail("a closed connection before connect", "the connection is still open (add disconnect first)");
        return;
    }
    const auto url = expand_or_fail(run, env.target.url, "target.url");
    if (!url) {
        return;
    }
    ocpp::net::ConnectOptions o;
    o.url = *url + (url->empty() || url->back() == '/' ? "" : "/") + run.id();
    const auto password = s.password ? s.password : env.target.password;
    if (env.target.security_profile == 1 || env.target.security_profile == 2 || s.password) {
        if (password) {
            const auto pw = expand_or_fail(run, *password, "the password");
            if (!pw) {
                return;
            }
            o.basic_user = run.id();
            o.basic_password = *pw;
        }
    }
    o.open_handshake_timeout = std::chrono::seconds(10);
    std::weak_ptr<ChargerRun> weak = run.weak_from_this();
    const int refused = s.refused_status;
    const bool refused_tls = s.refused_tls;
    const std::string target = o.url;
    const std::string refusal = refused_tls ? "the TLS handshake with " + target + " to fail"
                                            : "the handshake refused with HTTP " + std::to_string(refused);
    auto* client = s.without_certificate ? env.client_without_certificate : env.client;
    client->connect(o, [weak, refused, refused_tls, target, refusal](ocpp::net::SessionPtr session,
                                                                     std::optional<ocpp::net::ConnectError> error) {
        auto self = weak.lock();
        if (!self || self->finished()) {
            if (session) {
                session->close(1000, "scenario finished");
            }
            return;
        }
        const bool expect_refusal = refused != 0 || refused_tls;
        if (error) {
            if ((refused != 0 && error->http_status == refused) ||
                (refused_tls && error->kind == ocpp::net::ConnectError::Kind::Tls)) {
                self->next();
                return;
            }
            self->fail(expect_refusal ? refusal : "a WebSocket connection to " + target,
                       error->message +
                           (error->http_status ? " (HTTP " + std::to_string(error->http_status) + ")" : ""));
            return;
        }
        if (expect_refusal) {
            session->close(1000, "expected a refusal");
            self->fail(refusal, "the connection was accepted");
            return;
        }
        ocpp::PeerConfig cfg;
        cfg.call_timeout = std::chrono::seconds(30);
        self->attach(ocpp::Peer::create(session, *self->env().schemas, cfg, *self->env().peer_log));
        self->next();
    });
}

} // namespace

extern const StepKind connect_step{"connect", parse_connect, run_connect};
extern const StepKind reconnect_step{"reconnect", parse_connect, run_connect};

} // namespace scen
