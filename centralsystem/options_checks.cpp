#include "centralsystem/options_checks.hpp"

#include <string>

#include "ocpp/program/flags.hpp"
#include "ocpp/system/small_file.hpp"
#include "store/database.hpp"

namespace cs {

ocpp::Result<void> check_option_combinations(const Options& o) {
    if (auto tls = ocpp::program::check_tls_flags(o.tls_cert, o.tls_key, o.tls_client_ca); !tls) {
        return tls.error();
    }
    if (!o.tls_listen.empty() && o.tls_cert.empty()) {
        return ocpp::make_error("--tls-listen needs --tls-cert and --tls-key");
    }
    if (!o.tls_proxies.empty() && o.trusted_proxies.empty()) {
        return ocpp::make_error("--tls-proxy needs --trusted-proxy: a balancer that ends TLS names the charger in "
                                "X-Forwarded-For, which is believed only from --trusted-proxy");
    }
    if (o.proxy_protocol != Options::ProxyProtocol::Off && o.trusted_proxies.empty()) {
        return ocpp::make_error("--proxy-protocol needs --trusted-proxy: the balancers whose PROXY header is believed");
    }
    if ((o.proxy_protocol == Options::ProxyProtocol::TlsListen || o.proxy_protocol == Options::ProxyProtocol::Both) &&
        o.tls_listen.empty()) {
        return ocpp::make_error(
            "--proxy-protocol tls-listen and both need --tls-listen (without it --listen is the only "
            "listener: use --proxy-protocol listen)");
    }
    const bool clustered = !o.node_id.empty() || !o.node_address.empty() || !o.cluster_secret.empty();
    if (clustered && !store::is_shared_database(o.db)) {
        return ocpp::make_error(std::string(!o.node_id.empty()        ? "--node-id"
                                            : !o.node_address.empty() ? "--node-address"
                                                                      : "the cluster secret") +
                                " needs a database the nodes share (--db postgresql://...)");
    }
    if (!o.tls_root_ca.empty()) {
        if (auto root = ocpp::read_small_file(o.tls_root_ca, 64 * 1024); !root) {
            return ocpp::make_error("--tls-root-ca: " + root.error().message);
        }
    }
    return {};
}

} // namespace cs
