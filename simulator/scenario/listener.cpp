#include "simulator/scenario/listener.hpp"

#include "ocpp/peer/peer.hpp"
#include "ocpp/pki/subject_name.hpp"
#include "simulator/scenario/charger_run.hpp"

namespace scen {

std::optional<ListenUrl> parse_listen_url(const std::string& url) {
    const bool secure = url.rfind("wss://", 0) == 0;
    const std::string scheme = secure ? "wss://" : "ws://";
    if (url.rfind(scheme, 0) != 0) {
        return std::nullopt;
    }
    const auto slash = url.find('/', scheme.size());
    const std::string authority = url.substr(scheme.size(), slash == std::string::npos ? slash : slash - scheme.size());
    const auto colon = authority.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return std::nullopt;
    }
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port) > 65535) {
        return std::nullopt;
    }
    ListenUrl out;
    out.secure = secure;
    out.host = authority.substr(0, colon);
    out.port = static_cast<std::uint16_t>(std::stoul(port));
    out.path = slash == std::string::npos ? "" : url.substr(slash);
    while (!out.path.empty() && out.path.back() == '/') {
        out.path.pop_back();
    }
    if (out.path.find_first_of("?# ") != std::string::npos) {
        return std::nullopt;
    }
    return out;
}

std::optional<std::string> listen_problem(const std::string& url) {
    if (parse_listen_url(url)) {
        return std::nullopt;
    }
    return "expected ws://HOST:PORT/PATH or wss://HOST:PORT/PATH (port 0 picks a free one), got \"" + url + "\"";
}

Listener::Listener(ocpp::net::EventLoop& loop, const ocpp::validation::Registry& schemas, const ocpp::Logger& log,
                   const ocpp::Logger& peer_log, Lookup lookup)
    : loop_(loop)
    , schemas_(schemas)
    , log_(log)
    , peer_log_(peer_log)
    , lookup_(std::move(lookup)) {}

Listener::~Listener() {
    shutdown();
}

void Listener::shutdown() {
    if (server_) {
        server_->shutdown();
        server_.reset();
    }
}

ocpp::net::HandshakeDecision Listener::decide(const ocpp::net::HandshakeInfo& info) const {
    if (info.path.rfind(path_ + "/", 0) != 0) {
        return ocpp::net::HandshakeDecision::refuse(404, "connect to " + path_ + "/CHARGEBOXID");
    }
    const auto run = lookup_(info.chargebox_id);
    if (!run) {
        return ocpp::net::HandshakeDecision::refuse(404, "no run of this scenario plays this Chargebox ID");
    }
    // Profile 3: the certificate stands for the charger only when its commonName is the Chargebox ID, as the central
    // system and the tester judge it.
    if (!info.client_cert_subject.empty()) {
        const std::string cn = ocpp::pki::common_name_of(info.client_cert_subject);
        if (cn != info.chargebox_id) {
            return ocpp::net::HandshakeDecision::refuse(401, "the client certificate's commonName \"" + cn +
                                                                 "\" is not the Chargebox ID");
        }
    }
    const auto& expected = run->link().expected_password;
    if (expected && (info.basic_user != info.chargebox_id || info.basic_password != *expected)) {
        return ocpp::net::HandshakeDecision::refuse(401, "wrong or missing password");
    }
    if (!expected && live(*run, info.chargebox_id, info.remote_address)) {
        return ocpp::net::HandshakeDecision::refuse(409, "this Chargebox ID is connected already");
    }
    return ocpp::net::HandshakeDecision::accept();
}

bool Listener::live(ChargerRun& run, const std::string& id, const std::string& from) const {
    // Without a password anyone who knows the ID could take the run's connection over; with one, a reconnect that
    // proves it replaces the old connection (a charger back from a reboot before its old socket timed out).
    const auto& peer = run.link().peer;
    if (!peer || !peer->is_open()) {
        return false;
    }
    log_.warn("scenario", "refused a second connection for " + id + " from " + from +
                              ": its first connection is live (give accept a password: to let a reconnect replace it)");
    return true;
}

std::optional<std::string> listen_tls_problem(const ListenUrl& at, const ListenTls& tls) {
    if (tls.cert_file.empty() != tls.key_file.empty()) {
        return "listen_tls.cert and listen_tls.key (--listen-cert, --listen-key) go together";
    }
    if (at.secure && tls.cert_file.empty()) {
        return "a wss:// listen URL needs listen_tls.cert and listen_tls.key (--listen-cert, --listen-key)";
    }
    if (!at.secure && (!tls.cert_file.empty() || !tls.client_ca_file.empty())) {
        return "listen_tls (--listen-cert, --listen-key, --listen-client-ca) needs a wss:// listen URL";
    }
    return std::nullopt;
}

ocpp::Result<std::string> Listener::listen(const ListenUrl& at, const ListenTls& tls) {
    if (auto problem = listen_tls_problem(at, tls)) {
        return ocpp::make_error(*problem);
    }
    ocpp::net::ServerConfig cfg;
    cfg.host = at.host;
    cfg.port = at.port;
    if (at.secure) {
        // Profile 2; with a client CA, profile 3: a charger without a certificate of that CA fails the handshake.
        cfg.tls = ocpp::net::ServerTlsConfig{tls.cert_file, tls.key_file, tls.client_ca_file, false};
    }
    cfg.max_connections = 4096;
    path_ = at.path;
    auto server = ocpp::net::Server::create(loop_, cfg, log_);
    server->set_handshake_hook([this](const ocpp::net::HandshakeInfo& info) { return decide(info); });
    server->set_open_handler([this](ocpp::net::SessionPtr session) {
        const auto run = lookup_(session->info().chargebox_id);
        if (!run || run->finished()) {
            session->close(1000, "the scenario run is over");
            return;
        }
        if (!run->link().expected_password &&
            live(*run, session->info().chargebox_id, session->info().remote_address)) {
            session->close(1008, "this Chargebox ID is connected already"); // two handshakes at once
            return;
        }
        ocpp::PeerConfig peer_cfg;
        peer_cfg.call_timeout = std::chrono::seconds(30);
        run->attach(ocpp::Peer::create(session, schemas_, peer_cfg, peer_log_));
    });
    if (auto r = server->listen(); !r) {
        return ocpp::make_error("cannot listen on " + at.host + ":" + std::to_string(at.port) + ": " +
                                r.error().message);
    }
    server_ = std::move(server);
    return (at.secure ? "wss://" : "ws://") + at.host + ":" + std::to_string(server_->port()) + at.path;
}

} // namespace scen
