#include "simulator/report/html.hpp"
#include "ocpp/text/number.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <utility>
#include <vector>

#include "simulator/fleet/timeseries.hpp"
#include "simulator/report/report_file.hpp"
#include "simulator/report/svg.hpp"

namespace sim {

namespace {

using ocpp::text::fixed;

std::string count(double v) {
    std::string digits = fixed(v, 0);
    std::string out;
    const std::size_t lead = digits[0] == '-' ? 1 : 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > lead && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

// A value as plain text (not escaped); arrays nest at most `depth` levels, deeper ones show as "…".
std::string text_of(const rapidjson::Value& v, int depth = 4) {
    if (v.IsString()) {
        return v.GetString();
    }
    if (v.IsNull()) {
        return "-";
    }
    if (v.IsBool()) {
        return v.GetBool() ? "yes" : "no";
    }
    if (v.IsInt64()) {
        return std::to_string(v.GetInt64());
    }
    if (v.IsUint64()) {
        return std::to_string(v.GetUint64());
    }
    if (v.IsNumber()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g", v.GetDouble());
        return buf;
    }
    if (v.IsArray() && depth > 0) {
        std::string out;
        for (const auto& e : v.GetArray()) {
            out += (out.empty() ? "" : ", ") + text_of(e, depth - 1);
        }
        return out.empty() ? "-" : out;
    }
    return "…";
}

constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                   "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

std::string action_row(const std::string& name, const rapidjson::Value& a) {
    std::string row = "<tr><th>" + html_escape(name) + "</th>";
    for (const char* key : {"sent", "ok", "call_errors", "timeouts", "failed"}) {
        row += "<td>" + count(number_at(a, key)) + "</td>";
    }
    const rapidjson::Value* lat = object_at(a, "latency_ms");
    for (const char* key : {"p50", "p95", "p99", "max"}) {
        row += "<td>" + fixed(lat ? number_at(*lat, key) : 0) + "</td>";
    }
    return row + "</tr>\n";
}

std::string groups_table(const rapidjson::Value& doc) {
    std::string out = "<table class=\"groups\">";
    for (const char* group : {"chargers", "connections", "boots", "sessions", "offline"}) {
        const rapidjson::Value* g = object_at(doc, group);
        if (!g) {
            continue;
        }
        std::string cells;
        for (const auto& m : g->GetObject()) {
            if (m.value.IsNumber()) {
                cells += html_escape(m.name.GetString()) + " <b>" + count(m.value.GetDouble()) + "</b> &nbsp; ";
            } else if (m.value.IsObject() && m.value.MemberCount() > 0) {
                cells += html_escape(m.name.GetString()) + ": ";
                for (const auto& e : m.value.GetObject()) {
                    cells += html_escape(e.name.GetString()) + " <b>" + html_escape(text_of(e.value)) + "</b> ";
                }
            }
        }
        out += "<tr><th>" + std::string(group) + "</th><td>" + cells + "</td></tr>";
    }
    return out + "</table>\n";
}

using Pick = std::function<double(const ActionPoint&)>;

// Marker lines and spans drawn over all charts together: a report with many markers and many actions draws every
// k-th marker, so that the page stays a few MiB.
constexpr std::size_t kMaxMarkerMarks = 20'000;
// Markers listed by name above the charts; the rest are counted.
constexpr std::size_t kMaxMarkersListed = 20;

// Per interval the point of one action (SIZE_MAX: all actions together), computed once for all lines of its charts.
std::vector<ActionPoint> column_of(const Series& s, std::size_t action) {
    std::vector<ActionPoint> column;
    column.reserve(s.intervals.size());
    for (std::size_t i = 0; i < s.intervals.size(); ++i) {
        if (action == SIZE_MAX) {
            column.push_back(s.all_at(i));
        } else {
            const ActionPoint* p = s.intervals[i].action(action);
            column.push_back(p ? *p : ActionPoint{});
        }
    }
    return column;
}

// A rate is divided by the seconds its interval really covers (a last interval may be cut short).
ChartLine line_of(const Series& s, const std::vector<ActionPoint>& column, const std::string& name, const char* color,
                  const Pick& pick, bool per_second) {
    ChartLine l{name, color, {}};
    for (std::size_t i = 0; i < s.intervals.size(); ++i) {
        const double v = pick(column[i]);
        l.points.emplace_back(s.intervals[i].t_s, per_second ? v / s.length_of(i) : v);
    }
    return l;
}

// The markers of a chart: every one, or every k-th when there are more than `most`.
std::vector<ChartMarker> markers_of(const Series& s, std::size_t most) {
    std::vector<ChartMarker> out;
    const std::size_t step =
        s.markers.size() <= most ? 1 : (s.markers.size() + most - 1) / std::max<std::size_t>(most, 1);
    for (std::size_t i = 0; i < s.markers.size(); i += step) {
        const Marker& m = s.markers[i];
        out.push_back(ChartMarker{m.t_s, m.until_s, m.kind});
    }
    return out;
}

// Throughput and latency of one action (SIZE_MAX: all together).
std::string action_charts(const Series& s, std::size_t action, const std::string& title, double x_max,
                          const std::vector<ChartMarker>& markers) {
    const std::vector<ActionPoint> column = column_of(s, action);
    Chart rate{title + ": calls per second", "calls/s", x_max, {}, markers};
    rate.lines.push_back(line_of(
        s, column, "sent", kColors[0], [](const ActionPoint& p) { return p.sent; }, true));
    rate.lines.push_back(line_of(
        s, column, "answered", kColors[2], [](const ActionPoint& p) { return p.ok + p.call_errors; }, true));
    rate.lines.push_back(line_of(
        s, column, "errors (CALLERROR, timeout, failed)", kColors[1],
        [](const ActionPoint& p) { return p.call_errors + p.timeouts + p.failed; }, true));
    Chart latency{title + ": latency per interval", "ms", x_max, {}, markers};
    const std::pair<const char*, double> qs[] = {{"p50", 0.5}, {"p95", 0.95}, {"p99", 0.99}};
    for (std::size_t k = 0; k < 3; ++k) {
        const double q = qs[k].second;
        latency.lines.push_back(line_of(
            s, column, qs[k].first, kColors[k + 2], [q](const ActionPoint& p) { return p.latency.quantile_ms(q); },
            false));
    }
    latency.lines.push_back(line_of(
        s, column, "max", kColors[5], [](const ActionPoint& p) { return p.latency.max_ms(); }, false));
    return "<div class=\"pair\">" + render_chart(rate) + render_chart(latency) + "</div>\n";
}

std::string fleet_charts(const Series& s, double x_max, const std::vector<ChartMarker>& markers) {
    auto fleet_line = [&s](const char* name, const char* color, std::uint32_t FleetPoint::*field, bool rate) {
        ChartLine l{name, color, {}};
        for (std::size_t i = 0; i < s.intervals.size(); ++i) {
            const double v = s.intervals[i].fleet.*field;
            l.points.emplace_back(s.intervals[i].t_s, rate ? v / s.length_of(i) : v);
        }
        return l;
    };
    const std::vector<ActionPoint> all = column_of(s, SIZE_MAX);
    Chart conns{"Chargers", "chargers", x_max, {}, markers};
    conns.lines.push_back(fleet_line("connected", kColors[0], &FleetPoint::connected, false));
    conns.lines.push_back(fleet_line("booted", kColors[2], &FleetPoint::booted, false));
    conns.lines.push_back(fleet_line("charging connectors", kColors[3], &FleetPoint::charging, false));
    Chart errors{"Errors and connection events", "per s", x_max, {}, markers};
    auto calls = [&s, &all](const char* name, const char* color, std::uint32_t ActionPoint::*field) {
        return line_of(
            s, all, name, color, [field](const ActionPoint& p) { return p.*field; }, true);
    };
    errors.lines.push_back(calls("CALLERRORs", kColors[1], &ActionPoint::call_errors));
    errors.lines.push_back(calls("timeouts", kColors[3], &ActionPoint::timeouts));
    errors.lines.push_back(calls("failed", kColors[5], &ActionPoint::failed));
    errors.lines.push_back(fleet_line("connection errors", kColors[4], &FleetPoint::connect_errors, true));
    errors.lines.push_back(fleet_line("connections lost", kColors[8], &FleetPoint::disconnects, true));
    errors.lines.push_back(fleet_line("connections opened", kColors[7], &FleetPoint::connects, true));
    return "<div class=\"pair\">" + render_chart(conns) + render_chart(errors) + "</div>\n";
}

} // namespace

const char* report_css() {
    return R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1400px;padding:16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid #ccc;margin-top:28px}
h3{font-size:14px;margin:4px 0}.meta{color:#555}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 8px;border-bottom:1px solid #e4e4e4;text-align:right}
th{text-align:left}table.totals td{font-variant-numeric:tabular-nums}table.groups td{text-align:left}
.settings{columns:3 260px;font-size:12px}.settings div{break-inside:avoid}.settings b{font-weight:600}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:16px}figure{margin:0 0 12px;break-inside:avoid}
svg{width:100%;height:auto;display:block}figcaption{font-size:12px}.key{margin-right:12px;white-space:nowrap}
.key i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.grid{stroke:#e8e8e8}.axis{stroke:#888}.tick{font-size:11px;fill:#555}.mark{font-size:11px;fill:#946200}
.span{fill:#fff3c4;opacity:.6}.moment{stroke:#c98a00;stroke-dasharray:4 3}
.pass{color:#1a7f37;font-weight:600}.fail{color:#c62828;font-weight:600}
@media (max-width:900px){.pair{grid-template-columns:1fr}}
@media print{body{max-width:none;padding:0;font-size:11px}.pair{grid-template-columns:1fr 1fr}h2{break-after:avoid}}
)";
}

ocpp::Result<std::string> render_html(const rapidjson::Document& doc) {
    std::optional<Series> series;
    if (doc.HasMember("timeseries") && !doc["timeseries"].IsNull()) {
        auto read = read_series(doc["timeseries"]);
        if (!read) {
            return read.error();
        }
        series = std::move(*read);
    }
    const std::string started = doc.HasMember("started") ? text_of(doc["started"]) : "-";
    const std::string url =
        object_at(doc, "options") && doc["options"].HasMember("url") ? text_of(doc["options"]["url"]) : "";
    std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<title>Load report " +
                    html_escape(started) + "</title><style>" + report_css() + "</style></head><body>\n";
    const double duration = number_at(doc, "duration_s");
    h += "<h1>ocpp-simulator load report</h1><p class=\"meta\">" + html_escape(url) + " &middot; started " +
         html_escape(started) + " &middot; " + fixed(duration) + " s" +
         (doc.HasMember("interrupted") && doc["interrupted"].IsTrue() ? " (interrupted)" : "") + "</p>\n";
    if (const rapidjson::Value* t = object_at(doc, "thresholds")) {
        const bool passed = t->HasMember("passed") && (*t)["passed"].IsTrue();
        h += std::string("<p>Thresholds: <span class=\"") + (passed ? "pass\">passed" : "fail\">failed") + "</span>";
        if (t->HasMember("failures") && (*t)["failures"].IsArray()) {
            for (const auto& f : (*t)["failures"].GetArray()) {
                h += " &middot; " + html_escape(text_of(f));
            }
        }
        h += "</p>\n";
    }
    h += "<h2>Totals</h2><table class=\"totals\"><tr><th>action</th><th>sent</th><th>ok</th><th>CALLERROR</th>"
         "<th>timeouts</th><th>failed</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>\n";
    for (const auto& m : doc["actions"].GetObject()) {
        h += action_row(m.name.GetString(), m.value);
    }
    if (doc.HasMember("all_actions")) {
        h += action_row("all", doc["all_actions"]);
    }
    h += "</table>\n" + groups_table(doc);
    if (series && !series->intervals.empty()) {
        const double x_max = std::max(duration, series->intervals.back().t_s);
        h += "<h2>Over time</h2><p class=\"meta\">Per interval of " + fixed(series->interval_s, 0) +
             " s; latency percentiles of each interval alone.";
        const auto& all_markers = series->markers;
        for (std::size_t i = 0; i < all_markers.size() && i < kMaxMarkersListed; ++i) {
            const Marker& m = all_markers[i];
            h += " &middot; " + html_escape(m.kind) + " at " + fixed(m.t_s, 0) + " s" +
                 (m.until_s > m.t_s ? " to " + fixed(m.until_s, 0) + " s" : "") + ": " + html_escape(m.text);
        }
        if (all_markers.size() > kMaxMarkersListed) {
            h += " &middot; and " + count(static_cast<double>(all_markers.size() - kMaxMarkersListed)) + " more";
        }
        const std::size_t charts = 4 + 2 * series->actions.size();
        const std::vector<ChartMarker> markers =
            markers_of(*series, std::max<std::size_t>(1, kMaxMarkerMarks / charts));
        if (markers.size() < all_markers.size()) {
            h += " (the charts show " + count(static_cast<double>(markers.size())) + " of the " +
                 count(static_cast<double>(all_markers.size())) + " markers)";
        }
        h += "</p>\n" + action_charts(*series, SIZE_MAX, "All actions", x_max, markers) +
             fleet_charts(*series, x_max, markers);
        h += "<h2>Per action</h2>\n";
        for (std::size_t k = 0; k < series->actions.size(); ++k) {
            h += action_charts(*series, k, series->actions[k], x_max, markers);
        }
    } else {
        h += "<p class=\"meta\">This run recorded no time series (--timeseries off).</p>\n";
    }
    h += "<h2>Settings</h2><div class=\"settings\">";
    if (const rapidjson::Value* o = object_at(doc, "options")) {
        for (const auto& m : o->GetObject()) {
            h += "<div><b>" + html_escape(m.name.GetString()) + "</b> " + html_escape(text_of(m.value)) + "</div>";
        }
    }
    h += "</div>\n</body></html>\n";
    return h;
}

} // namespace sim
