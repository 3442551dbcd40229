#include "simulator/report/metrics.hpp"

#include <charconv>
#include <cstdio>
#include <future>
#include <initializer_list>
#include <utility>

namespace sim {

namespace {

// Prometheus bucket bounds in seconds; our fine buckets are at most 1/32 wide, so each count is exact to that.
constexpr double kBounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

// Label values are action names and connection-error causes; escaped as the text format requires.
std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

void head(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void single(std::string& out, const char* name, const char* type, const char* help, std::uint64_t v) {
    head(out, name, type, help);
    out += std::string(name) + " " + std::to_string(v) + "\n";
}

void labelled(std::string& out, const char* name, const char* key,
              std::initializer_list<std::pair<const char*, std::uint64_t>> values) {
    for (const auto& [value, n] : values) {
        out += std::string(name) + "{" + key + "=\"" + value + "\"} " + std::to_string(n) + "\n";
    }
}

void histogram(std::string& out, const std::string& action, const LatencyHistogram& h) {
    const std::string name = "ocpp_simulator_call_duration_seconds";
    const std::string lbl = "action=\"" + label(action) + "\"";
    std::uint64_t cumulative = 0;
    int b = 0;
    for (double bound : kBounds) {
        while (b < LatencyHistogram::kBucketCount && LatencyHistogram::bucket_upper_us(b) <= bound * 1e6) {
            cumulative += h.in_bucket(b++);
        }
        out += name + "_bucket{" + lbl + ",le=\"" + number(bound) + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += name + "_bucket{" + lbl + ",le=\"+Inf\"} " + std::to_string(h.count()) + "\n";
    out += name + "_sum{" + lbl + "} " + number(h.mean_ms() * static_cast<double>(h.count()) / 1000.0) + "\n";
    out += name + "_count{" + lbl + "} " + std::to_string(h.count()) + "\n";
}

} // namespace

std::string prometheus_text(const Stats& s, std::uint64_t planned) {
    std::string out;
    head(out, "ocpp_simulator_calls_total", "counter", "CALLs the chargers sent, by action and outcome.");
    for (const auto& [action, a] : s.actions) {
        const std::string prefix = "ocpp_simulator_calls_total{action=\"" + label(action) + "\",outcome=\"";
        for (const auto& [outcome, n] : {std::pair<const char*, std::uint64_t>{"sent", a.sent},
                                         {"ok", a.ok},
                                         {"call_error", a.call_errors},
                                         {"timeout", a.timeouts},
                                         {"failed", a.failed}}) {
            out += prefix + outcome + "\"} " + std::to_string(n) + "\n";
        }
    }
    head(out, "ocpp_simulator_call_duration_seconds", "histogram", "Time from a CALL to its answer, by action.");
    for (const auto& [action, a] : s.actions) {
        histogram(out, action, a.latency);
    }
    head(out, "ocpp_simulator_calls_answered_total", "counter", "CALLs of the central system answered, by action.");
    for (const auto& [action, n] : s.calls_answered) {
        out += "ocpp_simulator_calls_answered_total{action=\"" + label(action) + "\"} " + std::to_string(n) + "\n";
    }
    single(out, "ocpp_simulator_chargers_planned", "gauge", "Chargers this process runs.", planned);
    single(out, "ocpp_simulator_connections_open", "gauge", "Chargers with an open connection.", s.connected);
    single(out, "ocpp_simulator_chargers_booted", "gauge", "Chargers whose boot was accepted.", s.booted);
    single(out, "ocpp_simulator_chargers_charging", "gauge", "Connectors in a charging session.", s.charging);
    single(out, "ocpp_simulator_offline_queue_depth", "gauge", "Messages waiting in the chargers' offline queues.",
           s.offline_queue);
    single(out, "ocpp_simulator_connect_attempts_total", "counter", "Connection attempts.", s.connect_attempts);
    single(out, "ocpp_simulator_connects_total", "counter", "Connections opened.", s.connects);
    single(out, "ocpp_simulator_disconnects_total", "counter", "Open connections lost.", s.disconnects);
    head(out, "ocpp_simulator_connect_errors_total", "counter", "Failed connection attempts, by cause.");
    for (const auto& [cause, n] : s.connect_errors) {
        out += "ocpp_simulator_connect_errors_total{cause=\"" + label(cause) + "\"} " + std::to_string(n) + "\n";
    }
    head(out, "ocpp_simulator_boots_total", "counter", "BootNotification answers, by status.");
    labelled(out, "ocpp_simulator_boots_total", "status",
             {{"Accepted", s.boots_accepted}, {"Pending", s.boots_pending}, {"Rejected", s.boots_rejected}});
    head(out, "ocpp_simulator_sessions_total", "counter", "Charging sessions, by event.");
    labelled(out, "ocpp_simulator_sessions_total", "event",
             {{"started", s.sessions_started}, {"completed", s.sessions_completed}, {"refused", s.sessions_refused}});
    head(out, "ocpp_simulator_offline_messages_total", "counter", "Messages of the offline queue, by event.");
    labelled(out, "ocpp_simulator_offline_messages_total", "event",
             {{"queued", s.offline_queued}, {"replayed", s.offline_replayed}, {"dropped", s.offline_dropped}});
    return out;
}

ocpp::Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& host_port,
                                                                  const ocpp::Logger& log) {
    const auto colon = host_port.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return ocpp::make_error(ocpp::ErrorKind::Invalid, "--metrics-listen: expected HOST:PORT, got " + host_port);
    }
    std::string host = host_port.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    std::unique_ptr<MetricsServer> m(new MetricsServer());
    m->loop_ = ocpp::net::EventLoop::create();
    ocpp::net::ServerConfig cfg;
    cfg.host = host;
    unsigned port = 0;
    const std::string digits = host_port.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size() || port > 65535) {
        return ocpp::make_error(ocpp::ErrorKind::Invalid, "--metrics-listen: expected HOST:PORT, got " + host_port);
    }
    cfg.port = static_cast<std::uint16_t>(port);
    cfg.max_connections = 32; // scrapers, not chargers
    cfg.max_http_body = 4096; // GET only
    m->server_ = ocpp::net::Server::create(*m->loop_, cfg, log);
    m->server_->set_handshake_hook(
        [](const ocpp::net::HandshakeInfo&) { return ocpp::net::HandshakeDecision::refuse(404, "metrics only"); });
    MetricsServer* raw = m.get();
    m->server_->set_http_handler([raw](const ocpp::net::HttpRequest& req, ocpp::net::HttpResponder respond) {
        ocpp::net::HttpResponse r;
        if (req.path != "/metrics") {
            r.status = 404;
            r.body = "not found: the metrics are at /metrics\n";
        } else if (req.method != "GET" && req.method != "HEAD") {
            r.status = 405;
            r.headers.emplace_back("Allow", "GET");
            r.body = "only GET\n";
        } else {
            std::shared_ptr<const std::string> text;
            {
                std::lock_guard<std::mutex> lock(raw->mutex_);
                text = raw->text_;
            }
            r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            r.body = *text;
        }
        respond(std::move(r));
    });
    if (auto listening = m->server_->listen(); !listening) {
        m->server_.reset();
        return ocpp::make_error(ocpp::ErrorKind::Io,
                                "--metrics-listen " + host_port + ": " + listening.error().message);
    }
    m->port_ = m->server_->port();
    m->thread_ = std::thread([raw] { raw->loop_->run(); });
    return m;
}

MetricsServer::~MetricsServer() {
    if (thread_.joinable()) {
        std::promise<void> done;
        loop_->post([this, &done] {
            server_->shutdown();
            server_.reset(); // on the loop's thread, as the server wants
            done.set_value();
        });
        done.get_future().wait();
        loop_->stop();
        thread_.join();
    }
    server_.reset();
}

void MetricsServer::update(std::string text) {
    auto fresh = std::make_shared<const std::string>(std::move(text));
    std::lock_guard<std::mutex> lock(mutex_);
    text_ = std::move(fresh);
}

} // namespace sim
