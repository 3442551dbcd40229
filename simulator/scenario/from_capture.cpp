#include "simulator/scenario/from_capture.hpp"

#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

#include <rapidjson/document.h>

#include "ocpp/text/datetime.hpp"
#include "simulator/scenario/values.hpp"

namespace scen {

namespace {

struct Record {
    int line = 0;
    bool from_charger = true;
    long long at_ms = 0;
    std::string raw; // when the text was not JSON
    std::shared_ptr<rapidjson::Document> frame;
    int type() const {
        return frame && frame->IsArray() && frame->Size() >= 3 && (*frame)[0].IsInt() ? (*frame)[0].GetInt() : 0;
    }
    std::string id() const { return type() && (*frame)[1].IsString() ? (*frame)[1].GetString() : ""; }
};

std::string quote(const std::string& s) {
    rapidjson::Value v(rapidjson::StringRef(s.c_str(), s.size()));
    return to_json(v);
}

bool volatile_value(const std::string& key, const rapidjson::Value& v) {
    if (v.IsString() && ocpp::parse_datetime(v.GetString())) {
        return true;
    }
    return key == "transactionId" || key == "currentTime" || key == "timestamp";
}

// Matchers for every leaf of an answer: equals for stable values, exists for volatile ones.
void shape(const rapidjson::Value& v, const std::string& path, const std::string& key, std::vector<std::string>& out) {
    if (v.IsObject() && v.MemberCount() > 0) {
        for (const auto& m : v.GetObject()) {
            const std::string k = m.name.GetString();
            shape(m.value, path.empty() ? k : path + "." + k, k, out);
        }
        return;
    }
    if (v.IsArray() && v.Size() > 0) {
        for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
            shape(v[i], path + "[" + std::to_string(i) + "]", key, out);
        }
        return;
    }
    const std::string p = quote(path.empty() ? "$" : path);
    out.push_back(volatile_value(key, v) ? p + ": {exists: true}" : p + ": {equals: " + to_json(v) + "}");
}

// Replaces transaction ids the central system gave with the variables they were captured into.
void substitute(rapidjson::Value& v, const std::map<long long, std::string>& vars,
                rapidjson::Document::AllocatorType& a, const std::string& key = "") {
    if (v.IsObject()) {
        for (auto& m : v.GetObject()) {
            substitute(m.value, vars, a, m.name.GetString());
        }
    } else if (v.IsArray()) {
        for (auto& e : v.GetArray()) {
            substitute(e, vars, a, key);
        }
    } else if (v.IsString() && ocpp::parse_datetime(v.GetString())) {
        v.SetString("${now()}", a); // replayed now: only the differences between times matter
    } else if (key == "transactionId" && v.IsInt64()) {
        auto it = vars.find(v.GetInt64());
        if (it != vars.end()) {
            const std::string ref = "${" + it->second + "}";
            v.SetString(ref.c_str(), static_cast<rapidjson::SizeType>(ref.size()), a);
        }
    }
}

} // namespace

