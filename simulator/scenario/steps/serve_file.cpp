// serve_file: the runner serves a file over HTTP (firmware for UpdateFirmware) and sets a variable to its URL;
// expect_download waits until that URL was fetched. The file is read when the scenario is parsed (bounded), so the
// event loop never waits on the disk.
#include "ocpp/system/small_file.hpp"
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_serve_file(const StepSource& src, Step& s, std::vector<Step>&) {
    detail::Parser& p = src.parser;
    src.allow({"name", "text", "file", "status"});
    s.variable = p.text(src.value, "serve_file (the variable that gets the URL)");
    const YAML::Node& o = src.opts;
    if (o["text"].IsDefined() == o["file"].IsDefined()) {
        p.fail(src.node, "serve_file: give text: (the content) or file: (a path), one of them");
    }
    if (o["file"]) {
        s.file_path = p.text(o["file"], "file");
        auto content = ocpp::read_small_file(s.file_path, 64 * 1024 * 1024);
        if (!content) {
            p.fail(o["file"], "file: " + content.error().message);
        }
        s.content = std::make_shared<const std::string>(std::move(*content));
        s.file_name = s.file_path.substr(s.file_path.rfind('/') + 1);
    } else {
        s.payload = p.text(o["text"], "text"); // a template, expanded when the step runs
        s.file_name = "file.bin";
    }
    if (o["name"]) {
        s.file_name = p.text(o["name"], "name");
        if (s.file_name.empty() || s.file_name.find('/') != std::string::npos) {
            p.fail(o["name"], "name: expected a file name without '/'");
        }
    }
    s.status = o["status"] ? p.integer(o["status"], "status", 200) : 200;
    if (s.status > 599) {
        p.fail(o["status"], "status: expected an HTTP status from 200 to 599");
    }
}

void run_serve_file(ChargerRun& run, const Step& s) {
    auto content = s.content;
    if (!content) {
        const auto text = expand_or_fail(run, s.payload, "the text of the served file");
        if (!text) {
            return;
        }
        content = std::make_shared<const std::string>(*text);
    }
    std::weak_ptr<ChargerRun> weak = run.weak_from_this();
    auto url = run.env().files->serve(run.id(), s.file_name, std::move(content), s.status, [weak] {
        if (auto self = weak.lock()) {
            self->poke();
        }
    });
    if (!url) {
        run.fail("a file to serve", url.error().message);
        return;
    }
    run.ctx().set_string(s.variable, *url);
    run.next();
}

void parse_expect_download(const StepSource& src, Step& s, std::vector<Step>&) {
    detail::Parser& p = src.parser;
    src.allow({"within"});
    s.variable = p.text(src.value, "expect_download (the variable that holds the URL)");
    s.within_s = src.opts["within"] ? p.number(src.opts["within"], "within") : 10;
}

void run_expect_download(ChargerRun& run, const Step& s) {
    const auto url = expand_or_fail(run, "${" + s.variable + "}", "the URL of the served file");
    if (!url) {
        return;
    }
    run.wait_for(
        s.within_s,
        [&run, url = *url] {
            if (run.env().files->downloads(url) == 0) {
                return ChargerRun::Check::NotYet;
            }
            run.next();
            return ChargerRun::Check::Done;
        },
        [] { return std::string("no download"); }, "a download of " + *url);
}

} // namespace

extern const StepKind serve_file_step{"serve_file", parse_serve_file, run_serve_file};
extern const StepKind expect_download_step{"expect_download", parse_expect_download, run_expect_download};

} // namespace scen
