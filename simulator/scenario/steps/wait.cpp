// wait: a pause of some seconds, a number or a template such as "${interval}".
#include "simulator/scenario/charger_run.hpp"
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_wait(const StepSource& src, Step& s, std::vector<Step>&) {
    src.allow({});
    s.seconds = src.parser.text(src.value, "wait");
    if (s.seconds.find("${") == std::string::npos) {
        src.parser.number(src.value, "wait");
    }
}

void run_wait(ChargerRun& run, const Step& s) {
    auto text = expand_text(s.seconds, run.ctx());
    char* end = nullptr;
    const double seconds = text ? std::strtod(text->c_str(), &end) : -1;
    if (!text || end != text->c_str() + text->size() || seconds < 0 || seconds > 3600) {
        run.fail("a number of seconds (0 to 3600) to wait", text ? "\"" + *text + "\"" : text.error().message);
        return;
    }
    run.next_after(seconds);
}

} // namespace

extern const StepKind wait_step{"wait", parse_wait, run_wait};

} // namespace scen
