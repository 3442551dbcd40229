// expect: the answer to the last send or raw frame, a CALLRESULT or a CALLERROR, with matchers and captures.
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_expect(const StepSource& src, Step& s, std::vector<Step>&) {
    src.allow({});
    s.expect = src.parser.expectation(src.value);
}

void run_expect(ChargerRun& run, const Step& s) {
    expect_answer(run, *s.expect);
}

} // namespace

extern const StepKind expect_step{"expect", parse_expect, run_expect};

} // namespace scen
