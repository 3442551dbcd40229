// ocpp-bench-migration-cs: a central system for the security migration benchmark (bench/security_migration.sh). It
// listens plain and over TLS and answers the Core messages of a charge point at once. After every BootNotification
// that arrives over the plain listener it sends InstallCertificate (its root, CentralSystemRootCertificate) and then
// ChangeConfiguration SecurityProfile 2; the charger comes back over the TLS listener. Every frame is validated
// strictly; HTTP Basic passwords are not checked (a benchmark of the migration, not of authentication).
//
//   ocpp-bench-migration-cs --tls-cert PEM --tls-key PEM --root PEM [--listen HOST] [--expect N]
//                           [--log-level warn]
//
// Prints "PLAIN_PORT TLS_PORT" as the first stdout line. With --expect N it prints "booted N in S s" when the N-th
// boot over plain arrives and "migrated N in S s (first InstallCertificate to N-th boot over TLS)" when the N-th
// boot over TLS arrives; with --expect the migration starts 5 s after the N-th boot over plain (so that the
// memory of the booted fleet can be read before it). On SIGINT or SIGTERM it prints the totals to stderr.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench/flags.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/system/stop_signals.hpp"
#include "ocpp/v16/messages.hpp"

using namespace ocpp;
using namespace ocpp::v16;

namespace {

struct Options {
    std::string host = "127.0.0.1";
    std::string tls_cert, tls_key, root_file;
    std::uint64_t expect = 0;
    LogLevel log_level = LogLevel::Warn;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr,
                 "ocpp-bench-migration-cs: %s\nusage: ocpp-bench-migration-cs --tls-cert PEM --tls-key PEM --root PEM "
                 "[--listen HOST] [--expect N] [--log-level LEVEL]\n",
                 message.c_str());
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    bench::each_flag(argc, argv, usage_error, [&](const std::string& flag, const std::string& v) {
        if (flag == "--listen") {
            o.host = v;
        } else if (flag == "--tls-cert") {
            o.tls_cert = v;
        } else if (flag == "--tls-key") {
            o.tls_key = v;
        } else if (flag == "--root") {
            o.root_file = v;
        } else if (flag == "--expect") {
            o.expect = std::strtoull(v.c_str(), nullptr, 10);
        } else if (flag == "--log-level") {
            if (!parse_log_level(v, o.log_level)) {
                usage_error("--log-level: expected debug, info, warn, error or off, got \"" + v + "\"");
            }
        } else {
            usage_error("unknown option " + flag);
        }
    });
    if (o.tls_cert.empty() || o.tls_key.empty() || o.root_file.empty()) {
        usage_error("--tls-cert, --tls-key and --root are required");
    }
    return o;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One loop: every counter lives on it, the main thread reads them only after the loop stopped.
class MigrationCs {
public:
    MigrationCs(Options options, std::string root, const validation::Registry& schemas, const Logger& log)
        : options_(std::move(options))
        , root_(std::move(root))
        , schemas_(schemas)
        , log_(log)
        , loop_(net::EventLoop::create()) {}

