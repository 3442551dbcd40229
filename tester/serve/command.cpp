#include "tester/serve/command.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/program/flags.hpp"
#include "ocpp/program/serve_loop.hpp"
#include "ocpp/system/env_settings.hpp"
#include "ocpp/system/small_file.hpp"
#include "store/claims.hpp"
#include "store/database.hpp"
#include "store/worker.hpp"
#include "tester/checks/profiles/file_host.hpp"
#include "tester/checks/profiles/security.hpp"
#include "tester/serve/api.hpp"
#include "tester/serve/service.hpp"
#include "tester/web/installer_page.hpp"

namespace tester {

namespace {

// Requests to the API and the pages; a diagnostics upload to a test's /files/ path may be larger (kMaxHttpBody).
constexpr std::size_t kMaxBody = 64 * 1024;

void say(const std::string& line) {
    std::fprintf(stderr, "ocpp-tester serve: %s\n", line.c_str());
    std::fflush(stderr);
}

// The security group's certificates: the client CA (profile 3) and the root chargers must trust after the upgrade.
ocpp::Result<void> security_certificates(const ServeOptions& o, ServiceConfig& config) {
    if (!o.tls_client_ca.empty()) {
        auto ca = ocpp::read_small_file(o.tls_client_ca);
        if (!ca) {
            return ocpp::make_error("--tls-client-ca: " + ca.error().message);
        }
        config.client_ca_pem = std::move(*ca);
    }
    const std::string& root_file = o.tls_root.empty() ? o.tls_cert : o.tls_root;
    if (root_file.empty()) {
        return {};
    }
    auto pem = ocpp::read_small_file(root_file);
    if (!pem) {
        return ocpp::make_error((o.tls_root.empty() ? "--tls-cert: " : "--tls-root: ") + pem.error().message);
    }
    config.root_certificate_pem = o.tls_root.empty() ? profiles::root_of_chain(*pem) : *pem;
    config.root_certificate_file = root_file;
    return {};
}

} // namespace

} // namespace tester

int run_serve(int argc, char** argv) {
    using namespace tester;
    auto parsed = parse_serve_options(argc, argv);
    if (!parsed) {
        std::fprintf(stderr, "ocpp-tester serve: %s (see --help)\n", parsed.error().message.c_str());
        return 2;
    }
    const ServeOptions& o = *parsed;
    if (o.help) {
        std::fputs(serve_usage().c_str(), stdout);
        return 0;
    }
    for (const auto& warning : o.warnings) {
        say("warning: " + warning);
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

    // Destroyed in reverse: the server and the service first (loop stopped), then the worker, then the loop.
    auto loop = ocpp::net::EventLoop::create();
    auto worker = std::make_unique<store::StoreWorker>(std::move(db.connection));
    auto sc = ocpp::program::server_config({o.host, o.port}, o.tls_cert, o.tls_key, o.tls_client_ca);
    // The port takes a diagnostics upload (the firmware group); every other request keeps its body under kMaxBody,
    // refused before it is read (body_limit below), so a stranger cannot make the tester hold 16 MiB per connection.
    sc.max_http_body = profiles::kMaxHttpBody;
    if (sc.tls) {
        sc.tls->record_client_details = true; // the TLS and client-certificate checks report them
    }
    // With --tls-listen the TLS settings go to a second listener; --listen stays plain.
    std::unique_ptr<ocpp::net::Server> tls_server;
    if (o.tls_listen) {
        auto tsc = sc;
        tsc.host = o.tls_listen_host;
        tsc.port = o.tls_listen_port;
        sc.tls.reset();
        tls_server = ocpp::net::Server::create(*loop, tsc, log);
    }
    auto server = ocpp::net::Server::create(*loop, sc, log);

    ServiceConfig config;
    config.public_url = o.public_url;
    config.tls = sc.tls.has_value();
    config.client_certificates = !o.tls_client_ca.empty();
    if (auto security = security_certificates(o, config); !security) {
        say(security.error().message);
        return 1;
    }
    config.heartbeat_interval = std::chrono::seconds(o.heartbeat_interval);
    config.timeout = std::chrono::seconds(o.timeout);
    config.max_tests = o.max_tests;
    config.charging_time = std::chrono::seconds(o.charging_seconds);
    config.profiles = o.profiles;
    config.max_kept_bytes = o.max_kept_tests_mb << 20;
    config.capture_budget = o.max_capture_kb << 10;
    config.max_frames_per_window = o.max_frame_rate * 10;
    config.max_tests_per_address = o.max_tests_per_address;
    config.max_starts_per_minute = o.max_starts_per_minute;
    config.message_rate.per_second = o.max_message_rate;
    config.message_rate.burst = o.message_burst;
    auto service = TestService::create(config, *loop, *schemas, log, worker.get());
    service->attach(*server);
    if (tls_server) {
        service->attach(*tls_server);
        if (auto listening = tls_server->listen(); !listening) {
            say(listening.error().message);
            return 1;
        }
        service->set_tls_port(tls_server->port());
        say("TLS listener for the security group's upgrade on " + o.tls_listen_host + ":" +
            std::to_string(tls_server->port()));
    }
    const ocpp::net::HttpBodyLimit body_limit = [service](std::string_view method, std::string_view path,
                                                          std::string_view) {
        const std::size_t limit = service->http_body_limit(method, path);
        return limit != 0 ? limit : kMaxBody;
    };
    server->set_http_body_limit(body_limit);
    if (tls_server) {
        tls_server->set_http_body_limit(body_limit);
    }
    ocpp::net::Server* server_ptr = server.get();
    auto web = make_web_handler(
        make_api_handler(service, ApiConfig{o.api_token, [server_ptr] { return server_ptr->connection_count(); }}));
    // A running test's files and diagnostics uploads (the firmware group) come first; their paths hold a token.
    server->set_http_handler([service, web](const ocpp::net::HttpRequest& req, ocpp::net::HttpResponder respond) {
        if (req.path.rfind("/files/", 0) == 0 && service->serve_file(req, respond)) {
            return;
        }
        if (req.body.size() > kMaxBody) {
            respond({413,
                     {{"Content-Type", "text/plain"}},
                     "the request body exceeds " + std::to_string(kMaxBody) + " bytes\n",
                     nullptr});
            return;
        }
        web(req, std::move(respond));
    });
    if (auto listening = server->listen(); !listening) {
        say(listening.error().message);
        return 1;
    }
    const std::string scheme = config.tls ? "s" : "";
    const std::string where = o.host + ":" + std::to_string(server->port());
    say("listening on " + where + " (chargers: ws" + scheme + "://" + where + "/ocpp/<ID>; installer page: http" +
        scheme + "://" + where + "/; API: /api/v1/tests" + (o.api_token.empty() ? ", no token" : ", token required") +
        "; claims in " + db_path + "); Ctrl-C stops");
    if (o.api_token.empty() && !is_loopback(o.host)) {
        say("warning: --no-api-token: anyone who reaches this port can start and list tests and read their claiming "
            "codes");
    }

    ocpp::program::run_until_stop_signal(
        *loop, [] { say("stopping: aborting the tests in progress and closing connections"); },
        [&] {
            service->abort_all("the tester is shutting down");
            server->shutdown();
            if (tls_server) {
                tls_server->shutdown();
            }
        });
    tls_server.reset();
    server.reset();
    service.reset();
    worker.reset();
    return 0;
}
