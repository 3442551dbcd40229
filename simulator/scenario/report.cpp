#include "simulator/scenario/report.hpp"

#include <cstdint>
#include <map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "simulator/json_member.hpp"
#include "simulator/scenario/values.hpp"

namespace scen {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

using sim::member;

std::string xml_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' ? '?' : c;
        }
    }
    return out;
}

std::string where(const ChargerResult& r) {
    const Failure& f = *r.failure;
    std::string out = r.file;
    if (f.pos.line > 0) {
        out += ":" + std::to_string(f.pos.line) + ":" + std::to_string(f.pos.column);
    }
    if (!f.step.empty()) {
        out += ": step " + f.step + " (" + f.kind + ")";
    } else if (!f.kind.empty()) {
        out += ": " + f.kind;
    }
    return out;
}

std::string failure_text(const ChargerResult& r) {
    return where(r) + ": expected " + r.failure->expected + "; got " + r.failure->got;
}

} // namespace

std::string result_line(const ChargerResult& r) {
    const std::string head = (r.passed ? "PASS " : "FAIL ") + r.scenario + " [" + r.charger + "] ";
    if (r.passed) {
        return head + std::to_string(r.steps_run) + " steps, " + number_text(r.seconds, 3) + " s";
    }
    return head + failure_text(r);
}

std::string to_json_report(const std::vector<ChargerResult>& results) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    std::size_t failed = 0;
    for (const auto& r : results) {
        failed += r.passed ? 0 : 1;
    }
    w.StartObject();
    member(w, "passed", failed == 0);
    member(w, "runs", static_cast<std::uint64_t>(results.size()));
    member(w, "failed", static_cast<std::uint64_t>(failed));
    w.Key("results");
    w.StartArray();
    for (const auto& r : results) {
        w.StartObject();
        member(w, "scenario", r.scenario);
        member(w, "file", r.file);
        member(w, "charger", r.charger);
        member(w, "passed", r.passed);
        member(w, "seconds", r.seconds);
        member(w, "stepsRun", r.steps_run);
        if (r.failure) {
            const Failure& f = *r.failure;
            w.Key("failure");
            w.StartObject();
            member(w, "step", f.step);
            member(w, "line", f.pos.line);
            member(w, "column", f.pos.column);
            member(w, "kind", f.kind);
            member(w, "expected", f.expected);
            member(w, "got", f.got);
            w.EndObject();
        }
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

std::string to_junit(const std::vector<ChargerResult>& results) {
    std::map<std::string, std::vector<const ChargerResult*>> suites; // by scenario, in name order
    for (const auto& r : results) {
        suites[r.scenario].push_back(&r);
    }
    std::size_t failed = 0;
    double total = 0;
    for (const auto& r : results) {
        failed += r.passed ? 0 : 1;
        total += r.seconds;
    }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites name=\"ocpp-simulator scenario\" tests=\"" + std::to_string(results.size()) + "\" failures=\"" +
           std::to_string(failed) + "\" time=\"" + number_text(total, 3) + "\">\n";
    for (const auto& [name, runs] : suites) {
        std::size_t f = 0;
        double t = 0;
        for (const auto* r : runs) {
            f += r->passed ? 0 : 1;
            t += r->seconds;
        }
        out += "  <testsuite name=\"" + xml_escape(name) + "\" tests=\"" + std::to_string(runs.size()) +
               "\" failures=\"" + std::to_string(f) + "\" time=\"" + number_text(t, 3) + "\">\n";
        for (const auto* r : runs) {
            out += "    <testcase classname=\"" + xml_escape(name) + "\" name=\"" + xml_escape(r->charger) +
                   "\" file=\"" + xml_escape(r->file) + "\" time=\"" + number_text(r->seconds, 3) + "\"";
            if (r->passed) {
                out += "/>\n";
                continue;
            }
            out += ">\n      <failure message=\"" + xml_escape(where(*r)) + "\">" + xml_escape(failure_text(*r)) +
                   "</failure>\n    </testcase>\n";
        }
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

} // namespace scen
