// ocpp-bench-csr-load: the load of bench/csr_signing.sh. Chargers of two kinds connect to a central system over plain
// ws:// and boot: `--heartbeaters` send Heartbeats closed-loop (the next one `--pause-ms` after each answer) and
// `--signers` each send `--csrs-per-signer` SignCertificate requests one after another (the next after the
// CertificateSigned of the previous one, or its refusal). First the heartbeats alone run for `--baseline-seconds`, then
// the signing starts and the heartbeats go on until every CSR is answered. Each signer has its own P-256 key; its CSRs
// name its Chargebox ID (CN) and `--cpo-name` (O), made before any timing starts.
//
//   ocpp-bench-csr-load --url ws://127.0.0.1:PORT/ocpp --cpo-name NAME [--signers 200] [--csrs-per-signer 5]
//                       [--heartbeaters 20] [--pause-ms 10] [--baseline-seconds 10] [--timeout-seconds 300]
//
// Prints "key value" lines: the heartbeat latency (send to answer, ms) p50/p99/max and count of each phase, the
// signing phase's seconds, and the CSRs Accepted, Rejected, failed (no answer) and the CertificateSigned received.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/flags.hpp"
#include "ocpp/net/client.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/pki/pki.hpp"
#include "ocpp/v16/messages.hpp"

using namespace ocpp;
using namespace ocpp::v16;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Options {
    std::string url, cpo_name;
    unsigned long signers = 200, csrs_per_signer = 5, heartbeaters = 20, pause_ms = 10;
    unsigned long baseline_seconds = 10, timeout_seconds = 300;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr,
                 "ocpp-bench-csr-load: %s\nusage: ocpp-bench-csr-load --url ws://HOST:PORT/PATH --cpo-name NAME "
                 "[--signers N] [--csrs-per-signer N] [--heartbeaters N] [--pause-ms N] [--baseline-seconds N] "
                 "[--timeout-seconds N]\n",
                 message.c_str());
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    bench::each_flag(argc, argv, usage_error, [&](const std::string& flag, const std::string& v) {
        unsigned long* number = flag == "--signers"            ? &o.signers
                                : flag == "--csrs-per-signer"  ? &o.csrs_per_signer
                                : flag == "--heartbeaters"     ? &o.heartbeaters
                                : flag == "--pause-ms"         ? &o.pause_ms
                                : flag == "--baseline-seconds" ? &o.baseline_seconds
                                : flag == "--timeout-seconds"  ? &o.timeout_seconds
                                                               : nullptr;
        if (flag == "--url") {
            o.url = v;
        } else if (flag == "--cpo-name") {
            o.cpo_name = v;
        } else if (number != nullptr) {
            char* end = nullptr;
            *number = std::strtoul(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || *number > 100000) {
                usage_error(flag + ": expected an integer from 0 to 100000, got \"" + v + "\"");
            }
        } else {
            usage_error("unknown option " + flag);
        }
    });
    if (o.url.empty() || o.cpo_name.empty()) {
        usage_error("--url and --cpo-name are required");
    }
    return o;
}

double ms(SteadyClock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// p50, p99 and max of latencies in ms (sorted in place); "-" when there are none.
void print_latency(const char* phase, std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    auto at = [&v](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * (v.size() - 1) + 0.5))]; };
    std::printf("%s_heartbeats %zu\n", phase, v.size());
    if (v.empty()) {
        std::printf("%s_p50_ms -\n%s_p99_ms -\n%s_max_ms -\n", phase, phase, phase);
        return;
    }
    std::printf("%s_p50_ms %.2f\n%s_p99_ms %.2f\n%s_max_ms %.2f\n", phase, at(0.5), phase, at(0.99), phase, v.back());
}

struct Charger {
    std::string id;
    std::shared_ptr<Peer> peer;
    std::vector<std::string> csrs; // signers: the requests still to send
    std::unique_ptr<Timer> pause;  // heartbeaters: the pause before the next Heartbeat
    bool waiting_signed = false;   // a signer: Accepted, the CertificateSigned not yet here
};

// Everything below runs on the one loop; main reads the results after the loop stopped.
class Load {
public:
    Load(Options o, net::EventLoop& loop, const validation::Registry& schemas, const Logger& log)
        : o_(std::move(o))
        , loop_(loop)
        , schemas_(schemas)
        , log_(log)
        , client_(net::Client::create(loop, net::ClientConfig{}, log))
        , deadline_(loop.make_timer()) {}

    bool prepare() {
        for (unsigned long i = 0; i < o_.signers + o_.heartbeaters; ++i) {
            auto c = std::make_unique<Charger>();
            const bool signer = i < o_.signers;
            c->id = (signer ? "CSR-" : "HB-") + std::to_string(signer ? i + 1 : i - o_.signers + 1);
            if (signer) {
                auto key = pki::generate_key(pki::KeyType::EcP256);
                if (!key) {
                    return fail("key: " + key.error().message);
                }
                for (unsigned long k = 0; k < o_.csrs_per_signer; ++k) {
                    auto csr = pki::make_csr(key->private_pem, pki::Subject{c->id, o_.cpo_name, "", ""});
                    if (!csr) {
                        return fail("CSR: " + csr.error().message);
                    }
                    c->csrs.push_back(*csr);
                }
            }
            chargers_.push_back(std::move(c));
        }
        return true;
    }

    void start() {
        deadline_->start(std::chrono::seconds(o_.timeout_seconds + o_.baseline_seconds + 60), [this] {
            std::fprintf(stderr, "ocpp-bench-csr-load: the run timed out\n");
            finish();
        });
        for (auto& c : chargers_) {
            net::ConnectOptions co;
            co.url = o_.url + "/" + c->id;
            co.open_handshake_timeout = std::chrono::seconds(60);
            client_->connect(co, [this, c = c.get()](net::SessionPtr s, std::optional<net::ConnectError> e) {
                if (e) {
                    fail(c->id + ": " + e->message);
                    return finish();
                }
                opened(*c, std::move(s));
            });
        }
    }

