// fetch and upload: the charger role's file transfers (HTTP, HTTPS, FTP through libcurl, off the event loop), so
// that a scenario can download the firmware a central system offers in UpdateFirmware and upload the diagnostics
// file GetDiagnostics asks for. fetch checks what came with matchers on size, text and status.
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

constexpr double kMaxSeconds = 600;                // a transfer never runs longer than this
constexpr std::size_t kMaxUploadBytes = 16u << 20; // what an upload step may generate

double within_or(const StepSource& src, double fallback) {
    if (!src.opts["within"]) {
        return fallback;
    }
    const double s = src.parser.number(src.opts["within"], "within");
    if (s <= 0 || s > kMaxSeconds) {
        src.parser.fail(src.opts["within"], "within: expected 0 < seconds <= 600");
    }
    return s;
}

void parse_fetch(const StepSource& src, Step& s, std::vector<Step>&) {
    src.allow({"within", "match", "capture"});
    s.path = src.parser.text(src.value, "fetch (the URL)");
    s.within_s = within_or(src, 30);
    s.expect = src.parser.checks(src.opts, s.pos);
}

void parse_upload(const StepSource& src, Step& s, std::vector<Step>&) {
    detail::Parser& p = src.parser;
    src.allow({"within", "method", "name", "text", "bytes"});
    s.path = p.text(src.value, "upload (the URL)");
    s.within_s = within_or(src, 30);
    s.method = src.opts["method"] ? p.text(src.opts["method"], "method") : "PUT";
    if (s.method != "PUT" && s.method != "POST") {
        p.fail(src.opts["method"], "method: expected PUT or POST");
    }
    s.file_name = src.opts["name"] ? p.text(src.opts["name"], "name") : "";
    if (src.opts["text"] && src.opts["bytes"]) {
        p.fail(src.opts["bytes"], "upload: give text or bytes, not both");
    }
    s.payload = src.opts["text"] ? p.text(src.opts["text"], "text") : "";
    if (src.opts["bytes"]) {
        const double n = p.number(src.opts["bytes"], "bytes");
        if (n < 0 || n > static_cast<double>(kMaxUploadBytes)) {
            p.fail(src.opts["bytes"], "bytes: expected 0 to 16777216");
        }
        s.bytes = static_cast<std::size_t>(n);
    }
}

// What fetch's matchers see: the size, the first 64 KiB as text (bytes that are not printable ASCII as '?'), the
// status of the last answer.
void fetched_json(const ocpp::transfer::TransferResult& r, rapidjson::Document& out) {
    auto& a = out.GetAllocator();
    out.SetObject();
    std::string text = r.data.substr(0, 64 * 1024);
    for (char& c : text) {
        if ((c < 0x20 || c > 0x7e) && c != '\n' && c != '\r' && c != '\t') {
            c = '?';
        }
    }
    out.AddMember("size", rapidjson::Value(static_cast<std::uint64_t>(r.data.size())), a);
    out.AddMember("text", rapidjson::Value(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), a), a);
    out.AddMember("status", rapidjson::Value(static_cast<std::int64_t>(r.status)), a);
}

using Outcome = std::shared_ptr<std::optional<ocpp::transfer::TransferResult>>;

// Waits for the transfer's result; a failed transfer fails the step with its reason.
void await(ChargerRun& run, const Step& s, Outcome outcome, const std::string& what) {
    run.wait_for(
        s.within_s + 1,
        [&run, &s, outcome, what] {
            if (!*outcome) {
                return ChargerRun::Check::NotYet;
            }
            const auto& r = **outcome;
            if (!r.ok()) {
                run.fail(what, std::string(ocpp::transfer::to_string(r.error->kind)) + ": " + r.error->message);
                return ChargerRun::Check::Done;
            }
            if (s.expect) {
                rapidjson::Document d;
                fetched_json(r, d);
                if (!check_matchers(run, s.expect->match, d, "the fetched file") ||
                    !capture(run, s.expect->capture, d)) {
                    return ChargerRun::Check::Done;
                }
            }
            run.link().transfer.cancel(); // done: nothing left to stop
            run.next();
            return ChargerRun::Check::Done;
        },
        [] { return std::string("the transfer still running"); }, what);
}

ocpp::transfer::TransferDone poke_when_done(ChargerRun& run, const Outcome& outcome) {
    std::weak_ptr<ChargerRun> weak = run.weak_from_this();
    return [weak, outcome](ocpp::transfer::TransferResult r) {
        if (auto self = weak.lock()) {
            outcome->emplace(std::move(r));
            self->poke();
        }
    };
}

void run_fetch(ChargerRun& run, const Step& s) {
    const auto url = expand_or_fail(run, s.path, "the URL to fetch");
    if (!url) {
        return;
    }
    ocpp::transfer::DownloadRequest req;
    req.url = *url;
    req.total_timeout = std::chrono::milliseconds(static_cast<long long>(s.within_s * 1000));
    auto outcome = std::make_shared<std::optional<ocpp::transfer::TransferResult>>();
    run.link().transfer = run.env().transfers->download(req, *run.env().loop, poke_when_done(run, outcome));
    await(run, s, outcome, "the file at " + ocpp::transfer::redact_url(*url) + " fetched");
}

void run_upload(ChargerRun& run, const Step& s) {
    const auto url = expand_or_fail(run, s.path, "the URL to upload to");
    if (!url) {
        return;
    }
    ocpp::transfer::UploadRequest req;
    req.url = *url;
    req.method = s.method == "POST" ? ocpp::transfer::UploadMethod::Post : ocpp::transfer::UploadMethod::Put;
    req.total_timeout = std::chrono::milliseconds(static_cast<long long>(s.within_s * 1000));
    if (!s.file_name.empty()) {
        const auto name = expand_or_fail(run, s.file_name, "the file name");
        if (!name) {
            return;
        }
        req.file_name = *name;
    }
    if (s.bytes > 0) {
        req.data.assign(s.bytes, 'd');
    } else {
        const auto text = expand_or_fail(run, s.payload, "the text to upload");
        if (!text) {
            return;
        }
        req.data = *text;
    }
    auto outcome = std::make_shared<std::optional<ocpp::transfer::TransferResult>>();
    run.link().transfer = run.env().transfers->upload(std::move(req), *run.env().loop, poke_when_done(run, outcome));
    await(run, s, outcome, "a " + s.method + " of " + ocpp::transfer::redact_url(*url) + " accepted");
}

} // namespace

extern const StepKind fetch_step{"fetch", parse_fetch, run_fetch};
extern const StepKind upload_step{"upload", parse_upload, run_upload};

} // namespace scen
