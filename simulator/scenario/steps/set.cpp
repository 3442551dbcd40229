// set: gives variables values (JSON templates, expanded when the step runs).
#include "simulator/scenario/charger_run.hpp"
#include "simulator/scenario/parser.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

namespace {

void parse_set(const StepSource& src, Step& s, std::vector<Step>&) {
    src.allow({});
    if (!src.value.IsMap()) {
        src.parser.fail(src.value, "set: expected a mapping of variable names to values");
    }
    for (const auto& kv : src.value) {
        s.values[kv.first.as<std::string>()] = src.parser.json(kv.second);
    }
}

void run_set(ChargerRun& run, const Step& s) {
    for (const auto& [name, json] : s.values) {
        rapidjson::Document v;
        if (auto r = expand_json(json, run.ctx(), v); !r) {
            run.fail("the value of " + name + " to expand", r.error().message);
            return;
        }
        run.ctx().set(name, v);
    }
    run.next();
}

} // namespace

extern const StepKind set_step{"set", parse_set, run_set};

} // namespace scen
