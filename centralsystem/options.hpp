#pragma once
// The command line (and --config YAML file) of ocpp-centralsystem.
#include <cstdint>
#include <string>
#include <vector>

#include "ocpp/log/log.hpp"
#include "ocpp/net/forwarded.hpp"
#include "ocpp/util/result.hpp"

namespace cs {

struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8180;
    std::string db = "sqlite:ocppkit.db";
    std::string api_token;
    bool auto_register = false;
    int heartbeat_interval = 300;
    int call_timeout = 30;            // seconds a charger may take to answer one of our calls
    int max_samples_per_minute = 600; // meter samples stored per transaction per minute; 0: no limit
    int max_message_rate = 50;        // messages per second one charger may send, sustained; 0: no limit
    int message_burst = 200;          // messages one charger may send at once after a quiet time
    std::string tls_cert, tls_key, tls_client_ca;
    std::string tls_listen; // --tls-listen as given; empty: --listen serves TLS when --tls-cert is given
    std::string tls_host;
    std::uint16_t tls_port = 0;
    std::string file_store;   // directory of uploaded logs; empty: beside the SQLite file, or ./ocppkit-files
    std::string tls_root_ca;  // PEM file of the CA behind --tls-cert, installed on chargers moving to profile 2
    int firmware_max_mib = 8; // --firmware-max-size: the largest firmware upload (signed firmware), in MiB
    ocpp::LogLevel log_level = ocpp::LogLevel::Info;
    std::string config_file;
    std::string map_tile_url; // the portal's map tiles; empty: offline background
    std::string geocoder_url; // a Nominatim server's base URL for the portal's address search; empty: none
    // Failed password checks before the handshake backs off (429, no PBKDF2), per ID and per source address, and
    // the longest back-off in seconds.
    int password_failures_per_id = 3;
    int password_failures_per_address = 10;
    int password_backoff_max = 300;
    // The operator CA (security/operator_ca.hpp): the CpoName, a CA to import, and the passphrase that seals its
    // key (from a file, or OCPPKIT_CA_PASSPHRASE; never on the command line). Never log the passphrase.
    std::string cpo_name, ca_cert, ca_key, ca_passphrase;
    // A cluster on a shared (PostgreSQL) database: this node's id (default hostname:port), where the other nodes
    // reach its API (default the --listen address; needed when it listens on 0.0.0.0), the shared secret of
    // requests forwarded between nodes (from a file, or OCPPKIT_CLUSTER_SECRET; never on the command line), and
    // the seconds a node counts as alive after renewing its lease.
    std::string node_id, node_address, cluster_secret;
    int node_lease = 10;
    // --trusted-proxy (repeatable, or comma-separated): the load balancers whose X-Forwarded-For names the client;
    // the handshake gate, the sign-in limits and the logs then see the client's address instead of theirs.
    std::vector<ocpp::net::IpNetwork> trusted_proxies;
    // --tls-proxy (repeatable, or comma-separated): load balancers that end TLS in front of the plain listener and set
    // X-Forwarded-Proto themselves; a charger whose upgrade comes from one with "https" counts as over TLS for its
    // security profile (2). Off unless named: a proxy that passed the client's own header on would let a plain
    // connection pass as TLS.
    std::vector<ocpp::net::IpNetwork> tls_proxies;
    // --proxy-protocol: the listeners on which a connection from one of --trusted-proxy starts with a PROXY header
    // (HAProxy's send-proxy-v2, needed where it passes TLS through in TCP mode), whose client address then counts.
    enum class ProxyProtocol { Off, Listen, TlsListen, Both };
    ProxyProtocol proxy_protocol = ProxyProtocol::Off;
    // --threads: event loops; from 2 on, N - 1 carry the connections and one the handlers. 0 until set (run.cpp
    // decides: one per core from 4 cores on, else 1). 1 runs everything on one loop.
    int threads = 0;
    bool help = false;
    std::vector<std::string> warnings; // e.g. an OCPPKIT_ variable that is no setting
};

// Parses argv (argv[0] is the program) and the environment ("NAME=value" entries): the command line wins over
// OCPPKIT_* variables, which win over the --config file (or OCPPKIT_CONFIG), which wins over the defaults.
ocpp::Result<Options> parse_options(int argc, char** argv, const std::vector<std::string>& environment);
// The same with this process's environment.
ocpp::Result<Options> parse_options(int argc, char** argv);
std::string usage();

} // namespace cs
