#include "tester/report/html.hpp"

#include <cstdio>

#include "tester/report/json.hpp"

namespace tester {

namespace {

// Kept small and readable: one column on phones, no colour-only meaning (every verdict is also a word), and
// backgrounds kept when printing so the verdicts stay recognisable on paper.
constexpr const char* kStyle = R"css(
*{box-sizing:border-box}
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;margin:0;
 padding:16px;max-width:860px;margin-inline:auto;-webkit-print-color-adjust:exact;print-color-adjust:exact}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.15em;margin:24px 0 8px;border-bottom:1px solid #ccc}
.sub{color:#555;font-size:.9em;overflow-wrap:anywhere}
.banner{margin:16px 0;padding:12px 16px;border-radius:8px;font-weight:700;font-size:1.2em}
.banner.passed{background:#dff3e2;color:#14532d;border:2px solid #2e7d32}
.banner.failed{background:#fde2e1;color:#7f1d1d;border:2px solid #c62828}
.banner.running{background:#e3ecfa;color:#1e3a8a;border:2px solid #1d4ed8}
.claim{text-align:center;margin:16px 0;padding:16px;border:3px dashed #2e7d32;border-radius:10px}
.claim .code{font:700 2.4em/1.2 ui-monospace,"DejaVu Sans Mono",Menlo,monospace;letter-spacing:.18em;
 word-spacing:.4em;overflow-wrap:anywhere}
.claim .note{color:#444;font-size:.9em}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #e5e5e5;overflow-wrap:anywhere}
th{width:34%;color:#444;font-weight:600}
ol.checks{list-style:none;padding:0;margin:0}
.check{border:1px solid #ddd;border-left:8px solid #999;border-radius:6px;padding:8px 12px;margin:8px 0;
 break-inside:avoid}
.check.pass{border-left-color:#2e7d32}.check.warn{border-left-color:#b26a00}.check.fail{border-left-color:#c62828}
.check.skipped{border-left-color:#9e9e9e}.check.pending,.check.running{border-left-color:#1d4ed8}
.head{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.badge{display:inline-block;min-width:5.5em;text-align:center;font-weight:700;font-size:.8em;padding:2px 6px;
 border-radius:4px;color:#fff;background:#757575;text-transform:uppercase}
.badge.pass{background:#2e7d32}.badge.warn{background:#b26a00}.badge.fail{background:#c62828}
.badge.pending,.badge.running{background:#1d4ed8}
.title{font-weight:600}.id{color:#666;font:.8em ui-monospace,monospace}
.seen{margin:4px 0;overflow-wrap:anywhere}.hint{margin:4px 0;padding:6px 8px;background:#fff7e0;border-radius:4px}
.check.fail .hint{background:#fdecea}
.details{margin:4px 0;padding-left:20px;font:.85em ui-monospace,monospace;overflow-wrap:anywhere}
.timings{color:#555;font-size:.85em}
footer{margin-top:24px;color:#666;font-size:.8em;overflow-wrap:anywhere}
@media print{body{padding:0;font-size:11pt}.check{border-width:1px 1px 1px 6px}a{color:inherit}}
)css";

void row(std::string& out, const char* label, std::string_view value) {
    if (value.empty()) {
        return;
    }
    out += "<tr><th>";
    out += label;
    out += "</th><td>" + html_escape(value) + "</td></tr>\n";
}

std::string connectors_text(const ChargerFacts& c) {
    std::string text = c.connectors ? std::to_string(*c.connectors) : std::string();
    if (!c.connectors_reported.empty()) {
        std::string ids;
        for (int id : c.connectors_reported) {
            ids += (ids.empty() ? "" : ", ") + std::to_string(id);
        }
        text += (text.empty() ? "" : " ") + std::string("(status seen for ") + ids + ")";
    }
    return text;
}

void write_facts(std::string& out, const Report& r) {
    const ChargerFacts& c = r.charger;
    out += "<h2>Charger</h2>\n<table>\n";
    row(out, "Chargebox ID", c.chargebox_id);
    row(out, "Vendor", c.vendor);
    row(out, "Model", c.model);
    row(out, "Serial number", c.serial);
    row(out, "Firmware", c.firmware);
    row(out, "Connectors", connectors_text(c));
    row(out, "Security profile", std::to_string(c.security_profile));
    row(out, "TLS", c.tls_version.empty() ? std::string() : c.tls_version + " " + c.tls_cipher);
    row(out, "ICCID", c.iccid);
    row(out, "IMSI", c.imsi);
    row(out, "Meter type", c.meter_type);
    row(out, "Meter serial", c.meter_serial);
    row(out, "Connected from", c.remote_address);
    row(out, "Central system URL", r.url);
    out += "</table>\n";
}

void write_check(std::string& out, const Check& c) {
    const char* cls = to_string(c.verdict); // the verdict names are the CSS classes
    out += std::string("<li class=\"check ") + cls + "\"><div class=\"head\"><span class=\"badge " + cls + "\">" +
           html_escape(to_string(c.verdict)) + "</span><span class=\"title\">" + html_escape(c.title) +
           "</span><span class=\"id\">" + html_escape(c.id) + (c.octt.empty() ? "" : " · " + html_escape(c.octt)) +
           "</span></div>\n";
    if (!c.seen.empty()) {
        out += "<p class=\"seen\">Seen: " + html_escape(c.seen) + "</p>\n";
    }
    if (!c.hint.empty()) {
        out += "<p class=\"hint\"><strong>How to fix:</strong> " + html_escape(c.hint) + "</p>\n";
    }
    if (!c.details.empty()) {
        out += "<ul class=\"details\">\n";
        for (const auto& d : c.details) {
            out += "<li>" + html_escape(d) + "</li>\n";
        }
        out += "</ul>\n";
    }
    if (!c.timings.empty()) {
        std::string text;
        for (const auto& t : c.timings) {
            char buf[48];
            std::snprintf(buf, sizeof buf, "%.1f ms", t.ms);
            text += (text.empty() ? "" : " · ") + t.name + " " + buf;
        }
        out += "<p class=\"timings\">" + html_escape(text) + "</p>\n";
    }
    out += "</li>\n";
}

void write_configuration(std::string& out, const ChargerFacts& c) {
    if (c.configuration.empty()) {
        return;
    }
    out += "<h2>Configuration reported</h2>\n<table>\n";
    for (const auto& [key, value] : c.configuration) {
        out += "<tr><th>" + html_escape(key) + "</th><td>" + html_escape(shown_value(key, value)) + "</td></tr>\n";
    }
    out += "</table>\n";
}

} // namespace

std::string to_html(const Report& r) {
    const bool finished = is_set(r.finished);
    const bool passed = r.passed();
    const std::string& id = r.charger.chargebox_id;
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>Connectivity test " +
                      html_escape(id) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
    out += "<h1>Charger connectivity test: " + html_escape(id) + "</h1>\n";
    out += "<div class=\"sub\">OCPP 1.6-J · test " + html_escape(r.test_id);
    if (is_set(r.started)) {
        out += " · started " + html_escape(format_time_ms(r.started));
    }
    out += "</div>\n";

    if (!finished) {
        out += "<div class=\"banner running\">IN PROGRESS: the test has not finished yet</div>\n";
    } else if (passed) {
        out += "<div class=\"banner passed\">PASSED: the charger connects and talks OCPP 1.6 correctly</div>\n";
    } else {
        out += "<div class=\"banner failed\">FAILED: see the checks marked FAIL below for what to fix</div>\n";
    }
    if (passed && r.claim_code) {
        out += "<div class=\"claim\"><div>Claiming code</div><div class=\"code\">" + html_escape(*r.claim_code) +
               "</div><div class=\"note\">Give this code to the operator to add the charger. Single use";
        if (is_set(r.claim_expires)) {
            out += ", valid until " + html_escape(format_time_ms(r.claim_expires));
        }
        out += ".</div></div>\n";
    }

    int counts[6] = {};
    for (const auto& c : r.checks) {
        ++counts[static_cast<int>(c.verdict)];
    }
    const int warnings = counts[static_cast<int>(Verdict::Warn)];
    const std::string summary =
        std::to_string(counts[static_cast<int>(Verdict::Pass)]) + " passed, " + std::to_string(warnings) +
        (warnings == 1 ? " warning, " : " warnings, ") + std::to_string(counts[static_cast<int>(Verdict::Fail)]) +
        " failed, " + std::to_string(counts[static_cast<int>(Verdict::Skipped)]) + " skipped, " +
        std::to_string(counts[static_cast<int>(Verdict::Pending)] + counts[static_cast<int>(Verdict::Running)]) +
        " not finished";
    out += "<h2>Checks</h2>\n<p class=\"sub\">" + summary + "</p>\n<ol class=\"checks\">\n";
    for (const auto& c : r.checks) {
        write_check(out, c);
    }
    out += "</ol>\n";
    write_facts(out, r);
    write_configuration(out, r.charger);

    out += "<footer>Test " + html_escape(r.test_id);
    if (is_set(r.started)) {
        out += " · started " + html_escape(format_time_ms(r.started));
    }
    if (finished) {
        out += " · finished " + html_escape(format_time_ms(r.finished));
    }
    out += " · " + std::to_string(r.capture.frames()) + " OCPP messages captured · ocppkit ocpp-tester</footer>\n";
    out += "</body>\n</html>\n";
    return out;
}

} // namespace tester
