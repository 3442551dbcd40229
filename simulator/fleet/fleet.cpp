#include "simulator/fleet/fleet.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <deque>
#include <mutex>
#include <random>
#include <thread>

#include <pthread.h>

namespace sim {

using ocpp::net::ConnectError;
using ocpp::net::ConnectOptions;
using ocpp::net::SessionPtr;

// One event loop, its thread, client, statistics and chargers. Everything but the published slot and the
// `finished` flag is touched only on the loop's thread.
struct Fleet::Worker {
    Worker(Fleet& fleet, std::size_t index, std::vector<PlannedCharger> planned);

    void setup();     // first task on the loop: timers, ramp
    void ramp_tick(); // starts the chargers whose turn it is
    void connect(const ChargerSpec& spec, ocpp::net::Client::ConnectHandler done);
    void launch(ConnectOptions options, ocpp::net::Client::ConnectHandler done);
    void pump();       // starts waiting attempts while there is room
    void publish();    // copies the statistics into the slot
    void churn();      // drops a share of the connected chargers
    void begin_stop(); // stops every charger; sets `finished` when all are done
    void teardown();   // last task on the loop

    Fleet& fleet;
    std::size_t index;
    std::unique_ptr<ocpp::net::EventLoop> loop;
    std::unique_ptr<ocpp::net::Client> client;
    Stats stats;
    std::unique_ptr<ChargerEnv> env;
    std::vector<PlannedCharger> planned; // started in order by the ramp, then released
    std::size_t next = 0;
    std::vector<std::shared_ptr<Charger>> chargers;

    // Connection attempts: at most max_in_flight outstanding, the rest wait (bounded by the charger count).
    struct Waiting {
        ConnectOptions options;
        ocpp::net::Client::ConnectHandler done;
    };
    std::size_t in_flight = 0;
    std::size_t max_in_flight = 1;
    std::size_t max_waiting = 1;
    std::deque<Waiting> waiting;

    double rate = 1;   // chargers started per second on this loop
    double tokens = 0; // starts earned but not yet made
    ocpp::Clock::TimePoint last_tick{};
    ocpp::Clock::TimePoint publish_epoch{}; // publishes keep to epoch + k * publish_interval, so they never drift
    std::uint64_t publishes = 0;
    std::unique_ptr<ocpp::Timer> ramp_timer, publish_timer, churn_timer;
    std::mt19937_64 rng;
    bool stopping = false;
    std::size_t stops_done = 0;
    std::atomic<bool> finished{false};