    void print() {
        std::printf("signing_seconds %.3f\naccepted %lu\nrejected %lu\nfailed %lu\ncertificate_signed %lu\n",
                    std::chrono::duration<double>(signing_end_ - signing_start_).count(), accepted_, rejected_, failed_,
                    certificates_);
        print_latency("baseline", baseline_);
        print_latency("signing", signing_);
        std::fflush(stdout);
    }

private:
    bool fail(const std::string& why) {
        std::fprintf(stderr, "ocpp-bench-csr-load: %s\n", why.c_str());
        return false;
    }

    void opened(Charger& c, net::SessionPtr session) {
        PeerConfig pc;
        pc.call_timeout = std::chrono::seconds(60);
        c.peer = Peer::create(std::move(session), schemas_, pc, log_);
        c.peer->on<CertificateSignedReq>([this, &c](const CertificateSignedReq&, Reply<CertificateSignedConf> r) {
            r(CertificateSignedConf{CertificateSignedStatus::Accepted});
            ++certificates_;
            if (c.waiting_signed) {
                c.waiting_signed = false;
                next_csr(c);
            }
        });
        BootNotificationReq boot;
        boot.chargePointVendor = "Bench";
        boot.chargePointModel = "CSR load";
        c.peer->call(boot, [this](CallOutcome<BootNotificationConf> out) {
            if (!out.ok()) {
                fail("a BootNotification failed");
                return finish();
            }
            if (++booted_ == chargers_.size()) {
                begin_baseline();
            }
        });
    }

    void begin_baseline() {
        std::fprintf(stderr, "ocpp-bench-csr-load: %zu chargers booted; %lu s of heartbeats alone\n", booted_,
                     o_.baseline_seconds);
        for (auto& c : chargers_) {
            if (c->csrs.empty()) {
                c->pause = loop_.make_timer();
                heartbeat(*c);
            }
        }
        phase_timer_ = loop_.make_timer();
        phase_timer_->start(std::chrono::seconds(o_.baseline_seconds), [this] { begin_signing(); });
    }

    void begin_signing() {
        std::fprintf(stderr, "ocpp-bench-csr-load: signing %lu CSRs\n", o_.signers * o_.csrs_per_signer);
        signing_phase_ = true;
        signing_start_ = SteadyClock::now();
        signers_left_ = o_.signers;
        if (signers_left_ == 0) {
            return finish();
        }
        for (auto& c : chargers_) {
            if (!c->csrs.empty()) {
                next_csr(*c);
            }
        }
    }

    void heartbeat(Charger& c) {
        if (done_) {
            return;
        }
        const auto sent = SteadyClock::now();
        c.peer->call(HeartbeatReq{}, [this, &c, sent](CallOutcome<HeartbeatConf> out) {
            if (done_) {
                return;
            }
            if (!out.ok()) {
                ++failed_heartbeats_;
            } else {
                (signing_phase_ ? signing_ : baseline_).push_back(ms(SteadyClock::now() - sent));
            }
            c.pause->start(std::chrono::milliseconds(o_.pause_ms), [this, &c] { heartbeat(c); });
        });
    }

    void next_csr(Charger& c) {
        if (c.csrs.empty()) {
            if (--signers_left_ == 0) {
                signing_end_ = SteadyClock::now();
                finish();
            }
            return;
        }
        SignCertificateReq req;
        req.csr = std::move(c.csrs.back());
        c.csrs.pop_back();
        c.peer->call(req, [this, &c](CallOutcome<SignCertificateConf> out) {
            if (out.ok() && out.conf->status == GenericStatus::Accepted) {
                ++accepted_;
                c.waiting_signed = true; // the next CSR goes after the certificate arrives
                return;
            }
            ++(out.ok() ? rejected_ : failed_);
            next_csr(c);
        });
    }

    void finish() {
        if (done_) {
            return;
        }
        done_ = true;
        if (signing_end_ == SteadyClock::time_point{}) {
            signing_end_ = SteadyClock::now();
        }
        if (failed_heartbeats_ > 0) {
            fail(std::to_string(failed_heartbeats_) + " heartbeats got no answer");
        }
        loop_.stop();
    }

    Options o_;
    net::EventLoop& loop_;
    const validation::Registry& schemas_;
    const Logger& log_;
    std::unique_ptr<net::Client> client_;
    std::unique_ptr<Timer> deadline_, phase_timer_;
    std::vector<std::unique_ptr<Charger>> chargers_;
    std::vector<double> baseline_, signing_;
    std::size_t booted_ = 0;
    unsigned long signers_left_ = 0, accepted_ = 0, rejected_ = 0, failed_ = 0, certificates_ = 0;
    unsigned long failed_heartbeats_ = 0;
    bool signing_phase_ = false, done_ = false;
    SteadyClock::time_point signing_start_{}, signing_end_{};
};

} // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    std::signal(SIGPIPE, SIG_IGN); // a closing peer is an error value; SIGTERM still ends the run at once
    auto schemas = validation::Registry::v16();
    if (!schemas) {
        std::fprintf(stderr, "ocpp-bench-csr-load: %s\n", schemas.error().message.c_str());
        return 1;
    }
    const Logger log(LogLevel::Error);
    auto loop = net::EventLoop::create();
    Load load(options, *loop, *schemas, log);
    if (!load.prepare()) {
        return 1;
    }
    loop->post([&load] { load.start(); });
    loop->run();
    load.print();
    std::_Exit(0); // the sessions belong to the stopped loop
}
