// Fleet planning: charger IDs and specs of this shard, seeds, limits. No sockets, no threads.
#include <algorithm>
#include <cmath>

#include "ocpp/system/file_limit.hpp"
#include "ocpp/text/chargebox_id.hpp"
#include "simulator/fleet/fleet.hpp"

namespace sim {

namespace {

ocpp::Clock::Duration duration_of(double s) {
    return std::chrono::duration_cast<ocpp::Clock::Duration>(std::chrono::duration<double>(s));
}

ocpp::Clock::Duration minutes(double m) {
    return duration_of(m * 60.0);
}

} // namespace

std::string charger_id(const std::string& prefix, std::uint64_t index, std::uint64_t total) {
    const std::size_t width = std::max<std::size_t>(6, std::to_string(total).size());
    std::string digits = std::to_string(index);
    if (digits.size() < width) {
        digits.insert(0, width - digits.size(), '0');
    }
    return prefix + digits;
}

std::optional<std::string> fleet_id_problem(const std::string& prefix, std::uint64_t total) {
    for (const std::uint64_t index : {std::uint64_t{1}, total}) {
        const std::string id = charger_id(prefix, index, total);
        if (auto problem = ocpp::check_chargebox_id(id)) {
            return "the charger ID " +
                   (problem->kind == ocpp::ChargeboxIdProblem::Kind::Character ? std::string() : id + " ") +
                   "of charger " + std::to_string(index) + ": " + problem->message;
        }
    }
    return std::nullopt;
}

std::optional<std::string> id_prefix_problem(const std::string& prefix) {
    const auto problem = ocpp::check_chargebox_id(prefix);
    if (problem && problem->kind == ocpp::ChargeboxIdProblem::Kind::Character) {
        return problem->message + ", got " + quoted(prefix);
    }
    return std::nullopt;
}

std::uint64_t shard_size(std::uint64_t total, Shard shard) {
    if (shard.count == 0 || shard.index == 0 || shard.index > total) {
        return 0;
    }
    return (total - shard.index) / shard.count + 1;
}

std::string charger_url(const std::string& base, const std::string& id) {
    std::string url = base;
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    return url + "/" + id;
}

std::uint64_t charger_seed(std::uint64_t seed, std::uint64_t global_index) {
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (global_index + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

std::size_t share_of(std::size_t total, std::size_t i, std::size_t n) {
    if (n == 0) {
        return total;
    }
    return std::max<std::size_t>(1, total / n + (i < total % n ? 1 : 0));
}

ocpp::Result<std::vector<PlannedCharger>> plan_chargers(const Options& o) {
    std::vector<PlannedCharger> out;
    out.reserve(static_cast<std::size_t>(shard_size(o.chargers, o.shard)));
    std::size_t local = 0;
    for (std::uint64_t g = o.shard.index; g <= o.chargers && o.shard.count > 0; g += o.shard.count, ++local) {
        ChargerSpec s;
        s.id = charger_id(o.id_prefix, g, o.chargers);
        s.url = o.url;
        s.secure_url = o.secure_url;
        s.client_certificate = !o.cert_file.empty();
        if (!o.passwords.empty()) {
            const auto it = o.passwords.find(s.id);
            if (it == o.passwords.end()) {
                return ocpp::make_error("--password-file: " + o.password_file + " has no password for " + s.id + " (" +
                                        std::to_string(o.passwords.size()) + " entries)");
            }
            s.password = it->second;
        } else if (o.password) {
            s.password = o.password;
        }
        if (!o.source_ips.empty()) {
            s.source_address = o.source_ips[local % o.source_ips.size()];
        }
        s.connectors = o.connectors;
        s.power_kw = o.power_kw;
        s.heartbeat_interval = std::chrono::seconds(o.heartbeat_interval_s);
        s.meter_interval = std::chrono::seconds(o.meter_interval_s);
        s.sessions_per_hour = o.sessions_per_hour;
        s.session_min = minutes(o.session_min_minutes);
        s.session_mean = minutes(o.session_mean_minutes);
        s.session_max = minutes(o.session_max_minutes);
        s.id_tags = o.id_tags;
        s.mode = o.mode;
        s.throughput_action = o.action;
        if (!o.models.empty()) {
            apply_model(o.models[model_for(o.models, g, o.chargers)].model, s);
        }
        out.push_back(PlannedCharger{std::move(s), g, charger_seed(o.seed, g)});
    }
    return out;
}

std::string with_commas(std::uint64_t n) {
    std::string digits = std::to_string(n);
    for (int pos = static_cast<int>(digits.size()) - 3; pos > 0; pos -= 3) {
        digits.insert(static_cast<std::size_t>(pos), ",");
    }
    return digits;
}

FdLimit raise_fd_limit() {
    const ocpp::FileLimit limit = ocpp::raise_file_limit();
    return FdLimit{limit.soft, limit.hard};
}

std::optional<std::string> check_fd_limit(std::uint64_t chargers, std::uint64_t limit) {
    const std::uint64_t needed = chargers + kSpareFiles;
    if (needed <= limit) {
        return std::nullopt;
    }
    return with_commas(chargers) + (chargers == 1 ? " charger needs" : " chargers need") + " about " +
           with_commas(needed) + " open files; this process may open " + with_commas(limit) +
           " (ulimit -n). Raise the limit or split the fleet with --shard.";
}

std::optional<std::string> check_source_addresses(std::uint64_t chargers, std::size_t source_addresses) {
    const std::uint64_t addresses = std::max<std::size_t>(1, source_addresses);
    if (chargers <= addresses * kConnectionsPerSourceAddress) {
        return std::nullopt;
    }
    const std::uint64_t needed = (chargers + kConnectionsPerSourceAddress - 1) / kConnectionsPerSourceAddress;
    return with_commas(chargers) + " chargers from " + std::to_string(addresses) +
           (addresses == 1 ? " source address" : " source addresses") + " is more than ~" +
           with_commas(kConnectionsPerSourceAddress) +
           " connections per address: local ports will run out. Give at least " + std::to_string(needed) +
           " addresses with --source-ips (e.g. --source-ips 127.0.0.1-127.0.0." + std::to_string(needed) + ").";
}

FleetConfig fleet_config(const Options& o) {
    FleetConfig c;
    c.threads = static_cast<std::size_t>(std::max(1, o.threads));
    c.ramp = o.ramp;
    c.handshakes_in_flight = static_cast<std::size_t>(o.handshakes_in_flight);
    c.churn_pct = o.churn_pct;
    c.churn_interval = std::chrono::milliseconds(std::llround(o.churn_every_s * 1000));
    c.seed = o.seed;
    if (o.url.rfind("wss://", 0) == 0 || !o.ca_file.empty()) {
        ocpp::net::ClientTlsConfig tls;
        tls.ca_file = o.ca_file;
        tls.cert_file = o.cert_file;
        tls.key_file = o.key_file;
        c.client.tls = tls;
    }
    c.peer.call_timeout = duration_of(o.call_timeout_s);
    c.peer.validate_outgoing = true;
    return c;
}

} // namespace sim
