// repeat: runs its steps a number of times, or until matchers hold on the variables (failing if they never do).
#include "simulator/scenario/charger_run.hpp"
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_repeat(const StepSource& src, Step& s, std::vector<Step>&) {
    detail::Parser& p = src.parser;
    src.allow({"steps", "until"});
    s.times = p.integer(src.value, "repeat", 1);
    if (!src.opts["steps"] || !src.opts["steps"].IsSequence()) {
        p.fail(src.node, "repeat: needs steps: with a list of steps");
    }
    s.steps = p.steps(src.opts["steps"]);
    if (src.opts["until"]) {
        s.until = p.matchers(src.opts["until"], "until");
    }
}

void run_repeat(ChargerRun& run, const Step& s) {
    run.enter(s);
}

bool again(ChargerRun& run, const Step& s, int iteration) {
    const bool last = iteration >= s.times;
    if (s.until.empty()) {
        return !last;
    }
    bool all = true;
    for (const auto& m : s.until) {
        all = all && !check(m, run.ctx().vars, run.ctx());
    }
    if (all) {
        return false;
    }
    if (last) {
        std::string expected;
        for (const auto& m : s.until) {
            expected += (expected.empty() ? "" : " and ") + describe(m);
        }
        run.fail("repeat until " + expected + " within " + std::to_string(s.times) + " iterations",
                 "variables " + to_json(run.ctx().vars, 300));
        return false;
    }
    return true;
}

} // namespace

extern const StepKind repeat_step{"repeat", parse_repeat, run_repeat, again};

} // namespace scen
