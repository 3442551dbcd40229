// ocpp-bench-rollout-cs: a central system for the roll-out benchmarks (bench/firmware_rollout.sh,
// bench/profile_rollout.sh). It answers the Core messages of a charge point at once and, after every
// BootNotification:
// - with --firmware URL --version V, when the charger's firmwareVersion is not V: UpdateFirmware for URL
//   (retrieveDate now), counting the FirmwareStatusNotifications by status;
// - with --profile-periods P (1-1000): SetChargingProfile, a TxDefaultProfile on connector 0 whose Absolute daily
//   schedule has P periods (limits in A), counting the answers.
// It validates every frame strictly. Without either it only answers (a baseline).
//
//   ocpp-bench-rollout-cs --listen 127.0.0.1:0 [--firmware URL --version V] [--profile-periods P] [--expect N]
//                         [--log-level warn]
//
// Prints the port as the first stdout line. With --expect N it prints a line when the N-th BootNotification arrives,
// "booted N in S s", one when the N-th Installed arrives,
// "installed N in S s (first UpdateFirmware to N-th Installed)", and one when the N-th charging profile was
// accepted, "profiles N in S s (first SetChargingProfile to N-th Accepted)". On SIGINT or SIGTERM it prints the
// totals to stderr.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

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
    std::uint16_t port = 0;
    std::string firmware;    // the location sent in UpdateFirmware
    std::string version;     // chargers booting with this version are done
    int profile_periods = 0; // 0: no SetChargingProfile
    std::uint64_t expect = 0;
    LogLevel log_level = LogLevel::Warn;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr,
                 "ocpp-bench-rollout-cs: %s\nusage: ocpp-bench-rollout-cs [--firmware URL --version V] "
                 "[--profile-periods P] [--listen HOST:PORT] [--expect N] [--log-level LEVEL]\n",
                 message.c_str());
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    bench::each_flag(argc, argv, usage_error, [&](const std::string& flag, const std::string& v) {
        if (flag == "--listen") {
            const auto colon = v.rfind(':');
            if (colon == std::string::npos || colon == 0) {
                usage_error("--listen: expected HOST:PORT, got \"" + v + "\"");
            }
            o.host = v.substr(0, colon);
            o.port = static_cast<std::uint16_t>(std::strtoul(v.substr(colon + 1).c_str(), nullptr, 10));
        } else if (flag == "--firmware") {
            o.firmware = v;
        } else if (flag == "--version") {
            o.version = v;
        } else if (flag == "--profile-periods") {
            o.profile_periods = std::atoi(v.c_str());
            if (o.profile_periods < 1 || o.profile_periods > 1000) {
                usage_error("--profile-periods: expected 1-1000, got \"" + v + "\"");
            }
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
    if (o.firmware.empty() != o.version.empty()) {
        usage_error("--firmware and --version go together");
    }
    return o;
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// One loop: every counter lives on it, the main thread reads them only after the loop stopped.
class RolloutCs {
public:
    RolloutCs(Options options, const validation::Registry& schemas, const Logger& log)
        : options_(std::move(options))
        , schemas_(schemas)
        , log_(log)
        , loop_(net::EventLoop::create()) {}

    Result<std::uint16_t> listen() {
        net::ServerConfig cfg;
        cfg.host = options_.host;
        cfg.port = options_.port;
        cfg.open_handshake_timeout = std::chrono::seconds(60);
        server_ = net::Server::create(*loop_, cfg, log_);
        server_->set_open_handler([this](net::SessionPtr session) { on_open(std::move(session)); });
        if (auto listening = server_->listen(); !listening) {
            return listening.error();
        }
        return server_->port();
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
        std::string out = "UpdateFirmware sent " + std::to_string(sent_) + " accepted " + std::to_string(accepted_) +
                          " failed " + std::to_string(failed_) + ";";
        for (const auto& [status, n] : statuses_) {
            out += " " + status + " " + std::to_string(n);
        }
        return out + "; SetChargingProfile sent " + std::to_string(profiles_sent_) + " accepted " +
               std::to_string(profiles_accepted_) + " other " + std::to_string(profiles_other_) + "; boots " +
               std::to_string(boots_);
    }

private:
    void on_open(net::SessionPtr session) {
        const std::uint64_t id = session->id();
        PeerConfig pc;
        pc.mode = validation::Mode::Strict;
        pc.rate.per_second = 0;
        auto peer = Peer::create(std::move(session), schemas_, pc, log_);
        serve(peer);
        peer->set_close_handler([this, id](const net::CloseInfo&) { peers_.erase(id); });
        peers_.emplace(id, std::move(peer));
    }

    void update(const std::shared_ptr<Peer>& peer) {
        UpdateFirmwareReq req;
        req.location = options_.firmware;
        req.retrieveDate = DateTime::now();
        req.retries = 3;
        req.retryInterval = 5;
        if (first_update_ns_ == 0) {
            first_update_ns_ = now_ns();
        }
        ++sent_;
        peer->call(req, [this](CallOutcome<UpdateFirmwareConf> out) { ++(out.ok() ? accepted_ : failed_); });
    }

    // A TxDefaultProfile for the whole charge point: P periods spread over a day, 6-32 A.
    void set_profile(const std::shared_ptr<Peer>& peer) {
        SetChargingProfileReq req;
        req.connectorId = 0;
        auto& p = req.csChargingProfiles;
        p.chargingProfileId = 1;
        p.stackLevel = 1;
        p.chargingProfilePurpose = ChargingProfilePurposeType::TxDefaultProfile;
        p.chargingProfileKind = ChargingProfileKindType::Absolute;
        p.chargingSchedule.startSchedule = DateTime::now();
        p.chargingSchedule.duration = 86400;
        p.chargingSchedule.chargingRateUnit = ChargingRateUnitType::A;
        const int periods = options_.profile_periods;
        for (int i = 0; i < periods; ++i) {
            ChargingSchedulePeriod period;
            period.startPeriod = i * (86400 / periods);
            period.limit = 6.0 + (i * 7) % 27;
            p.chargingSchedule.chargingSchedulePeriod.push_back(period);
        }
        if (first_profile_ns_ == 0) {
            first_profile_ns_ = now_ns();
        }
        ++profiles_sent_;
        peer->call(req, [this](CallOutcome<SetChargingProfileConf> out) {
            if (!out.ok() || out.conf->status != ChargingProfileStatus::Accepted) {
                ++profiles_other_;
                return;
            }
            if (++profiles_accepted_ == options_.expect) {
                std::printf("profiles %llu in %.3f s (first SetChargingProfile to N-th Accepted)\n",
                            static_cast<unsigned long long>(profiles_accepted_),
                            static_cast<double>(now_ns() - first_profile_ns_) / 1e9);
                std::fflush(stdout);
            }
        });
    }

    void serve(const std::shared_ptr<Peer>& shared) {
        Peer& peer = *shared;
        std::weak_ptr<Peer> weak = shared;
        peer.on<BootNotificationReq>([this, weak](const BootNotificationReq& req, Reply<BootNotificationConf> reply) {
            reply(BootNotificationConf{DateTime::now(), 86400, RegistrationStatus::Accepted});
            if (++boots_ == 1) {
                first_boot_ns_ = now_ns();
            }
            if (boots_ == options_.expect) {
                std::printf("booted %llu in %.3f s (first to N-th BootNotification)\n",
                            static_cast<unsigned long long>(boots_),
                            static_cast<double>(now_ns() - first_boot_ns_) / 1e9);
                std::fflush(stdout);
            }
            const bool firmware = !options_.version.empty() && req.firmwareVersion.value_or("") != options_.version;
            const bool profile = options_.profile_periods > 0;
            loop_->post([this, weak, firmware, profile] {
                auto p = weak.lock();
                if (p && profile) {
                    set_profile(p);
                }
                if (p && firmware) {
                    update(p);
                }
            });
        });
        peer.on<FirmwareStatusNotificationReq>([this](const FirmwareStatusNotificationReq& req,
                                                      Reply<FirmwareStatusNotificationConf> reply) {
            reply(FirmwareStatusNotificationConf{});
            const std::uint64_t n = ++statuses_[to_string(req.status)];
            if (req.status == FirmwareStatus::Installed && n == options_.expect) {
                std::printf("installed %llu in %.3f s (first UpdateFirmware to N-th Installed)\n",
                            static_cast<unsigned long long>(n), static_cast<double>(now_ns() - first_update_ns_) / 1e9);
                std::fflush(stdout);
            }
        });
        peer.on<HeartbeatReq>(
            [](const HeartbeatReq&, Reply<HeartbeatConf> reply) { reply(HeartbeatConf{DateTime::now()}); });
        peer.on<StatusNotificationReq>(
            [](const StatusNotificationReq&, Reply<StatusNotificationConf> reply) { reply(StatusNotificationConf{}); });
        peer.on<MeterValuesReq>([](const MeterValuesReq&, Reply<MeterValuesConf> reply) { reply(MeterValuesConf{}); });
        peer.on<AuthorizeReq>([](const AuthorizeReq&, Reply<AuthorizeConf> reply) {
            AuthorizeConf conf;
            conf.idTagInfo.status = AuthorizationStatus::Accepted;
            reply(conf);
        });
        peer.on<StartTransactionReq>([this](const StartTransactionReq&, Reply<StartTransactionConf> reply) {
            StartTransactionConf conf;
            conf.idTagInfo.status = AuthorizationStatus::Accepted;
            conf.transactionId = next_transaction_++;
            reply(conf);
        });
        peer.on<StopTransactionReq>(
            [](const StopTransactionReq&, Reply<StopTransactionConf> reply) { reply(StopTransactionConf{}); });
    }

    Options options_;
    const validation::Registry& schemas_;
    const Logger& log_;
    std::unique_ptr<net::EventLoop> loop_;
    std::unique_ptr<net::Server> server_;
    std::unordered_map<std::uint64_t, std::shared_ptr<Peer>> peers_;
    std::thread thread_;
    std::map<std::string, std::uint64_t> statuses_;
    std::uint64_t sent_ = 0, accepted_ = 0, failed_ = 0, boots_ = 0;
    std::uint64_t profiles_sent_ = 0, profiles_accepted_ = 0, profiles_other_ = 0;
    std::int64_t first_update_ns_ = 0, first_profile_ns_ = 0, first_boot_ns_ = 0;
    int next_transaction_ = 1;
};

} // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    Logger log(options.log_level);
    auto schemas = validation::Registry::v16();
    if (!schemas) {
        std::fprintf(stderr, "ocpp-bench-rollout-cs: %s\n", schemas.error().message.c_str());
        return 1;
    }
    ocpp::StopSignals stop_signals;
    RolloutCs cs(options, *schemas, log);
    auto port = cs.listen();
    if (!port) {
        std::fprintf(stderr, "ocpp-bench-rollout-cs: %s\n", port.error().message.c_str());
        return 1;
    }
    cs.start();
    std::printf("%u\n", static_cast<unsigned>(*port));
    std::fflush(stdout);
    stop_signals.wait();
    cs.stop();
    std::fprintf(stderr, "ocpp-bench-rollout-cs: %s\n", cs.totals().c_str());
    std::_Exit(0);
}
