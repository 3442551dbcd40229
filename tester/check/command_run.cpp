// run_check: wires the database, the server and one TestRun on an event loop, shows the checklist, and on a pass
// issues the claiming code through the store worker (hashing the password there, off the loop).
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/net/session.hpp"
#include "ocpp/system/small_file.hpp"
#include "ocpp/system/stop_signals.hpp"
#include "store/claims.hpp"
#include "store/database.hpp"
#include "store/worker.hpp"
#include "tester/capture/capture.hpp"
#include "tester/check/command.hpp"
#include "tester/checks/checklist.hpp"
#include "tester/checks/checks.hpp"
#include "tester/checks/profiles/file_host.hpp"
#include "tester/checks/profiles/security.hpp"
#include "tester/checks/test_run.hpp"
#include "tester/report/html.hpp"
#include "tester/report/json.hpp"
#include "tester/report/junit.hpp"
#include "tester/serve/claim_issue.hpp"

namespace tester {

namespace {

std::string random_test_id() {
    std::random_device rd;
    char buf[16];
    std::snprintf(buf, sizeof buf, "t-%08x", rd());
    return buf;
}

// The address a charger on the local network would use: the first non-loopback IPv4 address that is up.
std::string local_address() {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) {
        return {};
    }
    std::string found;
    for (ifaddrs* a = list; a && found.empty(); a = a->ifa_next) {
        if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET && (a->ifa_flags & IFF_UP) &&
            !(a->ifa_flags & IFF_LOOPBACK)) {
            char text[INET_ADDRSTRLEN];
            const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
            if (::inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text)) {
                found = text;
            }
        }
    }
    ::freeifaddrs(list);
    return found;
}

std::string url_host(const CheckOptions& o) {
    std::string host = o.public_host;
    if (host.empty()) {
        host = (o.host == "0.0.0.0" || o.host == "::" || o.host.empty()) ? local_address() : o.host;
    }
    if (host.empty()) {
        host = "127.0.0.1";
    }
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

void print_header(const CheckOptions& o, const TestConfig& tc) {
    const auto cut = tc.url.rfind('/');
    const std::string secure = tc.tls_url.empty()
                                   ? std::string()
                                   : "  TLS URL (profile 2)  " + tc.tls_url.substr(0, tc.tls_url.rfind('/')) +
                                         "   (after the security group's upgrade)\n";
    std::string password = "none (security profile 0)";
    if (o.password) {
        password = "the one given with --password";
    } else if (o.accept_any_password) {
        password = "any: the tester captures it";
    }
    std::printf(
        "ocpp-tester check: OCPP 1.6-J connectivity test %s\n"
        "Configure the charger:\n"
        "  Central system URL   %s   (whole URL: %s)\n"
        "  Chargebox ID         %s\n"
        "%s"
        "  HTTP Basic password  %s\n"
        "Waiting up to %lld s for the charger; the tester sets a heartbeat interval of %lld s. Ctrl-C stops.\n\n",
        tc.test_id.c_str(), tc.url.substr(0, cut).c_str(), tc.url.c_str(), tc.chargebox_id.c_str(), secure.c_str(),
        password.c_str(), static_cast<long long>(tc.timeout.count()),
        static_cast<long long>(tc.heartbeat_interval.count()));
    std::fflush(stdout);
}

void write_outputs(const CheckOptions& o, const Report& report) {
    auto write = [](const std::string& path, std::string_view text, const char* what) {
        if (path.empty()) {
            return;
        }
        if (auto r = write_file(path, text); !r) {
            std::fprintf(stderr, "ocpp-tester check: cannot write the %s: %s\n", what, r.error().message.c_str());
        } else {
            std::printf("Wrote the %s to %s\n", what, path.c_str());
        }
    };
    write(o.report_file, to_json(report), "JSON report");
    if (!o.report_file.empty()) {
        write(capture_path_for(o.report_file), report.capture.text(), "frame capture");
    }
    write(o.junit_file, to_junit(report), "JUnit report");
    write(o.html_file, to_html(report), "HTML report");
}

// Why a report could not be written to `path`, or "" when it can: the directory must exist and be writable, and
// the path must not be a directory. Checked at start, so that a typo does not cost a whole test.
std::string output_problem(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        return "is a directory";
    }
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    if (::stat(dir.c_str(), &st) != 0) {
        return "cannot be written: directory \"" + dir + "\": " + std::strerror(errno);
    }
    if (!S_ISDIR(st.st_mode)) {
        return "cannot be written: \"" + dir + "\" is not a directory";
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        return "cannot be written: directory \"" + dir + "\": " + std::strerror(errno);
    }
    return {};
}

void print_failure(const Report& report) {
    std::vector<std::string> failed;
    for (const auto& c : report.checks) {
        if (c.verdict == Verdict::Fail) {
            failed.push_back(c.id);
        }
    }
    std::printf("\nFAILED: %zu check%s failed: %s. No claiming code.\n"
                "Fix what the hints (→) say, then run the test again.\n",
                failed.size(), failed.size() == 1 ? "" : "s", join_list(failed).c_str());
}

