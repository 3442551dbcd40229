#include "tester/report/json.hpp"

#include <algorithm>
#include <cctype>

namespace tester {

namespace {

void write_time_or_null(JsonWriter& w, const ocpp::DateTime& at) {
    if (is_set(at)) {
        write_string(w, format_time_ms(at));
    } else {
        w.Null();
    }
}

void write_member(JsonWriter& w, const char* name, std::string_view value) {
    w.Key(name);
    write_string(w, value);
}

void write_charger(JsonWriter& w, const ChargerFacts& c) {
    w.StartObject();
    write_member(w, "chargeBoxId", c.chargebox_id);
    write_member(w, "remoteAddress", c.remote_address);
    write_member(w, "vendor", c.vendor);
    write_member(w, "model", c.model);
    write_member(w, "serial", c.serial);
    write_member(w, "firmware", c.firmware);
    write_member(w, "iccid", c.iccid);
    write_member(w, "imsi", c.imsi);
    write_member(w, "meterType", c.meter_type);
    write_member(w, "meterSerial", c.meter_serial);
    w.Key("connectors");
    if (c.connectors) {
        w.Int(*c.connectors);
    } else {
        w.Null();
    }
    w.Key("connectorsReported");
    w.StartArray();
    for (int id : c.connectors_reported) {
        w.Int(id);
    }
    w.EndArray();
    w.Key("securityProfile");
    w.Int(c.security_profile);
    write_member(w, "tlsVersion", c.tls_version);
    write_member(w, "tlsCipher", c.tls_cipher);
    w.Key("configuration");
    w.StartArray();
    for (const auto& [key, value] : c.configuration) {
        w.StartObject();
        write_member(w, "key", key);
        write_member(w, "value", shown_value(key, value));
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
}

void write_check(JsonWriter& w, const Check& c) {
    w.StartObject();
    write_member(w, "id", c.id);
    write_member(w, "title", c.title);
    write_member(w, "verdict", to_string(c.verdict));
    write_member(w, "seen", c.seen);
    write_member(w, "hint", c.hint);
    write_member(w, "octt", c.octt);
    w.Key("timings");
    w.StartArray();
    for (const auto& t : c.timings) {
        w.StartObject();
        write_member(w, "name", t.name);
        w.Key("ms");
        w.Double(t.ms);
        w.EndObject();
    }
    w.EndArray();
    w.Key("details");
    w.StartArray();
    for (const auto& d : c.details) {
        write_string(w, d);
    }
    w.EndArray();
    w.EndObject();
}

} // namespace

void write_report_members(JsonWriter& w, const Report& report, const JsonOptions& options) {
    write_member(w, "testId", report.test_id);
    w.Key("started");
    write_time_or_null(w, report.started);
    w.Key("finished");
    write_time_or_null(w, report.finished);
    write_member(w, "url", report.url);
    w.Key("passed");
    w.Bool(report.passed());
    w.Key("charger");
    write_charger(w, report.charger);
    w.Key("checks");
    w.StartArray();
    for (const auto& check : report.checks) {
        write_check(w, check);
    }
    w.EndArray();
    w.Key("claim");
    if (report.claim_code) {
        w.StartObject();
        write_member(w, "code", *report.claim_code);
        w.Key("expiresAt");
        write_time_or_null(w, report.claim_expires);
        w.EndObject();
    } else {
        w.Null();
    }
    w.Key("frameCount");
    w.Uint64(report.capture.frames());
    if (report.capture.dropped() > 0) {
        w.Key("framesNotCaptured");
        w.Uint64(report.capture.dropped());
    }
    if (options.frames) {
        w.Key("frames");
        w.StartArray();
        for (const auto& f : report.capture.list()) {
            w.StartObject();
            write_member(w, "at", format_time_ms(f.at));
            write_member(w, "dir", f.from_charger ? "cp->cs" : "cs->cp");
            write_member(w, "text", f.text);
            w.EndObject();
        }
        w.EndArray();
    }
}

std::string to_json(const Report& report, const JsonOptions& options) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_report_members(w, report, options);
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

std::string sanitize_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07u;
        }
        bool ok = len != 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) {
            ok = (s[i + k] & 0xC0u) == 0x80u;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        // Overlong forms, UTF-16 surrogates and code points beyond U+10FFFF are invalid too.
        ok = ok && !(len == 3 && cp < 0x800) && !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
             !(cp >= 0xD800 && cp <= 0xDFFF);
        if (ok) {
            out.append(text.substr(i, len));
            i += len;
        } else {
            out.append("\xEF\xBF\xBD");
            ++i;
        }
    }
    return out;
}

void write_string(JsonWriter& w, std::string_view text) {
    const std::string clean = sanitize_utf8(text);
    w.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
}

std::string format_time_ms(const ocpp::DateTime& at) {
    // Truncate to milliseconds, then make sure the fraction is always there.
    std::string out = ocpp::format_datetime(ocpp::DateTime::from_unix_ms(at.unix_ms()));
    if (out.size() > 1 && out.find('.') == std::string::npos) {
        out.insert(out.size() - 1, ".000");
    }
    return out;
}

bool is_secret_key(std::string_view key) {
    std::string lower(key);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* word : {"authorizationkey", "password", "secret", "passwd", "privatekey", "token"}) {
        if (lower.find(word) != std::string::npos) {
            return true;
        }
    }
    return false;
}

std::string shown_value(std::string_view key, std::string_view value) {
    return is_secret_key(key) && !value.empty() ? std::string("***") : std::string(value);
}

} // namespace tester
