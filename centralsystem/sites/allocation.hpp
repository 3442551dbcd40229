#pragma once
// Load management, the arithmetic alone: a site's limit at a time of day, how it is shared among the running
// sessions of its chargers, and in which order changed limits go out. Pure: no clock, no I/O, every input passed in.
#include <cstdint>
#include <string>
#include <vector>

namespace cs::sites {

// Bounds of one site (the API refuses more).
inline constexpr std::size_t kMaxSites = 100;
inline constexpr std::size_t kMaxChargersPerSite = 5000;
inline constexpr std::size_t kMaxSchedulePeriods = 48;

// From `start_minute` (minutes after midnight UTC) until the next period, the site's limit is `limit_a`.
struct SchedulePeriod {
    int start_minute = 0;
    double limit_a = 0;
};

// What sharing needs of a site; every current is in A per phase.
struct SiteRules {
    double limit_a = 0;                   // the grid limit when no schedule period applies
    std::vector<SchedulePeriod> schedule; // ascending start_minute; empty: limit_a all day
    double min_session_a = 6;             // below this an EV cannot charge (IEC 61851: 6 A)
    double failsafe_a = 6;                // the TxDefaultProfile each charger of the site gets at boot
};

// The limit in force `minute_of_day` minutes after midnight: the last period that started by then (the schedule
// wraps: before the first period the last one of the previous day applies), else limit_a.
double limit_at(const SiteRules& rules, int minute_of_day);
// Minutes until the limit may change next (1..1440): when a time-of-day re-balance is due.
int minutes_to_next_change(const SiteRules& rules, int minute_of_day);

// What one node of a cluster may share of a site's limit while load management is not coordinated across nodes:
// an equal part per live node of what the nodes that are gone leave free, so that the nodes together never exceed
// the limit. `gone_a`: what the chargers last steered by nodes that are no longer live (and not yet taken over) may
// still draw, kept reserved. 0 live nodes (not known yet): 0.
double node_budget(double limit_a, std::size_t live_nodes, double gone_a = 0);

// One running session's demand: its key, and the most its connector can take (A per phase).
struct Demand {
    std::int64_t key = 0; // the transaction id: lower keys started earlier and keep their place first
    double max_a = 0;
};

// Shares `limit_a` among the sessions: equal shares, none above its connector's maximum (what a capped connector
// leaves goes to the others), none below `min_a`. When the limit cannot give every session the minimum, the
// sessions that started first (lowest keys) get it and the later ones get 0 (suspended until some stop or the limit
// rises). Each share is rounded down to 0.1 A, so their sum never exceeds limit_a. The result is in input order.
std::vector<double> share(double limit_a, double min_a, const std::vector<Demand>& sessions);

// Room kept free on a large site for sessions about to start, so that a new session's limit can go out at once
// instead of after the other sessions' lowerings are confirmed (a round trip to hundreds of chargers): the shares
// of kHeadroomSessions more sessions, at most kHeadroomFraction of `limit_a`, and 0 where that would not hold even
// one new session's share (a small site, whose round trip is short, keeps its whole limit).
inline constexpr double kHeadroomSessions = 8;
inline constexpr double kHeadroomFraction = 0.025;
double start_headroom(double limit_a, std::size_t sessions);
// The headroom for these sessions, never more than what their minimums leave of `limit_a`: keeping room for the
// next start must not suspend a session that the whole limit admits.
double start_headroom(double limit_a, double min_a, const std::vector<Demand>& sessions);

// A limit to send: the session's key and its new limit.
struct Change {
    std::int64_t key = 0;
    double from_a = 0, to_a = 0;
};
// The order of the changes: every lowering first, then the raises, so that the sum of the limits in force never
// exceeds the site's limit while they go out (the raises only after the lowerings are confirmed).
std::vector<Change> order_changes(std::vector<Change> changes);

} // namespace cs::sites