    bool listen() {
        for (const bool tls : {false, true}) {
            net::ServerConfig cfg;
            cfg.host = options_.host;
            cfg.open_handshake_timeout = std::chrono::seconds(60);
            if (tls) {
                cfg.tls = net::ServerTlsConfig{options_.tls_cert, options_.tls_key, "", false};
            }
            auto server = net::Server::create(*loop_, cfg, log_);
            server->set_open_handler([this, tls](net::SessionPtr session) { on_open(std::move(session), tls); });
            if (auto listening = server->listen(); !listening) {
                std::fprintf(stderr, "ocpp-bench-migration-cs: %s\n", listening.error().message.c_str());
                return false;
            }
            (tls ? tls_ : plain_) = std::move(server);
        }
        std::printf("%u %u\n", static_cast<unsigned>(plain_->port()), static_cast<unsigned>(tls_->port()));
        std::fflush(stdout);
        return true;
    }
    void start() {
        thread_ = std::thread([this] { loop_->run(); });
    }
    void stop() {
        loop_->stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    std::string totals() const {
        return "boots plain " + std::to_string(boots_plain_) + " tls " + std::to_string(boots_tls_) +
               "; InstallCertificate accepted " + std::to_string(installed_) + " other " +
               std::to_string(install_other_) + "; SecurityProfile 2 accepted " + std::to_string(upgraded_) +
               " other " + std::to_string(upgrade_other_);
    }

private:
    void on_open(net::SessionPtr session, bool tls) {
        PeerConfig pc;
        pc.mode = validation::Mode::Strict;
        const std::uint64_t id = session->id();
        auto peer = Peer::create(std::move(session), schemas_, pc, log_);
        std::weak_ptr<Peer> weak = peer;
        peer->on<BootNotificationReq>([this, weak, tls](const BootNotificationReq&, Reply<BootNotificationConf> r) {
            r(BootNotificationConf{DateTime::now(), 3600, RegistrationStatus::Accepted});
            if (tls) {
                if (++boots_tls_ == options_.expect) {
                    std::printf("migrated %llu in %.2f s (first InstallCertificate to N-th boot over TLS)\n",
                                static_cast<unsigned long long>(boots_tls_), seconds_since(first_install_));
                    std::fflush(stdout);
                }
                return;
            }
            if (boots_plain_++ == 0) {
                first_boot_ = std::chrono::steady_clock::now();
            }
            if (options_.expect == 0) {
                loop_->post([this, weak] { migrate(weak); });
                return;
            }
            waiting_.push_back(weak); // the migration starts when the whole fleet is in (memory before/after)
            if (boots_plain_ == options_.expect) {
                std::printf("booted %llu in %.2f s\n", static_cast<unsigned long long>(boots_plain_),
                            seconds_since(first_boot_));
                std::fflush(stdout);
                loop_->post([this] { migrate_all(); });
            }
        });
        peer->on<StatusNotificationReq>(
            [](const StatusNotificationReq&, Reply<StatusNotificationConf> r) { r(StatusNotificationConf{}); });
        peer->on<HeartbeatReq>([](const HeartbeatReq&, Reply<HeartbeatConf> r) { r(HeartbeatConf{DateTime::now()}); });
        peer->on<SecurityEventNotificationReq>(
            [](const SecurityEventNotificationReq&, Reply<SecurityEventNotificationConf> r) {
                r(SecurityEventNotificationConf{});
            });
        peer->set_close_handler([this, id](const net::CloseInfo&) { peers_.erase(id); });
        peers_.emplace(id, std::move(peer));
    }

    // After a pause for the memory reading of the booted fleet (bench/security_migration.sh).
    void migrate_all() {
        pause_ = loop_->make_timer();
        pause_->start(std::chrono::seconds(5), [this] {
            auto all = std::move(waiting_);
            for (const auto& weak : all) {
                migrate(weak);
            }
        });
    }

    void migrate(const std::weak_ptr<Peer>& weak) {
        auto peer = weak.lock();
        if (!peer) {
            return;
        }
        if (installs_sent_++ == 0) {
            first_install_ = std::chrono::steady_clock::now();
        }
        peer->call(
            InstallCertificateReq{CertificateUse::CentralSystemRootCertificate, root_},
            [this, weak](CallOutcome<InstallCertificateConf> o) {
                if (!o.ok() || o.conf->status != InstallCertificateStatus::Accepted) {
                    ++install_other_;
                    return;
                }
                ++installed_;
                auto p = weak.lock();
                if (!p) {
                    return;
                }
                p->call(ChangeConfigurationReq{"SecurityProfile", "2"}, [this](CallOutcome<ChangeConfigurationConf> c) {
                    ++(c.ok() && c.conf->status == ConfigurationStatus::Accepted ? upgraded_ : upgrade_other_);
                });
            });
    }

    Options options_;
    std::string root_;
    const validation::Registry& schemas_;
    const Logger& log_;
    std::unique_ptr<net::EventLoop> loop_;
    std::unique_ptr<net::Server> plain_, tls_;
    std::unordered_map<std::uint64_t, std::shared_ptr<Peer>> peers_;
    std::vector<std::weak_ptr<Peer>> waiting_; // booted over plain, not yet sent InstallCertificate
    std::unique_ptr<Timer> pause_;
    std::thread thread_;
    std::chrono::steady_clock::time_point first_boot_{}, first_install_{};
    std::uint64_t boots_plain_ = 0, boots_tls_ = 0, installs_sent_ = 0;
    std::uint64_t installed_ = 0, install_other_ = 0, upgraded_ = 0, upgrade_other_ = 0;
};

} // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    std::ifstream in(options.root_file);
    std::stringstream root;
    root << in.rdbuf();
    if (root.str().empty()) {
        usage_error("--root: cannot read " + options.root_file);
    }
    auto schemas = validation::Registry::v16();
    if (!schemas) {
        std::fprintf(stderr, "ocpp-bench-migration-cs: %s\n", schemas.error().message.c_str());
        return 1;
    }
    const Logger log(options.log_level);
    MigrationCs cs(options, root.str(), *schemas, log);
    if (!cs.listen()) {
        return 1;
    }
    StopSignals signals;
    cs.start();
    signals.wait();
    cs.stop();
    std::fprintf(stderr, "ocpp-bench-migration-cs: %s\n", cs.totals().c_str());
    std::_Exit(0); // the servers and peers belong to the stopped loop
}
