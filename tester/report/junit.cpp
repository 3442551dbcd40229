#include "tester/report/junit.hpp"

#include <algorithm>
#include <cstdio>

#include "tester/report/json.hpp"

namespace tester {

namespace {

std::string seconds(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", ms / 1000.0);
    return buf;
}

void attr(std::string& out, const char* name, std::string_view value) {
    out += ' ';
    out += name;
    out += "=\"";
    out += xml_escape(value, true);
    out += '"';
}

void property(std::string& out, const char* name, std::string_view value) {
    if (value.empty()) {
        return;
    }
    out += "      <property";
    attr(out, "name", name);
    attr(out, "value", value);
    out += "/>\n";
}

// What goes to <system-out>: the warning first, then what was seen, timings and details.
std::string output_of(const Check& c) {
    std::string text;
    if (c.verdict == Verdict::Warn) {
        text += "WARNING: " + (c.hint.empty() ? c.seen : c.hint) + "\n";
    }
    if (!c.seen.empty()) {
        text += "seen: " + c.seen + "\n";
    }
    if (!c.octt.empty()) {
        text += "OCTT: " + c.octt + "\n";
    }
    for (const auto& t : c.timings) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f ms", t.ms);
        text += "timing " + t.name + ": " + buf + "\n";
    }
    for (const auto& d : c.details) {
        text += "- " + d + "\n";
    }
    return text;
}

double longest_timing(const Check& c) {
    double ms = 0;
    for (const auto& t : c.timings) {
        ms = std::max(ms, t.ms);
    }
    return ms;
}

} // namespace

std::string to_junit(const Report& report) {
    int failures = 0, skipped = 0;
    double total_ms = 0;
    for (const auto& c : report.checks) {
        failures += c.verdict == Verdict::Fail ? 1 : 0;
        skipped += c.verdict == Verdict::Skipped || c.verdict == Verdict::Pending || c.verdict == Verdict::Running;
        total_ms = std::max(total_ms, longest_timing(c));
    }
    if (is_set(report.started) && is_set(report.finished)) {
        total_ms = static_cast<double>(report.finished.unix_ms() - report.started.unix_ms());
    }
    const std::string suite = "ocpp-tester." + report.charger.chargebox_id;
    const std::string tests = std::to_string(report.checks.size());

    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites";
    attr(out, "name", "ocpp-tester");
    attr(out, "tests", tests);
    attr(out, "failures", std::to_string(failures));
    attr(out, "errors", "0");
    attr(out, "skipped", std::to_string(skipped));
    attr(out, "time", seconds(total_ms));
    out += ">\n  <testsuite";
    attr(out, "name", suite);
    attr(out, "tests", tests);
    attr(out, "failures", std::to_string(failures));
    attr(out, "errors", "0");
    attr(out, "skipped", std::to_string(skipped));
    attr(out, "time", seconds(total_ms));
    if (is_set(report.started)) {
        attr(out, "timestamp", format_time_ms(report.started));
    }
    out += ">\n    <properties>\n";
    property(out, "testId", report.test_id);
    property(out, "url", report.url);
    property(out, "chargeBoxId", report.charger.chargebox_id);
    property(out, "vendor", report.charger.vendor);
    property(out, "model", report.charger.model);
    property(out, "serial", report.charger.serial);
    property(out, "firmware", report.charger.firmware);
    property(out, "securityProfile", std::to_string(report.charger.security_profile));
    property(out, "passed", report.passed() ? "true" : "false");
    if (report.claim_code) {
        property(out, "claimCode", *report.claim_code);
    }
    out += "    </properties>\n";

    for (const auto& c : report.checks) {
        out += "    <testcase";
        attr(out, "classname", suite);
        attr(out, "name", c.title.empty() ? c.id : c.id + ": " + c.title);
        attr(out, "time", seconds(longest_timing(c)));
        out += ">\n";
        switch (c.verdict) {
        case Verdict::Fail: {
            out += "      <failure";
            attr(out, "message", c.hint.empty() ? c.seen : c.hint);
            attr(out, "type", c.octt.empty() ? std::string("fail") : c.octt);
            out += ">" + xml_escape(c.seen) + "</failure>\n";
            break;
        }
        case Verdict::Skipped:
        case Verdict::Pending:
        case Verdict::Running:
            out += "      <skipped";
            attr(out, "message",
                 c.verdict == Verdict::Skipped ? c.seen : std::string("not finished: ") + to_string(c.verdict));
            out += "/>\n";
            break;
        case Verdict::Pass:
        case Verdict::Warn:
            break;
        }
        const std::string text = output_of(c);
        if (!text.empty()) {
            out += "      <system-out>" + xml_escape(text) + "</system-out>\n";
        }
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

} // namespace tester
