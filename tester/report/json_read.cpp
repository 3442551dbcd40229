// Reading a report back from its JSON (round trips, tools); errors name the offending member.
#include "tester/report/json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace tester {

namespace {

constexpr Verdict kVerdicts[] = {Verdict::Pending, Verdict::Running, Verdict::Pass,
                                 Verdict::Warn,    Verdict::Fail,    Verdict::Skipped};

// Reading: small helpers that record the first error with the member's path.
struct Reader {
    std::string error;

    const rapidjson::Value* member(const rapidjson::Value& obj, const char* name, const std::string& path) {
        auto it = obj.FindMember(name);
        if (it == obj.MemberEnd()) {
            fail(path + name + ": missing");
            return nullptr;
        }
        return &it->value;
    }
    void fail(std::string why) {
        if (error.empty()) {
            error = std::move(why);
        }
    }
    // An optional member: nullptr when absent or null, and when of another type than `is` checks (an error).
    const rapidjson::Value* typed(const rapidjson::Value& obj, const char* name, const std::string& path,
                                  bool (rapidjson::Value::*is)() const, const char* not_that) {
        auto it = obj.FindMember(name);
        if (it == obj.MemberEnd() || it->value.IsNull()) {
            return nullptr;
        }
        if (!(it->value.*is)()) {
            fail(path + name + ": " + not_that);
            return nullptr;
        }
        return &it->value;
    }
    // Optional string member: absent or null leaves `out` empty.
    void str(const rapidjson::Value& obj, const char* name, std::string& out, const std::string& path) {
        if (const auto* v = typed(obj, name, path, &rapidjson::Value::IsString, "not a string")) {
            out.assign(v->GetString(), v->GetStringLength());
        }
    }
    void time(const rapidjson::Value& obj, const char* name, ocpp::DateTime& out, const std::string& path) {
        std::string text;
        str(obj, name, text, path);
        if (text.empty()) {
            return;
        }
        if (auto t = ocpp::parse_datetime(text)) {
            out = *t;
        } else {
            fail(path + name + ": not an RFC 3339 time: " + text);
        }
    }
    void integer(const rapidjson::Value& obj, const char* name, int& out, const std::string& path) {
        if (const auto* v = typed(obj, name, path, &rapidjson::Value::IsInt, "not an integer")) {
            out = v->GetInt();
        }
    }
    const rapidjson::Value* array(const rapidjson::Value& obj, const char* name, const std::string& path) {
        return typed(obj, name, path, &rapidjson::Value::IsArray, "not an array");
    }
};

void read_charger(Reader& r, const rapidjson::Value& v, ChargerFacts& c) {
    const std::string p = "charger.";
    if (!v.IsObject()) {
        r.fail("charger: not an object");
        return;
    }
    r.str(v, "chargeBoxId", c.chargebox_id, p);
    r.str(v, "remoteAddress", c.remote_address, p);
    r.str(v, "vendor", c.vendor, p);
    r.str(v, "model", c.model, p);
    r.str(v, "serial", c.serial, p);
    r.str(v, "firmware", c.firmware, p);
    r.str(v, "iccid", c.iccid, p);
    r.str(v, "imsi", c.imsi, p);
    r.str(v, "meterType", c.meter_type, p);
    r.str(v, "meterSerial", c.meter_serial, p);
    if (auto it = v.FindMember("connectors"); it != v.MemberEnd() && !it->value.IsNull()) {
        int n = 0;
        r.integer(v, "connectors", n, p);
        c.connectors = n;
    }
    if (const auto* a = r.array(v, "connectorsReported", p)) {
        for (const auto& id : a->GetArray()) {
            if (!id.IsInt()) {
                r.fail(p + "connectorsReported: not an integer");
                return;
            }
            c.connectors_reported.push_back(id.GetInt());
        }
    }
    r.integer(v, "securityProfile", c.security_profile, p);
    r.str(v, "tlsVersion", c.tls_version, p);
    r.str(v, "tlsCipher", c.tls_cipher, p);
    if (const auto* a = r.array(v, "configuration", p)) {
        for (const auto& kv : a->GetArray()) {
            if (!kv.IsObject()) {
                r.fail(p + "configuration: not an object");
                return;
            }
            std::string key, value;
            r.str(kv, "key", key, p + "configuration[].");
            r.str(kv, "value", value, p + "configuration[].");
            c.configuration.emplace_back(std::move(key), std::move(value));
        }
    }
}

void read_check(Reader& r, const rapidjson::Value& v, Check& c, const std::string& p) {
    if (!v.IsObject()) {
        r.fail(p + ": not an object");
        return;
    }
    const std::string pp = p + ".";
    if (r.member(v, "id", pp)) {
        r.str(v, "id", c.id, pp);
    }
    r.str(v, "title", c.title, pp);
    std::string verdict;
    r.str(v, "verdict", verdict, pp);
    if (auto parsed = verdict_from_string(verdict)) {
        c.verdict = *parsed;
    } else {
        r.fail(pp + "verdict: unknown verdict \"" + verdict + "\"");
    }
    r.str(v, "seen", c.seen, pp);
    r.str(v, "hint", c.hint, pp);
    r.str(v, "octt", c.octt, pp);
    if (const auto* a = r.array(v, "timings", pp)) {
        for (const auto& t : a->GetArray()) {
            Timing timing;
            if (!t.IsObject() || !t.HasMember("ms") || !t["ms"].IsNumber()) {
                r.fail(pp + "timings: each needs a name and a number \"ms\"");
                return;
            }
            r.str(t, "name", timing.name, pp + "timings[].");
            timing.ms = t["ms"].GetDouble();
            c.timings.push_back(std::move(timing));
        }
    }
    if (const auto* a = r.array(v, "details", pp)) {
        for (const auto& d : a->GetArray()) {
            if (!d.IsString()) {
                r.fail(pp + "details: not a string");
                return;
            }
            c.details.emplace_back(d.GetString(), d.GetStringLength());
        }
    }
}

void read_frames(Reader& r, const rapidjson::Value& doc, Report& report) {
    const auto* frames = r.array(doc, "frames", "");
    if (!frames) {
        return;
    }
    for (const auto& f : frames->GetArray()) {
        if (!f.IsObject()) {
            r.fail("frames: not an object");
            return;
        }
        CapturedFrame frame;
        r.time(f, "at", frame.at, "frames[].");
        std::string dir;
        r.str(f, "dir", dir, "frames[].");
        if (dir != "cp->cs" && dir != "cs->cp") {
            r.fail("frames[].dir: must be \"cp->cs\" or \"cs->cp\"");
            return;
        }
        frame.from_charger = dir == "cp->cs";
        r.str(f, "text", frame.text, "frames[].");
        report.capture.add(frame);
    }
}

} // namespace

