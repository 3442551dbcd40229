// expect_upload: the runner hosts an upload URL (HTTP PUT or POST, multipart form data too) from the start of the
// run and sets a variable to it, so that earlier steps can send it (GetDiagnostics); the step waits for a file and
// checks it with matchers on size, text, name, method and content_type.
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_expect_upload(const StepSource& src, Step& s, std::vector<Step>&) {
    detail::Parser& p = src.parser;
    src.allow({"within", "name", "match", "capture"});
    s.variable = p.text(src.value, "expect_upload (the variable that gets the URL)");
    s.within_s = src.opts["within"] ? p.number(src.opts["within"], "within") : 30;
    s.file_name = src.opts["name"] ? p.text(src.opts["name"], "name") : "upload";
    s.expect = p.checks(src.opts, s.pos);
}

// Hosts the endpoint and sets the variable before the first step runs.
void prepare_expect_upload(ChargerRun& run, const Step& s) {
    std::weak_ptr<ChargerRun> weak = run.weak_from_this();
    auto url = run.env().files->upload_endpoint(run.id(), s.file_name, [weak] {
        if (auto self = weak.lock()) {
            self->poke();
        }
    });
    if (!url) {
        run.fail("an upload URL to host", url.error().message);
        return;
    }
    run.ctx().set_string(s.variable, *url);
}

// The upload as the matchers see it.
void upload_json(const Upload& u, rapidjson::Document& out) {
    auto& a = out.GetAllocator();
    out.SetObject();
    auto str = [&a](const std::string& v) {
        return rapidjson::Value(v.c_str(), static_cast<rapidjson::SizeType>(v.size()), a);
    };
    out.AddMember("method", str(u.method), a);
    out.AddMember("content_type", str(u.content_type), a);
    out.AddMember("name", str(u.name), a);
    out.AddMember("size", rapidjson::Value(static_cast<std::uint64_t>(u.size)), a);
    out.AddMember("text", str(u.text), a);
}

void run_expect_upload(ChargerRun& run, const Step& s) {
    const auto url = expand_or_fail(run, "${" + s.variable + "}", "the upload URL");
    if (!url) {
        return;
    }
    run.wait_for(
        s.within_s,
        [&run, &s, url = *url] {
            const auto* uploads = run.env().files->uploads(url);
            if (!uploads || uploads->empty()) {
                return ChargerRun::Check::NotYet;
            }
            rapidjson::Document d;
            upload_json(uploads->back(), d);
            if (check_matchers(run, s.expect->match, d, "an upload") && capture(run, s.expect->capture, d)) {
                run.next();
            }
            return ChargerRun::Check::Done;
        },
        [] { return std::string("no upload"); }, "a file uploaded to " + *url);
}

} // namespace

extern const StepKind expect_upload_step{"expect_upload", parse_expect_upload, run_expect_upload, nullptr,
                                         prepare_expect_upload};

} // namespace scen