ocpp::Result<std::string> scenario_from_capture(const std::string& jsonl, const std::string& file_name,
                                                const CaptureOptions& options) {
    std::vector<Record> records;
    std::istringstream in(jsonl);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        rapidjson::Document d;
        d.Parse(line.c_str(), line.size());
        const auto fail = [&](const std::string& why) {
            return ocpp::make_error(file_name + ":" + std::to_string(n) + ": " + why);
        };
        if (d.HasParseError() || !d.IsObject()) {
            return fail("not a capture record (expected one JSON object per line)");
        }
        Record r;
        r.line = n;
        auto dir = d.FindMember("dir");
        if (dir == d.MemberEnd() || !dir->value.IsString() ||
            (std::string(dir->value.GetString()) != "cp->cs" && std::string(dir->value.GetString()) != "cs->cp")) {
            return fail("dir: expected \"cp->cs\" or \"cs->cp\"");
        }
        r.from_charger = std::string(dir->value.GetString()) == "cp->cs";
        auto at = d.FindMember("at");
        if (at != d.MemberEnd() && at->value.IsString()) {
            if (auto t = ocpp::parse_datetime(at->value.GetString())) {
                r.at_ms = t->unix_ms();
            }
        }
        auto frame = d.FindMember("frame");
        auto raw = d.FindMember("raw");
        if (frame != d.MemberEnd()) {
            r.frame = std::make_shared<rapidjson::Document>();
            r.frame->CopyFrom(frame->value, r.frame->GetAllocator());
        } else if (raw != d.MemberEnd() && raw->value.IsString()) {
            r.raw = raw->value.GetString();
        } else {
            return fail("expected a frame or a raw member");
        }
        records.push_back(std::move(r));
    }
    if (records.empty()) {
        return ocpp::make_error(file_name + ": no frames in the capture");
    }

    std::ostringstream y;
    y << "name: " << quote(options.name) << "\n";
    y << "description: "
      << quote("Generated by ocpp-simulator scenario from-capture from " + file_name +
               ": replays the charger's frames, expects the central system's answers by shape.")
      << "\n";
    y << "chargers: {count: 1, id: " << quote(options.id_pattern) << "}\n";
    y << "steps:\n  - connect\n";
    std::map<long long, std::string> tx_vars;
    std::vector<bool> used(records.size(), false);
    long long last_send_ms = 0;
    auto answer_of = [&](std::size_t i, bool from_charger) -> int {
        const std::string id = records[i].id();
        for (std::size_t j = i + 1; j < records.size(); ++j) {
            const int t = records[j].type();
            if (!used[j] && records[j].from_charger == from_charger && (t == 3 || t == 4) && records[j].id() == id) {
                return static_cast<int>(j);
            }
        }
        return -1;
    };
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (used[i]) {
            continue;
        }
        Record& r = records[i];
        const int type = r.type();
        if (r.from_charger && last_send_ms && r.at_ms - last_send_ms >= 1000) {
            const double gap = std::min(10.0, (r.at_ms - last_send_ms) / 1000.0);
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.1f", gap);
            y << "  - wait: " << buf << "\n";
        }
        if (r.from_charger) {
            last_send_ms = r.at_ms;
        }
        if (r.from_charger && (type != 2 || r.frame->Size() != 4 || !(*r.frame)[2].IsString())) {
            if (type == 3 || type == 4) {
                continue; // an answer to a call the central system made: given as that call's reply
            }
            y << "  - fault: raw\n    text: " << quote(r.raw.empty() ? to_json(*r.frame) : r.raw) << "\n";
            continue;
        }
        if (!r.from_charger && type == 2 && r.frame->Size() == 4 && (*r.frame)[2].IsString()) {
            y << "  - expect_call: " << (*r.frame)[2].GetString() << "\n    within: 30\n";
            std::vector<std::string> m;
            rapidjson::Document payload;
            payload.CopyFrom((*r.frame)[3], payload.GetAllocator());
            substitute(payload, tx_vars, payload.GetAllocator());
            shape(payload, "", "", m);
            if (!m.empty() && payload.IsObject() && payload.MemberCount() > 0) {
                y << "    match:\n";
                for (const auto& s : m) {
                    y << "      " << s << "\n";
                }
            }
            const int a = answer_of(i, true);
            if (a >= 0) {
                used[a] = true;
                const Record& ans = records[a];
                if (ans.type() == 3) {
                    y << "    reply: " << to_json((*ans.frame)[2]) << "\n";
                } else if (ans.frame->Size() >= 3 && (*ans.frame)[2].IsString()) {
                    y << "    reply_error: " << (*ans.frame)[2].GetString() << "\n";
                }
            }
            continue;
        }
        if (!r.from_charger) {
            continue; // answers are expected with their call; anything else from the central system is not replayed
        }
        const std::string action = (*r.frame)[2].GetString();
        rapidjson::Document payload;
        payload.CopyFrom((*r.frame)[3], payload.GetAllocator());
        substitute(payload, tx_vars, payload.GetAllocator());
        y << "  - send: " << action << "\n    payload: " << to_json(payload) << "\n";
        const int a = answer_of(i, false);
        if (a < 0) {
            continue;
        }
        used[a] = true;
        const Record& ans = records[a];
        if (ans.type() == 4) {
            const std::string code =
                ans.frame->Size() >= 3 && (*ans.frame)[2].IsString() ? (*ans.frame)[2].GetString() : "any";
            y << "    expect:\n      error: " << code << "\n";
            continue;
        }
        y << "    expect:\n      result:";
        std::vector<std::string> m;
        shape((*ans.frame)[2], "", "", m);
        if (m.empty() || !(*ans.frame)[2].IsObject() || (*ans.frame)[2].MemberCount() == 0) {
            y << " {}\n";
        } else {
            y << "\n";
            for (const auto& s : m) {
                y << "        " << s << "\n";
            }
        }
        const rapidjson::Value& conf = (*ans.frame)[2];
        if (conf.IsObject()) {
            auto tx = conf.FindMember("transactionId");
            if (tx != conf.MemberEnd() && tx->value.IsInt64()) {
                const std::string var = "tx" + std::to_string(tx_vars.size() + 1);
                tx_vars[tx->value.GetInt64()] = var;
                y << "      capture: {" << var << ": transactionId}\n";
            }
        }
    }
    y << "  - disconnect\n";
    return y.str();
}

} // namespace scen