ocpp::Result<Report> report_from_json(std::string_view text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError()) {
        return ocpp::make_error(std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                                " at offset " + std::to_string(doc.GetErrorOffset()));
    }
    if (!doc.IsObject()) {
        return ocpp::make_error("not a JSON object");
    }
    Reader r;
    Report report;
    if (r.member(doc, "testId", "")) {
        r.str(doc, "testId", report.test_id, "");
    }
    r.time(doc, "started", report.started, "");
    r.time(doc, "finished", report.finished, "");
    r.str(doc, "url", report.url, "");
    if (const auto* charger = r.member(doc, "charger", "")) {
        read_charger(r, *charger, report.charger);
    }
    if (const auto* checks = r.member(doc, "checks", "")) {
        if (!checks->IsArray()) {
            r.fail("checks: not an array");
        } else {
            for (rapidjson::SizeType i = 0; i < checks->Size() && r.error.empty(); ++i) {
                Check c;
                read_check(r, (*checks)[i], c, "checks[" + std::to_string(i) + "]");
                report.checks.push_back(std::move(c));
            }
        }
    }
    if (auto it = doc.FindMember("claim"); it != doc.MemberEnd() && !it->value.IsNull()) {
        if (!it->value.IsObject()) {
            r.fail("claim: not an object");
        } else {
            std::string code;
            r.str(it->value, "code", code, "claim.");
            report.claim_code = code;
            r.time(it->value, "expiresAt", report.claim_expires, "claim.");
        }
    }
    read_frames(r, doc, report);
    if (!r.error.empty()) {
        return ocpp::make_error(r.error);
    }
    return report;
}

std::optional<Verdict> verdict_from_string(std::string_view text) {
    for (Verdict v : kVerdicts) {
        if (text == to_string(v)) {
            return v;
        }
    }
    return std::nullopt;
}

} // namespace tester