    mutable std::mutex slot_mutex; // guards slot: written by the loop, read by the main thread
    Stats slot;
    std::thread thread;
};

namespace {
constexpr auto kRampTick = std::chrono::milliseconds(10);
}

Fleet::Worker::Worker(Fleet& f, std::size_t i, std::vector<PlannedCharger> p)
    : fleet(f)
    , index(i)
    , planned(std::move(p))
    , rng(charger_seed(f.config_.seed, ~static_cast<std::uint64_t>(i))) {
    const std::size_t n = f.config_.threads;
    max_in_flight = share_of(f.config_.handshakes_in_flight, i, n);
    max_waiting = std::max<std::size_t>(1, planned.size());
    rate = std::max(f.config_.ramp / static_cast<double>(n), 1e-3);
    chargers.reserve(planned.size());
}

void Fleet::Worker::setup() {
    ramp_timer = loop->make_timer();
    publish_timer = loop->make_timer();
    churn_timer = loop->make_timer();
    last_tick = loop->clock().now();
    publish_epoch = last_tick;
    tokens = 1; // the first charger starts at once
    ramp_tick();
    publish(); // and every publish_interval after, re-armed by publish() itself
    if (fleet.config_.churn_pct > 0) {
        churn_timer->start(fleet.config_.churn_interval, [this] { churn(); });
    }
}

void Fleet::Worker::ramp_tick() {
    if (stopping) {
        return;
    }
    const auto now = loop->clock().now();
    tokens += rate * std::chrono::duration<double>(now - last_tick).count();
    tokens = std::min(tokens, std::max(1.0, rate)); // no burst beyond one second's worth after a stall
    last_tick = now;
    while (tokens >= 1 && next < planned.size() && in_flight + waiting.size() < max_in_flight) {
        tokens -= 1;
        PlannedCharger& p = planned[next++];
        auto charger = std::make_shared<Charger>(std::move(p.spec), *env, p.seed);
        chargers.push_back(charger);
        charger->start();
    }
    if (next < planned.size()) {
        ramp_timer->start(kRampTick, [this] { ramp_tick(); });
    } else {
        planned.clear();
        planned.shrink_to_fit();
    }
}

void Fleet::Worker::connect(const ChargerSpec& spec, ocpp::net::Client::ConnectHandler done) {
    ConnectOptions options;
    options.url = charger_url(spec.url, spec.id);
    if (spec.password) {
        options.basic_user = spec.id;
        options.basic_password = spec.password;
    }
    options.source_address = spec.source_address;
    options.tls = spec.tls;
    options.open_handshake_timeout = fleet.config_.open_handshake_timeout;
    if (stopping) {
        loop->post([done = std::move(done)] { done(nullptr, ConnectError{ConnectError::Kind::Other, 0, "stopping"}); });
        return;
    }
    if (in_flight < max_in_flight && waiting.empty()) {
        launch(std::move(options), std::move(done));
    } else if (waiting.size() < max_waiting) {
        waiting.push_back(Waiting{std::move(options), std::move(done)});
    } else {
        loop->post([done = std::move(done)] {
            done(nullptr, ConnectError{ConnectError::Kind::Other, 0, "too many connection attempts waiting"});
        });
    }
}

void Fleet::Worker::launch(ConnectOptions options, ocpp::net::Client::ConnectHandler done) {
    ++in_flight;
    client->connect(options, [this, done = std::move(done)](SessionPtr session, std::optional<ConnectError> error) {
        --in_flight;
        done(std::move(session), std::move(error));
        pump();
    });
}

void Fleet::Worker::pump() {
    while (!waiting.empty() && in_flight < max_in_flight && !stopping) {
        Waiting w = std::move(waiting.front());
        waiting.pop_front();
        launch(std::move(w.options), std::move(w.done));
    }
}

void Fleet::Worker::publish() {
    Stats copy = stats;
    copy.connected = copy.booted = copy.charging = copy.offline_queue = 0;
    for (const auto& c : chargers) {
        copy.connected += c->connected() ? 1 : 0;
        copy.offline_queue += c->offline_queue_size();
        copy.booted += c->booted() ? 1 : 0;
        copy.charging += static_cast<std::uint64_t>(std::max(0, c->charging()));
    }
    {
        std::lock_guard<std::mutex> lock(slot_mutex);
        slot = std::move(copy);
    }
    if (publish_timer && !finished) {
        // Aimed at the next whole interval since the start: the time series reads whole seconds of every loop.
        const auto now = loop->clock().now();
        auto due = publish_epoch + fleet.config_.publish_interval * static_cast<std::int64_t>(++publishes);
        while (due <= now) {
            due = publish_epoch + fleet.config_.publish_interval * static_cast<std::int64_t>(++publishes);
        }
        publish_timer->start(std::chrono::ceil<std::chrono::milliseconds>(due - now), [this] { publish(); });
    }
}

void Fleet::Worker::churn() {
    std::vector<Charger*> connected;
    for (const auto& c : chargers) {
        if (c->connected()) {
            connected.push_back(c.get());
        }
    }
    const auto drop =
        static_cast<std::size_t>(std::llround(static_cast<double>(connected.size()) * fleet.config_.churn_pct / 100.0));
    // A partial Fisher-Yates shuffle picks `drop` distinct chargers.
    for (std::size_t k = 0; k < drop && k < connected.size(); ++k) {
        std::uniform_int_distribution<std::size_t> pick(k, connected.size() - 1);
        std::swap(connected[k], connected[pick(rng)]);
        connected[k]->drop_connection();
    }
    if (!stopping) {
        churn_timer->start(fleet.config_.churn_interval, [this] { churn(); });
    }
}

void Fleet::Worker::begin_stop() {
    stopping = true;
    if (ramp_timer) {
        ramp_timer->cancel();
        churn_timer->cancel();
    }
    planned.clear();
    // Attempts that never started are answered now; their chargers are stopping anyway.
    std::deque<Waiting> never_started;
    never_started.swap(waiting);
    for (auto& w : never_started) {
        loop->post([done = std::move(w.done)] {
            done(nullptr, ConnectError{ConnectError::Kind::Other, 0, "stopping"});
        });
    }
    const std::size_t total = chargers.size();
    if (total == 0) {
        finished = true;
        return;
    }
    for (const auto& c : chargers) {
        c->stop([this, total] {
            if (++stops_done == total) {
                publish();
                finished = true;
            }
        });
    }
}

void Fleet::Worker::teardown() {
    stopping = true;
    finished = true;
    ramp_timer.reset();
    churn_timer.reset();
    publish_timer.reset();
    publish(); // the final figures, including what the stop sent
    chargers.clear();
    waiting.clear();
    client.reset();
    loop->stop();
}

Fleet::Fleet(FleetConfig config, std::vector<PlannedCharger> chargers, const ocpp::validation::Registry& schemas,
             const ocpp::Logger& log, FleetTransport transport)
    : config_(std::move(config))
    , schemas_(schemas)
    , log_(log)
    , transport_(std::move(transport))
    , total_(chargers.size()) {
    config_.threads = std::max<std::size_t>(1, std::min(config_.threads, std::max<std::size_t>(1, total_)));
    std::vector<std::vector<PlannedCharger>> per_loop(config_.threads);
    for (std::size_t k = 0; k < chargers.size(); ++k) {
        per_loop[k % config_.threads].push_back(std::move(chargers[k]));
    }
    for (std::size_t i = 0; i < config_.threads; ++i) {
        workers_.push_back(std::make_unique<Worker>(*this, i, std::move(per_loop[i])));
    }
}

Fleet::~Fleet() {
    if (started_ && !stopped_) {
        stop(std::chrono::milliseconds(0));
    }
}

void Fleet::start() {
    if (started_) {
        return;
    }
    started_ = true;
    // Worker threads inherit a mask without SIGINT/SIGTERM, so the main thread alone sees them.
    sigset_t block, previous;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &previous);
    ocpp::transfer::TransferLimits limits;
    if (config_.client.tls) {
        limits.ca_file = config_.client.tls->ca_file; // --ca: the trust anchors of https firmware servers too
    }
    transfers_ = std::make_unique<ocpp::transfer::TransferService>(limits);
    // One low-priority thread for key pairs of certificate requests (RSA takes tens of milliseconds).
    workers_pool_ = std::make_unique<ocpp::WorkerPool>(1, 10000, 10);
    for (auto& w : workers_) {
        w->loop = transport_.make_loop();
        w->client = transport_.make_client(*w->loop, config_.client, log_);
        Worker* raw = w.get();
        w->env = std::make_unique<ChargerEnv>(
            ChargerEnv{*w->loop, schemas_, log_, w->stats, config_.peer,
                       [raw](const ChargerSpec& spec, ocpp::net::Client::ConnectHandler done) {
                           raw->connect(spec, std::move(done));
                       },
                       transfers_.get(), workers_pool_.get()});
        w->loop->post([raw] { raw->setup(); });
        w->thread = std::thread([raw] { raw->loop->run(); });
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

Stats Fleet::snapshot() const {
    Stats merged;
    for (const auto& w : workers_) {
        std::lock_guard<std::mutex> lock(w->slot_mutex);
        merged.merge(w->slot);
    }
    return merged;
}

bool Fleet::stop(std::chrono::milliseconds grace, const std::function<bool()>& abandon) {
    if (!started_ || stopped_) {
        return true;
    }
    stopped_ = true;
    for (auto& w : workers_) {
        Worker* raw = w.get();
        w->loop->post([raw] { raw->begin_stop(); });
    }
    const auto deadline = std::chrono::steady_clock::now() + grace;
    auto all_finished = [this] {
        return std::all_of(workers_.begin(), workers_.end(), [](const auto& w) { return w->finished.load(); });
    };
    bool done = all_finished();
    while (!done && std::chrono::steady_clock::now() < deadline && !(abandon && abandon())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        done = all_finished();
    }
    for (auto& w : workers_) {
        Worker* raw = w.get();
        w->loop->post([raw] { raw->teardown(); });
    }
    for (auto& w : workers_) {
        if (w->thread.joinable()) {
            w->thread.join();
        }
        w->env.reset();
        w->loop.reset();
    }
    return done;
}

} // namespace sim
