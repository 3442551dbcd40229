// disconnect: closes the connection (code 1000, or `code`) and waits for the close handshake.
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_disconnect(const StepSource& src, Step& s, std::vector<Step>&) {
    src.allow({"code"});
    if (src.value.IsMap()) {
        src.parser.keys(src.value, {"code"}, src.name);
    }
    if (const YAML::Node o = src.value.IsMap() ? src.value : src.opts; o["code"]) {
        s.code = src.parser.integer(o["code"], "code", 1000);
    }
}

void run_disconnect(ChargerRun& run, const Step& s) {
    if (!run.link().peer || !run.link().peer->is_open()) {
        run.next();
        return;
    }
    run.link().peer->close(s.code, "scenario disconnect");
    await_close(run, "the connection closed", "the close handshake did not finish");
}

} // namespace

extern const StepKind disconnect_step{"disconnect", parse_disconnect, run_disconnect};

} // namespace scen
