// expect_close: the central system closes the connection, within a time and with a code if given.
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/checks.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_expect_close(const StepSource& src, Step& s, std::vector<Step>&) {
    const detail::Parser& p = src.parser;
    const YAML::Node& value = src.value;
    src.allow({});
    if (!value.IsMap()) {
        s.code = 0;
        return;
    }
    p.keys(value, {"within", "code"}, "expect_close");
    if (value["within"]) {
        s.within_s = p.number(value["within"], "expect_close.within");
    }
    if (value["code"]) {
        s.code = p.integer(value["code"], "expect_close.code", 0);
    }
}

void run_expect_close(ChargerRun& run, const Step& s) {
    run.wait_for(
        s.within_s,
        [&run, &s] {
            const auto& closed = run.link().closed;
            if (!closed) {
                return ChargerRun::Check::NotYet;
            }
            if (s.code != 0 && closed->code != s.code) {
                run.fail("the connection closed with code " + std::to_string(s.code),
                         "code " + std::to_string(closed->code) + " " + closed->reason);
                return ChargerRun::Check::Done;
            }
            run.link().peer.reset();
            run.next();
            return ChargerRun::Check::Done;
        },
        [] { return std::string("the connection stayed open"); }, "the connection closed");
}

} // namespace

extern const StepKind expect_close_step{"expect_close", parse_expect_close, run_expect_close};

} // namespace scen
