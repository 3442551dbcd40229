// The body of POST and PUT /api/v1/sites (sites.hpp): bounded, every problem naming its field.
#include <set>

#include "centralsystem/api/sites/sites.hpp"

namespace cs::api {

namespace {

// "HH:MM" as minutes after midnight, or -1.
int parse_hhmm(const std::string& s) {
    if (s.size() != 5 || s[2] != ':' || !isdigit(static_cast<unsigned char>(s[0])) ||
        !isdigit(static_cast<unsigned char>(s[1])) || !isdigit(static_cast<unsigned char>(s[3])) ||
        !isdigit(static_cast<unsigned char>(s[4]))) {
        return -1;
    }
    const int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

constexpr double kMaxLimit = 100000; // A per phase or kW: more than any grid connection

} // namespace

std::variant<SiteInput, Problem> parse_site(const rapidjson::Value& body) {
    ObjectReader r(body, "");
    std::optional<std::string> name, unit;
    std::optional<double> limit, voltage, min_a, failsafe_a;
    std::optional<int> phases;
    if (!r.text("name", name, true, 100) || !r.text("unit", unit, false, 2) ||
        !r.number("limit", limit, true, 0, kMaxLimit) || !r.integer("phases", phases, false, 1, 3) ||
        !r.number("voltage", voltage, false, 100, 500) || !r.number("minSessionCurrent", min_a, false, 0, 80) ||
        !r.number("failsafeCurrent", failsafe_a, false, 0, 1000)) {
        return *r.problem();
    }
    if (unit && *unit != "A" && *unit != "kW") {
        return Problem{422, "unit", "unit must be \"A\" (per phase) or \"kW\" (the whole site), not \"" + *unit + "\""};
    }
    SiteInput in;
    in.row.name = *name;
    in.row.unit = unit.value_or("A");
    in.row.limit = *limit;
    in.row.phases = phases.value_or(3);
    in.row.voltage = voltage.value_or(230);
    in.row.min_session_a = min_a.value_or(6);
    in.row.failsafe_a = failsafe_a.value_or(6);
    if (const auto* schedule = r.raw("schedule")) {
        if (!schedule->IsArray()) {
            return Problem{422, "schedule", "schedule must be an array of {start: \"HH:MM\", limit}"};
        }
        if (schedule->Size() > sites::kMaxSchedulePeriods) {
            return Problem{422, "schedule",
                           "schedule has " + std::to_string(schedule->Size()) + " periods, at most " +
                               std::to_string(sites::kMaxSchedulePeriods)};
        }
        for (rapidjson::SizeType i = 0; i < schedule->Size(); ++i) {
            const std::string path = "schedule/" + std::to_string(i) + "/";
            if (!(*schedule)[i].IsObject()) {
                return Problem{422, "schedule/" + std::to_string(i), "each schedule period must be an object"};
            }
            ObjectReader p((*schedule)[i], path);
            std::optional<std::string> start;
            std::optional<double> period_limit;
            if (!p.text("start", start, true, 5) || !p.number("limit", period_limit, true, 0, kMaxLimit) ||
                !p.no_unknown_members()) {
                return *p.problem();
            }
            const int minute = parse_hhmm(*start);
            if (minute < 0) {
                return Problem{422, path + "start",
                               "start must be a time of day \"HH:MM\" (UTC), not \"" + *start + "\""};
            }
            if (!in.row.schedule.empty() && minute <= in.row.schedule.back().start_minute) {
                return Problem{422, path + "start", "the periods must start in ascending order within the day"};
            }
            in.row.schedule.push_back({minute, *period_limit});
        }
    }
    if (const auto* chargers = r.raw("chargers")) {
        if (!chargers->IsArray()) {
            return Problem{422, "chargers", "chargers must be an array of Chargebox IDs"};
        }
        if (chargers->Size() > sites::kMaxChargersPerSite) {
            return Problem{422, "chargers",
                           "chargers has " + std::to_string(chargers->Size()) + " entries, at most " +
                               std::to_string(sites::kMaxChargersPerSite)};
        }
        std::set<std::string> seen;
        in.chargers.emplace();
        for (rapidjson::SizeType i = 0; i < chargers->Size(); ++i) {
            const std::string field = "chargers/" + std::to_string(i);
            if (!(*chargers)[i].IsString()) {
                return Problem{422, field, "each charger must be a Chargebox ID (a string)"};
            }
            const std::string id((*chargers)[i].GetString(), (*chargers)[i].GetStringLength());
            if (auto bad = chargebox_id_problem(field, id)) {
                return Problem{422, field, *bad};
            }
            if (!seen.insert(id).second) {
                return Problem{422, field, "charger \"" + id + "\" is listed twice"};
            }
            in.chargers->push_back(id);
        }
    }
    if (!r.no_unknown_members()) {
        return *r.problem();
    }
    return in;
}

} // namespace cs::api
