#include "centralsystem/metrics.hpp"

#include <cstdio>

namespace cs {

namespace {

void bump(std::vector<std::pair<std::string, std::uint64_t>>& counts, std::string_view result) {
    for (auto& [name, n] : counts) {
        if (name == result) {
            ++n;
            return;
        }
    }
    counts.emplace_back(std::string(result), 1);
}

// Label values: action names, error codes and Chargebox IDs; escaped as the text format requires.
std::string label(std::string_view v) {
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

void gauge(std::string& out, const char* name, const char* help, double value) {
    head(out, name, "gauge", help);
    out += std::string(name) + " " + number(value) + "\n";
}

void histogram(std::string& out, const std::string& name, const std::string& labels, const ocpp::Histogram& h) {
    const auto s = h.snapshot();
    const std::string sep = labels.empty() ? "" : ",";
    for (std::size_t i = 0; i < s.bounds.size(); ++i) {
        out += name + "_bucket{" + labels + sep + "le=\"" + number(s.bounds[i]) + "\"} " +
               std::to_string(s.cumulative[i]) + "\n";
    }
    out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(s.count) + "\n";
    const std::string braces = labels.empty() ? "" : "{" + labels + "}";
    out += name + "_sum" + braces + " " + number(s.sum_seconds) + "\n";
    out += name + "_count" + braces + " " + std::to_string(s.count) + "\n";
}

} // namespace

void Metrics::call(const ocpp::CallRecord& r, bool known_action) {
    const std::string_view action = known_action ? r.action : std::string_view("other");
    auto it = actions_.find(action);
    if (it == actions_.end()) {
        it = actions_.emplace(std::string(action), PerAction{}).first;
    }
    PerAction& a = it->second;
    bump(r.incoming ? a.received : a.sent, r.result);
    if (r.incoming) {
        if (!a.latency) {
            a.latency = std::make_unique<ocpp::Histogram>();
        }
        a.latency->observe(r.latency);
    }
}

void Metrics::refused(std::string_view reason) {
    auto it = refusals_.find(reason);
    if (it == refusals_.end()) {
        refusals_.emplace(std::string(reason), 1);
    } else {
        ++it->second;
    }
}

void Metrics::foreign_transaction(std::string_view action, std::string_view reason, const std::string& sender,
                                  const std::string& owner) {
    std::pair<std::string, std::string> pair{sender, owner};
    if (!foreign_pairs_.count(pair)) {
        if (foreign_pairs_.size() < kForeignPairs) {
            foreign_pairs_.insert(pair);
        } else {
            pair = {"other", "other"};
        }
    }
    ++foreign_[{std::string(action), std::string(reason), pair.first, pair.second}];
}

void Metrics::hashed(std::string_view kind) {
    ++(kind == "check" ? hashes_checked_ : hashes_stored_);
}

std::string Metrics::render(const Gauges& g) const {
    std::string out;
    out.reserve(4096 + actions_.size() * 1024);
    gauge(out, "ocpp_chargers_connected", "Chargers with an open OCPP connection.",
          static_cast<double>(g.chargers_connected));
    gauge(out, "ocpp_websocket_connections", "Open WebSocket connections.", static_cast<double>(g.connections));
    gauge(out, "ocpp_chargers_known", "Chargers in the registry.", static_cast<double>(g.chargers_known));
    head(out, "ocpp_calls_total", "counter",
         "OCPP calls by direction (received: the charger called us; sent: we called it), action and result.");
    for (const auto& [action, a] : actions_) {
        for (const auto& [dir, counts] : {std::make_pair("received", &a.received), std::make_pair("sent", &a.sent)}) {
            for (const auto& [result, n] : *counts) {
                out += "ocpp_calls_total{direction=\"" + std::string(dir) + "\",action=\"" + label(action) +
                       "\",result=\"" + label(result) + "\"} " + std::to_string(n) + "\n";
            }
        }
    }
    head(out, "ocpp_call_duration_seconds", "histogram",
         "Time from receiving a charger's call to sending our answer (durable writes included).");
    for (const auto& [action, a] : actions_) {
        if (a.latency) {
            histogram(out, "ocpp_call_duration_seconds", "action=\"" + label(action) + "\"", *a.latency);
        }
    }
    head(out, "ocpp_handshake_refusals_total", "counter", "Refused WebSocket upgrades by reason.");
    for (const auto& [reason, n] : refusals_) {
        out += "ocpp_handshake_refusals_total{reason=\"" + label(reason) + "\"} " + std::to_string(n) + "\n";
    }
    head(out, "ocpp_foreign_transaction_messages_total", "counter",
         "Messages naming a transaction that is not the sender's (or not on its connector), answered but not applied, "
         "by action, reason, sender and owner (at most 100 sender/owner pairs, then \"other\").");
    for (const auto& [key, n] : foreign_) {
        out += "ocpp_foreign_transaction_messages_total{action=\"" + label(key[0]) + "\",reason=\"" + label(key[1]) +
               "\",sender=\"" + label(key[2]) + "\",owner=\"" + label(key[3]) + "\"} " + std::to_string(n) + "\n";
    }
    head(out, "ocpp_meter_samples_trimmed_total", "counter",
         "Meter samples answered but not stored: beyond the per-transaction budget (--max-samples-per-minute).");
    out += "ocpp_meter_samples_trimmed_total " + std::to_string(samples_trimmed_) + "\n";
    head(out, "ocpp_password_hashes_total", "counter",
         "PBKDF2 runs for handshakes: check (a presented password) or store (a password taken at the handshake).");
    out += "ocpp_password_hashes_total{kind=\"check\"} " + std::to_string(hashes_checked_) + "\n";
    out += "ocpp_password_hashes_total{kind=\"store\"} " + std::to_string(hashes_stored_) + "\n";
    gauge(out, "ocpp_store_queue_depth", "Store jobs waiting for the store worker.",
          static_cast<double>(g.store_queue));
    gauge(out, "ocpp_password_hash_queue_depth", "Passwords waiting to be hashed or checked off the event loop.",
          static_cast<double>(g.hasher_queue));
    head(out, "ocpp_store_commits_total", "counter", "Store transactions committed (one per batch of jobs).");
    out += "ocpp_store_commits_total " + std::to_string(g.store_commits) + "\n";
    if (g.store_commit_latency) {
        head(out, "ocpp_store_commit_duration_seconds", "histogram", "Time from BEGIN to COMMIT of a store batch.");
        histogram(out, "ocpp_store_commit_duration_seconds", "", *g.store_commit_latency);
    }
    return out;
}

} // namespace cs