void print_code(const Report& report, const CheckOptions& o) {
    int warnings = 0;
    for (const auto& c : report.checks) {
        warnings += c.verdict == Verdict::Warn ? 1 : 0;
    }
    const std::string code = *report.claim_code;
    const std::string inner = "  Claiming code:  " + code + "  ";
    std::string bar;
    for (std::size_t i = 0; i < inner.size(); ++i) {
        bar += "─";
    }
    std::printf("\nPASSED: no check failed (%d warning%s).\n\n"
                "    ┌%s┐\n    │%s│\n    └%s┘\n\n"
                "Give this code to the operator: it adds %s to the central system with its password and the facts "
                "the tester saw.\nIt works once and is valid until %s. Stored in %s.\n",
                warnings, warnings == 1 ? "" : "s", bar.c_str(), inner.c_str(), bar.c_str(),
                report.charger.chargebox_id.c_str(), ocpp::format_datetime(report.claim_expires).c_str(),
                store::redacted_url(o.db_url).c_str());
}

// The security group's certificates: the client CA (profile 3) and the root the charger must trust.
ocpp::Result<void> security_files(const CheckOptions& o, TestConfig& tc) {
    if (!o.tls_client_ca.empty()) {
        auto ca = ocpp::read_small_file(o.tls_client_ca);
        if (!ca) {
            return ocpp::make_error("--tls-client-ca: " + ca.error().message);
        }
        tc.client_ca_pem = std::move(*ca);
    }
    const std::string& root_file = o.tls_root.empty() ? o.tls_cert : o.tls_root;
    if (root_file.empty()) {
        return {};
    }
    auto pem = ocpp::read_small_file(root_file);
    if (!pem) {
        return ocpp::make_error((o.tls_root.empty() ? "--tls-cert: " : "--tls-root: ") + pem.error().message);
    }
    tc.root_certificate_pem = o.tls_root.empty() ? profiles::root_of_chain(*pem) : *pem;
    tc.root_certificate_file = root_file;
    return {};
}

} // namespace

