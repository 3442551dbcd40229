// Sharing a site's limit (allocation.hpp).
#include "centralsystem/sites/allocation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cs::sites {

namespace {
constexpr int kDay = 24 * 60;

double floor_tenth(double a) {
    // The small epsilon keeps 7.3 from becoming 7.2 through 72.99999.
    return std::max(0.0, std::floor(a * 10.0 + 1e-9) / 10.0);
}
} // namespace

double limit_at(const SiteRules& rules, int minute_of_day) {
    if (rules.schedule.empty()) {
        return rules.limit_a;
    }
    const SchedulePeriod* in_force = &rules.schedule.back(); // wraps from the previous day
    for (const auto& p : rules.schedule) {
        if (p.start_minute <= minute_of_day) {
            in_force = &p;
        }
    }
    return in_force->limit_a;
}

double node_budget(double limit_a, std::size_t live_nodes, double gone_a) {
    if (live_nodes == 0 || !(gone_a >= 0)) {
        return 0; // a reservation that is no number reserves everything
    }
    // Rounded down to 0.1 A, so that the parts never add up to more than the limit; floor_tenth's epsilon keeps a
    // whole tenth whole (48.3 A on 3 nodes is 16.1 A each, not 16.0 through 160.99999).
    return floor_tenth(std::max(0.0, limit_a - gone_a) / static_cast<double>(live_nodes));
}

int minutes_to_next_change(const SiteRules& rules, int minute_of_day) {
    if (rules.schedule.empty()) {
        return kDay;
    }
    for (const auto& p : rules.schedule) {
        if (p.start_minute > minute_of_day) {
            return p.start_minute - minute_of_day;
        }
    }
    return rules.schedule.front().start_minute + kDay - minute_of_day;
}

std::vector<double> share(double limit_a, double min_a, const std::vector<Demand>& sessions) {
    std::vector<double> out(sessions.size(), 0.0);
    if (sessions.empty() || limit_a <= 0) {
        return out;
    }
    // Who charges: the earliest sessions, as many as the limit gives the minimum (a connector whose maximum is below
    // the minimum still needs only its maximum).
    std::vector<std::size_t> by_start(sessions.size());
    std::iota(by_start.begin(), by_start.end(), 0);
    std::stable_sort(by_start.begin(), by_start.end(),
                     [&](std::size_t a, std::size_t b) { return sessions[a].key < sessions[b].key; });
    std::vector<std::size_t> active;
    double floor_sum = 0;
    for (std::size_t i : by_start) {
        const double need = std::min(min_a, std::max(0.0, sessions[i].max_a));
        if (floor_sum + need > limit_a + 1e-9) {
            break; // this one and every later one are suspended
        }
        floor_sum += need;
        active.push_back(i);
    }
    // Water-filling: the smallest maximums are served first; what they leave is shared by the rest.
    std::stable_sort(active.begin(), active.end(),
                     [&](std::size_t a, std::size_t b) { return sessions[a].max_a < sessions[b].max_a; });
    double left = limit_a;
    for (std::size_t n = 0; n < active.size(); ++n) {
        const std::size_t i = active[n];
        const double equal = left / static_cast<double>(active.size() - n);
        const double given = floor_tenth(std::min(std::max(0.0, sessions[i].max_a), equal));
        out[i] = given;
        left -= given;
    }
    return out;
}

double start_headroom(double limit_a, std::size_t sessions) {
    if (limit_a <= 0) {
        return 0;
    }
    const double n = static_cast<double>(sessions);
    const double room = std::min(kHeadroomSessions * limit_a / (n + kHeadroomSessions), kHeadroomFraction * limit_a);
    return room + 1e-9 >= limit_a / (n + 1) ? room : 0.0;
}

double start_headroom(double limit_a, double min_a, const std::vector<Demand>& sessions) {
    double needed = 0;
    for (const auto& d : sessions) {
        needed += std::min(min_a, std::max(0.0, d.max_a));
    }
    return std::min(start_headroom(limit_a, sessions.size()), std::max(0.0, limit_a - needed));
}

std::vector<Change> order_changes(std::vector<Change> changes) {
    // Lowerings first (the largest first: it frees the most), then raises (the smallest first: most fit).
    std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
        const double da = a.to_a - a.from_a, db = b.to_a - b.from_a;
        const bool la = da < 0, lb = db < 0;
        if (la != lb) {
            return la;
        }
        return la ? da < db : da < db;
    });
    return changes;
}

} // namespace cs::sites
