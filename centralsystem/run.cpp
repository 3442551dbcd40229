#include "centralsystem/run.hpp"

#include <algorithm>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <thread>

#include "centralsystem/api/api.hpp"
#include "centralsystem/api/security/firmware.hpp"
#include "centralsystem/central_system.hpp"
#include "centralsystem/db/queries.hpp"
#include "centralsystem/db/security/security_jobs.hpp"
#include "centralsystem/files/file_store.hpp"
#include "centralsystem/operations/rollouts.hpp"
#include "centralsystem/options.hpp"
#include "centralsystem/security/client_ca_trust.hpp"
#include "centralsystem/security/operator_ca.hpp"
#include "centralsystem/sites/load_manager.hpp"
#include "ocpp/http/bearer_token.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/loop_pool.hpp"
#include "ocpp/program/flags.hpp"
#include "ocpp/program/serve_loop.hpp"
#include "ocpp/system/small_file.hpp"
#include "ocpp/system/version.hpp"
#include "store/claims.hpp"
#include "store/database.hpp"

namespace cs {

namespace {

void say(const std::string& line) {
    std::fprintf(stderr, "ocpp-centralsystem: %s\n", line.c_str());
    std::fflush(stderr);
}

// This node's part in a cluster: its id (default HOSTNAME:PORT) and where the other nodes reach its API.
cluster::ClusterConfig cluster_config(const Options& o, std::uint16_t port) {
    cluster::ClusterConfig c;
    char host[256] = {0};
    if (::gethostname(host, sizeof host - 1) != 0 || host[0] == 0) {
        std::snprintf(host, sizeof host, "node");
    }
    c.node_id = o.node_id.empty() ? std::string(host) + ":" + std::to_string(port) : o.node_id;
    const bool wildcard = o.host == "0.0.0.0" || o.host == "::";
    c.address =
        !o.node_address.empty() ? o.node_address : (wildcard ? std::string(host) : o.host) + ":" + std::to_string(port);
    c.secret = o.cluster_secret;
    c.lease = std::chrono::seconds(o.node_lease);
    return c;
}

} // namespace

int run(int argc, char** argv) {
    if (argc >= 2 && ocpp::is_version_flag(argv[1])) {
        std::fputs(ocpp::version_line("ocpp-centralsystem").c_str(), stdout);
        return 0;
    }
    auto parsed = parse_options(argc, argv);
    if (!parsed) {
        // One line naming what is wrong; the whole usage would bury it.
        std::fprintf(stderr, "ocpp-centralsystem: %s (see --help)\n", parsed.error().message.c_str());
        return 2;
    }
    const Options& o = *parsed;
    if (o.help) {
        std::fputs(usage().c_str(), stdout);
        return 0;
    }
    for (const auto& warning : o.warnings) {
        say(warning);
    }
    ocpp::Logger log(o.log_level);
    auto schemas = ocpp::validation::Registry::v16();
    if (!schemas) {
        say("cannot load the OCPP 1.6 schemas: " + schemas.error().message);
        return 1;
    }
    auto db = store::open_checked(o.db);
    if (!db.connection) {
        say(db.message);
        return db.exit_code;
    }
    const std::string db_path = db.connection->name();
    if (auto m = db::migrate(*db.connection); !m) {
        say("--db: " + m.error().message);
        return 1;
    }
    // The operator CA: opened with the passphrase, imported, or created on first start (its key sealed in the store).
    security::CaSetup ca_setup;
    ca_setup.cpo_name = o.cpo_name;
    ca_setup.passphrase = o.ca_passphrase;
    ca_setup.cert_file = o.ca_cert;
    ca_setup.key_file = o.ca_key;
    const auto wall = std::chrono::system_clock::now();
    auto operator_ca = security::open_operator_ca(*db.connection, ca_setup, now_text(ocpp::SystemClock{}), wall);
    if (!operator_ca) {
        say("operator CA: " + operator_ca.error().message);
        return 1;
    }
    // Jobs an earlier process left running cannot go on (their in-memory steps are gone): say so in their outcomes.
    // Not in a cluster: there the jobs live in the store, other nodes work them, and a node takes up its chargers'
    // rows at the step they reached.
    if (auto i = store::is_shared_database(o.db)
                     ? ocpp::Result<void>{}
                     : db::interrupt_security_jobs(*db.connection, now_text(ocpp::SystemClock()));
        !i) {
        say("--db: " + i.error().message);
        return 1;
    }
    // Read once before the worker owns the connection: the handshake cache.
    auto known = db::all_credentials(*db.connection);
    if (!known) {
        say("--db: " + known.error().message);
        return 1;
    }

    // Destroyed in reverse: the server and the central system first (loop stopped), then the worker, then the loop.
    auto loop = ocpp::net::EventLoop::create();
    auto worker = std::make_unique<store::StoreWorker>(std::move(db.connection));
    // With --tls-listen, --listen stays plain and TLS is served beside it: a charger is taken before and after its
    // upgrade to profile 2, and with --tls-client-ca to 3 on the same listener: a certificate is optional there (a
    // profile 2 charger has none), one that is presented must chain to the CA, and the gate holds each charger to
    // the profile it proved.
    const bool beside = !o.tls_listen.empty();
    auto sc = beside ? ocpp::program::server_config({o.host, o.port}, "", "", "")
                     : ocpp::program::server_config({o.host, o.port}, o.tls_cert, o.tls_key, o.tls_client_ca);
    sc.max_http_body = 9 * 1024 * 1024; // a CSV import (8 MiB, refused above with a clear 413); JSON: 64 KiB
    // A firmware upload may be larger (--firmware-max-size): only its own path takes more than the 9 MiB.
    const std::size_t firmware_body =
        static_cast<std::size_t>(o.firmware_max_mib) * 1024 * 1024 + api::kFirmwareFormOverhead;
    sc.max_http_body = std::max(sc.max_http_body, firmware_body);
    for (const auto& proxy : o.trusted_proxies) {
        sc.trusted_proxies.add(proxy); // behind a load balancer: the client's address from its X-Forwarded-For
    }
    for (const auto& proxy : o.tls_proxies) {
        sc.tls_proxies.add(proxy); // one that ends TLS: its "X-Forwarded-Proto: https" counts for the security profile
    }
    using PP = Options::ProxyProtocol;
    sc.proxy_protocol = o.proxy_protocol == PP::Listen || o.proxy_protocol == PP::Both;
    // With N threads, N - 1 loops on one port carry the connections (TLS, WebSocket, HTTP parsing) and every handler
    // of the central system stays on `loop`, the N-th.
    // Unset: one per core from 4 cores on. On 2 cores the hand-over between loops cost more than the second loop
    // gave (bench/README.md, "Every core"), so a small machine keeps one loop unless told otherwise.
    const std::size_t cores = std::max<std::size_t>(1, std::thread::hardware_concurrency());
    const std::size_t threads = o.threads > 0 ? static_cast<std::size_t>(o.threads) : (cores >= 4 ? cores : 1);
    std::unique_ptr<ocpp::net::LoopPool> pool;
    if (threads > 1) {
        pool = std::make_unique<ocpp::net::LoopPool>(threads - 1);
    }
    auto make_server = [&](ocpp::net::ServerConfig config) {
        return pool ? ocpp::net::Server::create_threaded(*loop, *pool, std::move(config), log)
                    : ocpp::net::Server::create(*loop, std::move(config), log);
    };
    auto server = make_server(sc);
    std::unique_ptr<ocpp::net::Server> tls_server;
    if (beside) {
        auto tc = ocpp::program::server_config({o.tls_host, o.tls_port}, o.tls_cert, o.tls_key, o.tls_client_ca);
        tc.max_http_body = sc.max_http_body;
        // No X-Forwarded-For on the TLS listener: a proxy in front of it passes TLS through (profile 3 needs the
        // client certificate) and adds no header, so one there would be the client's own words. With
        // --proxy-protocol the proxy names the client in a PROXY header before the TLS bytes instead; the trusted
        // ranges then say whose header that is, and X-Forwarded-For is judged as the named client's (never believed
        // unless that client is itself one of them).
        if (o.proxy_protocol == PP::TlsListen || o.proxy_protocol == PP::Both) {
            tc.proxy_protocol = true;
            for (const auto& proxy : o.trusted_proxies) {
                tc.trusted_proxies.add(proxy);
            }
        }
        if (tc.tls) {
            tc.tls->client_cert_optional = true;
        }
        tls_server = make_server(tc);
    }
    CentralConfig cc;
    cc.heartbeat_interval = o.heartbeat_interval;
    cc.call_timeout = std::chrono::seconds(o.call_timeout);
    cc.message_rate.per_second = o.max_message_rate;
    cc.message_rate.burst = o.message_burst;
    cc.auto_register = o.auto_register;
    cc.max_samples_per_minute = o.max_samples_per_minute;
    cc.max_firmware_bytes = static_cast<std::size_t>(o.firmware_max_mib) * 1024 * 1024;
    cc.id_backoff = password_backoff(o.password_failures_per_id);
    cc.address_backoff = password_backoff(o.password_failures_per_address);
    for (auto* b : {&cc.id_backoff, &cc.address_backoff}) {
        b->max_delay = std::chrono::seconds(o.password_backoff_max);
        b->forget_after = std::max(b->forget_after, 2 * b->max_delay);
    }
    if (store::is_shared_database(o.db)) {
        cc.credentials_refresh = std::chrono::seconds(2); // other nodes may add chargers or change passwords
    }
    auto central = std::make_unique<CentralSystem>(cc, *loop, *worker, *schemas, log);
    for (const auto& c : *known) {
        central->put_credentials(c.chargebox_id, credentials_of(c));
    }
    central->certificates().configure(*operator_ca, o.ca_passphrase);
    if (const auto& ca = operator_ca->authority) {
        say("operator CA (" + operator_ca->origin + "): " + ca->info().subject.one_line() + ", serial " +
            ca->info().serial_hex + "; chargers' CpoName \"" + operator_ca->cpo_name + "\"");
    }
    // The root a profile upgrade installs on chargers: --tls-root-ca (the CA that signed --tls-cert) when given, else
    // the operator CA in use (when it signed the central system's TLS certificate too).
    if (!o.tls_root_ca.empty()) {
        auto root = ocpp::read_small_file(o.tls_root_ca, 64 * 1024);
        if (!root) {
            say("--tls-root-ca: " + root.error().message);
            return 1;
        }
        central->security_jobs().set_root_certificate([pem = *root] { return pem; });
    } else {
        CentralSystem* cs = central.get();
        central->security_jobs().set_root_certificate([cs] {
            const auto ca = cs->certificates().authority();
            return ca ? ca->certificate_pem() : std::string();
        });
    }
    {
        CentralSystem* cs = central.get();
        central->security_jobs().set_cpo_name([cs] {
            return cs->certificates().authority() ? cs->certificates().operator_ca().cpo_name : std::string();
        });
    }
    {
        std::string dir = o.file_store;
        if (dir.empty()) {
            dir = store::is_shared_database(o.db) ? "ocppkit-files" : db_path + ".files";
        }
        // Firmware (signed, and roll-outs) has shares of its own that chargers' log uploads never push out.
        const std::uint64_t share = std::uint64_t{256} << 20;
        auto files = std::make_unique<FileStore>(
            dir, 1000, std::uint64_t{1} << 30,
            std::vector<FileShare>{{std::string(api::kFirmwareFilePrefix), 100, share}, {"rollout-", 100, share}});
        if (auto opened = files->open(); !opened) {
            say("--file-store: " + opened.error().message);
            return 1;
        }
        central->set_files(std::move(files));
    }
    central->attach(*server);
    auto rollouts = std::make_unique<operations::RolloutScheduler>(*central); // firmware roll-out jobs
    loop->post([&central, &rollouts] {
        central->start_credentials_refresh();
        central->start_certificate_watch();
        central->load_manager().start();
        rollouts->start();
        central->reservations().start();
    });
    ocpp::net::Server* server_ptr = server.get();
    ocpp::net::Server* tls_ptr = tls_server.get();
    ApiConfig api{
        o.api_token,
        [server_ptr, tls_ptr] { return server_ptr->connection_count() + (tls_ptr ? tls_ptr->connection_count() : 0); },
        PortalConfig{o.map_tile_url, !o.api_token.empty(), o.geocoder_url}};
    const ocpp::net::HttpHandler api_handler = make_api_handler(*central, api); // one for both listeners
    server->set_http_handler(api_handler);
    if (tls_server) {
        central->attach(*tls_server);
        tls_server->set_http_handler(api_handler);
    }
    for (auto* s : {server.get(), tls_server.get()}) {
        if (s != nullptr && firmware_body > 9 * 1024 * 1024) {
            // The large body only for a client holding the API's bearer token (any client in lab mode, without one): a
            // stranger's upload is judged by the ordinary limit before its body is read.
            s->set_http_body_limit([firmware_body, token = o.api_token](std::string_view method, std::string_view path,
                                                                        std::string_view authorization) {
                const bool authorized = token.empty() || ocpp::http::bearer_token_matches(authorization, token);
                return method == "POST" && path == "/api/v1/firmware" && authorized ? firmware_body
                                                                                    : std::size_t{9 * 1024 * 1024};
            });
        }
    }
    if (auto listening = server->listen(); !listening) {
        say(listening.error().message);
        return 1;
    }
    if (tls_server) {
        if (auto listening = tls_server->listen(); !listening) {
            say("--tls-listen: " + listening.error().message);
            return 1;
        }
        const std::string tls_where = o.tls_host + ":" + std::to_string(tls_server->port());
        say("TLS listening on " + tls_where + " (chargers: wss://" + tls_where + "/ocpp/<ID>; API: https://" +
            tls_where + "/api/v1/)");
    }
    // Stops the pool's loops before the servers on them go, whichever way this function returns.
    struct PoolStop {
        ocpp::net::LoopPool* pool;
        ~PoolStop() {
            if (pool != nullptr) {
                pool->stop();
            }
        }
    } pool_stop{pool.get()};
    // Profile 3 under a CA imported while running: the listeners that verify client certificates trust the
    // --tls-client-ca file, the operator CA in use and every one imported since the start.
    std::unique_ptr<security::ClientCaTrust> client_cas;
    if (!o.tls_client_ca.empty()) {
        auto started = security::trust_client_cas(central->certificates(), o.tls_client_ca,
                                                  {sc.tls ? server.get() : tls_server.get()}, log);
        if (!started) {
            say("--tls-client-ca: " + started.error().message);
            return 1;
        }
        client_cas = std::move(*started);
    }
    if (store::is_shared_database(o.db)) {
        // Nodes on one database form a cluster: leases, charger ownership, commands forwarded to the owner.
        // Two processes under one id would share their chargers' ownership rows: the second one does not start.
        cluster::ClusterConfig node = cluster_config(o, server->port());
        node.instance = cluster::new_instance_token();
        node.on_lease_lost = [] {
            say("another process holds this node's --node-id now: stopping");
            ::kill(::getpid(), SIGTERM); // the stop signal's orderly shutdown
        };
        if (auto claimed = cluster::claim_node_id(node, *worker, *loop, say); !claimed) {
            say(claimed.error().message);
            return 1;
        }
        central->enable_cluster(node);
        loop->post([&central] { central->start_cluster(); });
    }
    if (pool) {
        pool->start(); // after the node's id is ours: until then connections wait in the kernel's backlog
    }
    const std::string s = sc.tls ? "s" : "";
    // (with --tls-listen the line above names the TLS port)
    const std::string where = o.host + ":" + std::to_string(server->port());
    say("listening on " + where + " (chargers: ws" + s + "://" + where + "/ocpp/<ID>; API: http" + s + "://" + where +
        "/api/v1/; portal: http" + s + "://" + where + "/; " + std::to_string(known->size()) + " chargers in " +
        db_path + (threads > 1 ? "; " + std::to_string(threads - 1) + " connection loops" : "") +
        (o.auto_register ? "; auto-register on" : "") + (o.api_token.empty() ? "; API without token" : "") +
        "); Ctrl-C stops");

    ocpp::program::run_until_stop_signal(
        *loop, [] { say("stopping: closing connections"); },
        [&] {
            central->stop_cluster();
            server->shutdown();
            if (tls_server) {
                tls_server->shutdown();
            }
        });
    if (pool) {
        pool->stop();
    }
    tls_server.reset();
    server.reset();
    rollouts.reset();
    central.reset();
    worker.reset(); // finishes and commits what is queued
    return 0;
}

} // namespace cs
