#include "tester/capture/capture.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "tester/capture/capture_log.hpp"
#include "tester/report/json.hpp"

namespace tester {

namespace {

void redact_pair(rapidjson::Value& kv) {
    if (!kv.IsObject()) {
        return;
    }
    auto key = kv.FindMember("key");
    auto value = kv.FindMember("value");
    if (key != kv.MemberEnd() && key->value.IsString() && value != kv.MemberEnd() && value->value.IsString() &&
        value->value.GetStringLength() > 0 && is_secret_key(key->value.GetString())) {
        value->value.SetString("***");
    }
}

// Secrets travel in ChangeConfiguration requests and GetConfiguration answers; blank their values.
void redact(rapidjson::Value& frame) {
    if (!frame.IsArray() || frame.Size() < 3 || !frame[0].IsInt()) {
        return;
    }
    rapidjson::Value& payload = frame[frame[0].GetInt() == 2 && frame.Size() >= 4 ? 3 : 2];
    if (!payload.IsObject()) {
        return;
    }
    redact_pair(payload);
    auto keys = payload.FindMember("configurationKey");
    if (keys != payload.MemberEnd() && keys->value.IsArray()) {
        for (auto& kv : keys->value.GetArray()) {
            redact_pair(kv);
        }
    }
}

// One frame as one JSON Line, '\n' included.
void append_line(std::string& out, ocpp::DateTime at, bool from_charger, std::string_view text) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("at");
    write_string(w, format_time_ms(at));
    w.Key("dir");
    w.String(from_charger ? "cp->cs" : "cs->cp");
    // Invalid UTF-8 inside JSON counts as not JSON: the text then goes out sanitised as "raw".
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
    if (!doc.HasParseError()) {
        redact(doc);
        w.Key("frame");
        doc.Accept(w);
    } else {
        w.Key("raw");
        write_string(w, text);
    }
    w.EndObject();
    out.append(buf.GetString(), buf.GetSize());
    out += '\n';
}

} // namespace

std::string to_jsonl(const std::vector<CapturedFrame>& frames) {
    std::string out;
    for (const auto& f : frames) {
        append_line(out, f.at, f.from_charger, f.text);
    }
    return out;
}

CaptureLog::CaptureLog(std::size_t budget, Admit admit)
    : budget_(budget)
    , admit_(std::move(admit))
    , text_(std::make_shared<std::string>()) {}

void CaptureLog::add(const CapturedFrame& frame) {
    add(frame.at, frame.from_charger, frame.text);
}

void CaptureLog::add(ocpp::DateTime at, bool from_charger, std::string_view text) {
    if (full_ == Full::No) {
        std::string line;
        append_line(line, at, from_charger, text);
        if (bytes_ + line.size() > budget_) {
            full_ = Full::Budget;
        } else if (admit_ && !admit_(line.size())) {
            full_ = Full::Tester;
        } else {
            if (text_->size() != bytes_) {
                // Another copy appended after this one was made: go on in a text of our own.
                text_ = std::make_shared<std::string>(text_->substr(0, bytes_));
            }
            text_->append(line);
            bytes_ += line.size();
            ++frames_;
            return;
        }
    }
    ++dropped_;
}

std::vector<CapturedFrame> CaptureLog::list() const {
    auto frames = from_jsonl(text());
    return frames ? std::move(*frames) : std::vector<CapturedFrame>{};
}

std::string CaptureLog::incomplete_note() const {
    if (dropped_ == 0) {
        return {};
    }
    const std::string kept = "the capture holds the first " + std::to_string(frames_) + " frames (" +
                             std::to_string(bytes_ / 1024) + " KiB); " + std::to_string(dropped_) +
                             " more were not kept: ";
    return kept + (full_ == Full::Budget
                       ? "the capture budget of one test (" + std::to_string(budget_ / 1024) + " KiB) was full"
                       : std::string("the tester's memory for tests was full"));
}

ocpp::Result<std::vector<CapturedFrame>> from_jsonl(std::string_view text) {
    std::vector<CapturedFrame> frames;
    std::size_t line_no = 0;
    while (!text.empty()) {
        const auto eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
            continue;
        }
        const std::string where = "line " + std::to_string(line_no) + ": ";
        rapidjson::Document doc;
        doc.Parse(line.data(), line.size());
        if (doc.HasParseError() || !doc.IsObject()) {
            return ocpp::make_error(where + "not a JSON object");
        }
        CapturedFrame f;
        auto at = doc.FindMember("at");
        auto parsed =
            at != doc.MemberEnd() && at->value.IsString() ? ocpp::parse_datetime(at->value.GetString()) : std::nullopt;
        if (!parsed) {
            return ocpp::make_error(where + "\"at\" is missing or not an RFC 3339 time");
        }
        f.at = *parsed;
        auto dir = doc.FindMember("dir");
        const std::string d = dir != doc.MemberEnd() && dir->value.IsString() ? dir->value.GetString() : "";
        if (d != "cp->cs" && d != "cs->cp") {
            return ocpp::make_error(where + "\"dir\" must be \"cp->cs\" or \"cs->cp\"");
        }
        f.from_charger = d == "cp->cs";
        if (auto frame = doc.FindMember("frame"); frame != doc.MemberEnd()) {
            rapidjson::StringBuffer buf;
            JsonWriter w(buf);
            frame->value.Accept(w);
            f.text.assign(buf.GetString(), buf.GetSize());
        } else if (auto raw = doc.FindMember("raw"); raw != doc.MemberEnd() && raw->value.IsString()) {
            f.text.assign(raw->value.GetString(), raw->value.GetStringLength());
        } else {
            return ocpp::make_error(where + "needs \"frame\" or \"raw\"");
        }
        frames.push_back(std::move(f));
    }
    return frames;
}

ocpp::Result<void> write_file(const std::string& path, std::string_view text) {
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) {
        return ocpp::make_error("cannot write \"" + path + "\": " + std::strerror(errno));
    }
    const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    const int write_errno = errno;
    const bool flushed = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
    const bool closed = std::fclose(f) == 0;
    if (!written || !flushed || !closed) {
        const int err = !written ? write_errno : errno;
        std::remove(tmp.c_str());
        return ocpp::make_error("cannot write \"" + path + "\": " + std::strerror(err));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        return ocpp::make_error("cannot write \"" + path + "\": " + std::strerror(err));
    }
    return {};
}

} // namespace tester