int run_check(const CheckOptions& o) {
    const std::pair<const char*, std::string> outputs[] = {
        {"--report", o.report_file},
        {"--report (the capture beside it)", o.report_file.empty() ? "" : capture_path_for(o.report_file)},
        {"--junit", o.junit_file},
        {"--html", o.html_file}};
    for (const auto& [flag, path] : outputs) {
        if (path.empty()) {
            continue;
        }
        if (auto problem = output_problem(path); !problem.empty()) {
            std::fprintf(stderr, "ocpp-tester check: %s \"%s\" %s\n", flag, path.c_str(), problem.c_str());
            return 2;
        }
    }
    ocpp::Logger log(o.log_level);
    auto db = store::open_database(o.db_url);
    if (!db) {
        std::fprintf(stderr, "ocpp-tester check: cannot open the database %s: %s\n",
                     store::redacted_url(o.db_url).c_str(), db.error().message.c_str());
        return 2;
    }
    store::StoreWorker worker(std::move(*db));
    auto schemas = ocpp::validation::Registry::v16();
    if (!schemas) {
        std::fprintf(stderr, "ocpp-tester check: %s\n", schemas.error().message.c_str());
        return 2;
    }

    auto loop = ocpp::net::EventLoop::create();
    ocpp::net::ServerConfig sc;
    sc.host = o.host;
    sc.port = o.port;
    sc.max_connections = 64;
    sc.max_http_body = profiles::kMaxHttpBody; // diagnostics uploads; nothing else takes a body here
    std::optional<ocpp::net::ServerTlsConfig> tls;
    if (!o.tls_cert.empty()) {
        tls = ocpp::net::ServerTlsConfig{o.tls_cert, o.tls_key, o.tls_client_ca, false};
        tls->record_client_details = true; // the TLS and client-certificate checks report them
    }
    if (!o.tls_listen) {
        sc.tls = tls;
    }
    std::shared_ptr<TestRun> run;
    auto wire = [&](ocpp::net::Server& server) {
        server.set_handshake_hook([&](const ocpp::net::HandshakeInfo& info) { return run->on_handshake(info); });
        server.set_reject_handler([&](const ocpp::net::RejectedHandshake& r) { run->on_rejected(r); });
        server.set_open_handler([&](ocpp::net::SessionPtr s) { run->on_open(std::move(s)); });
        // The firmware group's files and upload endpoints; nothing else is served over plain HTTP.
        // Only a live upload path takes a large body; anything else is refused before its body is read.
        server.set_http_body_limit([&](std::string_view method, std::string_view path, std::string_view) {
            const std::size_t limit = run ? run->http_body_limit(method, path) : 0;
            return limit != 0 ? limit : std::size_t{64 * 1024};
        });
        server.set_http_handler([&](const ocpp::net::HttpRequest& req, ocpp::net::HttpResponder respond) {
            if (!run || !run->on_http(req, respond)) {
                respond({404, {{"Content-Type", "text/plain"}}, "not found\n", nullptr});
            }
        });
    };
    auto server = ocpp::net::Server::create(*loop, sc, log);
    wire(*server);
    if (auto listening = server->listen(); !listening) {
        std::fprintf(stderr, "ocpp-tester check: cannot listen on %s:%u: %s\n", o.host.c_str(), o.port,
                     listening.error().message.c_str());
        return 2;
    }
    // The TLS listener beside the plain one (--tls-listen): the charger's connection after its upgrade.
    std::unique_ptr<ocpp::net::Server> tls_server;
    if (o.tls_listen) {
        ocpp::net::ServerConfig tsc = sc;
        tsc.host = o.tls_host;
        tsc.port = o.tls_port;
        tsc.tls = tls;
        tls_server = ocpp::net::Server::create(*loop, tsc, log);
        wire(*tls_server);
        if (auto listening = tls_server->listen(); !listening) {
            std::fprintf(stderr, "ocpp-tester check: cannot listen on %s:%u: %s\n", o.tls_host.c_str(), o.tls_port,
                         listening.error().message.c_str());
            return 2;
        }
    }
    auto connections = [&] { return server->connection_count() + (tls_server ? tls_server->connection_count() : 0); };
    auto shutdown = [&] {
        server->shutdown();
        if (tls_server) {
            tls_server->shutdown();
        }
    };

    TestConfig tc;
    tc.test_id = random_test_id();
    tc.chargebox_id = o.chargebox_id;
    tc.password = o.password;
    tc.accept_any_password = o.accept_any_password;
    tc.tls = sc.tls.has_value();
    if (auto security = security_files(o, tc); !security) {
        std::fprintf(stderr, "ocpp-tester check: %s\n", security.error().message.c_str());
        return 2;
    }
    tc.client_certificates = !o.tls_client_ca.empty();
    tc.timeout = o.timeout;
    tc.heartbeat_interval = o.heartbeat_interval;
    tc.call_timeout = o.call_timeout;
    tc.message_rate.per_second = o.max_message_rate;
    tc.message_rate.burst = o.message_burst;
    tc.charging_test = o.charging_test;
    tc.charging_time = o.charging_time;
    tc.profiles = o.profiles;
    tc.url = std::string(tc.tls ? "wss://" : "ws://") + url_host(o) + ":" + std::to_string(server->port()) + "/ocpp/" +
             ocpp::net::percent_encode(o.chargebox_id);
    if (tls_server) {
        CheckOptions tls_options = o;
        tls_options.host = o.tls_host;
        tc.tls_url = "wss://" + url_host(tls_options) + ":" + std::to_string(tls_server->port()) + "/ocpp/" +
                     ocpp::net::percent_encode(o.chargebox_id);
    }
    run = TestRun::create(tc, *loop, *schemas, log);
    print_header(o, tc);

    Checklist checklist(stdout, Checklist::detect(stdout));
    int exit_code = 1;
    auto poll = loop->make_timer();
    std::function<void()> watch_signals;
    std::function<void(int)> wind_down = [&](int attempts) {
        // Let the charger's connection close cleanly (bounded), then stop.
        if (connections() > 0 && attempts < 50) {
            poll->start(std::chrono::milliseconds(20), [&, attempts] { wind_down(attempts + 1); });
            return;
        }
        shutdown();
        loop->stop();
    };
    run->set_change_handler([&](const Check&) {
        if (!run->finished()) {
            checklist.update(run->report().checks);
        }
    });
    run->set_finish_handler([&](const Report&) {
        loop->post([&] {
            Report report = run->report();
            checklist.finish(report.checks);
            if (!report.passed()) {
                print_failure(report);
                write_outputs(o, report);
                wind_down(0);
                return;
            }
            auto claimed = [&, report](ocpp::Result<std::string> code) mutable {
                if (!code) {
                    std::printf("\nAll checks passed, but the claiming code could not be stored in %s: %s\n",
                                o.db_url.c_str(), code.error().message.c_str());
                } else {
                    report.claim_code = *code;
                    report.claim_expires = ocpp::DateTime::now() + o.claim_valid_for;
                    print_code(report, o);
                    exit_code = 0;
                }
                write_outputs(o, report);
                wind_down(0);
            };
            if (!submit_claim(worker, claim_of(report, ocpp::DateTime::now()), run->charger_password(),
                              std::chrono::duration_cast<std::chrono::seconds>(o.claim_valid_for), *loop, claimed)) {
                claimed(ocpp::make_error("the database is too busy"));
            }
        });
    });
    // The first SIGINT/SIGTERM aborts the test (the outputs are still written); a second one ends at once.
    ocpp::StopSignals signals;
    auto signal_poll = loop->make_timer();
    watch_signals = [&] {
        if (signals.count() >= 2) {
            shutdown();
            loop->stop();
            return;
        }
        if (signals.count() == 1 && !run->finished()) {
            run->abort("interrupted (Ctrl-C)");
        }
        signal_poll->start(std::chrono::milliseconds(100), watch_signals);
    };
    loop->post([&] {
        run->start();
        checklist.update(run->report().checks);
        watch_signals();
    });
    loop->run();
    std::fflush(stdout);
    return exit_code;
}

} // namespace tester
