#include "simulator/scenario/runner.hpp"

#include <cstdio>

#include "ocpp/text/chargebox_id.hpp"
#include "simulator/scenario/charger_run.hpp"
#include "simulator/scenario/listener.hpp"

namespace scen {

std::string charger_id(const std::string& pattern, int index) {
    std::string out;
    std::size_t pos = 0;
    while (pos < pattern.size()) {
        const auto open = pattern.find("{index", pos);
        const auto close = open == std::string::npos ? open : pattern.find('}', open);
        if (close == std::string::npos) {
            break;
        }
        out.append(pattern, pos, open - pos);
        const std::string spec = pattern.substr(open + 6, close - open - 6); // "" or ":04"
        int width = 0;
        if (spec.size() > 1 && spec[0] == ':') {
            width = std::atoi(spec.c_str() + 1);
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "%0*d", width, index);
        out += buf;
        pos = close + 1;
    }
    out.append(pattern, pos, std::string::npos);
    return out;
}

std::optional<std::string> id_pattern_problem(const std::string& pattern, int chargers) {
    for (const int index : {1, chargers}) {
        const std::string id = charger_id(pattern, index);
        if (auto problem = ocpp::check_chargebox_id(id)) {
            const bool printable = problem->kind != ocpp::ChargeboxIdProblem::Kind::Character;
            return "the ID of charger " + std::to_string(index) + (printable ? " (" + id + ")" : std::string()) +
                   " is not a Chargebox ID: " + problem->message;
        }
    }
    return std::nullopt;
}

namespace {

// The chargers of one scenario run and the client they share.
struct ScenarioRun {
    explicit ScenarioRun(const ocpp::Logger& log)
        : peer_log(log.enabled(ocpp::LogLevel::Info) ? ocpp::LogLevel::Info : ocpp::LogLevel::Error) {}
    ocpp::Logger peer_log;
    RunEnv env;
    std::unique_ptr<ocpp::net::Client> client;
    std::unique_ptr<ocpp::net::Client> client_without_certificate; // wss:// with a client certificate only
    std::vector<std::shared_ptr<ChargerRun>> chargers;
    std::vector<ChargerResult> results;
    std::size_t pending = 0;
    std::unique_ptr<FileHost> files;
    std::unique_ptr<Listener> listener;                     // central-system role
    std::map<std::string, std::weak_ptr<ChargerRun>> by_id; // central-system role: the run of each charger
    std::string listening;                                  // the URL the listener is bound to
};

// Sets `field` to the override when there is one.
template <class T> void take(T& field, const std::optional<T>& override_value) {
    if (override_value) {
        field = *override_value;
    }
}

Target with_overrides(Target t, const Overrides& o) {
    take(t.url, o.url);
    if (o.password) {
        t.password = o.password;
    }
    take(t.ca_file, o.ca_file);
    take(t.cert_file, o.cert_file);
    take(t.key_file, o.key_file);
    take(t.api, o.api);
    take(t.api_token, o.api_token);
    take(t.security_profile, o.security_profile);
    return t;
}

// What the target lacks before any charger can connect: {expected, got}, or nothing.
std::optional<std::pair<std::string, std::string>> target_problem(const Target& t) {
    if (t.url.empty()) {
        return std::make_pair("a target URL (target.url in the file, or --url)", "none");
    }
    const bool wss = t.url.rfind("wss://", 0) == 0;
    if (t.cert_file.empty() != t.key_file.empty()) {
        return std::make_pair("a client certificate with its key (target.cert and target.key, or --cert and --key)",
                              t.cert_file.empty() ? "only a key" : "only a certificate");
    }
    if (t.security_profile >= 2 && !wss) {
        return std::make_pair("a wss:// URL for security profile " + std::to_string(t.security_profile), t.url);
    }
    if (t.password && (t.security_profile == 0 || t.security_profile == 3)) {
        // Profiles 0 and 3 send no HTTP Basic password: taking it silently would test something else than asked.
        return std::make_pair("security profile 1 or 2 for a password (target.security_profile, or --security-profile "
                              "1): profiles 0 and 3 send none",
                              "security profile " + std::to_string(t.security_profile));
    }
    if (t.security_profile == 3 && t.cert_file.empty()) {
        return std::make_pair("a client certificate for security profile 3 (target.cert and target.key, or --cert "
                              "and --key)",
                              "none");
    }
    return std::nullopt;
}

// Central-system role: binds the listener; {expected, got} when it cannot.
std::optional<std::pair<std::string, std::string>>
listen_setup(ScenarioRun& run, ocpp::net::EventLoop& loop, const std::optional<ListenUrl>& at, const ListenTls& tls,
             const ocpp::validation::Registry& schemas, const ocpp::Logger& log) {
    if (!at) {
        return std::make_pair("a listen URL such as ws://127.0.0.1:0/ocpp (listen: in the file, or --listen)",
                              "an unusable one");
    }
    if (auto problem = listen_tls_problem(*at, tls)) {
        return std::make_pair("TLS settings that fit the listen URL", *problem);
    }
    run.listener = std::make_unique<Listener>(loop, schemas, log, run.peer_log, [&run](const std::string& id) {
        auto it = run.by_id.find(id);
        return it == run.by_id.end() ? nullptr : it->second.lock();
    });
    auto url = run.listener->listen(*at, tls);
    if (!url) {
        return std::make_pair("a socket to listen on for chargers", url.error().message);
    }
    run.listening = *url;
    return std::nullopt;
}

// run_scenario() with the process's TransferService (run_all shares one among its runs, as the fleet does).
std::shared_ptr<ScenarioRun> run_with(ocpp::net::EventLoop& loop, const Scenario& scenario, const Overrides& overrides,
                                      const ocpp::validation::Registry& schemas, const ocpp::Logger& log,
                                      RestClient* rest, ocpp::transfer::TransferService& transfers,
                                      std::function<void(std::vector<ChargerResult>)> done,
                                      const std::function<void(const std::string&)>& on_listening) {
    auto run = std::make_shared<ScenarioRun>(log);
    run->env.peer_log = &run->peer_log;
    run->env.scenario = &scenario;
    run->env.target = with_overrides(scenario.target, overrides);
    run->env.schemas = &schemas;
    run->env.log = &log;
    run->env.rest = rest;
    run->env.loop = &loop;
    ocpp::net::ClientConfig cfg;
    cfg.max_message_size = 256 * 1024; // room for oversize faults going out; answers are small
    if (run->env.target.url.rfind("wss://", 0) == 0) {
        ocpp::net::ClientTlsConfig tls;
        tls.ca_file = run->env.target.ca_file;
        if (!run->env.target.cert_file.empty()) {
            // `connect: {certificate: none}` uses a client that has the CA but no certificate.
            cfg.tls = tls;
            run->client_without_certificate = ocpp::net::Client::create(loop, cfg, log);
        }
        tls.cert_file = run->env.target.cert_file;
        tls.key_file = run->env.target.key_file;
        cfg.tls = tls;
    }
    run->client = ocpp::net::Client::create(loop, cfg, log);
    run->env.client = run->client.get();
    run->env.client_without_certificate =
        run->client_without_certificate ? run->client_without_certificate.get() : run->client.get();
    const int n = overrides.chargers ? *overrides.chargers : scenario.chargers;
    run->env.id_pattern = overrides.id_pattern ? *overrides.id_pattern : scenario.id_pattern;
    if (n > 1 && run->env.id_pattern.find("{index") == std::string::npos) {
        run->env.id_pattern += "{index:04}";
    }
    run->pending = static_cast<std::size_t>(n);
    std::weak_ptr<ScenarioRun> weak = run;
    auto finished = std::make_shared<std::function<void(std::vector<ChargerResult>)>>(std::move(done));
    run->env.role = scenario.role;
    const std::string listen = overrides.listen ? *overrides.listen : scenario.listen;
    const auto listen_at = parse_listen_url(listen.empty() ? "ws://127.0.0.1:0/ocpp" : listen);
    run->files = std::make_unique<FileHost>(loop, listen_at ? listen_at->host : "127.0.0.1", log);
    run->env.files = run->files.get();
    run->env.transfers = &transfers;
    ListenTls listen_tls = scenario.listen_tls;
    take(listen_tls.cert_file, overrides.listen_cert);
    take(listen_tls.key_file, overrides.listen_key);
    take(listen_tls.client_ca_file, overrides.listen_client_ca);
    const auto problem = scenario.role == Role::CentralSystem
                             ? listen_setup(*run, loop, listen_at, listen_tls, schemas, log)
                             : target_problem(run->env.target);
    if (problem) {
        ChargerResult r;
        r.scenario = scenario.name;
        r.file = scenario.file;
        r.passed = false;
        r.failure = Failure{"", {}, "target", problem->first, problem->second};
        loop.post([finished, r] { (*finished)({r}); });
        return run;
    }
    for (int i = 1; i <= n; ++i) {
        auto c = std::make_shared<ChargerRun>(run->env, i, [weak, finished](ChargerResult r) {
            auto self = weak.lock();
            if (!self) {
                return;
            }
            self->results.push_back(std::move(r));
            if (--self->pending == 0) {
                // Free the ports for the next scenario, which may listen on the same one.
                if (self->listener) {
                    self->listener->shutdown();
                }
                self->files->shutdown();
                (*finished)(std::move(self->results));
            }
        });
        run->chargers.push_back(c);
        run->by_id[c->id()] = c;
    }
    if (run->listener && on_listening) {
        on_listening(run->listening);
    }
    for (const auto& c : run->chargers) {
        c->start();
    }
    return run;
}

} // namespace

std::shared_ptr<void> run_scenario(ocpp::net::EventLoop& loop, const Scenario& scenario, const Overrides& overrides,
                                   const ocpp::validation::Registry& schemas, const ocpp::Logger& log, RestClient* rest,
                                   std::function<void(std::vector<ChargerResult>)> done,
                                   const std::function<void(const std::string&)>& on_listening) {
    // A run on its own owns its transfers; they are joined when the handle goes (after the loop, per the contract).
    struct Own {
        std::unique_ptr<ocpp::transfer::TransferService> transfers;
        std::shared_ptr<ScenarioRun> run;
    };
    auto own = std::make_shared<Own>();
    ocpp::transfer::TransferLimits limits;
    limits.threads = 2;
    own->transfers = std::make_unique<ocpp::transfer::TransferService>(limits);
    own->run = run_with(loop, scenario, overrides, schemas, log, rest, *own->transfers, std::move(done), on_listening);
    return std::shared_ptr<void>(own, own->run.get());
}

std::vector<ChargerResult> run_all(const std::vector<Scenario>& scenarios, const Overrides& overrides,
                                   const ocpp::Logger& log, RestClient* rest,
                                   const std::function<void(const ChargerResult&)>& on_result,
                                   const std::function<void(const std::string&)>& on_listening) {
    std::vector<ChargerResult> all;
    auto schemas = ocpp::validation::Registry::v16();
    if (!schemas) {
        ChargerResult r;
        r.passed = false;
        r.failure = Failure{"", {}, "setup", "the OCPP 1.6 schemas", schemas.error().message};
        return {r};
    }
    auto loop = ocpp::net::EventLoop::create();
    // One for every run (as the fleet does): its threads start once, and it is joined here, off the loop, after the
    // runs that hold its handles are gone.
    ocpp::transfer::TransferLimits limits;
    limits.threads = 2; // fetch and upload steps, two transfers at a time
    ocpp::transfer::TransferService transfers(limits);
    std::vector<std::shared_ptr<void>> runs;
    std::size_t next = 0;
    std::function<void()> start_next = [&] {
        if (next >= scenarios.size()) {
            loop->stop();
            return;
        }
        const Scenario& s = scenarios[next++];
        runs.push_back(run_with(
            *loop, s, overrides, *schemas, log, rest, transfers,
            [&](std::vector<ChargerResult> rs) {
                for (auto& r : rs) {
                    if (on_result) {
                        on_result(r);
                    }
                    all.push_back(std::move(r));
                }
                loop->post([&] { start_next(); });
            },
            on_listening));
    };
    loop->post([&] { start_next(); });
    loop->run();
    runs.clear();
    return all;
}

} // namespace scen
