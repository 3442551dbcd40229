#include "tester/checks/checks.hpp"

#include <algorithm>
#include <cstdio>

#include "ocpp/util/enum_names.hpp"

namespace tester {

namespace {
// The verdict names of reports and the web page.
constexpr ocpp::EnumName<Verdict> kVerdictNames[] = {
    {Verdict::Pending, "pending"}, {Verdict::Running, "running"}, {Verdict::Pass, "pass"},
    {Verdict::Warn, "warn"},       {Verdict::Fail, "fail"},       {Verdict::Skipped, "skipped"},
};
} // namespace

const char* to_string(Verdict v) {
    return ocpp::name_of(kVerdictNames, v, "unknown");
}

bool Report::passed() const {
    if (finished.unix_ms() == 0 || checks.empty()) {
        return false;
    }
    return std::none_of(checks.begin(), checks.end(), [](const Check& c) {
        return c.verdict == Verdict::Fail || c.verdict == Verdict::Pending || c.verdict == Verdict::Running;
    });
}

const std::vector<CheckDef>& check_catalogue() {
    static const std::vector<CheckDef> catalogue = {
        {CheckId::Tcp, "connection.tcp", "TCP connection arrived", ""},
        {CheckId::Tls, "connection.tls", "TLS version, cipher and certificates", "TC_086/TC_087"},
        {CheckId::Path, "websocket.path", "URL path ends with the Chargebox ID", "TC_088"},
        {CheckId::Subprotocol, "websocket.subprotocol", "WebSocket subprotocol ocpp1.6 offered", "TC_088"},
        {CheckId::Auth, "auth.basic", "HTTP Basic authentication", "TC_085"},
        {CheckId::BootFirst, "boot.first", "BootNotification is the first message", "TC_001"},
        {CheckId::BootPayload, "boot.payload", "BootNotification is valid; charger identity recorded", "TC_001"},
        {CheckId::Status, "status.connectors", "StatusNotification for connector 0 and every connector", ""},
        {CheckId::Heartbeat, "heartbeat.interval", "Heartbeat at the interval the tester set", ""},
        {CheckId::Clock, "clock.skew", "Charger clock agrees with the tester's", ""},
        {CheckId::GetConfiguration, "calls.get_configuration", "Charger answers GetConfiguration", ""},
        {CheckId::TriggerMessage, "calls.trigger_message", "Charger answers TriggerMessage(StatusNotification)", ""},
        {CheckId::RemoteStart, "charging.remote_start", "RemoteStartTransaction starts a transaction", ""},
        {CheckId::MeterValues, "charging.meter_values", "MeterValues during the transaction, monotonic", ""},
        {CheckId::RemoteStop, "charging.remote_stop", "RemoteStopTransaction stops the transaction", ""},
        {CheckId::Stable, "connection.stable", "Connection stayed up for the whole test", ""},
        {CheckId::FrameRate, "connection.frame_rate", "Charger sends messages at a sane rate", ""},
        {CheckId::Schema, "messages.schema", "Every message conformed to the OCPP 1.6 schemas", ""},
    };
    return catalogue;
}

const CheckDef& check_def(CheckId id) {
    return check_catalogue()[static_cast<std::size_t>(id)];
}

std::optional<CheckId> find_check(std::string_view key) {
    for (const auto& def : check_catalogue()) {
        if (key == def.key) {
            return def.id;
        }
    }
    return std::nullopt;
}

bool is_final(Verdict v) {
    return v == Verdict::Pass || v == Verdict::Warn || v == Verdict::Fail || v == Verdict::Skipped;
}

Verdict worse(Verdict a, Verdict b) {
    auto rank = [](Verdict v) {
        switch (v) {
        case Verdict::Fail:
            return 3;
        case Verdict::Warn:
            return 2;
        case Verdict::Pass:
            return 1;
        default:
            return 0;
        }
    };
    return rank(a) >= rank(b) ? a : b;
}

CheckBoard::CheckBoard(std::vector<Check>& checks, const TestConfig& config)
    : checks_(checks)
    , dropped_details_(kCheckCount, 0) {
    checks_.clear();
    for (const auto& def : check_catalogue()) {
        Check c;
        c.id = def.key;
        c.title = def.title;
        c.octt = def.octt;
        checks_.push_back(std::move(c));
    }
    if (!config.tls) {
        checks_[index(CheckId::Tls)].verdict = Verdict::Skipped;
        checks_[index(CheckId::Tls)].seen = "plain ws:// (security profile 0 or 1): no TLS to check";
    }
    for (CheckId id : {CheckId::RemoteStart, CheckId::MeterValues, CheckId::RemoteStop}) {
        if (!config.charging_test) {
            checks_[index(id)].verdict = Verdict::Skipped;
            checks_[index(id)].seen =
                "not requested (the charging test: --charging-test, or its box on the installer page)";
        }
    }
}

void CheckBoard::changed(std::size_t i) {
    if (listener_) {
        listener_(checks_[i]);
    }
}

void CheckBoard::append(Check check) {
    checks_.push_back(std::move(check));
    dropped_details_.push_back(0);
}

std::optional<std::size_t> CheckBoard::find(std::string_view key) const {
    for (std::size_t i = 0; i < checks_.size(); ++i) {
        if (checks_[i].id == key) {
            return i;
        }
    }
    return std::nullopt;
}

const Check* CheckBoard::get(std::string_view key) const {
    const auto i = find(key);
    return i ? &checks_[*i] : nullptr;
}

void CheckBoard::running(std::string_view key, std::string seen) {
    if (auto i = find(key)) {
        running_at(*i, std::move(seen));
    }
}

void CheckBoard::set(std::string_view key, Outcome outcome) {
    if (auto i = find(key)) {
        set_at(*i, std::move(outcome));
    }
}

void CheckBoard::add_detail(std::string_view key, std::string detail) {
    if (auto i = find(key)) {
        detail_at(*i, std::move(detail));
    }
}

void CheckBoard::running_at(std::size_t i, std::string seen) {
    Check& c = checks_[i];
    c.verdict = Verdict::Running;
    c.seen = std::move(seen);
    c.hint.clear();
    changed(i);
}

void CheckBoard::set_at(std::size_t i, Outcome outcome) {
    Check& c = checks_[i];
    c.verdict = outcome.verdict;
    c.seen = std::move(outcome.seen);
    c.hint = outcome.verdict == Verdict::Pass ? std::string() : std::move(outcome.hint);
    for (auto& d : outcome.details) {
        if (c.details.size() < kMaxDetails) {
            c.details.push_back(std::move(d));
        } else {
            ++dropped_details_[i];
        }
    }
    changed(i);
}

void CheckBoard::detail_at(std::size_t i, std::string detail) {
    Check& c = checks_[i];
    if (c.details.size() < kMaxDetails) {
        c.details.push_back(std::move(detail));
    } else {
        ++dropped_details_[i];
    }
}

void CheckBoard::add_timing(CheckId id, std::string name, double ms) {
    auto& timings = checks_[index(id)].timings;
    for (auto& t : timings) {
        if (t.name == name) {
            t.ms = ms;
            return;
        }
    }
    timings.push_back(Timing{std::move(name), ms});
}

void CheckBoard::settle_rest(Verdict running_verdict, const std::string& why) {
    for (std::size_t i = 0; i < checks_.size(); ++i) {
        Check& c = checks_[i];
        if (dropped_details_[i] > 0) {
            c.details.push_back("… and " + std::to_string(dropped_details_[i]) + " more");
            dropped_details_[i] = 0;
        }
        if (c.verdict == Verdict::Running) {
            c.verdict = running_verdict;
            c.seen = c.seen.empty() ? why : c.seen + "; " + why;
            changed(i);
        } else if (c.verdict == Verdict::Pending) {
            c.verdict = Verdict::Skipped;
            c.seen = "not reached: " + why;
            changed(i);
        }
    }
}

std::string format_ms(double ms) {
    char buf[32];
    if (ms < 1000) {
        std::snprintf(buf, sizeof buf, "%.0f ms", ms);
    } else {
        std::snprintf(buf, sizeof buf, "%.2f s", ms / 1000);
    }
    return buf;
}

std::string join_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) {
        out += (out.empty() ? "" : ", ") + s;
    }
    return out.empty() ? "none" : out;
}

std::string quote(std::string_view text, std::size_t max) {
    std::string out = "\"";
    std::size_t n = 0;
    for (char ch : text) {
        if (n++ == max) {
            out += "…";
            break;
        }
        const auto u = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (u < 0x20 || u == 0x7f) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\x%02x", u);
            out += esc;
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

} // namespace tester
