#include "simulator/scenario/html_report.hpp"

#include <algorithm>
#include <cstdio>

#include "ocpp/util/html_escape.hpp"

namespace scen {

namespace {

std::string ms(double seconds) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.1f", seconds * 1000.0);
    return buf;
}

std::string pct(double v) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.2f%%", std::clamp(v * 100.0, 0.0, 100.0));
    return buf;
}

constexpr const char* kCss = R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 4px}table{border-collapse:collapse;width:100%}
td,th{padding:2px 8px;border-bottom:1px solid #e4e4e4;text-align:left;font-variant-numeric:tabular-nums}
td.n{text-align:right}.pass{color:#1a7f37;font-weight:600}.fail{color:#c62828;font-weight:600}
.bar{position:relative;height:10px;min-width:160px}.bar i{position:absolute;top:1px;height:8px;background:#1f77b4}
tr.failed .bar i{background:#c62828}.why{background:#fdecea;padding:6px;margin:6px 0;white-space:pre-wrap}
@media print{body{max-width:none;padding:0;font-size:11px}section{break-inside:avoid}}
)";

} // namespace

std::string to_html_report(const std::vector<ChargerResult>& results) {
    std::size_t passed = 0;
    for (const auto& r : results) {
        passed += r.passed ? 1 : 0;
    }
    std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<title>Scenario report</title><style>" +
                    std::string(kCss) + "</style></head><body>\n<h1>ocpp-simulator scenario report</h1>\n<p>" +
                    std::to_string(passed) + " of " + std::to_string(results.size()) + " runs passed</p>\n";
    h += "<table><tr><th>scenario</th><th>charger</th><th>result</th><th>steps</th><th>seconds</th></tr>\n";
    for (const auto& r : results) {
        char secs[32];
        std::snprintf(secs, sizeof secs, "%.2f", r.seconds);
        h += "<tr><td>" + ocpp::html_escape(r.scenario) + "</td><td>" + ocpp::html_escape(r.charger) +
             "</td><td class=\"" + (r.passed ? "pass\">PASS" : "fail\">FAIL") + "</td><td class=\"n\">" +
             std::to_string(r.steps_run) + "</td><td class=\"n\">" + secs + "</td></tr>\n";
    }
    h += "</table>\n";
    for (const auto& r : results) {
        h += "<section><h2>" + ocpp::html_escape(r.scenario) + " &middot; " + ocpp::html_escape(r.charger) +
             " <span class=\"" + (r.passed ? "pass\">PASS" : "fail\">FAIL") + "</span></h2><p>" +
             ocpp::html_escape(r.file) + "</p>\n";
        if (r.failure) {
            const Failure& f = *r.failure;
            h += "<div class=\"why\">step " + ocpp::html_escape(f.step) + " (line " + std::to_string(f.pos.line) +
                 ", " + ocpp::html_escape(f.kind) + "): expected " + ocpp::html_escape(f.expected) + "; got " +
                 ocpp::html_escape(f.got) + "</div>\n";
        }
        h += "<table><tr><th>step</th><th>kind</th><th>line</th><th>start ms</th><th>duration ms</th>"
             "<th>time line</th></tr>\n";
        const double total = std::max(r.seconds, 1e-6);
        for (const auto& s : r.steps) {
            h += std::string("<tr") + (s.passed ? "" : " class=\"failed\"") + "><td>" + ocpp::html_escape(s.step) +
                 "</td><td>" + ocpp::html_escape(s.kind) + "</td><td class=\"n\">" + std::to_string(s.line) +
                 "</td><td class=\"n\">" + ms(s.start_s) + "</td><td class=\"n\">" + ms(s.seconds) +
                 "</td><td><div class=\"bar\"><i style=\"left:" + pct(s.start_s / total) +
                 ";width:" + pct(std::max(s.seconds / total, 0.004)) + "\"></i></div></td></tr>\n";
        }
        if (r.steps.size() >= kMaxStepTimings) {
            h += "<tr><td colspan=\"6\">later steps not itemised (the first " + std::to_string(kMaxStepTimings) +
                 " are)</td></tr>\n";
        }
        h += "</table></section>\n";
    }
    return h + "</body></html>\n";
}

} // namespace scen
