// accept (central-system role): waits for the charger to connect to the runner, optionally with an HTTP Basic
// password. A charger that connects again later (after a reboot) is attached at once; another accept waits for it.
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_accept(const StepSource& src, Step& s, std::vector<Step>&) {
    const detail::Parser& p = src.parser;
    src.allow({"within", "password"});
    const YAML::Node o = src.value.IsMap() ? src.value : src.opts; // accept: {within: 60} or sibling keys
    if (src.value.IsMap()) {
        p.keys(src.value, {"within", "password"}, src.name);
    }
    s.within_s = o["within"] ? p.number(o["within"], "within") : 60;
    if (o["password"]) {
        s.password = p.text(o["password"], "password");
    }
}

void run_accept(ChargerRun& run, const Step& s) {
    if (run.env().role != Role::CentralSystem) {
        run.fail("role: central_system for accept", "role: charger (use connect)");
        return;
    }
    Link& link = run.link();
    link.expected_password.reset();
    if (s.password) {
        const auto pw = expand_or_fail(run, *s.password, "the password");
        if (!pw) {
            return;
        }
        link.expected_password = *pw;
    }
    run.wait_for(
        s.within_s,
        [&run] {
            Link& l = run.link();
            if (l.connections <= l.accepted || !l.peer || !l.peer->is_open()) {
                return ChargerRun::Check::NotYet;
            }
            l.accepted = l.connections;
            run.next();
            return ChargerRun::Check::Done;
        },
        [] { return std::string("no connection"); }, "charger " + run.id() + " to connect");
}

} // namespace

extern const StepKind accept_step{"accept", parse_accept, run_accept};

} // namespace scen
